"""Contracts, capacity cohorts and milestone deals: institutions that do not act.

They hold terms and dates; the agents act on them and the ledger moves the money.
Backlog (remaining performance obligations) is a memo kept with the contracts (the
``ContractBook``'s future bills), not a ledger entry (bookkeeping convention 7).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(slots=True)
class CloudContract:
    """A take-or-pay cloud contract between the app company and one cloud provider.

    Capacity is ordered at signing and billed from ``start`` to ``end`` (exclusive) whether
    used or not. The cloud builds it from ``build_from`` (the build lag before ``start``,
    never before signing): the shell, power and cooling are invoiced in equal monthly
    instalments until ``start``; the chips are invoiced on delivery, in ``start``. Its
    price per GW-month is fixed at signing from the capex per GW then,
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
        build_from: first month of construction.
        built: capex paid in so far (construction in progress, then capacity).
        cancelled: month of cancellation, if cancelled.
        delay: months its construction or delivery waited for the cloud's funding
            (``start`` and ``end`` moved that many months later).
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
    build_from: int = 0
    built: float = 0.0
    cancelled: int | None = None
    delay: int = 0

    @property
    def build_months(self) -> int:
        """Months of construction: the instalments before the chips arrive (delays aside)."""
        return max(1, self.start - self.delay - self.build_from)

    def building_in(self, month: int, chip_share: float) -> bool:
        """Whether a construction instalment falls due in ``month``.

        From ``build_from`` until the chips are due, while instalments remain (a contract
        that waited for its chips has paid every instalment).
        """
        if not self.build_from <= month < self.start:
            return False
        if self.delay == 0:
            return True
        total = self.capex * (1.0 - chip_share)
        return self.built < total - 0.5 * total / self.build_months

    def in_construction(self, month: int) -> bool:
        """True while the capacity is being built and paid for."""
        return self.signed <= month < self.start and self.cancelled is None

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
    rent_per_month: float = 0.0  # what the capacity bills under its contract
    contract_end: int = 0  # first month its contract no longer bills
    compute: float = 0.0  # effective compute: GW x chip efficiency (January-2024 chips = 1)
    monthly_depreciation: float = field(init=False)  # cost spread evenly over the life

    def __post_init__(self) -> None:
        self.monthly_depreciation = self.cost / self.life_months


@dataclass(slots=True)
class MilestoneDeal:
    """A supplier's promise to invest ``per_gw`` in the app company per whole GW deployed.

    The milestone rule (docs/model.md §7.5): one tranche for each whole GW of new systems
    with the investing supplier's chips put in service for the app company from the deal's
    ``start``, never past the cap, and nothing from the month it ``lapses`` (a letter of
    intent that never became definitive).
    """

    investor: str
    investee: str
    per_gw: float
    cap: float
    start: int = 0
    lapses: int | None = None
    paid: float = 0.0
    tranches: int = 0
    high_water_gw: float = 0.0

    def observe(self, deployed_gw_since_start: float) -> None:
        """Raise the high-water mark of GW deployed since the deal's start."""
        self.high_water_gw = max(self.high_water_gw, deployed_gw_since_start)

    def live(self, month: int) -> bool:
        """Whether the deal still pays in ``month`` (it has not lapsed)."""
        return self.lapses is None or month < self.lapses

    def tranches_due(self) -> int:
        """Whole-GW tranches earned and not yet paid, never past the cap."""
        if self.per_gw <= 0.0:
            return 0
        earned = math.floor(self.high_water_gw + 1e-9)
        max_tranches = math.floor(self.cap / self.per_gw + 1e-9)
        return max(0, min(earned, max_tranches) - self.tranches)

    def record(self, tranches: int) -> float:
        """Book ``tranches`` paid; returns the amount, US$ bn."""
        amount = tranches * self.per_gw
        self.tranches += tranches
        self.paid += amount
        return amount


