"""Each firm's credit as the month's books show it: spreads and Minsky's class.

Read from the ledger's income accounts and cash-flow statistics, the contract book and
the share prices' log returns; the functions are in ``economy/finance.py``. Nothing here
changes a balance; a firm's loans pay its one-year spread the month after
(``Firm.loan_rate_now``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from params import APP, Params

from ..finance import (
    Minsky,
    credit_spread,
    equity_volatility,
    minsky_class,
    structural_spread,
)
from ..ledger import VENDOR_LOAN, Ledger

WINDOW = 12  # months of cash flows a class and a concentration are measured over
SPREAD_YEARS = 1.0  # the horizon of ``spread_<firm>``
CDS_YEARS = 5.0  # the horizon of ``cds5y_<firm>``
# income accounts that are operating cash flow (not interest, depreciation, impairments,
# non-cash items or the app company's take-or-pay compute bill, counted apart)
OPERATING = (
    "app_revenue",
    "fixed_costs",
    "variable_costs",
    "revenue_share",
    "other_income",
    "chip_sales",
    "cogs",
    "cloud_opex",
    "idle_rent",
    "backstop",  # a backstop's purchase of unsold capacity: the cloud's sale, its buyer's cost
    "compute",
)
INTEREST = ("interest", "vendor_interest")
REVENUE = (
    "app_revenue",
    "other_income",
    "chip_sales",
    "compute",
    "revenue_share",
    "idle_rent",
    "backstop",
)


class Firm(Protocol):
    """A firm as credit reads it."""

    name: str
    defaulted: bool


class Credit:
    """Spreads and Minsky classes of every firm, month by month.

    Args:
        p: the parameters (``loss_given_default``,
            ``barrier_commitment_share``, ``concentration_spread``, ``price_noise``,
            ``vendor_credit_term_months``).
        ledger: the ledger.
        commitments: the app company's remaining take-or-pay commitments from a month on.
        firms: the firms, in column order.
        returns: each firm's monthly log returns (the market's, read live).
        loans_due: each firm's bank-loan principal that fell due this month (rolled over
            or not; ``economy.finance.LoanBook.matured``, read live).
    """

    def __init__(
        self,
        p: Params,
        ledger: Ledger,
        commitments: Callable[[int], float],
        firms: Sequence[Firm],
        returns: Mapping[str, list[float]],
        loans_due: Mapping[str, float] | None = None,
        guarantors: Mapping[str, str] | None = None,
    ):
        self.p = p
        self.guarantors = dict(guarantors or {})  # cloud -> who buys its unsold capacity
        self.ledger = ledger
        self.commitments = commitments
        self.firms = list(firms)
        self.returns = returns
        self.loans_due = loans_due if loans_due is not None else {}
        names = [f.name for f in self.firms]
        self.flows: dict[str, list[tuple[float, float, float, float]]] = {n: [] for n in names}
        self.by_counterparty: dict[str, list[dict[str, float]]] = {n: [] for n in names}
        self.spread: dict[str, float] = dict.fromkeys(names, 0.0)
        self.cds5y: dict[str, float] = dict.fromkeys(names, 0.0)
        self.minsky: dict[str, Minsky] = dict.fromkeys(names, Minsky.HEDGE)
        self.epoch = 0  # counts the months recorded (readers of the spreads cache on it)

    def record(self, month: int) -> None:
        """Phase 8: this month's cash flows, then every firm's spreads and class."""
        self.epoch += 1
        for f in self.firms:
            self._record_flows(f.name)
        for f in self.firms:
            self._assess(f, month)

    # ------------------------------------------------------------------ the month
    def _record_flows(self, name: str) -> None:
        get = self.ledger.period_accounts.get
        operating = sum(get((name, a), 0.0) for a in OPERATING)
        interest = -sum(min(0.0, get((name, a), 0.0)) for a in INTEREST)
        commitments = 0.0
        if name == APP:  # take-or-pay compute bills are the app company's commitments
            commitments = -get((name, "compute"), 0.0)
            operating += commitments  # counted apart, not as an operating cost
        term = self.p.vendor_credit_term_months
        owed = sum(self.ledger.creditors(name, VENDOR_LOAN).values())
        # this month's instalment: owed before it fell due / term = owed now / (term - 1)
        principal = owed / (term - 1) if term > 1 else owed
        principal += self.loans_due.get(name, 0.0)  # bank loans maturing this month
        self.flows[name].append((operating, interest, principal, commitments))
        self.by_counterparty[name].append(self._revenue_by_counterparty(name))

    def _revenue_by_counterparty(self, name: str) -> dict[str, float]:
        """This month's revenue from each single counterparty; ``""`` is the diversified rest."""
        get = self.ledger.period_accounts.get
        out: dict[str, float] = {}
        total = sum(max(0.0, get((name, a), 0.0)) for a in REVENUE)
        if name != APP:
            # a cloud's compute bills and revenue share come from the app company
            from_app = max(0.0, get((name, "compute"), 0.0)) + max(
                0.0, get((name, "revenue_share"), 0.0)
            )
            if from_app > 0.0:
                out[APP] = from_app
            # a backstop's purchases come from its guarantor
            bought = max(0.0, get((name, "backstop"), 0.0))
            if bought > 0.0 and name in self.guarantors:
                guarantor = self.guarantors[name]
                out[guarantor] = out.get(guarantor, 0.0) + bought
            # a supplier's chips, invoiced to each cloud
            for (kind, src, dst), v in self.ledger.period_flows.items():
                if kind == "chips" and src == name and v > 0.0:
                    out[dst] = out.get(dst, 0.0) + v
        out[""] = max(0.0, total - sum(out.values()))
        return out

    def trailing_year(self, name: str) -> tuple[float, float, int]:
        """Operating cash flow and interest over the last 12 months (fewer at the start).

        Returns (operating, interest, months recorded in the window).
        """
        year = self.flows[name][-WINDOW:]
        return sum(x[0] for x in year), sum(x[1] for x in year), len(year)

    def concentration(self, name: str) -> float:
        """Share of the last year's revenue from the firm's largest single counterparty."""
        totals: dict[str, float] = {}
        for month in self.by_counterparty[name][-WINDOW:]:
            for k, v in month.items():
                totals[k] = totals.get(k, 0.0) + v
        total = sum(totals.values())
        single = [v for k, v in totals.items() if k]
        return max(single) / total if single and total > 0.0 else 0.0

    def _assess(self, f: Firm, month: int) -> None:
        p = self.p
        name = f.name
        year = self.flows[name][-WINDOW:]
        operating, interest, principal, commitments = (sum(x) for x in zip(*year, strict=True))
        if not f.defaulted:  # a defaulted firm keeps the class it defaulted in
            self.minsky[name] = minsky_class(operating, interest, principal, commitments)
        equity = self.ledger.market_cap(name)
        debt = self.ledger.debt_owed(name)
        owed = self.commitments(month + 1) if name == APP and not f.defaulted else 0.0
        vol = equity_volatility(self.returns.get(name, []), p.price_noise)
        conc = self.concentration(name)
        for years, out in ((SPREAD_YEARS, self.spread), (CDS_YEARS, self.cds5y)):
            if f.defaulted:  # a defaulted firm's debt prices its default
                out[name] = credit_spread(1.0, p.loss_given_default, years)
                continue
            out[name] = structural_spread(
                equity,
                debt,
                owed,
                vol,
                lgd=p.loss_given_default,
                years=years,
                commitment_share=p.barrier_commitment_share,
                concentration=conc,
                concentration_spread=p.concentration_spread,
                uncertainty=p.barrier_uncertainty,
            )
