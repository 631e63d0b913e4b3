"""Observation: what the model publishes, defined once.

* Every monthly column, with its unit, meaning and computation (``COLUMNS``); the data
  collector, the CLI's ``columns`` command and ``docs/columns.md`` read this one list.
* The three loop flows (``LOOP_FLOWS``), defined once for the columns, the regimes and the
  view.
* Typed events (``EventKind``, ``Event``) with English templates; nothing parses sentences.
* The run summary (``RunSummary``), used by the CLI, sweeps, the sweep store, the lessons
  and the benchmarks.
* ``Observation``: the monthly histories the columns, the valuations and the regimes read,
  recorded at the end of each month from the ledger's flow statistics and the firms'
  states (read through small protocols: observation never acts).
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any, Protocol

from params import APP, CLOUDS, FIRMS, SUPPLIERS, Params

from .contracts import Backstop, CloudContract, ContractBook, WarrantDeal
from .indicators import (
    cash_flow_runway,
    loop_throughput,
    money_bn,
    ratio,
    trailing_mean,
    trailing_sum,
)
from .ledger import LOAN, ROW, Ledger
from .regimes import Regime, RegimeClassifier, Signals

ROUNDING = 1e-12  # a reported value this close to zero is shown as zero
NVIDIA_CIRCULARITY = "nvidia"  # the supplier whose peak circularity the run summary keeps
OPERATING_FLOWS = frozenset({"app_revenue", "other_income", "settle"})  # not financing
LOOP_REVENUE_WINDOW = 3  # months of loop revenue a valuation averages
CIRCULARITY_WINDOW = 12

LABELS = {
    "nvidia": "NVIDIA",
    "amd": "AMD",
    "oracle": "Oracle",
    "microsoft": "Microsoft",
    "amazon": "Amazon",
    "coreweave": "CoreWeave",
    "openai": "OpenAI",
    "equity_funds": "Equity funds",
    "momentum_funds": "Momentum funds",
    "lenders": "Lenders",
}


def month_date(month: int) -> str:
    """ISO date of the first day of ``month`` (month 0 = 2024-01-01)."""
    year, m = divmod(month, 12)
    return f"{2024 + year:04d}-{m + 1:02d}-01"


# ---------------------------------------------------------------------- loop flows
@dataclass(frozen=True)
class LoopFlow:
    """One of the three flows that make the loop: money of one kind from payers to payees."""

    column: str
    flow: str  # the ledger's flow name
    payers: tuple[str, ...]
    payees: tuple[str, ...]
    meaning: str

    def amount(self, period_cash: Mapping[tuple[str, str, str], float]) -> float:
        """This period's amount, from the ledger's cash-flow statistics."""
        return sum(
            period_cash.get((self.flow, a, b), 0.0) for a in self.payers for b in self.payees
        )


LOOP_FLOWS = (
    LoopFlow(
        "flow_supplier_equity",
        "milestone_equity",
        SUPPLIERS,
        (APP,),
        "loop flow: suppliers -> app company equity",
    ),
    LoopFlow(
        "flow_app_to_clouds", "settle", (APP,), CLOUDS, "loop flow: app company -> clouds payments"
    ),
    LoopFlow(
        "flow_clouds_to_suppliers",
        "settle",
        CLOUDS,
        SUPPLIERS,
        "loop flow: clouds -> suppliers chip payments",
    ),
)


# ---------------------------------------------------------------------- events
class EventKind(Enum):
    """What happened. ``log_kind`` is the event log's ``kind`` column."""

    CONTRACT = "contract"
    ANNOUNCED_CONTRACT = "announced_contract"
    NO_CLOUD = "no_cloud"
    MILESTONE = "milestone"
    WARRANT = "warrant"
    ROUND = "round"
    BACKSTOP = "backstop"
    DEFAULT = "default"

    @property
    def log_kind(self) -> str:
        """The kind as the event log shows it (an announced deal is a contract)."""
        return "contract" if self is EventKind.ANNOUNCED_CONTRACT else self.value


class DefaultReason(Enum):
    """Why a firm defaults."""

    ARREARS = "arrears"
    BOOK_EQUITY = "book_equity"


