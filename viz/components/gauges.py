"""The seed article's three dashboard indicators as gauges with healthy / warning bands.

The bands are the view's reading aid, not part of the model; docs/view.md states them:

* engine, user growth year on year: danger under 20 %, warning 20-50 %, healthy from 50 %
  (the article's stall is 251.7 % falling to 35 %);
* gears, cloud providers' trailing-12-month capex / loop revenue: healthy up to 1, warning
  1-3, danger above 3 (a year of capex that takes more than three years of revenue to earn
  back, before running costs, is not paid back within the chips' life);
* fuel, trailing-12-month capex per unit of effective compute, relative to the month-0
  capex per GW of 2024 chips (``capex_per_gw``): healthy up to 0.8 x, warning 0.8-1 x,
  danger above 1 x (each dollar buys no more compute than in January 2024).
"""

# ruff: noqa: N802 - Solara components are named like classes (Page, NetworkPanel, ...)

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import solara

from viz.components.svg import INK, MUTED, esc, num, svg_open
from viz.i18n import tr

GREEN, AMBER, RED = "#22c55e", "#f59e0b", "#ef4444"
BAND_COLOR = {"healthy": GREEN, "warning": AMBER, "danger": RED}


@dataclass(frozen=True)
class Gauge:
    """One gauge: its scale and bands.

    Attributes:
        key: ``engine``, ``gears`` or ``fuel``.
        lo: left end of the dial.
        hi: right end of the dial.
        bands: (upper bound, band name) from ``lo`` upwards; the last bound is ``hi``.
        percent: show the value as a percentage.
    """

    key: str
    lo: float
    hi: float
    bands: tuple[tuple[float, str], ...]
    percent: bool = False

    def band(self, value: float) -> str:
        """The band ``value`` falls in."""
        for upper, name in self.bands:
            if value <= upper:
                return name
        return self.bands[-1][1]


ENGINE_BANDS = ((0.20, "danger"), (0.50, "warning"), (3.0, "healthy"))
GEARS_BANDS = ((1.0, "healthy"), (3.0, "warning"), (10.0, "danger"))
FUEL_BANDS_X = ((0.8, "healthy"), (1.0, "warning"), (1.5, "danger"))  # x capex_per_gw


def gauges_for(model: Any) -> list[Gauge]:
    """The three gauges; the fuel scale is relative to the model's ``capex_per_gw``."""
    c = float(model.p.capex_per_gw)
    fuel = tuple((k * c, name) for k, name in FUEL_BANDS_X)
    return [
        Gauge("engine", 0.0, 3.0, ENGINE_BANDS, percent=True),
        Gauge("gears", 0.0, 10.0, GEARS_BANDS),
        Gauge("fuel", 0.0, 1.5 * c, fuel),
    ]


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
    """A carried column's value this month, or None when it is undefined."""
    return stats.get(name) if stats.get(f"{name}_defined", 1) else None


def gauges_html(model: Any, lang: str) -> str:
    """The three gauges side by side, as one HTML string."""
    stats = model.stats if model.month >= 0 else {}
    engine, gears, fuel = gauges_for(model)
    users = stats.get("users_m")
    if model.app.defaulted:  # the engine is gone: no reading, and say why
        ended = tr("loop_ended", lang)
        cells = [gauge_svg(g, None, lang, "", missing=ended) for g in (engine, gears, fuel)]
    else:
        cells = [
            gauge_svg(
                engine,
                stats.get("engine_user_growth"),
                lang,
                tr("users_now", lang, users=users) if users is not None else tr("users_none", lang),
            ),
            gauge_svg(
                gears, _defined(stats, "gears_capex_to_revenue"), lang, tr("gears_note", lang)
            ),
            gauge_svg(
                fuel,
                _defined(stats, "fuel_capex_per_compute"),
                lang,
                tr("fuel_note", lang),
                missing=tr("no_orders", lang) if stats else "",
            ),
        ]
    inner = "".join(f'<div class="aiv-gauge">{c}</div>' for c in cells)
    return f'<div class="aiv-gauges">{inner}</div>'


@solara.component
def GaugesPanel(model: Any, months: int, lang: str):
    """The indicators row, rebuilt when the month or the language changes.

    Args:
        model: the session's model.
        months: months simulated.
        lang: language code.
    """
    html = solara.use_memo(lambda: gauges_html(model, lang), [id(model), months, lang])
    solara.HTML(tag="div", unsafe_innerHTML=html, attributes={"data-testid": "gauges"})
