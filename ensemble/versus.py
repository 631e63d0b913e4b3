"""Paired counterfactuals over a preset's prior: each draw run as drawn and with a change.

    uv run python run.py ensemble-versus --scenario reported --draws 100
        --set equity_issue_max_share=0 --set revolver_limit=0

Both arms of a pair run the same drawn parameters and the same seed; only the changed
parameters differ. For each dated outcome (a firm's default, a lender's failure) the
report gives how often it happens in each arm, with 95% Wilson intervals, and, over the
draws where its month moved, how often the change brought it earlier or pushed it later
(or prevented it): a direction is stated when it holds in at least 90% of the draws that
moved (``DIRECTION_SHARE``), and at least five moved (``MIN_MOVED``). Nothing is
stored; a rerun recomputes the same figures.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from .report import wilson
from .runner import EnsembleSpec, plan
from .worker import run_draw

DIRECTION_SHARE = 0.9  # a direction is stated when it holds in this share of moved draws
MIN_MOVED = 5  # and at least this many draws moved
BEFORE_2026 = 24  # months from January 2024


@dataclass(frozen=True)
class Pair:
    """One draw's outcomes in both arms (``None``: the draw failed in that arm)."""

    draw_id: int
    as_drawn: Mapping[str, Any] | None
    changed: Mapping[str, Any] | None
    error: str | None = None


@dataclass(frozen=True)
class Moved:
    """A dated outcome over the pairs: counts in each arm and where the change moved it."""

    key: str
    n: int
    as_drawn: int  # draws where it happens as drawn
    changed: int  # draws where it happens with the change
    earlier: int  # the change brought it earlier (or caused it)
    later: int  # the change pushed it later (or prevented it)

    @property
    def direction(self) -> str | None:
        """'earlier' or 'later' where one holds in ``DIRECTION_SHARE`` of moved draws.

        None where it does not, or where fewer than ``MIN_MOVED`` draws moved.
        """
        moved = self.earlier + self.later
        if moved < MIN_MOVED:
            return None
        if self.later >= DIRECTION_SHARE * moved:
            return "later"
        if self.earlier >= DIRECTION_SHARE * moved:
            return "earlier"
        return None


def _pair(job: tuple[str | None, int, int, int, dict[str, Any], dict[str, Any]]) -> Pair:
    scenario, months, draw_id, seed, values, overrides = job
    try:
        a = run_draw(scenario, months, seed, values)
        b = run_draw(scenario, months, seed, {**values, **overrides})
    except Exception as e:  # one failed draw never loses the others
        return Pair(draw_id, None, None, f"{type(e).__name__}: {e}"[:500])
    return Pair(draw_id, a, b)


def run_versus(
    spec: EnsembleSpec,
    overrides: Mapping[str, Any],
    workers: int | None = None,
    echo: Callable[[str], None] | None = None,
) -> list[Pair]:
    """Run every draw of ``spec`` twice: as drawn, and with ``overrides`` over the draw.

    Args:
        spec: the preset, prior, draws, months and root seed (as ``run.py ensemble``).
        overrides: parameter values that replace the preset's and the draw's.
        workers: processes (default: every core; 1 runs here).
        echo: where progress lines go (None: nowhere).
    """
    jobs = [
        (spec.scenario, spec.months, i, seed, values, dict(overrides))
        for i, seed, values in plan(spec)
    ]
    return map_jobs(_pair, jobs, workers, echo, "pairs")