# Placeholders: ``{name:party}`` is a firm or fund shown by its label, ``{name:date}`` a
# month shown as YYYY-MM, ``{name:money}`` US$ bn as $2.1B; other specs are Python's.
EVENT_TEMPLATES: dict[str, dict[EventKind, str]] = {
    "en": {
        EventKind.CONTRACT: (
            "{app:party} signs {gw:.2f} GW with {cloud:party}: ${value:,.1f}B over {months} "
            "months from {start:date}"
        ),
        EventKind.ANNOUNCED_CONTRACT: (
            "{app:party} signs {gw:.2f} GW with {cloud:party} (announced deal): "
            "${value:,.1f}B over {months} months from {start:date}"
        ),
        EventKind.NO_CLOUD: "No cloud can finance {short:.2f} of the {gw:.2f} GW {app:party} wants",
        EventKind.MILESTONE: (
            "{supplier:party} invests ${amount:,.1f}B in {app:party}: tranche {tranche} for "
            "{gw:.1f} GW deployed (${paid:,.0f}B of ${cap:,.0f}B)"
        ),
        EventKind.WARRANT: (
            "{n} tranche(s) of {holder:party}'s {issuer:party} warrant vest: "
            "{shares_m:.0f}M shares worth ${value:,.1f}B ({vested} of {tranches})"
        ),
        EventKind.ROUND: (
            "{app:party} raises ${amount:,.1f}B at a ${pre_money:,.0f}B pre-money valuation"
        ),
        EventKind.BACKSTOP: (
            "{guarantor:party} owes {cloud:party} ${amount:,.1f}B for capacity left unused"
        ),
        EventKind.DEFAULT: (
            "{firm:party} defaults ({reason}); creditors lose ${lost:,.1f}B; "
            "{cancelled} contracts cancelled"
        ),
    }
}
REASON_TEMPLATES: dict[str, dict[DefaultReason, str]] = {
    "en": {
        DefaultReason.ARREARS: "unpaid bills for {months} months",
        DefaultReason.BOOK_EQUITY: "book equity of {equity:money}",
    }
}


class _Formatter(string.Formatter):
    def __init__(self, labels: Mapping[str, str]):
        self.labels = labels

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "party":
            return self.labels.get(value, str(value))
        if format_spec == "date":
            return month_date(int(value))[:7]
        if format_spec == "money":
            return money_bn(value)
        return super().format_field(value, format_spec)


@dataclass(frozen=True, slots=True)
class Event:
    """A dated event: its kind, the firm it is about and its fields (numbers and names)."""

    month: int
    kind: EventKind
    firm: str
    fields: Mapping[str, Any]

    @property
    def date(self) -> str:
        """Year and month as YYYY-MM."""
        return month_date(self.month)[:7]

    def text(self, lang: str = "en", labels: Mapping[str, str] = LABELS) -> str:
        """The event as a sentence in ``lang`` (its template filled with the fields)."""
        fmt = _Formatter(labels)
        values = dict(self.fields)
        reason = values.get("reason")
        if isinstance(reason, DefaultReason):
            values["reason"] = fmt.format(REASON_TEMPLATES[lang][reason], **values)
        return fmt.format(EVENT_TEMPLATES[lang][self.kind], **values)

    def row(self) -> dict[str, Any]:
        """The event as a row of the event log: month, date, kind, firm, English text."""
        return {
            "month": self.month,
            "date": self.date,
            "kind": self.kind.log_kind,
            "firm": self.firm,
            "text": self.text(),
        }


