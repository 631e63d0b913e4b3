"""The sweep store: one DuckDB file, readable with plain DuckDB or pandas.

Tables (``docs/sweeps.md`` describes every column):

* ``runs``: one row per run: ``run_id`` (primary key), ``design_row``, ``replicate``,
  ``seed``, the varied parameters (one column each), ``status`` (``ok``/``failed``),
  ``error`` (traceback), the run summary of docs/model.md §7.13, ``elapsed_s``, ``session_id``,
  ``finished_at`` and ``worker``.
* ``run_records``: the run record of each run: scenario, root seed, seed, months, code
  and library versions of the worker that ran it, and every parameter (one column each).
* ``design``: the design matrix as sampled (one row per design row).
* ``timeseries``: every month of every run (only with ``--timeseries``).
* ``manifest``: one row per session (each time the sweep command ran on this store):
  the spec, sampling settings, versions, git commit, start and end times.

Only the driver writes. Each chunk of results is one transaction, so a killed sweep
leaves whole runs or none, and the ``runs`` primary key stops a run being stored twice.
DuckDB lets one process open a file for writing and no other process open it meanwhile;
:func:`connect` turns that lock error into a message that says what to do.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from parallel.store import TableStore

from . import SweepError

RUN_KEY_COLUMNS = {"run_id": "BIGINT", "design_row": "INTEGER", "replicate": "INTEGER"}
RUN_TAIL_COLUMNS = {
    "elapsed_s": "DOUBLE",
    "session_id": "INTEGER",
    "finished_at": "TIMESTAMP",
    "worker": "VARCHAR",
}
RECORD_COLUMNS = {
    "run_id": "BIGINT",
    "scenario": "VARCHAR",
    "root_seed": "BIGINT",
    "seed": "BIGINT",
    "months": "INTEGER",
    "project_version": "VARCHAR",
    "git_commit": "VARCHAR",
    "python_version": "VARCHAR",
    "mesa_version": "VARCHAR",
    "numpy_version": "VARCHAR",
    "worker": "VARCHAR",
}
MANIFEST_COLUMNS = {
    "session_id": "INTEGER PRIMARY KEY",
    "schema_version": "INTEGER",
    "started_at": "TIMESTAMP",
    "ended_at": "TIMESTAMP",
    "status": "VARCHAR",
    "command": "VARCHAR",
    "backend": "VARCHAR",
    "workers": "INTEGER",
    "chunk_size": "INTEGER",
    "runs_planned": "BIGINT",
    "runs_pending": "BIGINT",
    "runs_done": "BIGINT",
    "runs_failed": "BIGINT",
    "retry_failed": "BOOLEAN",
    "description": "VARCHAR",
    "scenario": "VARCHAR",
    "design": "VARCHAR",
    "root_seed": "BIGINT",
    "spec_hash": "VARCHAR",
    "spec_json": "VARCHAR",
    "sampling_json": "VARCHAR",
    "base_params_hash": "VARCHAR",
    "base_params_json": "VARCHAR",
    "project_version": "VARCHAR",
    "git_commit": "VARCHAR",
    "git_dirty": "BOOLEAN",
    "python_version": "VARCHAR",
    "mesa_version": "VARCHAR",
    "numpy_version": "VARCHAR",
    "duckdb_version": "VARCHAR",
    "salib_version": "VARCHAR",
    "platform": "VARCHAR",
    "host": "VARCHAR",
}
SWEEP_TABLES = ("runs", "run_records", "design", "timeseries", "manifest")
# Version of the tables' layout, kept in every manifest row. 1: stores written before the
# version was recorded; 2: run summary typed by ``economy.observation.RunSummary``; 3: the
# summary's ``first_implausible_month``.
SCHEMA_VERSION = 3


class StoreError(SweepError):
    """A store that cannot be opened or does not hold what was asked for."""


class StoreBusyError(StoreError):
    """The store is held by another process (most likely a sweep still running)."""


@cache
def summary_columns() -> dict[str, str]:
    """Column types of the run summary (docs/model.md §7.13): the fields of ``RunSummary``."""
    from economy.observation import RunSummary

    return RunSummary.column_types()


@cache
def _reserved() -> frozenset[str]:
    return frozenset(
        {
            *RUN_KEY_COLUMNS,
            "seed",
            "status",
            "error",
            *summary_columns(),
            *RUN_TAIL_COLUMNS,
            *RECORD_COLUMNS,
        }
    )


def param_column(name: str) -> str:
    """Column that holds a parameter (its own name unless that name is taken)."""
    return f"param_{name}" if name in _reserved() else name


def param_type(name: str) -> str:
    """DuckDB type of a parameter's column."""
    from .spec import is_integer_param

    try:
        return "BIGINT" if is_integer_param(name) else "DOUBLE"
    except KeyError:  # a parameter this code version does not know
        return "DOUBLE"


