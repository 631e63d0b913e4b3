"""The sweep driver: plan the runs, resume what a store lacks, execute, store as they finish.

::

    from sweep.spec import build_spec
    from sweep.runner import run_sweep

    spec = build_spec(vary=["paid_growth_decay=0.1:0.9"], design="lhs", samples=50,
                      replicates=2, months=60)
    outcome = run_sweep(spec, Path("runs/decay.duckdb"), workers=2)

Only this process writes the store. Chunks of runs go to the back end; at most two
chunks per worker are in flight, so memory stays flat however long the sweep. Each
finished chunk is stored in one transaction before the progress bar moves. Ctrl-C (or
SIGTERM) stops cleanly: what is stored stays stored, the session is marked
``interrupted``, and the same command later runs only the missing runs.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parallel.pool import StopFlag as _StopFlag

from . import SweepError
from .designs import Design, PlannedRun, build_design, plan_runs, run_count
from .spec import SweepSpec, base_params, validate
from .store import SCHEMA_VERSION, Store, param_column

MAX_CHUNK = 25
EXIT_INTERRUPTED = 130


class SweepMismatchError(SweepError):
    """The store holds a different sweep."""


class SweepAbortedError(SweepError):
    """A worker died outside a run (out of memory, lost Dask worker...)."""


@dataclass
class SweepOutcome:
    """What a call to :func:`run_sweep` did."""

    store: Path
    planned: int
    pending: int
    ran: int
    failed: int
    stored_ok: int
    stored_failed: int
    interrupted: bool
    elapsed_s: float
    session_id: int | None
    backend: str

    @property
    def missing(self) -> int:
        """Runs of the plan the store still lacks."""
        return self.planned - self.stored_ok - self.stored_failed

    @property
    def runs_per_s(self) -> float:
        """Runs finished per second in this call (0 if none)."""
        return self.ran / self.elapsed_s if self.elapsed_s > 0 else 0.0


def _hash(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]


def _differences(old: dict[str, Any], new: dict[str, Any]) -> str:
    diffs = []
    for k in sorted(set(old) | set(new)):
        if old.get(k) != new.get(k):
            diffs.append(f"{k}: {json.dumps(old.get(k))} -> {json.dumps(new.get(k))}")
    text = "; ".join(diffs[:4])
    return text + (f" (and {len(diffs) - 4} more)" if len(diffs) > 4 else "")


def _chunks(
    pending: list[PlannedRun], design: Design, spec: SweepSpec, size: int, slots: int = 0
) -> Iterator[tuple[dict[str, Any], list[PlannedRun]]]:
    """Chunks of ``size`` runs; with ``slots``, smaller towards the end (a short tail)."""
    common = {
        "scenario": spec.scenario,
        "fixed": dict(spec.fixed),
        "months": spec.months,
        "timeseries": spec.timeseries,
        "names": spec.names,
    }
    i = 0
    while i < len(pending):
        n = size
        if slots:  # a quarter of each worker's share of what is left, at most ``size``
            n = max(1, min(size, -(-(len(pending) - i) // (4 * slots))))
        part = pending[i : i + n]
        i += n
        runs = [(r.run_id, r.seed, tuple(design.point(r.design_row).values())) for r in part]
        yield {**common, "runs": runs}, part


def _rows(
    payload: dict[str, Any],
    planned: dict[int, PlannedRun],
    design: Design,
    spec: SweepSpec,
    session_id: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[int, Any]], int]:
    env = payload["env"]
    from .store import now_utc

    finished = now_utc()
    runs, records, series = [], [], []
    failed = 0
    for res in payload["results"]:
        p = planned[res["run_id"]]
        row: dict[str, Any] = {
            "run_id": p.run_id,
            "design_row": p.design_row,
            "replicate": p.replicate,
            "seed": p.seed,
        }
        for name, value in design.point(p.design_row).items():
            row[param_column(name)] = value
        row["status"] = res["status"]
        row["error"] = res["error"]
        row.update(res["summary"] or {})
        row.update(
            elapsed_s=res["elapsed_s"],
            session_id=session_id,
            finished_at=finished,
            worker=env.get("worker"),
        )
        runs.append(row)
        rec: dict[str, Any] = {
            "run_id": p.run_id,
            "scenario": spec.scenario,
            "root_seed": spec.root_seed,
            "seed": p.seed,
            "months": spec.months,
        }
        for k in (
            "project_version",
            "git_commit",
            "python_version",
            "mesa_version",
            "numpy_version",
            "worker",
        ):
            rec[k] = env.get(k)
        for name, value in (res["params"] or {}).items():
            rec[param_column(name)] = value
        records.append(rec)
        if res["timeseries"] is not None:
            series.append((p.run_id, res["timeseries"]))
        failed += res["status"] != "ok"
    return runs, records, series, failed


def open_sweep(
    spec: SweepSpec, store: Store, *, force_new: bool = False, echo: Callable[[str], Any] = print
) -> Design:
    """Check the store against the spec and return the design to run.

    A new store gets its tables and the sampled design. A store of the same sweep gives
    back its stored design (so a resumed sweep never re-samples). A store of another
    sweep is refused unless ``force_new``.

    Raises:
        SweepMismatchError: the store holds another sweep (or the scenario changed).
    """
    base = base_params(spec.scenario, dict(spec.fixed)).to_dict()
    info = store.sweep_info()
    if info is not None:
        problem = None
        if info.schema_version != SCHEMA_VERSION:
            problem = f"a sweep in an older store layout ({info.schema_version})"
        elif info.spec_hash != spec.spec_hash():
            problem = f"a different sweep ({_differences(info.spec_json, spec.to_json())})"
        elif info.base_params_hash != _hash(base):
            problem = (
                f"runs of scenario {spec.scenario!r} whose parameter values have changed "
                f"since ({_differences(info.base_params, base)})"
            )
        if problem is not None:
            if not force_new:
                n = sum(store.counts().values())
                raise SweepMismatchError(
                    f"{store.path} holds {problem}, {n:,} runs stored; use another --out, "
                    "or --force-new to discard them and start this sweep there"
                )
            dropped = store.reset()
            echo(f"--force-new: discarded the previous sweep in {store.path} ({dropped:,} runs)")
            info = None
    if info is not None:
        raw = store.design_matrix(spec.names)
        from .spec import is_integer_param

        values = raw.copy()
        for j, name in enumerate(spec.names):
            if is_integer_param(name):
                values[:, j] = values[:, j].round()
        return Design(spec.names, raw, values, info.sampling)
    design = build_design(spec)
    store.init(spec.names, design.raw)
    return design


def describe_plan(spec: SweepSpec) -> str:
    """One line with the design and the run count (printed before any run)."""
    rows, total = run_count(spec)
    d = len(spec.vary)
    how = {
        "grid": f"grid of {rows:,} points",
        "lhs": f"Latin hypercube of {rows:,} points",
        "sobol": (
            f"Sobol design, N={spec.samples} x ({'2D+2' if spec.second_order else 'D+2'}) "
            f"with D={d}: {rows:,} points"
        ),
        "morris": f"Morris design, {spec.samples} trajectories x (D+1) with D={d}: {rows:,} points",
    }[spec.design]
    return (
        f"{how} x {spec.replicates} replicate{'s' * (spec.replicates != 1)} = {total:,} runs "
        f"of {spec.months} months, scenario {spec.scenario or 'none (calibration defaults)'}, "
        f"root seed {spec.root_seed}"
    )


def run_sweep(
    spec: SweepSpec,
    out: Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    force_new: bool = False,
    retry_failed: bool = False,
    progress: bool = True,
    command: str | None = None,
    echo: Callable[[str], Any] = print,
    on_chunk: Callable[[int, int], Any] | None = None,
    insecure_cluster: bool = False,
) -> SweepOutcome:
    """Run (or resume) a sweep into the DuckDB store ``out``.

    Args:
        spec: the sweep (checked again here).
        out: the store file; created if missing.
        workers: worker processes (default: every core; 1 runs in this process).
        scheduler: None (process pool), ``"local"`` (Dask LocalCluster) or the address
            of a running Dask scheduler (``tls://HOST:PORT``; ``tcp://`` only on loopback
            unless ``insecure_cluster``).
        chunk_size: runs per task (default: up to 25, smaller for small sweeps).
        force_new: discard a different sweep already in ``out``.
        retry_failed: also re-run runs stored as failed (missing runs always run).
        progress: show a progress bar on stderr.
        command: the command line, for the manifest.
        echo: where to print messages.
        on_chunk: called after each stored chunk with (runs stored now, runs planned).
        insecure_cluster: allow a plain ``tcp://`` scheduler that is not loopback.

    Raises:
        SpecError: a bad spec. SweepMismatchError: ``out`` holds another sweep.
        StoreBusyError: ``out`` is held by another process. BackendError: the back end
        cannot start. SweepAbortedError: a worker died outside a run.
    """
    from records.env import environment

    from .executors import check_scheduler_address, make_backend

    spec = validate(spec)
    check_scheduler_address(scheduler, insecure_cluster)  # before the store is touched
    base = base_params(spec.scenario, dict(spec.fixed)).to_dict()
    _, total = run_count(spec)
    echo(f"sweep: {describe_plan(spec)} -> {out}")
    store = Store(out)
    t_start = time.perf_counter()
    session_id = None
    backend_name = ""
    try:
        design = open_sweep(spec, store, force_new=force_new, echo=echo)
        store.mark_dead_sessions()
        plan = plan_runs(spec, design)
        statuses = store.statuses()
        pending = [
            r
            for r in plan
            if r.run_id not in statuses or (retry_failed and statuses[r.run_id] != "ok")
        ]
        pending_ids = {r.run_id for r in pending}
        kept_failed = sum(1 for i, s in statuses.items() if s != "ok" and i not in pending_ids)
        done_before = total - len(pending)
        if not pending:
            counts = store.counts()
            nf = counts.get("failed", 0)
            note = f" ({nf:,} failed; --retry-failed re-runs them)" if nf else ""
            echo(f"nothing to run: all {total:,} runs are stored{note}")
            return SweepOutcome(
                Path(out), total, 0, 0, 0, counts.get("ok", 0), nf, False, 0.0, None, "none"
            )
        if done_before:
            echo(f"resuming: {done_before:,} runs stored, {len(pending):,} to run")
        backend = make_backend(workers, scheduler, insecure_cluster)
        backend_name = backend.describe()
        size = chunk_size or max(1, min(MAX_CHUNK, len(pending) // (backend.slots * 8)))
        env = environment()
        info = store.sweep_info()
        session_id = store.begin_session(
            {
                "command": command,
                "backend": backend_name,
                "workers": backend.slots,
                "chunk_size": size,
                "runs_planned": total,
                "runs_pending": len(pending),
                "retry_failed": retry_failed,
                "description": spec.description,
                "scenario": spec.scenario,
                "design": spec.design,
                "root_seed": spec.root_seed,
                "spec_hash": spec.spec_hash(),
                "spec_json": json.dumps(spec.to_json(), sort_keys=True),
                "sampling_json": json.dumps(
                    info.sampling if info else design.sampling, sort_keys=True
                ),
                "base_params_hash": _hash(base),
                "base_params_json": json.dumps(base, sort_keys=True),
                **env,
            }
        )
        echo(f"running {len(pending):,} runs on {backend_name}, {size} runs per task")
        tally = {"ran": 0, "failed": 0}
        try:
            interrupted = _execute(
                backend,
                store,
                spec,
                design,
                pending,
                size,
                session_id,
                (total, done_before, kept_failed),
                tally,
                progress,
                on_chunk,
                guided=chunk_size is None,
            )
        except BaseException:
            store.end_session(session_id, "aborted", tally["ran"], tally["failed"])
            raise
        ran, failed = tally["ran"], tally["failed"]
        elapsed = time.perf_counter() - t_start
        status = "interrupted" if interrupted else "complete"
        store.end_session(session_id, status, ran, failed)
        counts = store.counts()
        outcome = SweepOutcome(
            Path(out),
            total,
            len(pending),
            ran,
            failed,
            counts.get("ok", 0),
            counts.get("failed", 0),
            interrupted,
            elapsed,
            session_id,
            backend_name,
        )
        _report(outcome, echo)
        return outcome
    finally:
        store.close()


def _execute(
    backend: Any,
    store: Store,
    spec: SweepSpec,
    design: Design,
    pending: list[PlannedRun],
    size: int,
    session_id: int,
    counts: tuple[int, int, int],
    tally: dict[str, int],
    progress: bool,
    on_chunk: Callable[[int, int], Any] | None,
    guided: bool = False,
) -> bool:
    """Run the pending chunks and store them; returns whether it was interrupted.

    With ``guided``, chunks shrink towards the end so that no worker idles long.

    ``counts`` is (runs planned, runs already stored, failed runs kept); ``tally`` counts
    the runs stored and failed in this call as they are stored.
    """
    from tqdm import tqdm

    total, done_before, kept_failed = counts

    planned = {r.run_id: r for r in pending}
    chunks: deque[tuple[dict[str, Any], list[PlannedRun]]] = deque()  # filled lazily
    source = _chunks(pending, design, spec, size, backend.slots if guided else 0)
    window = 1 if backend.slots == 1 and backend.name == "serial" else 2 * backend.slots
    inflight: dict[Any, list[PlannedRun]] = {}
    stored = done_before
    bar = tqdm(
        total=total,
        initial=done_before,
        unit="run",
        desc="sweep",
        disable=not progress,
        file=sys.stderr,
        dynamic_ncols=True,
        mininterval=0.5,
        smoothing=0.1,
    )
    bar.set_postfix(failed=kept_failed)
    clean = False
    try:
        with _StopFlag() as stop:
            while True:
                while len(inflight) < window and not stop.requested:
                    if not chunks:
                        nxt = next(source, None)
                        if nxt is None:
                            break
                        chunks.append(nxt)
                    chunk, part = chunks.popleft()
                    try:
                        inflight[backend.submit(chunk)] = part
                    except cf.BrokenExecutor as e:  # a worker died since the last wait
                        raise _worker_died(e, stored) from None
                if not inflight or stop.requested:
                    break
                done, _ = backend.wait(set(inflight), timeout=0.25)
                died: Exception | None = None
                for fut in done:
                    part = inflight.pop(fut)
                    try:
                        payload = fut.result()
                    except Exception as e:  # store the chunks that did finish, then stop
                        died = died or e
                        continue
                    runs, records, series, nf = _rows(payload, planned, design, spec, session_id)
                    store.write_results(runs, records, series)
                    tally["ran"] += len(part)
                    tally["failed"] += nf
                    stored += len(part)
                    bar.update(len(part))
                    bar.set_postfix(failed=kept_failed + tally["failed"])
                    if on_chunk is not None:
                        on_chunk(stored, total)
                if died is not None:
                    raise _worker_died(died, stored)
            interrupted = stop.requested
            signal_name = stop.signal_name
        clean = not inflight
    finally:
        bar.close()
        backend.close(cancel=not clean)
    if interrupted:
        print(f"sweep: {signal_name} received, stopping", file=sys.stderr)
    return interrupted


def _worker_died(e: BaseException, stored: int) -> SweepAbortedError:
    """The one-line message for a worker that died (killed, out of memory, lost)."""
    why = " ".join(str(e).split()) or "no message"
    return SweepAbortedError(
        f"a worker died outside a run ({type(e).__name__}: {why}); "
        f"{stored:,} runs are stored; run the same command again to "
        "resume (a script calling run_sweep needs an "
        "`if __name__ == '__main__':` guard)"
    )


def _report(o: SweepOutcome, echo: Callable[[str], Any]) -> None:
    rate = f", {o.runs_per_s:.1f} runs/s" if o.ran else ""
    echo(
        f"ran {o.ran:,} runs in {o.elapsed_s:.1f} s{rate} ({o.failed:,} failed); "
        f"store {o.store}: {o.stored_ok:,} ok, {o.stored_failed:,} failed, "
        f"{o.missing:,} missing of {o.planned:,}"
    )
    if o.interrupted:
        echo(
            f"interrupted: run the same command again to finish the {o.missing:,} missing runs "
            "(stored runs are kept)"
        )
    if o.stored_failed:
        echo(
            f"{o.stored_failed:,} runs failed: their tracebacks are in runs.error; "
            "fix the cause and add --retry-failed to re-run only those"
        )


__all__ = [
    "EXIT_INTERRUPTED",
    "SweepAbortedError",
    "SweepMismatchError",
    "SweepOutcome",
    "describe_plan",
    "open_sweep",
    "run_sweep",
]
