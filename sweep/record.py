"""Run records: everything needed to re-run a run exactly, and replay that checks it.

A run record is a JSON object::

    {"record_version": 1, "kind": "cli" | "sweep" | "view",
     "scenario": "seed", "seed": 42, "root_seed": null, "months": 120,
     "params": {...every parameter after preset and overrides...},
     "project_version": "0.1.0", "git_commit": "...", "git_dirty": false,
     "python_version": "3.12.1", "mesa_version": "3.5.1", "numpy_version": "2.5.5",
     "created_at": "2026-11-26T07:00:00Z",
     "summary": {...the run summary...},
     "output": "seed.csv",                       # CLI: the output file beside the record
     "sweep": {"store": "runs/sweep.duckdb", "run_id": 7, "design_row": 3,
               "replicate": 1, "spec_hash": "...", "status": "ok", "error": null}}

``run.py run --out X.csv`` writes ``X.csv.run.json`` (:func:`write_run_record`); a sweep
store keeps one per run (table ``run_records``; :func:`record_from_store` rebuilds it);
the live view offers :func:`record_json` of :func:`record_from_model` as a download.

:func:`replay` re-runs a record with the data collector on and compares, month by month
and column by column, with the output it is checked against: the CLI output file beside
the record, the time series of the sweep store the record was read from, or an output
named by the caller (``run.py replay RECORD --against PATH``); then the run summary. A
record is a file people share, so replay never opens a path written inside it: its
``output`` must be a bare file name (looked up beside the record) and its
``sweep.store`` is only a note.
"""

from __future__ import annotations

import json
import math
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from . import SweepError

RECORD_VERSION = 1
RECORD_SUFFIX = ".run.json"
_REQUIRED = ("record_version", "params", "seed", "months")
MAX_RECORD_BYTES = 4 * 1024 * 1024  # a record is about 10 KiB; a failed run's traceback more
MAX_OUTPUT_BYTES = 256 * 1024 * 1024  # a 1,200-month output is about 3 MiB
SEED_MAX = 2**63 - 1
OUTPUT_SUFFIXES = (".csv", ".parquet")


class RecordError(SweepError):
    """A record that cannot be read or replayed."""


