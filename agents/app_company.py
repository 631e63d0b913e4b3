"""AppCompany: the engine (OpenAI). Turns compute into products, revenue and, it hopes, profit."""

from __future__ import annotations

import math

from economy import demand
from economy.ledger import CONVERTIBLE, ROW, Claim, NetWorth

from .base import Firm

HISTORY = 12  # months of pre-history taken from the fitted diffusion
MIN_CONTRACT_GW = 0.01
FORECAST_WINDOW = 6  # months of compute-need growth the app company extrapolates
NO_BURN_RUNWAY = 120.0  # runway reported when the firm is not burning cash


class AppCompany(Firm):
    """The app company.

    Each month it gains users by Bass diffusion, earns subscription and API revenue,
    forecasts the compute it will need a build lag ahead and signs take-or-pay contracts
    for the gap, pays its compute bills and other costs, and raises equity when its
    runway runs short.
    """

    sector = "app_company"
    group = "engine"
    can_borrow = False

    def __init__(self, model, name: str, label: str):
        super().__init__(model, name, label)
        p = self.p
        self._monetisation = [1.0]  # month -> revenue per subscriber relative to month 0
        self.users = p.users_initial
        # the year before month 0 is history, the same in every scenario: users grew
        # steadily at users_growth_2023 (the fitted diffusion is for month 0 on)
        monthly = demand.yearly_to_monthly_growth(p.users_growth_2023)
        past = [p.users_initial * monthly ** (m - HISTORY) for m in range(HISTORY)]
        # index i of these lists is month i - HISTORY; month 0 is appended by update_demand
        self.users_hist: list[float] = past
        self.revenue_hist: list[float] = [
            self.revenue_at(u, m - HISTORY) for m, u in enumerate(past)
        ]
        self.need_hist: list[float] = [
            self.compute_need_at(u, m - HISTORY) for m, u in enumerate(past)
        ]
        self.net_income_hist: list[float] = []
        self.paying = 0.0
        self.revenue = 0.0
        self.revenue_subscriptions = 0.0
        self.revenue_api = 0.0
        self.compute_need = 0.0
        self.costs: dict[str, float] = {}
        self.net_income = 0.0
        self.noncash = 0.0
        self.fixed_costs = p.fixed_costs_2024 / 12.0
        self.last_round = -(10**6)
        self.rounds = 0

    def step(self) -> None:
        """The app company's month outside the phases: nothing; the model calls the phases."""

    # ------------------------------------------------------------------ equations
    def revenue_parts(self, users: float, month: int) -> tuple[float, float]:
        """Monthly subscription and API revenue (US$ bn) from ``users`` million weekly users.

        The API price per token falls ``inference_price_decline`` times a year; token
        demand answers with elasticity ``api_price_elasticity``, so API spend per user
        moves as price ** (1 - elasticity).
        """
        p = self.p
        sub_price = p.subscription_price * self.monetisation_factor(month)
        price_ratio = p.inference_price_decline ** (-month / 12.0)
        api_per_user = p.api_revenue_per_user * price_ratio ** (1.0 - p.api_price_elasticity)
        return users * p.paid_share * sub_price / 1000.0, users * api_per_user / 1000.0

    def monetisation_factor(self, month: int) -> float:
        """Growth of revenue per subscriber since month 0.

        It grows ``monetisation_growth`` a year at first and that rate halves every
        ``monetisation_growth_halving_years`` (pricing power fades as the market matures),
        so the price converges instead of compounding without limit. Compounded month by
        month; before month 0 (history) at the initial rate.
        """
        p = self.p
        cache = self._monetisation
        while len(cache) <= month:
            m = len(cache) - 1
            h = 12.0 * p.monetisation_growth_halving_years
            g = p.monetisation_growth * 0.5 ** (m / h)
            cache.append(cache[-1] * (1.0 + g) ** (1.0 / 12.0))
        return cache[month] if month >= 0 else (1.0 + p.monetisation_growth) ** (month / 12.0)

    def revenue_at(self, users: float, month: int) -> float:
        """Monthly revenue (US$ bn) from ``users`` million weekly users in ``month``."""
        return sum(self.revenue_parts(users, month))

    def compute_need_at(self, users: float, month: int) -> float:
        """Effective compute needed (GW of 2024 chips) for inference and training."""
        p = self.p
        watts = p.inference_watts_per_user * (1.0 + p.compute_per_user_growth) ** (month / 12.0)
        return users * watts / 1000.0 * (1.0 + p.training_to_inference)

    def _hist(self, series: list[float], month: int) -> float:
        return series[month + HISTORY]

    # ------------------------------------------------------------------ phases
    def update_demand(self) -> None:
        """Phase 1: new users by diffusion (noise from the model's rng), revenue, compute need."""
        p = self.p
        t = self.model.month
        if t > 0 and not self.defaulted:
            factor = demand.decay_factor(p.paid_growth_decay, t - 1)
            share = demand.monthly_adoption_share(
                self.users, p.bass_p, p.bass_q, p.market_size_users, factor
            )
            sd = p.demand_noise
            noise = math.exp(sd * self.model.rng.standard_normal() - 0.5 * sd * sd) if sd else 1.0
            gain = min(share * noise, 1.0) * max(0.0, p.market_size_users - self.users)
            self.users += gain
        self.paying = self.users * p.paid_share
        if self.defaulted:
            self.revenue_subscriptions = self.revenue_api = 0.0
        else:
            self.revenue_subscriptions, self.revenue_api = self.revenue_parts(self.users, t)
        self.revenue = self.revenue_subscriptions + self.revenue_api
        self.compute_need = self.compute_need_at(self.users, t)
        self.users_hist.append(self.users)
        self.revenue_hist.append(self.revenue)
        self.need_hist.append(self.compute_need)

    def sign_contracts(self) -> None:
        """Phase 2: contract the compute forecast a build lag ahead, within the commitment limit."""
        if self.defaulted:
            return
        model = self.model
        p = self.p
        t = model.month
        lag = p.build_lag_months
        growth = self.annualised_growth(self.need_hist, t, FORECAST_WINDOW)
        growth = min(max(growth, -0.9), p.forecast_growth_cap)
        target = self.compute_need * (1.0 + growth) ** (lag / 12.0) * (1.0 + p.capacity_headroom)
        have = model.contracted_compute(t + lag)
        gap = target - have
        if gap <= 0.0:
            return
        eff = model.chip_efficiency(t + lag)
        gw = gap / eff
        capex_per_gw = model.capex_per_gw(t)
        price = model.contract_price(t)
        term = p.contract_term_months
        room = p.commitment_limit_to_valuation * self.ledger.market_cap(self.name)
        room -= model.app_backlog(t)
        if room <= 0.0:
            model.month_flags["commitment_limit"] = True
            return
        if gw * price * term > room:
            gw = room / (price * term)
            model.month_flags["commitment_limit"] = True
        if gw < MIN_CONTRACT_GW:
            return
        placed = 0.0
        for cloud, share_gw in self.place_contract(gw, capex_per_gw, t):
            contract = model.new_contract(cloud.name, share_gw, signed=t)
            model.add_contract(contract)
            placed += share_gw
            model.log_event(
                "contract",
                cloud.name,
                f"{self.label} signs {share_gw:.2f} GW with {cloud.label}: "
                f"${share_gw * price * term:,.1f}B over {term} months from "
                f"{model.date_of(t + lag)}",
            )
        if gw - placed > MIN_CONTRACT_GW:
            model.month_flags["no_cloud"] = True
            model.log_event(
                "no_cloud",
                self.name,
                f"No cloud can finance {gw - placed:.2f} of the {gw:.2f} GW {self.label} wants",
            )

    def place_contract(self, gw: float, capex_per_gw: float, month: int) -> list:
        """Split ``gw`` among clouds that can finance it: (cloud, GW) pairs.

        Clouds are tried in an order drawn by contract weight (the model's rng); each
        takes what its financing room allows, until the capacity is placed.
        """
        model = self.model
        clouds = [c for c in model.clouds if not c.defaulted]
        weights = [self.p.firm("weight", c.name) for c in clouds]
        total = sum(weights)
        if total <= 0.0:
            return []
        order = model.rng.choice(
            len(clouds), size=len(clouds), replace=False, p=[w / total for w in weights]
        )
        out = []
        left = gw
        for i in order:
            cloud = clouds[int(i)]
            if weights[int(i)] <= 0.0:
                continue
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
        m = p.momentum_share
        parts = {
            model.equity_funds: (1.0 - m) * amount * model.equity_funds.willing_share(self.name),
            model.momentum_funds: m * amount * model.momentum_funds.willing_share(self.name),
        }
        amount = sum(parts.values())
        if amount <= 0.01:
            model.month_flags["round_refused"] = True
            return
        for investor, part in parts.items():
            if part > 0.0:
                investor.invest(self.name, part)
        self.last_round = t
        self.rounds += 1
        model.log_event(
            "round",
            self.name,
            f"{self.label} raises ${amount:,.1f}B at a ${pre_money:,.0f}B pre-money valuation",
        )

    # ------------------------------------------------------------------ measures
    def burn(self) -> float:
        """Average monthly loss over the last three months (0 when profitable)."""
        recent = self.net_income_hist[-3:]
        if not recent:
            return 0.0
        return max(0.0, -sum(recent) / len(recent))

    def runway(self) -> float:
        """Months the cash lasts at the recent burn (120 when not burning; 0 after default)."""
        if self.defaulted:
            return 0.0
        burn = self.burn()
        if burn <= 0.0:
            return NO_BURN_RUNWAY
        return min(NO_BURN_RUNWAY, max(0.0, self.cash) / burn)

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
