"""Contracts, capacity cohorts and milestone deals: institutions that do not act.

They hold terms and dates; the agents act on them and the ledger moves the money.
Backlog (remaining performance obligations) is a memo on the contract objects, not a
ledger entry (bookkeeping convention 7).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(slots=True)
class CloudContract:
    """A take-or-pay cloud contract between the app company and one cloud provider.

    Capacity is ordered at signing, paid for in equal monthly instalments over the build
    lag, and billed from ``start`` (signing + build lag) to ``end`` (exclusive) whether
    used or not. Its price per GW-month is fixed at signing from the capex per GW then,
    so cheaper chips lower the bills of new contracts, not old ones.

    Attributes:
        id: sequence number.
        cloud: name of the cloud provider.
        gw: contracted capacity, GW.
        price_per_gw_month: bill per GW per month, US$ bn.
        signed: month of signing.
        start: first billed month (capacity in service).
        end: first month no longer billed.
        efficiency: effective compute per GW of this vintage (2024 chips = 1).
        chip_split: share of the capacity built with each supplier's chips.
        capex: capex of the capacity, US$ bn.
        built: capex paid in so far (construction in progress, then capacity).
        cancelled: month of cancellation, if cancelled.
    """

    id: int
    cloud: str
    gw: float
    price_per_gw_month: float
    signed: int
    start: int
    end: int
    efficiency: float
    chip_split: dict[str, float]
    capex: float
    built: float = 0.0
    cancelled: int | None = None

    def billed(self, month: int) -> bool:
        """True if the contract bills in ``month`` (in service and not cancelled)."""
        return self.start <= month < self.end

    def in_construction(self, month: int) -> bool:
        """True while the capacity is being built and paid for."""
        return self.signed <= month < self.start and self.cancelled is None

    def backlog(self, month: int) -> float:
        """Remaining take-or-pay value from ``month`` on (RPO), US$ bn."""
        months = max(0, self.end - max(month, self.start))
        return months * self.gw * self.price_per_gw_month

    def cancel(self, month: int) -> None:
        """Stop billing and building from ``month`` on."""
        self.cancelled = month
        self.end = min(self.end, month)


@dataclass(slots=True)
class Cohort:
    """Capacity of one vintage on a cloud's books, depreciated straight-line."""

    cost: float
    start: int
    life_months: int
    book: float
    contract_id: int | None = None

    @property
    def monthly_depreciation(self) -> float:
        """Cost spread evenly over the life."""
        return self.cost / self.life_months


@dataclass(slots=True)
class MilestoneDeal:
    """A supplier's promise to invest ``per_gw`` in the app company per whole GW deployed.

    DESIGN.md's rule: one tranche for each whole GW of cumulative capacity deployed for
    the app company with the investing supplier's chips, counted from month 0,
    replacements excluded, never past the cap. "Replacements excluded" is implemented as a
    high-water mark: capacity that replaces expiring capacity does not raise it.
    """

    investor: str
    investee: str
    per_gw: float
    cap: float
    paid: float = 0.0
    tranches: int = 0
    high_water_gw: float = 0.0
    history: list[tuple[int, float]] = field(default_factory=list)

    def observe(self, deployed_gw_since_start: float) -> None:
        """Raise the high-water mark of GW deployed since month 0."""
        self.high_water_gw = max(self.high_water_gw, deployed_gw_since_start)

    def tranches_due(self) -> int:
        """Whole-GW tranches earned and not yet paid, never past the cap."""
        if self.per_gw <= 0.0:
            return 0
        earned = math.floor(self.high_water_gw + 1e-9)
        max_tranches = math.floor(self.cap / self.per_gw + 1e-9)
        return max(0, min(earned, max_tranches) - self.tranches)

    def record(self, month: int, tranches: int) -> float:
        """Book ``tranches`` paid in ``month``; returns the amount, US$ bn."""
        amount = tranches * self.per_gw
        self.tranches += tranches
        self.paid += amount
        self.history.append((month, amount))
        return amount