def _plain(value: Any) -> Any:
    """JSON-safe: numpy scalars to Python, NaN and infinities to None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def build_record(
    *,
    params: Mapping[str, Any],
    seed: int | None,
    months: int,
    scenario: str | None,
    root_seed: int | None = None,
    kind: str = "cli",
    summary: Mapping[str, Any] | None = None,
    output: str | None = None,
    sweep: Mapping[str, Any] | None = None,
    env: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A run record from its parts (see the module docstring for the fields).

    Args:
        params: the full parameter set the run used (``Params.to_dict()``).
        seed: the run's own seed (the integer passed as the model's ``rng``).
        months: months simulated.
        scenario: the preset name (None: calibration defaults).
        root_seed: the sweep's root seed the run's seed derives from (None outside sweeps).
        kind: ``cli``, ``sweep`` or ``view``.
        summary: the run summary, if known.
        output: the output file the record sits beside (name relative to the record).
        sweep: for sweep runs: store, run_id, design_row, replicate, spec_hash, status, error.
        env: code and library versions (default: this process's).
    """
    from .env import environment

    e = dict(env) if env is not None else environment()
    rec: dict[str, Any] = {
        "record_version": RECORD_VERSION,
        "kind": kind,
        "scenario": scenario,
        "seed": None if seed is None else int(seed),
        "root_seed": None if root_seed is None else int(root_seed),
        "months": int(months),
        "params": _plain(dict(params)),
        "project_version": e.get("project_version"),
        "git_commit": e.get("git_commit"),
        "git_dirty": e.get("git_dirty"),
        "python_version": e.get("python_version"),
        "mesa_version": e.get("mesa_version"),
        "numpy_version": e.get("numpy_version"),
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if summary is not None:
        rec["summary"] = _plain(dict(summary))
    if output is not None:
        rec["output"] = output
    if sweep is not None:
        rec["sweep"] = _plain(dict(sweep))
    return rec


def record_from_model(
    model: Any,
    *,
    seed: int | None = None,
    scenario: str | None = None,
    months: int | None = None,
    root_seed: int | None = None,
    kind: str = "cli",
    output: str | None = None,
) -> dict[str, Any]:
    """The record of a model that has run (CLI run or live view).

    Args:
        model: an ``AIBubbleModel`` after ``run_for``.
        seed: the integer seed it was built with (default: the model's own ``_seed``,
            which is that integer when ``rng`` was an integer).
        scenario: the preset (default: ``model.preset``).
        months: months run (default: the months the model has run).
        root_seed: a root seed the seed derives from, if any.
        kind: ``cli`` or ``view``.
        output: output file name beside the record.
    """
    if seed is None:
        seed = getattr(model, "_seed", None)
    return build_record(
        params=model.p.to_dict(),
        seed=seed,
        months=len(model.observation.regime_path) if months is None else months,
        scenario=model.preset if scenario is None else scenario,
        root_seed=root_seed,
        kind=kind,
        summary=model.summary(),
        output=output,
    )


def record_path(out: Path | str) -> Path:
    """Where the record of output file ``out`` goes: ``<out>.run.json``."""
    return Path(str(out) + RECORD_SUFFIX)


def record_json(record: Mapping[str, Any]) -> str:
    """The record as JSON text (what the live view offers as a download)."""
    public = {k: v for k, v in record.items() if not k.startswith("_")}
    return json.dumps(_plain(public), indent=2, sort_keys=False, allow_nan=False) + "\n"


def write_record(record: Mapping[str, Any], path: Path, *, what: str = "record") -> Path:
    """Write a record as JSON, whole or not at all (temporary file and rename); returns the path.

    Raises:
        errors.CLIError: the path cannot be written (exit 2).
        errors.WriteFailedError: the write failed mid-way, e.g. a full disk (exit 1).
    """
    from fileio import write_text_atomic

    return write_text_atomic(Path(path), record_json(record), what=what)


def write_run_record(
    model: Any,
    out: Path | str,
    *,
    seed: int,
    scenario: str | None = None,
    months: int | None = None,
) -> Path:
    """For ``run.py run``: write ``<out>.run.json`` beside the output file ``out``."""
    rec = record_from_model(
        model, seed=seed, scenario=scenario, months=months, kind="cli", output=Path(out).name
    )
    return write_record(rec, record_path(out), what="--out's run record")


def read_record(path: Path) -> dict[str, Any]:
    """Read and check a record file (every field's type and range: :func:`check_record`).

    Raises:
        RecordError: missing file, not UTF-8 JSON, too large or deep, fields missing or
            malformed.
    """
    from fileio import load_json

    path = Path(path)
    if not path.is_file():
        raise RecordError(f"no such record: {path}")
    try:
        rec = load_json(path, what="run record", max_bytes=MAX_RECORD_BYTES, error=RecordError)
    except RecordError as e:
        raise RecordError(f"{e} (so {path.name} is not a run record)") from None
    check_record(rec, str(path))
    rec["_path"] = str(path)
    return rec


def check_record(rec: Any, label: str) -> None:
    """Check a record's fields: types, ranges, and an ``output`` that is a bare file name.

    Unknown fields are allowed (a later version may add some); parameter names and values
    are checked when the record is re-run, by the model's own validation.

    Raises:
        RecordError: the first problem, naming the file and the field.
    """
    from schema import Where, table

    w = Where(label, error=RecordError)
    if not isinstance(rec, dict):
        raise RecordError(f"{label} is not a run record (expected a JSON object)")
    missing = [k for k in _REQUIRED if k not in rec]
    if missing:
        raise RecordError(f"{label} is not a run record: missing {', '.join(missing)}")
    if rec["record_version"] != RECORD_VERSION or isinstance(rec["record_version"], bool):
        raise RecordError(
            f"{label}: record version {str(rec['record_version'])[:40]} is not supported "
            f"(this code reads version {RECORD_VERSION})"
        )
    _check_run_fields(w, rec)
    params = table(w, "params", rec["params"])
    for name, value in params.items():
        _check_param(w, name, value)
    if rec.get("summary") is not None:
        table(w, "summary", rec["summary"])
    if rec.get("output") is not None:
        output_name(w, rec["output"])
    if rec.get("sweep") is not None:
        _check_sweep_fields(w.at("sweep"), table(w, "sweep", rec["sweep"]))


def _check_run_fields(w: Any, rec: dict[str, Any]) -> None:
    from schema import HORIZON_MONTHS, choice, text, whole

    if rec["seed"] is not None:
        whole(w, "seed", rec["seed"], lo=0, hi=SEED_MAX)
    if rec.get("root_seed") is not None:
        whole(w, "root_seed", rec["root_seed"], lo=0, hi=SEED_MAX)
    whole(w, "months", rec["months"], lo=1, hi=HORIZON_MONTHS)
    if rec.get("kind") is not None:
        choice(w, "kind", rec["kind"], ("cli", "sweep", "view"))
    for key in ("scenario", "project_version", "git_commit", "python_version", "mesa_version"):
        if rec.get(key) is not None:
            text(w, key, rec[key], max_chars=200)
    if rec.get("numpy_version") is not None:
        text(w, "numpy_version", rec["numpy_version"], max_chars=200)


def _check_param(w: Any, name: Any, value: Any) -> None:
    from schema import MAX_NAME_CHARS, is_number

    if len(str(name)) > MAX_NAME_CHARS:
        raise w.fail("params", f"a parameter name longer than {MAX_NAME_CHARS} characters")
    if not is_number(value):
        raise w.bad(f"params.{name}", "a number", value)
    from params import PARAM_FIELDS, _validated

    if name in PARAM_FIELDS:  # unknown names are reported when the record is re-run
        try:
            _validated(PARAM_FIELDS[name], value)
        except ValueError as e:
            raise w.fail(f"params.{name}", str(e)) from None


def _check_sweep_fields(w: Any, sweep: dict[str, Any]) -> None:
    from schema import choice, text, whole

    for key in ("run_id", "design_row", "replicate"):
        if sweep.get(key) is not None:
            whole(w, key, sweep[key], lo=0, hi=SEED_MAX)
    if sweep.get("status") is not None:
        choice(w, "status", sweep["status"], ("ok", "failed"))
    for key in ("store", "spec_hash", "worker"):
        if sweep.get(key) is not None:
            text(w, key, sweep[key], max_chars=4096)
    if sweep.get("error") is not None:
        text(w, "error", sweep["error"], max_chars=1_000_000, empty=True)


def output_name(w: Any, value: Any) -> str:
    """A record's ``output``: a bare file name ending in .csv or .parquet (no folder)."""
    allowed = "the bare name of the output file beside the record (.csv or .parquet, no folder)"
    if not isinstance(value, str) or not value or len(value) > 255:
        raise w.bad("output", allowed, value)
    bare = Path(value).name == value and "/" not in value and "\\" not in value
    if not bare or value in (".", "..") or "\x00" in value:
        raise w.bad("output", allowed, value)
    if Path(value).suffix.lower() not in OUTPUT_SUFFIXES:
        raise w.bad("output", allowed, value)
    return value


# ---------------------------------------------------------------------- sweep stores
def _is_duckdb(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            head = f.read(12)
    except OSError:
        return False
    return head[8:12] == b"DUCK"


def _param_name(column: str, params: frozenset[str]) -> str:
    if column.startswith("param_") and column.removeprefix("param_") in params:
        return column.removeprefix("param_")
    return column


def record_from_store(store_path: Path, run_id: int) -> dict[str, Any]:
    """Rebuild the record of one run of a sweep store.

    Raises:
        RecordError: no such run. StoreBusyError: a sweep holds the store.
    """
    from params import PARAM_NAMES

    from .store import (
        RECORD_COLUMNS,
        RUN_KEY_COLUMNS,
        RUN_TAIL_COLUMNS,
        Store,
        summary_columns,
    )

    with Store(store_path, read_only=True) as store:
        if not store.has_sweep():
            raise RecordError(f"{store_path} holds no sweep")
        cur = store.con.execute("SELECT * FROM run_records WHERE run_id = ?", [run_id])
        row = cur.fetchone()
        if row is None:
            n = store.con.execute("SELECT count(*), max(run_id) FROM runs").fetchone()
            raise RecordError(
                f"{store_path} has no run {run_id} ({n[0]:,} runs stored, ids 0..{n[1]})"
            )
        rec_row = dict(zip([d[0] for d in cur.description], row, strict=True))
        cur = store.con.execute("SELECT * FROM runs WHERE run_id = ?", [run_id])
        run_row = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
        info = store.sweep_info()
    if info is None:  # pragma: no cover - has_sweep() checked it
        raise RecordError(f"{store_path} holds no sweep")
    known = frozenset(PARAM_NAMES) | frozenset(info.base_params)
    params = {
        _param_name(k, known): v
        for k, v in rec_row.items()
        if k not in RECORD_COLUMNS and v is not None
    }
    not_summary = {*RUN_KEY_COLUMNS, *RUN_TAIL_COLUMNS, "seed", "status", "error", *rec_row}
    summary = {k: run_row[k] for k in summary_columns() if k in run_row}
    summary.update({k: v for k, v in run_row.items() if k not in not_summary and k not in summary})
    env = {k: rec_row.get(k) for k in RECORD_COLUMNS}
    env["git_dirty"] = None
    rec = build_record(
        params=params,
        seed=rec_row["seed"],
        months=rec_row["months"],
        scenario=rec_row["scenario"],
        root_seed=rec_row["root_seed"],
        kind="sweep",
        summary=summary if run_row["status"] == "ok" else None,
        sweep={
            "store": str(store_path),
            "run_id": run_id,
            "design_row": run_row["design_row"],
            "replicate": run_row["replicate"],
            "spec_hash": info.spec_hash,
            "status": run_row["status"],
            "error": run_row["error"],
            "worker": rec_row.get("worker"),
        },
        env=env,
    )
    rec["_store"] = str(store_path)  # the store the caller named: replay may read it
    return rec


def load_record_source(path: Path, run_id: int | None = None) -> dict[str, Any]:
    """A record from a ``.run.json`` file, or from a sweep store with ``run_id``."""
    path = Path(path)
    if not path.exists():
        raise RecordError(f"no such file: {path}")
    if _is_duckdb(path) or path.suffix == ".duckdb":
        if run_id is None:
            raise RecordError(f"{path} is a sweep store: give the run with --run-id N")
        return record_from_store(path, run_id)  # the store named: replay reads it
    if run_id is not None:
        raise RecordError("--run-id is for sweep stores; a record file holds one run")
    return read_record(path)


# ---------------------------------------------------------------------- replay
@dataclass
class ReplayResult:
    """The verdict of :func:`replay`."""

    identical: bool
    message: str
    compared: list[str] = field(default_factory=list)
    month: int | None = None
    column: str | None = None
    expected: Any = None
    actual: Any = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Difference:
    """The first place two outputs differ."""

    month: int | None
    column: str
    expected: Any
    actual: Any
    date: str | None = None


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        na = a is None or (isinstance(a, float) and math.isnan(a))
        nb = b is None or (isinstance(b, float) and math.isnan(b))
        return na and nb
    if isinstance(a, float | int | np.number) and isinstance(b, float | int | np.number):
        fa, fb = float(a), float(b)
        return fa == fb or (math.isnan(fa) and math.isnan(fb))
    return str(a) == str(b)


def first_difference(expected: Any, actual: Any) -> Difference | None:
    """First (month, column) where two monthly DataFrames differ, months in order.

    Columns of ``expected`` are checked (a column missing from ``actual`` is a
    difference); NaN equals NaN; numbers compare exactly.
    """
    import pandas as pd

    n = min(len(expected), len(actual))
    e = expected.reset_index(drop=True)
    a = actual.reset_index(drop=True)
    best: tuple[int, int] | None = None
    for j, col in enumerate(e.columns):
        if col not in a.columns:
            cand = (0, j)
        else:
            ev = e[col].iloc[:n]
            av = a[col].iloc[:n]
            if pd.api.types.is_numeric_dtype(ev) and pd.api.types.is_numeric_dtype(av):
                x = ev.to_numpy(dtype=float)
                y = av.to_numpy(dtype=float)
                bad = ~((x == y) | (np.isnan(x) & np.isnan(y)))
            else:
                bad = ev.astype(str).to_numpy() != av.astype(str).to_numpy()
            idx = np.flatnonzero(bad)
            if not len(idx):
                continue
            cand = (int(idx[0]), j)
        if best is None or cand < best:
            best = cand
    if best is None:
        if len(expected) != len(actual):
            return Difference(n, "(rows)", f"{len(expected)} months", f"{len(actual)} months")
        return None
    row, j = best
    col = e.columns[j]
    month = int(e["month"].iloc[row]) if "month" in e.columns else row
    date = str(e["date"].iloc[row]) if "date" in e.columns else None
    got = a[col].iloc[row] if col in a.columns else "(column missing)"
    return Difference(month, str(col), _plain(e[col].iloc[row]), _plain(got), date)


def first_summary_difference(
    expected: Mapping[str, Any], actual: Mapping[str, Any]
) -> Difference | None:
    """First run-summary field that differs (fields of ``expected``, in order)."""
    for k, v in expected.items():
        if not _same(v, actual.get(k)):
            return Difference(None, k, _plain(v), _plain(actual.get(k)))
    return None


def rerun(record: Mapping[str, Any]) -> tuple[Any, dict[str, Any], list[str]]:
    """Run a record again with the data collector on: (monthly DataFrame, summary, notes).

    Raises:
        RecordError: parameters this code does not know or rejects, or no seed.
    """
    try:
        return _rerun(record)
    except ValueError as e:
        if isinstance(e, SweepError):
            raise
        raise RecordError(f"the record's parameters are rejected: {e}") from None


def _rerun(record: Mapping[str, Any]) -> tuple[Any, dict[str, Any], list[str]]:
    from model import AIBubbleModel
    from params import PARAM_NAMES, Params

    notes = []
    params = dict(record["params"])
    unknown = sorted(set(params) - PARAM_NAMES)
    if unknown:
        raise RecordError(
            f"the record sets parameters this code does not have: {', '.join(unknown)}"
        )
    lacking = sorted(PARAM_NAMES - set(params))
    if lacking:
        notes.append(
            f"the record predates {len(lacking)} parameters ({', '.join(lacking[:5])}"
            f"{'...' if len(lacking) > 5 else ''}); their defaults were used"
        )
    if record.get("seed") is None:
        raise RecordError("the record has no seed: it cannot be replayed")
    p = Params(**params)
    from .env import environment

    env = environment()
    for key in ("git_commit", "mesa_version", "numpy_version", "python_version"):
        if record.get(key) and env.get(key) and record[key] != env[key]:
            notes.append(f"recorded with {key} {record[key]}, replayed with {env[key]}")
    model = AIBubbleModel(rng=int(record["seed"]), params=p, collect=True)
    model.run_for(int(record["months"]))
    return model.datacollector.get_model_vars_dataframe(), model.summary(), notes


def _frame_file(path: Path) -> tuple[Any, str]:
    """A run's monthly output file (.csv or .parquet), read whole, as a DataFrame."""
    import io

    import pandas as pd

    from fileio import read_bytes

    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise RecordError(f"{path}: a run's output is a .csv or .parquet file")
    data = read_bytes(path, what="run output", max_bytes=MAX_OUTPUT_BYTES, error=RecordError)
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(io.BytesIO(data)), str(path)
        return pd.read_csv(io.BytesIO(data)), str(path)  # pandas 3 reads floats back exactly
    except Exception as e:  # pandas' and pyarrow's many parse errors
        problem = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
        raise RecordError(f"{path}: not a run's output ({problem})") from None


def _store_frame(store_path: Path, run_id: int) -> tuple[Any, str] | None:
    from .store import Store

    with Store(store_path, read_only=True) as store:
        if "timeseries" not in store.tables():
            return None
        df = store.con.execute(
            "SELECT * FROM timeseries WHERE run_id = ? ORDER BY month", [run_id]
        ).df()
    if not len(df):
        return None
    return df.drop(columns=["run_id"]), f"the stored time series of {store_path}"


def _run_id(record: Mapping[str, Any]) -> int:
    sweep = record.get("sweep") or {}
    if not isinstance(sweep.get("run_id"), int):
        raise RecordError("the record names no sweep run (sweep.run_id): compare it with a file")
    return int(sweep["run_id"])


def _reference_store(record: Mapping[str, Any], against: Path | None) -> Path | None:
    """The sweep store to compare with: one the caller named, never one the record names."""
    if against is not None:
        return against if _is_duckdb(against) else None
    store = record.get("_store")
    return Path(store) if store else None


def _reference_frame(
    record: Mapping[str, Any], against: Path | None = None
) -> tuple[Any, str] | None:
    """The monthly output to compare with.

    ``against`` (named by the caller), else the store the record was read from, else the
    output file beside the record (by its bare name: never a path from the record).
    """
    store = _reference_store(record, against)
    if store is not None:
        return _store_frame(store, _run_id(record))
    if against is not None:
        return _frame_file(against)
    out = record.get("output")
    if not out:
        return None
    from schema import Where

    name = output_name(Where(record.get("_path", "the record"), error=RecordError), out)
    path = Path(record.get("_path", ".")).parent / name
    if not path.is_file():
        raise RecordError(
            f"the record's output file {path} is missing (give another with --against FILE)"
        )
    return _frame_file(path)


def _reference_summary(
    record: Mapping[str, Any], against: Path | None = None
) -> tuple[dict[str, Any], str] | None:
    store = _reference_store(record, against)
    if store is not None:
        fresh = record_from_store(store, _run_id(record))
        if fresh.get("summary") is not None:
            return fresh["summary"], f"the stored run summary in {store}"
    if record.get("summary") is not None:
        return dict(record["summary"]), "the run summary in the record"
    return None


def _describe(d: Difference, where: str) -> str:
    if d.month is None:
        return (
            f"differs from {where}: summary field {d.column}: "
            f"expected {d.expected!r}, replay gave {d.actual!r}"
        )
    when = f"month {d.month}" + (f" ({d.date[:10]})" if d.date else "")
    return (
        f"differs from {where}: first at {when}, column {d.column}: "
        f"expected {d.expected!r}, replay gave {d.actual!r}"
    )


def replay(record: Mapping[str, Any], against: Path | None = None) -> ReplayResult:
    """Re-run a record and compare with its reference output.

    The references, in order: the monthly output (``against``: an output file or a sweep
    store the caller names; else the time series of the store the record was read from;
    else the CLI output file beside the record), then the run summary (stored in that
    store, or in the record). A path written inside the record is never opened. The
    first difference found is reported; ``identical`` means every reference matched
    exactly.

    Raises:
        RecordError: nothing to compare with, an output that cannot be read, or a record
            that cannot be re-run.
    """
    sweep = record.get("sweep") or {}
    if against is not None:
        against = Path(against)
        if not against.is_file():
            raise RecordError(f"--against {against}: no such file")
    if sweep.get("status") == "failed":
        return _replay_failed(record)
    frame_ref = _reference_frame(record, against)
    summary_ref = _reference_summary(record, against)
    if frame_ref is None and summary_ref is None:
        raise RecordError(
            "the record has nothing to compare with (no output file, stored time series or "
            "run summary)"
        )
    df, summary, notes = rerun(record)
    compared = []
    if frame_ref is not None:
        ref, where = frame_ref
        compared.append(where)
        d = first_difference(ref, df)
        if d is not None:
            return ReplayResult(
                False, _describe(d, where), compared, d.month, d.column, d.expected, d.actual, notes
            )
    if summary_ref is not None:
        ref_s, where = summary_ref
        compared.append(where)
        d = first_summary_difference(ref_s, summary)
        if d is not None:
            return ReplayResult(
                False, _describe(d, where), compared, None, d.column, d.expected, d.actual, notes
            )
    return ReplayResult(True, "identical", compared, notes=notes)


def _replay_failed(record: Mapping[str, Any]) -> ReplayResult:
    sweep = record["sweep"]
    stored = (sweep.get("error") or "").strip().splitlines()
    want = stored[-1] if stored else ""
    try:
        _rerun(record)
    except Exception:
        got = traceback.format_exc().strip().splitlines()[-1]
    else:
        return ReplayResult(
            False,
            f"differs: the stored run failed ({want}) but the replay ran to the end",
            ["the stored error"],
            column="status",
            expected="failed",
            actual="ok",
        )
    if got == want:
        return ReplayResult(True, "identical", ["the stored error"])
    return ReplayResult(
        False,
        f"differs: the stored run failed with {want!r}, the replay with {got!r}",
        ["the stored error"],
        column="error",
        expected=want,
        actual=got,
    )