# ---------------------------------------------------------------------- run summary
@dataclass(frozen=True, eq=False)
class RunSummary(Mapping[str, Any]):
    """A run summarised by its path, not its last month (docs/model.md §7.13).

    A read-only mapping too (``summary["peak_gw"]``, ``dict(summary)``), field by field.
    """

    months: int
    months_rising: int
    months_plateau: int
    months_stalling: int
    months_collapse: int
    first_stall_month: int | None
    first_default_month: int | None
    worst_regime: str | None
    final_regime: str | None
    peak_gw: float
    total_milestone_investment: float
    peak_circularity: float
    app_cash_low: float

    @classmethod
    def from_path(
        cls,
        regimes: Sequence[str],
        *,
        first_default_month: int | None,
        peak_gw: float,
        total_milestone_investment: float,
        peak_circularity: float,
        app_cash_low: float,
    ) -> RunSummary:
        """The summary from the monthly regimes and a few running extremes."""
        counts = {r: sum(1 for x in regimes if x == r.value) for r in Regime}
        stall = [m for m, x in enumerate(regimes) if x == Regime.STALLING.value]
        seen = {Regime(x) for x in regimes}
        return cls(
            months=len(regimes),
            months_rising=counts[Regime.RISING],
            months_plateau=counts[Regime.PLATEAU],
            months_stalling=counts[Regime.STALLING],
            months_collapse=counts[Regime.COLLAPSE],
            first_stall_month=stall[0] if stall else None,
            first_default_month=first_default_month,
            worst_regime=max(seen, key=lambda r: r.severity).value if seen else None,
            final_regime=regimes[-1] if regimes else None,
            peak_gw=float(peak_gw),
            total_milestone_investment=float(total_milestone_investment),
            peak_circularity=float(peak_circularity),
            app_cash_low=float(app_cash_low),
        )

    @classmethod
    def from_frame(cls, df: Any) -> RunSummary:
        """The summary of a run's monthly DataFrame (months 0.. in order)."""
        default = df.index[df["defaults_total"] > 0]
        return cls.from_path(
            list(df["regime"].astype(str)),
            first_default_month=int(df.loc[default[0], "month"]) if len(default) else None,
            peak_gw=df["deployed_gw"].max(),
            total_milestone_investment=df["milestone_investment_total"].iloc[-1],
            peak_circularity=(
                df["circularity_nvidia"].max() if "circularity_nvidia" in df else math.nan
            ),
            app_cash_low=df["cash_openai"].min(),
        )

    @classmethod
    def column_types(cls) -> dict[str, str]:
        """SQL column type of each field (the sweep store's ``runs`` table)."""
        out = {}
        for f in fields(cls):
            kind = str(f.type).split("|")[0].strip()
            out[f.name] = {"int": "INTEGER", "float": "DOUBLE", "str": "VARCHAR"}[kind]
        return out

    def as_dict(self) -> dict[str, Any]:
        """Every field by name, in order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __getitem__(self, key: str) -> Any:
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dataclass_fields__)

    def __len__(self) -> int:
        return len(self.__dataclass_fields__)


# ---------------------------------------------------------------------- what is read
class FirmReading(Protocol):
    """A firm as observation reads it."""

    name: str
    label: str
    defaulted: bool


class AppReading(FirmReading, Protocol):
    """The app company as observation reads it."""

    users: float
    paying: float
    revenue: float
    revenue_subscriptions: float
    revenue_api: float
    compute_need: float
    costs: dict[str, float]
    net_income: float
    noncash: float
    rounds: int
    users_hist: list[float]

    def yoy(self, series: list[float], month: int) -> float:
        """Year-on-year growth of one of its monthly series."""
        ...

    def runway(self) -> float:
        """Loss-based runway, months."""
        ...

    def burn(self) -> float:
        """Average monthly loss, US$ bn (0 when profitable)."""
        ...

    def bills_due(self) -> dict[str, float]:
        """Unpaid bills by creditor."""
        ...


class CloudReading(FirmReading, Protocol):
    """A cloud provider as observation reads it."""

    capex_this_month: float
    backstop_due: float


class SupplierReading(FirmReading, Protocol):
    """A chip supplier as observation reads it."""

    def vendor_loans(self) -> float:
        """Vendor loans outstanding, US$ bn."""
        ...


class ContractRegister(Protocol):
    """The contract register as observation reads it."""

    book: ContractBook
    open: list[CloudContract]
    cancelled_this_month: int
    warrants: list[WarrantDeal]
    backstops: dict[str, Backstop]


# ---------------------------------------------------------------------- columns
@dataclass(frozen=True)
class Column:
    """One reported column: its name, unit, meaning and how a month's value is computed."""

    name: str
    unit: str
    meaning: str
    compute: Callable[[_Month], Any] = field(repr=False, compare=False)


