"""Out-of-sample checks: figures dated after the reported vintage, against the model.

    uv run python scripts/out_of_sample.py [--seeds N]

The fits (``scripts/fit_bass.py``, ``scripts/fit_money.py``) read only figures dated up to
2025-10 (``calibration.vintage``). These checks read later figures (``data/realised.csv``)
and the ``revenue_per_gw_arr`` row, and measure the same quantities on ``reported`` runs:
nothing here feeds back into a parameter.
"""

from __future__ import annotations

from collections.abc import Callable
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


def checks() -> list[Check]:
    """The out-of-sample checks (issue 17, item 7)."""
    rev = realised("openai_revenue_2025", "2025-12")
    arr = realised("openai_arr_2025_12", "2025-12")
    gw = realised("openai_compute_gw", "2025-12")
    per_gw = float(calibration_table()["revenue_per_gw_arr"].value)
    users = realised("chatgpt_weekly_users", "2026-03")
    monthly = realised("openai_revenue_monthly_2026_03", "2026-03")
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
