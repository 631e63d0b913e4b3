"""Every published monthly column, defined once: name, unit, meaning and computation.

The data collector, the CLI's ``columns`` command and ``docs/columns.md`` read ``COLUMNS``.
The three loop flows (``LOOP_FLOWS``) are defined here once for the columns, the regimes
and the view. Columns read the month through :class:`Observed` (what the observation
records) and the firms through small reading protocols: observing never acts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from params import APP, CLOUDS, FIRMS, FUNDS, LENDERS, PRIVATE_CREDIT, SUPPLIERS, Params

from ..contracts import Backstop, CloudContract, ContractBook, WarrantDeal
from ..finance import BP, LoanBook, Minsky
from ..indicators import ratio, trailing_sum
from ..ledger import CREDIT, ROW, Ledger
from ..regimes import Regime
from ..rental import RentalMarket
from .names import LABELS, month_date


@dataclass(frozen=True)
class LoopFlow:
    """One of the three flows that make the loop: money of one kind from payers to payees."""

    column: str
    flow: str  # the ledger's flow name
    payers: tuple[str, ...]
    payees: tuple[str, ...]
    meaning: str
    also: tuple[str, ...] = ()  # other flow names of the same kind of money
    keys: tuple[tuple[str, str, str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = tuple(
            (flow, a, b)
            for flow in (self.flow, *self.also)
            for a in self.payers
            for b in self.payees
        )
        object.__setattr__(self, "keys", keys)  # the statistics it reads, in summing order

    def amount(self, period_cash: Mapping[tuple[str, str, str], float]) -> float:
        """This period's amount, from the ledger's cash-flow statistics."""
        get = period_cash.get
        return sum([get(key, 0.0) for key in self.keys])


LOOP_FLOWS = (
    LoopFlow(
        "flow_supplier_equity",
        "milestone_equity",
        SUPPLIERS,
        (APP,),
        "loop flow: suppliers -> app company equity",
        also=("dated_equity",),  # a supplier's part of a dated round is loop equity too
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
    served_share: float
    compute_need: float
    compute_need_training: float
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


class CreditReading(Protocol):
    """Each firm's spreads and Minsky class this month (``economy/observation/credit.py``)."""

    @property
    def spread(self) -> Mapping[str, float]:
        """One-year spread by firm, per year."""
        ...

    @property
    def cds5y(self) -> Mapping[str, float]:
        """Five-year spread by firm, per year."""
        ...

    @property
    def minsky(self) -> Mapping[str, Minsky]:
        """Minsky class by firm."""
        ...


class CloudReading(FirmReading, Protocol):
    """A cloud provider as observation reads it."""

    capex_this_month: float
    backstop_due: float
    waiting_gw: float


class SupplierReading(FirmReading, Protocol):
    """A chip supplier as observation reads it."""

    def vendor_loans(self) -> float:
        """Vendor loans outstanding, US$ bn."""
        ...


class LenderReading(Protocol):
    """A lender as observation reads it (``agents/lender.py``)."""

    name: str
    failed_month: int | None

    def capital(self) -> float:
        """Capital, its credit marked at the borrowers' spreads, US$ bn."""
        ...

    def credit_out(self) -> float:
        """Loans and leases outstanding, US$ bn."""
        ...

    def premium(self) -> float:
        """What it adds to its rates as its capital thins, per year."""
        ...


class ContractRegister(Protocol):
    """The contract register as observation reads it."""

    book: ContractBook
    open: list[CloudContract]
    cancelled_this_month: int
    warrants: list[WarrantDeal]
    backstops: dict[str, Backstop]
    rental: RentalMarket

    def signed_in(self, month: int) -> list[CloudContract]:
        """Contracts signed in ``month``, in the order they were registered."""
        ...


class Observed(Protocol):
    """What the columns read of the observation: the month, its histories and extremes."""

    month: int
    p: Params
    ledger: Ledger
    app: AppReading
    register: ContractRegister
    hist: dict[str, list[float]]
    loop_revenue_hist: dict[str, list[float]]
    cloud_names: list[str]
    clouds_by_name: dict[str, CloudReading]
    suppliers_by_name: dict[str, SupplierReading]
    new_contracts: list[CloudContract]
    milestone_total: float
    throughput: float
    regime: Regime
    n_defaults: int
    commitment_limited: bool
    cascade_direct: float
    cascade_claims: float
    cascade_max_loss: dict[str, float]
    cascade_loss: dict[str, float]
    writedown: dict[str, float]
    loans: LoanBook
    lenders_by_name: dict[str, LenderReading]

    @property
    def credit(self) -> CreditReading:
        """Each firm's spreads and Minsky class this month."""
        ...

    carried: dict[str, float]
    defined: dict[str, int]
    implausible_now: list[str]

    def circularity(self, supplier: str, *, clouds_only: bool = False) -> float:
        """A supplier's circularity (trailing 12 months)."""
        ...

    def runway(self, name: str) -> float:
        """A firm's cash-flow runway."""
        ...


