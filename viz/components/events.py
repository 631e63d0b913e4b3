"""The event log: contracts signed, milestones unlocked, rounds raised, defaults."""

# ruff: noqa: N802 - Solara components are named like classes (Page, NetworkPanel, ...)

from __future__ import annotations

from typing import Any

import solara

from viz.components.svg import esc
from viz.i18n import event_text, month_label, tr

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


def events_html(events: list[dict[str, Any]], lang: str) -> str:
    """The newest events first, as an HTML list."""
    if not events:
        return f'<div class="aiv-empty">{esc(tr("no_events", lang))}</div>'
    rows = []
    for e in reversed(events[-MAX_ROWS:]):
        kind = str(e.get("kind", ""))
        color = KIND_COLOR.get(kind, "#6b7280")
        date = str(e.get("date", ""))
        when = month_label(f"{date[:7]}-01", lang) if len(date) >= 7 else date
        rows.append(
            f'<li class="aiv-ev aiv-ev-{esc(kind)}"><span class="aiv-ev-date">{esc(when)}</span>'
            f'<span class="aiv-badge" style="background:{color}">{esc(tr(f"ev_{kind}", lang))}'
            f'</span><span class="aiv-ev-text">{esc(event_text(str(e.get("text", "")), lang))}'
            "</span></li>"
        )
    return f'<ul class="aiv-events">{"".join(rows)}</ul>'


@solara.component
def EventLog(model: Any, months: int, lang: str):
    """The event log panel.

    Args:
        model: the session's model.
        months: months simulated.
        lang: language code.
    """
    events = model.observation.events
    n = len(events)
    html = solara.use_memo(
        lambda: events_html([e.row() for e in events], lang), [id(model), months, n, lang]
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f'<div class="aiv-h">{esc(tr("event_log", lang))}</div>{html}',
        attributes={"data-testid": "events"},
    )
