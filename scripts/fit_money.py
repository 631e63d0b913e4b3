"""Fit the revenue, capacity and cost rows that the calibration table marks as ``fitted``.

    uv run python scripts/fit_money.py

1. ``api_revenue_initial`` and ``monetisation_growth``: the app company's revenue in
   2024 (``openai_revenue_2024``) and in the first half of 2025 (``openai_revenue_h1_2025``)
   on the ``reported`` preset, with the subscription price at its assumed $20.
2. ``opening_pipeline_share``: the capacity operating at the end of 2024
   (``openai_compute_gw``, 2024-12, 0.6 GW; ``data/realised.csv``) on ``reported``.
3. ``fixed_costs_2024``: the 2024 net margin (``net_margin_2024``) on the ``seed``
   preset. The H1-2025 net loss is a second target the fit does not use: with the
   build lag the model has, reaching it needs a fixed block growing ninefold a year
   (docs/scenarios.md), which we do not assume.

Every dated figure is read through ``calibration.vintage.fit_point``, which refuses a
figure dated after the reported vintage (2025-10): full-year 2025 revenue and the
compute of end-2025 are out of sample (``scripts/out_of_sample.py``).

Each fit runs the model itself with the noise switched off (demand_noise = price_noise =
0), so what is fitted is the model's own output, and prints the values beside the table's.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import least_squares

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calibration.vintage import Point, fit_point, month_of
from model import AIBubbleModel
from params import calibration_table

QUIET = {"demand_noise": 0.0, "price_noise": 0.0}


def targets() -> dict[str, Point]:
    """The dated figures the fits use, each through the vintage filter."""
    return {
        "revenue_2024": fit_point("openai_revenue_2024", "2024-12"),
        "revenue_h1_2025": fit_point("openai_revenue_h1_2025", "2025-06"),
        "compute_2024_12": fit_point("openai_compute_gw", "2024-12"),
    }


def _frame(preset: str, months: int, **values: float):
    overrides: dict[str, Any] = {**QUIET, **values}
    m = AIBubbleModel(rng=0, preset=preset, **overrides)
    m.run_for(months)
    return m.datacollector.get_model_vars_dataframe()


def fit_revenue() -> tuple[float, float]:
    """API revenue in January 2024 and monetisation growth that give the reported revenue."""
    tg = targets()
    r2024 = tg["revenue_2024"].value
    rh1 = tg["revenue_h1_2025"].value

    def residuals(x: np.ndarray) -> list[float]:
        df = _frame("reported", 18, api_revenue_initial=x[0], monetisation_growth=x[1])
        y2024 = df.loc[df["date"].str.startswith("2024"), "app_revenue"].sum()
        h1 = df.loc[(df["date"] >= "2025-01") & (df["date"] < "2025-07"), "app_revenue"].sum()
        return [np.log(y2024 / r2024), np.log(h1 / rh1)]

    fit = least_squares(residuals, [0.08, 0.3], bounds=([0.001, 0.0], [1.0, 1.0]))
    return float(fit.x[0]), float(fit.x[1])


def fit_capacity(api: float, growth: float) -> float:
    """The opening pipeline share that gives the capacity operating at the end of 2024."""
    pt = targets()["compute_2024_12"]
    month = month_of(pt.date)

    def residuals(x: np.ndarray) -> list[float]:
        df = _frame(
            "reported",
            month + 1,
            api_revenue_initial=api,
            monetisation_growth=growth,
            opening_pipeline_share=x[0],
        )
        return [np.log(df["deployed_gw"].iloc[month] / pt.value)]

    fit = least_squares(residuals, [0.6], bounds=([0.0], [3.0]))
    return float(fit.x[0])


def fit_costs(api: float, growth: float, pipeline: float) -> float:
    """The fixed block that gives the seed's 2024 net margin."""
    margin = float(calibration_table()["net_margin_2024"].value)

    def residuals(x: np.ndarray) -> list[float]:
        df = _frame(
            "seed",
            12,
            api_revenue_initial=api,
            monetisation_growth=growth,
            opening_pipeline_share=pipeline,
            fixed_costs_2024=x[0],
        )
        return [df["app_net_income"].sum() / df["app_revenue"].sum() - margin]

    fit = least_squares(residuals, [3.0], bounds=([0.0], [20.0]))
    return float(fit.x[0])


def main() -> None:
    """Fit and print."""
    cal = calibration_table()
    for name, pt in targets().items():
        print(f"target {name:16s} {pt.key} {pt.date} = {pt.value:g}   ({pt.origin})")
    api, growth = fit_revenue()
    pipeline = fit_capacity(api, growth)
    fixed = fit_costs(api, growth, pipeline)
    for key, value in (
        ("api_revenue_initial", api),
        ("monetisation_growth", growth),
        ("opening_pipeline_share", pipeline),
        ("fixed_costs_2024", fixed),
    ):
        print(f"{key:22s} fitted {value:9.4f}   in calibration.csv {cal[key].value}")


if __name__ == "__main__":
    main()
