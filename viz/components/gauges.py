"""The seed article's three dashboard indicators as gauges with healthy / warning / danger bands.

The gauges (the column each reads, the dial, the bands and why) are defined once in
``economy/gauges.py``; this module only draws them.
"""

# ruff: noqa: N802 - Solara components are named like classes (Page, NetworkPanel, ...)

from __future__ import annotations

import math
from typing import Any

import solara

from economy.gauges import DANGER, HEALTHY, WARNING, Gauge, gauges
from text import tr
from viz.components.svg import INK, MUTED, esc, num, svg_open
from viz.session import Shown

GREEN, AMBER, RED = "#22c55e", "#f59e0b", "#ef4444"
BAND_COLOR = {HEALTHY: GREEN, WARNING: AMBER, DANGER: RED}


def gauges_for(model: Any) -> tuple[Gauge, ...]:
    """The model's three gauges (the fuel dial is relative to its ``capex_per_gw``)."""
    return gauges(model.p)


def _polar(cx: float, cy: float, r: float, frac: float) -> tuple[float, float]:
    a = math.pi * (1.0 - frac)
    return cx + r * math.cos(a), cy - r * math.sin(a)


def _arc(cx: float, cy: float, r: float, f0: float, f1: float) -> str:
    x0, y0 = _polar(cx, cy, r, f0)
    x1, y1 = _polar(cx, cy, r, f1)
    return f"M{x0:.1f} {y0:.1f} A{r} {r} 0 0 1 {x1:.1f} {y1:.1f}"


def gauge_svg(g: Gauge, value: float | None, lang: str, note: str = "", missing: str = "") -> str:
    """One gauge as SVG: coloured bands, a needle at ``value`` and the value in words."""
    w, h = 260.0, 168.0
    cx, cy, r = w / 2, 118.0, 82.0
    title = tr(f"gauge_{g.key}", lang)
    out = [svg_open(w, h, title)]
    out.append(
        f'<text x="{w / 2}" y="16" font-size="12.5" font-weight="600" fill="{INK}" '
        f'text-anchor="middle">{esc(title)}</text>'
    )
    span = g.hi - g.lo
    start = g.lo
    for upper, name in g.bands:
        f0 = (start - g.lo) / span
        f1 = (min(upper, g.hi) - g.lo) / span
        out.append(
            f'<path d="{_arc(cx, cy, r, f0, f1)}" fill="none" stroke="{BAND_COLOR[name]}" '
            f'stroke-width="16" stroke-opacity="0.8"><title>{esc(tr(f"band_{name}", lang))}'
            "</title></path>"
        )
        if upper < g.hi:
            tx, ty = _polar(cx, cy, r + 15, f1)
            label = f"{upper * 100:.0f}%" if g.percent else num(upper)
            out.append(
                f'<text x="{tx:.1f}" y="{ty + 3:.1f}" font-size="9.5" fill="{MUTED}" '
                f'text-anchor="middle">{label}</text>'
            )
        start = upper
    if value is not None and math.isfinite(value):
        frac = min(1.0, max(0.0, (value - g.lo) / span))
        nx, ny = _polar(cx, cy, r - 4, frac)
        band = g.band(value)
        color = BAND_COLOR[band]
        text = f"{value * 100:,.0f}%" if g.percent else num(value)
        out.append(
            f'<line x1="{cx}" y1="{cy}" x2="{nx:.1f}" y2="{ny:.1f}" stroke="{INK}" '
            f'stroke-width="3.5" stroke-linecap="round"/>'
        )
        out.append(f'<circle cx="{cx}" cy="{cy}" r="6" fill="{INK}"/>')
        out.append(
            f'<text x="{cx}" y="{cy + 25}" font-size="17" font-weight="700" fill="{INK}" '
            f'text-anchor="middle">{esc(text)}<tspan font-size="11.5" font-weight="600" '
            f'fill="{color}" dx="6">{esc(tr(f"band_{band}", lang))}</tspan></text>'
        )
    else:
        out.append(f'<circle cx="{cx}" cy="{cy}" r="6" fill="#d1d5db"/>')
        out.append(
            f'<text x="{cx}" y="{cy + 25}" font-size="13" fill="{MUTED}" '
            f'text-anchor="middle">{esc(missing or tr("no_data", lang))}</text>'
        )
    if note:
        out.append(
            f'<text x="{cx}" y="{h - 4}" font-size="10" fill="{MUTED}" '
            f'text-anchor="middle">{esc(note)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _defined(stats: dict[str, Any], name: str) -> float | None:
    """A column's value this month, or None when it is undefined (a carried column)."""
    return stats.get(name) if stats.get(f"{name}_defined", 1) else None


def _note(key: str, stats: dict[str, Any], lang: str) -> tuple[str, str]:
    """The line under a gauge, and what it says when it has no value."""
    if key == "engine":
        users = stats.get("users_m")
        note = tr("users_now", lang, users=users) if users is not None else tr("users_none", lang)
        return note, ""
    missing = tr("no_orders", lang) if key == "fuel" and stats else ""
    return tr(f"{key}_note", lang), missing


def gauges_html(model: Any, lang: str) -> str:
    """The three gauges side by side, as one HTML string."""
    stats = model.stats if model.month >= 0 else {}
    cells = []
    for g in gauges_for(model):
        if model.app.defaulted:  # the engine is gone: no reading, and say why
            cells.append(gauge_svg(g, None, lang, "", missing=tr("loop_ended", lang)))
            continue
        note, missing = _note(g.key, stats, lang)
        cells.append(gauge_svg(g, _defined(stats, g.column), lang, note, missing=missing))
    inner = "".join(f'<div class="aiv-gauge">{c}</div>' for c in cells)
    return f'<div class="aiv-gauges">{inner}</div>'


@solara.component
def GaugesPanel(shown: Shown, lang: str):
    """The indicators row, rebuilt when the month or the language changes.

    Args:
        shown: the model the page shows (read under the simulation's lock).
        lang: language code.
    """
    html = solara.use_memo(lambda: shown.read(gauges_html, lang), [*shown.key, lang])
    solara.HTML(tag="div", unsafe_innerHTML=html, attributes={"data-testid": "gauges"})
