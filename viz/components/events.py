"""The event log: contracts signed, milestones unlocked, rounds raised, defaults.

Renders the model's typed events (``model.observation.events``) with their templates in the
reader's language (``text/events.toml``): nothing is parsed back out of English sentences.
"""

# ruff: noqa: N802 - Solara components are named like classes (Page, NetworkPanel, ...)

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import solara

from economy.observation import Event, month_date
from text import month_label, tr
from viz.components.parties import labels
from viz.components.svg import esc
from viz.session import Shown

KIND_COLOR = {
    "contract": "#7c3aed",
    "milestone": "#2563eb",
    "round": "#0f766e",
    "default": "#dc2626",
    "no_cloud": "#b45309",
    "warrant": "#4f46e5",
    "backstop": "#0369a1",
    "implausible": "#111827",
}
MAX_ROWS = 300  # the newest events; older ones stay in model.observation.events


def event_row(event: Event, lang: str, names: Mapping[str, str]) -> str:
    """One event as a list item: its date, a badge with its kind, its sentence."""
    kind = event.kind.log_kind
    color = KIND_COLOR.get(kind, "#6b7280")
    when = month_label(month_date(event.month), lang)
    return (
        f'<li class="aiv-ev aiv-ev-{esc(kind)}"><span class="aiv-ev-date">{esc(when)}</span>'
        f'<span class="aiv-badge" style="background:{color}">{esc(tr(f"ev_{kind}", lang))}'
        f'</span><span class="aiv-ev-text">{esc(event.text(lang, names))}</span></li>'
    )


def events_html(events: Sequence[Event], lang: str, names: Mapping[str, str]) -> str:
    """The newest events first, as an HTML list.

    Args:
        events: the model's events, oldest first.
        lang: language code.
        names: display names of the firms and funds (``viz.components.parties.labels``).
    """
    if not events:
        return f'<div class="aiv-empty">{esc(tr("no_events", lang))}</div>'
    rows = [event_row(e, lang, names) for e in reversed(events[-MAX_ROWS:])]
    return f'<ul class="aiv-events">{"".join(rows)}</ul>'


def model_events_html(model: Any, lang: str) -> str:
    """The event log of a model in ``lang``."""
    return events_html(model.observation.events, lang, labels(model, lang))


@solara.component
def EventLog(shown: Shown, lang: str):
    """The event log panel.

    Args:
        shown: the model the page shows (read under the simulation's lock).
        lang: language code.
    """
    html = solara.use_memo(lambda: shown.read(model_events_html, lang), [*shown.key, lang])
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f'<div class="aiv-h">{esc(tr("event_log", lang))}</div>{html}',
        attributes={"data-testid": "events"},
    )
