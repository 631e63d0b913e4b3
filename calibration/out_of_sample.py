"""Out-of-sample checks: figures dated after the reported vintage, against the model.

    uv run python scripts/out_of_sample.py [--seeds N]

The fits (``scripts/fit_bass.py``, ``scripts/fit_money.py``) read only figures dated up to
2025-10 (``calibration.vintage``). These checks read later figures (``data/realised.csv``)
and the ``revenue_per_gw_arr`` row, and measure the same quantities on ``reported`` runs:
nothing here feeds back into a parameter.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from model import AIBubbleModel
from params import calibration_table

from .vintage import month_of, realised


@dataclass(frozen=True)
class Check:
    """One out-of-sample figure and how the model's value is measured."""

    name: str
    source: str
    figure: float
    unit: str
    measure: Callable[[pd.DataFrame], float]


def _at(df: pd.DataFrame, date: str, column: str) -> float:
    return float(df[column].iloc[month_of(date)])


def _arr(df: pd.DataFrame, date: str) -> float:
    return 12.0 * _at(df, date, "app_revenue")


def _rent_check(date: str, key: str = "h100_rental_price") -> Check:
    pt = realised(key, date)

    def measure(df: pd.DataFrame) -> float:
        return _at(df, date, "rental_price_h100")

    kind = "on demand, " if key.endswith("on_demand") else ""
    return Check(
        f"H100-class rental price, {kind}{date}",
        f"{key} ({pt.origin})",
        pt.value,
        "US$ per GPU-hour",
        measure,
    )


def checks() -> list[Check]:
    """The out-of-sample checks (issue 17, item 7)."""
    rev = realised("openai_revenue_2025", "2025-12")
    arr = realised("openai_arr_2025_12", "2025-12")
    gw = realised("openai_compute_gw", "2025-12")
    per_gw = float(calibration_table()["revenue_per_gw_arr"].value)
    users = realised("chatgpt_weekly_users", "2026-03")
    monthly = realised("openai_revenue_monthly_2026_03", "2026-03")
    rents = [
        _rent_check("2024-10"),
        _rent_check("2024-10", "h100_rental_price_on_demand"),
        _rent_check("2025-10"),
        _rent_check("2026-03"),
    ]
    return [
        Check(
            "app revenue 2025 (full year)",
            f"openai_revenue_2025 ({rev.origin})",
            rev.value,
            "US$ bn",
            lambda df: float(df.loc[df["date"].str.startswith("2025"), "app_revenue"].sum()),
        ),
        Check(
            "annualised revenue, Dec 2025",
            f"openai_arr_2025_12 ({arr.origin})",
            arr.value,
            "US$ bn a year",
            lambda df: _arr(df, "2025-12"),
        ),
        Check(
            "capacity operating, Dec 2025",
            f"openai_compute_gw ({gw.origin})",
            gw.value,
            "GW",
            lambda df: _at(df, "2025-12", "deployed_gw"),
        ),
        Check(
            "annualised revenue per GW operating, Dec 2025",
            "revenue_per_gw_arr (data/calibration.csv)",
            per_gw,
            "US$ bn per GW a year",
            lambda df: _arr(df, "2025-12") / _at(df, "2025-12", "deployed_gw"),
        ),
        Check(
            "weekly users, Mar 2026",
            f"chatgpt_weekly_users ({users.origin})",
            users.value,
            "million",
            lambda df: _at(df, "2026-03", "users_m"),
        ),
        Check(
            "revenue in the month, Mar 2026",
            f"openai_revenue_monthly_2026_03 ({monthly.origin})",
            monthly.value,
            "US$ bn a month",
            lambda df: _at(df, "2026-03", "app_revenue"),
        ),
        *rents,
    ]


def evaluate(preset: str = "reported", seeds: int = 5) -> list[tuple[Check, float]]:
    """Each check with the model's mean over ``seeds`` runs of 27 months (to March 2026)."""
    frames = []
    for seed in range(seeds):
        m = AIBubbleModel(rng=seed, preset=preset)
        m.run_for(27)
        frames.append(m.datacollector.get_model_vars_dataframe())
    return [(c, sum(c.measure(df) for df in frames) / len(frames)) for c in checks()]


