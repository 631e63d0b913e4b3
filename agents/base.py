"""What every firm in the loop shares: a name, a balance sheet in the ledger, bills to pay."""

from __future__ import annotations

from typing import ClassVar

import mesa

from economy.ledger import CREDIT, EQUITY, PAYABLE, ROW, Claim, Ledger
from economy.observation import EventKind
from economy.opening import Deal
from params import Params

from .world import World


class Firm(mesa.Agent):
    """A firm with a balance sheet in the model's ledger.

    Attributes:
        name: the firm's key in the ledger (``"nvidia"``, ``"oracle"``, ``"openai"``).
        label: display name.
        defaulted: True once the firm has defaulted (it stops acting).
        default_month: month of default, if any.
        months_in_arrears: consecutive months that ended with unpaid bills.
        can_borrow: whether lenders will consider this firm.
    """

    sector: ClassVar[str] = ""
    group: ClassVar[str] = ""  # the seed article's metaphor: fuel, gears, engine, capital
    can_borrow: ClassVar[bool] = True
    model: World

    def __init__(self, model: World, name: str, label: str):
        super().__init__(model)
        self.name = name
        self.label = label
        self.defaulted = False
        self.default_month: int | None = None
        self.months_in_arrears = 0
        # per-run constants (the parameters are frozen), computed once: the same floats
        # every month, without a lookup
        p = model.p
        # net cash from business outside the loop (the app company has none: it has revenue)
        self.other_income: float = getattr(p, f"other_income_{name}", 0.0)
        self.loan_rate = (1.0 + p.interest_rate) ** (1.0 / 12.0) - 1.0  # monthly interest

    # ------------------------------------------------------------------ dated deals
    def buy_dated_equity(self, deal: Deal) -> float:
        """Pay for new shares of the deal's issuer on the deal's date (a dated round).

        A firm short of cash borrows what it lacks, as for a milestone tranche; a firm
        that still cannot pay buys what it can. Returns the amount paid, US$ bn.
        """
        issuer = self.model.firms_by_name.get(deal.parties[1])
        amount = float(deal.value or 0.0)
        if self.defaulted or issuer is None or issuer.defaulted or amount <= 0.0:
            return 0.0
        if self.cash < amount:
            self.model.lenders.lend(self, amount - self.cash)
        paid = min(amount, max(0.0, self.cash))
        if paid <= 1e-12:
            return 0.0
        self.ledger.transfer(
            "dated_equity",
            self.name,
            issuer.name,
            paid,
            Claim(EQUITY, self.name, issuer.name, paid),
        )
        self.model.observation.log(
            self.model.month,
            EventKind.DATED_EQUITY,
            issuer.name,
            investor=self.name,
            issuer=issuer.name,
            amount=paid,
            deal=deal.source.removeprefix("deals.csv:"),
        )
        return paid

    # ------------------------------------------------------------------ reading
    @property
    def ledger(self) -> Ledger:
        """The model's ledger."""
        return self.model.ledger

    @property
    def p(self) -> Params:
        """The model's parameters."""
        return self.model.p

    @property
    def cash(self) -> float:
        """Cash held."""
        return self.ledger.cash(self.name)

    def bills_due(self) -> dict[str, float]:
        """Unpaid bills by creditor."""
        return self.ledger.creditors(self.name, PAYABLE)

    # ------------------------------------------------------------------ acting
    def earn_other_income(self) -> None:
        """Net cash from the firm's business outside the loop, paid in by the rest of the world."""
        amount = self.other_income
        if amount > 0:
            self.model.ledger.pay(
                "other_income", ROW, self.name, amount, "other_income", "other_income"
            )
        elif amount < 0:
            self.model.ledger.accrue("other_income", self.name, ROW, -amount, "other_income")

    def pay_bills(self) -> float:
        """Pay every unpaid bill, borrowing first if lenders allow; pro rata when short.

        Accrual first, cash second: what cannot be paid stays a payable; the solvency
        phase counts the months a firm ends in arrears. Returns the amount left unpaid.
        """
        ledger = self.model.ledger
        name = self.name
        due = ledger.creditors(name, PAYABLE)
        if not due:
            return 0.0
        total = sum(due.values())
        if total <= 0.0:
            return 0.0
        cash = ledger.cash(name)
        short = total - cash
        if short > 0.0 and self.can_borrow:
            self.model.lenders.lend(self, short)
            cash = ledger.cash(name)
        share = min(cash, total) / total  # what can be paid, pro rata
        paid = ledger.settle_all("settle", name, {c: v * share for c, v in due.items()})
        return total - paid

    def collateral(self) -> float:
        """What lenders lend against: book assets (clouds add part of their backlog)."""
        return self.ledger.assets(self.name)

    def facility(self) -> float | None:
        """Undrawn committed credit that replaces the collateral test (None: no facility)."""
        return None

    @property
    def loan_rate_now(self) -> float:
        """This month's interest on a bank loan: the base rate plus the firm's one-year spread.

        Loans float: the spread is the one measured at the end of last month from the
        firm's books (``economy/finance.py``), so a firm whose books worsen pays more.
        """
        spread = self.model.observation.spread(self.name)
        if spread <= 0.0:
            return self.loan_rate
        return (1.0 + self.p.interest_rate + spread) ** (1.0 / 12.0) - 1.0

    def interest_bills(self) -> list[tuple[str, str, float, str]]:
        """A month's interest on loans and leases, as bills (debtor, lender, amount, account).

        Each line pays the base rate plus the firm's one-year spread plus what its holder
        adds: a lease's premium over a loan, and a lender's premium as its capital thins
        (``agents/lender.py``).
        """
        model = self.model
        name = self.name
        base = self.p.interest_rate + max(0.0, model.observation.spread(name))
        bills: list[tuple[str, str, float, str]] = []
        for kind in CREDIT:
            for holder, principal in sorted(model.ledger.creditors(name, kind).items()):
                annual = base + model.lenders.rate_premium(holder, kind)
                rate = (1.0 + annual) ** (1.0 / 12.0) - 1.0
                if rate > 0.0:
                    bills.append((name, holder, principal * rate, "interest"))
        return bills
