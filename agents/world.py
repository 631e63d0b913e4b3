"""What an agent can reach: the model's named collaborators and its peers, as small protocols.

Agents never import the model: they see it as a :class:`World` (its clock, parameters,
ledger, random generator and institutions: the market, the contract register, the
observation) and their peers by the few things they ask of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from economy.contracting import Contracting
from economy.ledger import Ledger
from economy.market import Market
from economy.observation import Observation
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


class LenderPeer(Protocol):
    """The lenders, as a borrower sees them."""

    def lend(self, borrower: Borrower, amount: float) -> float:
        """Lend up to ``amount``; returns what was lent."""
        ...


class SupplierPeer(Peer, Protocol):
    """A chip supplier, as a cloud buying chips sees it."""

    def sell_chips(self, cloud: str, amount: float) -> None:
        """Invoice ``amount`` of chips to ``cloud``."""
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
    net_income_hist: list[float]

    def yoy(self, series: list[float], month: int) -> float:
        """Year-on-year growth of one of its monthly series."""
        ...


class EquityPeer(Protocol):
    """The equity investors, as a firm raising a round sees them."""

    def subscriptions(self, issuer: str, amount: float) -> dict[str, float]:
        """What each fund would buy of a round of ``amount``, by fund."""
        ...

    def buy(self, issuer: str, parts: Mapping[str, float]) -> None:
        """Buy the new shares: each fund its part."""
        ...


class World(Protocol):
    """The model as agents see it."""

    month: int
    p: Params
    ledger: Ledger
    rng: np.random.Generator
    market: Market
    contracting: Contracting
    observation: Observation

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
        """The lenders."""
        ...

    @property
    def equity_investors(self) -> EquityPeer:
        """The equity investors."""
        ...

    def live_suppliers(self) -> Mapping[str, SupplierPeer]:
        """Suppliers that have not defaulted, by name."""
        ...