class _Month:
    """What a month's columns are computed from; parts several columns share, computed once."""

    def __init__(self, obs: Observation):
        t = obs.month
        self.t = t
        self.obs = obs
        self.p = obs.p
        self.app = obs.app
        self.ledger = obs.ledger
        self.hist = obs.hist
        self.pc = pc = obs.ledger.period_cash
        book = obs.register.book
        clouds = obs.cloud_names
        self.deployed_by_cloud = dict(zip(clouds, book.at("gw", t).tolist(), strict=True))
        self.backlog_by_cloud = {c: book.future_bills(c, t + 1) for c in clouds}
        self.deployed_compute = float(book.at("compute", t).sum())
        self.contracted_gw = float(book.at("committed", t).sum())
        self.money_in = sum(v for (_f, payer, _p), v in pc.items() if payer == ROW)
        self.money_out = sum(v for (_f, _payer, payee), v in pc.items() if payee == ROW)
        self.costs = obs.app.costs
        self.compute = self.costs.get("compute", 0.0)


def _app_columns() -> list[Column]:
    def training(v: _Month) -> float:
        tti = v.p.training_to_inference
        return v.compute * tti / (1.0 + tti)

    def cash_burn(v: _Month) -> float:
        paid = sum(val for (f, payer, _), val in v.pc.items() if payer == APP and f == "settle")
        return paid - v.pc.get(("app_revenue", ROW, APP), 0.0)

    def equity_raised(v: _Month) -> float:
        pc = v.pc
        return pc.get(("equity_round", "equity_funds", APP), 0.0) + pc.get(
            ("equity_round", "momentum_funds", APP), 0.0
        )

    return [
        Column(
            "users_m", "millions", "weekly active users of the app company", lambda v: v.app.users
        ),
        Column("paying_users_m", "millions", "paying users", lambda v: v.app.paying),
        Column(
            "app_revenue",
            "US$ bn a month",
            "app-company revenue (subscriptions + API)",
            lambda v: v.app.revenue,
        ),
        Column(
            "app_revenue_subscriptions",
            "US$ bn a month",
            "subscription revenue",
            lambda v: v.app.revenue_subscriptions,
        ),
        Column("app_revenue_api", "US$ bn a month", "API revenue", lambda v: v.app.revenue_api),
        Column(
            "app_compute_bill",
            "US$ bn a month",
            "cloud contract bills: the app company's compute cost, counted once",
            lambda v: v.compute,
        ),
        Column(
            "app_training_compute",
            "US$ bn a month",
            "the part of the compute bill that serves training (a share of it, not a charge)",
            training,
        ),
        Column(
            "app_fixed_costs",
            "US$ bn a month",
            "staff, sales, data and stock pay",
            lambda v: v.costs.get("fixed", 0.0),
        ),
        Column(
            "app_variable_costs",
            "US$ bn a month",
            "costs that scale with users",
            lambda v: v.costs.get("variable", 0.0),
        ),
        Column(
            "app_revenue_share",
            "US$ bn a month",
            "revenue share paid to Microsoft",
            lambda v: v.costs.get("revenue_share", 0.0),
        ),
        Column(
            "app_operating_income",
            "US$ bn a month",
            "revenue minus all costs that are paid in cash (accrual)",
            lambda v: v.app.net_income,
        ),
        Column(
            "app_noncash_charges",
            "US$ bn a month",
            "labelled non-cash item (remeasurement of convertible interests, H1 2025)",
            lambda v: v.app.noncash,
        ),
        Column(
            "app_net_income",
            "US$ bn a month",
            "operating income minus the non-cash item (the reported net income)",
            lambda v: v.app.net_income - v.app.noncash,
        ),
        Column(
            "app_cash_burn",
            "US$ bn a month",
            "cash paid out for costs minus revenue received (negative: cash generated)",
            cash_burn,
        ),
        Column(
            "app_net_margin",
            "fraction",
            "net income / revenue",
            lambda v: ratio(v.app.net_income - v.app.noncash, v.app.revenue),
        ),
        Column(
            "app_inference_cost_per_user",
            "US$ per user a month",
            "compute bill / weekly users (an output, not a second charge)",
            lambda v: ratio(1000.0 * v.compute, v.app.users),
        ),
        Column(
            "app_runway_months",
            "months",
            "cash / average monthly loss of the last 3 months (120 = not burning)",
            lambda v: v.app.runway(),
        ),
        Column(
            "app_compute_need",
            "GW of 2024 chips",
            "effective compute the app company needs now",
            lambda v: v.app.compute_need,
        ),
        Column(
            "app_equity_raised",
            "US$ bn a month",
            "new equity sold in funding rounds this month",
            equity_raised,
        ),
        Column(
            "app_rounds_total",
            "count",
            "funding rounds raised since month 0",
            lambda v: v.app.rounds,
        ),
        Column(
            "app_unpaid_bills",
            "US$ bn",
            "bills the app company has not paid",
            lambda v: sum(v.app.bills_due().values()),
        ),
    ]


