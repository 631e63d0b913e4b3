"""Run records: everything needed to re-run a run exactly, and replay that checks it.

Used by the command line (``run.py run --out X.csv`` writes ``X.csv.run.json``), the sweeps
(a record per run in the store: ``sweep.stored_records``) and the live view (the run record
download). Modules:

* :mod:`records.record`: build, check, read and write records.
* :mod:`records.replay`: re-run a record and compare with its output.
* :mod:`records.env`: where a run came from (project version, git commit, library versions).

See ``docs/sweeps.md`` ("Run records and replay").
"""

from records.record import (
    RECORD_SUFFIX,
    RECORD_VERSION,
    RecordError,
    build_record,
    check_record,
    output_name,
    read_record,
    record_from_model,
    record_json,
    record_path,
    write_record,
    write_run_record,
)
from records.replay import (
    Difference,
    ReplayResult,
    StoredRuns,
    first_difference,
    first_summary_difference,
    replay,
    rerun,
)

__all__ = [
    "RECORD_SUFFIX",
    "RECORD_VERSION",
    "Difference",
    "RecordError",
    "ReplayResult",
    "StoredRuns",
    "build_record",
    "check_record",
    "first_difference",
    "first_summary_difference",
    "output_name",
    "read_record",
    "record_from_model",
    "record_json",
    "record_path",
    "replay",
    "rerun",
    "write_record",
    "write_run_record",
]
