"""What an agent can reach: the model's named collaborators and its peers, as small protocols.

Agents never import the model: they see it as a :class:`World` (its clock, parameters,
ledger, random generator and institutions: the market, the contract register, the
observation) and their peers by the few things they ask of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from economy.contracts import Backstop, CloudContract, MilestoneDeal, WarrantDeal
from economy.finance import LoanBook
from economy.ledger import Ledger
from economy.observation import EventKind
from economy.rental import RentalMarket
from params import Params


class Peer(Protocol):
    """Any firm, as another agent sees it."""

    name: str
    label: str
    defaulted: bool


class Borrower(Peer, Protocol):
    """A firm a lender considers."""

    def collateral(self) -> float:
        """What lenders lend against, US$ bn."""
        ...

    def facility(self) -> float | None:
        """Undrawn committed credit that replaces the collateral test (None: no facility)."""
        ...


class LenderPeer(Protocol):
    """The credit market, as a borrower sees it (``agents.lender.Lenders``)."""

    def lend(self, borrower: Borrower, amount: float) -> float:
        """Lend up to ``amount``; returns what was lent."""
        ...

    def finance_build(self, cloud: Borrower, capex: float) -> float:
        """Lease part of this month's capex of ``cloud``; returns what was funded."""
        ...

    def credit_room(self, borrower: Borrower, collateral_less: float = 0.0) -> float:
        """New credit ``borrower`` can raise this month, US$ bn."""
        ...

    def rate_premium(self, holder: str, kind: str) -> float:
        """What ``holder`` adds to a floating rate on a claim of ``kind``, per year."""
        ...

    def credit_parts(self, borrower: Borrower, collateral_less: float = 0.0) -> tuple[float, float]:
        """The borrower's headroom under the leverage limit and the lenders' capacity."""
        ...

    def creditworthy(self, name: str) -> bool:
        """Whether lenders would lend to or refinance ``name`` (covenants, solvency)."""
        ...


class SupplierPeer(Peer, Protocol):
    """A chip supplier, as a cloud buying chips sees it."""

    def sell_chips(self, cloud: str, amount: float) -> None:
        """Invoice ``amount`` of chips to ``cloud``."""
        ...

    def vendor_credit_room(self) -> float:
        """Vendor credit it would still extend on a chip invoice, US$ bn."""
        ...


class CloudPeer(Peer, Protocol):
    """A cloud provider, as the app company placing a contract sees it."""

    def equity_share(self) -> float:
        """Share of a capex dollar the cloud funds itself."""
        ...

    def financing_room(self, month: int) -> float:
        """What the cloud can put into new capex from its own funds, US$ bn."""
        ...


class AppPeer(Peer, Protocol):
    """The app company, as investors value it."""

    revenue: float
    revenue_hist: list[float]
    valued_revenue: float  # its demand's revenue on the share its capacity will serve
    valued_revenue_hist: list[float]
    net_income_hist: list[float]
    earmarked: float  # milestone equity it has not yet spent on prepayments, US$ bn

    def yoy(self, series: list[float], month: int) -> float:
        """Year-on-year growth of one of its monthly series."""
        ...

    def check_covenant(self, month: int) -> float:
        """Close its revolver if its covenant is breached; returns what fell due."""
        ...

    def prepay(self, cloud: str, amount: float, gw: float) -> float:
        """Pay ``cloud`` ``amount`` in advance for compute if it can spare it; returns it or 0."""
        ...


class EquityPeer(Protocol):
    """The equity investors, as a firm raising a round sees them."""

    def subscriptions(self, issuer: str, amount: float) -> dict[str, float]:
        """What each fund would buy of a round of ``amount``, by fund."""
        ...

    def buy(self, issuer: str, parts: Mapping[str, float]) -> None:
        """Buy the new shares: each fund its part."""
        ...

    def paid_in(self, issuer: str, amount: float) -> None:
        """New shares sold for ``amount`` of cash the issuer keeps (adds to its value)."""
        ...

    def written_down(self, issuer: str, loss: float) -> None:
        """The issuer wrote ``loss`` off its assets (takes it off its value)."""
        ...

    def value(self, issuer: str) -> float | None:
        """The funds' value of ``issuer`` this month (None before they first value it)."""
        ...


class MarketView(Protocol):
    """What agents read of the stock market."""

    def drawdown(self, name: str) -> float:
        """Fall of a firm's share price from its high of the last 12 months."""
        ...

    def recent_return(self, name: str) -> float:
        """Mean monthly log return of a firm's shares over the momentum horizon."""
        ...


