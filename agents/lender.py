"""Lenders with capital: banks and private credit, and the credit market they make together.

A lender is a balance sheet in the ledger: loans or leases to firms on the asset side,
savers' funding (fund units held by the rest of the world) and its own capital (net worth)
on the other. It lends while its capital stays above a minimum share of what it has lent
(``economy/finance.py``: ``lender_room``), charges more as its capital thins
(``lender_premium``), pays the base rate on its net funding, and fails when its capital,
with its loans marked at their borrowers' credit spreads, is gone: it stops lending and
its loans and leases pass to its own creditors at face value (they are held to maturity
and then called, never rolled over).

- **Bond investors** (bond funds and insurers) hold the listed firms' bonds: the opening
  debt, and the bonds a firm short of cash issues first. They invest their savers' money,
  unlevered (``min_capital_ratio_bond_investors`` = 1): their losses are their savers',
  and after a quarter with write-offs savers pull money out, so they buy fewer bonds.
- **Banks** lend to a firm short of cash what bond investors will not buy: thin capital
  (Basel's 8%), no more to one borrower than a quarter of it, and they can fail.
- **Private credit** funds special-purpose vehicles that own data centres and lease them
  to a cloud, with a residual-value guarantee (Meta and Blue Owl's Hyperion, October 2025):
  up to ``lease_share_of_capex`` of the capex of a cloud whose cash does not cover its
  bills, as a lease secured on the data centres (it recovers first from them in a
  default). After a quarter with write-offs its investors ask for their money back;
  it pays at most ``redemption_gate`` of its capital a quarter and gates the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import mesa

from economy.finance import Line, covenant_breach, credit_room, lender_premium, lender_room
from economy.ledger import (
    BOND,
    CASH,
    CREDIT,
    EQUITY,
    FUND_UNITS,
    LEASE,
    LEVERAGE_DEBT,
    LOAN,
    PAYABLE,
    ROW,
    Claim,
    Leg,
    NetWorth,
)
from economy.observation import EventKind
from economy.opening import opening_line

from .investor import draw_savings
from .world import Borrower, World

CLOUD_SECTOR = "cloud_providers"
APP_SECTOR = "app_company"


class Lender(mesa.Agent):
    """A lender with capital: it lends in one kind of claim while its capital allows.

    Attributes:
        name: ledger key (``"banks"``, ``"private_credit"``).
        label: display name.
        kind: the claim it lends in (``loan`` or ``lease``).
        min_capital_ratio: it lends while capital / credit outstanding stays above this.
        failed_month: the month it failed, if it has.
        called: borrowers whose credit it called this month (no new credit that month).
    """

    sector: ClassVar[str] = "investors"
    group: ClassVar[str] = "capital"
    kind: ClassVar[str] = LOAN
    model: World

    def __init__(self, model: World, name: str, label: str):
        super().__init__(model)
        self.name = name
        self.label = label
        p = model.p
        # an unlevered fund (bond investors) lends only its savers' money: a ratio of 1
        self.min_capital_ratio: float = getattr(p, f"min_capital_ratio_{name}", 1.0)
        self.funding_rate = (1.0 + p.interest_rate) ** (1.0 / 12.0) - 1.0  # monthly, per run
        self.failed_month: int | None = None
        self.called: set[str] = set()
        self._mark: tuple[tuple[int, int, int], float] | None = None  # mark_down's cache
        # capital and credit out, kept while neither the ledger nor the mark-down changes
        self._capital: tuple[tuple[int, int, int, int], float] | None = None
        self._credit_out: tuple[int, float] | None = None

    # ------------------------------------------------------------------ reading
    @property
    def defaulted(self) -> bool:
        """Whether it has failed (observers draw a failed lender as a default)."""
        return self.failed_month is not None

    @property
    def levered(self) -> bool:
        """Whether it lends more than its capital (only a levered lender can fail).

        An unlevered fund owes its savers no more than it holds: losses and redemptions
        shrink it, and it lends less, but it cannot fail.
        """
        return self.min_capital_ratio < 1.0

    def credit_out(self) -> float:
        """Loans, leases and bonds it holds, and called credit not yet repaid, at face, US$ bn.

        What it called (a maturity or a covenant enforced) is a bill owed to it until the
        borrower pays: still its credit, in its capital ratio.
        """
        ledger = self.model.ledger
        memo = self._credit_out
        if memo is not None and memo[0] == ledger.version:
            return memo[1]
        value = sum(sum(ledger.holdings(self.name, k).values()) for k in (*CREDIT, PAYABLE))
        self._credit_out = (ledger.version, value)
        return value

    def mark_down(self) -> float:
        """Face value less market value of its credit (each line at its borrower's spread).

        The book and the spreads change only at known moments (``LoanBook.version``,
        ``spread_epoch``), so the figure is kept until one of them does.
        """
        model = self.model
        book = model.loans
        key = (book.version, model.observation.spread_epoch(), model.month)
        if self._mark is not None and self._mark[0] == key:
            return self._mark[1]
        cds = model.observation.cds5y
        month = model.month
        value = sum(
            max(0.0, book.owed(line) - book.market_value(line, month, cds(line[2])))
            for line in book.lines(self.name)
        )
        self._mark = (key, value)
        return value

    def capital(self) -> float:
        """Book equity less the mark-down of its credit to market value, US$ bn."""
        model = self.model
        ledger = model.ledger
        key = (ledger.version, model.loans.version, model.observation.spread_epoch(), model.month)
        memo = self._capital
        if memo is not None and memo[0] == key:
            return memo[1]
        value = ledger.book_equity(self.name) - self.mark_down()
        self._capital = (key, value)
        return value

    def spoken_for(self) -> float:
        """Capital already promised away, which it will not lend against (none here)."""
        return 0.0

    def room(self) -> float:
        """New credit it can extend this month, US$ bn."""
        if self.defaulted:
            return 0.0
        capital = self.capital() - self.spoken_for()
        return lender_room(capital, self.credit_out(), self.min_capital_ratio)

    def room_for(self, borrower: Borrower) -> float:
        """New credit it can extend to ``borrower`` this month (its room; banks: less)."""
        return self.room()

    def premium(self) -> float:
        """What it adds to its rate as its capital thins, per year."""
        return lender_premium(
            self.capital(),
            self.credit_out(),
            self.min_capital_ratio,
            self.model.p.lender_stress_premium,
        )

    def serves(self, borrower: Borrower) -> bool:
        """Whether it lends to ``borrower`` at all."""
        return True

    def covenants_on(self, firm: str) -> bool:
        """Whether its credit to ``firm`` carries maintenance covenants (bonds: none)."""
        return False

    def waives(self) -> bool:
        """Whether it waives a covenant breach rather than enforce it (the credit falls due).

        It waives while its capital is at least twice its minimum share of what it has
        lent (where it starts charging a stress premium); with thinner capital it enforces.
        """
        return self.capital() >= 2.0 * self.min_capital_ratio * self.credit_out()

    def will_lend(self, borrower: Borrower) -> bool:
        """Whether it would extend new credit to ``borrower`` this month."""
        if self.defaulted or borrower.defaulted or not self.serves(borrower):
            return False
        if borrower.name in self.called:
            return False  # its maturing credit was called this month: no evergreening
        if borrower.facility() is not None:
            return True  # committed credit: drawn whatever its shares do, until a covenant
        model = self.model
        if not model.lenders.creditworthy(borrower.name):
            return False  # a covenant enforced, or insolvent and not covering its interest
        return model.market.drawdown(borrower.name) <= model.p.credit_crunch_drawdown

    # ------------------------------------------------------------------ acting
    def lend(self, borrower: Borrower, amount: float) -> float:
        """Lend up to ``amount``, as far as the borrower's limit and its own capital allow."""
        if amount <= 0.0 or not self.will_lend(borrower):
            return 0.0
        granted = min(amount, borrower_headroom(self.model, borrower), self.room_for(borrower))
        if granted <= 1e-12:
            return 0.0
        draw_savings(self.model.ledger, self.name, granted)
        self.model.ledger.transfer(
            "lending",
            self.name,
            borrower.name,
            granted,
            Claim(self.kind, self.name, borrower.name, granted),
        )
        return granted

    def mature(self, month: int, borrowers: Sequence[Borrower]) -> None:
        """Credit falling due is rolled over while it would lend, or called.

        A maturing tranche is renewed for another term while the lender would still lend
        to the borrower (it has not failed, and the borrower's shares have not fallen by
        more than ``credit_crunch_drawdown`` within a year); otherwise its principal
        becomes a bill, paid with the month's other bills, and the borrower gets no new
        credit from it this month: the refinancing wall.
        """
        for firm in borrowers:
            line = (self.name, self.kind, firm.name)
            due = mature_line(self.model, line, month, firm.defaulted)
            if due <= 1e-12:
                continue
            if self.will_lend(firm):
                self.model.loans.roll(line, month)
                continue
            if call_line(self.model, line, month) > 0.0:
                self.called.add(firm.name)

    def pay_funding(self) -> None:
        """The base rate on its net funding (savers' units less the cash it holds)."""
        ledger = self.model.ledger
        units = ledger.claim(FUND_UNITS, ROW, self.name)
        cost = self.funding_rate * (units - ledger.cash(self.name))
        if cost <= 1e-12 or self.defaulted:
            return
        draw_savings(ledger, self.name, cost)
        ledger.pay("funding_cost", self.name, ROW, cost, "funding_cost", "funding_cost")

    def end_of_quarter(self, month: int) -> None:
        """Savers' redemptions after a quarter with losses (funds only; see ``Fund``)."""

    def fail(self, month: int) -> None:
        """Its capital is gone: it stops lending; its assets pass to its savers.

        Every claim it holds (loans, leases, bills owed to it) passes to its own creditors,
        the savers in the rest of the world, at face value, together with its cash; their
        units are written down to what it held (the event gives the credit's market value,
        at the borrowers' spreads, beside its face). The passed credit is held to
        maturity and then called (``Lenders.run_off``).
        """
        model = self.model
        ledger = model.ledger
        name = self.name
        face = self.credit_out()
        value = face - self.mark_down()
        self.failed_month = month
        legs: list[Leg] = []
        moved = 0.0
        for kind, holder, issuer, amount in ledger.claims_of(name):
            if holder != name or kind in (EQUITY, FUND_UNITS) or amount == 0.0:
                continue
            if kind == CASH:
                legs.append(Claim(CASH, name, ROW, -amount))
            else:
                legs += [Claim(kind, name, issuer, -amount), Claim(kind, ROW, issuer, amount)]
            moved += amount
        units = ledger.claim(FUND_UNITS, ROW, name)
        legs.append(Claim(FUND_UNITS, ROW, name, -units))
        # what the units were owed beyond the assets is the savers' loss; the lender's
        # own capital went first (net worth closes at zero)
        legs += [
            NetWorth(name, "write_off", units - moved),
            NetWorth(ROW, "write_off", moved - units),
        ]
        ledger.post("lender_failure", legs)
        model.loans.transfer(name, ROW)
        if isinstance(self, Fund):
            self.queued = 0.0  # its investors lost everything: nothing left to redeem
        model.observation.log(
            month,
            EventKind.LENDER_FAILED,
            name,
            lender=name,
            face=face,
            value=value,
            loss=max(0.0, units - moved),
        )


class Bank(Lender):
    """Banks: loans to a firm short of cash, as far as their thin capital allows."""

    kind: ClassVar[str] = LOAN

    def covenants_on(self, firm: str) -> bool:
        """A bank loan carries maintenance covenants, whoever borrows."""
        return True

    def room_for(self, borrower: Borrower) -> float:
        """Its room, and no more to one borrower than ``large_exposure_limit`` of capital.

        Basel's large-exposure rule: what a bank has lent one borrower stays within a
        quarter of its capital.
        """
        limit = self.model.p.large_exposure_limit * max(0.0, self.capital())
        lent = self.model.ledger.claim(LOAN, self.name, borrower.name)
        return max(0.0, min(self.room(), limit - lent))


class Fund(Lender):
    """A lender funded by its investors' money, who pull it out after losses.

    Attributes:
        queued: redemption requests not yet paid (behind a gate), US$ bn.
        written_off: losses written off since the quarter began, US$ bn.
    """

    gate: ClassVar[bool] = True

    def __init__(self, model: World, name: str, label: str):
        super().__init__(model, name, label)
        self.queued = 0.0
        self.written_off = 0.0

    def end_of_quarter(self, month: int) -> None:
        """After a quarter with losses written off, investors ask for money back.

        Requests are ``redemption_per_loss_<fund>`` times what it wrote off over the
        quarter (price marks alone move no one). A gated fund pays at most
        ``redemption_gate`` of its capital a quarter and the rest waits (``fund_gated``
        event); an open one pays what it can. A levered fund (minimum capital ratio under
        1) may draw on its funding to pay; an unlevered one pays from cash. Requests
        waiting are money it will not lend (``room``).
        """
        p = self.model.p
        ledger = self.model.ledger
        capital = self.capital()
        lost, self.written_off = self.written_off, 0.0
        if lost > 1e-3:  # rounding left by a write-off is no news
            self.queued += getattr(p, f"redemption_per_loss_{self.name}") * lost
        if self.queued <= 1e-9 or self.defaulted:
            return
        limit = (p.redemption_gate if self.gate else 1.0) * max(0.0, capital)
        if not self.levered:
            limit = min(limit, max(0.0, ledger.cash(self.name)))
        paid = min(self.queued, limit)
        if paid > 1e-12:
            draw_savings(ledger, self.name, paid)
            ledger.pay("redemption", self.name, ROW, paid, "redemption", "redemption")
            self.queued -= paid
        if self.queued > 1e-9 and self.gate:
            self.model.observation.log(
                month,
                EventKind.FUND_GATED,
                self.name,
                lender=self.name,
                paid=paid,
                queued=self.queued,
            )

    def spoken_for(self) -> float:
        """Redemptions waiting: money it will not lend."""
        return self.queued


class BondInvestors(Fund):
    """Bond funds and insurers: the listed firms' bonds, bought with savers' money."""

    kind: ClassVar[str] = BOND
    gate: ClassVar[bool] = False

    def serves(self, borrower: Borrower) -> bool:
        """Listed firms only: the app company issues no bonds."""
        return getattr(borrower, "sector", "") != APP_SECTOR


class PrivateCredit(Fund):
    """Private-credit funds: data-centre leases to the clouds through SPVs."""

    kind: ClassVar[str] = LEASE

    def covenants_on(self, firm: str) -> bool:
        """Covenants only on a firm whose opening debt it holds (direct lending).

        That is CoreWeave's delayed-draw facilities. Its leases to a firm that came with
        bonds are SPV leases, which test the SPV's own cash flow, not the tenant's books:
        no maintenance covenant on the tenant.
        """
        return opening_line(firm)[0] == self.name

    def serves(self, borrower: Borrower) -> bool:
        """Only the clouds: it funds their data centres."""
        return getattr(borrower, "sector", "") == CLOUD_SECTOR

    def finance_build(self, cloud: Borrower, capex: float) -> float:
        """Lease up to ``lease_share_of_capex`` of this month's capex to a cloud that needs it.

        A cloud leases only what its cash does not cover of its bills (a cash-rich cloud
        builds on its own balance sheet, as Microsoft and Amazon mostly do).
        """
        ledger = self.model.ledger
        bills = sum(ledger.creditors(cloud.name, PAYABLE).values())
        need = bills - ledger.cash(cloud.name)
        return self.lend(cloud, min(self.model.p.lease_share_of_capex * capex, need))


def borrower_headroom(model: World, borrower: Borrower, collateral_less: float = 0.0) -> float:
    """A borrower's room: its undrawn facility, or its limit less its debt, US$ bn.

    A borrower with a committed facility (the app company's revolver) has the facility;
    any other, its room under the leverage limit: collateral times ``leverage_limit``
    less the debt lenders count (``LEVERAGE_DEBT``: a supplier's vendor loan is trade
    credit beyond it).
    """
    facility = borrower.facility()
    if facility is not None:
        return facility
    limit = model.p.leverage_limit * (borrower.collateral() - collateral_less)
    return limit - model.ledger.debt_owed(borrower.name, LEVERAGE_DEBT)


def mature_line(model: World, line: Line, month: int, defaulted: bool) -> float:
    """Bring a line of the loan book up to the ledger; returns the principal due by ``month``."""
    holder, kind, borrower = line
    book = model.loans
    owed = model.ledger.claim(kind, holder, borrower)
    book.reconcile(line, 0.0 if defaulted else owed, month)
    due = book.due(line, month)
    if defaulted or due <= 1e-12:
        return 0.0
    book.matured[borrower] = book.matured.get(borrower, 0.0) + due
    return due


def call_line(model: World, line: Line, month: int) -> float:
    """Call the principal due on ``line``: it becomes a bill. Returns the amount called."""
    holder, kind, borrower = line
    ledger = model.ledger
    called = min(model.loans.retire(line, month), ledger.claim(kind, holder, borrower))
    if called <= 0.0:
        return 0.0
    ledger.reclassify("loan_due", holder, borrower, kind, PAYABLE, called)
    if called >= 0.01:  # rounding left of a written-down loan: no news
        model.observation.log(
            month, EventKind.LOAN_CALLED, borrower, firm=borrower, lender=holder, amount=called
        )
    return called


class Lenders:
    """The credit market: every lender, what a borrower can raise, and the month's steps.

    Args:
        lenders: the lenders, in the order a firm short of cash turns to them (it issues
            bonds first, then borrows from banks; private credit only leases data centres).
    """

    def __init__(self, model: World, lenders: Sequence[Lender]):
        self.model = model
        self.all = list(lenders)
        self.by_name = {x.name: x for x in self.all}
        # firms in breach, with the quarterly tests they have failed in a row
        self.in_breach: dict[str, int] = {}
        self.enforced: set[str] = set()  # firms whose breach a lender enforced, not yet cured

    def lend(self, borrower: Borrower, amount: float) -> float:
        """A firm short of cash issues bonds, then borrows from banks; returns what it raised."""
        raised = 0.0
        for lender in self.all:
            if isinstance(lender, PrivateCredit) or raised >= amount - 1e-12:
                continue
            raised += lender.lend(borrower, amount - raised)
        return raised

    def finance_build(self, cloud: Borrower, capex: float) -> float:
        """Leases from every lender that funds data centres, for this month's capex."""
        return sum(x.finance_build(cloud, capex) for x in self.all if isinstance(x, PrivateCredit))

    def creditworthy(self, name: str) -> bool:
        """Whether lenders would lend to or refinance ``name`` on its books and covenants.

        Not while a lender's enforcement of its covenant stands (cross-default: the
        others stop too, until a quarterly test finds the breach cured), and not while it
        is insolvent on its books (negative book equity) and its operating cash flow over
        the last 12 months does not cover its interest: then its maturing credit is
        called, and a firm that cannot pay it falls into arrears (``economy/solvency.py``).
        """
        if name in self.enforced:
            return False
        model = self.model
        ledger = model.ledger
        if ledger.clearly_solvent(name) or ledger.book_equity(name) >= 0.0:
            return True
        operating, interest, _ = model.observation.trailing_year(name)
        return operating >= interest

    def credit_room(self, borrower: Borrower, collateral_less: float = 0.0) -> float:
        """New credit ``borrower`` can raise this month from every lender, US$ bn.

        Its own room under the leverage limit (``borrower_headroom``, negative above the
        limit), as far as the lenders that would lend to it have capital to lend
        (``economy.finance.credit_room``).
        """
        rooms = [x.room_for(borrower) for x in self.all if x.will_lend(borrower)]
        return credit_room(borrower_headroom(self.model, borrower, collateral_less), rooms)

    def credit_parts(self, borrower: Borrower, collateral_less: float = 0.0) -> tuple[float, float]:
        """The two parts of ``credit_room``: the borrower's headroom, the lenders' capacity.

        Headroom under the leverage limit (``borrower_headroom``, negative above it) and
        what the lenders that would lend to it can still extend; a firm that adds
        collateral (capacity it is building) raises its headroom, not their capacity.
        """
        rooms = [x.room_for(borrower) for x in self.all if x.will_lend(borrower)]
        return borrower_headroom(self.model, borrower, collateral_less), sum(rooms)

    def rate_premium(self, holder: str, kind: str) -> float:
        """What ``holder`` adds to a borrower's floating rate on a claim of ``kind``, per year."""
        lender = self.by_name.get(holder)
        extra = self.model.p.lease_premium if kind == LEASE else 0.0
        return extra + (lender.premium() if lender is not None else 0.0)

    def start_month(self) -> None:
        """Before phase 1: last month's calls no longer bar new credit."""
        for lender in self.all:
            lender.called = set()

    def mature_loans(self, month: int, borrowers: Sequence[Borrower]) -> None:
        """Phase 5, first: every lender's credit falling due; then a failed lender's run-off.

        The app company's revolver is tested first: drawn credit of a closed facility is
        called, not rolled.
        """
        self.model.loans.matured.clear()
        self.model.app.check_covenant(month)
        self.test_covenants(month, borrowers)
        for lender in self.all:
            lender.mature(month, borrowers)
        self.run_off(month, borrowers)

    def test_covenants(self, month: int, borrowers: Sequence[Borrower]) -> None:
        """Phase 5, each quarter: the maintenance covenants of bank loans and leases.

        At the start of each quarter a firm that owes bank loans or data-centre leases
        (the app company's revolver has its own liquidity covenant) is tested on the last
        12 months' operating cash flow and interest (annualised in the first year):
        ``economy.finance.covenant_breach``. A breach gives the firm a quarter to cure it
        (the cure period of direct-lending agreements); one still there at the next test
        is decided by each lender it owes, by its own capital (``Lender.waives``): it
        waives the breach, or enforces it and the whole line falls due as a bill, and no
        lender extends new credit to the firm until a test finds the breach cured (the
        called bill counted as debt) and the bill repaid (cross-default). A breach, a
        waiver (once per breach) and an enforcement are events; a firm that cannot pay
        the bill falls into arrears and defaults after the grace period like any other.
        """
        if month % 3 != 0 or month == 0:
            return
        model = self.model
        p = model.p
        ledger = model.ledger
        for firm in borrowers:
            if firm.defaulted or firm.facility() is not None:
                continue
            holders = [
                x
                for x in self.all
                if x.covenants_on(firm.name)
                and not x.defaulted
                and ledger.claim(x.kind, x.name, firm.name) > 1e-9
            ]
            enforced = firm.name in self.enforced
            operating, interest, months = model.observation.trailing_year(firm.name)
            measure = None
            called = sum(
                v for h, v in ledger.creditors(firm.name, PAYABLE).items() if h in self.by_name
            )
            if (holders or enforced) and months >= 3:
                scale = 12.0 / months
                operating, interest = operating * scale, interest * scale
                # a called line still unpaid is debt all the same
                debt = ledger.debt_owed(firm.name, LEVERAGE_DEBT) + (called if enforced else 0.0)
                measure = covenant_breach(
                    operating, interest, debt, p.covenant_max_leverage, p.covenant_min_coverage
                )
            if measure is None:  # no breach (or cured)
                self.in_breach.pop(firm.name, None)
                if called <= 1e-9:  # cured, and what was called is repaid: lenders lend again
                    self.enforced.discard(firm.name)
                continue
            tests = self.in_breach[firm.name] = self.in_breach.get(firm.name, 0) + 1
            if tests == 1:  # a new breach: a quarter to cure it
                model.observation.log(
                    month,
                    EventKind.COVENANT_BREACH,
                    firm.name,
                    firm=firm.name,
                    measure=measure,
                    debt=debt,
                    operating=operating,
                    interest=interest,
                )
                continue
            for lender in holders:
                self._enforce_or_waive(lender, firm.name, month, tests == 2)

    def _enforce_or_waive(self, lender: Lender, firm: str, month: int, new: bool) -> None:
        model = self.model
        if lender.waives():
            if new:
                model.observation.log(
                    month, EventKind.COVENANT_WAIVED, firm, firm=firm, lender=lender.name
                )
            return
        line = (lender.name, lender.kind, firm)
        ledger = model.ledger
        model.loans.accelerate(line)
        amount = ledger.claim(lender.kind, lender.name, firm)
        ledger.reclassify("loan_due", lender.name, firm, lender.kind, PAYABLE, amount)
        lender.called.add(firm)
        self.enforced.add(firm)  # cross-default: no lender extends new credit until cured
        model.observation.log(
            month,
            EventKind.COVENANT_ENFORCED,
            firm,
            firm=firm,
            lender=lender.name,
            amount=amount,
            claim="bank loans" if lender.kind == LOAN else "data-centre leases",
        )

    def run_off(self, month: int, borrowers: Sequence[Borrower]) -> None:
        """Credit that passed to savers when its lender failed is called as it falls due."""
        for firm in borrowers:
            for kind in CREDIT:
                line = (ROW, kind, firm.name)
                if line not in self.model.loans.tranches:
                    continue
                if mature_line(self.model, line, month, firm.defaulted) > 1e-12:
                    call_line(self.model, line, month)

    def pay_funding(self) -> None:
        """Phase 5, last: every lender pays the base rate on its net funding."""
        for lender in self.all:
            lender.pay_funding()

    def end_of_month(self, month: int) -> list[str]:
        """Phase 7, after the firms: redemptions each quarter, then failures; the failed."""
        failed: list[str] = []
        accounts = self.model.ledger.period_accounts
        for lender in self.all:
            if lender.defaulted:
                continue
            if isinstance(lender, Fund):  # this month's write-offs (losses are negative)
                lender.written_off -= min(0.0, accounts.get((lender.name, "write_off"), 0.0))
            if month % 3 == 2:
                lender.end_of_quarter(month)
            if lender.levered and lender.capital() <= 0.0:
                lender.fail(month)
                failed.append(lender.name)
        return failed
