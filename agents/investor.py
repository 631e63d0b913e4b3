"""Investor: outside capital. Equity funds price firms and buy rounds; lenders lend to a limit."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

import mesa

from economy.ledger import CASH, EQUITY, FUND_UNITS, LOAN, PAYABLE, ROW, VENDOR_LOAN, Claim

if TYPE_CHECKING:
    from model import AIBubbleModel

    from .base import Firm

EQUITY_FUND = "equity"  # fundamentalists: value from revenue, growth and cash flow
MOMENTUM = "momentum"  # trend followers: value from past returns
LENDER = "lender"
MOMENTUM_RETURN_CAP = 0.05  # monthly log return at which trend followers' demand saturates
KINDS = (EQUITY_FUND, MOMENTUM, LENDER)
LEVERAGE_DEBT = frozenset({LOAN, PAYABLE, VENDOR_LOAN})


class Investor(mesa.Agent):
    """Outside equity funds, momentum funds or lenders, with a balance sheet in the ledger.

    Their money comes from savers in the rest of the world: when they need cash to
    invest or lend, savers buy more fund units (a named source of outside money).

    Attributes:
        name: ledger key (``"equity_funds"``, ``"momentum_funds"``, ``"lenders"``).
        kind: ``"equity"`` (fundamentalists: price firms on value, buy rounds),
            ``"momentum"`` (trade on past returns, buy rounds after gains) or
            ``"lender"`` (lend to firms up to a leverage limit).
        views: this month's desired change in each firm's log price.
    """

    sector: ClassVar[str] = "investors"
    group: ClassVar[str] = "capital"
    model: AIBubbleModel

    def __init__(self, model: AIBubbleModel, name: str, label: str, kind: str):
        super().__init__(model)
        if kind not in KINDS:
            raise ValueError(f"investor kind must be one of {KINDS}, got {kind!r}")
        self.name = name
        self.label = label
        self.kind = kind
        self.defaulted = False
        self.value_base: dict[str, float] = {}
        self.loop_revenue_at_start: dict[str, float] = {}
        self.fundamental: dict[str, float] = {}
        self.views: dict[str, float] = {}

    def step(self) -> None:
        """An investor's month outside the phases: nothing; the model calls the phases."""

    # ------------------------------------------------------------------ money
    def _draw_savings(self, amount: float) -> None:
        short = amount - self.model.ledger.cash(self.name)
        if short > 0.0:
            self.model.ledger.post(
                "savings_inflow",
                (Claim(CASH, self.name, ROW, short), Claim(FUND_UNITS, ROW, self.name, short)),
            )
            self.model.ledger.period_cash[("savings_inflow", ROW, self.name)] += short

    def invest(self, issuer: str, amount: float) -> None:
        """Buy ``amount`` of new shares of ``issuer`` at today's price."""
        self._draw_savings(amount)
        self.model.ledger.post(
            "equity_round",
            (
                Claim(CASH, self.name, ROW, -amount),
                Claim(CASH, issuer, ROW, amount),
                Claim(EQUITY, self.name, issuer, amount),
            ),
        )
        self.model.ledger.period_cash[("equity_round", self.name, issuer)] += amount

    def lend(self, borrower: Firm, amount: float) -> float:
        """Lend up to ``amount`` while the borrower's debt stays under the leverage limit.

        Lenders refuse new loans to a firm whose share price has fallen by more than
        ``credit_crunch_drawdown`` from its high of the last 12 months.
        """
        if self.kind != LENDER or borrower.defaulted or amount <= 0.0:
            return 0.0
        model = self.model
        if model.price_drawdown(borrower.name) > model.p.credit_crunch_drawdown:
            # credit follows the market: no new loans to a firm whose shares have crashed
            model.month_flags[f"credit_refused_{borrower.name}"] = True
            return 0.0
        ledger = model.ledger
        limit = model.p.leverage_limit * borrower.collateral()
        headroom = limit - ledger.debt_owed(borrower.name, LEVERAGE_DEBT)
        granted = min(amount, headroom)
        if granted <= 1e-12:
            self.model.month_flags[f"credit_refused_{borrower.name}"] = True
            return 0.0
        self._draw_savings(granted)
        ledger.post(
            "lending",
            (
                Claim(LOAN, self.name, borrower.name, granted),
                Claim(CASH, self.name, ROW, -granted),
                Claim(CASH, borrower.name, ROW, granted),
            ),
        )
        ledger.period_cash[("lending", self.name, borrower.name)] += granted
        return granted

    # ------------------------------------------------------------------ prices
    def form_views(self) -> None:
        """Phase 6: each kind's desired move of every listed firm's log price.

        Fundamentalists close ``price_adjustment`` of the log gap to fundamental value;
        momentum traders extrapolate the mean monthly log return r of the last
        ``momentum_horizon_months`` months: ``momentum_strength * c * tanh(r / c)`` with
        c = 5% a month, linear for small returns and bounded for large ones (trend
        followers run out of money), so a bubble can form but not go to infinity. The
        model weighs the two kinds by ``momentum_share`` and moves the prices.
        """
        model = self.model
        p = model.p
        ledger = model.ledger
        self.views = {}
        if self.kind == LENDER:
            return
        for firm in model.firms:
            if firm.defaulted:
                continue
            price = ledger.price(firm.name)
            shares = ledger.shares_outstanding(firm.name)
            if price <= 0.0 or shares <= 0.0:
                continue
            if self.kind == EQUITY_FUND:
                value = self.value_of(firm)
                self.fundamental[firm.name] = value
                gap = math.log(max(value, 1e-9) / shares) - math.log(price)
                self.views[firm.name] = p.price_adjustment * gap
            else:
                r = model.recent_return(firm.name)
                cap = MOMENTUM_RETURN_CAP
                self.views[firm.name] = p.momentum_strength * cap * math.tanh(r / cap)

    def willing_share(self, issuer: str) -> float:
        """Share of its part of a round this investor takes (0 to 1).

        Fundamentalists take their part in proportion to value over price (all of it when
        the firm is worth its market value or more); momentum traders all of it after a
        rising quarter, nothing after a falling one.
        """
        model = self.model
        if self.kind == EQUITY_FUND:
            cap = model.ledger.market_cap(issuer)
            value = self.fundamental.get(issuer, cap)
            return min(1.0, value / cap) if cap > 0.0 else 0.0
        if self.kind == MOMENTUM:
            return 1.0 if model.recent_return(issuer) > 0.0 else 0.0
        return 0.0

    def value_of(self, firm: Firm) -> float:
        """Fundamental value, US$ bn.

        The app company: annual revenue times a multiple that rises with revenue growth,
        plus a multiple of annual free cash flow (negative while it burns cash). Suppliers
        and clouds: their opening value plus a multiple of the change in annual loop
        revenue since month 0 (the loop is a small part of these firms).
        """
        model = self.model
        p = model.p
        if firm is model.app:
            app = model.app
            revenue = 12.0 * app.revenue
            growth = max(app.yoy(app.revenue_hist, model.month), -0.9)
            multiple = p.valuation_base_multiple * (1.0 + growth) ** p.valuation_growth_elasticity
            recent = app.net_income_hist[-12:]
            fcf = 12.0 * sum(recent) / len(recent) if recent else 0.0
            floor = 0.01 * p.open_price_openai * p.open_shares_openai
            return max(floor, revenue * multiple + p.fcf_multiple * fcf)
        loop = 12.0 * model.loop_revenue(firm.name)
        if firm.name not in self.value_base:
            self.value_base[firm.name] = ledger_cap = model.ledger.market_cap(firm.name)
            self.loop_revenue_at_start[firm.name] = loop
            return ledger_cap
        change = loop - self.loop_revenue_at_start[firm.name]
        return max(
            0.01 * self.value_base[firm.name],
            self.value_base[firm.name] + p.loop_revenue_multiple * change,
        )
