"""Outside equity: the equity investors (two strategies, each with a fund).

The lenders are in ``agents/lender.py``.

Their money comes from savers in the rest of the world: when a fund needs cash to invest
or lend, savers buy more of its units (a named source of outside money).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import mesa

from economy.ledger import EQUITY, FUND_UNITS, ROW, Claim, Ledger
from economy.observation import EventKind
from economy.opening import Deal
from params import FUNDS

from .world import AppPeer, Peer, World

FUNDAMENTAL = "fundamental"  # value from revenue, growth and cash flow
MOMENTUM = "momentum"  # trend followers: value from past returns
MOMENTUM_RETURN_CAP = 0.05  # monthly log return at which trend followers' demand saturates


def draw_savings(ledger: Ledger, fund: str, amount: float) -> None:
    """Savers buy units of ``fund`` until it holds ``amount`` of cash."""
    short = amount - ledger.cash(fund)
    if short > 0.0:
        ledger.transfer("savings_inflow", ROW, fund, short, Claim(FUND_UNITS, ROW, fund, short))


@dataclass
class Fund:
    """A fund with a balance sheet in the ledger: one investment strategy's money.

    Attributes:
        name: ledger key (``"equity_funds"``, ``"momentum_funds"``).
        label: display name.
        strategy: ``"fundamental"`` or ``"momentum"``.
        share: the strategy's share of equity investors (its weight in prices and rounds).
        views: this month's desired change in each firm's log price.
    """

    name: str
    label: str
    strategy: str
    share: float
    views: dict[str, float] = field(default_factory=dict)
    sector: ClassVar[str] = "investors"
    group: ClassVar[str] = "capital"
    defaulted: ClassVar[bool] = False


class EquityInvestors(mesa.Agent):
    """Outside equity investors: fundamentalists and trend followers, in fixed shares.

    Fundamentalists value each firm and close part of the gap between price and value;
    trend followers extrapolate recent returns. The strategy shares (``momentum_share``)
    weigh their views in the market's price pressure and split the rounds they buy.

    Attributes:
        fundamentalists, trend_followers: the two strategies' funds.
        funds: both, in that order.
        fundamental: each firm's fundamental value this month, US$ bn.
    """

    sector: ClassVar[str] = "investors"
    group: ClassVar[str] = "capital"
    model: World

    def __init__(self, model: World, labels: Mapping[str, str]):
        super().__init__(model)
        m = model.p.momentum_share
        value, momentum = FUNDS
        self.fundamentalists = Fund(value, labels[value], FUNDAMENTAL, 1.0 - m)
        self.trend_followers = Fund(momentum, labels[momentum], MOMENTUM, m)
        self.funds = (self.fundamentalists, self.trend_followers)
        self.value_base: dict[str, float] = {}
        self.value_floor: dict[str, float] = {}  # 1% of each firm's opening value
        self.loop_revenue_at_start: dict[str, float] = {}
        self.fundamental: dict[str, float] = {}

    # ------------------------------------------------------------------ prices
    def form_views(self) -> None:
        """Phase 6: each strategy's desired move of every listed firm's log price.

        Fundamentalists close ``price_adjustment`` of the log gap to fundamental value;
        trend followers extrapolate the mean monthly log return r of the last
        ``momentum_horizon_months`` months: ``momentum_strength * c * tanh(r / c)`` with
        c = 5% a month, linear for small returns and bounded for large ones (trend
        followers run out of money), so a bubble can form but not go to infinity.
        """
        model = self.model
        p = model.p
        ledger = model.ledger
        fund = self.fundamentalists.views = {}
        listed = []  # firms with a price and shares (the same for both strategies)
        for firm in model.firms:
            if firm.defaulted:
                continue
            name = firm.name
            price = ledger.price(name)
            shares = ledger.shares_outstanding(name)
            if price <= 0.0 or shares <= 0.0:
                continue
            listed.append(name)
            value = self.value_of(firm)
            self.fundamental[name] = value
            gap = math.log(max(value, 1e-9) / shares) - math.log(price)
            fund[name] = p.price_adjustment * gap
        trend = self.trend_followers.views = {}
        cap = MOMENTUM_RETURN_CAP
        strength = p.momentum_strength * cap
        recent_return = model.market.recent_return
        for name in listed:
            trend[name] = strength * math.tanh(recent_return(name) / cap)

    def price_pressure(self) -> dict[str, float]:
        """Desired change of each firm's log price: the strategies' views by their shares."""
        f, m = self.fundamentalists, self.trend_followers
        return {name: f.share * v + m.share * m.views.get(name, 0.0) for name, v in f.views.items()}

    def value_of(self, firm: Peer) -> float:
        """Fundamental value, US$ bn.

        The app company: annual revenue (what its demand pays on the share the capacity in
        service or contracted a build lag ahead will serve, ``valued_revenue``) times a
        multiple that rises with that revenue's growth, plus a multiple of annual free cash
        flow (negative while it burns cash). Suppliers
        and clouds: their opening value plus a multiple of the change in annual loop
        revenue since month 0 (the loop is a small part of these firms).
        """
        model = self.model
        p = model.p
        if firm is model.app:
            return self._app_value(model.app)
        loop = 12.0 * model.observation.loop_revenue(firm.name)
        if firm.name not in self.value_base:
            self.value_base[firm.name] = ledger_cap = model.ledger.market_cap(firm.name)
            self.value_floor[firm.name] = 0.01 * ledger_cap
            self.loop_revenue_at_start[firm.name] = loop
            return ledger_cap
        change = loop - self.loop_revenue_at_start[firm.name]
        return max(
            self.value_floor[firm.name],
            self.value_base[firm.name] + p.loop_revenue_multiple * change,
        )

    def paid_in(self, issuer: str, amount: float) -> None:
        """A cloud sold new shares: the cash it keeps adds to its value (post-money).

        Without it, holders would value the firm as before the sale and read every new
        share as a loss to them.
        """
        if issuer in self.value_base:
            self.value_base[issuer] += amount

    def value(self, issuer: str) -> float | None:
        """The fundamentalists' value of ``issuer`` this month (None before they first value it)."""
        return self.fundamental.get(issuer)

    def written_down(self, issuer: str, loss: float) -> None:
        """A cloud wrote capacity down (stranded by a cancelled contract): its value falls by it.

        The mirror of ``paid_in``: holders value the firm as before less what it lost, in
        the month of the news, so its price starts to fall then and buyers of its new
        shares see the loss (``CloudProvider.raise_equity`` sizes a sale on the lower of
        market value and this value).
        """
        if issuer in self.value_base and loss > 0.0:
            self.value_base[issuer] -= loss

    def _app_value(self, app: AppPeer) -> float:
        p = self.model.p
        # the revenue its demand brings on the share of it the capacity in service or
        # contracted a build lag ahead will serve: rationing until contracted capacity
        # arrives is not read as lost business, nor its catching up as growth; demand no
        # capacity is coming for is not valued
        revenue = 12.0 * app.valued_revenue
        growth = max(app.yoy(app.valued_revenue_hist, self.model.month), -0.9)
        multiple = p.valuation_base_multiple * (1.0 + growth) ** p.valuation_growth_elasticity
        recent = app.net_income_hist[-12:]
        fcf = 12.0 * sum(recent) / len(recent) if recent else 0.0
        floor = 0.01 * p.open_price_openai * p.open_shares_openai
        return max(floor, revenue * multiple + p.fcf_multiple * fcf)

    # ------------------------------------------------------------------ rounds
    def willing_share(self, fund: Fund, issuer: str) -> float:
        """Share of its part of a round ``fund`` takes (0 to 1).

        Fundamentalists take their part in proportion to value over price (all of it when
        the firm is worth its market value or more); trend followers all of it after a
        rising quarter, nothing after a falling one.
        """
        model = self.model
        if fund.strategy == FUNDAMENTAL:
            cap = model.ledger.market_cap(issuer)
            value = self.fundamental.get(issuer, cap)
            return min(1.0, value / cap) if cap > 0.0 else 0.0
        return 1.0 if model.market.recent_return(issuer) > 0.0 else 0.0

    def subscriptions(self, issuer: str, amount: float) -> dict[str, float]:
        """What each fund would buy of a round of ``amount``: its share, as far as it is willing."""
        return {f.name: f.share * amount * self.willing_share(f, issuer) for f in self.funds}

    def buy_dated_equity(self, deal: Deal) -> float:
        """The outside investors' part of a dated round: new shares at today's price.

        Bought by the fund the deal names (SoftBank and other outside investors are the
        fundamentalists' fund). Returns the amount paid, US$ bn.
        """
        model = self.model
        investor, issuer = deal.parties
        firm = model.firms_by_name.get(issuer)
        amount = float(deal.value or 0.0)
        if firm is None or firm.defaulted or amount <= 0.0:
            return 0.0
        self.buy(issuer, {investor: amount})
        model.observation.log(
            model.month,
            EventKind.DATED_EQUITY,
            issuer,
            investor=investor,
            issuer=issuer,
            amount=amount,
            deal=deal.source.removeprefix("deals.csv:"),
        )
        return amount

    def buy(self, issuer: str, parts: Mapping[str, float]) -> None:
        """Each fund buys its part of new shares of ``issuer`` at today's price."""
        ledger = self.model.ledger
        for fund, amount in parts.items():
            if amount > 0.0:
                draw_savings(ledger, fund, amount)
                ledger.transfer(
                    "equity_round", fund, issuer, amount, Claim(EQUITY, fund, issuer, amount)
                )
