"""The regime banner and the month counter, one strip at the top of the page.

The regimes' definitions shown here are texts (``regime_<name>_doc`` in
``text/strings.toml``) whose placeholders are the thresholds of the run's own classifier
(``economy/regimes.py``'s ``RegimeClassifier``: window, persistence, growth and runway
thresholds), filled from ``model.observation.regimes``: nothing is restated here.
"""

# ruff: noqa: N802 - Solara components are named like classes (Page, NetworkPanel, ...)

from __future__ import annotations

from dataclasses import fields
from typing import Any

import solara

from economy.observation import month_date
from text import month_label, tr
from viz.components.svg import esc
from viz.session import Shown

REGIME_STYLE = {
    "rising": ("#dcfce7", "#166534", "▲"),
    "plateau": ("#e0f2fe", "#075985", "▬"),
    "stalling": ("#fef3c7", "#92400e", "▼"),
    "collapse": ("#fee2e2", "#991b1b", "✖"),
    "none": ("#f3f4f6", "#374151", "●"),
}


def counter_text(model: Any, lang: str) -> str:
    """``Dec 2025 · month 23``: the latest month simulated, numbered as in the CSV and lessons."""
    if model.month < 0:
        return tr("not_started", lang)
    return tr("month_counter", lang, n=model.month, date=month_label(model.stats["date"], lang))


def regime_thresholds(classifier: Any) -> dict[str, float | int]:
    """The numbers a regime classifier tests against, by field name (its thresholds)."""
    return {
        f.name: getattr(classifier, f.name)
        for f in fields(classifier)
        if f.type in ("int", "float")
    }


def pending_text(model: Any, lang: str) -> str:
    """What this month's tests say when it differs from the banner (the 3-month rule)."""
    if model.month < 0:
        return ""
    classifier = model.observation.regimes
    raw, held = classifier.pending()
    if raw is None:
        return ""
    raw_name = tr(f"regime_{raw.value}", lang)
    return tr("regime_pending", lang, raw=raw_name, n=held, **regime_thresholds(classifier))


def regime_doc(model: Any, regime: str, lang: str) -> str:
    """What a regime means, with the run's own thresholds."""
    return tr(f"regime_{regime}_doc", lang, **regime_thresholds(model.observation.regimes))


def implausible_text(model: Any, lang: str) -> str:
    """A warning once some quantity has passed its plausible bound, or nothing."""
    first = model.observation.first_implausible_month if model.month >= 0 else None
    if first is None:
        return ""
    return tr("implausible_warning", lang, date=month_label(month_date(first), lang))


def banner_html(model: Any, lang: str) -> str:
    """The banner: the current regime, what it means, and the month counter."""
    regime = str(model.observation.regime) if model.month >= 0 else "none"
    bg, fg, mark = REGIME_STYLE.get(regime, REGIME_STYLE["none"])
    doc = regime_doc(model, regime, lang)
    months = model.month + 1
    return (
        f'<div class="aiv-banner" style="background:{bg};color:{fg};border-color:{fg}" '
        f'data-testid="regime" data-regime="{esc(regime)}">'
        f'<div class="aiv-regime"><span class="aiv-regime-mark">{mark}</span>'
        f'<span class="aiv-regime-k">{esc(tr("regime", lang))}</span>'
        f'<span class="aiv-regime-v">{esc(tr(f"regime_{regime}", lang))}</span>'
        f'<span class="aiv-regime-doc">{esc(doc)}</span>'
        f'<span class="aiv-regime-doc aiv-pending">{esc(pending_text(model, lang))}</span>'
        f'<span class="aiv-regime-doc aiv-implausible" data-testid="implausible">'
        f"{esc(implausible_text(model, lang))}</span></div>"
        f'<div class="aiv-counter" data-testid="month-counter" data-month="{months}">'
        f"{esc(counter_text(model, lang))}</div></div>"
    )


@solara.component
def RegimeBanner(shown: Shown, lang: str):
    """The banner strip.

    Args:
        shown: the model the page shows (read under the simulation's lock).
        lang: language code.
    """
    html = solara.use_memo(lambda: shown.read(banner_html, lang), [*shown.key, lang])
    solara.HTML(tag="div", unsafe_innerHTML=html)
