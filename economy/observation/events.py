"""Typed events: a kind, the firm it is about, and its fields; words come from templates.

Each ``EventKind`` has a template per language whose placeholders are the event's fields:
``{name:party}`` is a firm or fund shown by its label, ``{name:date}`` a month shown as
YYYY-MM, ``{name:money}`` US$ bn as $2.1B; other format specs are Python's.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..indicators import money_bn
from .names import LABELS, month_date


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
    IMPLAUSIBLE = "implausible"

    @property
    def log_kind(self) -> str:
        """The kind as the event log shows it (an announced deal is a contract)."""
        return "contract" if self is EventKind.ANNOUNCED_CONTRACT else self.value


class DefaultReason(Enum):
    """Why a firm defaults."""

    ARREARS = "arrears"
    BOOK_EQUITY = "book_equity"


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
        EventKind.IMPLAUSIBLE: (
            "{what} ({column}) reached {value:.3g} {unit}, beyond the plausible bound of "
            "{bound:,.0f} ({reason}): what follows is an artefact of the parameters, not a forecast"
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


class EventLog:
    """The run's events, in the order they happened."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def log(self, month: int, kind: EventKind, firm: str, /, **values: Any) -> None:
        """Add a dated event (``values`` may hold a field named ``firm`` too)."""
        self.events.append(Event(month, kind, firm, values))

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)
