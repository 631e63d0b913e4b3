"""The data collector of every published column: Mesa's, taking the month's row in one pass."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mesa

from .columns import COLUMN_NAMES


def _column(name: str) -> Callable[[Any], Any]:
    def get(model: Any) -> Any:
        return model.observation.stats[name]

    get.__name__ = name
    return get


class MonthCollector(mesa.DataCollector):
    """Mesa's data collector of every column, taking the month's row in one pass.

    The reporters stay (one per column, reading ``observation.stats``), so the collector
    reads and extends as Mesa's does; while they are the columns alone, a month's row is
    appended straight from the stats (the values are numbers and strings: no copies).
    """

    def __init__(self) -> None:
        super().__init__(model_reporters={name: _column(name) for name in COLUMN_NAMES})
        self._row = [(name, self.model_vars[name]) for name in COLUMN_NAMES]

    def collect(self, model: Any) -> None:
        """Collect the month's columns (Mesa's way when other reporters were added)."""
        if (
            len(self.model_reporters) != len(self._row)
            or self.agent_reporters
            or self.agenttype_reporters
        ):
            super().collect(model)
            return
        self._collection_steps.append(model.time)
        stats = model.observation.stats
        for name, values in self._row:
            values.append(stats[name])
