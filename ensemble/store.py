"""The ensemble store: one DuckDB file, readable with plain DuckDB or pandas.

Tables (``docs/ensembles.md`` describes every column):

* ``ensemble``: one row: the scenario, months, root seed, number of draws, the prior (its
  name, source, fingerprint and every entry as JSON), the preset's parameter values, the
  layout version and when it was created.
* ``draws``: one row per finished draw: ``draw_id`` (primary key), ``seed``, ``status``
  (``ok``/``failed``), ``error`` (the traceback of a failed draw), each drawn parameter
  (its own name), the outcomes of :func:`ensemble.outcomes.outcomes`, ``elapsed_s``,
  ``worker``, ``session_id`` and ``finished_at``.
* ``sessions``: one row each time the command ran on the store: the command, back end,
  draws run and failed, start and end times, and how it ended.

Only the driver writes, one transaction per chunk of draws, so a killed ensemble leaves
whole draws or none. DuckDB lets one process open a file for writing and no other
meanwhile: :func:`connect` turns that lock error into a message that says what to do.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parallel.store import TableStore

from . import EnsembleError

SCHEMA_VERSION = 2  # 2: the model's fingerprint
META_COLUMNS = {
    "schema_version": "INTEGER",
    "scenario": "VARCHAR",
    "months": "INTEGER",
    "root_seed": "BIGINT",
    "draws": "BIGINT",
    "prior_name": "VARCHAR",
    "prior_source": "VARCHAR",
    "prior_fingerprint": "VARCHAR",
    "prior_json": "VARCHAR",
    "base_params_json": "VARCHAR",
    "model_fingerprint": "VARCHAR",
    "created_at": "TIMESTAMP",
    "git_commit": "VARCHAR",
}
DRAW_KEY_COLUMNS = {
    "draw_id": "BIGINT PRIMARY KEY",
    "seed": "BIGINT",
    "status": "VARCHAR",
    "error": "VARCHAR",
}
DRAW_TAIL_COLUMNS = {
    "elapsed_s": "DOUBLE",
    "worker": "VARCHAR",
    "session_id": "INTEGER",
    "finished_at": "TIMESTAMP",
}
SESSION_COLUMNS = {
    "session_id": "INTEGER PRIMARY KEY",
    "started_at": "TIMESTAMP",
    "ended_at": "TIMESTAMP",
    "status": "VARCHAR",
    "command": "VARCHAR",
    "backend": "VARCHAR",
    "draws_pending": "BIGINT",
    "draws_done": "BIGINT",
    "draws_failed": "BIGINT",
}


class StoreError(EnsembleError):
    """A store that cannot be opened, or that holds something else."""


def now_utc() -> datetime:
    """The time now, UTC, without a zone (DuckDB TIMESTAMP)."""
    return datetime.now(UTC).replace(tzinfo=None)


def connect(path: Path, read_only: bool = False) -> Any:
    """Open a DuckDB file, turning lock and format errors into one-line messages.

    Raises:
        StoreError: the file is held by another process, is missing (read-only), or is
            not a DuckDB database.
    """
    import duckdb

    path = Path(path)
    if read_only and not path.is_file():
        raise StoreError(f"no such ensemble store: {path}")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as e:
        text = str(e)
        if "lock" in text.lower():
            m = re.search(r"PID (\d+)", text)
            who = f"process {m.group(1)}" if m else "another process"
            raise StoreError(
                f"{path} is in use by {who}, most likely an ensemble still running; wait for "
                "it or stop it with Ctrl-C (the same command resumes it), then try again"
            ) from None
        if "not a valid DuckDB database" in text:
            raise StoreError(f"{path} is not a DuckDB store") from None
        raise StoreError(f"cannot open {path}: {' '.join(text.split())[:300]}") from None


def _clean(value: Any) -> Any:
    """NaN becomes NULL; numpy scalars become Python values."""
    import numpy as np

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _arrow_type(duck: str) -> Any:
    import pyarrow as pa

    return {
        "BIGINT": pa.int64(),
        "INTEGER": pa.int32(),
        "DOUBLE": pa.float64(),
        "VARCHAR": pa.string(),
        "BOOLEAN": pa.bool_(),
        "TIMESTAMP": pa.timestamp("us"),
    }[duck.split()[0].upper()]


class Store(TableStore):
    """An ensemble store opened by the driver (read-write) or by a report (read-only)."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        super().__init__(path, connect(Path(path), read_only=read_only), read_only)
        if read_only and self.meta() is None:
            self.con.close()
            raise StoreError(f"{self.path} holds no ensemble (no table 'ensemble')")

    # ------------------------------------------------------------------ schema
    def _create(self, table: str, columns: Mapping[str, str]) -> None:
        cols = ", ".join(f'"{n}" {t}' for n, t in columns.items())
        self.con.execute(f'CREATE TABLE IF NOT EXISTS "{table}" ({cols})')
        self._types.pop(table, None)

    # ------------------------------------------------------------------ the ensemble
    def meta(self) -> dict[str, Any] | None:
        """The ``ensemble`` row, or None for a store without one."""
        if "ensemble" not in self.tables():
            return None
        cur = self.con.execute("SELECT * FROM ensemble LIMIT 1")
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def init(self, meta: Mapping[str, Any], param_types: Mapping[str, str]) -> None:
        """Create the tables of a new ensemble and write its ``ensemble`` row."""
        self.con.begin()
        try:
            self._create("ensemble", META_COLUMNS)
            self.con.execute("DELETE FROM ensemble")
            names = list(META_COLUMNS)
            marks = ", ".join("?" for _ in names)
            cols = ", ".join(f'"{n}"' for n in names)
            self.con.execute(
                f"INSERT INTO ensemble ({cols}) VALUES ({marks})",  # noqa: S608
                [meta.get(n) for n in names],
            )
            self._create("draws", {**DRAW_KEY_COLUMNS, **param_types, **DRAW_TAIL_COLUMNS})
            self._create("sessions", SESSION_COLUMNS)
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise

    def reset(self) -> int:
        """Drop every table (``--force-new``); returns how many draws were stored."""
        n = sum(self.counts().values()) if "draws" in self.tables() else 0
        for table in ("draws", "sessions", "ensemble"):
            self.con.execute(f'DROP TABLE IF EXISTS "{table}"')
            self._types.pop(table, None)
        return n

    # ------------------------------------------------------------------ sessions
    def begin_session(self, values: Mapping[str, Any]) -> int:
        """Record the start of a session; returns its id."""
        row = self.con.execute("SELECT coalesce(max(session_id), 0) + 1 FROM sessions").fetchone()
        sid = int(row[0]) if row else 1
        record = {**values, "session_id": sid, "started_at": now_utc(), "status": "running"}
        names = [n for n in SESSION_COLUMNS if n in record]
        cols = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join("?" for _ in names)
        self.con.execute(
            f"INSERT INTO sessions ({cols}) VALUES ({marks})",  # noqa: S608
            [record[n] for n in names],
        )
        return sid

    def end_session(self, session_id: int, status: str, done: int, failed: int) -> None:
        """Record how a session ended."""
        self.con.execute(
            "UPDATE sessions SET ended_at = ?, status = ?, draws_done = ?, draws_failed = ? "
            "WHERE session_id = ?",
            [now_utc(), status, done, failed, session_id],
        )

    # ------------------------------------------------------------------ draws
    def statuses(self) -> dict[int, str]:
        """Stored draws: draw_id -> status."""
        if "draws" not in self.tables():
            return {}
        return dict(self.con.execute("SELECT draw_id, status FROM draws").fetchall())

    def counts(self) -> dict[str, int]:
        """Stored draws by status."""
        if "draws" not in self.tables():
            return {}
        return dict(self.con.execute("SELECT status, count(*) FROM draws GROUP BY 1").fetchall())

    def write_draws(self, rows: list[dict[str, Any]]) -> None:
        """Store finished draws in one transaction (replacing earlier rows of a draw)."""
        import pyarrow as pa

        if not rows:
            return
        from .outcomes import outcome_type

        extra: dict[str, str] = {}
        have = self.column_types("draws")
        for r in rows:
            for k in r:
                if k not in have and k not in extra:
                    extra[k] = outcome_type(k)
        self.con.begin()
        try:
            self.ensure_columns("draws", extra)
            types = self.column_types("draws")
            names = [n for n in types if any(n in r for r in rows)]
            schema = pa.schema([(n, _arrow_type(types[n])) for n in names])
            table = pa.table({n: [_clean(r.get(n)) for r in rows] for n in names}, schema=schema)
            self.con.register("_batch", table)
            try:
                self.con.execute("INSERT OR REPLACE INTO draws BY NAME SELECT * FROM _batch")
            finally:
                self.con.unregister("_batch")
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise

    def draws_frame(self) -> Any:
        """Every stored draw as a DataFrame, ordered by ``draw_id``."""
        return self.con.execute("SELECT * FROM draws ORDER BY draw_id").df()


def meta_json(meta: Mapping[str, Any], key: str) -> Any:
    """A JSON column of the ``ensemble`` row, parsed."""
    raw = meta.get(key)
    return json.loads(raw) if raw else None
