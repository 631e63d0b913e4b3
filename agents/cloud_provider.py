"""CloudProvider: the gears (Oracle, Microsoft, Amazon, CoreWeave). Turns chips into capacity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from economy.contracts import CloudContract, Cohort
from economy.ledger import (
    CAPACITY,
    CASH,
    CIP,
    LEASE,
    LOAN,
    PAYABLE,
    PREPAID,
    ROW,
    VENDOR_LOAN,
    Claim,
    NetWorth,
    Real,
)
from economy.observation import EventKind

from .base import Firm
from .world import SupplierPeer, World

CASH_BUFFER_MONTHS = 3  # months of bills a cloud keeps in cash before it repays debt


@dataclass(slots=True)
class CapexFunds:
    """What a cloud can still pay for capex this month, as it funds one instalment after another.

    ``free``: cash beyond its unpaid bills and the month's operating gap; ``headroom``: what
    it may owe more under the leverage limit; ``capacity``: what willing lenders can still
    lend it; ``leverage``: the share of a new asset lenders lend against.
    """

    free: float
    headroom: float
    capacity: float
    leverage: float

    def short(self, amount: float, vendor_credit: float) -> float:
        """What the cloud lacks to pay ``amount`` of which suppliers lend ``vendor_credit``.

        The instalment's capacity is collateral too: borrowing may rise by ``leverage`` of
        it, as far as the lenders can lend (a vendor loan is not in their leverage test:
        ``LEVERAGE_DEBT``).
        """
        need = amount - vendor_credit
        room = self.headroom + self.leverage * amount
        borrow = min(max(0.0, room), max(0.0, self.capacity))
        return need - self.free - borrow

    def pay(self, amount: float, vendor_credit: float) -> None:
        """Fund ``amount``: cash first, then borrowing."""
        need = amount - vendor_credit
        cash = min(max(0.0, self.free), need)
        borrow = need - cash
        self.free -= cash
        self.headroom += self.leverage * amount - borrow
        self.capacity -= borrow


class CloudProvider(Firm):
    """A cloud provider.

    It accepts take-or-pay contracts it can finance, pays for the capacity in monthly
    instalments over the build lag (chips to the suppliers, the rest to builders in the
    rest of the world), puts the capacity in service when the contract starts, bills the
    app company each month, and depreciates the capacity over its life.
    """

    sector = "cloud_providers"
    group = "gears"

    def __init__(self, model: World, name: str, label: str):
        super().__init__(model, name, label)
        self.building: list[CloudContract] = []  # contracts whose capacity is not in service yet
        self.cohorts: list[Cohort] = []
        self.capex_this_month = 0.0
        self.backstop_due = 0.0
        self.issues: list[tuple[int, float]] = []  # (month, amount) of its share sales
        self.franchise = 0.0  # its opening market value above book equity (set at opening)
        self.waiting: set[int] = set()  # ids of the contracts waiting for funding this month
        self.waiting_gw = 0.0  # their capacity, GW
        p = model.p
        interest = p.leverage_limit * p.interest_rate * p.build_lag_months / 12.0
        self._equity_share = 1.0 - p.leverage_limit + interest
        self.vendor_rate = (1.0 + p.vendor_credit_rate) ** (1.0 / 12.0) - 1.0  # monthly

    def value_franchise(self) -> None:
        """At opening: what the market paid for its business above its book equity.

        Its market value less its book equity at the opening prices (never below zero): the
        earnings of the business outside the loop (its databases and other clouds) and the
        other intangibles its books do not carry. Fixed from then on, measured from the
        preset's opening balance sheet and share price, not a parameter.
        """
        ledger = self.ledger
        self.franchise = max(0.0, ledger.market_cap(self.name) - ledger.book_equity(self.name))

    def going_concern_equity(self) -> float:
        """What its equity is worth as a going concern: book equity plus its franchise.

        A loss on its books (a write-down of stranded capacity) cuts it dollar for dollar;
        its business outside the loop is still worth what the market paid for it at
        opening. Below zero, its debts exceed what the whole firm is worth: nobody buys its
        new shares or pays it in advance. Firms with negative book equity and a valuable
        business do sell shares (Boeing sold about US$24B of new equity in October 2024
        with a stockholders' deficit of about US$24B).
        """
        return self.ledger.book_equity(self.name) + self.franchise

    def take_contract(self, c: CloudContract) -> None:
        """A contract the register signed with this cloud: build it if it starts from month 0."""
        if c.start >= 0:
            self.building.append(c)

    def add_cohort(self, cohort: Cohort) -> None:
        """Capacity of one vintage on the books (the opening capacity, or one just built)."""
        self.cohorts.append(cohort)

    def release(self, contract_id: int, month: int) -> None:
        """The capacity built for a contract is out of contract from ``month`` on."""
        for h in self.cohorts:
            if h.contract_id == contract_id:
                h.contract_end = month

    # ------------------------------------------------------------------ reading
    def capex_committed(self, month: int) -> float:
        """Capex still to pay on contracts under construction."""
        return sum(
            c.capex - c.built
            for c in self.building
            if c.signed <= month < c.start and c.cancelled is None  # c.in_construction(month)
        )

    def financing_room(self, month: int) -> float:
        """What the cloud can put into new capex from its own funds.

        Cash, borrowing headroom and a build lag of outside income after interest, less its
        own share of the capex already committed.

        The headroom may be negative (debt above the limit), which eats into the rest.
        """
        p = self.p
        ledger = self.ledger
        # new credit from lenders with capital to lend (cash spent on capex turns into
        # capacity, so it is not collateral twice); negative above the leverage limit, and
        # never more once lenders have turned away (a crunch, a failed lender)
        headroom = self.model.lenders.credit_room(self, collateral_less=self.cash)
        net_income = self.other_income - self.loan_rate_now * ledger.debt_owed(self.name)
        income = p.build_lag_months * max(0.0, net_income)
        return self.cash + headroom + income - self.equity_share() * self.capex_committed(month)

    def equity_share(self) -> float:
        """Share of a capex dollar the cloud funds itself, counting interest over the build lag.

        Lenders finance ``leverage_limit`` of new capacity against the contract; the cloud
        pays the rest and the interest on the new debt until the contract starts billing.
        """
        return self._equity_share  # computed once (in __init__): the parameters are frozen

    def backlog(self, month: int) -> float:
        """Remaining take-or-pay value of its contracts (RPO), US$ bn."""
        return self.model.contracting.backlog_of(self.name, month)

    def collateral(self) -> float:
        """What lenders lend against: book assets plus a share of the contracted backlog.

        Data-centre debt is secured by take-or-pay contracts as well as by the buildings
        (CoreWeave's delayed-draw loans are), so lenders count
        ``backlog_collateral_share`` of the remaining contract value.
        """
        backlog = self.backlog(self.model.month + 1)
        return self.ledger.assets(self.name) + self.p.backlog_collateral_share * backlog

    # ------------------------------------------------------------------ phases
    def invest(self) -> None:
        """Phase 3: book capex instalments, put finished capacity in service, depreciate.

        Private credit funds ``lease_share_of_capex`` of the month's capex as a
        data-centre lease, as far as its capital and the cloud's leverage limit allow.

        The instalments are invoices; they are paid with the month's other bills in phase 5.
        """
        self.waiting = set()
        self.waiting_gw = 0.0
        if self.defaulted:
            self.capex_this_month = 0.0
            return
        model = self.model
        t = model.month
        capex = 0.0
        if self.building:
            chip_share = model.p.chip_share_of_capex
            suppliers = model.live_suppliers()
            if model.p.financing_constraints:
                self._wait_for_funding(t, chip_share, suppliers)
            capex = self._build(t, chip_share, suppliers)
            self.building = [c for c in self.building if c.start > t and c.cancelled is None]
            if capex > 0.0:  # private credit leases part of it (an SPV owns the building)
                model.lenders.finance_build(self, capex)
        self.capex_this_month = capex
        self._depreciate(t)

    def free_cash_for_capex(self, month: int) -> float:
        """Cash it can put into capex this month without borrowing, US$ bn.

        Its cash less its unpaid bills and the month's operating gap (running costs,
        interest and vendor-loan instalments its bills and outside income do not cover).
        """
        model = self.model
        ledger = self.ledger
        name = self.name
        bill, opex = model.contracting.service_due(name, month)
        if model.app.defaulted:
            bill = 0.0
        vendor = sum(ledger.creditors(name, VENDOR_LOAN).values())
        interest = self.loan_rate_now * ledger.debt_owed(name) + self.vendor_rate * vendor
        due = opex + interest + vendor / self.p.vendor_credit_term_months
        gap = max(0.0, due - bill - self.other_income)
        return self.cash - sum(self.bills_due().values()) - gap

    def funds_for_capex(self, free: float) -> CapexFunds:
        """What the cloud can pay for construction and chips this month (``CapexFunds``).

        ``free`` (``free_cash_for_capex``), its headroom under the leverage limit and what
        willing lenders can still extend; it borrows first what the month's bills need.
        """
        headroom, capacity = self.model.lenders.credit_parts(self, collateral_less=self.cash)
        if free < 0.0:  # it borrows what the month's bills need first
            first = min(-free, max(0.0, headroom), max(0.0, capacity))
            free += first
            headroom -= first
            capacity -= first
        return CapexFunds(free, headroom, capacity, self.p.leverage_limit)

    def _wait_for_funding(
        self, t: int, chip_share: float, suppliers: Mapping[str, SupplierPeer]
    ) -> None:
        """Postpone the month's instalments the cloud cannot fund (``financing_constraints``).

        Chips due for delivery come first, then construction instalments, older contracts
        first; each is paid in full or waits. The cloud pays from its free cash and borrows
        against its assets, the instalment's own capacity included (``CapexFunds``). A chip
        invoice costs it only what its suppliers do not lend on it (vendor credit, within
        each supplier's limit), so a supplier's credit lets a cloud short of funds take its
        chips; what the cloud still lacks its customer may pay in advance from the
        suppliers' milestone equity (``AppCompany.prepay``), if the cloud is fit for it
        (``_fit_for_prepayment``). A contract that waits moves
        its start and end a month later (``Contracting.postpone``): its bills start later
        and run their full term, and its chips are sold later; after
        ``max_build_wait_months`` of waiting it is cancelled (``Contracting.abandon``).
        """
        due = self._instalments_due(t, chip_share)
        if not due:
            return
        total = sum(d[3] for d in due)
        free = self.free_cash_for_capex(t)
        if free >= total:  # paid from cash (the usual month): no need to ask lenders
            return
        funds = self.funds_for_capex(free)
        if funds.free >= total:
            return
        rooms = {s: peer.vendor_credit_room() for s, peer in suppliers.items()}
        model = self.model
        for _, _, c, amount, chips in due:
            lent = self._vendor_credit_on(c, amount, rooms) if chips else {}
            credit = sum(lent.values())
            short = funds.short(amount, credit)
            if short > 0.0 and self._fit_for_prepayment():  # its customer may pay in advance
                funds.free += model.app.prepay(self.name, short, c.gw)
                short = funds.short(amount, credit)
            if short <= 1e-9:  # funded (what a prepayment brought covers it, to rounding)
                funds.pay(amount, credit)
                for s, x in lent.items():
                    rooms[s] -= x
                continue
            self._wait(c, t, chips)

    def _fit_for_prepayment(self) -> bool:
        """Whether a customer would pay this cloud in advance.

        Not a cloud with unpaid bills, whose equity is worth nothing as a going concern
        (``going_concern_equity``), or whose shares are more than ``credit_crunch_drawdown``
        below their 12-month high (its lenders have turned away): a prepayment is an
        unsecured claim on it.
        """
        model = self.model
        if self.bills_due() or self.going_concern_equity() <= 0.0:
            return False
        return model.market.drawdown(self.name) <= self.p.credit_crunch_drawdown

    def _wait(self, c: CloudContract, t: int, chips: bool) -> None:
        """``c`` waits a month for funding, or is cancelled after waiting too long."""
        model = self.model
        if c.delay >= self.p.max_build_wait_months:
            model.contracting.abandon(c, t)
            return
        model.contracting.postpone(c, t)
        self.waiting.add(c.id)
        self.waiting_gw += c.gw
        if c.delay == 1:  # news once, when it first waits
            model.observation.log(
                t,
                EventKind.BUILD_WAITS,
                self.name,
                cloud=self.name,
                app=model.app.name,
                gw=c.gw,
                stage="chips" if chips else "construction",
            )

    def _instalments_due(
        self, t: int, chip_share: float
    ) -> list[tuple[int, int, CloudContract, float, bool]]:
        """This month's instalments in the order they are funded.

        Each is (rank, id, contract, amount, chips?): chip deliveries first, then
        construction, older contracts first.
        """
        due: list[tuple[int, int, CloudContract, float, bool]] = []
        for c in self.building:
            if c.cancelled is not None:
                continue
            if c.start == t:
                due.append((0, c.id, c, c.capex * chip_share, True))
            elif c.building_in(t, chip_share):
                due.append((1, c.id, c, c.capex * (1.0 - chip_share) / c.build_months, False))
        return sorted(due, key=lambda d: (d[0], d[1]))

    def _vendor_credit_on(
        self, c: CloudContract, amount: float, rooms: Mapping[str, float]
    ) -> dict[str, float]:
        """What each live supplier would lend on the chips of ``c`` (``vendor_credit_share``)."""
        share = self.p.vendor_credit_share
        if share <= 0.0:
            return {}
        live = {s: w for s, w in c.chip_split.items() if s in rooms and w > 0.0}
        total_w = sum(live.values())
        return {s: min(amount * w / total_w * share, rooms[s]) for s, w in live.items()}

    def _build(self, t: int, chip_share: float, suppliers: Mapping[str, SupplierPeer]) -> float:
        """This month's construction instalments and the chips delivered this month.

        The builders (the rest of the world) invoice the shell, power and cooling in equal
        instalments from ``build_from`` until the capacity starts; the suppliers invoice the
        chips on delivery, in the month the capacity starts. Capacity starting this month
        is then commissioned.
        """
        capex = 0.0
        other = 0.0
        chips: dict[str, float] = {}
        starting: list[CloudContract] = []
        waiting = self.waiting
        for c in self.building:
            if c.cancelled is not None or (waiting and c.id in waiting):
                continue
            if c.building_in(t, chip_share):
                inst = c.capex * (1.0 - chip_share) / c.build_months
                c.built += inst
                capex += inst
                other += inst
            elif c.start == t:
                starting.append(c)
                inst = c.capex * chip_share
                c.built += inst
                capex += inst
                split = c.chip_split
                if split.keys() <= suppliers.keys():  # every supplier of the chips is live
                    live = split
                else:
                    live = {s: w for s, w in split.items() if s in suppliers}
                total_w = sum(live.values())
                if total_w <= 0.0:  # no supplier left: the builders supply everything
                    other += inst
                    continue
                for s, w in live.items():
                    if w > 0.0:
                        chips[s] = chips.get(s, 0.0) + inst * w / total_w
        for s in sorted(chips):
            suppliers[s].sell_chips(self.name, chips[s])
        if other > 0.0:  # the builders' bill
            self.model.ledger.purchase("construction", self.name, ROW, CIP, other, "construction")
        for c in starting:
            self._commission(c)
        return capex

    def _commission(self, c: CloudContract) -> None:
        self.model.ledger.move_real("commissioning", self.name, CIP, CAPACITY, c.built)
        life = round(12 * self.p.depreciation_years)
        self.add_cohort(
            Cohort(
                c.built,
                c.start,
                life,
                c.built,
                c.id,
                c.gw * c.price_per_gw_month,
                c.end,
                c.gw * c.efficiency,
            )
        )

    def _depreciate(self, month: int) -> None:
        total = 0.0
        for h in self.cohorts:
            book = h.book
            if book > 0.0 and h.start <= month:
                d = h.monthly_depreciation
                if book < d:
                    d = book
                h.book = book - d
                total += d
        if total > 0.0:
            self.model.ledger.book_real("depreciation", self.name, CAPACITY, -total, "depreciation")

    def deliver_service(self) -> None:
        """Phase 5: bill the app company for capacity in service; pay running costs and interest.

        Capacity out of contract has been sold to the backstop or let to other AI labs
        first (``Contracting.let_idle_capacity``).
        """
        if self.defaulted:
            return
        model = self.model
        t = model.month
        name = self.name
        bill, opex = model.contracting.service_due(name, t)
        bills = [
            (name, ROW, max(0.0, opex), "cloud_opex"),
            *self.interest_bills(),
            *self.vendor_loan_bills(),
        ]
        app = model.app.name
        billed = bill > 1e-12 and not model.app.defaulted
        if billed:
            bills.append((app, name, bill, "compute"))
        model.ledger.accrue_many("service", bills)
        if billed:
            self._use_prepayment(app, bill)
        self.earn_other_income()
        self.pay_bills()
        self.repay_debt(sum(b[2] for b in bills if b[0] == name))

    def _use_prepayment(self, app: str, bill: float) -> None:
        """Settle the month's compute bill against what the app company paid in advance."""
        ledger = self.ledger
        prepaid = ledger.claim(PREPAID, app, self.name)
        if prepaid <= 0.0:
            return
        x = min(prepaid, bill)
        ledger.post(
            "prepayment_used",
            (Claim(PAYABLE, self.name, app, -x), Claim(PREPAID, app, self.name, -x)),
        )

    def idle_capacity(self, month: int) -> list[tuple[float, float, float]]:
        """Cohorts out of contract and within their working life, one tuple each.

        Each: the rent its last contract billed a month (what a backstop pays for it), its
        effective compute (GW x chip efficiency: what the rental market prices) and its
        running cost a month if let (``cloud_opex_to_capex`` of its cost a year). Capacity
        stays in use while it works, whatever an impairment did to its book value.
        """
        return [
            (h.rent_per_month, h.compute, self._running_cost(h.cost))
            for h in self.cohorts
            if h.contract_end <= month and month < h.start + h.life_months
        ]

    def _running_cost(self, capex: float) -> float:
        """What capacity that cost ``capex`` costs a month to run (``cloud_opex_to_capex``)."""
        return capex * (self.p.cloud_opex_to_capex / 12.0)

    def raise_equity(self) -> float:
        """Phase 6: a cloud short of funds sells new shares at the market price.

        Short of funds: bills it could not pay, or capex it has committed that its cash,
        the credit lenders would give it and its income over the build lag do not cover
        (``financing_room`` below zero). It sells what it needs, grossed up for
        ``equity_issue_cost`` (paid to underwriters), within ``equity_issue_max_share`` of
        the value buyers see in it (its market value, or the funds' value of it if lower: a
        write-down the share price has not caught up with) over any 12 months and at least
        ``equity_issue_gap_months`` after
        its last sale, to the equity funds as far as they are willing (the app company's
        rounds' rule). No sale while its shares are more than ``credit_crunch_drawdown``
        below their 12-month high (the window is shut, as it is for new credit), none by a
        firm whose equity is worth nothing as a going concern (``going_concern_equity``:
        book equity plus the franchise the books do not carry), and none that would leave
        this month's bills unpaid (buyers would pay for shares of a firm about to default).
        The funds count the cash it kept in its value (``EquityInvestors.paid_in``).
        Returns the amount raised.
        """
        if self.defaulted:
            return 0.0
        model = self.model
        p = self.p
        ledger = self.ledger
        t = model.month
        if model.market.drawdown(self.name) > p.credit_crunch_drawdown:
            return 0.0
        if self.issues and self.issues[-1][0] > t - p.equity_issue_gap_months:
            return 0.0  # too soon after its last sale
        worth = self.going_concern_equity()
        if worth <= 0.0:
            return 0.0  # nobody buys into a firm whose debts exceed what it is worth
        unpaid = max(0.0, sum(self.bills_due().values()) - self.cash)
        need = max(unpaid, -self.financing_room(t))
        gross = need / (1.0 - p.equity_issue_cost)  # what it must sell to keep ``need``
        sold = sum(a for m, a in self.issues if m > t - 12)  # in the last 12 months
        # buyers size a sale on what they think the firm is worth: its market value, or
        # less when a loss the price has not caught up with leaves their value below it
        investors = model.equity_investors
        cap = ledger.market_cap(self.name)
        seen = investors.value(self.name)
        value = max(0.0, cap if seen is None else min(cap, seen))
        amount = min(gross, p.equity_issue_max_share * value - sold)
        if amount <= 0.01:
            return 0.0
        parts = investors.subscriptions(self.name, amount)
        raised = sum(parts.values())
        kept = (1.0 - p.equity_issue_cost) * raised
        if raised <= 0.01 or kept < unpaid:
            return 0.0  # a sale that leaves bills unpaid finds no buyer
        shares = ledger.shares_outstanding(self.name)
        investors.buy(self.name, parts)
        cost = raised - kept
        if cost > 0.0:
            ledger.pay("issuance_cost", self.name, ROW, cost, "issuance_cost", "issuance_cost")
        investors.paid_in(self.name, kept)
        self.issues.append((t, raised))
        model.observation.log(
            t,
            EventKind.EQUITY_ISSUE,
            self.name,
            cloud=self.name,
            amount=raised,
            dilution=ledger.shares_outstanding(self.name) / shares - 1.0 if shares else 0.0,
        )
        return raised

    def repay_debt(self, monthly_bills: float) -> None:
        """Use cash above a buffer of ``CASH_BUFFER_MONTHS`` months of bills to repay debt.

        Capacity pays for itself over its contract; repaying from the contract's cash flow
        keeps the cloud from carrying the debt past the contract's end. Bank loans go
        first, then data-centre leases (project debt swept from the contract's cash);
        bonds run to maturity.
        """
        ledger = self.model.ledger
        excess = (
            ledger.cash(self.name)
            - CASH_BUFFER_MONTHS * monthly_bills
            - self.capex_committed(self.model.month) * self._equity_share
        )
        for kind in (LOAN, LEASE):  # bank loans, then data-centre leases (a cash sweep)
            if excess <= 0.0:
                return
            owed = sum(ledger.creditors(self.name, kind).values())
            ledger.repay_pro_rata("loan_repayment", self.name, kind, excess)
            excess -= owed

    def vendor_loan_bills(self) -> list[tuple[str, str, float, str]]:
        """This month's vendor-loan instalments: principal falls due, interest accrues.

        The principal due is moved from the loan to a bill (a reclassification, no income);
        interest is a bill with its own account. Both are paid with the month's bills.
        """
        ledger = self.model.ledger
        loans = ledger.creditors(self.name, VENDOR_LOAN)
        if not loans:
            return []
        bills = []
        rate = self.vendor_rate
        term = self.model.p.vendor_credit_term_months
        for supplier, owed in sorted(loans.items()):
            principal = owed / term
            ledger.reclassify(
                "vendor_loan_due", supplier, self.name, VENDOR_LOAN, PAYABLE, principal
            )
            if rate > 0.0:
                bills.append((self.name, supplier, owed * rate, "vendor_interest"))
        return bills

    def impair_contract(self, c: CloudContract, added: float, month: int | None = None) -> float:
        """Write capacity stranded by a cancelled contract down to its rental-market value.

        Each cohort's value is the rent its compute would earn, less its running costs,
        over its remaining working life in the market for idle capacity, with ``added``
        effective GW (all the capacity the cancellation releases) let besides what is
        already let (``RentalMarket.value``); a cohort worth more than its book keeps its book (an
        impairment, never a revaluation upwards). Capacity in service keeps depreciating
        over what is left of its working life from its new book value; what was still
        being built (construction, or chips not yet commissioned) is written down in the
        ratio of the finished capacity's market value to its capex, and sold.
        """
        if month is None:  # valued when the contract is cancelled
            month = c.cancelled if c.cancelled is not None else self.model.month
        rental = self.model.contracting.rental
        loss = 0.0
        commissioned = False
        for h in self.cohorts:
            if h.contract_id != c.id:
                continue
            commissioned = True
            if h.book > 0.0:
                left = h.start + h.life_months - month
                value = rental.value(month, left, added, h.compute, self._running_cost(h.cost))
                if value < h.book:
                    loss += h.book - value
                    h.book = value
                h.monthly_depreciation = h.book / max(1, left)
        ledger = self.ledger
        if loss > 0.0:
            ledger.book_real("impairment", self.name, CAPACITY, -loss, "impairment")
        if not commissioned and c.built > 0.0:  # cancelled before it came into service
            life = round(12 * self.p.depreciation_years)
            running = self._running_cost(c.capex)
            worth = rental.value(month, life, added, c.gw * c.efficiency, running)
            kept = min(1.0, worth / c.capex) if c.capex > 0.0 else 0.0
            d = min(c.built * (1.0 - kept), ledger.real(self.name, CIP))
            c.built -= d
            ledger.book_real("impairment", self.name, CIP, -d, "impairment")
            loss += d
            self._sell_site(c)
        self.model.equity_investors.written_down(self.name, loss)
        return loss

    def liquidate(self, month: int) -> tuple[float, float, float]:
        """Sell a defaulted cloud's data centres at their value in the market for idle capacity.

        Its contracts have been cancelled, so all its capacity within its working life is
        idle at once: each contract's capacity is written down to what it would earn in
        the market for idle capacity with the whole fleet on offer
        (:meth:`impair_contract`; construction is written down and sold the same way),
        and the capacity is sold to buyers outside the loop for that value, who let it on
        the same market (``RentalMarket.take_over``). Returns the
        write-down, the proceeds and the book value before (capacity and construction).
        """
        ledger = self.ledger
        book = ledger.real(self.name, CAPACITY) + ledger.real(self.name, CIP)
        cash = ledger.cash(self.name)
        rental = self.model.contracting.rental
        # what its fleet adds to the market: all its capacity in service, less what it lets
        # already (construction goes to builders, who do not finish it for this market)
        working = [h for h in self.cohorts if month < h.start + h.life_months]
        added = sum(h.compute for h in working)
        added = max(0.0, added - rental.let_by.get(self.name, 0.0))
        register = self.model.contracting.contracts
        ids = sorted({h.contract_id for h in self.cohorts if h.contract_id is not None})
        loss = 0.0
        for i in ids:
            loss += self.impair_contract(register[i], added, month)
        for c in self.building:
            if c.built > 0.0:
                loss += self.impair_contract(c, added, month)
        x = ledger.real(self.name, CAPACITY)
        if x > 0.0:
            ledger.post(
                "liquidation_sale",
                (
                    Real(self.name, CAPACITY, -x),
                    Claim(CASH, self.name, ROW, x),
                    NetWorth(ROW, "liquidation_sale", -x),
                ),
            )
        rental.take_over(
            [(h.compute, self._running_cost(h.cost), h.start + h.life_months) for h in working]
        )
        self.cohorts = []
        self.building = []
        return loss, ledger.cash(self.name) - cash, book

    def _sell_site(self, c: CloudContract) -> None:
        """Sell a cancelled contract's unfinished data centre, at its written-down value.

        Nobody will finish it for the cancelled contract, so it is not kept on the books
        (where lenders would count it as collateral for years): the site, its power and
        its shell go to builders outside the loop for cash.
        """
        ledger = self.ledger
        x = min(c.built, ledger.real(self.name, CIP))
        c.built = 0.0
        if x <= 0.0:
            return
        ledger.post(
            "site_sale",
            (
                Real(self.name, CIP, -x),
                Claim(CASH, self.name, ROW, x),
                NetWorth(ROW, "site_sale", -x),
            ),
        )
