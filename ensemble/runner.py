"""The ensemble driver: draw, resume what a store lacks, execute, store as draws finish.

::

    from ensemble.prior import resolve_prior
    from ensemble.runner import EnsembleSpec, run_ensemble

    spec = EnsembleSpec("reported", draws=200, months=120, root_seed=0,
                        prior=resolve_prior(None, "reported"))
    outcome = run_ensemble(spec, Path("runs/reported.duckdb"), workers=2)

Only this process writes the store. The draws (a Latin hypercube of the prior) and each
draw's seed follow from the root seed alone, so the same inputs give the same store and a
resumed ensemble runs exactly the draws that are missing. At most two chunks per worker
are in flight. Ctrl-C (or SIGTERM) stops cleanly: what is stored stays stored, and the
same command later runs only the missing draws.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import hashlib
import json
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parallel.pool import StopFlag

from . import EnsembleError
from .prior import Prior, draw_seed
from .store import SCHEMA_VERSION, Store, now_utc

MAX_CHUNK = 10
EXIT_INTERRUPTED = 130


class EnsembleMismatchError(EnsembleError):
    """The store holds a different ensemble."""


class EnsembleAbortedError(EnsembleError):
    """A worker died outside a draw (out of memory, lost Dask worker...)."""


@dataclass(frozen=True)
class EnsembleSpec:
    """What an ensemble runs: a preset, its prior, how many draws, months and the root seed."""

    scenario: str | None
    draws: int
    months: int
    root_seed: int
    prior: Prior

    def base_params(self) -> dict[str, Any]:
        """The preset's parameter values (the draws replace the prior's parameters)."""
        from params import Params, PresetError

        try:
            return Params.from_preset(self.scenario).to_dict()
        except PresetError as e:
            raise EnsembleError(str(e)) from None

    def meta(self) -> dict[str, Any]:
        """The ``ensemble`` row this spec writes (and a resumed store must match)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "scenario": self.scenario,
            "months": self.months,
            "root_seed": self.root_seed,
            "draws": self.draws,
            "prior_name": self.prior.name,
            "prior_source": self.prior.source,
            "prior_fingerprint": self.prior.fingerprint(),
            "prior_json": json.dumps(self.prior.to_json(), sort_keys=True),
            "base_params_json": json.dumps(self.base_params(), sort_keys=True),
            "model_fingerprint": model_fingerprint(),
        }

    def describe(self) -> str:
        """One line: draws, months, scenario, prior, root seed."""
        return (
            f"{self.draws:,} draws of {self.months} months, scenario "
            f"{self.scenario or 'none (calibration defaults)'}, prior {self.prior.name} "
            f"({len(self.prior.dists)} parameters drawn), root seed {self.root_seed}"
        )


@dataclass
class EnsembleOutcome:
    """What a call to :func:`run_ensemble` did."""

    store: Path
    planned: int
    ran: int
    failed: int
    stored_ok: int
    stored_failed: int
    interrupted: bool
    elapsed_s: float

    @property
    def missing(self) -> int:
        """Draws of the plan the store still lacks."""
        return self.planned - self.stored_ok - self.stored_failed


def plan(spec: EnsembleSpec) -> list[tuple[int, int, dict[str, Any]]]:
    """Every draw: (draw_id, seed, drawn values)."""
    values = spec.prior.draw(spec.draws, spec.root_seed)
    return [(i, draw_seed(spec.root_seed, i), v) for i, v in enumerate(values)]


_COMPARED = ("schema_version", "scenario", "months", "root_seed", "draws", "prior_fingerprint")
# what the model is made of: its code, its data and its presets (a change to any may move
# every outcome, so a store made before it is not resumed)
MODEL_SOURCES = ("agents", "economy", "model.py", "params.py", "data", "scenarios")


