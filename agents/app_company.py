"""AppCompany: the engine (OpenAI). Turns compute into products, revenue and, it hopes, profit."""

from __future__ import annotations

import math
from collections.abc import Sequence

from economy import demand
from economy.indicators import loss_burn, loss_runway
from economy.ledger import CONVERTIBLE, LOAN, PAYABLE, PREPAID, ROW, Claim, NetWorth
from economy.observation import EventKind

from .base import Firm
from .world import CloudPeer, World

HISTORY = 12  # months of pre-history taken from the fitted diffusion
MIN_CONTRACT_GW = 0.01
FORECAST_WINDOW = 6  # months of compute-need growth the app company extrapolates


def weighted_order(weights: Sequence[float], uniforms: Sequence[float]) -> list[int]:
    """Indices in a random order drawn by weight, without replacement, from given uniforms.

    Efraimidis and Spirakis (2006): each item with weight ``w`` > 0 gets the key
    ``u ** (1 / w)`` from its own uniform ``u``; sorting by key, largest first, draws the
    items in proportion to their weights. A weight too small to register next to the
    others (its share rounds to 0) is left out: that item is never drawn.
    """
    total = sum(weights)
    keys = [
        (u ** (total / w), i)
        for i, (w, u) in enumerate(zip(weights, uniforms, strict=True))
        if total > 0.0 and w / total > 0.0
    ]
    return [i for _, i in sorted(keys, reverse=True)]


