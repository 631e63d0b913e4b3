"""Contracting: contract terms, the contract register, scheduled deals, cancellation, backstops.

The register (``contracts``) holds every cloud contract ever signed, and the
``ContractBook`` its running totals by month (capacity, compute, bills, running costs).
Contract terms are fixed at signing from the month's capex per GW; chips are the vintage
of the month capacity starts. A defaulting party's live contracts are cancelled here:
capacity they strand is impaired at its cloud, and a cloud's backstop buys its unsold
capacity while the agreement runs.
The suppliers' milestone and warrant terms are kept here too, with the GW they count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from params import APP, Params

from . import demand
from .contracts import Backstop, CloudContract, ContractBook, MilestoneDeal, WarrantDeal
from .ledger import PREPAID, ROW, Claim, Ledger, NetWorth
from .observation.events import EventKind, EventLog
from .opening import Deal, DealKind, backstops, milestone_deals, warrant_deals
from .rental import Offer, RentalMarket


class Party(Protocol):
    """A firm as the register sees it."""

    name: str
    defaulted: bool


class CloudParty(Party, Protocol):
    """A cloud provider as the register sees it: it builds, holds and impairs capacity."""

    def take_contract(self, c: CloudContract) -> None:
        """Add a signed contract to the cloud's own lists."""
        ...

    def release(self, contract_id: int, month: int) -> None:
        """The capacity built for a contract is out of contract from ``month`` on."""
        ...

    backstop_due: float  # what its backstop bought this month

    def impair_contract(self, c: CloudContract, added: float, month: int | None = None) -> float:
        """Write down capacity stranded by a cancelled contract (``added``: GW released)."""
        ...

    def liquidate(self, month: int) -> tuple[float, float, float]:
        """Sell a defaulted cloud's data centres at market value: write-down, proceeds, book."""
        ...

    def idle_capacity(self, month: int) -> list[tuple[float, float, float]]:
        """Cohorts out of contract within their working life: old rent, compute, running cost."""
        ...


@dataclass
class Cancellation:
    """What cancelling a defaulting firm's contracts books (US$ bn, by firm).

    Attributes:
        n: contracts cancelled.
        stranded: capacity stranded at each cloud (the impairment it books).
        prepaid: prepayments each cloud keeps against the bills the default ends.
    """

    n: int = 0
    stranded: dict[str, float] = field(default_factory=dict)
    prepaid: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Tranche:
    """One quarter's part of a dated contract's ramp: signed on the deal's date."""

    deal: Deal
    cloud: str
    gw: float
    start: int
    months: int
    price: float  # bill per GW-month, US$ bn
    chip_split: Mapping[str, float]

    def bills(self, month: int) -> bool:
        """Whether the tranche is in service (billed) in ``month``."""
        return self.start <= month < self.start + self.months


