"""The seed article's three dashboard indicators as gauges: their columns, dials and bands.

The bands are a reading aid, not part of the model (nothing in a run depends on them); they
are defined here, beside the indicators (``economy/indicators.py``), so the live view draws
them and the lessons name them (``{ band = "engine.danger" }``) from one definition:

* engine, user growth year on year (``engine_user_growth``): danger under 20 %, warning
  20-50 %, healthy from 50 % (the article's stall is 251.7 % falling to 35 %);
* gears, the clouds' trailing-12-month capex / loop revenue (``gears_capex_to_revenue``):
  healthy up to 1, warning 1-3, danger above 3 (a year of capex that takes more than three
  years of revenue to earn back, before running costs, is not paid back within the chips'
  life);
* fuel, trailing-12-month capex per unit of effective compute (``fuel_capex_per_compute``),
  relative to the month-0 capex per GW of 2024 chips (``capex_per_gw``): healthy up to
  0.8 x, warning 0.8-1 x, danger above 1 x (each dollar buys no more compute than in
  January 2024).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

HEALTHY, WARNING, DANGER = "healthy", "warning", "danger"
BANDS = (HEALTHY, WARNING, DANGER)
LOW, HIGH = "low", "high"  # the two edges of a band


@dataclass(frozen=True)
class Gauge:
    """One gauge: the column it reads, its dial and its bands.

    Attributes:
        key: ``engine``, ``gears`` or ``fuel``.
        column: the reported column it shows.
        lo: left end of the dial.
        hi: right end of the dial.
        bands: (upper bound, band name) from ``lo`` upwards; the last bound is ``hi`` (the
            last band goes on past the dial).
        percent: the value is a share, shown as a percentage.
        scale: the parameter the dial and the bounds are multiples of (None: absolute).
    """

    key: str
    column: str
    lo: float
    hi: float
    bands: tuple[tuple[float, str], ...]
    percent: bool = False
    scale: str | None = None

    def band(self, value: float) -> str:
        """The band ``value`` falls in."""
        for upper, name in self.bands:
            if value <= upper:
                return name
        return self.bands[-1][1]

    def edge(self, band: str, side: str | None = None) -> float:
        """Where ``band`` begins (``low``) or ends (``high``).

        ``side`` may be left out for a band with one finite edge (the first and last
        bands: the dial's ends are not edges).

        Raises:
            ValueError: no such band, or no such edge.
        """
        names = [name for _, name in self.bands]
        if band not in names:
            raise ValueError(f"the {self.key} gauge has no band {band!r}; it has {names}")
        i = names.index(band)
        low = self.bands[i - 1][0] if i > 0 else -math.inf
        high = self.bands[i][0] if i < len(self.bands) - 1 else math.inf
        if side is None:
            finite = [x for x in (low, high) if math.isfinite(x)]
            if len(finite) != 1:
                raise ValueError(f"the {band} band of the {self.key} gauge has two edges: name one")
            return finite[0]
        value = {LOW: low, HIGH: high}.get(side)
        if value is None or not math.isfinite(value):
            raise ValueError(f"the {band} band of the {self.key} gauge has no {side} edge")
        return value

    def scaled(self, factor: float) -> Gauge:
        """The gauge with its dial and bounds multiplied by ``factor``."""
        bands = tuple((upper * factor, name) for upper, name in self.bands)
        return replace(self, lo=self.lo * factor, hi=self.hi * factor, bands=bands)


GAUGES: tuple[Gauge, ...] = (
    Gauge(
        "engine",
        "engine_user_growth",
        0.0,
        3.0,
        ((0.20, DANGER), (0.50, WARNING), (3.0, HEALTHY)),
        percent=True,
    ),
    Gauge(
        "gears",
        "gears_capex_to_revenue",
        0.0,
        10.0,
        ((1.0, HEALTHY), (3.0, WARNING), (10.0, DANGER)),
    ),
    Gauge(
        "fuel",
        "fuel_capex_per_compute",
        0.0,
        1.5,
        ((0.8, HEALTHY), (1.0, WARNING), (1.5, DANGER)),
        scale="capex_per_gw",
    ),
)
GAUGE_KEYS = tuple(g.key for g in GAUGES)


def gauges(params: Any) -> tuple[Gauge, ...]:
    """The gauges of a run: a relative gauge is scaled by its parameter's value."""
    return tuple(g.scaled(float(getattr(params, g.scale))) if g.scale else g for g in GAUGES)


def gauge(key: str, params: Any) -> Gauge:
    """One gauge of a run, by key."""
    for g in gauges(params):
        if g.key == key:
            return g
    raise ValueError(f"no gauge {key!r}; the gauges are {', '.join(GAUGE_KEYS)}")