def map_jobs[R](
    fn: Callable[[Any], R],
    jobs: Sequence[Any],
    workers: int | None,
    echo: Callable[[str], None] | None,
    what: str,
) -> list[R]:
    """``fn`` over ``jobs`` on a process pool (fork server), results in the jobs' order.

    ``fn`` must be a module-level function that never raises (it returns its errors);
    ``workers`` 1 runs here; progress goes to ``echo`` about every tenth of the jobs.
    """
    workers = workers or os.cpu_count() or 1
    t0 = time.monotonic()
    done: list[R] = []
    step = max(1, len(jobs) // 10)

    def note(result: R) -> None:
        done.append(result)
        if echo is not None and (len(done) % step == 0 or len(done) == len(jobs)):
            echo(f"  {len(done):,} of {len(jobs):,} {what} run ({time.monotonic() - t0:.0f} s)")

    if workers == 1 or len(jobs) == 1:
        for job in jobs:
            note(fn(job))
    else:
        ctx = multiprocessing.get_context("forkserver")  # no fork of a threaded process
        ctx.set_forkserver_preload(["parallel.bytecode", fn.__module__, "model"])
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx) as pool:
            for result in pool.map(fn, jobs, chunksize=max(1, len(jobs) // (4 * workers))):
                note(result)
    return done


def _month(value: Any) -> float:
    return float("inf") if value is None else float(value)


def moved(pairs: Sequence[Pair], key: str) -> Moved:
    """Counts of the dated outcome ``key`` over the pairs that ran in both arms."""
    ok = [p for p in pairs if p.as_drawn is not None and p.changed is not None]
    a = [_month(p.as_drawn.get(key)) for p in ok if p.as_drawn is not None]
    b = [_month(p.changed.get(key)) for p in ok if p.changed is not None]
    return Moved(
        key,
        len(ok),
        sum(x != float("inf") for x in a),
        sum(y != float("inf") for y in b),
        sum(y < x for x, y in zip(a, b, strict=True)),
        sum(y > x for x, y in zip(a, b, strict=True)),
    )


def dated_keys(pairs: Sequence[Pair]) -> list[str]:
    """The dated outcomes the pairs report: each firm's default, each lender's failure."""
    for p in pairs:
        if p.as_drawn is not None:
            keys = [k for k in p.as_drawn if k.startswith(("default_month_", "failed_month_"))]
            return ["first_default_month", *keys, "first_lender_failure_month"]
    return []


def _direction(m: Moved) -> str:
    if m.direction is not None:
        return m.direction
    return "-" if m.earlier + m.later >= MIN_MOVED else f"- (fewer than {MIN_MOVED} moved)"


def _pct(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{100 * k / n:.0f}% ({100 * lo:.0f}-{100 * hi:.0f})"


def report(pairs: Sequence[Pair], overrides: Mapping[str, Any]) -> str:
    """The pairs as a text table: each dated outcome in both arms and where it moved."""
    change = ", ".join(f"{k}={v}" for k, v in overrides.items())
    failed = [p for p in pairs if p.error is not None]
    n = len(pairs) - len(failed)
    lines = [f"{n} pairs: as drawn, and with {change}"]
    if failed:
        first = failed[0]
        lines.append(f"{len(failed)} draws failed (first: draw {first.draw_id}: {first.error})")
    if n == 0:
        return "\n".join(lines)
    lines.append(
        f"{'outcome':34s} {'as drawn':>14s} {'with the change':>16s} "
        f"{'earlier':>8s} {'later':>6s}  direction (>= {DIRECTION_SHARE:.0%} of moved)"
    )
    for key in dated_keys(pairs):
        m = moved(pairs, key)
        lines.append(
            f"{key:34s} {_pct(m.as_drawn, n):>14s} {_pct(m.changed, n):>16s} "
            f"{m.earlier:>8d} {m.later:>6d}  {_direction(m)}"
        )
    early = [
        (_month(p.as_drawn.get("first_default_month")) < BEFORE_2026)
        + 2 * (_month(p.changed.get("first_default_month")) < BEFORE_2026)
        for p in pairs
        if p.as_drawn is not None and p.changed is not None
    ]
    lines.append(
        f"{'any default before 2026':34s} {_pct(sum(x & 1 for x in early), n):>14s} "
        f"{_pct(sum(x >> 1 for x in early), n):>16s}"
    )
    lines.append(
        "earlier/later: draws where the change brought the outcome earlier (or caused it) "
        "or later (or prevented it)"
    )
    return "\n".join(lines)


def echo_stderr(text: str) -> None:
    """Progress on stderr."""
    print(text, file=sys.stderr, flush=True)