class Contracting:
    """Contract terms and the register of contracts and deals.

    Args:
        ledger: the ledger (backstop calls are posted there).
        p: the parameters.
        clouds: the cloud providers, by name.
        parties: every firm, by name (who has defaulted).
        suppliers: supplier names (rows of the capacity-by-chip table).
        deals: the preset's deals (``economy.opening.deals_from``).
        events: where events are logged.
    """

    def __init__(
        self,
        ledger: Ledger,
        p: Params,
        clouds: Mapping[str, CloudParty],
        parties: Mapping[str, Party],
        suppliers: Sequence[str],
        deals: Sequence[Deal],
        events: EventLog,
    ):
        self.ledger = ledger
        self.p = p
        self.clouds = dict(clouds)
        self.parties = dict(parties)
        self.events = events
        self.contracts: list[CloudContract] = []  # every contract signed: the register
        self.open: list[CloudContract] = []  # contracts not yet ended
        self._by_signing: dict[int, list[CloudContract]] = {}  # signing month -> contracts
        self.book = ContractBook(list(self.clouds), list(suppliers))
        self.milestones: list[MilestoneDeal] = milestone_deals(deals)
        self.warrants: list[WarrantDeal] = warrant_deals(deals)
        self.backstops: dict[str, Backstop] = backstops(deals)
        # a supplier with a dated supply deal (AMD) sells chips from the deal's start
        self.supply_start = {w.issuer: w.start for w in self.warrants}
        self.tranches = [
            t for d in deals if d.kind is DealKind.CLOUD_CONTRACT for t in self._tranches(d)
        ]
        self.equity_deals = [d for d in deals if d.kind is DealKind.EQUITY_PURCHASE]
        self.cuts = [d for d in deals if d.kind is DealKind.CONTRACT_CUT]
        self.caps = sorted(
            (d for d in deals if d.kind is DealKind.COMMITMENT_CAP), key=lambda d: d.date or 0
        )
        self.cancelled_this_month = 0
        self._by_start: dict[int, list[CloudContract]] = {}  # first month of service -> contracts
        self._commissioned: dict[str, list[float]] = {s: [] for s in suppliers}  # cumulative GW
        self.rental = RentalMarket(p, self.new_capacity_price)

    # ------------------------------------------------------------------ terms
    def capex_per_gw(self, month: int) -> float:
        """Nominal capex per GW for capacity ordered in ``month``."""
        return self.p.capex_per_gw * (1.0 + self.p.capex_per_gw_growth) ** (month / 12.0)

    def contract_price(self, month: int) -> float:
        """Bill per GW-month of a contract signed in ``month`` (fixed for its term)."""
        return self.capex_per_gw(month) * self.p.contract_price_to_capex / 12.0

    def chip_efficiency(self, month: int) -> float:
        """Effective compute per GW of capacity entering service in ``month`` (Jan 2024 = 1).

        Chips go in last, near the end of construction, so a vintage is the month its
        capacity starts, not the month it was ordered.
        """
        return demand.chip_efficiency(month, self.p.gpu_cost_per_flop_halving)

    def new_capacity_price(self, month: int) -> float:
        """Price of new capacity per effective GW-month (GW x chip efficiency) in ``month``."""
        return self.contract_price(month) / self.chip_efficiency(month)

    def chip_split(self, start: int) -> dict[str, float]:
        """Share of capacity entering service in ``start`` built with each supplier's chips.

        AMD's share (``amd_chip_share``) applies from the start of its supply deal.
        """
        amd = self.p.amd_chip_share if start >= self.supply_start.get("amd", 0) else 0.0
        return {"nvidia": 1.0 - amd, "amd": amd}

    def new_contract(
        self,
        cloud: str,
        gw: float,
        signed: int,
        start: int | None = None,
        months: int | None = None,
        price: float | None = None,
        chip_split: Mapping[str, float] | None = None,
    ) -> CloudContract:
        """A contract on the terms of its signing month (not yet registered: see :meth:`add`).

        Its price per GW-month (unless given) and capex per GW are those of ``signed``; its
        chips are the vintage of ``start`` (default: signing plus the build lag), split
        among suppliers as :meth:`chip_split` of ``start`` unless given; its term defaults
        to ``contract_term_months``. Construction starts the build lag before ``start``,
        never before signing.
        """
        p = self.p
        lag = p.build_lag_months
        start = signed + lag if start is None else start
        months = p.contract_term_months if months is None else months
        return CloudContract(
            id=len(self.contracts),
            cloud=cloud,
            gw=gw,
            price_per_gw_month=self.contract_price(signed) if price is None else price,
            signed=signed,
            start=start,
            end=start + months,
            efficiency=self.chip_efficiency(start),
            chip_split=dict(self.chip_split(start) if chip_split is None else chip_split),
            capex=gw * self.capex_per_gw(signed),
            build_from=max(signed, start - lag),
        )

    # ------------------------------------------------------------------ the register
    def add(self, c: CloudContract) -> None:
        """Register a signed contract with the register, the contract book and its cloud."""
        self.contracts.append(c)
        self.open.append(c)
        self._by_signing.setdefault(c.signed, []).append(c)
        self._by_start.setdefault(c.start, []).append(c)
        self.book.add(c, self.p.cloud_opex_to_capex)
        self.clouds[c.cloud].take_contract(c)

    def postpone(self, c: CloudContract, month: int) -> None:
        """A contract waits a month for its cloud's funding: its start and end move on a month.

        Its bills start a month later and run their full term (take-or-pay from delivery).
        """
        old = self._by_start.get(c.start)
        if old is not None and c in old:
            old.remove(c)
        self.book.postpone(c, month, self.p.cloud_opex_to_capex)
        self._by_start.setdefault(c.start, []).append(c)

    def abandon(self, c: CloudContract, month: int) -> None:
        """Cancel a contract that waited ``max_build_wait_months`` for its cloud's funding.

        The app company owes nothing more (the capacity never came); the cloud writes what
        it built down to its value in the rental market and sells it (``impair_contract``);
        the app company's forecast places
        the capacity again if it still needs it.
        """
        self.book.cancel(c, month, self.p.cloud_opex_to_capex)
        waited = c.delay
        c.cancel(month)
        cloud = self.clouds[c.cloud]
        loss = cloud.impair_contract(c, c.gw * c.efficiency)
        self.cancelled_this_month += 1
        self.events.log(
            month,
            EventKind.BUILD_CANCELLED,
            c.cloud,
            cloud=c.cloud,
            app=APP,
            gw=c.gw,
            months=waited,
            loss=loss,
        )

    def signed_in(self, month: int) -> list[CloudContract]:
        """Contracts signed in ``month``, in the order they were registered."""
        return self._by_signing.get(month, [])

    def contracted_compute(self, month: int) -> float:
        """Effective compute under contracts that bill in ``month``."""
        return self.book.total_at("compute", month)

    def backlog(self, month: int) -> float:
        """Remaining take-or-pay value of every contract (RPO), US$ bn."""
        return self.book.future_bills(None, month)

    def backlog_of(self, cloud: str, month: int) -> float:
        """Remaining take-or-pay value of one cloud's contracts from ``month`` on, US$ bn."""
        return self.book.future_bills(cloud, month)

    def service_due(self, cloud: str, month: int) -> tuple[float, float]:
        """What a cloud bills the app company and spends running its capacity in ``month``."""
        book = self.book
        if month >= book.horizon:
            return 0.0, 0.0
        i = book.clouds[cloud]
        return float(book.bill[i, month]), float(book.opex[i, month])

    def measure_deployment(self, month: int) -> None:
        """Phase 3, once the month's capacity is in service: new systems by chip supplier."""
        new: dict[str, float] = dict.fromkeys(self._commissioned, 0.0)
        for c in self._by_start.get(month, ()):
            if c.cancelled is None:
                for s, w in c.chip_split.items():
                    new[s] += c.gw * w
        for s, cum in self._commissioned.items():
            cum.append((cum[-1] if cum else 0.0) + new[s])

    def gw_deployed_since(self, supplier: str, since: int) -> float:
        """GW of new systems with ``supplier``'s chips put in service from ``since`` to now.

        Every contract's capacity counts once, in the month it enters service (replacements
        of expiring capacity count as new systems: they are).
        """
        cum = self._commissioned[supplier]
        if not cum:
            return 0.0
        before = cum[since - 1] if 0 < since <= len(cum) else 0.0
        return cum[-1] - before if since < len(cum) else 0.0

    # ------------------------------------------------------------------ the plan
    def _tranches(self, d: Deal) -> list[Tranche]:
        """A dated contract as its ramp's quarterly tranches (one tranche without a ramp)."""
        p = self.p
        date = int(d.date or 0)
        term = int(d.term or p.contract_term_months)
        start = d.start if d.start is not None else date + p.build_lag_months
        value = float(d.value or 0.0)
        ramp = d.ramp or (1.0,)
        if d.gw:
            gw, price = float(d.gw), value / (float(d.gw) * term)
        else:
            price = self.contract_price(date)
            gw = value / (term * price)
        out = []
        for k, w in enumerate(ramp):
            if w <= 0.0:
                continue
            begins = start + 3 * k
            split = {"nvidia": 0.0, "amd": 0.0}
            if d.supplier in split:
                split[d.supplier] = 1.0
            else:
                split = self.chip_split(begins)
            out.append(Tranche(d, d.parties[1], gw * w, begins, term, price, split))
        return out

    def planned_compute(self, month: int, now: int) -> float:
        """Effective compute in ``month`` under dated deals not signed by ``now`` (the plan)."""
        total = 0.0
        for t in self.tranches:
            if int(t.deal.date or 0) > now and t.bills(month):
                total += t.gw * self.chip_efficiency(t.start)
        return total

    def commitment_cap(self, month: int) -> float | None:
        """A dated cap on the app company's commitments (US$ bn of backlog) in force, if any."""
        cap = None
        for d in self.caps:
            if int(d.date or 0) <= month:
                cap = float(d.value or 0.0)
        return cap

    def equity_due(self, month: int) -> list[Deal]:
        """Dated equity purchases that fall in ``month``."""
        return [d for d in self.equity_deals if d.date == month]

    def start_month(self) -> None:
        """A new month: no contract cancelled yet."""
        self.cancelled_this_month = 0

    def end_month(self, month: int) -> None:
        """Forget contracts that have ended (their totals stay in the book)."""
        self.open = [c for c in self.open if c.end > month]

    def sign_scheduled(self, month: int) -> None:
        """Sign the deals dated this month (binding, outside the commitment limit); apply cuts."""
        app = self.parties[APP]
        for t in self.tranches:
            d = t.deal
            if d.date != month or app.defaulted or self.parties[t.cloud].defaulted:
                continue
            c = self.new_contract(
                t.cloud,
                t.gw,
                signed=month,
                start=t.start,
                months=t.months,
                price=t.price,
                chip_split=t.chip_split,
            )
            self.add(c)
            self.events.log(
                month,
                EventKind.ANNOUNCED_CONTRACT,
                t.cloud,
                app=d.parties[0],
                cloud=t.cloud,
                gw=t.gw,
                value=t.gw * t.price * t.months,
                months=t.months,
                start=t.start,
            )
        for d in self.cuts:
            if d.date == month and not app.defaulted:
                self._cut(d, month)

    def _cut(self, d: Deal, month: int) -> None:
        """Planned capacity dropped before construction: the latest unbuilt contracts shrink.

        Only capacity whose construction has not started can be dropped this way (no
        penalty); what cannot be dropped stays contracted.
        """
        buyer, cloud = d.parties
        left = float(d.gw or 0.0)
        unbuilt = [
            c
            for c in self.open
            if c.cloud == cloud and c.cancelled is None and c.build_from > month and c.built == 0
        ]
        dropped = 0.0
        for c in sorted(unbuilt, key=lambda c: (-c.start, -c.id)):
            if left <= 1e-12:
                break
            take = min(left, c.gw)
            self.book.resize(c, c.gw - take, month, self.p.cloud_opex_to_capex)
            left -= take
            dropped += take
        if dropped > 0.0:
            self.events.log(
                month, EventKind.CONTRACT_CUT, cloud, app=buyer, cloud=cloud, gw=dropped
            )

    # ------------------------------------------------------------------ cancellation
    def live_contracts_of(self, name: str, month: int) -> list[CloudContract]:
        """Contracts ``name`` is a party to that still bill or build from ``month``."""
        return [
            c for c in self.open if c.cancelled is None and c.end > month and name in (APP, c.cloud)
        ]

    def cancel_contracts_of(self, name: str, month: int) -> Cancellation:
        """Cancel the live contracts of a defaulting firm; stranded capacity is impaired.

        Returns what the cancellation books, by firm: capacity stranded at the clouds and
        prepayments they keep (for the default's clearing). Capacity released is out of
        contract from now on: a backstop buys it month by month while its agreement runs
        (:meth:`buy_unsold`).
        """
        p = self.p
        out = Cancellation()
        ended: dict[str, float] = {}  # cloud -> take-or-pay bills the cancellations end
        live = self.live_contracts_of(name, month)
        # capacity in service the cancellations put on the rental market (values what is stranded)
        added = sum(
            c.gw * c.efficiency
            for c in live
            if c.start <= month and name == APP and not self.clouds[c.cloud].defaulted
        )
        for c in live:
            ended[c.cloud] = ended.get(c.cloud, 0.0) + c.gw * c.price_per_gw_month * (
                c.end - max(month, c.start)
            )
            self.book.cancel(c, month, p.cloud_opex_to_capex)
            cloud = self.clouds[c.cloud]
            cloud.release(c.id, month)  # out of contract: a backstop buys it, or others rent it
            c.cancel(month)
            out.n += 1
            if name == APP and not cloud.defaulted:
                loss = cloud.impair_contract(c, added)
                out.stranded[c.cloud] = out.stranded.get(c.cloud, 0.0) + loss
        if name == APP:
            out.prepaid = self._retain_prepayments(ended)
        self.cancelled_this_month += out.n
        return out

    def _retain_prepayments(self, ended: Mapping[str, float]) -> dict[str, float]:
        """The app company defaults: each cloud keeps what it was paid in advance.

        A prepayment is set off against the take-or-pay bills the default ends (``ended``,
        by cloud: the cloud's claim for the rest of its contracts): the cloud keeps the
        cash and the app company's claim on it is gone. Any excess stays a claim. Returns
        what each cloud keeps.
        """
        ledger = self.ledger
        kept: dict[str, float] = {}
        for cloud in sorted(self.clouds):
            prepaid = ledger.claim(PREPAID, APP, cloud)
            if prepaid <= 0.0:
                continue
            cancelled = ended.get(cloud, 0.0)
            x = min(prepaid, cancelled)
            if x <= 0.0:
                continue
            ledger.post(
                "prepayment_retained",
                (
                    Claim(PREPAID, APP, cloud, -x),
                    NetWorth(cloud, "prepayment_retained", x),
                    NetWorth(APP, "prepayment_retained", -x),
                ),
            )
            kept[cloud] = x
        return kept

    def let_idle_capacity(self, month: int) -> None:
        """Phase 5: backstops buy capacity out of contract; other AI labs rent the rest.

        Each live cloud's capacity out of contract and within its working life is first
        offered to its backstop at the rent its last contract billed (:meth:`buy_unsold`);
        what the backstop does not buy is offered, cohort by cohort, in the market for
        idle capacity (``economy.rental``), with what the buyers of liquidated capacity
        offer, which lets what the tenant takes at a price that covers its running costs;
        the cloud receives the rent from outside the loop and pays those costs.
        """
        offers: list[Offer] = []
        for name, cloud in self.clouds.items():
            cloud.backstop_due = 0.0
            if cloud.defaulted:
                continue
            idle = cloud.idle_capacity(month)
            rent = sum(x[0] for x in idle)
            if rent <= 0.0:
                continue
            bought = self.buy_unsold(name, month, rent)
            cloud.backstop_due = bought
            left = max(0.0, 1.0 - bought / rent)
            if left > 0.0:
                offers.extend(Offer(name, c * left, o * left) for _, c, o in idle if c > 0.0)
        offers.extend(self.rental.outside_offers(month))  # liquidated capacity, let by its buyers
        let = self.rental.clear(month, offers)
        ledger = self.ledger
        for name in self.clouds:
            rent, opex = let.get(name, (0.0, 0.0))
            if rent > 0.0:
                ledger.pay("idle_rent", ROW, name, rent, "idle_rent", "idle_rent")
            if opex > 0.0:
                ledger.pay("idle_opex", name, ROW, opex, "cloud_opex", "cloud_opex")

    def buy_unsold(self, cloud: str, month: int, unsold: float) -> float:
        """The cloud's backstop buys its unsold capacity this month; returns the amount.

        ``unsold`` is the month's rent of the capacity out of contract. The purchase is a
        bill the guarantor owes the cloud this month (the cloud's revenue, the guarantor's
        expense), paid with its other bills. Nothing is bought once the guarantor has
        defaulted, after the agreement ends or beyond its limit.
        """
        backstop = self.backstops.get(cloud)
        if backstop is None or self.parties[backstop.guarantor].defaulted:
            return 0.0
        first = backstop.bought == 0.0
        amount = backstop.buy(month, unsold)
        if amount <= 0.0:
            return 0.0
        self.ledger.accrue_many("backstop", [(backstop.guarantor, cloud, amount, "backstop")])
        if first or backstop.left() <= 0.0:  # the first purchase and the limit reached
            self.events.log(
                month,
                EventKind.BACKSTOP,
                cloud,
                guarantor=backstop.guarantor,
                cloud=cloud,
                amount=amount,
                left=backstop.left(),
            )
        return amount
