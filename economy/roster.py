"""Who holds a balance sheet, and which of this month's payments close the loop (read-only).

The observers of the model (the live view's network) draw what is listed here, so a new
kind of agent appears in the picture without a change to the view:

* :func:`roster`: every balance-sheet holder (the firms, the investors, the rest of the
  world), each with a ``name`` (its ledger key), a ``label``, a ``sector`` (its column in
  the transaction-flow matrix) and a ``group`` (the seed article's metaphor: ``fuel``,
  ``gears``, ``engine``, ``capital``).
* :func:`loop_payments`: the payer -> payee pairs that carried one of the three loop flows
  (``LOOP_FLOWS``) this month.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from .ledger import ROW
from .observation.columns import LOOP_FLOWS


class Holder(Protocol):
    """A balance-sheet holder as observers see it."""

    @property
    def name(self) -> str:
        """Its ledger key."""
        ...

    @property
    def label(self) -> str:
        """Its display name."""
        ...

    @property
    def sector(self) -> str:
        """Its sector (a column of the transaction-flow matrix)."""
        ...

    @property
    def group(self) -> str:
        """``fuel``, ``gears``, ``engine`` or ``capital``."""
        ...

    @property
    def defaulted(self) -> bool:
        """Whether it has defaulted."""
        ...


@dataclass(frozen=True)
class Outside:
    """A holder that is not an agent: the rest of the world (customers, staff, savers)."""

    name: str
    label: str
    sector: str
    group: str = "capital"
    defaulted: bool = False


REST_OF_WORLD = Outside(ROW, "Rest of world", "rest_of_world")


def roster(firms: Iterable[Holder], investors: Iterable[Holder]) -> tuple[Holder, ...]:
    """Every balance-sheet holder: the firms, the investors, then the rest of the world."""
    return (*firms, *investors, REST_OF_WORLD)


def loop_payments(period_cash: Mapping[tuple[str, str, str], float]) -> dict[tuple[str, str], str]:
    """This month's payer -> payee pairs of the loop flows, with the flow's column name.

    ``period_cash`` is the ledger's cash-flow statistics (flow, payer, payee) -> US$ bn.
    """
    out: dict[tuple[str, str], str] = {}
    for flow in LOOP_FLOWS:
        for key in flow.keys:
            if period_cash.get(key, 0.0) > 0.0:
                out[(key[1], key[2])] = flow.column
    return out