@functools.cache
def model_fingerprint() -> str:
    """A hash of the model's code, data and presets (``MODEL_SOURCES``)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for name in MODEL_SOURCES:
        path = root / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            if f.is_file() and f.suffix in {".py", ".csv", ".toml"}:
                digest.update(str(f.relative_to(root)).encode())
                digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def _difference(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    for key in _COMPARED:
        if old.get(key) != new.get(key):
            return f"{key} {old.get(key)!r}, not {new.get(key)!r}"
    if json.loads(old.get("base_params_json") or "{}") != json.loads(new["base_params_json"]):
        return "the preset's parameter values as they were then (they have changed since)"
    if old.get("model_fingerprint") != new["model_fingerprint"]:
        return "a model whose code, data or presets have changed since"
    return None


def open_store(
    spec: EnsembleSpec, store: Store, *, force_new: bool, echo: Callable[[str], Any]
) -> None:
    """Check the store against the spec; start a new one where it is empty.

    Raises:
        EnsembleMismatchError: the store holds another ensemble (unless ``force_new``).
    """
    from records.env import git_commit

    new = spec.meta()
    old = store.meta()
    if old is not None:
        problem = _difference(old, new)
        if problem is None and not force_new:
            return  # the same ensemble: resume it
        if problem is not None and not force_new:
            n = sum(store.counts().values())
            raise EnsembleMismatchError(
                f"{store.path} holds another ensemble ({problem}), {n:,} draws stored; use "
                "another --out, or --force-new to discard them"
            )
        echo(f"--force-new: discarded the ensemble in {store.path} ({store.reset():,} draws)")
    types = {d.name: "BIGINT" if d.integer else "DOUBLE" for d in spec.prior.dists}
    store.init({**new, "created_at": now_utc(), "git_commit": git_commit()}, types)


def _chunks(
    pending: list[tuple[int, int, dict[str, Any]]], spec: EnsembleSpec, size: int
) -> Iterator[tuple[dict[str, Any], list[int]]]:
    for i in range(0, len(pending), size):
        part = pending[i : i + size]
        chunk = {"scenario": spec.scenario, "months": spec.months, "draws": part}
        yield chunk, [d[0] for d in part]


def _rows(
    payload: dict[str, Any], planned: dict[int, tuple[int, int, dict[str, Any]]], session: int
) -> tuple[list[dict[str, Any]], int]:
    finished = now_utc()
    rows = []
    failed = 0
    for res in payload["results"]:
        draw_id, seed, values = planned[res["draw_id"]]
        row: dict[str, Any] = {
            "draw_id": draw_id,
            "seed": seed,
            "status": res["status"],
            "error": res["error"],
            **values,
        }
        for k, v in (res["outcomes"] or {}).items():
            row.setdefault(k, v)  # a parameter's column is never overwritten
        row.update(
            elapsed_s=res["elapsed_s"],
            worker=payload.get("worker"),
            session_id=session,
            finished_at=finished,
        )
        rows.append(row)
        failed += res["status"] != "ok"
    return rows, failed


def make_backend(workers: int | None, scheduler: str | None, insecure_cluster: bool) -> Any:
    """The back end running :func:`ensemble.worker.run_draws`."""
    from parallel.backends import make_backend as make

    from .worker import probe, run_draws

    return make(
        workers,
        scheduler,
        insecure_cluster,
        func=run_draws,
        preload=("ensemble.worker", "ensemble.outcomes", "model"),
        probe=probe,
        imports="model, ensemble",
    )


def run_ensemble(
    spec: EnsembleSpec,
    out: Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    insecure_cluster: bool = False,
    force_new: bool = False,
    retry_failed: bool = False,
    progress: bool = True,
    command: str | None = None,
    echo: Callable[[str], Any] = print,
) -> EnsembleOutcome:
    """Run (or resume) an ensemble into the DuckDB store ``out``.

    Args:
        spec: the ensemble.
        out: the store file; created if missing.
        workers: worker processes (default: every core; 1 runs in this process).
        scheduler: None (process pool), ``"local"`` (Dask LocalCluster) or the address
            of a running Dask scheduler.
        insecure_cluster: allow a plain ``tcp://`` scheduler that is not loopback.
        force_new: discard a different ensemble already in ``out``.
        retry_failed: also re-run draws stored as failed (missing draws always run).
        progress: show a progress bar on stderr.
        command: the command line, for the ``sessions`` table.
        echo: where to print messages.

    Raises:
        EnsembleMismatchError: ``out`` holds another ensemble. StoreError: ``out`` is held
        by another process or is not a store. BackendError: the back end cannot start.
        EnsembleAbortedError: a worker died outside a draw.
    """
    from parallel.backends import check_scheduler_address

    if spec.draws < 1:
        raise EnsembleError(f"--draws must be a whole number >= 1, got {spec.draws}")
    check_scheduler_address(scheduler, insecure_cluster)  # before the store is touched
    t0 = time.perf_counter()
    draws = plan(spec)
    store = Store(out)
    try:
        open_store(spec, store, force_new=force_new, echo=echo)  # refuses before any line
        echo(f"ensemble: {spec.describe()} -> {out}")
        statuses = store.statuses()
        pending = [
            d for d in draws if d[0] not in statuses or (retry_failed and statuses[d[0]] != "ok")
        ]
        if not pending:
            counts = store.counts()
            nf = counts.get("failed", 0)
            note = f" ({nf:,} failed; --retry-failed re-runs them)" if nf else ""
            echo(f"nothing to run: all {spec.draws:,} draws are stored{note}")
            return EnsembleOutcome(Path(out), spec.draws, 0, 0, counts.get("ok", 0), nf, False, 0.0)
        done_before = spec.draws - len(pending)
        if done_before:
            echo(f"resuming: {done_before:,} draws stored, {len(pending):,} to run")
        backend = make_backend(workers, scheduler, insecure_cluster)
        size = max(1, min(MAX_CHUNK, len(pending) // (backend.slots * 4)))
        session = store.begin_session(
            {"command": command, "backend": backend.describe(), "draws_pending": len(pending)}
        )
        echo(f"running {len(pending):,} draws on {backend.describe()}, {size} per task")
        tally = {"ran": 0, "failed": 0}
        try:
            interrupted = _execute(
                backend, store, spec, pending, size, session, done_before, tally, progress
            )
        except BaseException:
            store.end_session(session, "aborted", tally["ran"], tally["failed"])
            raise
        store.end_session(
            session, "interrupted" if interrupted else "complete", tally["ran"], tally["failed"]
        )
        counts = store.counts()
        outcome = EnsembleOutcome(
            Path(out),
            spec.draws,
            tally["ran"],
            tally["failed"],
            counts.get("ok", 0),
            counts.get("failed", 0),
            interrupted,
            time.perf_counter() - t0,
        )
        _report(outcome, echo)
        return outcome
    finally:
        store.close()


def _execute(
    backend: Any,
    store: Store,
    spec: EnsembleSpec,
    pending: list[tuple[int, int, dict[str, Any]]],
    size: int,
    session: int,
    done_before: int,
    tally: dict[str, int],
    progress: bool,
) -> bool:
    """Run the pending chunks and store them as they finish; returns whether interrupted."""
    from tqdm import tqdm

    planned = {d[0]: d for d in pending}
    source = _chunks(pending, spec, size)
    queue: deque[tuple[dict[str, Any], list[int]]] = deque()
    window = 1 if backend.name == "serial" else 2 * backend.slots
    inflight: dict[Any, list[int]] = {}
    bar = tqdm(
        total=spec.draws,
        initial=done_before,
        unit="draw",
        desc="ensemble",
        disable=not progress,
        file=sys.stderr,
        dynamic_ncols=True,
        mininterval=0.5,
    )
    clean = False
    try:
        with StopFlag() as stop:
            while True:
                while len(inflight) < window and not stop.requested:
                    if not queue:
                        nxt = next(source, None)
                        if nxt is None:
                            break
                        queue.append(nxt)
                    chunk, ids = queue.popleft()
                    try:
                        inflight[backend.submit(chunk)] = ids
                    except cf.BrokenExecutor as e:
                        raise _worker_died(e) from None
                if not inflight or stop.requested:
                    break
                done, _ = backend.wait(set(inflight), timeout=0.25)
                died: BaseException | None = None
                for fut in done:
                    ids = inflight.pop(fut)
                    try:
                        payload = fut.result()
                    except Exception as e:  # store the chunks that did finish, then stop
                        died = died or e
                        continue
                    rows, nf = _rows(payload, planned, session)
                    store.write_draws(rows)
                    tally["ran"] += len(ids)
                    tally["failed"] += nf
                    bar.update(len(ids))
                if died is not None:
                    raise _worker_died(died)
            interrupted = stop.requested
            signal_name = stop.signal_name
        clean = not inflight
    finally:
        bar.close()
        backend.close(cancel=not clean)
    if interrupted:
        print(f"ensemble: {signal_name} received, stopping", file=sys.stderr)
    return interrupted


def _worker_died(e: BaseException) -> EnsembleAbortedError:
    why = " ".join(str(e).split()) or "no message"
    return EnsembleAbortedError(
        f"a worker died outside a draw ({type(e).__name__}: {why}); the finished draws are "
        "stored; run the same command again to resume"
    )


def _report(o: EnsembleOutcome, echo: Callable[[str], Any]) -> None:
    echo(
        f"ran {o.ran:,} draws in {o.elapsed_s:.1f} s ({o.failed:,} failed); store {o.store}: "
        f"{o.stored_ok:,} ok, {o.stored_failed:,} failed, {o.missing:,} missing of {o.planned:,}"
    )
    if o.interrupted:
        echo(f"interrupted: run the same command again to finish the {o.missing:,} missing draws")
    if o.stored_failed:
        echo(
            f"{o.stored_failed:,} draws failed: their tracebacks are in draws.error; fix the "
            "cause and add --retry-failed to re-run only those"
        )


__all__ = [
    "EXIT_INTERRUPTED",
    "EnsembleAbortedError",
    "EnsembleMismatchError",
    "EnsembleOutcome",
    "EnsembleSpec",
    "plan",
    "run_ensemble",
]