@dataclass(slots=True)
class WarrantDeal:
    """Warrants for ``shares`` of ``issuer`` held by ``holder``, vesting by GW and price.

    ``tranches`` equal tranches; tranche k (1-based) needs ``k * gw / tranches`` GW
    deployed with the issuer's chips since the deal's ``start`` (its supply starts then)
    and a share price of at least its hurdle: the first tranche none, later ones rising
    linearly from ``first_hurdle`` to ``final_hurdle``.
    """

    issuer: str
    holder: str
    shares: float  # bn shares
    gw: float
    tranches: int
    first_hurdle: float
    final_hurdle: float
    start: int = 0
    vested: int = 0
    high_water_gw: float = 0.0

    @property
    def shares_per_tranche(self) -> float:
        """Shares (bn) in each tranche."""
        return self.shares / self.tranches

    def hurdle(self, k: int) -> float:
        """Share price tranche ``k`` (1-based) needs."""
        if k <= 1 or self.tranches == 1:
            return 0.0
        frac = (k - 1) / (self.tranches - 1)
        return self.first_hurdle + frac * (self.final_hurdle - self.first_hurdle)

    def observe(self, deployed_gw_since_start: float) -> None:
        """Raise the high-water mark of GW deployed with the issuer's chips."""
        self.high_water_gw = max(self.high_water_gw, deployed_gw_since_start)

    def vest(self, n: int) -> None:
        """Record ``n`` more tranches vested."""
        self.vested += n

    def tranches_due(self, price: float) -> int:
        """Tranches that vest now, in order (a tranche waits for its hurdle)."""
        if self.shares <= 0.0:
            return 0
        by_gw = math.floor(self.high_water_gw / (self.gw / self.tranches) + 1e-9)
        n = 0
        for k in range(self.vested + 1, min(by_gw, self.tranches) + 1):
            if price < self.hurdle(k):
                break
            n += 1
        return n


@dataclass(slots=True)
class Backstop:
    """A supplier's promise to buy a cloud's unsold capacity (NVIDIA for CoreWeave).

    While the agreement runs (from ``start`` to before ``end``) the guarantor buys, each
    month, the cloud's capacity in service but out of contract, at the rent its last
    contract billed, until it has bought ``limit`` in all. A month's purchase is a bill the
    guarantor owes the cloud that month: settled as it goes, not booked up front.
    """

    guarantor: str
    cloud: str
    limit: float
    start: int = 0
    end: int = 10**6
    bought: float = 0.0

    def left(self) -> float:
        """What the guarantor may still buy under the agreement."""
        return max(0.0, self.limit - self.bought)

    def buy(self, month: int, unsold: float) -> float:
        """Buy up to ``unsold`` (US$ bn of the month's rent) if the agreement runs in ``month``."""
        if not self.start <= month < self.end or unsold <= 0.0:
            return 0.0
        x = min(unsold, self.left())
        if x <= ROUNDING:
            return 0.0
        self.bought += x
        return x


ROUNDING = 1e-9  # running totals below this are what cancellations leave of rounding


