"""Run records: everything needed to re-run a run exactly.

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

``run.py run --out X.csv`` writes ``X.csv.run.json`` (:func:`write_run_record`); the live
view offers :func:`record_json` of :func:`record_from_model` as a download; a sweep store
keeps one per run (table ``run_records``; ``sweep.stored_records.record_from_store``
rebuilds it). :mod:`records.replay` re-runs a record and compares.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from errors import InputError

RECORD_VERSION = 1
RECORD_SUFFIX = ".run.json"
_REQUIRED = ("record_version", "params", "seed", "months")
MAX_RECORD_BYTES = 4 * 1024 * 1024  # a record is about 10 KiB; a failed run's traceback more
MAX_OUTPUT_BYTES = 256 * 1024 * 1024  # a 1,200-month output is about 3 MiB
SEED_MAX = 2**63 - 1
OUTPUT_SUFFIXES = (".csv", ".parquet")


class RecordError(InputError):
    """A record that cannot be read or replayed (one line, exit status 2)."""


def plain(value: Any) -> Any:
    """JSON-safe: numpy scalars to Python, NaN and infinities to None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
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
        "params": plain(dict(params)),
        "project_version": e.get("project_version"),
        "git_commit": e.get("git_commit"),
        "git_dirty": e.get("git_dirty"),
        "python_version": e.get("python_version"),
        "mesa_version": e.get("mesa_version"),
        "numpy_version": e.get("numpy_version"),
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if summary is not None:
        rec["summary"] = plain(dict(summary))
    if output is not None:
        rec["output"] = output
    if sweep is not None:
        rec["sweep"] = plain(dict(sweep))
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
    return json.dumps(plain(public), indent=2, sort_keys=False, allow_nan=False) + "\n"


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