# ---------------------------------------------------------------------- columns
@dataclass(frozen=True)
class Column:
    """One reported column: its name, unit, meaning and how a month's value is computed."""

    name: str
    unit: str
    meaning: str
    compute: Callable[[_Month], Any] = field(repr=False, compare=False)
    undefined_when: str = ""  # when the value is undefined (the column then carries its last)


@dataclass(frozen=True)
class Carried:
    """A column whose value can be undefined (a ratio over nothing, a loop that has ended).

    The published column stays finite: in a month where ``raw`` is not a number it repeats
    its last defined value (0 before any), and the companion ``<name>_defined`` is 0.
    Analysis tools that read a run's last row never meet a NaN; the view and the lessons
    read the companion and show nothing for an undefined month.
    """

    name: str
    raw: Callable[[Observed], float] = field(repr=False, compare=False)
    when: str

    @property
    def flag(self) -> str:
        """The companion column's name."""
        return f"{self.name}_defined"


CARRIED: list[Carried] = []


@dataclass(frozen=True)
class Bound:
    """A plausible bound on a published quantity: beyond it, the run is an artefact.

    Observation checks every bound each month; the first month a quantity passes its bound
    is logged as an ``implausible`` event, and the column ``implausible`` is 1 in every
    month where some quantity is beyond its bound (the run summary keeps the first).
    """

    what: str
    columns: tuple[str, ...]  # the columns read (the largest is compared)
    bound: float
    unit: str
    reason: str


PLAUSIBLE_BOUNDS = (
    Bound(
        "The app company's revenue",
        ("app_revenue",),
        10_000.0,
        "US$ bn a month",
        "US$120 trillion a year, more than the world's output",
    ),
    Bound(
        "A firm's market value",
        tuple(f"market_cap_{f}" for f in FIRMS),
        1_000_000.0,
        "US$ bn",
        "ten times the world's stock markets together",
    ),
    Bound(
        "The clouds' monthly capex",
        ("capex",),
        10_000.0,
        "US$ bn a month",
        "more than the world's output in a month",
    ),
    Bound(
        "Capacity in service",
        ("deployed_gw",),
        1_000.0,
        "GW",
        "twice the average electricity demand of the United States, for one company",
    ),
)


def _carried(
    name: str, unit: str, meaning: str, raw: Callable[[Observed], float], when: str
) -> Column:
    """A column that carries its last defined value (see :class:`Carried`)."""
    CARRIED.append(Carried(name, raw, when))
    return Column(
        name,
        unit,
        f"{meaning}; undefined {when}: then the last defined value (0 before any), "
        f"with {name}_defined = 0",
        lambda v: v.obs.carried[name],
        when,
    )


def _flag_column(c: Carried) -> Column:
    """The companion 0/1 column of a carried column."""
    return Column(
        c.flag,
        "0/1",
        f"1 when {c.name} is defined this month; 0 {c.when}",
        lambda v: v.obs.defined[c.name],
    )


def collected(datacollector: Any) -> dict[str, list[Any]]:
    """A data collector's columns by name, undefined months of carried columns as None."""
    data = getattr(datacollector, "model_vars", None)
    if not isinstance(data, dict):
        df = datacollector.get_model_vars_dataframe()
        data = {c: df[c].tolist() for c in df.columns}
    return masked(data)


