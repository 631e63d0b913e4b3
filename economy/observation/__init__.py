"""Observation: what the model publishes, defined once.

* ``columns``: every monthly column with its unit, meaning and computation (``COLUMNS``),
  and the three loop flows (``LOOP_FLOWS``).
* ``events``: typed events (``EventKind``, ``Event``, ``EventLog``) and their templates.
* ``summary``: the run summary (``RunSummary``), used by the CLI, sweeps, the sweep store,
  the lessons and the benchmarks.
* ``observer``: ``Observation``, the monthly histories the columns, the valuations and the
  regimes read, recorded at the end of each month.
* ``names``: display names and the calendar of months.
"""

from .columns import (
    CARRIED,
    COLUMN_NAMES,
    COLUMNS,
    LOOP_FLOWS,
    Carried,
    Column,
    LoopFlow,
    collected,
    columns_markdown,
    masked,
)
from .events import EVENT_TEMPLATES, REASON_TEMPLATES, DefaultReason, Event, EventKind, EventLog
from .names import LABELS, month_date
from .observer import Observation
from .summary import RunSummary

__all__ = [
    "CARRIED",
    "COLUMNS",
    "COLUMN_NAMES",
    "EVENT_TEMPLATES",
    "LABELS",
    "LOOP_FLOWS",
    "REASON_TEMPLATES",
    "Carried",
    "Column",
    "DefaultReason",
    "Event",
    "EventKind",
    "EventLog",
    "LoopFlow",
    "Observation",
    "RunSummary",
    "collected",
    "columns_markdown",
    "masked",
    "month_date",
]