class ContractBook:
    """Running totals of every contract by month, so a month's bills cost a lookup, not a loop.

    Each contract adds its capacity, effective compute, bill and running cost to the months
    it is billed (``start`` to ``end``), and its capacity to the months it is committed
    (``signed`` to ``end``); cancelling removes them from the cancellation on. Months before
    0 are not kept (nothing is billed before the run starts). Rows are clouds (and, for the
    capacity by chip, suppliers) in the order given.

    A speed note from the design: posting and looping per contract was most of the run time;
    running totals keep the cost of a month flat as contracts pile up.
    """

    def __init__(self, clouds: list[str], suppliers: list[str], horizon: int = 360):
        self.clouds = {c: i for i, c in enumerate(clouds)}
        self.suppliers = {s: i for i, s in enumerate(suppliers)}
        self.horizon = horizon
        n, k = len(clouds), len(suppliers)
        self.gw = np.zeros((n, horizon))
        self.compute = np.zeros((n, horizon))
        self.bill = np.zeros((n, horizon))
        self.opex = np.zeros((n, horizon))
        self.committed = np.zeros((n, horizon))
        self.gw_by_chip = np.zeros((k, horizon))
        # what was read since the last change: the same numbers as reading again, cheaper
        # (a month asks for the same columns and backlogs many times; contracts change rarely)
        self._read: dict[tuple[str, str | None, int], Any] = {}

    def _grow(self, end: int) -> None:
        if end <= self.horizon:
            return
        extra = max(end - self.horizon, self.horizon)
        for name in ("gw", "compute", "bill", "opex", "committed", "gw_by_chip"):
            a = getattr(self, name)
            setattr(self, name, np.concatenate([a, np.zeros((a.shape[0], extra))], axis=1))
        self.horizon += extra

    def _apply(self, c: CloudContract, sign: float, since: int, opex_rate: float) -> None:
        self._read.clear()
        self._grow(c.end)
        i = self.clouds[c.cloud]
        a = max(0, since, c.start)
        if c.end > a:
            self.gw[i, a : c.end] += sign * c.gw
            self.compute[i, a : c.end] += sign * c.gw * c.efficiency
            self.bill[i, a : c.end] += sign * c.gw * c.price_per_gw_month
            self.opex[i, a : c.end] += sign * c.capex * opex_rate / 12.0
            for s, w in c.chip_split.items():
                self.gw_by_chip[self.suppliers[s], a : c.end] += sign * c.gw * w
        b = max(0, since, c.signed)
        if c.end > b:
            self.committed[i, b : c.end] += sign * c.gw

    def add(self, c: CloudContract, opex_rate: float) -> None:
        """Enter a signed contract."""
        self._apply(c, 1.0, c.signed, opex_rate)

    def cancel(self, c: CloudContract, month: int, opex_rate: float) -> None:
        """Remove a contract's remaining months from ``month`` on (call before ``c.cancel``)."""
        self._apply(c, -1.0, month, opex_rate)

    def resize(self, c: CloudContract, gw: float, month: int, opex_rate: float) -> None:
        """Change a contract's capacity (and its capex with it) from ``month`` on."""
        self._apply(c, -1.0, month, opex_rate)
        c.capex *= gw / c.gw
        c.gw = gw
        self._apply(c, 1.0, month, opex_rate)

    def postpone(self, c: CloudContract, month: int, opex_rate: float) -> None:
        """Move a contract's start and end a month later, from ``month`` on."""
        self._apply(c, -1.0, month, opex_rate)
        c.start += 1
        c.end += 1
        c.delay += 1
        self._apply(c, 1.0, month, opex_rate)

    def future_bills(self, cloud: str | None, month: int) -> float:
        """Take-or-pay value billed from ``month`` on (backlog, RPO), one cloud or all."""
        key = ("bills", cloud, month)
        total = self._read.get(key)
        if total is None:
            if month >= self.horizon:
                total = 0.0
            elif cloud is None:
                total = float(self.bill[:, max(0, month) :].sum())
            else:
                total = float(self.bill[self.clouds[cloud], max(0, month) :].sum())
            total = total if abs(total) >= ROUNDING else 0.0
            self._read[key] = total
        return total

    def at(self, table: str, month: int) -> np.ndarray:
        """Column ``month`` of a table (zeros past the horizon)."""
        return np.array(self.column(table, month))

    def column(self, table: str, month: int) -> list[float]:
        """Column ``month`` of a table, one value per row (zeros past the horizon).

        Values closer to zero than ``ROUNDING`` are zero. Do not change the list: it is
        kept until a contract changes.
        """
        key = (table, None, month)
        col = self._read.get(key)
        if col is None:
            a = getattr(self, table)
            if 0 <= month < self.horizon:
                col = [0.0 if abs(x) < ROUNDING else x for x in a[:, month].tolist()]
            else:
                col = [0.0] * a.shape[0]
            self._read[key] = col
        return col

    def total_at(self, table: str, month: int) -> float:
        """The sum of column ``month`` of a table, over its rows.

        Summed left to right, as numpy sums a column of fewer than 8 rows (numpy itself
        for more), so the total is the same float as ``at(table, month).sum()``.
        """
        key = (table, "total", month)
        total = self._read.get(key)
        if total is None:
            col = self.column(table, month)
            if len(col) < 8:
                total = 0.0
                for x in col:
                    total += x
            else:
                total = float(np.array(col).sum())
            self._read[key] = total
        return total
