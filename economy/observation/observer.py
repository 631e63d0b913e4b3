"""The observation: the monthly histories, the month's columns, the events and the extremes.

It is recorded at the end of each month from the ledger's flow statistics, the contract
register and the firms' states (read through protocols). Agents report to it: events,
the month's flags. The valuations and the runways read its histories.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from params import APP, Params

from ..contracts import CloudContract
from ..finance import LoanBook
from ..indicators import cash_flow_runway, loop_throughput, ratio, trailing_mean, trailing_sum
from ..ledger import ROW, Ledger
from ..regimes import Regime, RegimeClassifier, Signals
from .clearing import Clearing
from .columns import (
    CARRIED,
    COLUMNS,
    LOOP_FLOWS,
    PLAUSIBLE_BOUNDS,
    AppReading,
    CloudReading,
    ContractRegister,
    FirmReading,
    LenderReading,
    SupplierReading,
    _Month,
)
from .credit import Credit
from .events import REASON_TEMPLATES, DefaultReason, Event, EventKind, EventLog, _Formatter
from .names import LABELS
from .summary import RunSummary

ROUNDING = 1e-12  # a reported value this close to zero is shown as zero
_INF = math.inf
_COMPUTE = [(c.name, c.compute) for c in COLUMNS]
NVIDIA_CIRCULARITY = "nvidia"  # the supplier whose peak circularity the run summary keeps
OPERATING_FLOWS = frozenset({"app_revenue", "other_income", "settle"})  # not financing
LOOP_REVENUE_WINDOW = 3  # months of loop revenue a valuation averages
CIRCULARITY_WINDOW = 12


class Observation:
    """The monthly histories, the month's columns, the event log and the run's extremes.

    Args:
        p: the parameters.
        ledger: the ledger (its flow statistics are read at the end of each month).
        register: the contract register.
        log: the event log (shared with the institutions that log events).
        app, clouds, suppliers: the firms, read through protocols.
    """

    def __init__(
        self,
        p: Params,
        ledger: Ledger,
        register: ContractRegister,
        log: EventLog,
        app: AppReading,
        clouds: Sequence[CloudReading],
        suppliers: Sequence[SupplierReading],
        returns: Mapping[str, list[float]] | None = None,
        loans: LoanBook | None = None,
        lenders: Sequence[LenderReading] = (),
    ):
        self.p = p
        self.ledger = ledger
        self.register = register
        self.event_log = log
        self.app = app
        self.clouds = list(clouds)
        self.suppliers = list(suppliers)
        self.firms: list[FirmReading] = [*self.suppliers, *self.clouds, app]
        self.firms_by_name = {f.name: f for f in self.firms}
        self.clouds_by_name = {c.name: c for c in self.clouds}
        self.suppliers_by_name = {s.name: s for s in self.suppliers}
        self.cloud_names = [c.name for c in self.clouds]
        self.supplier_names = [s.name for s in self.suppliers]
        book = register.book
        self.loans = loans if loans is not None else LoanBook(p.loan_term_months)
        self.lenders = list(lenders)
        self.lenders_by_name = {x.name: x for x in self.lenders}
        self.first_lender_failure_month: int | None = None
        self.credit = Credit(
            p,
            ledger,
            lambda m: book.future_bills(None, m),
            self.firms,
            returns or {},
            self.loans.matured,
            {cloud: b.guarantor for cloud, b in register.backstops.items()},
        )
        self.month = -1
        self.cascades: list[Clearing] = []
        self.cascade_direct = 0.0
        self.cascade_claims = 0.0
        self.cascade_max_loss: dict[str, float] = {}
        self.cascade_loss: dict[str, float] = {}  # this month, by balance sheet
        self.writedown: dict[str, float] = {}  # this month, by balance sheet
        self.commitment_limited = False
        self.new_contracts: list[CloudContract] = []
        self.throughput = 0.0
        self.n_defaults = 0
        self.regimes = RegimeClassifier(
            window=p.regime_window_months,
            persist=p.regime_persist_months,
            plateau_growth=p.plateau_growth,
            rising_min_runway=p.rising_min_runway,
            stalling_max_runway=p.stalling_max_runway,
        )
        self.regime = Regime.RISING
        self.regime_path: list[str] = []
        self.first_default_month: int | None = None
        self.peak_gw = 0.0
        self.app_cash_low = float("inf")
        self.peak_circularity = float("nan")
        self.milestone_total = 0.0
        self.hist: dict[str, list[float]] = {
            k: []
            for k in (
                "capex",
                "cloud_loop_revenue",
                "capex_ordered",
                "compute_ordered",
                "milestone_investment",
                *(f.column for f in LOOP_FLOWS),
            )
        }
        # circularity: a supplier's own-tagged chip receipts, loop receipts, outside receipts
        self.circ_hist: dict[str, dict[str, list[float]]] = {
            s: {"own": [], "loop": [], "outside": []} for s in self.supplier_names
        }
        self.ocf_hist: dict[str, list[float]] = {f.name: [] for f in self.firms}
        self.loop_revenue_hist: dict[str, list[float]] = {
            f.name: [] for f in (*self.suppliers, *self.clouds)
        }
        # columns that can be undefined: their last defined value, and this month's flag
        self.implausible_now: list[str] = []  # the bounds passed this month
        self.implausible_seen: set[str] = set()
        self.first_implausible_month: int | None = None
        self.carried: dict[str, float] = {c.name: 0.0 for c in CARRIED}
        self.defined: dict[str, int] = {c.name: 0 for c in CARRIED}
        self._stats: dict[str, Any] = {}
        self._stats_month: int | None = None
        # the statistics a month's loop revenue is read from, and the market-cap columns
        self._rev_keys = [(c, (c, "compute"), (c, "revenue_share")) for c in self.cloud_names]
        self._rev_key_of = {c: (compute, share) for c, compute, share in self._rev_keys}
        self._sales_keys = [(s, (s, "chip_sales")) for s in self.supplier_names]
        self._cap_columns = [(f"market_cap_{f.name}", f.name) for f in self.firms]
        # circularity by (supplier, clouds only), computed this month (histories unchanged)
        self._circularity: dict[tuple[str, bool], float] = {}
        # the statistics a supplier's chip receipts are read from, in summing order
        self._receipt_keys = {
            s: (
                [("vendor_credit", s, c) for c in self.cloud_names],
                [("settle", c, s) for c in self.cloud_names],
            )
            for s in self.supplier_names
        }

    # ------------------------------------------------------------------ what agents report
    @property
    def events(self) -> list[Event]:
        """Every event so far, in order."""
        return self.event_log.events

    @property
    def defaults(self) -> list[dict[str, Any]]:
        """The defaults so far: month, firm, reason (in English) and losses by creditor."""
        fmt = _Formatter(LABELS)
        out = []
        for e in self.event_log.events:
            if e.kind is EventKind.DEFAULT:
                f = e.fields
                reason = fmt.format(REASON_TEMPLATES["en"][f["reason"]], **f)
                out.append(
                    {"month": e.month, "firm": e.firm, "reason": reason, "losses": f["losses"]}
                )
        return out

    def log(self, month: int, kind: EventKind, firm: str, /, **values: Any) -> None:
        """Add a dated event to the event log."""
        self.event_log.log(month, kind, firm, **values)

    def spread(self, name: str) -> float:
        """A firm's one-year credit spread measured at the end of last month, per year."""
        return self.credit.spread.get(name, 0.0)

    def cds5y(self, name: str) -> float:
        """A firm's five-year credit spread measured at the end of last month, per year."""
        return self.credit.cds5y.get(name, 0.0)

    def spread_epoch(self) -> int:
        """How many times the spreads have been measured (they change only then)."""
        return self.credit.epoch

    def trailing_year(self, name: str) -> tuple[float, float, int]:
        """A firm's operating cash flow and interest over the last 12 months recorded."""
        return self.credit.trailing_year(name)

    def mark_commitment_limited(self) -> None:
        """The app company hit its commitment limit this month."""
        self.commitment_limited = True

    def record_cascade(self, clearing: Clearing) -> None:
        """Keep a default's clearing: the losses it books and what the ledger wrote down."""
        self.cascades.append(clearing)
        self.cascade_direct += clearing.direct_loss
        self.cascade_claims += clearing.claims_loss
        for node, x in clearing.relative_equity_loss.items():
            self.cascade_max_loss[node] = max(self.cascade_max_loss.get(node, 0.0), x)
        for node in clearing.losses:
            self.cascade_loss[node] = self.cascade_loss.get(node, 0.0) + clearing.loss(node)
        for node, x in clearing.writedown.items():
            self.writedown[node] = self.writedown.get(node, 0.0) + x

    def record_default(
        self,
        month: int,
        firm: str,
        reason: DefaultReason,
        detail: dict[str, Any],
        losses: dict[str, float],
        cancelled: int,
    ) -> None:
        """Note a default in the event log (with the losses it passed to each creditor)."""
        self.event_log.log(
            month,
            EventKind.DEFAULT,
            firm,
            firm=firm,
            reason=reason,
            **detail,
            lost=sum(losses.values()),
            cancelled=cancelled,
            losses=dict(losses),
        )

    # ------------------------------------------------------------------ the month
    def start_month(self, month: int) -> None:
        """A new month: forget last month's flags."""
        self.month = month
        self.commitment_limited = False
        self._circularity = {}
        self.cascade_loss = {}
        self.writedown = {}

    def record_month(self) -> None:
        """Phase 8: record the month's flows and classify the regime."""
        t = self.month
        ledger = self.ledger
        pc = ledger.period_cash
        hist = self.hist
        self._circularity = {}
        flows = {f.column: f.amount(pc) for f in LOOP_FLOWS}
        capex = sum([c.capex_this_month for c in self.clouds])
        get = ledger.period_accounts.get
        cloud_rev = {c: get(compute, 0.0) + get(share, 0.0) for c, compute, share in self._rev_keys}
        chip_rev = {s: get(sales, 0.0) for s, sales in self._sales_keys}
        book = self.register.book
        # the open contracts signed this month (one cancelled this month has ended)
        self.new_contracts = new = [c for c in self.register.signed_in(t) if c.end > t]
        deployed = book.total_at("gw", t)
        backlog_left = book.future_bills(None, t + 1) > 0.0  # rounding already cleared
        hist["capex"].append(capex)
        hist["cloud_loop_revenue"].append(sum(cloud_rev.values()))
        hist["capex_ordered"].append(sum([c.capex for c in new]))
        hist["compute_ordered"].append(sum([c.gw * c.efficiency for c in new]))
        for name, v in flows.items():
            hist[name].append(v)
        revenue_hist = self.loop_revenue_hist
        for name, v in cloud_rev.items():
            revenue_hist[name].append(v)
        for name, v in chip_rev.items():
            revenue_hist[name].append(v)
        # milestone equity alone (a supplier's part of a dated round is loop equity, not this)
        milestone = sum([pc.get(k, 0.0) for k in LOOP_FLOWS[0].keys if k[0] == "milestone_equity"])
        hist["milestone_investment"].append(milestone)
        self.milestone_total += milestone
        self._record_cash_flows()
        self.credit.record(t)
        equity, app_to_clouds, clouds_to_suppliers = (hist[f.column] for f in LOOP_FLOWS)
        self.throughput = loop_throughput(equity, app_to_clouds, clouds_to_suppliers)
        self.n_defaults = sum([f.defaulted for f in self.firms])
        self.regime = self.regimes.update(
            Signals(
                deployed_gw=deployed,
                loop_throughput=self.throughput,
                capex=capex,
                backlog=1.0 if backlog_left else 0.0,
                runway=self.app.runway(),
                cancelled=self.register.cancelled_this_month,
                defaulted=self.n_defaults > 0,
                app_burning=self.app.burn() > 0.0,
            )
        )
        self.regime_path.append(self.regime.value)
        if self.n_defaults and self.first_default_month is None:
            self.first_default_month = t
        if self.first_lender_failure_month is None and any(
            x.failed_month is not None for x in self.lenders
        ):
            self.first_lender_failure_month = t
        self.peak_gw = max(self.peak_gw, deployed)
        circ = self.circularity(NVIDIA_CIRCULARITY)
        if not math.isnan(circ) and not circ <= self.peak_circularity:
            self.peak_circularity = circ  # the first number replaces the opening NaN
        self.app_cash_low = min(self.app_cash_low, ledger.cash(APP))
        defined = self.defined
        carried = self.carried
        for c in CARRIED:
            x = c.raw(self)
            if -_INF < x < _INF:  # math.isfinite
                defined[c.name] = 1
                carried[c.name] = x
            else:
                defined[c.name] = 0
        values = {"app_revenue": self.app.revenue, "capex": capex, "deployed_gw": deployed}
        market_cap = ledger.market_cap
        for column, name in self._cap_columns:
            values[column] = market_cap(name)
        self._check_bounds(values)
        self._stats_month = None

    def _check_bounds(self, values: dict[str, float]) -> None:
        """Note the quantities beyond their plausible bounds; log the first month of each."""
        self.implausible_now = []
        for b in PLAUSIBLE_BOUNDS:
            column = max(b.columns, key=values.__getitem__)
            value = values[column]
            if value <= b.bound:  # NaN and infinity count as beyond
                continue
            self.implausible_now.append(b.what)
            if self.first_implausible_month is None:
                self.first_implausible_month = self.month
            if b.what not in self.implausible_seen:
                self.implausible_seen.add(b.what)
                firm = (
                    column.removeprefix("market_cap_") if column.startswith("market_cap_") else APP
                )
                self.log(
                    self.month,
                    EventKind.IMPLAUSIBLE,
                    firm,
                    what=b.what,
                    column=column,
                    value=value,
                    unit=b.unit,
                    bound=b.bound,
                    reason=b.reason,
                )

    def _record_cash_flows(self) -> None:
        """Operating cash flow per firm, and each supplier's chip receipts by origin."""
        ledger = self.ledger
        pc = ledger.period_cash
        inflow: dict[str, float] = {}
        outflow: dict[str, float] = {}
        for (flow, payer, payee), v in pc.items():
            if flow in OPERATING_FLOWS:
                inflow[payee] = inflow.get(payee, 0.0) + v
                outflow[payer] = outflow.get(payer, 0.0) + v
        for f in self.firms:
            self.ocf_hist[f.name].append(inflow.get(f.name, 0.0) - outflow.get(f.name, 0.0))
        flows = ledger.period_flows
        tagged = ledger.period_tagged
        no_tags: dict[str, float] = {}
        for s in self.supplier_names:
            credit_keys, settle_keys = self._receipt_keys[s]
            credit = sum([flows.get(k, 0.0) for k in credit_keys])
            own = credit + sum([tagged.get(k, no_tags).get(s, 0.0) for k in settle_keys])
            loop = credit + sum([pc.get(k, 0.0) for k in settle_keys])
            h = self.circ_hist[s]
            h["own"].append(own)
            h["loop"].append(loop)
            h["outside"].append(pc.get(("other_income", ROW, s), 0.0))

    # ------------------------------------------------------------------ measures
    def loop_revenue(self, name: str) -> float:
        """A supplier's or cloud's loop revenue a month, for its valuation.

        The trailing 3-month mean (a supplier's chip invoices are lumpy); for a cloud, this
        month's billing if lower: a contract cancelled is news at once, not three months
        later (what it billed before cancellation would otherwise keep its value up).
        """
        trailing = trailing_mean(self.loop_revenue_hist[name], LOOP_REVENUE_WINDOW)
        keys = self._rev_key_of.get(name)
        if keys is None:
            return trailing
        get = self.ledger.period_accounts.get
        return min(trailing, get(keys[0], 0.0) + get(keys[1], 0.0))

    def circularity(self, supplier: str, *, clouds_only: bool = False) -> float:
        """Share of a supplier's trailing-12-month chip receipts that trace back to its own money.

        Own-tagged cash in the clouds' chip payments, plus vendor-credit sales (100% the
        seller's own money), over all chip receipts: from the clouds only, or from all
        buyers (the supplier's sales outside the loop included). NaN with no receipts.
        """
        if self.app.defaulted:  # the loop has ended: a ratio over leftover receipts misleads
            return math.nan
        key = (supplier, clouds_only)
        x = self._circularity.get(key)  # the month's value, once computed
        if x is None:
            h = self.circ_hist[supplier]
            own = trailing_sum(h["own"], CIRCULARITY_WINDOW)
            total = trailing_sum(h["loop"], CIRCULARITY_WINDOW)
            if not clouds_only:
                total += trailing_sum(h["outside"], CIRCULARITY_WINDOW)
            x = self._circularity[key] = ratio(own, total)
        return x

    def runway(self, name: str) -> float:
        """``name``'s cash-flow runway (see ``indicators.cash_flow_runway``); 0 after default."""
        if self.firms_by_name[name].defaulted:
            return 0.0
        return cash_flow_runway(self.ledger.cash(name), self.ocf_hist[name])

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
        view = _Month(self)
        s = {name: compute(view) for name, compute in _COMPUTE}
        for k, v in s.items():  # rounding left by pro-rata payouts is not a balance
            if type(v) is float and -ROUNDING < v < ROUNDING:
                s[k] = 0.0
        return s

    def summary(self) -> RunSummary:
        """The run summary of the months so far (same as ``RunSummary.from_frame``)."""
        return RunSummary.from_path(
            self.regime_path,
            first_default_month=self.first_default_month,
            peak_gw=self.peak_gw,
            total_milestone_investment=self.milestone_total,
            peak_circularity=self.peak_circularity,
            app_cash_low=self.app_cash_low,
            first_implausible_month=self.first_implausible_month,
            first_lender_failure_month=self.first_lender_failure_month,
        )

    def flows_this_month(self) -> list[dict[str, Any]]:
        """The month's flows between agents, for the network view.

        Kinds: ``chips`` (supplier -> cloud, US$ bn invoiced), ``vendor_credit``,
        ``capacity`` (cloud -> app company, GW in service), ``cash`` (payments, US$ bn: app
        -> clouds, clouds -> suppliers, customers -> app), ``equity`` (US$ bn of new shares:
        suppliers and funds -> app company), ``credit`` (lenders -> firms, US$ bn lent).
        """
        out: list[dict[str, Any]] = []
        for (kind, src, dst), v in sorted(self.ledger.period_flows.items()):
            out.append({"source": src, "target": dst, "kind": kind, "amount": v, "unit": "US$ bn"})
        stats = self.stats
        for c in self.cloud_names:
            gw = stats.get(f"deployed_gw_{c}", 0.0)
            if gw > 0.0:
                out.append(
                    {"source": c, "target": APP, "kind": "capacity", "amount": gw, "unit": "GW"}
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
            shown = kinds.get(flow)
            if shown is None or v <= 0.0 or payer == payee:
                continue
            key = (shown, payer, payee)
            cash[key] = cash.get(key, 0.0) + v
        for (cash_kind, src, dst), v in sorted(cash.items()):
            out.append(
                {"source": src, "target": dst, "kind": cash_kind, "amount": v, "unit": "US$ bn"}
            )
        return out