def masked(data: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
    """Collected columns with the undefined months of carried columns as None (for display)."""
    out = dict(data)
    for c in CARRIED:
        values, flags = data.get(c.name), data.get(c.flag)
        if values is not None and flags is not None:
            out[c.name] = [v if f else None for v, f in zip(values, flags, strict=True)]
    return out


class _Month:
    """What a month's columns are computed from; parts several columns share, computed once."""

    def __init__(self, obs: Observed):
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
        self.deployed_by_cloud = dict(zip(clouds, book.column("gw", t), strict=True))
        self.backlog_by_cloud = {c: book.future_bills(c, t + 1) for c in clouds}
        self.deployed_compute = book.total_at("compute", t)
        self.contracted_gw = book.total_at("committed", t)
        paid_in = []
        paid_out = []
        for (_flow, payer, payee), v in pc.items():
            if payer == ROW:
                paid_in.append(v)
            if payee == ROW:
                paid_out.append(v)
        self.money_in = sum(paid_in)
        self.money_out = sum(paid_out)
        self.costs = obs.app.costs
        self.compute = self.costs.get("compute", 0.0)


def _app_columns() -> list[Column]:
    def training(v: _Month) -> float:
        need = v.app.compute_need
        return v.compute * v.app.compute_need_training / need if need > 0.0 else 0.0

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
            "served_share",
            "fraction",
            "share of the inference the app company's users and API customers want that its "
            "compute in service can serve: revenue is earned on that share (late capacity "
            "costs revenue; docs/model.md §7.17)",
            lambda v: v.app.served_share,
        ),
        Column(
            "app_compute_bill",
            "US$ bn a month",
            "cloud contract bills: the app company's compute cost, counted once",
            lambda v: v.compute,
        ),
        Column(
            "app_training_compute",
            "US$ bn a month",
            "the part of the compute bill serving training (its share of the need, not a charge)",
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
        _carried(
            "app_net_margin",
            "fraction",
            "net income / revenue",
            lambda o: ratio(o.app.net_income - o.app.noncash, o.app.revenue),
            "when the app company has no revenue (after its default)",
        ),
        _carried(
            "app_inference_cost_per_user",
            "US$ per user a month",
            "compute bill / weekly users (an output, not a second charge)",
            lambda o: ratio(1000.0 * o.app.costs.get("compute", 0.0), o.app.users),
            "when the app company has no users",
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


def excess_gw(gw: float, compute: float, need: float) -> float:
    """GW in service beyond ``need`` (effective compute), at the average efficiency in service."""
    if compute <= need or compute <= 0.0:
        return 0.0
    return gw * (1.0 - need / compute)


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
            "excess_contracted_gw",
            "GW",
            "capacity in service beyond the app company's need with its headroom (binding "
            "deals may exceed need)",
            lambda v: excess_gw(
                sum(v.deployed_by_cloud.values()),
                v.deployed_compute,
                v.app.compute_need * (1.0 + v.p.capacity_headroom),
            ),
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
            last("milestone_investment"),
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
        _carried(
            "gears_capex_to_revenue",
            "ratio",
            "gears: clouds' trailing-12-month loop capex / loop revenue",
            lambda o: ratio(
                trailing_sum(o.hist["capex"], 12), trailing_sum(o.hist["cloud_loop_revenue"], 12)
            ),
            "when the clouds had no loop revenue in the last 12 months (after a collapse)",
        ),
        _carried(
            "fuel_capex_per_compute",
            "US$ bn per GW of 2024 chips",
            "fuel: trailing-12-month capex per unit of effective compute ordered",
            lambda o: ratio(
                trailing_sum(o.hist["capex_ordered"], 12),
                trailing_sum(o.hist["compute_ordered"], 12),
            ),
            "when no capacity was ordered in the last 12 months",
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
            "NVIDIA's purchases of CoreWeave's unsold capacity under its backstop "
            "(billed this month)",
            lambda v: sum(v.obs.clouds_by_name[b].backstop_due for b in v.obs.register.backstops),
        ),
        Column(
            "rental_offered_gw",
            "GW (2024 chips)",
            "capacity out of contract offered to other AI labs this month (what no backstop "
            "bought), in effective compute (GW x chip efficiency)",
            lambda v: v.obs.register.rental.offered,
        ),
        Column(
            "rental_demand_gw",
            "GW (2024 chips)",
            "what the other AI labs would rent at the price of new capacity (with the app "
            "company's users who moved to them after its default)",
            lambda v: v.obs.register.rental.demand(v.obs.month),
        ),
        Column(
            "rental_let_gw",
            "GW (2024 chips)",
            "of which let (the rest earns less than its running costs: switched off)",
            lambda v: v.obs.register.rental.let,
        ),
        Column(
            "rental_price_ratio",
            "ratio",
            "the month's rental price of idle capacity over the price of new capacity, per "
            "unit of compute (1: no glut)",
            lambda v: v.obs.register.rental.price / v.obs.register.rental.new_price(v.obs.month),
        ),
        Column(
            "rental_price_h100",
            "US$ per GPU-hour",
            "the month's rental price of an H100-class GPU (a January-2024 chip), about "
            "600,000 a GW",
            lambda v: v.obs.register.rental.per_gpu_hour(v.obs.register.rental.price),
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
            "defaults so far: value destroyed outside claims (the defaulters' real assets "
            "at fire-sale value, capacity stranded at the clouds)",
            lambda v: v.obs.cascade_direct,
        ),
        Column(
            "cascade_claims_loss",
            "US$ bn",
            "defaults so far: losses passed to other balance sheets through claims "
            "(creditors' write-offs, shareholders' stakes), as booked",
            lambda v: v.obs.cascade_claims,
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
            "implausible",
            "0/1",
            "some quantity is beyond its plausible bound this month (the event log says which; "
            "docs/model.md, Observation)",
            lambda v: int(bool(v.obs.implausible_now)),
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
        _carried(
            f"circularity_{s}",
            "fraction",
            f"trailing 12 months: share of {name}'s chip receipts (all buyers, its sales "
            "outside the loop included) that trace back to its own money",
            lambda o: o.circularity(s),
            f"when {name} had no chip receipts in the last 12 months, or the app company has "
            "defaulted (the loop has ended)",
        ),
        _carried(
            f"circularity_{s}_clouds",
            "fraction",
            f"trailing 12 months: share of {name}'s chip receipts from the clouds "
            "that trace back to its own money",
            lambda o: o.circularity(s, clouds_only=True),
            f"when {name} had no chip receipts from the clouds in the last 12 months, or the "
            "app company has defaulted",
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
            f"capex_{k}",
            "US$ bn a month",
            f"{name} capex for the app company this month (construction and chips delivered)",
            lambda v: v.obs.clouds_by_name[k].capex_this_month,
        ),
        Column(
            f"waiting_gw_{k}",
            "GW",
            f"contracted capacity whose construction or chips {name} could not fund this month: "
            "it waits, and its bills start later (financing_constraints; docs/model.md §7.17)",
            lambda v: v.obs.clouds_by_name[k].waiting_gw,
        ),
        Column(
            f"debt_{k}",
            "US$ bn",
            f"{name} loans and data-centre leases outstanding",
            lambda v: sum(sum(v.ledger.creditors(k, kind).values()) for kind in CREDIT),
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
            f"largest loss of {name} in one default so far, over its book equity before it (0-1)",
            lambda v: v.obs.cascade_max_loss.get(f, 0.0),
        ),
        Column(
            f"debt_due_12m_{f}",
            "US$ bn",
            f"{name} principal of loans and leases falling due in the next 12 months (the "
            "refinancing wall; rolled over while lenders lend)",
            lambda v: v.obs.loans.due_within(f, v.t),
        ),
        Column(
            f"spread_{f}",
            "bp a year",
            f"{name} one-year credit spread from its books (Black-Cox first passage plus "
            "revenue concentration; economy/finance.py); its loans pay it on top of the base rate "
            "next month",
            lambda v: BP * v.obs.credit.spread[f],
        ),
        Column(
            f"cds5y_{f}",
            "bp a year",
            f"{name} five-year credit spread, as a five-year CDS would quote it",
            lambda v: BP * v.obs.credit.cds5y[f],
        ),
        Column(
            f"minsky_{f}",
            "class",
            f"{name} financing over the last 12 months: 0 hedge (operating cash flow covers "
            "interest, principal and commitments), 1 speculative (interest and commitments, "
            "not principal), 2 Ponzi (not interest and commitments)",
            lambda v: int(v.obs.credit.minsky[f]),
        ),
    ]


def _lender_columns(x: str) -> list[Column]:
    name = LABELS[x]
    out = [
        Column(
            f"capital_{x}",
            "US$ bn",
            f"{name} capital: book equity less the mark-down of its credit to the "
            "borrowers' five-year spreads (it fails at zero)",
            lambda v: v.obs.lenders_by_name[x].capital(),
        ),
        Column(
            f"credit_{x}",
            "US$ bn",
            f"{name} credit outstanding, with called credit not yet repaid (face value)",
            lambda v: v.obs.lenders_by_name[x].credit_out(),
        ),
        Column(
            f"lender_premium_{x}",
            "bp a year",
            f"what {name} adds to its rates as its capital thins (0 at twice its minimum "
            "capital ratio or more)",
            lambda v: BP * v.obs.lenders_by_name[x].premium(),
        ),
        Column(
            f"failed_{x}",
            "0/1",
            f"1 once {name} has failed (its capital gone)",
            lambda v: int(v.obs.lenders_by_name[x].failed_month is not None),
        ),
    ]
    if x == PRIVATE_CREDIT:
        out.append(
            Column(
                f"redemptions_queued_{x}",
                "US$ bn",
                f"{name} redemption requests waiting behind its gate",
                lambda v: float(getattr(v.obs.lenders_by_name[x], "queued", 0.0)),
            )
        )
    return out


def _clearing_columns(x: str) -> list[Column]:
    name = LABELS[x]
    return [
        Column(
            f"cascade_loss_{x}",
            "US$ bn a month",
            f"what {name} loses this month in the defaults' clearing, as the cascade report "
            "gives it (write-offs, shares, stranded capacity, prepayments kept; negative: a gain)",
            lambda v: v.obs.cascade_loss.get(x, 0.0),
        ),
        Column(
            f"writedown_{x}",
            "US$ bn a month",
            f"what the ledger writes off {name}'s net worth this month for defaults, "
            "measured from its books (equals cascade_loss)",
            lambda v: v.obs.writedown.get(x, 0.0),
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
    for x in LENDERS:
        c += _lender_columns(x)
    for x in (*FIRMS, *FUNDS, *LENDERS):
        c += _clearing_columns(x)
    c += [_flag_column(carried) for carried in CARRIED]
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
