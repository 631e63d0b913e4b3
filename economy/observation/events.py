"""Typed events: a kind, the firm it is about, and its fields; words come from templates.

Each ``EventKind`` has a template per language (``text/events.toml``) whose placeholders are
the event's fields: ``{name:party}`` is a firm or fund shown by its label, ``{name:date}`` a
month (YYYY-MM in English, 2025年3月 in Chinese), ``{name:money}`` US$ bn ($2.1B, 21 億美元),
``{name:phrase}`` an English phrase of the model in the reader's language; other format
specs are Python's.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from text import EN, LANGS, money, month_label, phrase, template

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
    EQUITY_ISSUE = "equity_issue"
    BACKSTOP = "backstop"
    DATED_EQUITY = "dated_equity"
    CONTRACT_CUT = "contract_cut"
    BUILD_WAITS = "build_waits"
    BUILD_CANCELLED = "build_cancelled"
    PREPAYMENT = "prepayment"
    LOAN_CALLED = "loan_called"
    COVENANT_BREACH = "covenant_breach"
    COVENANT_WAIVED = "covenant_waived"
    COVENANT_ENFORCED = "covenant_enforced"
    FUND_GATED = "fund_gated"
    LENDER_FAILED = "lender_failed"
    DEFAULT = "default"
    IMPLAUSIBLE = "implausible"

    @property
    def log_kind(self) -> str:
        """The kind as the event log shows it (an announced deal is a contract)."""
        return "contract" if self is EventKind.ANNOUNCED_CONTRACT else self.value


class DefaultReason(Enum):
    """Why a firm defaults."""

    ARREARS = "arrears"


# The templates are data: text/events.toml, one per kind and language (the English ones
# write the event log's text column, so the goldens).
EVENT_TEMPLATES: dict[str, dict[EventKind, str]] = {
    lang: {kind: template(f"event_{kind.value}", lang) for kind in EventKind} for lang in LANGS
}
REASON_TEMPLATES: dict[str, dict[DefaultReason, str]] = {
    lang: {r: template(f"reason_{r.value}", lang) for r in DefaultReason} for lang in LANGS
}


class _Formatter(string.Formatter):
    def __init__(self, labels: Mapping[str, str], lang: str = EN):
        self.labels = labels
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "party":
            return self.labels.get(value, str(value))
        if format_spec == "date":
            date = month_date(int(value))
            return date[:7] if self.lang == EN else month_label(date, self.lang)
        if format_spec == "money":
            return money_bn(value) if self.lang == EN else money(value, self.lang)
        if format_spec == "phrase":
            return phrase(str(value), self.lang)
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

    def text(self, lang: str = EN, labels: Mapping[str, str] = LABELS) -> str:
        """The event as a sentence in ``lang`` (its template filled with the fields).

        ``labels`` names the firms and funds (the view passes them in the reader's language).
        """
        fmt = _Formatter(labels, lang)
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
