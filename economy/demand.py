"""Demand equations of the app company: Bass diffusion with a decaying impulse, revenue, compute.

Pure functions, shared by the agent, the calibration fit (``scripts/fit_bass.py``) and the
tests. Rates given per year are applied monthly by compounding: a yearly hazard rate H
becomes a monthly adoption probability 1 - exp(-H / 12); a yearly growth g becomes
(1 + g) ** (1 / 12) a month.
"""

from __future__ import annotations

import math


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
