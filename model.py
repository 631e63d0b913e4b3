"""AIBubbleModel: the AI financing loop as a stock-flow-consistent Mesa model.

One step is one month; month 0 is January 2024. Each month runs the same phases in the
same order (docs/model.md §3): demand, contracting, capex, milestones, service,
capital market, solvency, books. Money moves only through the ledger; randomness comes
only from the model's ``rng``.

Example:
    >>> from model import AIBubbleModel
    >>> m = AIBubbleModel(rng=42, preset="seed")
    >>> m.run_for(12)
    >>> df = m.datacollector.get_model_vars_dataframe()
"""

from __future__ import annotations

import math
from typing import Any

import mesa

from agents import AppCompany, ChipSupplier, CloudProvider, Investor
from agents.app_company import NO_BURN_RUNWAY
from agents.investor import EQUITY_FUND, LENDER, MOMENTUM
from economy import demand, indicators, solvency
from economy.contracts import (
    Backstop,
    CloudContract,
    Cohort,
    ContractBook,
    MilestoneDeal,
    WarrantDeal,
)
from economy.ledger import (
    CAPACITY,
    CASH,
    CIP,
    EQUITY,
    FUND_UNITS,
    GUARANTEE,
    LOAN,
    OTHER_ASSETS,
    ROW,
    Claim,
    Ledger,
    NetWorth,
    Real,
)
from economy.regimes import Observation, Regime, RegimeClassifier
from economy.reporters import COLUMN_NAMES, LABELS
from params import APP, CLOUDS, SUPPLIERS, Params, ScheduledContract, load_preset

OPENING_CAPACITY_AGE = 24  # months the opening capacity has been in service in Jan 2024
OPENING_CLOUD = "microsoft"  # the app company's only large cloud before 2024
ROUNDING = 1e-12  # a reported value this close to zero is shown as zero
MAX_LOG_MOVE = 1.0  # largest monthly move of a log share price
NVIDIA_CIRCULARITY = "nvidia"  # the supplier whose peak circularity the run summary keeps
OPERATING_FLOWS = frozenset({"app_revenue", "other_income", "settle"})  # not financing


def month_date(month: int) -> str:
    """ISO date of the first day of ``month`` (month 0 = 2024-01-01)."""
    year, m = divmod(month, 12)
    return f"{2024 + year:04d}-{m + 1:02d}-01"


def _stat(name: str):
    def get(model: AIBubbleModel) -> Any:
        return model.stats[name]

    get.__name__ = name
    return get


