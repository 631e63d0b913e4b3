"""Fit the diffusion parameters that the calibration table marks as ``fitted``.

    uv run python scripts/fit_bass.py

1. ``bass_p_fit``, ``bass_q_fit``, ``market_size_fit``: least squares on log weekly users,
   the model's own monthly Bass map (economy.demand) started at ``users_initial`` in
   January 2024, against the reported series ``chatgpt_weekly_users`` up to the reported
   vintage (2025-10; ``calibration.vintage``); no decay.
2. ``seed_bass_q``, ``seed_paid_growth_decay``: with p and the market size from (1), the
   imitation coefficient and decay that give the article's figures read literally:
   251.7% growth over 2024 (``paid_user_growth_2024``) and a 35% annualised rate in the
   first quarter of 2025 (``paid_user_growth_2025q1``).

Prints each value beside the one in data/calibration.csv.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calibration.vintage import REPORTED_VINTAGE, fit_points, month_of
from economy.demand import bass_path
from params import calibration_table


def observed_users(vintage: str = REPORTED_VINTAGE) -> dict[int, float]:
    """The reported weekly users known by ``vintage``, {month: millions} (0 = January 2024).

    Read through the vintage filter: the 2026 points of the series are out of sample.
    """
    return {month_of(pt.date): pt.value for pt in fit_points("chatgpt_weekly_users", vintage)}


P_FLOOR = 0.001  # the floor of p's fitting range


def fit_reported(users0: float, vintage: str = REPORTED_VINTAGE) -> tuple[float, float, float]:
    """p, q and market size fitted to the reported users known by ``vintage``.

    With two points by the reported vintage (2025-02 and 2025-10) the three cannot all be
    fitted (a line of exact fits runs from a 2.1 to a 4 billion ceiling): p is held at
    ``P_FLOOR`` (adoption by imitation; the generic 0.03 cannot reproduce the slowing
    between the two points) and q and the market are fitted. With three or more points
    all three are fitted.
    """
    obs = observed_users(vintage)
    horizon = max(obs)

    def path_residuals(p: float, q: float, m: float) -> list[float]:
        path = bass_path(users0, p, q, m, 0.0, horizon)
        return [np.log(path[t] / v) for t, v in obs.items()]

    def two(x: np.ndarray) -> list[float]:
        return path_residuals(P_FLOOR, x[0], x[1])

    def three(x: np.ndarray) -> list[float]:
        return path_residuals(x[0], x[1], x[2])

    if len(obs) < 3:
        fit = least_squares(
            two,
            [1.5, 1400.0],
            bounds=([0.1, 500], [5, 5000]),
        )
        q, m = (float(v) for v in fit.x)
        return P_FLOOR, q, m
    fit = least_squares(
        three,
        [0.01, 1.5, 1400.0],
        bounds=([P_FLOOR, 0.1, 500], [0.05, 5, 5000]),
    )
    p, q, m = (float(v) for v in fit.x)
    return p, q, m


def fit_seed(users0: float, p: float, market: float) -> tuple[float, float]:
    """The imitation coefficient and decay that reproduce the article's paid growth (yoy)."""
    cal = calibration_table()
    g2024 = float(cal["paid_user_growth_2024"].value)
    g2025q1 = float(cal["paid_user_growth_2025q1"].value)

    def residuals(x: np.ndarray) -> list[float]:
        q, d = x
        path = bass_path(users0, p, q, market, d, 15)
        annualised_q1 = (path[15] / path[12]) ** 4
        return [np.log(path[12] / path[0] / (1 + g2024)), np.log(annualised_q1 / (1 + g2025q1))]

    fit = least_squares(residuals, [2.0, 0.5], bounds=([0.1, 0.0], [10.0, 0.999]))
    return float(fit.x[0]), float(fit.x[1])


def main() -> None:
    """Fit and print."""
    cal = calibration_table()
    users0 = float(cal["users_initial"].value)
    p, q, m = fit_reported(users0)
    q_seed, d_seed = fit_seed(users0, p, m)
    for key, value in (
        ("bass_p_fit", p),
        ("bass_q_fit", q),
        ("market_size_fit", m),
        ("seed_bass_q", q_seed),
        ("seed_paid_growth_decay", d_seed),
    ):
        print(f"{key:24s} fitted {value:10.4f}   in calibration.csv {cal[key].value}")
    hp, hq, hm = fit_reported(users0, "2026-03")
    print(f"for a history preset (points to 2026-03): p {hp:.4f}, q {hq:.4f}, market {hm:.0f}")


if __name__ == "__main__":
    main()
