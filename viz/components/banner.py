"""The regime banner and the month counter, one strip at the top of the page."""

# ruff: noqa: N802 - Solara components are named like classes (Page, NetworkPanel, ...)

from __future__ import annotations

from typing import Any

import solara

from economy.observation import month_date
from viz.components.svg import esc
from viz.i18n import month_label, tr

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


def pending_text(model: Any, lang: str) -> str:
    """What this month's tests say when it differs from the banner (the 3-month rule)."""
    if model.month < 0:
        return ""
    raw, held = model.observation.regimes.pending()
    if raw is None:
        return ""
    need = model.p.regime_persist_months
    return tr("regime_pending", lang, raw=tr(f"regime_{raw.value}", lang), n=held, need=need)


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
    p = model.p
    doc = tr(
        f"regime_{regime}_doc",
        lang,
        rising=f"{p.rising_min_runway:g}",
        stalling=f"{p.stalling_max_runway:g}",
        plateau=p.plateau_growth,
    )
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
def RegimeBanner(model: Any, months: int, lang: str):
    """The banner strip.

    Args:
        model: the session's model.
        months: months simulated.
        lang: language code.
    """
    html = solara.use_memo(lambda: banner_html(model, lang), [id(model), months, lang])
    solara.HTML(tag="div", unsafe_innerHTML=html)