class AppCompany(Firm):
    """The app company.

    Each month it gains users by Bass diffusion, earns subscription and API revenue,
    forecasts the compute it will need a build lag ahead and signs take-or-pay contracts
    for the gap, pays its compute bills and other costs, and raises equity when its
    runway runs short.
    """

    sector = "app_company"
    group = "engine"

    def __init__(self, model: World, name: str, label: str):
        super().__init__(model, name, label)
        p = self.p
        self.revenue_model = demand.Revenue(p)
        self.users = p.users_initial
        # states of the token and API markets (relative to January 2024; economy/demand.py)
        # tokens per ChatGPT user and per API customer: one law of motion, so one state
        self.tokens_per_user = 1.0
        self.api_customers = 1.0
        # the year before month 0 is history, the same in every scenario: users grew
        # steadily at users_growth_2023 (the fitted diffusion is for month 0 on)
        monthly = demand.yearly_to_monthly_growth(p.users_growth_2023)
        past = [p.users_initial * monthly ** (m - HISTORY) for m in range(HISTORY)]
        # index i of these lists is month i - HISTORY; month 0 is appended by update_demand
        self.users_hist: list[float] = past
        self.revenue_hist: list[float] = [
            self.revenue_model.total(u, m - HISTORY) for m, u in enumerate(past)
        ]
        # the revenue investors value: what its users and customers would pay, on the share
        # of their demand the capacity it has contracted a build lag ahead will serve
        self.valued_revenue_hist: list[float] = list(self.revenue_hist)
        self.valued_revenue = 0.0
        self.need_hist: list[float] = [
            demand.compute_need(p, u, m - HISTORY) for m, u in enumerate(past)
        ]
        self.net_income_hist: list[float] = []
        self.paying = 0.0
        self.revenue = 0.0
        self.revenue_subscriptions = 0.0
        self.revenue_api = 0.0
        self.compute_need = 0.0
        self.compute_need_inference = 0.0
        self.compute_need_training = 0.0
        self.costs: dict[str, float] = {}
        self.net_income = 0.0
        self.noncash = 0.0
        self.fixed_costs = p.fixed_costs_2024 / 12.0
        self.last_round = -(10**6)
        self.revolver_closed = False  # its covenant was breached: no more drawing
        self.placement_draws: list[float] = []  # this month's, one per cloud
        self.served_share = 1.0  # share of the inference it needs that its compute serves
        self.rounds = 0
        self.contract_bound_gw = 0.0  # this month's bound on its own contracts, GW
        self.contract_signed_gw = 0.0  # what it signed of its own this month, GW
        # milestone equity not yet spent on prepayments: raised to deploy the suppliers'
        # systems (the letters' use of proceeds), so it may prepay from it below its reserve
        self.earmarked = 0.0

    # ------------------------------------------------------------------ history
    def _hist(self, series: list[float], month: int) -> float:
        return series[month + HISTORY]

    # ------------------------------------------------------------------ phases
    def update_demand(self) -> None:
        """Phase 1: users, tokens per user and API customers; revenue; compute need.

        New users come by diffusion (noise from the model's rng); tokens per user and API
        customers follow their laws of motion (``demand.Paths``). Revenue is earned on the
        inference the compute in service can serve (``served_share``): capacity that is
        late costs revenue.
        """
        p = self.p
        t = self.model.month
        paths = self.revenue_model.paths
        if t > 0:
            self.tokens_per_user = paths.tokens_next(self.tokens_per_user, t - 1)
            self.api_customers = paths.customers_next(self.api_customers)
        if t > 0 and not self.defaulted:
            factor = demand.decay_factor(p.paid_growth_decay, t - 1)
            share = demand.monthly_adoption_share(
                self.users, p.bass_p, p.bass_q, p.market_size_users, factor
            )
            sd = p.demand_noise
            z = self.model.rng_demand.standard_normal()  # one a month (common random numbers)
            noise = math.exp(sd * z - 0.5 * sd * sd) if sd else 1.0
            gain = min(share * noise, 1.0) * max(0.0, p.market_size_users - self.users)
            self.users += gain
        self.paying = self.users * p.paid_share
        self.compute_need_inference = demand.inference_need(
            p, self.users, self.api_customers, self.tokens_per_user, t
        )
        if self.defaulted:
            self.revenue_subscriptions = self.revenue_api = self.valued_revenue = 0.0
            self.served_share = 0.0
        else:
            # compute in service goes to inference first: demand it cannot serve earns nothing
            contracting = self.model.contracting
            need = self.compute_need_inference
            have = contracting.contracted_compute(t)
            self.served_share = served = min(1.0, have / need) if need > 0.0 else 1.0
            coming = contracting.contracted_compute(t + p.build_lag_months)
            ahead = min(1.0, coming / need) if need > 0.0 else 1.0
            rev = self.revenue_model
            subscriptions = rev.subscriptions(self.users, t)
            api = rev.api(self.api_customers, self.tokens_per_user, t)
            self.valued_revenue = max(served, ahead) * (subscriptions + api)
            self.revenue_subscriptions = served * subscriptions
            self.revenue_api = served * api
        self.revenue = self.revenue_subscriptions + self.revenue_api
        self.valued_revenue_hist.append(self.valued_revenue)
        self.compute_need_training = demand.training_need(p, t)
        self.compute_need = self.compute_need_inference + self.compute_need_training
        self.users_hist.append(self.users)
        self.revenue_hist.append(self.revenue)
        self.need_hist.append(self.compute_need)

    def sign_contracts(self) -> None:
        """Phase 2: contract the compute forecast a build lag ahead, beyond the plan.

        The plan is what is contracted for that month plus the dated deals of the preset
        not signed yet (the deal book is the capacity plan): the app company signs at most
        the forecast need (with headroom) less the plan, within its commitment limit and
        any dated cap on its commitments.
        """
        self.contract_bound_gw = self.contract_signed_gw = 0.0
        # one placement draw per cloud every month, used or not (common random numbers)
        self.placement_draws = self.model.rng_placement.random(len(self.model.clouds)).tolist()
        if self.defaulted:
            return
        model = self.model
        p = self.p
        t = model.month
        lag = p.build_lag_months
        growth = self.annualised_growth(self.need_hist, t, FORECAST_WINDOW)
        growth = min(max(growth, -0.9), p.forecast_growth_cap)
        target = self.compute_need * (1.0 + growth) ** (lag / 12.0) * (1.0 + p.capacity_headroom)
        contracting = model.contracting
        have = contracting.contracted_compute(t + lag) + contracting.planned_compute(t + lag, t)
        gap = target - have
        if gap <= 0.0:
            return
        eff = contracting.chip_efficiency(t + lag)
        gw = self.contract_bound_gw = gap / eff
        capex_per_gw = contracting.capex_per_gw(t)
        price = contracting.contract_price(t)
        term = p.contract_term_months
        backlog = contracting.backlog(t)
        room = p.commitment_limit_to_valuation * self.ledger.market_cap(self.name) - backlog
        cap = contracting.commitment_cap(t)
        if cap is not None:
            room = min(room, cap - backlog)
        if room <= 0.0:
            model.observation.mark_commitment_limited()
            return
        if gw * price * term > room:
            gw = room / (price * term)
            model.observation.mark_commitment_limited()
        if gw < MIN_CONTRACT_GW:
            return
        placed = 0.0
        for cloud, share_gw in self.place_contract(gw, capex_per_gw, t):
            contracting.add(contracting.new_contract(cloud.name, share_gw, signed=t))
            placed += share_gw
            self.contract_signed_gw = placed
            model.observation.log(
                t,
                EventKind.CONTRACT,
                cloud.name,
                app=self.name,
                cloud=cloud.name,
                gw=share_gw,
                value=share_gw * price * term,
                months=term,
                start=t + lag,
            )
        if gw - placed > MIN_CONTRACT_GW:
            model.observation.log(
                t, EventKind.NO_CLOUD, self.name, app=self.name, short=gw - placed, gw=gw
            )

    def place_contract(
        self, gw: float, capex_per_gw: float, month: int
    ) -> list[tuple[CloudPeer, float]]:
        """Split ``gw`` among clouds that can finance it: (cloud, GW) pairs.

        Clouds are tried in an order drawn by contract weight (``weighted_order``, with this
        month's placement draws); each takes what its financing room allows, until the
        capacity is placed. A cloud with weight 0 is never offered a contract.
        """
        model = self.model
        p = self.p
        clouds = [c for c in model.clouds if not c.defaulted and p.firm("weight", c.name) > 0.0]
        if not clouds:
            return []
        order = weighted_order(
            [p.firm("weight", c.name) for c in clouds],
            [self.placement_draws[model.clouds.index(c)] for c in clouds],
        )
        out: list[tuple[CloudPeer, float]] = []
        left = gw
        for i in order:
            cloud = clouds[i]
            share = cloud.equity_share()
            can = cloud.financing_room(month) / share / capex_per_gw if share > 0 else left
            take = min(left, max(0.0, can))
            if take < MIN_CONTRACT_GW:
                continue
            out.append((cloud, take))
            left -= take
            if left < MIN_CONTRACT_GW:
                break
        return out

    def pay_running_costs(self) -> None:
        """Phase 5: collect revenue, book costs (compute already billed), pay what is due."""
        if self.defaulted:
            self.costs = {}
            self.net_income = 0.0
            self.noncash = 0.0
            self.net_income_hist.append(0.0)
            return
        model = self.model
        p = self.p
        t = model.month
        ledger = self.ledger
        ledger.pay("app_revenue", ROW, self.name, self.revenue, "app_revenue", "app_revenue")
        fixed = self.next_fixed_costs(t)
        variable = self.users * p.variable_cost_per_user / 1000.0
        bills = [
            (self.name, ROW, fixed, "fixed_costs"),
            (self.name, ROW, variable, "variable_costs"),
            *self.interest_bills(),  # on what it has drawn on its revolver
        ]
        share = 0.0
        microsoft = model.firms_by_name.get("microsoft")
        if microsoft is not None and not microsoft.defaulted:
            share = self.revenue * p.microsoft_revenue_share
            bills.append((self.name, microsoft.name, share, "revenue_share"))
        ledger.accrue_many("running_costs", bills)
        self.noncash = self.book_noncash(t)
        compute = -ledger.account_this_period(self.name, "compute")
        self.costs = {
            "compute": compute,
            "fixed": fixed,
            "variable": variable,
            "revenue_share": share,
        }
        self.net_income = self.revenue - sum(self.costs.values())
        self.net_income_hist.append(self.net_income)
        self.pay_bills()

    def book_noncash(self, month: int) -> float:
        """The labelled non-cash item: remeasurement of convertible interests in H1 2025.

        The reported H1-2025 net loss includes about $5.7B of it; it raises a liability to
        the holders (the equity funds) and is not cash, so it counts in net income but not
        in burn or runway. Booked evenly over January to June 2025 (months 12-17).
        """
        if not 12 <= month <= 17 or self.p.noncash_charge_h1_2025 <= 0.0:
            return 0.0
        x = self.p.noncash_charge_h1_2025 / 6.0
        self.ledger.post(
            "noncash_remeasurement",
            (
                Claim(CONVERTIBLE, "equity_funds", self.name, x),
                NetWorth(self.name, "noncash_remeasurement", -x),
                NetWorth("equity_funds", "noncash_remeasurement", x),
            ),
        )
        return x

    def next_fixed_costs(self, month: int) -> float:
        """The fixed block (staff, sales, data, stock pay) for ``month``, US$ bn.

        It grows ``fixed_cost_growth`` a year at first, and that growth rate halves every
        ``fixed_cost_growth_halving_years`` (hiring slows as the company matures).
        """
        p = self.p
        if month > 0:
            halving = 0.5 ** ((month - 1) / (12.0 * p.fixed_cost_growth_halving_years))
            self.fixed_costs *= (1.0 + p.fixed_cost_growth * halving) ** (1.0 / 12.0)
        return self.fixed_costs

    def raise_capital(self) -> None:
        """Phase 6: sell new shares to the equity funds when runway is short, once per gap."""
        if self.defaulted:
            return
        model = self.model
        p = self.p
        t = model.month
        if self.runway() >= p.round_runway_months or t - self.last_round < p.min_round_gap_months:
            return
        burn = self.burn()
        unpaid = sum(self.bills_due().values())
        target = p.round_target_runway_months * burn + unpaid - self.cash
        pre_money = self.ledger.market_cap(self.name)
        cap = pre_money * p.max_round_dilution / (1.0 - p.max_round_dilution)
        amount = min(target, cap)
        if amount <= 0.01:
            return
        investors = model.equity_investors
        parts = investors.subscriptions(self.name, amount)
        amount = sum(parts.values())
        if amount <= 0.01:
            return
        investors.buy(self.name, parts)
        self.last_round = t
        self.rounds += 1
        model.observation.log(
            t, EventKind.ROUND, self.name, app=self.name, amount=amount, pre_money=pre_money
        )

    def prepay(self, cloud: str, amount: float, gw: float) -> float:
        """Pay a cloud ``amount`` in advance for compute, so capacity it cannot fund is built.

        A cloud short of funds for a month's construction or chips asks its customer
        (customer prepayments, as CoreWeave's customers make). A company that burns cash
        keeps its own cash for its runway: it pays only from the milestone equity it has
        not yet spent this way (``earmarked``: the suppliers invest so that their systems
        are deployed, the letters' use of proceeds), as far as its cash beyond its unpaid
        bills and ``revolver_min_liquidity`` (its covenant's floor) allows, and only while
        its runway is at least ``round_runway_months`` (a company about to raise, or to
        fail, keeps its cash); all of ``amount`` or nothing. The prepayment is a claim on
        the cloud, settled against its next bills (``CloudProvider.deliver_service``) and
        kept by the cloud if the app company defaults. Returns the amount paid.
        """
        if self.defaulted or amount <= 0.0 or self.runway() < self.p.round_runway_months:
            return 0.0  # short of runway, it keeps its cash
        free = self.cash - sum(self.bills_due().values()) - self.p.revolver_min_liquidity
        if min(free, self.earmarked) < amount:
            return 0.0
        self.earmarked = max(0.0, self.earmarked - amount)
        self.ledger.transfer(
            "prepayment", self.name, cloud, amount, Claim(PREPAID, self.name, cloud, amount)
        )
        self.model.observation.log(
            self.model.month,
            EventKind.PREPAYMENT,
            self.name,
            app=self.name,
            cloud=cloud,
            amount=amount,
            gw=gw,
        )
        return amount

    # ------------------------------------------------------------------ its revolver
    def facility(self) -> float | None:
        """Undrawn revolving credit (``revolver_limit``); 0 once the facility has closed.

        The facility, not collateral, decides what the banks lend it.
        """
        if self.revolver_closed:
            return 0.0
        drawn = sum(self.ledger.creditors(self.name, LOAN).values())
        return max(0.0, self.p.revolver_limit - drawn)

    def check_covenant(self, month: int) -> float:
        """Phase 5, first: below ``revolver_min_liquidity`` of liquidity the facility closes.

        Liquidity is cash plus what it may still draw (a springing liquidity covenant).

        What is drawn falls due at once (a bill, ``loan_called``); returns the amount.
        """
        if self.revolver_closed or self.defaulted:
            return 0.0
        facility = self.facility() or 0.0
        if self.cash + facility >= self.p.revolver_min_liquidity:
            return 0.0  # liquidity: cash and what it may still draw
        self.revolver_closed = True
        ledger = self.ledger
        called = 0.0
        for bank, drawn in sorted(ledger.creditors(self.name, LOAN).items()):
            if drawn <= 0.0:
                continue
            ledger.reclassify("loan_due", bank, self.name, LOAN, PAYABLE, drawn)
            self.model.observation.log(
                month, EventKind.LOAN_CALLED, self.name, firm=self.name, lender=bank, amount=drawn
            )
            called += drawn
        return called

    # ------------------------------------------------------------------ measures
    def burn(self) -> float:
        """Average monthly loss over the last three months (0 when profitable)."""
        return loss_burn(self.net_income_hist)

    def runway(self) -> float:
        """Loss-based runway (``indicators.loss_runway``); 0 after default."""
        if self.defaulted:
            return 0.0
        return loss_runway(self.cash, self.net_income_hist)

    def annualised_growth(self, series: list[float], month: int, window: int) -> float:
        """Growth of a monthly series over the last ``window`` months, as a yearly rate."""
        now = self._hist(series, month)
        before = self._hist(series, month - window)
        return (now / before) ** (12.0 / window) - 1.0 if before > 0.0 else 0.0

    def yoy(self, series: list[float], month: int) -> float:
        """Year-on-year growth of a monthly series (pre-history from the fitted curve)."""
        now = self._hist(series, month)
        before = self._hist(series, month - 12)
        return now / before - 1.0 if before > 0.0 else 0.0
