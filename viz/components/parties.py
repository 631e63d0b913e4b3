"""The model's balance-sheet holders as the page names them, in the reader's language.

The list comes from the model (``economy.roster.roster`` of ``model.firms`` and
``model.investors``, plus the rest of the world), so a new kind of agent is named and drawn
without a change here. Firms keep their brand names in every language; funds, lenders and
the rest of the world are translated (``node_<name>`` in ``text/strings.toml``) when a
translation exists, and otherwise shown by the label the model gives them.
"""

from __future__ import annotations

from typing import Any

from economy.roster import Holder, roster
from text import has, tr


def holders(model: Any) -> tuple[Holder, ...]:
    """Every balance-sheet holder of the model, in the model's order."""
    return roster(model.firms, model.investors)


def label(holder: Holder, lang: str) -> str:
    """A holder's display name in ``lang``."""
    key = f"node_{holder.name}"
    return tr(key, lang) if has(key) else holder.label


def labels(model: Any, lang: str) -> dict[str, str]:
    """Every holder's display name in ``lang``, by ledger key."""
    return {h.name: label(h, lang) for h in holders(model)}
