"""A default's clearing: what each balance sheet loses, by channel (the cascade report).

One calculation, shown and booked: ``economy.solvency`` fills a :class:`Clearing` from
the amounts it books when a firm defaults, and measures what the ledger wrote down from
every balance sheet's net worth before and after; the monthly columns
``cascade_loss_<name>`` and ``writedown_<name>`` report the two, and they agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# the channels of a default's clearing (what each balance sheet loses, US$ bn)
IMPAIRED = "impaired"  # the defaulter's real assets, to a fire-sale value
LIQUIDATED = "liquidated"  # a defaulted cloud's data centres, to their rental-market value
STRANDED = "stranded"  # capacity a cloud built for the defaulter's cancelled contracts
PREPAID_KEPT = "prepaid_kept"  # prepayments a cloud keeps (its gain, the payer's loss)
WRITTEN_OFF = "written_off"  # a creditor's claim written down to what the estate recovers
SHARES = "shares"  # a shareholder's stake at its last price, now zero
DIRECT = (IMPAIRED, LIQUIDATED, STRANDED)  # value destroyed outside claims
THROUGH_CLAIMS = (WRITTEN_OFF, SHARES)  # losses passed to other balance sheets


@dataclass
class Clearing:
    """One default's clearing: what each balance sheet loses, by channel (US$ bn).

    ``losses`` is the calculation the ledger books (a gain is a negative loss);
    ``writedown`` is what the ledger wrote down, measured from each balance sheet's net
    worth before and after (the defaulter's own debts forgiven and shares re-marked are
    not counted as its gains). The two agree to rounding.

    Attributes:
        month: the month of the default.
        firm: the defaulting firm.
        losses: by balance sheet, by channel.
        writedown: by balance sheet, from the ledger.
        relative_equity_loss: loss over book equity before the default, in [0, 1].
    """

    month: int
    firm: str
    losses: dict[str, dict[str, float]] = field(default_factory=dict)
    writedown: dict[str, float] = field(default_factory=dict)
    relative_equity_loss: dict[str, float] = field(default_factory=dict)

    def add(self, agent: str, channel: str, x: float) -> None:
        """Add a loss (or, negative, a gain) of ``agent`` through ``channel``."""
        if x != 0.0:
            by = self.losses.setdefault(agent, {})
            by[channel] = by.get(channel, 0.0) + x

    def loss(self, agent: str) -> float:
        """What ``agent`` loses in all (negative: it gains)."""
        return sum(self.losses.get(agent, {}).values())

    def total(self, channels: Sequence[str]) -> float:
        """Losses through ``channels``, over every balance sheet."""
        return sum(x for by in self.losses.values() for c, x in by.items() if c in channels)

    @property
    def direct_loss(self) -> float:
        """Value the default destroys outside claims: fire-sale and stranded capacity."""
        return self.total(DIRECT)

    @property
    def claims_loss(self) -> float:
        """Losses passed to other balance sheets: write-offs and shares."""
        return self.total(THROUGH_CLAIMS)

    def relative_to(self, book_equity: Mapping[str, float]) -> None:
        """Set each balance sheet's loss relative to its book equity before the default."""
        for agent, before in book_equity.items():
            x = self.loss(agent)
            if x > 0.0:
                self.relative_equity_loss[agent] = min(1.0, x / before) if before > 0.0 else 1.0