def _loop_columns() -> list[Column]:
    def last(key: str) -> Callable[[_Month], float]:
        return lambda v: v.hist[key][-1]

    loop_flows = [Column(f.column, "US$ bn a month", f.meaning, last(f.column)) for f in LOOP_FLOWS]
    return [
        Column(
            "deployed_gw",
            "GW",
            "capacity in service for the app company",
            lambda v: sum(v.deployed_by_cloud.values()),
        ),
        Column(
            "deployed_compute",
            "GW of 2024 chips",
            "effective compute in service (GW x chip efficiency)",
            lambda v: v.deployed_compute,
        ),
        Column(
            "contracted_gw",
            "GW",
            "capacity under contract, in service or being built",
            lambda v: v.contracted_gw,
        ),
        Column(
            "new_contract_gw",
            "GW",
            "capacity contracted this month",
            lambda v: sum(c.gw for c in v.obs.new_contracts),
        ),
        Column(
            "backlog",
            "US$ bn",
            "remaining take-or-pay value of all contracts (RPO)",
            lambda v: sum(v.backlog_by_cloud.values()),
        ),
        Column(
            "capex",
            "US$ bn a month",
            "cloud providers' capex for the loop this month",
            last("capex"),
        ),
        Column(
            "cloud_loop_revenue",
            "US$ bn a month",
            "cloud providers' revenue from the app company",
            last("cloud_loop_revenue"),
        ),
        Column(
            "milestone_investment",
            "US$ bn a month",
            "supplier equity invested in the app company under milestone deals",
            last("flow_supplier_equity"),
        ),
        Column(
            "milestone_investment_total",
            "US$ bn",
            "milestone investment since month 0",
            lambda v: v.obs.milestone_total,
        ),
        Column(
            "engine_user_growth",
            "fraction a year",
            "engine: year-on-year growth of weekly users",
            lambda v: v.app.yoy(v.app.users_hist, v.t),
        ),
        Column(
            "gears_capex_to_revenue",
            "ratio",
            "gears: clouds' trailing-12-month loop capex / loop revenue",
            lambda v: ratio(
                trailing_sum(v.hist["capex"], 12), trailing_sum(v.hist["cloud_loop_revenue"], 12)
            ),
        ),
        Column(
            "fuel_capex_per_compute",
            "US$ bn per GW of 2024 chips",
            "fuel: trailing-12-month capex per unit of effective compute ordered",
            lambda v: ratio(
                trailing_sum(v.hist["capex_ordered"], 12),
                trailing_sum(v.hist["compute_ordered"], 12),
            ),
        ),
        *loop_flows,
        Column(
            "loop_throughput",
            "US$ bn a month",
            "smallest of the three loop flows, trailing 3-month means",
            lambda v: v.obs.throughput,
        ),
    ]


