"""Dated figures and the vintage filter the fits read them through.

A fit for the ``reported`` preset may use only figures about months up to the article's
vintage (``REPORTED_VINTAGE``, October 2025). Every figure a fit reads comes from
:func:`fit_points`, which refuses anything dated later; the later figures (full-year 2025
revenue, compute at the end of 2025, users in 2026) are out of sample and only
:mod:`calibration.out_of_sample` (and a ``history`` preset) read them.

Figures come from the project's ``data/`` only: the dated series rows of
``data/calibration.csv`` (``YYYY-MM:value;...``), its yearly and half-yearly rows (dated
by the month they end, listed in ``PERIOD_ROWS``) and ``data/realised.csv`` (a copy of
the realised figures of the shared data, one dated row each).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from params import ROOT, calibration_table

REPORTED_VINTAGE = "2025-10"
REALISED_NAME = "data/realised.csv"
REALISED_CSV = ROOT / REALISED_NAME

# scalar calibration rows about a period, dated by the period's last month
PERIOD_ROWS = {
    "openai_revenue_2024": "2024-12",
    "openai_revenue_h1_2025": "2025-06",
    "openai_revenue_2025": "2025-12",
}
SERIES_ROWS = ("chatgpt_weekly_users",)


class VintageError(ValueError):
    """A fit asked for a figure dated after its vintage, or for one that does not exist."""


@dataclass(frozen=True)
class Point:
    """One dated figure: ``key`` on ``date`` (YYYY-MM), from ``origin`` (a file and row)."""

    key: str
    date: str
    value: float
    origin: str


@cache
def all_points() -> tuple[Point, ...]:
    """Every dated figure in the project's data, in file order."""
    cal = calibration_table()
    out: list[Point] = []
    for key in SERIES_ROWS:
        for item in cal[key].value.split(";"):
            date, value = item.split(":")
            out.append(Point(key, date, float(value), f"data/calibration.csv:{key}"))
    for key, date in PERIOD_ROWS.items():
        out.append(Point(key, date, float(cal[key].value), f"data/calibration.csv:{key}"))
    with REALISED_CSV.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.append(Point(row["key"], row["date"][:7], float(row["value"]), REALISED_NAME))
    return tuple(out)


def fit_points(key: str, vintage: str = REPORTED_VINTAGE) -> list[Point]:
    """The figures of ``key`` dated up to ``vintage`` (one per date; the first source wins).

    Raises:
        VintageError: no figure of ``key`` is that old.
    """
    chosen: dict[str, Point] = {}
    for pt in all_points():
        if pt.key == key and pt.date <= vintage:
            chosen.setdefault(pt.date, pt)
    if not chosen:
        raise VintageError(f"no figure of {key!r} dated up to {vintage}")
    return [chosen[d] for d in sorted(chosen)]


def fit_point(key: str, date: str, vintage: str = REPORTED_VINTAGE) -> Point:
    """The figure of ``key`` on ``date``, refused if ``date`` is after ``vintage``."""
    if date > vintage:
        raise VintageError(
            f"{key} on {date} is dated after the vintage {vintage}: it is out of sample"
        )
    for pt in fit_points(key, vintage):
        if pt.date == date:
            return pt
    raise VintageError(f"no figure of {key!r} on {date}")


def realised(key: str, date: str) -> Point:
    """An out-of-sample figure (any date), for checks only, never for a fit.

    A figure in ``data/realised.csv`` wins over a calibration row of the same key and date.
    """
    for pt in sorted(all_points(), key=lambda x: x.origin != REALISED_NAME):
        if pt.key == key and pt.date == date:
            return pt
    raise VintageError(f"no figure of {key!r} on {date}")


def month_of(date: str) -> int:
    """``YYYY-MM`` as a model month (0 = January 2024)."""
    year, month = (int(x) for x in date.split("-"))
    return (year - 2024) * 12 + month - 1
