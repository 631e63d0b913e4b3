"""The time-series panel: the model's monthly columns drawn as dated charts.

Every chart reads the data collector's columns as they are (the view computes no
economics); the only arithmetic is adding cost lines into a stack and turning shares
into percentages.
"""

# ruff: noqa: N802 - Solara components are named like classes (Page, NetworkPanel, ...)

from __future__ import annotations

import math
from typing import Any

import solara

from economy.indicators import NO_BURN_RUNWAY
from economy.observation import LOOP_FLOWS, collected
from text import tr
from viz.components.timechart import HLine, Series, time_chart
from viz.session import Shown

FIRM_COLOR = {
    "nvidia": "#76b900",
    "amd": "#ed1c24",
    "oracle": "#c74634",
    "microsoft": "#0078d4",
    "amazon": "#ff9900",
    "coreweave": "#6d28d9",
    "openai": "#111827",
}
LOOP_COLORS = ("#2563eb", "#16a34a", "#ea580c")  # the loop flows, in LOOP_FLOWS order
RUNWAY_CAP = NO_BURN_RUNWAY  # what the model reports when the app company is not burning cash


def columns(model: Any) -> dict[str, list[Any]]:
    """The collected columns, by name (one value per month so far); undefined months None."""
    return collected(model.datacollector)


def _col(data: dict[str, list[Any]], name: str, n: int) -> list[float]:
    values = data.get(name)
    if values is None:
        return [math.nan] * n
    return [float(v) if v is not None else math.nan for v in values]


def chart_svgs(model: Any, lang: str) -> list[tuple[str, str]]:
    """Every chart of the panel as (key, SVG), in display order."""
    data = columns(model)
    dates = [str(d) for d in data.get("date", [])]
    n = len(dates)
    empty = tr("regime_none_doc", lang)
    stale = tr("legend_last_defined", lang)

    def col(name: str) -> list[float]:
        return _col(data, name, n)

    def chart(key: str, series: list[Series], **kw: Any) -> tuple[str, str]:
        title = tr(key, lang)
        return key, time_chart(dates, series, title=title, empty_text=empty, stale_text=stale, **kw)

    out = []
    out.append(
        chart(
            "chart_costs",
            [
                Series(tr("s_compute_bill", lang), col("app_compute_bill"), "#ef4444", "area"),
                Series(tr("s_fixed_costs", lang), col("app_fixed_costs"), "#f59e0b", "area"),
                Series(tr("s_variable_costs", lang), col("app_variable_costs"), "#a78bfa", "area"),
                Series(tr("s_revenue_share", lang), col("app_revenue_share"), "#94a3b8", "area"),
                Series(tr("s_revenue", lang), col("app_revenue"), "#15803d", width=3.0),
            ],
        )
    )
    waiting_cols = [c for c in data if c.startswith("waiting_gw_")]
    waiting = [sum(v) for v in zip(*(col(c) for c in waiting_cols), strict=True)] or [0.0] * n
    out.append(
        chart(
            "chart_gw",
            [
                Series(tr("s_contracted", lang), col("contracted_gw"), "#7c3aed", dash="6 4"),
                Series(tr("s_deployed", lang), col("deployed_gw"), "#7c3aed", "area"),
                Series(tr("s_waiting", lang), waiting, "#dc2626", dash="2 2", width=1.6),
                Series(
                    tr("s_served", lang),
                    [v * 100 for v in col("served_share")],
                    "#15803d",
                    axis="right",
                    unit="%",
                ),
            ],
            right_label="%",
        )
    )
    out.append(
        chart(
            "chart_milestone",
            [
                Series(
                    tr("s_milestone_month", lang), col("milestone_investment"), "#2563eb", "bar"
                ),
                Series(
                    tr("s_milestone_total", lang),
                    col("milestone_investment_total"),
                    "#1e3a8a",
                    axis="right",
                    width=2.5,
                ),
            ],
            right_label=tr("s_milestone_total", lang),
        )
    )
    firms = list(model.firms)
    out.append(
        chart(
            "chart_valuations",
            [
                Series(f.label, col(f"market_cap_{f.name}"), FIRM_COLOR.get(f.name, "#374151"))
                for f in firms
            ],
            log=True,
        )
    )
    p = model.p
    runway = [min(v, RUNWAY_CAP) if math.isfinite(v) else v for v in col("app_runway_months")]
    out.append(
        chart(
            "chart_runway",
            [Series(tr("s_runway", lang), runway, "#0f766e", "area")],
            hlines=[
                HLine(
                    float(p.rising_min_runway),
                    tr("line_rising", lang, n=f"{p.rising_min_runway:g}"),
                    "#15803d",
                ),
                HLine(
                    float(p.stalling_max_runway),
                    tr("line_stalling", lang, n=f"{p.stalling_max_runway:g}"),
                    "#b91c1c",
                ),
            ],
        )
    )
    loop = [  # the three loop flows as economy/observation defines them, and the thinnest
        Series(tr(f"s_{f.column}", lang), col(f.column), LOOP_COLORS[i % 3], width=1.6)
        for i, f in enumerate(LOOP_FLOWS)
    ]
    loop.append(Series(tr("s_loop_throughput", lang), col("loop_throughput"), "#f59e0b", width=3.0))
    circ = [c for c in data if c.startswith("circularity_") and not c.endswith("_defined")]
    for name in circ:
        firm = name.removeprefix("circularity_")
        clouds = firm.endswith("_clouds")
        firm = firm.removesuffix("_clouds")
        label = model.firms_by_name[firm].label if firm in model.firms_by_name else firm
        key = "s_circularity_clouds" if clouds else "s_circularity"
        loop.append(
            Series(
                tr(key, lang, firm=label),
                [v * 100 for v in col(name)],
                FIRM_COLOR.get(firm, "#374151"),
                axis="right",
                dash="2 2" if clouds else "4 3",
                unit="%",
            )
        )
    out.append(chart("chart_loop", loop, right_label="%" if circ else ""))
    out.append(
        chart(  # the market for idle capacity (docs/model.md 7.4)
            "chart_rental",
            [
                Series(tr("s_rental_let", lang), col("rental_let_gw"), "#0f766e", "area"),
                Series(tr("s_rental_offered", lang), col("rental_offered_gw"), "#475569", width=2),
                Series(tr("s_rental_demand", lang), col("rental_demand_gw"), "#7c3aed", dash="6 4"),
                Series(
                    tr("s_rental_price", lang),
                    [v * 100 for v in col("rental_price_ratio")],
                    "#b45309",
                    axis="right",
                    unit="%",
                    width=2.5,
                ),
            ],
            right_label="%",
        )
    )
    return out


@solara.component
def ChartsPanel(shown: Shown, lang: str):
    """The chart grid, rebuilt when the month or the language changes.

    Args:
        shown: the model the page shows (read under the simulation's lock).
        lang: language code.
    """
    charts = solara.use_memo(lambda: shown.read(chart_svgs, lang), [*shown.key, lang])
    cells = "".join(f'<div class="aiv-chart" data-chart="{k}">{svg}</div>' for k, svg in charts)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f'<div class="aiv-charts">{cells}</div>',
        attributes={"data-testid": "charts"},
    )
