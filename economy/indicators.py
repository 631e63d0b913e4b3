"""The seed's three dashboard indicators, loop throughput and the run summary.

Definitions (docs/model.md §7.13):

* ``engine_user_growth``: year-on-year growth of weekly active users.
* ``gears_capex_to_revenue``: the cloud providers' trailing-12-month capex for the loop
  over their trailing-12-month revenue from the app company (compute bills and revenue
  share). Early months use the months available.
* ``fuel_capex_per_compute``: trailing-12-month capex ordered per unit of effective
  compute ordered (GW x chip efficiency, 2024 chips = 1), so it falls as chips improve.
* ``loop_throughput``: the smallest of the three loop flows (supplier -> app company
  equity, app company -> clouds payments, clouds -> suppliers chip payments), each
  averaged over the trailing 3 months.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from .regimes import Regime

THROUGHPUT_WINDOW = 3
TRAILING_YEAR = 12


def money_bn(x: float, digits: int = 1) -> str:
    """US$ billions as text: ``$2.1B``, ``-$2.1B``; rounding never shows ``$-0.0B``."""
    if abs(x) < 0.5 * 10**-digits:
        x = 0.0
    sign = "-" if x < 0 else ""
    return f"{sign}${abs(x):,.{digits}f}B"


def trailing_sum(series: Sequence[float], n: int) -> float:
    """Sum of the last ``n`` values (fewer at the start)."""
    return float(sum(series[-n:]))


def trailing_mean(series: Sequence[float], n: int) -> float:
    """Mean of the last ``n`` values (fewer at the start; 0 for an empty series)."""
    tail = series[-n:]
    return float(sum(tail) / len(tail)) if tail else 0.0


def ratio(num: float, den: float) -> float:
    """Num / den, NaN when the denominator is zero."""
    return num / den if den > 0.0 else math.nan


def loop_throughput(
    equity: Sequence[float],
    app_to_clouds: Sequence[float],
    clouds_to_suppliers: Sequence[float],
    window: int = THROUGHPUT_WINDOW,
) -> float:
    """The thinnest of the three loop flows, each as a trailing ``window``-month mean."""
    return min(
        trailing_mean(equity, window),
        trailing_mean(app_to_clouds, window),
        trailing_mean(clouds_to_suppliers, window),
    )


def summarise_path(
    regimes: Sequence[str],
    *,
    first_default_month: int | None,
    peak_gw: float,
    total_milestone_investment: float,
    peak_circularity: float,
    app_cash_low: float,
) -> dict[str, float | int | str | None]:
    """The run summary from the monthly regimes and a few running extremes."""
    out: dict[str, float | int | str | None] = {"months": len(regimes)}
    for r in Regime:
        out[f"months_{r.value}"] = sum(1 for x in regimes if x == r.value)
    stall = [m for m, x in enumerate(regimes) if x == Regime.STALLING.value]
    out["first_stall_month"] = stall[0] if stall else None
    out["first_default_month"] = first_default_month
    seen = {Regime(x) for x in regimes}
    out["worst_regime"] = max(seen, key=lambda r: r.severity).value if seen else None
    out["final_regime"] = regimes[-1] if regimes else None
    out["peak_gw"] = float(peak_gw)
    out["total_milestone_investment"] = float(total_milestone_investment)
    out["peak_circularity"] = float(peak_circularity)
    out["app_cash_low"] = float(app_cash_low)
    return out


def run_summary(df: pd.DataFrame) -> dict[str, float | int | str | None]:
    """Summarise a run by its path, not its last month (docs/model.md §7.13).

    Args:
        df: the model's monthly DataFrame (``datacollector.get_model_vars_dataframe()``),
            months 0.. in order.
    """
    default = df.index[df["defaults_total"] > 0]
    return summarise_path(
        list(df["regime"].astype(str)),
        first_default_month=int(df.loc[default[0], "month"]) if len(default) else None,
        peak_gw=df["deployed_gw"].max(),
        total_milestone_investment=df["milestone_investment_total"].iloc[-1],
        peak_circularity=(
            df["circularity_nvidia"].max() if "circularity_nvidia" in df else math.nan
        ),
        app_cash_low=df["cash_openai"].min(),
    )
