"""Fit the revenue and cost rows that the calibration table marks as ``fitted``.

    uv run python scripts/fit_money.py

1. ``api_revenue_per_user`` and ``monetisation_growth``: the app company's revenue in
   2024 and 2025 (``openai_revenue_2024``, ``openai_revenue_2025``) on the ``reported``
   preset, with the subscription price at its assumed $20.
2. ``fixed_costs_2024``: the 2024 net margin (``net_margin_2024``) on the ``seed``
   preset. The H1-2025 net loss is a second target the fit does not use: with the
   build lag the model has, reaching it needs a fixed block growing ninefold a year
   (docs/scenarios.md), which we do not assume.

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

from model import AIBubbleModel
from params import calibration_table

QUIET = {"demand_noise": 0.0, "price_noise": 0.0}


def _frame(preset: str, months: int, **values: float):
    overrides: dict[str, Any] = {**QUIET, **values}
    m = AIBubbleModel(rng=0, preset=preset, **overrides)
    m.run_for(months)
    return m.datacollector.get_model_vars_dataframe()


def fit_revenue() -> tuple[float, float]:
    """API revenue per user and monetisation growth that give the reported revenue."""
    cal = calibration_table()
    r2024 = float(cal["openai_revenue_2024"].value)
    r2025 = float(cal["openai_revenue_2025"].value)

    def residuals(x: np.ndarray) -> list[float]:
        df = _frame("reported", 24, api_revenue_per_user=x[0], monetisation_growth=x[1])
        year = df["date"].str[:4]
        rev = df.groupby(year)["app_revenue"].sum()
        return [np.log(rev["2024"] / r2024), np.log(rev["2025"] / r2025)]

    fit = least_squares(residuals, [0.5, 0.2], bounds=([0.0, 0.0], [5.0, 1.0]))
    return float(fit.x[0]), float(fit.x[1])


def fit_costs(api: float, growth: float) -> float:
    """The fixed block that gives the seed's 2024 net margin."""
    margin = float(calibration_table()["net_margin_2024"].value)

    def residuals(x: np.ndarray) -> list[float]:
        df = _frame(
            "seed", 12, api_revenue_per_user=api, monetisation_growth=growth, fixed_costs_2024=x[0]
        )
        return [df["app_net_income"].sum() / df["app_revenue"].sum() - margin]

    fit = least_squares(residuals, [3.0], bounds=([0.0], [20.0]))
    return float(fit.x[0])


def main() -> None:
    """Fit and print."""
    cal = calibration_table()
    api, growth = fit_revenue()
    fixed = fit_costs(api, growth)
    for key, value in (
        ("api_revenue_per_user", api),
        ("monetisation_growth", growth),
        ("fixed_costs_2024", fixed),
    ):
        print(f"{key:22s} fitted {value:9.4f}   in calibration.csv {cal[key].value}")


if __name__ == "__main__":
    main()