def _risk_columns() -> list[Column]:
    return [
        Column(
            "backstop_paid",
            "US$ bn a month",
            "NVIDIA's payments to CoreWeave for capacity left unused",
            lambda v: sum(v.obs.clouds_by_name[b].backstop_due for b in v.obs.register.backstops),
        ),
        Column(
            "warrant_tranches_vested",
            "count",
            "tranches of the app company's AMD warrant vested since month 0",
            lambda v: sum(w.vested for w in v.obs.register.warrants),
        ),
        Column(
            "cascade_direct_loss",
            "US$ bn",
            "defaults so far: fire-sale losses of the defaulting firms (the shocks)",
            lambda v: v.obs.cascade_direct,
        ),
        Column(
            "cascade_amplified_loss",
            "US$ bn",
            "defaults so far: further equity losses the cascade method finds through claims",
            lambda v: v.obs.cascade_amplified,
        ),
        Column(
            "contracts_cancelled",
            "count",
            "contracts cancelled this month",
            lambda v: v.obs.register.cancelled_this_month,
        ),
        Column(
            "defaults_total",
            "count",
            "firms that have defaulted since month 0",
            lambda v: v.obs.n_defaults,
        ),
        Column(
            "commitment_limited",
            "0/1",
            "the app company hit its commitment limit this month",
            lambda v: int(v.obs.commitment_limited),
        ),
        Column(
            "outside_money_in",
            "US$ bn a month",
            "cash paid in by the rest of the world (customers, savers, other business)",
            lambda v: v.money_in,
        ),
        Column(
            "outside_money_out",
            "US$ bn a month",
            "cash paid to the rest of the world (staff, builders, foundries...)",
            lambda v: v.money_out,
        ),
    ]


def _supplier_columns(s: str) -> list[Column]:
    name = LABELS[s]

    def vendor_credit(v: _Month) -> float:
        flows = v.ledger.period_flows
        return sum(flows.get(("vendor_credit", s, c), 0.0) for c in v.obs.cloud_names)

    return [
        Column(
            f"chip_revenue_{s}",
            "US$ bn a month",
            f"{name} chip sales to the clouds",
            lambda v: v.obs.loop_revenue_hist[s][-1],
        ),
        Column(
            f"vendor_credit_{s}",
            "US$ bn a month",
            f"chip sales {name} lent this month",
            vendor_credit,
        ),
        Column(
            f"vendor_loans_{s}",
            "US$ bn",
            f"{name} vendor loans outstanding",
            lambda v: v.obs.suppliers_by_name[s].vendor_loans(),
        ),
        Column(
            f"circularity_{s}",
            "fraction",
            f"trailing 12 months: share of {name}'s chip receipts (all buyers, its sales "
            "outside the loop included) that trace back to its own money",
            lambda v: v.obs.circularity(s),
        ),
        Column(
            f"circularity_{s}_clouds",
            "fraction",
            f"trailing 12 months: share of {name}'s chip receipts from the clouds "
            "that trace back to its own money",
            lambda v: v.obs.circularity(s, clouds_only=True),
        ),
    ]


def _cloud_columns(k: str) -> list[Column]:
    name = LABELS[k]
    return [
        Column(
            f"backlog_{k}",
            "US$ bn",
            f"{name} remaining take-or-pay value (RPO)",
            lambda v: v.backlog_by_cloud[k],
        ),
        Column(
            f"deployed_gw_{k}",
            "GW",
            f"{name} capacity in service for the app company",
            lambda v: v.deployed_by_cloud[k],
        ),
        Column(
            f"debt_{k}",
            "US$ bn",
            f"{name} loans outstanding",
            lambda v: sum(v.ledger.creditors(k, LOAN).values()),
        ),
    ]


def _firm_columns(f: str) -> list[Column]:
    name = LABELS[f]
    return [
        Column(f"cash_{f}", "US$ bn", f"{name} cash", lambda v: v.ledger.cash(f)),
        Column(
            f"runway_{f}",
            "months",
            f"{name} cash / average operating cash outflow of 3 months "
            "(120 = not burning; 0 after default)",
            lambda v: v.obs.runway(f),
        ),
        Column(
            f"market_cap_{f}",
            "US$ bn",
            f"{name} shares x price (0 after default)",
            lambda v: v.ledger.market_cap(f),
        ),
        Column(
            f"book_equity_{f}",
            "US$ bn",
            f"{name} assets minus debt-like claims",
            lambda v: v.ledger.book_equity(f),
        ),
        Column(
            f"cascade_equity_loss_{f}",
            "fraction",
            f"largest relative equity loss of {name} in a default cascade so far",
            lambda v: v.obs.cascade_max_loss.get(f, 0.0),
        ),
    ]


