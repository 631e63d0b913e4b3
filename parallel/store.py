"""What the sweep store and the ensemble store share: one DuckDB file and its tables.

:class:`TableStore` opens nothing itself (each store connects with its own checks and
messages); it keeps the connection and gives the schema helpers both stores use.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self


class TableStore:
    """A DuckDB file of tables, written by one driver or read by analysis.

    Args:
        path: the file.
        con: its open DuckDB connection.
        read_only: opened for reading only.
    """

    def __init__(self, path: Path, con: Any, read_only: bool) -> None:
        self.path = Path(path)
        self.con = con
        if not read_only:
            self.con.execute("SET threads = 1")  # small writes; leave the cores to the runs
        self._types: dict[str, dict[str, str]] = {}

    def close(self) -> None:
        """Close the connection (releases the file lock)."""
        self.con.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ schema
    def tables(self) -> set[str]:
        """Names of the tables in the store."""
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
        return {r[0] for r in rows}

    def column_types(self, table: str) -> dict[str, str]:
        """Column name -> DuckDB type, in table order."""
        if table not in self._types:
            rows = self.con.execute(f'DESCRIBE "{table}"').fetchall()
            self._types[table] = {r[0]: r[1] for r in rows}
        return self._types[table]

    def ensure_columns(self, table: str, columns: Mapping[str, str]) -> None:
        """Add any of ``columns`` (name -> type) the table lacks."""
        have = self.column_types(table)
        for name, typ in columns.items():
            if name not in have:
                self.con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {typ}')
                have[name] = typ