class ContractsView(Protocol):
    """What agents use of the contract register: terms, signing, what is due, deal terms."""

    milestones: list[MilestoneDeal]
    warrants: list[WarrantDeal]
    backstops: dict[str, Backstop]
    rental: RentalMarket
    contracts: list[CloudContract]  # every contract signed, by id

    def capex_per_gw(self, month: int) -> float:
        """Capex per GW ordered in ``month``."""
        ...

    def contract_price(self, month: int) -> float:
        """Bill per GW-month of a contract signed in ``month``."""
        ...

    def chip_efficiency(self, month: int) -> float:
        """Compute per GW of capacity entering service in ``month``."""
        ...

    def contracted_compute(self, month: int) -> float:
        """Effective compute under contracts that bill in ``month``."""
        ...

    def backlog(self, month: int) -> float:
        """Remaining take-or-pay value of every contract."""
        ...

    def backlog_of(self, cloud: str, month: int) -> float:
        """Remaining take-or-pay value of one cloud's contracts."""
        ...

    def service_due(self, cloud: str, month: int) -> tuple[float, float]:
        """A cloud's bill to the app company and its running cost in ``month``."""
        ...

    def new_contract(self, cloud: str, gw: float, signed: int) -> CloudContract:
        """A contract on the terms of its signing month."""
        ...

    def planned_compute(self, month: int, now: int) -> float:
        """Effective compute in ``month`` under dated deals not yet signed (the plan)."""
        ...

    def commitment_cap(self, month: int) -> float | None:
        """A dated cap on the app company's commitments in force, if any."""
        ...

    def add(self, c: CloudContract) -> None:
        """Register a signed contract."""
        ...

    def postpone(self, c: CloudContract, month: int) -> None:
        """Move a contract's start and end a month later (it waits for funding)."""
        ...

    def abandon(self, c: CloudContract, month: int) -> None:
        """Cancel a contract that waited too long for its cloud's funding."""
        ...

    def gw_deployed_since(self, supplier: str, since: int) -> float:
        """GW of new systems with a supplier's chips put in service from ``since`` to now."""
        ...


class ObservationView(Protocol):
    """What agents report to the observation and read back."""

    def log(self, month: int, kind: EventKind, firm: str, /, **values: Any) -> None:
        """Add a dated event."""
        ...

    def spread(self, name: str) -> float:
        """A firm's one-year credit spread measured at the end of last month, per year."""
        ...

    def cds5y(self, name: str) -> float:
        """A firm's five-year credit spread measured at the end of last month, per year."""
        ...

    def spread_epoch(self) -> int:
        """How many times the spreads have been measured (they change only then)."""
        ...

    def trailing_year(self, name: str) -> tuple[float, float, int]:
        """A firm's operating cash flow and interest over the last 12 months recorded."""
        ...

    def mark_commitment_limited(self) -> None:
        """The app company hit its commitment limit this month."""
        ...

    def loop_revenue(self, name: str) -> float:
        """A supplier's or cloud's loop revenue a month (a cloud's falls at once)."""
        ...


class World(Protocol):
    """The model as agents see it: its clock, parameters, ledger, generator, institutions."""

    month: int
    p: Params
    ledger: Ledger
    rng: np.random.Generator
    rng_demand: np.random.Generator  # the app company's adoption noise, one draw a month
    rng_placement: np.random.Generator  # the order clouds are offered a contract

    @property
    def market(self) -> MarketView:
        """The stock market."""
        ...

    @property
    def contracting(self) -> ContractsView:
        """The contract register."""
        ...

    @property
    def observation(self) -> ObservationView:
        """The observation."""
        ...

    @property
    def app(self) -> AppPeer:
        """The app company."""
        ...

    @property
    def firms(self) -> Sequence[Peer]:
        """Every firm: suppliers, clouds, the app company."""
        ...

    @property
    def firms_by_name(self) -> Mapping[str, Peer]:
        """Every firm by name."""
        ...

    @property
    def clouds(self) -> Sequence[CloudPeer]:
        """The cloud providers."""
        ...

    @property
    def lenders(self) -> LenderPeer:
        """The credit market: every lender."""
        ...

    @property
    def loans(self) -> LoanBook:
        """When each line of credit falls due."""
        ...

    @property
    def equity_investors(self) -> EquityPeer:
        """The equity investors."""
        ...

    def live_suppliers(self) -> Mapping[str, SupplierPeer]:
        """Suppliers that have not defaulted, by name."""
        ...