def _columns() -> tuple[Column, ...]:
    c = [
        Column("month", "months", "months since January 2024 (month 0)", lambda v: v.t),
        Column("date", "YYYY-MM-DD", "first day of the month", lambda v: month_date(v.t)),
        Column(
            "regime",
            "rising/plateau/stalling/collapse",
            "regime of the loop (docs/model.md)",
            lambda v: v.obs.regime.value,
        ),
        Column(
            "regime_code",
            "0-3",
            "regime as a number: 0 rising, 1 plateau, 2 stalling, 3 collapse",
            lambda v: v.obs.regime.severity,
        ),
        *_app_columns(),
        *_loop_columns(),
        *_risk_columns(),
    ]
    for s in SUPPLIERS:
        c += _supplier_columns(s)
    for k in CLOUDS:
        c += _cloud_columns(k)
    for f in FIRMS:
        c += _firm_columns(f)
    return tuple(c)


COLUMNS: tuple[Column, ...] = _columns()
COLUMN_NAMES: tuple[str, ...] = tuple(col.name for col in COLUMNS)


def columns_markdown() -> str:
    """The column table as Markdown (``docs/columns.md`` is generated from it)."""
    lines = [
        "# Reported columns",
        "",
        "Generated by `uv run python run.py columns --markdown > docs/columns.md`; "
        "one row per month, money in US$ billions.",
        "",
        "| column | unit | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{c.name}` | {c.unit} | {c.meaning} |" for c in COLUMNS]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- observation