class AIBubbleModel(mesa.Model):
    """The loop: chip suppliers, cloud providers, the app company and investors.

    Args:
        rng: seed (or numpy Generator) for every random draw; same seed, same run.
        preset: scenario preset under ``scenarios/`` (``None``: calibration defaults).
        params: a ready :class:`Params` (then ``preset`` and overrides are ignored).
        check_invariants: check every ledger invariant at the end of each month
            (raises ``LedgerError`` on the first that fails; costs run time).
        collect: record the monthly columns in ``datacollector``.
        **overrides: parameter values by name, applied after the preset.
    """

    def __init__(
        self,
        rng: Any = None,
        preset: str | None = "seed",
        *,
        params: Params | None = None,
        check_invariants: bool = False,
        collect: bool = True,
        **overrides: Any,
    ):
        super().__init__(rng=rng)
        self.p = params if params is not None else Params.from_preset(preset, **overrides)
        self.preset = preset
        self.schedule: tuple[ScheduledContract, ...] = (
            load_preset(preset).contracts if preset else ()
        )
        self.check_invariants = check_invariants
        self.collect = collect
        self.month = -1
        self.events: list[dict[str, Any]] = []
        self.defaults: list[dict[str, Any]] = []
        self.month_flags: dict[str, bool] = {}
        self.pair_flows: dict[tuple[str, str, str], float] = {}
        self._stats: dict[str, Any] = {}
        self._stats_month: int | None = None
        self._new_this_month: list[CloudContract] = []
        self.throughput = 0.0
        self.n_defaults = 0
        self.regime_path: list[str] = []
        self.first_default_month: int | None = None
        self.peak_gw = 0.0
        self.app_cash_low = float("inf")
        self.peak_circularity = float("nan")
        self.contracts: list[CloudContract] = []
        self._open: list[CloudContract] = []  # contracts not yet ended
        self.cancelled_this_month = 0

        self.suppliers = [ChipSupplier(self, s, LABELS[s]) for s in SUPPLIERS]
        self.clouds = [CloudProvider(self, c, LABELS[c]) for c in CLOUDS]
        self.app = AppCompany(self, APP, LABELS[APP])
        self.equity_funds = Investor(self, "equity_funds", LABELS["equity_funds"], EQUITY_FUND)
        self.momentum_funds = Investor(self, "momentum_funds", LABELS["momentum_funds"], MOMENTUM)
        self.lenders = Investor(self, "lenders", LABELS["lenders"], LENDER)
        self.firms = [*self.suppliers, *self.clouds, self.app]
        self.investors = [self.equity_funds, self.momentum_funds, self.lenders]
        self.firms_by_name = {f.name: f for f in self.firms}
        self._supplier_names = [f.name for f in self.suppliers]
        self._cloud_names = [f.name for f in self.clouds]
        self.book = ContractBook(self._cloud_names, self._supplier_names)
        self.ledger = Ledger({a.name: a.sector for a in (*self.firms, *self.investors)})
        self.deals = [
            MilestoneDeal(
                "nvidia", APP, self.p.milestone_investment_per_gw, self.p.milestone_investment_cap
            )
        ]
        p = self.p
        self.warrants = [
            WarrantDeal(
                issuer="amd",
                holder=APP,
                shares=p.amd_warrant_shares / 1000.0,
                gw=p.amd_warrant_gw,
                tranches=p.amd_warrant_tranches,
                first_hurdle=p.open_price_amd,
                final_hurdle=p.amd_warrant_final_hurdle,
            )
        ]
        self.backstops = {"coreweave": Backstop("nvidia", "coreweave", p.backstop_limit_coreweave)}
        self.log_returns: dict[str, list[float]] = {f.name: [] for f in self.firms}
        self.cascades: list[dict[str, Any]] = []
        self.cascade_direct = 0.0
        self.cascade_amplified = 0.0
        self.cascade_max_loss: dict[str, float] = {}
        self.regimes = RegimeClassifier(
            window=self.p.regime_window_months,
            persist=self.p.regime_persist_months,
            plateau_growth=self.p.plateau_growth,
            rising_min_runway=self.p.rising_min_runway,
            stalling_max_runway=self.p.stalling_max_runway,
        )
        self.regime = Regime.RISING
        self.hist: dict[str, list[float]] = {
            k: []
            for k in (
                "capex",
                "cloud_loop_revenue",
                "capex_ordered",
                "compute_ordered",
                "flow_supplier_equity",
                "flow_app_to_clouds",
                "flow_clouds_to_suppliers",
            )
        }
        # circularity: a supplier's own-tagged chip receipts, loop receipts, outside receipts
        self.circ_hist: dict[str, dict[str, list[float]]] = {
            s: {"own": [], "loop": [], "outside": []} for s in SUPPLIERS
        }
        self.ocf_hist: dict[str, list[float]] = {f.name: [] for f in self.firms}
        self.loop_revenue_hist: dict[str, list[float]] = {
            f.name: [] for f in (*self.suppliers, *self.clouds)
        }
        self.app_gw_by_supplier: dict[str, float] = dict.fromkeys(SUPPLIERS, 0.0)
        self.milestone_total = 0.0
        self._open_balance_sheets()
        self.opening_gw_by_supplier = self._gw_by_supplier(0)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _stat(name) for name in COLUMN_NAMES}
        )

    # ------------------------------------------------------------------ set-up
    def _open_balance_sheets(self) -> None:
        """Post every opening balance sheet; each agent's residual is its opening net worth."""
        p = self.p
        ledger = self.ledger
        legs: list[Claim | Real] = []
        for f in self.firms:
            ledger.set_price(f.name, p.firm("open_price", f.name))
            legs.append(Claim(CASH, f.name, ROW, p.firm("open_cash", f.name)))
            if f is not self.app:
                legs.append(Real(f.name, OTHER_ASSETS, p.firm("open_other_assets", f.name)))
                legs.append(Claim(LOAN, "lenders", f.name, p.firm("open_debt", f.name)))
        legs.append(Claim(CASH, "equity_funds", ROW, p.open_cash_equity_funds))
        legs.append(Claim(CASH, "lenders", ROW, p.open_cash_lenders))
        # who holds the shares
        for f in self.firms:
            cap = p.firm("open_shares", f.name) * p.firm("open_price", f.name)
            stakes = {}
            if f is self.app:
                stakes = {
                    "microsoft": p.microsoft_stake_in_openai,
                    "equity_funds": p.equity_funds_stake_in_openai,
                }
            elif f.name == "coreweave":
                stakes = {"nvidia": p.nvidia_stake_in_coreweave}
            for holder, share in stakes.items():
                if share > 0:
                    legs.append(Claim(EQUITY, holder, f.name, share * cap))
            public = 1.0 - sum(stakes.values())
            if public > 0:
                legs.append(Claim(EQUITY, ROW, f.name, public * cap))
        legs += self._opening_contracts()
        # investors are funded by savers' fund units; everyone else's residual is net worth
        delta: dict[str, float] = {}
        for leg in legs:
            if isinstance(leg, Claim):
                delta[leg.holder] = delta.get(leg.holder, 0.0) + leg.amount
                delta[leg.issuer] = delta.get(leg.issuer, 0.0) - leg.amount
            else:
                delta[leg.agent] = delta.get(leg.agent, 0.0) + leg.amount
        all_legs: list[Claim | Real | NetWorth] = list(legs)
        for inv in self.investors:
            all_legs.append(Claim(FUND_UNITS, ROW, inv.name, delta.pop(inv.name, 0.0)))
            delta[ROW] = delta.get(ROW, 0.0) + all_legs[-1].amount
        for agent, d in sorted(delta.items()):
            all_legs.append(NetWorth(agent, "opening", d))
        ledger.post("opening", all_legs)
        ledger.start_period()

    def _opening_contracts(self) -> list[Real]:
        """The capacity in service and under construction in January 2024.

        In service: ``opening_capacity_gw`` on the opening cloud, ``OPENING_CAPACITY_AGE``
        months old. Under construction: contracts signed in the build lag before month 0
        that cover the deterministic (noise-free) compute need of months 1..lag, so the
        first months are not starved by the build lag.
        """
        p = self.p
        lag = p.build_lag_months
        cloud = self.firms_by_name[OPENING_CLOUD]
        legs: list[Real] = []
        start = -OPENING_CAPACITY_AGE
        c0 = self.new_contract(cloud.name, p.opening_capacity_gw, signed=start - lag)
        c0.built = c0.capex
        c0.efficiency = 1.0  # compute is measured in units of the capacity of January 2024
        self.add_contract(c0)
        life = round(12 * p.depreciation_years)
        book = c0.capex * max(0.0, 1.0 - OPENING_CAPACITY_AGE / life)
        cloud.cohorts.append(
            Cohort(c0.capex, start, life, book, c0.id, c0.gw * c0.price_per_gw_month, c0.end)
        )
        legs.append(Real(cloud.name, CAPACITY, book))
        users = demand.bass_path(
            p.users_initial, p.bass_p, p.bass_q, p.market_size_users, p.paid_growth_decay, lag
        )
        in_service = self.contracted_compute(0)
        for m in range(1, lag + 1):
            need = self.app.compute_need_at(users[m], m) * (1.0 + p.capacity_headroom)
            covered = in_service + p.opening_pipeline_share * max(0.0, need - in_service)
            gap = covered - self.contracted_compute(m)
            if gap <= 0.0:
                continue
            signed = m - lag
            c = self.new_contract(cloud.name, gap / self.chip_efficiency(m), signed=signed)
            c.built = c.capex * (-signed) / c.lead  # instalments paid before month 0
            self.add_contract(c)
            legs.append(Real(cloud.name, CIP, c.built))
        return legs

    def new_contract(
        self,
        cloud: str,
        gw: float,
        signed: int,
        start: int | None = None,
        months: int | None = None,
    ) -> CloudContract:
        """A contract on the terms of its signing month (not yet registered: see add_contract).

        Its price per GW-month and capex per GW are those of ``signed``; its chips are the
        vintage of ``start`` (default: signing plus the build lag); its term defaults to
        ``contract_term_months``.
        """
        p = self.p
        start = signed + p.build_lag_months if start is None else start
        months = p.contract_term_months if months is None else months
        return CloudContract(
            id=len(self.contracts),
            cloud=cloud,
            gw=gw,
            price_per_gw_month=self.contract_price(signed),
            signed=signed,
            start=start,
            end=start + months,
            efficiency=self.chip_efficiency(start),
            chip_split=self.chip_split(),
            capex=gw * self.capex_per_gw(signed),
        )

    # ------------------------------------------------------------------ shared terms
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

    def chip_split(self) -> dict[str, float]:
        """Share of new capacity built with each supplier's chips."""
        return {"nvidia": 1.0 - self.p.amd_chip_share, "amd": self.p.amd_chip_share}

    def live_suppliers(self) -> dict[str, ChipSupplier]:
        """Suppliers that have not defaulted, by name."""
        return {s.name: s for s in self.suppliers if not s.defaulted}

    def date_of(self, month: int) -> str:
        """Year and month of ``month`` as YYYY-MM."""
        return month_date(month)[:7]

    # ------------------------------------------------------------------ contracts
    def add_contract(self, c: CloudContract) -> None:
        """Register a signed contract with the model, the contract book and its cloud."""
        self.contracts.append(c)
        self._open.append(c)
        self.book.add(c, self.p.cloud_opex_to_capex)
        cloud = self.firms_by_name[c.cloud]
        cloud.contracts.append(c)
        if c.start >= 0:
            cloud.building.append(c)

    def contracted_compute(self, month: int) -> float:
        """Effective compute under contracts that bill in ``month``."""
        return float(self.book.at("compute", month).sum())

    def app_backlog(self, month: int) -> float:
        """Remaining take-or-pay value of every contract (RPO), US$ bn."""
        return self.book.future_bills(None, month)

    def _gw_by_supplier(self, month: int) -> dict[str, float]:
        by_chip = self.book.at("gw_by_chip", month).tolist()
        return dict(zip(self._supplier_names, by_chip, strict=True))

    def _live_contracts_of(self, name: str) -> list[CloudContract]:
        t = self.month
        return [
            c for c in self._open if c.cancelled is None and c.end > t and name in (APP, c.cloud)
        ]

    def stranded_losses(self, name: str) -> dict[str, float]:
        """Capacity the default of ``name`` would strand, by cloud (only the app company's)."""
        out: dict[str, float] = {}
        if name != APP:
            return out
        recovery = self.p.stranded_capacity_recovery
        for c in self._live_contracts_of(name):
            cloud = self.firms_by_name[c.cloud]
            if not cloud.defaulted:
                out[c.cloud] = out.get(c.cloud, 0.0) + cloud.stranded_loss(c, recovery)
        return out

    def cancel_contracts_of(self, name: str) -> int:
        """Cancel the live contracts of a defaulting firm; stranded capacity is impaired."""
        t = self.month
        n = 0
        called: set[str] = set()
        for c in self._live_contracts_of(name):
            self.book.cancel(c, t, self.p.cloud_opex_to_capex)
            for h in self.firms_by_name[c.cloud].cohorts:
                if h.contract_id == c.id:
                    h.contract_end = t  # idle from now: re-let to other customers
            backstop = self.backstops.get(c.cloud)
            if name == APP and backstop is not None and c.start <= t:
                backstop.streams.append((c.gw * c.price_per_gw_month, c.end))
                called.add(c.cloud)
            c.cancel(t)
            n += 1
            cloud = self.firms_by_name[c.cloud]
            if name == APP and not cloud.defaulted:
                cloud.impair_contract(c, self.p.stranded_capacity_recovery)
        for cloud in sorted(called):
            self._call_backstop(self.backstops[cloud])
        self.cancelled_this_month += n
        return n

    def _call_backstop(self, backstop: Backstop) -> None:
        """The guarantor now owes the cloud the cancelled bills, within the limit."""
        if self.firms_by_name[backstop.guarantor].defaulted:
            return
        amount = backstop.call(self.month + 1)
        if amount <= 0.0:
            return
        self.ledger.post(
            "backstop_called",
            (
                Claim(GUARANTEE, backstop.cloud, backstop.guarantor, amount),
                NetWorth(backstop.guarantor, "backstop", -amount),
                NetWorth(backstop.cloud, "backstop", amount),
            ),
        )
        self.log_event(
            "backstop",
            backstop.cloud,
            f"{self.firms_by_name[backstop.guarantor].label} owes "
            f"{self.firms_by_name[backstop.cloud].label} ${amount:,.1f}B for capacity left "
            "unused",
        )

    def loop_revenue(self, name: str) -> float:
        """A supplier's or cloud's loop revenue, trailing 3-month mean (for its valuation)."""
        return indicators.trailing_mean(self.loop_revenue_hist[name], 3)

    # ------------------------------------------------------------------ events
    def log_event(self, kind: str, firm: str, text: str) -> None:
        """Add a dated entry to the event log (contracts, milestones, rounds, defaults)."""
        self.events.append(
            {
                "month": self.month,
                "date": self.date_of(self.month),
                "kind": kind,
                "firm": firm,
                "text": text,
            }
        )

    def record_cascade(self, report: dict[str, Any]) -> None:
        """Keep a default's cascade report (direct and amplified losses, relative losses)."""
        self.cascades.append(report)
        self.cascade_direct += report["direct_loss"]
        self.cascade_amplified += report["amplified_loss"]
        for node, x in report["relative_equity_loss"].items():
            self.cascade_max_loss[node] = max(self.cascade_max_loss.get(node, 0.0), x)

    def record_default(
        self, firm: Any, reason: str, losses: dict[str, float], cancelled: int
    ) -> None:
        """Note a default in the event log and the list of defaults."""
        lost = sum(losses.values())
        self.defaults.append(
            {"month": self.month, "firm": firm.name, "reason": reason, "losses": losses}
        )
        self.log_event(
            "default",
            firm.name,
            f"{firm.label} defaults ({reason}); creditors lose ${lost:,.1f}B; "
            f"{cancelled} contracts cancelled",
        )

    def circularity(self, supplier: str, *, clouds_only: bool = False) -> float:
        """Share of a supplier's trailing-12-month chip receipts that trace back to its own money.

        Own-tagged cash in the clouds' chip payments, plus vendor-credit sales (100% the
        seller's own money), over all chip receipts: from the clouds only, or from all
        buyers (the supplier's sales outside the loop included). NaN with no receipts.
        """
        if self.app.defaulted:  # the loop has ended: a ratio over leftover receipts misleads
            return math.nan
        h = self.circ_hist[supplier]
        own = indicators.trailing_sum(h["own"], 12)
        total = indicators.trailing_sum(h["loop"], 12)
        if not clouds_only:
            total += indicators.trailing_sum(h["outside"], 12)
        return indicators.ratio(own, total)

    def runway(self, name: str) -> float:
        """Months ``name``'s cash lasts at its average operating cash outflow of 3 months.

        Operating cash flow is cash received from customers and outside business and from
        bills others pay, minus the bills it pays (financing excluded). 120 when the firm
        is not burning cash; 0 after default.
        """
        if self.firms_by_name[name].defaulted:
            return 0.0
        burn = -indicators.trailing_mean(self.ocf_hist[name], 3)
        if burn <= 0.0:
            return NO_BURN_RUNWAY
        return min(NO_BURN_RUNWAY, max(0.0, self.ledger.cash(name)) / burn)

    def price_drawdown(self, name: str) -> float:
        """Fall of ``name``'s share price from its high of the last 12 months (0 to 1)."""
        level = peak = 0.0
        for r in self.log_returns.get(name, [])[-12:]:
            level += r
            peak = max(peak, level)
        # the window opens at its first month's price, so the high includes it
        return 1.0 - math.exp(level - peak)

    def recent_return(self, name: str) -> float:
        """Mean monthly log return of ``name``'s shares over the momentum horizon."""
        h = self.p.momentum_horizon_months
        tail = self.log_returns[name][-h:]
        return sum(tail) / len(tail) if tail else 0.0

    def _clear_prices(self) -> None:
        """Move each listed firm's price by the investors' views, weighted by their shares.

        d log P = (1 - momentum_share) x fundamentalists' view + momentum_share x momentum
        view + noise, clipped to +/-1 a month (a circuit breaker: no price more than
        e-fold in a month).
        """
        p = self.p
        m = p.momentum_share
        fund = self.equity_funds.views
        mom = self.momentum_funds.views
        ledger = self.ledger
        for firm in self.firms:
            if firm.defaulted or firm.name not in fund:
                continue
            d = (1.0 - m) * fund[firm.name] + m * mom.get(firm.name, 0.0)
            if p.price_noise:
                d += p.price_noise * self.rng.standard_normal()
            d = max(-MAX_LOG_MOVE, min(MAX_LOG_MOVE, d))
            ledger.set_price(firm.name, ledger.price(firm.name) * math.exp(d))
            self.log_returns[firm.name].append(d)

    def _sign_scheduled(self) -> None:
        """Sign the preset's contracts dated this month (announced deals, outside the limit)."""
        t = self.month
        for s in self.schedule:
            cloud = self.firms_by_name[s.cloud]
            if s.signed != t or self.app.defaulted or cloud.defaulted:
                continue
            gw = s.value / (s.months * self.contract_price(t))
            c = self.new_contract(s.cloud, gw, signed=t, start=s.start, months=s.months)
            self.add_contract(c)
            self.log_event(
                "contract",
                s.cloud,
                f"{self.app.label} signs {gw:.2f} GW with {cloud.label} (announced deal): "
                f"${s.value:,.1f}B over {s.months} months from {self.date_of(s.start)}",
            )

    def flows_this_month(self) -> list[dict[str, Any]]:
        """The month's flows between agents, for the network view.

        Kinds: ``chips`` (supplier -> cloud, US$ bn invoiced), ``capacity`` (cloud -> app
        company, GW in service), ``cash`` (payments, US$ bn: app -> clouds, clouds ->
        suppliers, customers -> app), ``equity`` (US$ bn of new shares: suppliers and funds ->
        app company), ``credit`` (lenders -> firms, US$ bn lent).
        """
        out: list[dict[str, Any]] = []
        for (kind, src, dst), v in sorted(self.pair_flows.items()):
            out.append({"source": src, "target": dst, "kind": kind, "amount": v, "unit": "US$ bn"})
        for c in self.clouds:
            gw = self.stats.get(f"deployed_gw_{c.name}", 0.0)
            if gw > 0.0:
                out.append(
                    {
                        "source": c.name,
                        "target": APP,
                        "kind": "capacity",
                        "amount": gw,
                        "unit": "GW",
                    }
                )
        kinds = {
            "settle": "cash",
            "app_revenue": "cash",
            "milestone_equity": "equity",
            "equity_round": "equity",
            "lending": "credit",
        }
        cash: dict[tuple[str, str, str], float] = {}
        for (flow, payer, payee), v in self.ledger.period_cash.items():
            kind = kinds.get(flow)
            if kind is None or v <= 0.0 or payer == payee:
                continue
            key = (kind, payer, payee)
            cash[key] = cash.get(key, 0.0) + v
        for (kind, src, dst), v in sorted(cash.items()):
            out.append({"source": src, "target": dst, "kind": kind, "amount": v, "unit": "US$ bn"})
        return out

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """One month, phases in the fixed order of docs/model.md §3."""
        self.month = self.steps - 1
        self.ledger.start_period()
        self.month_flags = {}
        self.pair_flows = {}
        self.cancelled_this_month = 0
        apps = self.agents_by_type[AppCompany]
        clouds = self.agents_by_type[CloudProvider]
        suppliers = self.agents_by_type[ChipSupplier]
        investors = self.agents_by_type[Investor]
        apps.do("update_demand")  # 1. demand
        self._sign_scheduled()  # 2. contracting: deals signed in fact, then the app's own
        apps.do("sign_contracts")
        clouds.do("invest")  # 3. capex
        self.app_gw_by_supplier = self._gw_by_supplier(self.month)
        suppliers.do("unlock_milestones")  # 4. milestones
        suppliers.do("vest_warrants")
        clouds.do("deliver_service")  # 5. service
        apps.do("pay_running_costs")
        suppliers.do("settle_month")
        investors.do("form_views")  # 6. capital market
        self._clear_prices()
        apps.do("raise_capital")
        solvency.end_of_month(self)  # 7. solvency
        self._open = [c for c in self._open if c.end > self.month]
        self._books()  # 8. books and indicators

    def _books(self) -> None:
        """Check invariants, record the month's flows and classify the regime."""
        if self.check_invariants:
            self.ledger.check()
        ledger = self.ledger
        t = self.month
        hist = self.hist
        pc = ledger.period_cash
        suppliers = self._supplier_names
        clouds = self._cloud_names
        flow_equity = sum(pc.get(("milestone_equity", s, APP), 0.0) for s in suppliers)
        flow_app = sum(pc.get(("settle", APP, c), 0.0) for c in clouds)
        flow_chips = sum(pc.get(("settle", c, s), 0.0) for c in clouds for s in suppliers)
        capex = sum(c.capex_this_month for c in self.clouds)
        accounts = ledger.period_accounts
        cloud_rev = {
            c: accounts.get((c, "compute"), 0.0) + accounts.get((c, "revenue_share"), 0.0)
            for c in clouds
        }
        chip_rev = {s: accounts.get((s, "chip_sales"), 0.0) for s in suppliers}
        self._new_this_month = new = [c for c in self._open if c.signed == t]
        capex_ordered = sum(c.capex for c in new)
        compute_ordered = sum(c.gw * c.efficiency for c in new)
        deployed = float(self.book.at("gw", t).sum())
        backlog_left = self.book.future_bills(None, t + 1) > 0.0  # rounding already cleared
        hist["capex"].append(capex)
        hist["cloud_loop_revenue"].append(sum(cloud_rev.values()))
        hist["capex_ordered"].append(capex_ordered)
        hist["compute_ordered"].append(compute_ordered)
        hist["flow_supplier_equity"].append(flow_equity)
        hist["flow_app_to_clouds"].append(flow_app)
        hist["flow_clouds_to_suppliers"].append(flow_chips)
        for name, v in (*cloud_rev.items(), *chip_rev.items()):
            self.loop_revenue_hist[name].append(v)
        self.milestone_total += flow_equity
        inflow: dict[str, float] = {}
        outflow: dict[str, float] = {}
        for (flow, payer, payee), v in pc.items():
            if flow in OPERATING_FLOWS:
                inflow[payee] = inflow.get(payee, 0.0) + v
                outflow[payer] = outflow.get(payer, 0.0) + v
        for f in self.firms:
            self.ocf_hist[f.name].append(inflow.get(f.name, 0.0) - outflow.get(f.name, 0.0))
        flows = self.pair_flows
        for s in suppliers:
            credit = sum(flows.get(("vendor_credit", s, c), 0.0) for c in clouds)
            own = credit + sum(
                ledger.period_tagged.get(("settle", c, s), {}).get(s, 0.0) for c in clouds
            )
            loop = credit + sum(pc.get(("settle", c, s), 0.0) for c in clouds)
            h = self.circ_hist[s]
            h["own"].append(own)
            h["loop"].append(loop)
            h["outside"].append(pc.get(("other_income", ROW, s), 0.0))
        self.throughput = indicators.loop_throughput(
            hist["flow_supplier_equity"],
            hist["flow_app_to_clouds"],
            hist["flow_clouds_to_suppliers"],
        )
        self.n_defaults = sum(f.defaulted for f in self.firms)
        self.regime = self.regimes.update(
            Observation(
                deployed_gw=deployed,
                loop_throughput=self.throughput,
                capex=capex,
                backlog=1.0 if backlog_left else 0.0,
                runway=self.app.runway(),
                cancelled=self.cancelled_this_month,
                defaulted=self.n_defaults > 0,
                app_burning=self.app.burn() > 0.0,
            )
        )
        self.regime_path.append(self.regime.value)
        if self.n_defaults and self.first_default_month is None:
            self.first_default_month = t
        self.peak_gw = max(self.peak_gw, deployed)
        circ = self.circularity(NVIDIA_CIRCULARITY)
        if not math.isnan(circ) and not circ <= self.peak_circularity:
            self.peak_circularity = circ  # the first number replaces the opening NaN
        self.app_cash_low = min(self.app_cash_low, ledger.cash(APP))
        self._stats_month = None
        if self.collect:
            self.datacollector.collect(self)

    def summary(self) -> dict[str, Any]:
        """The run summary (docs/model.md) of the months so far, without the data collector.

        Same keys and values as ``economy.indicators.run_summary`` on the collected
        DataFrame, so sweeps can run with ``collect=False``.
        """
        return indicators.summarise_path(
            self.regime_path,
            first_default_month=self.first_default_month,
            peak_gw=self.peak_gw,
            total_milestone_investment=self.milestone_total,
            peak_circularity=self.peak_circularity,
            app_cash_low=self.app_cash_low,
        )

    @property
    def stats(self) -> dict[str, Any]:
        """This month's value of every reported column (computed once per month, on demand)."""
        if self._stats_month != self.month:
            self._stats = self._compute_stats()
            self._stats_month = self.month
        return self._stats

    def _compute_stats(self) -> dict[str, Any]:
        if self.month < 0:
            return {}
        ledger = self.ledger
        t = self.month
        app = self.app
        hist = self.hist
        pc = ledger.period_cash
        cloud_names = self._cloud_names
        book = self.book
        deployed_by_cloud = dict(zip(cloud_names, book.at("gw", t).tolist(), strict=True))
        backlog_by_cloud = {c: book.future_bills(c, t + 1) for c in cloud_names}
        deployed_compute = float(book.at("compute", t).sum())
        contracted_gw = float(book.at("committed", t).sum())
        money_in = sum(v for (_f, payer, _p), v in pc.items() if payer == ROW)
        money_out = sum(v for (_f, _payer, payee), v in pc.items() if payee == ROW)
        costs = app.costs
        compute = costs.get("compute", 0.0)
        s: dict[str, Any] = {
            "month": t,
            "date": month_date(t),
            "regime": self.regime.value,
            "regime_code": self.regime.severity,
            "users_m": app.users,
            "paying_users_m": app.paying,
            "app_revenue": app.revenue,
            "app_revenue_subscriptions": app.revenue_subscriptions,
            "app_revenue_api": app.revenue_api,
            "app_compute_bill": compute,
            "app_training_compute": compute
            * self.p.training_to_inference
            / (1.0 + self.p.training_to_inference),
            "app_fixed_costs": costs.get("fixed", 0.0),
            "app_variable_costs": costs.get("variable", 0.0),
            "app_revenue_share": costs.get("revenue_share", 0.0),
            "app_operating_income": app.net_income,
            "app_noncash_charges": app.noncash,
            "app_net_income": app.net_income - app.noncash,
            "app_net_margin": indicators.ratio(app.net_income - app.noncash, app.revenue),
            "app_cash_burn": sum(
                v for (f, payer, _), v in pc.items() if payer == APP and f == "settle"
            )
            - pc.get(("app_revenue", ROW, APP), 0.0),
            "app_inference_cost_per_user": indicators.ratio(1000.0 * compute, app.users),
            "app_runway_months": app.runway(),
            "app_compute_need": app.compute_need,
            "app_equity_raised": pc.get(("equity_round", "equity_funds", APP), 0.0)
            + pc.get(("equity_round", "momentum_funds", APP), 0.0),
            "app_rounds_total": app.rounds,
            "app_unpaid_bills": sum(app.bills_due().values()),
            "deployed_gw": sum(deployed_by_cloud.values()),
            "deployed_compute": deployed_compute,
            "contracted_gw": contracted_gw,
            "new_contract_gw": sum(c.gw for c in self._new_this_month),
            "backlog": sum(backlog_by_cloud.values()),
            "capex": hist["capex"][-1],
            "cloud_loop_revenue": hist["cloud_loop_revenue"][-1],
            "milestone_investment": hist["flow_supplier_equity"][-1],
            "milestone_investment_total": self.milestone_total,
            "engine_user_growth": app.yoy(app.users_hist, t),
            "gears_capex_to_revenue": indicators.ratio(
                indicators.trailing_sum(hist["capex"], 12),
                indicators.trailing_sum(hist["cloud_loop_revenue"], 12),
            ),
            "fuel_capex_per_compute": indicators.ratio(
                indicators.trailing_sum(hist["capex_ordered"], 12),
                indicators.trailing_sum(hist["compute_ordered"], 12),
            ),
            "flow_supplier_equity": hist["flow_supplier_equity"][-1],
            "flow_app_to_clouds": hist["flow_app_to_clouds"][-1],
            "flow_clouds_to_suppliers": hist["flow_clouds_to_suppliers"][-1],
            "loop_throughput": self.throughput,
            "backstop_paid": sum(self.firms_by_name[b].backstop_due for b in self.backstops),
            "warrant_tranches_vested": sum(w.vested for w in self.warrants),
            "cascade_direct_loss": self.cascade_direct,
            "cascade_amplified_loss": self.cascade_amplified,
            "contracts_cancelled": self.cancelled_this_month,
            "defaults_total": self.n_defaults,
            "commitment_limited": int(self.month_flags.get("commitment_limit", False)),
            "outside_money_in": money_in,
            "outside_money_out": money_out,
        }
        flows = self.pair_flows
        for name in self._supplier_names:
            s[f"chip_revenue_{name}"] = self.loop_revenue_hist[name][-1]
            s[f"vendor_credit_{name}"] = sum(
                flows.get(("vendor_credit", name, c), 0.0) for c in cloud_names
            )
            s[f"vendor_loans_{name}"] = self.firms_by_name[name].vendor_loans()
            s[f"circularity_{name}"] = self.circularity(name)
            s[f"circularity_{name}_clouds"] = self.circularity(name, clouds_only=True)
        for name in cloud_names:
            s[f"backlog_{name}"] = backlog_by_cloud[name]
            s[f"deployed_gw_{name}"] = deployed_by_cloud[name]
            s[f"debt_{name}"] = sum(ledger.creditors(name, LOAN).values())
        for f in self.firms:
            s[f"cash_{f.name}"] = ledger.cash(f.name)
            s[f"runway_{f.name}"] = self.runway(f.name)
            s[f"market_cap_{f.name}"] = ledger.market_cap(f.name)
            s[f"book_equity_{f.name}"] = ledger.book_equity(f.name)
            s[f"cascade_equity_loss_{f.name}"] = self.cascade_max_loss.get(f.name, 0.0)
        for k, v in s.items():  # rounding left by pro-rata payouts is not a balance
            if type(v) is float and abs(v) < ROUNDING:
                s[k] = 0.0
        return s
