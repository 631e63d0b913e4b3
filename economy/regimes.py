"""Regimes of the loop, classified every month with the definitions of docs/model.md §7.13.

Tests over a trailing window (``regime_window_months``, default 6):

* ``collapse``: a loop member has defaulted or the app company cannot fund itself.
  Absorbing, and immediate (a default is an event, not a trend).
* ``stalling``: a contract was cancelled, or capex is falling year on year while backlog
  remains and the app company is still burning cash, or the app company's runway is under
  ``stalling_max_runway`` months. (The shared definition has no burn condition; without
  it a profitable app company whose clouds have finished building reads "stalling".)
* ``rising``: deployed GW and loop throughput are both growing over the window and the
  app company's runway is at least ``rising_min_runway`` months.
* ``plateau``: deployed GW grows less than ``plateau_growth`` a year and nothing defaulted.

The first test that holds, in that order, is the month's raw regime; a month where none
holds keeps the current regime. A new regime is adopted once it has been the raw regime
for ``regime_persist_months`` months in a row. The run opens in ``rising`` (the state of
the loop in January 2024).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Regime(StrEnum):
    """State of the loop."""

    RISING = "rising"
    PLATEAU = "plateau"
    STALLING = "stalling"
    COLLAPSE = "collapse"

    @property
    def severity(self) -> int:
        """0 rising, 1 plateau, 2 stalling, 3 collapse (for "worst regime reached")."""
        return _SEVERITY[self]


_SEVERITY = {Regime.RISING: 0, Regime.PLATEAU: 1, Regime.STALLING: 2, Regime.COLLAPSE: 3}


@dataclass(frozen=True, slots=True)
class Signals:
    """What the classifier looks at in one month."""

    deployed_gw: float
    loop_throughput: float
    capex: float
    backlog: float
    runway: float
    cancelled: int
    defaulted: bool
    app_burning: bool = True  # the app company's costs exceed its revenue


@dataclass
class RegimeClassifier:
    """Keeps the trailing history and the hysteresis state."""

    window: int = 6
    persist: int = 3
    plateau_growth: float = 0.05
    rising_min_runway: float = 12.0
    stalling_max_runway: float = 6.0
    current: Regime = Regime.RISING
    history: list[Signals] = field(default_factory=list)
    raw_history: list[Regime | None] = field(default_factory=list)

    def raw(self) -> Regime | None:
        """The month's raw regime from the tests, or None when no test holds."""
        h = self.history
        now = h[-1]
        w = self.window
        if now.defaulted:
            return Regime.COLLAPSE
        recent = h[-w:]
        cancelled = sum(o.cancelled for o in recent) > 0
        capex_falling = False
        if len(h) >= 12 + w:
            this_year = sum(o.capex for o in h[-w:])
            last_year = sum(o.capex for o in h[-12 - w : -12])
            # a build-out that ends while the app company pays its way is not a stall
            capex_falling = this_year < last_year and now.backlog > 0.0 and now.app_burning
        if cancelled or capex_falling or now.runway < self.stalling_max_runway:
            return Regime.STALLING
        past = h[max(0, len(h) - 1 - w)]
        months = min(w, len(h) - 1)
        gw_growing = now.deployed_gw > past.deployed_gw
        prev = h[-2 * w : -w]
        thr_now = sum(o.loop_throughput for o in recent) / len(recent)
        thr_before = sum(o.loop_throughput for o in prev) / len(prev) if prev else 0.0
        thr_growing = thr_now > thr_before
        if gw_growing and thr_growing and now.runway >= self.rising_min_runway:
            return Regime.RISING
        if months > 0 and past.deployed_gw > 0.0:
            yearly = (now.deployed_gw / past.deployed_gw) ** (12.0 / months) - 1.0
            if yearly < self.plateau_growth:
                return Regime.PLATEAU
        return None

    def pending(self) -> tuple[Regime | None, int]:
        """A regime the tests point to that is not adopted yet, and for how many months.

        (None, 0) when this month's tests agree with the current regime or none holds.
        """
        if not self.raw_history:
            return None, 0
        raw = self.raw_history[-1]
        if raw is None or raw is self.current:
            return None, 0
        n = 0
        for r in reversed(self.raw_history):
            if r is not raw:
                break
            n += 1
        return raw, n

    def update(self, obs: Signals) -> Regime:
        """Add a month and return the regime it is in."""
        self.history.append(obs)
        raw = self.raw()
        self.raw_history.append(raw)
        if self.current is Regime.COLLAPSE:
            return self.current
        if raw is Regime.COLLAPSE:
            self.current = raw
        elif raw is not None and raw is not self.current:
            tail = self.raw_history[-self.persist :]
            if len(tail) == self.persist and all(r is raw for r in tail):
                self.current = raw
        return self.current