class Observation:
    """The monthly histories, the month's columns, the event log and the run's extremes.

    Args:
        p: the parameters.
        ledger: the ledger (its flow statistics are read at the end of each month).
        register: the contract register.
        app, clouds, suppliers: the firms, read through protocols.
    """

    def __init__(
        self,
        p: Params,
        ledger: Ledger,
        app: AppReading,
        clouds: Sequence[CloudReading],
        suppliers: Sequence[SupplierReading],
    ):
        self.p = p
        self.ledger = ledger
        self.app = app
        self.clouds = list(clouds)
        self.suppliers = list(suppliers)
        self.firms: list[FirmReading] = [*self.suppliers, *self.clouds, app]
        self.firms_by_name = {f.name: f for f in self.firms}
        self.clouds_by_name = {c.name: c for c in self.clouds}
        self.suppliers_by_name = {s.name: s for s in self.suppliers}
        self.cloud_names = [c.name for c in self.clouds]
        self.supplier_names = [s.name for s in self.suppliers]
        self.register: ContractRegister  # set by :meth:`watch`
        self.month = -1
        self.events: list[Event] = []
        self.defaults: list[dict[str, Any]] = []
        self.cascades: list[dict[str, Any]] = []
        self.cascade_direct = 0.0
        self.cascade_amplified = 0.0
        self.cascade_max_loss: dict[str, float] = {}
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
        self._stats: dict[str, Any] = {}
        self._stats_month: int | None = None

    def watch(self, register: ContractRegister) -> None:
        """Read contracts from ``register`` (wired once the register exists)."""
        self.register = register

    # ------------------------------------------------------------------ what agents report
    def log(self, month: int, kind: EventKind, firm: str, **values: Any) -> None:
        """Add a dated event to the event log."""
        self.events.append(Event(month, kind, firm, values))

    def mark_commitment_limited(self) -> None:
        """The app company hit its commitment limit this month."""
        self.commitment_limited = True

    def record_cascade(self, report: dict[str, Any]) -> None:
        """Keep a default's cascade report (direct and amplified losses, relative losses)."""
        self.cascades.append(report)
        self.cascade_direct += report["direct_loss"]
        self.cascade_amplified += report["amplified_loss"]
        for node, x in report["relative_equity_loss"].items():
            self.cascade_max_loss[node] = max(self.cascade_max_loss.get(node, 0.0), x)

    def record_default(
        self,
        month: int,
        firm: str,
        reason: DefaultReason,
        detail: dict[str, Any],
        losses: dict[str, float],
        cancelled: int,
    ) -> None:
        """Note a default in the event log and the list of defaults."""
        lost = sum(losses.values())
        event = Event(
            month,
            EventKind.DEFAULT,
            firm,
            {"firm": firm, "reason": reason, **detail, "lost": lost, "cancelled": cancelled},
        )
        self.events.append(event)
        text = REASON_TEMPLATES["en"][reason]
        self.defaults.append(
            {
                "month": month,
                "firm": firm,
                "reason": _Formatter(LABELS).format(text, **detail),
                "losses": losses,
            }
        )

    # ------------------------------------------------------------------ the month
    def start_month(self, month: int) -> None:
        """A new month: forget last month's flags."""
        self.month = month
        self.commitment_limited = False

    def record_month(self) -> None:
        """Phase 8: record the month's flows and classify the regime."""
        t = self.month
        ledger = self.ledger
        pc = ledger.period_cash
        hist = self.hist
        flows = {f.column: f.amount(pc) for f in LOOP_FLOWS}
        capex = sum(c.capex_this_month for c in self.clouds)
        accounts = ledger.period_accounts
        cloud_rev = {
            c: accounts.get((c, "compute"), 0.0) + accounts.get((c, "revenue_share"), 0.0)
            for c in self.cloud_names
        }
        chip_rev = {s: accounts.get((s, "chip_sales"), 0.0) for s in self.supplier_names}
        book = self.register.book
        self.new_contracts = new = [c for c in self.register.open if c.signed == t]
        deployed = float(book.at("gw", t).sum())
        backlog_left = book.future_bills(None, t + 1) > 0.0  # rounding already cleared
        hist["capex"].append(capex)
        hist["cloud_loop_revenue"].append(sum(cloud_rev.values()))
        hist["capex_ordered"].append(sum(c.capex for c in new))
        hist["compute_ordered"].append(sum(c.gw * c.efficiency for c in new))
        for name, v in flows.items():
            hist[name].append(v)
        for name, v in (*cloud_rev.items(), *chip_rev.items()):
            self.loop_revenue_hist[name].append(v)
        self.milestone_total += flows["flow_supplier_equity"]
        self._record_cash_flows()
        equity, app_to_clouds, clouds_to_suppliers = (hist[f.column] for f in LOOP_FLOWS)
        self.throughput = loop_throughput(equity, app_to_clouds, clouds_to_suppliers)
        self.n_defaults = sum(f.defaulted for f in self.firms)
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
        self.peak_gw = max(self.peak_gw, deployed)
        circ = self.circularity(NVIDIA_CIRCULARITY)
        if not math.isnan(circ) and not circ <= self.peak_circularity:
            self.peak_circularity = circ  # the first number replaces the opening NaN
        self.app_cash_low = min(self.app_cash_low, ledger.cash(APP))
        self._stats_month = None

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
        clouds = self.cloud_names
        for s in self.supplier_names:
            credit = sum(flows.get(("vendor_credit", s, c), 0.0) for c in clouds)
            own = credit + sum(
                ledger.period_tagged.get(("settle", c, s), {}).get(s, 0.0) for c in clouds
            )
            loop = credit + sum(pc.get(("settle", c, s), 0.0) for c in clouds)
            h = self.circ_hist[s]
            h["own"].append(own)
            h["loop"].append(loop)
            h["outside"].append(pc.get(("other_income", ROW, s), 0.0))

    # ------------------------------------------------------------------ measures
    def loop_revenue(self, name: str) -> float:
        """A supplier's or cloud's loop revenue, trailing 3-month mean (for its valuation)."""
        return trailing_mean(self.loop_revenue_hist[name], LOOP_REVENUE_WINDOW)

    def circularity(self, supplier: str, *, clouds_only: bool = False) -> float:
        """Share of a supplier's trailing-12-month chip receipts that trace back to its own money.

        Own-tagged cash in the clouds' chip payments, plus vendor-credit sales (100% the
        seller's own money), over all chip receipts: from the clouds only, or from all
        buyers (the supplier's sales outside the loop included). NaN with no receipts.
        """
        if self.app.defaulted:  # the loop has ended: a ratio over leftover receipts misleads
            return math.nan
        h = self.circ_hist[supplier]
        own = trailing_sum(h["own"], CIRCULARITY_WINDOW)
        total = trailing_sum(h["loop"], CIRCULARITY_WINDOW)
        if not clouds_only:
            total += trailing_sum(h["outside"], CIRCULARITY_WINDOW)
        return ratio(own, total)

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
        s = {c.name: c.compute(view) for c in COLUMNS}
        for k, v in s.items():  # rounding left by pro-rata payouts is not a balance
            if type(v) is float and abs(v) < ROUNDING:
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