def _infer_type(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "BOOLEAN"
    if isinstance(value, int | np.integer):
        return "BIGINT"
    if isinstance(value, float | np.floating):
        return "DOUBLE"
    return "VARCHAR"


def _arrow_type(duck: str) -> Any:
    import pyarrow as pa

    base = duck.split()[0].upper()
    return {
        "BIGINT": pa.int64(),
        "INTEGER": pa.int32(),
        "DOUBLE": pa.float64(),
        "VARCHAR": pa.string(),
        "BOOLEAN": pa.bool_(),
        "TIMESTAMP": pa.timestamp("us"),
    }[base]


def _clean(value: Any) -> Any:
    """NaN becomes NULL; numpy scalars become Python values."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def now_utc() -> datetime:
    """The time now, UTC, without a zone (DuckDB TIMESTAMP)."""
    return datetime.now(UTC).replace(tzinfo=None)


def connect(path: Path, read_only: bool = False) -> Any:
    """Open a DuckDB file, turning lock and format errors into clear messages.

    Raises:
        StoreBusyError: another process holds the file (a running sweep).
        StoreError: the file is missing (read-only) or is not a DuckDB database.
    """
    import duckdb

    path = Path(path)
    if read_only and not path.is_file():
        raise StoreError(f"no such store: {path}")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as e:
        text = str(e)
        if "lock" in text.lower():
            m = re.search(r"PID (\d+)", text)
            who = f"process {m.group(1)}" if m else "another process"
            raise StoreBusyError(
                f"{path} is in use by {who}, most likely a sweep still running "
                "(DuckDB lets one process open a store while it writes). Wait for it to "
                "finish, or stop it with Ctrl-C (the same sweep command resumes it later), "
                "then try again"
            ) from None
        if "not a valid DuckDB database" in text:
            raise StoreError(f"{path} is not a DuckDB store") from None
        raise StoreError(f"cannot open {path}: {text}") from None


@dataclass
class SweepInfo:
    """What the first session of a store recorded about its sweep."""

    spec_json: dict[str, Any]
    spec_hash: str
    sampling: dict[str, Any]
    base_params: dict[str, Any]
    base_params_hash: str
    description: str
    schema_version: int = SCHEMA_VERSION


class Store(TableStore):
    """A sweep store opened by the driver (read-write) or by analysis (read-only)."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        super().__init__(path, connect(Path(path), read_only=read_only), read_only)
        self.read_only = read_only
        if read_only:
            problem = self.schema_problem()
            if problem is not None:
                self.con.close()
                raise StoreError(problem)

    def schema_version(self) -> int | None:
        """The layout version the store was written with (None: not a sweep store yet)."""
        if not self.has_sweep():
            return None
        if "schema_version" not in self.column_types("manifest"):
            return 1
        row = self.con.execute("SELECT min(schema_version) FROM manifest").fetchone()
        return int(row[0]) if row and row[0] is not None else 1

    def schema_problem(self) -> str | None:
        """Why this code cannot read the store (an older or newer layout), or None."""
        version = self.schema_version()
        if version is None or version == SCHEMA_VERSION:
            return None
        age = "an older" if version < SCHEMA_VERSION else "a newer"
        return (
            f"{self.path} was written by {age} version of the sweep store (layout "
            f"{version}; this version reads layout {SCHEMA_VERSION}): run the sweep again "
            "into a new --out file"
        )

    # ------------------------------------------------------------------ schema
    def _create(self, table: str, columns: Mapping[str, str], key: str | None = None) -> None:
        cols = ", ".join(f'"{n}" {t}' for n, t in columns.items())
        pk = f', PRIMARY KEY ("{key}")' if key else ""
        self.con.execute(f'CREATE TABLE "{table}" ({cols}{pk})')
        self._types.pop(table, None)

    def has_sweep(self) -> bool:
        """Whether the store already holds a sweep."""
        return "manifest" in self.tables()

    def reset(self) -> int:
        """Drop every sweep table (``--force-new``); returns how many runs were dropped."""
        n = 0
        if "runs" in self.tables():
            n = self.con.execute("SELECT count(*) FROM runs").fetchone()[0]
        for t in SWEEP_TABLES:
            self.con.execute(f'DROP TABLE IF EXISTS "{t}"')
        self._types.clear()
        return n

    def init(self, names: Sequence[str], raw: np.ndarray) -> None:
        """Create the tables of a new sweep and store its design matrix."""
        import pyarrow as pa

        self._create("manifest", MANIFEST_COLUMNS)
        design_cols = {"design_row": "INTEGER"}
        design_cols.update({param_column(n): "DOUBLE" for n in names})
        self._create("design", design_cols, key="design_row")
        runs_cols = dict(RUN_KEY_COLUMNS)
        runs_cols["seed"] = "BIGINT"
        runs_cols.update({param_column(n): param_type(n) for n in names})
        runs_cols.update({"status": "VARCHAR", "error": "VARCHAR"})
        runs_cols.update(summary_columns())
        runs_cols.update(RUN_TAIL_COLUMNS)
        self._create("runs", runs_cols, key="run_id")
        from params import PARAM_NAMES

        record_cols = dict(RECORD_COLUMNS)
        record_cols.update({param_column(n): param_type(n) for n in sorted(PARAM_NAMES)})
        self._create("run_records", record_cols, key="run_id")
        data = {"design_row": pa.array(np.arange(raw.shape[0], dtype=np.int32))}
        for j, n in enumerate(names):
            data[param_column(n)] = pa.array(raw[:, j].astype(float))
        self._insert("design", pa.table(data))

    # ------------------------------------------------------------------ manifest
    def sweep_info(self) -> SweepInfo | None:
        """The sweep this store holds (from its first session), or None for a new store."""
        if not self.has_sweep():
            return None
        row = self.con.execute(
            "SELECT spec_json, spec_hash, sampling_json, base_params_json, base_params_hash, "
            "description FROM manifest ORDER BY session_id LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        return SweepInfo(
            json.loads(row[0]),
            row[1],
            json.loads(row[2]),
            json.loads(row[3]),
            row[4],
            row[5] or "",
            self.schema_version() or SCHEMA_VERSION,
        )

    def sessions(self) -> list[dict[str, Any]]:
        """Every manifest row, oldest first."""
        cur = self.con.execute("SELECT * FROM manifest ORDER BY session_id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def mark_dead_sessions(self) -> int:
        """Sessions still marked running belong to a sweep that was killed: say so."""
        n = self.con.execute("SELECT count(*) FROM manifest WHERE status = 'running'").fetchone()[0]
        if n:
            self.con.execute("UPDATE manifest SET status = 'killed' WHERE status = 'running'")
        return n

    def begin_session(self, values: Mapping[str, Any]) -> int:
        """Add a manifest row for this session; returns its id."""
        sid = self.con.execute("SELECT coalesce(max(session_id), 0) + 1 FROM manifest").fetchone()
        session_id = int(sid[0])
        row = {k: values.get(k) for k in MANIFEST_COLUMNS}
        row.update(
            session_id=session_id,
            schema_version=SCHEMA_VERSION,
            started_at=now_utc(),
            status="running",
        )
        names = ", ".join(f'"{k}"' for k in row)
        marks = ", ".join("?" for _ in row)
        sql = f"INSERT INTO manifest ({names}) VALUES ({marks})"  # noqa: S608 (our column names)
        self.con.execute(sql, list(row.values()))
        return session_id

    def end_session(self, session_id: int, status: str, done: int, failed: int) -> None:
        """Close this session's manifest row."""
        self.con.execute(
            "UPDATE manifest SET ended_at = ?, status = ?, runs_done = ?, runs_failed = ? "
            "WHERE session_id = ?",
            [now_utc(), status, done, failed, session_id],
        )

    # ------------------------------------------------------------------ reading
    def design_matrix(self, names: Sequence[str]) -> np.ndarray:
        """The stored design matrix (as sampled), rows in design-row order."""
        cols = ", ".join(f'"{param_column(n)}"' for n in names)
        if not names:
            n = self.con.execute("SELECT count(*) FROM design").fetchone()[0]
            return np.zeros((n, 0))
        sql = f"SELECT {cols} FROM design ORDER BY design_row"  # noqa: S608 (checked names)
        rows = self.con.execute(sql).fetchall()
        return np.array(rows, dtype=float).reshape(len(rows), len(names))

    def statuses(self) -> dict[int, str]:
        """run_id -> status of every stored run."""
        return dict(self.con.execute("SELECT run_id, status FROM runs").fetchall())

    def counts(self) -> dict[str, int]:
        """Stored runs by status."""
        return dict(self.con.execute("SELECT status, count(*) FROM runs GROUP BY 1").fetchall())

    # ------------------------------------------------------------------ writing
    def _insert(self, table: str, batch: Any, replace: bool = False) -> None:
        self.con.register("_batch", batch)
        try:
            verb = "INSERT OR REPLACE" if replace else "INSERT"
            self.con.execute(f'{verb} INTO "{table}" BY NAME SELECT * FROM _batch')  # noqa: S608
        finally:
            self.con.unregister("_batch")

    def _table(self, table: str, rows: list[dict[str, Any]]) -> Any:
        import pyarrow as pa

        types = self.column_types(table)
        names = [n for n in types if any(n in r for r in rows)]
        schema = pa.schema([(n, _arrow_type(types[n])) for n in names])
        cols = {n: [_clean(r.get(n)) for r in rows] for n in names}
        return pa.table(cols, schema=schema)

    def write_results(
        self,
        runs: list[dict[str, Any]],
        records: list[dict[str, Any]],
        timeseries: Iterable[tuple[int, Any]] = (),
    ) -> None:
        """Store one chunk of results in one transaction (replacing earlier rows of a run).

        Args:
            runs: rows of ``runs`` (summary fields included, by column name).
            records: rows of ``run_records``.
            timeseries: (run_id, monthly DataFrame) pairs for ``timeseries``.
        """
        import pandas as pd
        import pyarrow as pa

        extra: dict[str, str] = {}
        for r in runs:
            for k, v in r.items():
                if k not in self.column_types("runs") and k not in extra and v is not None:
                    extra[k] = _infer_type(v)
        extra_rec: dict[str, str] = {}
        for r in records:
            for k, v in r.items():
                if k not in self.column_types("run_records") and k not in extra_rec:
                    extra_rec[k] = _infer_type(v) if v is not None else "DOUBLE"
        frames = []
        for run_id, df in timeseries:
            f = df.reset_index(drop=True)
            f.insert(0, "run_id", run_id)
            frames.append(f)
        self.con.begin()
        try:
            self.ensure_columns("runs", extra)
            self.ensure_columns("run_records", extra_rec)
            self._insert("runs", self._table("runs", runs), replace=True)
            self._insert("run_records", self._table("run_records", records), replace=True)
            ids = [r["run_id"] for r in runs]
            if "timeseries" in self.tables() and ids:
                self.con.register("_ids", pa.table({"run_id": pa.array(ids, pa.int64())}))
                self.con.execute("DELETE FROM timeseries WHERE run_id IN (SELECT run_id FROM _ids)")
                self.con.unregister("_ids")
            if frames:
                batch = pa.Table.from_pandas(pd.concat(frames, ignore_index=True))
                if "timeseries" not in self.tables():
                    self.con.register("_batch", batch)
                    self.con.execute("CREATE TABLE timeseries AS SELECT * FROM _batch LIMIT 0")
                    self.con.unregister("_batch")
                    self._types.pop("timeseries", None)
                else:
                    self.con.register("_batch", batch)
                    desc = self.con.execute("DESCRIBE SELECT * FROM _batch").fetchall()
                    self.con.unregister("_batch")
                    self.ensure_columns("timeseries", {r[0]: r[1] for r in desc})
                self._insert("timeseries", batch)
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise
