"""Run a lesson and check its claim: the lesson's runs, each check's values, and words for them.

The claim of a lesson is a list of checks (``lessons.loader.Check``); each compares a number
read from one run (a run-summary field, or a statistic of a reported column over a window)
with a threshold or with a number read from another run. This module only reads what the
model reports; it computes no economics.
"""

from __future__ import annotations

import math
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from economy.observation import COLUMNS, RunSummary, collected
from lessons.loader import (
    CHANGED_RUN,
    EN,
    NONE,
    PRESET_RUN,
    BandEdge,
    Check,
    Lesson,
    Quantity,
    Window,
)
from text import has, tr

_UNITS = {c.name: c.unit for c in COLUMNS}  # each reported column's unit

Value = float | int | str | tuple[float, float] | None


@dataclass
class RunResult:
    """One finished run of a lesson.

    Attributes:
        name: ``preset``, ``changed`` or an extra run's name.
        preset: scenario preset.
        overrides: parameter values set over the preset.
        seed: random seed.
        model: the model after the run (the view can show it as it is).
        columns: every reported column, one value per month.
        summary: the run summary.
    """

    name: str
    preset: str
    overrides: dict[str, float | int]
    seed: int
    model: Any
    columns: dict[str, list[Any]]
    summary: RunSummary

    @property
    def first_default_month(self) -> int | None:
        """Month of the first default, or None if nobody defaulted."""
        return self.summary.get("first_default_month")


@dataclass(frozen=True)
class CheckResult:
    """A check and what the runs gave: its two sides and whether it holds."""

    check: Check
    left: Value
    right: Value
    holds: bool


@dataclass
class Outcome:
    """A lesson run at one seed: every run, every check, and whether the claim holds."""

    lesson: Lesson
    seed: int
    runs: dict[str, RunResult]
    results: list[CheckResult]

    @property
    def holds(self) -> bool:
        """Whether every check holds."""
        return all(r.holds for r in self.results)


RunCache = MutableMapping[tuple[Any, ...], RunResult]


# ---------------------------------------------------------------------- running
def _columns(model: Any) -> dict[str, list[Any]]:
    """The run's columns; a carried column's undefined months are None (nothing to measure)."""
    return collected(model.datacollector)


def run_one(
    preset: str,
    overrides: dict[str, float | int],
    seed: int,
    months: int,
    name: str = PRESET_RUN,
    cache: RunCache | None = None,
) -> RunResult:
    """Run the model for ``months`` months (reusing ``cache`` when the same run is in it)."""
    from model import AIBubbleModel

    key = (preset, tuple(sorted(overrides.items())), seed, months)
    if cache is not None and key in cache:
        hit = cache[key]
        return RunResult(name, preset, dict(overrides), seed, hit.model, hit.columns, hit.summary)
    values: dict[str, Any] = dict(overrides)
    model = AIBubbleModel(rng=seed, preset=preset, **values)
    model.run_for(months)
    summary = model.observation.summary()
    result = RunResult(name, preset, dict(overrides), seed, model, _columns(model), summary)
    if cache is not None:
        cache[key] = result
    return result


def runs_needed(lesson: Lesson) -> list[str]:
    """The runs a lesson's claim reads, plus ``preset`` and ``changed`` (always run)."""
    names = [PRESET_RUN, CHANGED_RUN]
    for c in lesson.checks:
        for q in (c.left, c.right):
            if isinstance(q, Quantity) and q.run not in names:
                names.append(q.run)
    return names


def evaluate(lesson: Lesson, seed: int, cache: RunCache | None = None) -> Outcome:
    """Run the lesson's runs at ``seed`` and check every part of its claim."""
    runs = {
        name: run_one(lesson.preset, lesson.overrides(name), seed, lesson.months, name, cache)
        for name in runs_needed(lesson)
    }
    results = [check_one(c, runs) for c in lesson.checks]
    return Outcome(lesson=lesson, seed=seed, runs=runs, results=results)


# ---------------------------------------------------------------------- reading values
def window_months(window: Window, run: RunResult, n: int) -> range:
    """The months (row indices) a window covers in a run of ``n`` months."""
    fd = run.first_default_month
    if window.kind == "all":
        return range(n)
    if window.kind == "before_first_default":
        return range(n if fd is None else min(fd, n))
    if window.kind == "at_first_default":
        return range(0) if fd is None else range(fd, min(fd + 1, n))
    if window.kind == "from_first_default":
        return range(0) if fd is None else range(fd, n)
    return range(window.start, min(window.end + 1, n))


def _finite(values: Sequence[Any], months: range) -> list[tuple[int, float]]:
    out = []
    for m in months:
        v = values[m]
        if v is None:
            continue
        v = float(v)
        if math.isfinite(v):
            out.append((m, v))
    return out


def column_stat(
    values: Sequence[Any], months: range, stat: str | None, level: float | None = None
) -> float | int | None:
    """A statistic of a column over some months; None when there is nothing to measure.

    Missing values (None, NaN: for example the fuel indicator in a year without orders) are
    left out. ``growth`` is last / first - 1; ``first_month_below`` / ``first_month_above``
    give the first month whose value is below / above ``level`` (None if none is).
    """
    pts = _finite(values, months)
    if not pts:
        return None
    xs = [v for _, v in pts]
    if stat == "max":
        return max(xs)
    if stat == "min":
        return min(xs)
    if stat == "mean":
        return sum(xs) / len(xs)
    if stat == "sum":
        return sum(xs)
    if stat == "first":
        return xs[0]
    if stat == "last":
        return xs[-1]
    if stat == "growth":
        return None if xs[0] == 0 else xs[-1] / xs[0] - 1.0
    if stat in ("first_month_below", "first_month_above"):
        if level is None:
            raise ValueError(f"statistic {stat!r} needs a level")
        if stat == "first_month_below":
            return next((m for m, v in pts if v < level), None)
        return next((m for m, v in pts if v > level), None)
    raise ValueError(f"unknown statistic {stat!r}")


def quantity_value(q: Quantity, runs: dict[str, RunResult]) -> float | int | str | None:
    """The value of a quantity in the lesson's runs (None when there is none)."""
    run = runs[q.run]
    if q.summary is not None:
        value = run.summary.get(q.summary)
    else:
        n = len(run.columns["month"])
        months = window_months(q.window, run, n)
        if q.column is None:
            raise ValueError("a quantity names a column or a summary field")
        level = q.level.value(run.model.p) if isinstance(q.level, BandEdge) else q.level
        value = column_stat(run.columns[q.column], months, q.stat, level)
        if q.over is not None and value is not None:
            below = column_stat(run.columns[q.over], months, q.stat)
            value = None if not below else float(value) / below
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if q.times == 1.0 and q.plus == 0.0:
        return value
    return value * q.times + q.plus


def compare(left: Value, op: str, right: Value, tolerance: float = 0.0) -> bool:
    """Whether ``left op right`` holds; a missing number fails every comparison but ``!=``."""
    if isinstance(right, str) or isinstance(left, str):
        lhs = NONE if left is None else left
        rhs = right
        if op == "==":
            return lhs == rhs
        if op == "!=":
            return lhs != rhs
        return False
    if left is None or right is None:
        return False
    if isinstance(left, tuple):
        return False  # a measured value is a number
    if op == "between":
        if not isinstance(right, tuple):
            return False
        lo, hi = right
        return float(lo) <= float(left) <= float(hi)
    if isinstance(right, tuple):
        return False
    a, b = float(left), float(right)
    if op == "within":
        return abs(a - b) <= tolerance + 1e-12
    return {
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
        "==": a == b,
        "!=": a != b,
    }[op]


def check_one(check: Check, runs: dict[str, RunResult]) -> CheckResult:
    """Evaluate one check on the lesson's runs."""
    left = quantity_value(check.left, runs)
    right: Value
    if isinstance(check.right, Quantity):
        right = quantity_value(check.right, runs)
    elif isinstance(check.right, BandEdge):  # read from the run the left side looks at
        right = check.right.value(runs[check.left.run].model.p)
    else:
        right = check.right
    return CheckResult(check, left, right, compare(left, check.op, right, check.tolerance))


# ---------------------------------------------------------------------- words
def word(key: str, lang: str, **fmt: Any) -> str:
    """A word of the claim descriptions in ``lang`` (``text/strings.toml``, ``claim_<key>``)."""
    return tr(f"claim_{key}", lang, **fmt)


def month_text(month: int, lang: str = EN) -> str:
    """Month index as ``2026-06``."""
    year, m = divmod(int(month), 12)
    return f"{2024 + year}-{m + 1:02d}"


def run_label(name: str, lang: str) -> str:
    """A run's name in words (the same words as the live view's)."""
    if name in (PRESET_RUN, CHANGED_RUN):
        return tr(f"run_{name}", lang)
    return tr("run_extra", lang, name=name)


def _window_text(w: Window, lang: str) -> str:
    if w.kind == "all":
        return ""
    if w.kind != "months":
        return word(f"win_{w.kind}", lang)
    if w.start % 12 == 0 and w.end == w.start + 11:
        return word("win_year", lang, year=2024 + w.start // 12)
    return word("win_months", lang, start=month_text(w.start), end=month_text(w.end))


def is_month(q: Quantity) -> bool:
    """Whether a quantity is a month (shown with its date)."""
    if q.summary is not None:
        return q.summary.endswith("_month") and q.times == 1.0
    return q.stat in ("first_month_below", "first_month_above") and q.times == 1.0


def describe_quantity(q: Quantity, lang: str) -> str:
    """A quantity in words: ``highest circularity_nvidia before ... (the preset run)``."""
    if q.summary is not None:
        what = q.summary
    else:
        column = q.column if q.over is None else word("over", lang, a=q.column, b=q.over)
        if q.stat in ("first_month_below", "first_month_above"):
            level = describe_edge(q.level, lang) if isinstance(q.level, BandEdge) else q.level
            what = word(f"stat_{q.stat}", lang, column=column, level=fmt_number(level))
        else:
            what = f"{word(f'stat_{q.stat}', lang)} {column}"
        win = _window_text(q.window, lang)
        if win:
            what = word("windowed", lang, what=what, window=win)
    if q.times != 1.0:
        what = f"{fmt_number(q.times)} × {what}"
    if q.plus:
        what = f"{what} {'+' if q.plus > 0 else '−'} {fmt_number(abs(q.plus))}"
    return word("of_run", lang, what=what, run=run_label(q.run, lang))


def describe_edge(edge: BandEdge, lang: str) -> str:
    """A gauge's band edge in words: ``Engine · user growth: danger band, upper edge``."""
    return word(
        "band_edge",
        lang,
        gauge=tr(f"gauge_{edge.gauge}", lang),
        band=tr(f"band_{edge.band}", lang),
        side=word(f"edge_{edge.side}", lang),
    )


def fmt_word(v: str, lang: str) -> str:
    """A word a check compares with (a regime's name) in ``lang``."""
    key = f"regime_{v}"
    return tr(key, lang) if has(key) else v


def fmt_number(v: Any) -> str:
    """A number as short text (``0.0012``, ``13.1``, ``56``)."""
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    v = float(v)
    if v.is_integer() and abs(v) < 1e6:
        return f"{int(v)}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:.2f}".rstrip("0").rstrip(".")
    return f"{v:.3g}"


def fmt_value(v: Value, month: bool, lang: str, percent: bool = False) -> str:
    """A measured value: a month with its date, ``never`` for a month that never came.

    ``percent``: a fraction shown in %, as the charts and the lessons' texts show it.
    """
    if v is None:
        return word("never", lang) if month else word("no_value", lang)
    if isinstance(v, str):
        return fmt_word(v, lang)
    if isinstance(v, tuple):
        return " - ".join(fmt_value(x, month, lang, percent) for x in v)
    if month:
        return f"{int(v)} ({month_text(int(v))})"
    if percent:
        return f"{fmt_number(float(v) * 100.0)}%"
    return fmt_number(v)


def is_fraction(q: Quantity) -> bool:
    """Whether a quantity is a column measured as a fraction (shown in %)."""
    if q.summary is not None or q.over is not None or is_month(q):
        return False
    return _UNITS.get(q.column or "") == "fraction"


def describe_check(check: Check, lang: str) -> str:
    """A check in words, without its values."""
    left = describe_quantity(check.left, lang)
    month = is_month(check.left)
    percent = is_fraction(check.left)
    if isinstance(check.right, Quantity):
        right = describe_quantity(check.right, lang)
    elif isinstance(check.right, BandEdge):
        right = describe_edge(check.right, lang)
    elif isinstance(check.right, tuple):
        lo, hi = (fmt_value(v, month, lang, percent) for v in check.right)
        return f"{left} {word('between', lang, lo=lo, hi=hi)}"
    elif check.right == NONE:
        right = word("never", lang)
    else:
        right = fmt_value(check.right, month, lang, percent)
    if check.op == "within":
        return word("within", lang, left=left, right=right, tol=fmt_number(check.tolerance))
    op = {"==": "=", "!=": "≠", "<=": "≤", ">=": "≥"}.get(check.op, check.op)
    return f"{left} {op} {right}"


def describe_result(result: CheckResult, lang: str) -> tuple[str, str, str]:
    """(the check in words, the measured left side, the measured right side)."""
    c = result.check
    percent = is_fraction(c.left)
    left = fmt_value(result.left, is_month(c.left), lang, percent)
    if isinstance(c.right, Quantity):
        right = fmt_value(result.right, is_month(c.right), lang, is_fraction(c.right))
    elif c.right == NONE:
        right = word("never", lang)
    elif isinstance(c.right, tuple):
        right = "–".join(fmt_value(v, is_month(c.left), lang, percent) for v in c.right)
    else:
        right = fmt_value(result.right, is_month(c.left), lang, percent)
    return describe_check(c, lang), left, right
