"""Run records of a sweep store: rebuild one, load a record from a file or a store, replay.

The records themselves (building, reading, checking, writing) and replay are
:mod:`records`'s; this module adds what only the sweeps know: how a record is kept in a
store (table ``run_records``) and where a stored run's time series and summary are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from records import RecordError, ReplayResult, build_record, read_record
from records import replay as replay_record


def is_duckdb(path: Path) -> bool:
    """Whether ``path`` starts like a DuckDB file (a sweep store)."""
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
    if is_duckdb(path) or path.suffix == ".duckdb":
        if run_id is None:
            raise RecordError(f"{path} is a sweep store: give the run with --run-id N")
        return record_from_store(path, run_id)  # the store named: replay reads it
    if run_id is not None:
        raise RecordError("--run-id is for sweep stores; a record file holds one run")
    return read_record(path)


class SweepStores:
    """Sweep stores as :func:`records.replay` reads them (``records.replay.StoredRuns``)."""

    def is_store(self, path: Path) -> bool:
        """Whether ``path`` is a sweep store."""
        return is_duckdb(path)

    def frame(self, store: Path, run_id: int) -> tuple[Any, str] | None:
        """A run's stored time series (None when the sweep kept none)."""
        from .store import Store

        with Store(store, read_only=True) as st:
            if "timeseries" not in st.tables():
                return None
            df = st.con.execute(
                "SELECT * FROM timeseries WHERE run_id = ? ORDER BY month", [run_id]
            ).df()
        if not len(df):
            return None
        return df.drop(columns=["run_id"]), f"the stored time series of {store}"

    def summary(self, store: Path, run_id: int) -> dict[str, Any] | None:
        """A run's stored summary (None for a failed run)."""
        return record_from_store(store, run_id).get("summary")


SWEEP_STORES = SweepStores()


def replay(record: dict[str, Any], against: Path | None = None) -> ReplayResult:
    """:func:`records.replay` with sweep stores readable (what ``run.py replay`` runs)."""
    return replay_record(record, against, stores=SWEEP_STORES)