def report(results: list[tuple[Check, float]]) -> str:
    """The checks as a table of text."""
    lines = [f"{'check':48s} {'figure':>8s} {'model':>8s} {'error':>7s}  unit (source)"]
    for c, value in results:
        err = (value - c.figure) / c.figure
        lines.append(
            f"{c.name:48s} {c.figure:8.3g} {value:8.3g} {100 * err:+6.0f}%  {c.unit} ({c.source})"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------- credit spreads
@dataclass(frozen=True)
class SpreadCheck:
    """A realised credit spread and the model column (bp) it is compared with."""

    name: str
    source: str
    figure: float  # bp
    column: str
    until: str  # the month it is read at ("at") or up to ("peak")
    how: str  # "at" or "peak"
    firm: str = ""

    def measure(self, df: pd.DataFrame) -> float:
        """The model's value in one run."""
        month = month_of(self.until)
        if self.how == "at":
            return float(df[self.column].iloc[month])
        return float(df[self.column].iloc[: month + 1].max())


def spread_checks() -> list[SpreadCheck]:
    """Oracle's and CoreWeave's five-year CDS in 2025 (issue 18, item 7): checks, not fits."""
    oracle = realised("oracle_cds_5y", "2025-12")
    coreweave = realised("coreweave_cds_5y_peak", "2025-12")
    return [
        SpreadCheck(
            "Oracle five-year CDS, Dec 2025",
            f"oracle_cds_5y ({oracle.origin})",
            oracle.value,
            "cds5y_oracle",
            "2025-12",
            "at",
            "oracle",
        ),
        SpreadCheck(
            "CoreWeave five-year CDS, peak to Dec 2025",
            f"coreweave_cds_5y_peak ({coreweave.origin})",
            coreweave.value,
            "cds5y_coreweave",
            "2025-12",
            "peak",
            "coreweave",
        ),
    ]


def assumed_ranges() -> dict[str, tuple[float, float]]:
    """Every assumed parameter with a plausible range (its calibration row's low and high)."""
    from params import PARAM_NAMES, param_info

    out = {}
    for name in PARAM_NAMES:
        info = param_info(name)
        try:
            lo, hi = float(info["sweep_low"]), float(info["sweep_high"])
        except (TypeError, ValueError):
            continue
        allowed = info["lo"] <= lo and hi <= info["hi"]
        if info["provenance"] == "assumed" and not info["integer"] and hi > lo and allowed:
            out[name] = (lo, hi)
    return out


def evaluate_spreads(
    preset: str = "history",
    seeds: int = 5,
    draws: int = 100,
    root: int = 0,
    points: Sequence[Mapping[str, float | int]] | None = None,
) -> list[tuple[SpreadCheck, float, float, float, float]]:
    """Each spread check: central mean, then over draws the 5% and 95% points and defaults.

    Central: the mean over ``seeds`` runs at the preset's values. Draws: ``draws``
    Latin-hypercube draws of the assumed parameters over their plausible ranges
    (generator seed ``root``), each run with the same model seed ``root``; the 5% and 95%
    points are over the draws in which the firm has not defaulted by the check's month,
    and the last figure is the share of draws in which it has (a default that did not
    happen). ``points``: the draws to run instead (parameter values by name; the script
    passes a prior's draws, ``ensemble.prior``), ``draws`` then being their number.
    """
    import numpy as np
    from scipy.stats import qmc

    from params import Params

    months = month_of("2025-12") + 1
    checks = spread_checks()
    central = []
    for seed in range(seeds):
        m = AIBubbleModel(rng=seed, preset=preset)
        m.run_for(months)
        central.append(m.datacollector.get_model_vars_dataframe())
    if points is None:
        ranges = assumed_ranges()
        names = sorted(ranges)
        unit = qmc.LatinHypercube(d=len(names), seed=root).random(draws)
        points = [
            {
                n: ranges[n][0] + u * (ranges[n][1] - ranges[n][0])
                for n, u in zip(names, row, strict=True)
            }
            for row in unit
        ]
    draws = len(points)
    values: list[list[float]] = [[] for _ in checks]
    defaulted = [0 for _ in checks]
    for point in points:
        draw = dict(point)
        m = AIBubbleModel(rng=root, preset=preset, params=Params.from_preset(preset, **draw))
        m.run_for(months)
        df = m.datacollector.get_model_vars_dataframe()
        for k, c in enumerate(checks):
            if m.firms_by_name[c.firm].defaulted:
                defaulted[k] += 1
            else:
                values[k].append(c.measure(df))
    out = []
    for k, c in enumerate(checks):
        mid = sum(c.measure(df) for df in central) / len(central)
        lo, hi = np.percentile(values[k], [5, 95]) if values[k] else (math.nan, math.nan)
        out.append((c, mid, float(lo), float(hi), defaulted[k] / draws))
    return out


def spread_report(results: list[tuple[SpreadCheck, float, float, float, float]]) -> str:
    """The spread checks as a table of text (bp)."""
    lines = [
        f"{'check':44s} {'figure':>7s} {'central':>8s} {'5%':>7s} {'95%':>7s} "
        f"{'defaulted':>9s}  (source)"
    ]
    for c, mid, lo, hi, dead in results:
        lines.append(
            f"{c.name:44s} {c.figure:7.0f} {mid:8.0f} {lo:7.0f} {hi:7.0f} {dead:9.0%}  ({c.source})"
        )
    return "\n".join(lines)
