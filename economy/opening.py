"""The opening: January-2024 balance sheets, the capacity in service and being built, and deals.

Every deal the loop starts with or signs later (cloud contracts, milestone equity, warrants,
backstops, stakes, dated equity purchases, cuts of planned capacity, caps on commitments)
is a :class:`Deal`: one schema, filled from the preset's parameters, the project's deal
file (``data/deals.csv``, up to the preset's vintage ``deals_until``) and its own dated
``[[contracts]]``. The institutions that act on deals (the contract register,
the suppliers' milestone and warrant terms) are built from this list, and the opening
balance sheets take the stakes from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from params import (
    APP,
    BANKS,
    BOND_INVESTORS,
    CLOUDS,
    FIRMS,
    PRIVATE_CREDIT,
    Params,
    ScheduledContract,
    calibration_table,
)

from . import demand
from .contracts import Backstop, CloudContract, Cohort, MilestoneDeal, WarrantDeal
from .dealbook import EQUITY_KINDS, DealRow, deal_book
from .ledger import (
    BOND,
    CAPACITY,
    CASH,
    CIP,
    EQUITY,
    FUND_UNITS,
    LEASE,
    OTHER_ASSETS,
    ROW,
    Claim,
    Ledger,
    NetWorth,
    Real,
)

OPENING_CAPACITY_AGE = 24  # months the opening capacity has been in service in Jan 2024
OPENING_CLOUD = "microsoft"  # the app company's only large cloud before 2024


# ---------------------------------------------------------------------- the deal schema
class DealKind(Enum):
    """What a deal is. The order of ``Deal.parties`` depends on the kind (see there)."""

    CLOUD_CONTRACT = "cloud_contract"
    MILESTONE_EQUITY = "milestone_equity"
    WARRANT = "warrant"
    BACKSTOP = "backstop"
    STAKE = "stake"
    EQUITY_PURCHASE = "equity_purchase"
    CONTRACT_CUT = "contract_cut"
    COMMITMENT_CAP = "commitment_cap"


@dataclass(frozen=True)
class Deal:
    """One deal, as a preset states it.

    Attributes:
        kind: what the deal is.
        parties: the two parties, in the kind's order: a cloud contract (buyer, cloud);
            milestone equity (investor, investee); a warrant (issuer, holder); a backstop
            (guarantor, cloud); a stake (holder, issuer); an equity purchase (investor,
            issuer); a contract cut (buyer, cloud); a commitment cap (buyer, buyer).
        date: month signed (0 = January 2024); None for a deal standing at month 0.
        binding: whether the deal binds (a letter of intent does not).
        gw: capacity the deal is about, GW (a contract's size, a warrant's vesting GW, the
            GW a cut removes).
        value: US$ bn: a contract's value over its term, milestone equity's cap, a
            backstop's limit, an equity purchase, a cap on commitments.
        ramp: share of ``gw`` delivered in each quarter from ``start`` (empty: all at once).
        start: first month of service (contracts); first month whose new systems count
            (milestone equity, warrants).
        term: months of service (contracts); months a backstop runs.
        supplier: the chip supplier whose chips the deal is about (a contract's chips, a
            supplier's letter of intent); None when the deal does not name one.
        lapses: month a non-binding deal lapses, if it does.
        source: the calibration row, deal-file row (``deals.csv:<id>``) or citation the
            deal comes from.
        confidence: how well the deal is known: ``reported``, ``seed``, ``fitted`` or
            ``assumed`` (the provenance of its source row).
        terms: the kind's other terms: ``per_gw`` (milestone equity, US$ bn per GW);
            ``shares`` (bn), ``tranches``, ``first_hurdle`` and ``final_hurdle`` (US$ per
            share) for a warrant; ``share`` (of the issuer's shares) for a stake.
    """

    kind: DealKind
    parties: tuple[str, str]
    date: int | None = None
    binding: bool = True
    gw: float | None = None
    value: float | None = None
    ramp: tuple[float, ...] = ()
    start: int | None = None
    term: int | None = None
    supplier: str | None = None
    lapses: int | None = None
    source: str = ""
    confidence: str = ""
    terms: Mapping[str, float] = field(default_factory=dict)


def _confidence(source: str) -> str:
    row = calibration_table().get(source)
    return row.provenance if row is not None else "assumed"


# the deal file's parties as the model names them (investors outside the loop are the
# equity funds; firms outside the loop that are not investors are not parties of a deal)
PARTY_NAMES = {
    "NVIDIA": "nvidia",
    "AMD": "amd",
    "Oracle": "oracle",
    "Microsoft": "microsoft",
    "Amazon": "amazon",
    "CoreWeave": "coreweave",
    "OpenAI": APP,
    "SoftBank": "equity_funds",
    "equity funds": "equity_funds",
}
_CONFIDENCE = {"H": "reported", "M": "reported", "L": "assumed"}


def _first(rows: Sequence[DealRow], kind: str) -> DealRow | None:
    return next((r for r in rows if r.kind == kind), None)


def _start(row: DealRow | None) -> int:
    """A standing deal's first month: its start, else its date (0 without a row)."""
    if row is None:
        return 0
    return row.start if row.start is not None else row.date


def _cloud(row: DealRow) -> str:
    """The cloud a contract or a cut is with (the deal file checks there is one)."""
    return next(PARTY_NAMES[x] for x in row.parties if PARTY_NAMES.get(x) in CLOUDS)


def _row_deal(kind: DealKind, row: DealRow, parties: tuple[str, str], **kw) -> Deal:
    return Deal(
        kind,
        parties,
        date=row.date,
        source=f"deals.csv:{row.id}",
        confidence=_CONFIDENCE[row.confidence],
        **kw,
    )


def dated_deals(rows: Sequence[DealRow], until: int) -> list[Deal]:
    """The deal file's dated deals up to ``until`` that the model applies (docs/scenarios.md)."""
    out: list[Deal] = []
    for row in rows:
        if row.date > until:
            continue
        if row.kind == "cloud_contract":
            cloud = _cloud(row)
            supplier = PARTY_NAMES.get(row.supplier or "")
            out.append(
                _row_deal(
                    DealKind.CLOUD_CONTRACT,
                    row,
                    (APP, cloud),
                    gw=row.gw,
                    value=row.usd_bn,
                    ramp=row.ramp,
                    start=row.start,
                    term=row.term_months,
                    supplier=supplier,
                )
            )
        elif row.kind in EQUITY_KINDS:
            investors = {name for name, _ in row.paid}
            issuer = next(PARTY_NAMES[x] for x in row.parties if x not in investors)
            for name, amount in row.paid:
                if amount > 0.0:
                    investor = (PARTY_NAMES[name], issuer)
                    out.append(_row_deal(DealKind.EQUITY_PURCHASE, row, investor, value=amount))
        elif row.kind == "expansion_cancelled":
            cloud = _cloud(row)
            out.append(_row_deal(DealKind.CONTRACT_CUT, row, (APP, cloud), gw=abs(row.gw or 0.0)))
        elif row.kind == "compute_plan_cut":
            out.append(_row_deal(DealKind.COMMITMENT_CAP, row, (APP, APP), value=row.usd_bn))
    return out


def _lapse(rows: Sequence[DealRow], loi: DealRow, until: int | None) -> int | None:
    """The month a letter of intent lapses, as far as the preset's vintage knows."""
    if until is None:
        return None
    for row in rows:
        if row.kind == "loi_lapsed" and row.parties == loi.parties and row.date <= until:
            return row.date
    return loi.lapses if loi.lapses is not None and loi.lapses <= until else None


def deals_from(
    p: Params,
    contracts: Iterable[ScheduledContract] = (),
    until: int | None = None,
    rows: Sequence[DealRow] | None = None,
) -> tuple[Deal, ...]:
    """Every deal of a preset.

    The standing deals its parameters set (stakes, NVIDIA's milestone letter, AMD's warrant,
    NVIDIA's backstop for CoreWeave), each dated from the deal file; then, if the preset has
    a vintage (``until``), the deal file's dated deals to that month; then its own
    ``[[contracts]]``.
    """
    rows = deal_book() if rows is None else rows
    loi = _first(rows, "milestone_investment")
    amd = _first(rows, "chip_supply_with_warrant")
    backstop = _first(rows, "backstop")

    def standing(kind: DealKind, parties: tuple[str, str], source: str, **kw) -> Deal:
        return Deal(kind, parties, source=source, confidence=_confidence(source), **kw)

    deals = [
        standing(
            DealKind.STAKE,
            ("microsoft", APP),
            "microsoft_stake_in_openai",
            terms={"share": p.microsoft_stake_in_openai},
        ),
        standing(
            DealKind.STAKE,
            ("equity_funds", APP),
            "equity_funds_stake_in_openai",
            terms={"share": p.equity_funds_stake_in_openai},
        ),
        standing(
            DealKind.STAKE,
            ("nvidia", "coreweave"),
            "nvidia_stake_in_coreweave",
            terms={"share": p.nvidia_stake_in_coreweave},
        ),
        standing(
            DealKind.MILESTONE_EQUITY,
            ("nvidia", APP),
            "milestone_investment_per_gw",
            binding=False,  # a letter of intent
            supplier="nvidia",
            value=p.milestone_investment_cap,
            start=loi.start if loi is not None else 0,
            lapses=_lapse(rows, loi, until) if loi is not None else None,
            terms={"per_gw": p.milestone_investment_per_gw},
        ),
        standing(
            DealKind.WARRANT,
            ("amd", APP),
            "amd_warrant_shares",
            gw=p.amd_warrant_gw,
            supplier="amd",
            start=amd.start if amd is not None else 0,
            terms={
                "shares": p.amd_warrant_shares / 1000.0,
                "tranches": p.amd_warrant_tranches,
                "first_hurdle": p.open_price_amd,
                "final_hurdle": p.amd_warrant_final_hurdle,
            },
        ),
        standing(
            DealKind.BACKSTOP,
            ("nvidia", "coreweave"),
            "backstop_limit_coreweave",
            value=p.backstop_limit_coreweave,
            start=_start(backstop),
            term=backstop.term_months if backstop is not None else None,
        ),
    ]
    if until is not None:
        deals += dated_deals(rows, until)
    for s in contracts:
        deals.append(
            Deal(
                DealKind.CLOUD_CONTRACT,
                (APP, s.cloud),
                date=s.signed,
                value=s.value,
                start=s.start,
                term=s.months,
                source=s.cite,
                confidence=_confidence(s.cite),
            )
        )
    return tuple(deals)


def milestone_deals(deals: Iterable[Deal]) -> list[MilestoneDeal]:
    """The milestone-equity terms the suppliers act on."""
    return [
        MilestoneDeal(
            d.parties[0],
            d.parties[1],
            d.terms["per_gw"],
            float(d.value or 0.0),
            start=d.start or 0,
            lapses=d.lapses,
        )
        for d in deals
        if d.kind is DealKind.MILESTONE_EQUITY
    ]


def warrant_deals(deals: Iterable[Deal]) -> list[WarrantDeal]:
    """The warrants the suppliers vest."""
    return [
        WarrantDeal(
            issuer=d.parties[0],
            holder=d.parties[1],
            shares=d.terms["shares"],
            gw=float(d.gw or 0.0),
            tranches=int(d.terms["tranches"]),
            first_hurdle=d.terms["first_hurdle"],
            final_hurdle=d.terms["final_hurdle"],
            start=d.start or 0,
        )
        for d in deals
        if d.kind is DealKind.WARRANT
    ]


def backstops(deals: Iterable[Deal]) -> dict[str, Backstop]:
    """The backstops, by the cloud they protect (running from ``start`` for ``term`` months)."""
    out = {}
    for d in deals:
        if d.kind is DealKind.BACKSTOP:
            start = d.start or 0
            end = start + d.term if d.term else 10**6
            out[d.parties[1]] = Backstop(
                d.parties[0], d.parties[1], float(d.value or 0.0), start, end
            )
    return out


def stakes(deals: Iterable[Deal]) -> dict[str, dict[str, float]]:
    """Opening stakes: issuer -> holder -> share of the issuer's shares."""
    out: dict[str, dict[str, float]] = {}
    for d in deals:
        if d.kind is DealKind.STAKE:
            holder, issuer = d.parties
            out.setdefault(issuer, {})[holder] = d.terms["share"]
    return out


# ---------------------------------------------------------------------- opening books
class ContractMaker(Protocol):
    """What the opening needs of the contract register."""

    def new_contract(
        self,
        cloud: str,
        gw: float,
        signed: int,
        start: int | None = None,
        months: int | None = None,
    ) -> CloudContract:
        """A contract on the terms of its signing month."""
        ...

    def add(self, c: CloudContract) -> None:
        """Register a signed contract."""
        ...

    def contracted_compute(self, month: int) -> float:
        """Effective compute under contracts that bill in ``month``."""
        ...

    def chip_efficiency(self, month: int) -> float:
        """Effective compute per GW of capacity entering service in ``month``."""
        ...


# Who held each firm's debt in January 2024: bond investors (the suppliers' and clouds'
# debt was mostly bonds), except CoreWeave's, which was private credit (delayed-draw loans
# secured on its GPUs and contracts; data/calibration.csv, open_debt_coreweave), booked
# as a secured lease.
OPENING_CREDIT: dict[str, tuple[str, str]] = {"coreweave": (PRIVATE_CREDIT, LEASE)}


def opening_line(firm: str) -> tuple[str, str, str]:
    """The (holder, kind, borrower) of a firm's opening debt."""
    holder, kind = OPENING_CREDIT.get(firm, (BOND_INVESTORS, BOND))
    return holder, kind, firm


class CohortHolder(Protocol):
    """A cloud that books capacity cohorts (the opening capacity is one)."""

    def add_cohort(self, cohort: Cohort) -> None:
        """Capacity of one vintage on the books."""
        ...


def open_books(
    ledger: Ledger,
    p: Params,
    deals: Sequence[Deal],
    contracting: ContractMaker,
    opening_cloud: CohortHolder,
    investors: Sequence[str],
    capital: Mapping[str, float] | None = None,
) -> None:
    """Post every opening balance sheet; each agent's residual is its opening net worth.

    Investors are funded by savers' fund units, less their own ``capital`` (lenders').
    """
    legs: list[Claim | Real] = []
    for f in FIRMS:
        ledger.set_price(f, p.firm("open_price", f))
        legs.append(Claim(CASH, f, ROW, p.firm("open_cash", f)))
        if f != APP:
            legs.append(Real(f, OTHER_ASSETS, p.firm("open_other_assets", f)))
            holder, kind, _ = opening_line(f)
            legs.append(Claim(kind, holder, f, p.firm("open_debt", f)))
    legs.append(Claim(CASH, "equity_funds", ROW, p.open_cash_equity_funds))
    legs.append(Claim(CASH, BANKS, ROW, p.open_cash_banks))
    held = stakes(deals)
    for f in FIRMS:  # who holds the shares
        cap = p.firm("open_shares", f) * p.firm("open_price", f)
        by_holder = held.get(f, {})
        for holder, share in by_holder.items():
            if share > 0:
                legs.append(Claim(EQUITY, holder, f, share * cap))
        public = 1.0 - sum(by_holder.values())
        if public > 0:
            legs.append(Claim(EQUITY, ROW, f, public * cap))
    legs += _opening_contracts(p, contracting, opening_cloud)
    # investors are funded by savers' fund units and their own capital; everyone else's
    # residual is net worth
    delta: dict[str, float] = {}
    for leg in legs:
        if isinstance(leg, Claim):
            delta[leg.holder] = delta.get(leg.holder, 0.0) + leg.amount
            delta[leg.issuer] = delta.get(leg.issuer, 0.0) - leg.amount
        else:
            delta[leg.agent] = delta.get(leg.agent, 0.0) + leg.amount
    all_legs: list[Claim | Real | NetWorth] = list(legs)
    all_legs += _fund_investors(delta, investors, capital or {})
    for agent, d in sorted(delta.items()):
        all_legs.append(NetWorth(agent, "opening", d))
    ledger.post("opening", all_legs)
    ledger.start_period()


def _fund_investors(
    delta: dict[str, float], investors: Sequence[str], capital: Mapping[str, float]
) -> list[Claim]:
    """Savers' fund units and cash for each investor; ``delta`` becomes net worth.

    An investor's assets are funded by units less its own capital; capital beyond its
    opening assets is held as cash.
    """
    legs: list[Claim] = []
    for name in investors:
        assets = delta.pop(name, 0.0)
        equity = capital.get(name, 0.0)
        cash = max(0.0, equity - assets)
        if cash > 0.0:
            legs.append(Claim(CASH, name, ROW, cash))
            delta[ROW] = delta.get(ROW, 0.0) - cash
        units = Claim(FUND_UNITS, ROW, name, assets + cash - equity)
        legs.append(units)
        delta[ROW] = delta.get(ROW, 0.0) + units.amount
        if equity:
            delta[name] = equity
    return legs


def _opening_contracts(p: Params, contracting: ContractMaker, cloud: CohortHolder) -> list[Real]:
    """The capacity in service and under construction in January 2024.

    In service: ``opening_capacity_gw`` on the opening cloud, ``OPENING_CAPACITY_AGE``
    months old. Under construction: contracts signed in the build lag before month 0
    that cover the deterministic (noise-free) compute need of months 1..lag, so the
    first months are not starved by the build lag.
    """
    lag = p.build_lag_months
    legs: list[Real] = []
    start = -OPENING_CAPACITY_AGE
    c0 = contracting.new_contract(OPENING_CLOUD, p.opening_capacity_gw, signed=start - lag)
    c0.built = c0.capex
    c0.efficiency = 1.0  # compute is measured in units of the capacity of January 2024
    contracting.add(c0)
    life = round(12 * p.depreciation_years)
    book = c0.capex * max(0.0, 1.0 - OPENING_CAPACITY_AGE / life)
    cloud.add_cohort(
        Cohort(c0.capex, start, life, book, c0.id, c0.gw * c0.price_per_gw_month, c0.end, c0.gw)
    )
    legs.append(Real(OPENING_CLOUD, CAPACITY, book))
    users = demand.bass_path(
        p.users_initial, p.bass_p, p.bass_q, p.market_size_users, p.paid_growth_decay, lag
    )
    in_service = contracting.contracted_compute(0)
    for m in range(1, lag + 1):
        need = demand.compute_need(p, users[m], m) * (1.0 + p.capacity_headroom)
        covered = in_service + p.opening_pipeline_share * max(0.0, need - in_service)
        gap = covered - contracting.contracted_compute(m)
        if gap <= 0.0:
            continue
        signed = m - lag
        c = contracting.new_contract(
            OPENING_CLOUD, gap / contracting.chip_efficiency(m), signed=signed
        )
        # construction instalments paid before month 0 (the chips come on delivery)
        c.built = c.capex * (1.0 - p.chip_share_of_capex) * (-c.build_from) / c.build_months
        contracting.add(c)
        legs.append(Real(OPENING_CLOUD, CIP, c.built))
    return legs
