"""Replay: re-run a run record and compare, month by month and column by column.

:func:`replay` re-runs a record with the data collector on and compares with the output it
is checked against: the CLI output file beside the record, an output named by the caller
(``run.py replay RECORD --against PATH``), or the time series of the sweep store the record
was read from; then the run summary. A record is a file people share, so replay never opens
a path written inside it: its ``output`` must be a bare file name (looked up beside the
record) and its ``sweep.store`` is only a note. Sweep stores belong to the sweeps, so this
module reads them only through a :class:`StoredRuns` the caller passes
(``sweep.stored_records``).
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from errors import InputError

from .record import MAX_OUTPUT_BYTES, OUTPUT_SUFFIXES, RecordError, output_name, plain


class StoredRuns(Protocol):
    """Sweep stores as replay reads them (the sweeps implement it)."""

    def is_store(self, path: Path) -> bool:
        """Whether ``path`` is a sweep store."""
        ...

    def frame(self, store: Path, run_id: int) -> tuple[Any, str] | None:
        """A run's stored monthly time series and where it is, or None when not stored."""
        ...

    def summary(self, store: Path, run_id: int) -> dict[str, Any] | None:
        """A run's stored run summary, or None (a failed run)."""
        ...


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
    return Difference(month, str(col), plain(e[col].iloc[row]), plain(got), date)


def first_summary_difference(
    expected: Mapping[str, Any], actual: Mapping[str, Any]
) -> Difference | None:
    """First run-summary field that differs (fields of ``expected``, in order)."""
    for k, v in expected.items():
        if not _same(v, actual.get(k)):
            return Difference(None, k, plain(v), plain(actual.get(k)))
    return None


def rerun(record: Mapping[str, Any]) -> tuple[Any, dict[str, Any], list[str]]:
    """Run a record again with the data collector on: (monthly DataFrame, summary, notes).

    Raises:
        RecordError: parameters this code does not know or rejects, or no seed.
    """
    try:
        return _rerun(record)
    except ValueError as e:
        if isinstance(e, InputError):
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
    # the scenario gives the run its preset's dated deals; the parameters come from the record
    scenario = record.get("scenario")
    preset = None if scenario in (None, "none") else str(scenario)
    model = AIBubbleModel(rng=int(record["seed"]), preset=preset, params=p, collect=True)
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


def _run_id(record: Mapping[str, Any]) -> int:
    sweep = record.get("sweep") or {}
    if not isinstance(sweep.get("run_id"), int):
        raise RecordError("the record names no sweep run (sweep.run_id): compare it with a file")
    return int(sweep["run_id"])


def _reference_store(
    record: Mapping[str, Any], against: Path | None, stores: StoredRuns | None
) -> Path | None:
    """The sweep store to compare with: one the caller named, never one the record names."""
    if against is not None:
        return against if stores is not None and stores.is_store(against) else None
    store = record.get("_store")
    if store and stores is None:
        raise RecordError(
            "the record was read from a sweep store: replay it with its store "
            "(sweep.stored_records.replay, or run.py replay STORE --run-id N)"
        )
    return Path(store) if store else None


def _reference_frame(
    record: Mapping[str, Any], against: Path | None, stores: StoredRuns | None
) -> tuple[Any, str] | None:
    """The monthly output to compare with.

    ``against`` (named by the caller), else the store the record was read from, else the
    output file beside the record (by its bare name: never a path from the record).
    """
    store = _reference_store(record, against, stores)
    if store is not None and stores is not None:
        return stores.frame(store, _run_id(record))
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
    record: Mapping[str, Any], against: Path | None, stores: StoredRuns | None
) -> tuple[dict[str, Any], str] | None:
    store = _reference_store(record, against, stores)
    if store is not None and stores is not None:
        stored = stores.summary(store, _run_id(record))
        if stored is not None:
            return stored, f"the stored run summary in {store}"
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


def replay(
    record: Mapping[str, Any], against: Path | None = None, *, stores: StoredRuns | None = None
) -> ReplayResult:
    """Re-run a record and compare with its reference output.

    The references, in order: the monthly output (``against``: an output file or a sweep
    store the caller names; else the time series of the store the record was read from;
    else the CLI output file beside the record), then the run summary (stored in that
    store, or in the record). A path written inside the record is never opened. The
    first difference found is reported; ``identical`` means every reference matched
    exactly. Sweep stores are read through ``stores`` (the sweeps pass theirs:
    ``sweep.stored_records.replay``).

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
    frame_ref = _reference_frame(record, against, stores)
    summary_ref = _reference_summary(record, against, stores)
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
