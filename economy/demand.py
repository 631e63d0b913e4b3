"""Demand equations of the app company: Bass diffusion with a decaying impulse, revenue, compute.

Pure functions (and one cached price path), shared by the agent, the opening balance sheets,
the calibration fit (``scripts/fit_bass.py``) and the tests. Rates given per year are
applied monthly by compounding: a yearly hazard rate H becomes a monthly adoption
probability 1 - exp(-H / 12); a yearly growth g becomes (1 + g) ** (1 / 12) a month.
"""

from __future__ import annotations

import math

from params import Params


def decay_factor(paid_growth_decay: float, month: int | float) -> float:
    """Multiplier of the diffusion impulse after ``month`` months: (1 - decay) ** (month / 12)."""
    if paid_growth_decay <= 0.0:
        return 1.0
    return (1.0 - paid_growth_decay) ** (month / 12.0)


def monthly_adoption_share(users: float, p: float, q: float, market: float, factor: float) -> float:
    """Share of the not-yet-adopters who adopt this month (Bass hazard, compounded monthly)."""
    hazard = (p + q * users / market) * factor
    return 1.0 - math.exp(-hazard / 12.0)


def bass_next(users: float, p: float, q: float, market: float, factor: float) -> float:
    """Users next month, without noise."""
    remaining = max(0.0, market - users)
    return users + monthly_adoption_share(users, p, q, market, factor) * remaining


def bass_path(
    users0: float, p: float, q: float, market: float, decay: float, months: int
) -> list[float]:
    """Deterministic user path for months 0..months (users0 at month 0)."""
    out = [users0]
    for t in range(months):
        out.append(bass_next(out[-1], p, q, market, decay_factor(decay, t)))
    return out


def yearly_to_monthly_growth(g: float) -> float:
    """Monthly growth factor of a yearly growth rate g (compounded)."""
    return (1.0 + g) ** (1.0 / 12.0)


def chip_efficiency(month: float, halving_years: float) -> float:
    """Effective compute per GW of chips bought in ``month`` (month 0 = 1).

    Capex per GW is roughly flat while the cost per FLOP halves every ``halving_years``,
    so the compute a GW delivers doubles on that schedule.
    """
    return 2.0 ** (month / (12.0 * halving_years))


class Revenue:
    """Monthly revenue (US$ bn) from weekly users: subscriptions and the API.

    Revenue per subscriber grows ``monetisation_growth`` a year at first and that rate
    halves every ``monetisation_growth_halving_years`` (pricing power fades as the market
    matures), so the price converges instead of compounding without limit. The API price
    per token falls ``inference_price_decline`` times a year; token demand answers with
    elasticity ``api_price_elasticity``, so API spend per user moves as
    price ** (1 - elasticity).
    """

    def __init__(self, p: Params):
        self.p = p
        self._monetisation = [1.0]  # month -> revenue per subscriber relative to month 0

    def monetisation_factor(self, month: int) -> float:
        """Growth of revenue per subscriber since month 0.

        Compounded month by month; before month 0 (history) at the initial rate.
        """
        p = self.p
        cache = self._monetisation
        while len(cache) <= month:
            m = len(cache) - 1
            h = 12.0 * p.monetisation_growth_halving_years
            g = p.monetisation_growth * 0.5 ** (m / h)
            cache.append(cache[-1] * (1.0 + g) ** (1.0 / 12.0))
        return cache[month] if month >= 0 else (1.0 + p.monetisation_growth) ** (month / 12.0)

    def parts(self, users: float, month: int) -> tuple[float, float]:
        """Monthly subscription and API revenue (US$ bn) from ``users`` million weekly users."""
        p = self.p
        sub_price = p.subscription_price * self.monetisation_factor(month)
        price_ratio = p.inference_price_decline ** (-month / 12.0)
        api_per_user = p.api_revenue_per_user * price_ratio ** (1.0 - p.api_price_elasticity)
        return users * p.paid_share * sub_price / 1000.0, users * api_per_user / 1000.0

    def total(self, users: float, month: int) -> float:
        """Monthly revenue (US$ bn) from ``users`` million weekly users in ``month``."""
        return sum(self.parts(users, month))


def compute_need(p: Params, users: float, month: int) -> float:
    """Effective compute needed (GW of 2024 chips) for inference and training."""
    watts = p.inference_watts_per_user * (1.0 + p.compute_per_user_growth) ** (month / 12.0)
    return users * watts / 1000.0 * (1.0 + p.training_to_inference)
