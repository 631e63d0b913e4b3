"""The ``sweep``, ``analyze`` and ``replay`` sub-commands of ``run.py``.

``run.py`` wires them in with::

    from sweep.cli import COMMANDS as SWEEP_COMMANDS, add_parsers as add_sweep_parsers
    add_sweep_parsers(sub)            # in build_parser(), after the other sub-commands
    COMMANDS.update(SWEEP_COMMANDS)   # after the COMMANDS dict

Until then (and in tests) ``python -m sweep.cli sweep|analyze|replay ...`` runs the same
code with the same exit statuses: 0 done, 1 replay found a difference (or a worker died,
or a write failed mid-way: a full disk), 2 bad input (one-line message, no traceback),
130 interrupted.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from errors import CLIError, OneLineArgumentParser, WriteFailedError, run_command

from . import SweepError

MAX_WORKERS = 512  # processes one sweep starts
MAX_RESAMPLES = 100_000  # bootstrap resamples of the sensitivity indices
RUN_ID_MAX = 2**63 - 1


def _bad(message: str) -> Exception:
    return CLIError(message)


def _at_least(minimum: int, maximum: int = RUN_ID_MAX):
    def parse(text: str) -> int:
        allowed = f"a whole number from {minimum:,} to {maximum:,}"
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {allowed}, got {text[:40]!r}") from None
        if not minimum <= value <= maximum:
            shown = f"{value:,}" if len(text) < 40 else f"a {len(text)}-digit number"
            raise argparse.ArgumentTypeError(f"must be {allowed}, got {shown}")
        return value

    return parse


def add_parsers(subparsers: Any) -> None:
    """Add the ``sweep``, ``analyze`` and ``replay`` sub-commands to ``subparsers``."""
    s = subparsers.add_parser(
        "sweep",
        help="run a resumable parameter sweep into a DuckDB store",
        description="Run many simulations over parameter ranges and replicate seeds, on local "
        "processes or a Dask cluster, storing each run as it finishes. Running the same "
        "command again finishes only the missing runs.",
        epilog="example: run.py sweep --scenario seed --vary milestone_investment_per_gw=1:10 "
        "--vary paid_growth_decay=0.1:0.9 --design lhs --samples 200 --replicates 5 "
        "--root-seed 0 --months 120 --out runs/sweep.duckdb",
    )
    s.add_argument("--spec", type=Path, default=None, help="sweep file (TOML); options override")
    s.add_argument(
        "--scenario", default=None, help="preset under scenarios/, or 'none' (default: seed)"
    )
    s.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="NAME=LO:HI|NAME=V1,V2,..",
        help="a parameter to vary: a range LO:HI (lhs, sobol, morris), levels V1,V2,... or "
        "LO:HI:N (grid); repeatable",
    )
    s.add_argument(
        "--set",
        dest="fixed",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="fix a parameter for every run (repeatable)",
    )
    s.add_argument("--design", default=None, help="grid, lhs, sobol or morris (default: lhs)")
    s.add_argument(
        "--samples",
        type=int,
        default=None,
        help="lhs: points; sobol: base sample N (a power of two); morris: trajectories",
    )
    s.add_argument("--replicates", type=int, default=None, help="seeds per point (default: 1)")
    s.add_argument(
        "--root-seed", type=int, default=None, help="seed every run's seed derives from (0)"
    )
    s.add_argument("--months", type=int, default=None, help="months per run (default: 120)")
    s.add_argument(
        "--second-order",
        action="store_true",
        default=None,
        help="sobol: N(2D+2) runs and second-order indices (default: N(D+2), first and total)",
    )
    s.add_argument(
        "--morris-levels", type=int, default=None, help="morris: levels per factor (default: 4)"
    )
    s.add_argument(
        "--timeseries",
        action="store_true",
        default=None,
        help="also store every month of every run (table timeseries; slower, larger)",
    )
    s.add_argument("--out", type=Path, required=True, help="the DuckDB store, e.g. runs/x.duckdb")
    s.add_argument(
        "--workers",
        type=_at_least(1, MAX_WORKERS),
        default=None,
        help=f"worker processes, 1 to {MAX_WORKERS} (default: all cores)",
    )
    s.add_argument(
        "--scheduler",
        default=None,
        metavar="tls://HOST:PORT|local",
        help="run on a Dask scheduler, or 'local' for a Dask LocalCluster of --workers",
    )
    s.add_argument(
        "--insecure-cluster",
        action="store_true",
        help="allow a plain tcp:// scheduler that is not loopback (its workers run any code "
        "sent to them, unauthenticated): only on a network you trust",
    )
    s.add_argument(
        "--chunk-size", type=_at_least(1), default=None, help="runs per task (default: auto)"
    )
    s.add_argument(
        "--force-new", action="store_true", help="discard a different sweep stored in --out"
    )
    s.add_argument("--retry-failed", action="store_true", help="re-run the runs stored as failed")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.add_argument(
        "--dry-run",
        action="store_true",
        help="check the spec, print the run count and estimated time, run nothing",
    )
    s.add_argument(
        "--large",
        action="store_true",
        help="confirm a sweep of more than 100,000 runs (hours of work; see --dry-run)",
    )

    a = subparsers.add_parser(
        "analyze",
        help="phase diagram, per-point statistics and sensitivity indices of a sweep",
        description="Read a sweep store and write a phase diagram PNG over two parameters, "
        "outcome statistics per parameter point with confidence intervals across replicates, "
        "and for sobol/morris designs SALib sensitivity indices (table and bar chart).",
    )
    a.add_argument("store", type=Path, help="the sweep's DuckDB store")
    a.add_argument("--out", type=Path, required=True, help="folder for the figures and tables")
    a.add_argument("--x", default=None, help="parameter on the x axis (default: first varied)")
    a.add_argument("--y", default=None, help="parameter on the y axis (default: second varied)")
    a.add_argument(
        "--format", choices=("csv", "parquet"), default="csv", help="table format (default: csv)"
    )
    a.add_argument(
        "--conf-level", type=float, default=0.95, help="confidence level (default: 0.95)"
    )
    a.add_argument(
        "--resamples",
        type=_at_least(10, MAX_RESAMPLES),
        default=1000,
        help=f"bootstrap resamples of the sensitivity indices, 10 to {MAX_RESAMPLES:,} "
        "(default: 1000)",
    )

    r = subparsers.add_parser(
        "replay",
        help="re-run a run record and check that the output is identical",
        description="Re-run a run from its record and compare every month with the stored "
        "output: prints 'identical' (exit 0) or the first month and column that differ "
        "(exit 1).",
    )
    r.add_argument("record", type=Path, help="a run record (.run.json) or a sweep store")
    r.add_argument(
        "--run-id", type=_at_least(0), default=None, help="the run to replay from a store"
    )
    r.add_argument(
        "--against",
        type=Path,
        default=None,
        metavar="PATH",
        help="compare with this output (.csv, .parquet) or sweep store instead of the output "
        "beside the record (a path written inside a record is never opened)",
    )
    r.add_argument(
        "--write-record",
        type=Path,
        default=None,
        metavar="PATH",
        help="also write the run's record as JSON (e.g. to keep one run of a sweep)",
    )


def _default_workers() -> int:
    import os

    return os.cpu_count() or 1


def _store_problem(path: Path, e: Exception) -> Exception:
    """A DuckDB error on a store as a one-line error: a full disk is exit 1, the rest 2.

    The error a caller sees may be a failed rollback raised while handling the real one
    (a commit that found the disk full), so the chain of errors is searched.
    """
    chain: list[BaseException] = []
    link: BaseException | None = e
    while link is not None and len(chain) < 10:
        chain.append(link)
        link = link.__cause__ or link.__context__
    full = [c for c in chain if "no space left" in str(c).lower() or "disk full" in str(c).lower()]
    cause = full[0] if full else e
    text = (str(cause).strip().splitlines() or [type(cause).__name__])[0][:300]
    if full:
        return WriteFailedError(
            f"{path}: the store could not be written ({text}); the runs stored before are "
            "kept: free some space, then run the same command to resume"
        )
    return CLIError(f"{path}: cannot use this sweep store: {text}")


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run or resume a sweep."""
    import duckdb

    from fileio import check_writable

    from .runner import EXIT_INTERRUPTED, SweepAbortedError, describe_plan, run_sweep
    from .spec import build_spec, check_large, estimate

    try:
        spec = build_spec(
            spec_file=args.spec,
            vary=args.vary,
            fixed=args.fixed,
            scenario=args.scenario,
            design=args.design,
            samples=args.samples,
            replicates=args.replicates,
            root_seed=args.root_seed,
            months=args.months,
            timeseries=args.timeseries,
            second_order=args.second_order,
            morris_levels=args.morris_levels,
        )
        if args.out.suffix.lower() not in (".duckdb", ".db"):
            raise SweepError(
                f"--out must be a DuckDB file ending in .duckdb, got {str(args.out)[:200]!r}"
            )
        workers = args.workers or _default_workers()
        if args.dry_run:
            print(
                f"sweep: {describe_plan(spec)} -> {args.out} (dry run: nothing run; "
                f"{estimate(spec, workers)})"
            )
            return 0
        check_large(spec, workers, args.large)
        check_writable(args.out, what="--out")
        outcome = run_sweep(
            spec,
            args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            chunk_size=args.chunk_size,
            force_new=args.force_new,
            retry_failed=args.retry_failed,
            progress=not args.no_progress,
            command=shlex.join(sys.argv),
            insecure_cluster=args.insecure_cluster,
        )
    except SweepAbortedError as e:
        print(f"run.py sweep: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "run.py sweep: aborted; stored runs are kept, the same command resumes",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except SweepError as e:
        raise _bad(str(e)) from None
    except duckdb.Error as e:
        raise _store_problem(args.out, e) from None
    return EXIT_INTERRUPTED if outcome.interrupted else 0


def cmd_analyze(args: argparse.Namespace) -> int:
    """Analyse a sweep store; the files appear in --out whole or not at all."""
    import duckdb

    from fileio import check_writable

    from .stored_records import is_duckdb

    store = Path(args.store)
    if not store.is_file():
        raise _bad(f"no such sweep store: {store}")
    if not is_duckdb(store):
        raise _bad(f"{store} is not a sweep store (a DuckDB file written by run.py sweep)")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise _bad(f"--out {out}: is a file; give a folder for the figures and tables")
    check_writable(out / "points.csv", what="--out")
    try:
        written = _analyze_into(store, out, args)
    except SweepError as e:
        raise _bad(str(e)) from None
    except duckdb.Error as e:
        raise _store_problem(store, e) from None
    for path in written:
        print(f"wrote {path}")
    return 0


def _analyze_into(store: Path, out: Path, args: argparse.Namespace) -> list[Path]:
    """Write the analysis into a hidden folder inside ``out``, then move each file out."""
    import os
    import shutil
    import tempfile

    from errors import os_problem

    from .analyze import analyze_store

    try:
        out.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=out, prefix=".analyze-"))
    except OSError as e:
        raise _bad(f"--out {out}: cannot create the folder: {os_problem(e)}") from None
    try:
        written = analyze_store(
            store,
            tmp,
            x=args.x,
            y=args.y,
            fmt=args.format,
            conf_level=args.conf_level,
            resamples=args.resamples,
        )
        final = []
        for path in written:
            os.replace(path, out / path.name)
            final.append(out / path.name)
        return final
    except OSError as e:
        raise WriteFailedError(
            f"--out {out}: writing the analysis failed ({os_problem(e)}); no partial file was left"
        ) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def cmd_replay(args: argparse.Namespace) -> int:
    """Replay a run record (comparing only with the output beside it, or --against)."""
    import duckdb

    from fileio import check_writable
    from records import RecordError, write_record

    from .stored_records import load_record_source, replay

    try:
        record = load_record_source(args.record, args.run_id)
        if args.write_record is not None:
            check_writable(args.write_record, what="--write-record")
            write_record(record, args.write_record, what="--write-record")
            print(f"wrote the record to {args.write_record}", file=sys.stderr)
        result = replay(record, against=args.against)
    except (SweepError, RecordError) as e:
        raise _bad(str(e)) from None
    except duckdb.Error as e:
        raise _store_problem(Path(args.against or args.record), e) from None
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(result.message)
    return 0 if result.identical else 1


COMMANDS = {"sweep": cmd_sweep, "analyze": cmd_analyze, "replay": cmd_replay}


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m sweep.cli``) with run.py's error handling."""
    parser = OneLineArgumentParser(prog="run.py")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_parsers(sub)
    args = parser.parse_args(argv)
    return run_command("run.py", args.command, COMMANDS[args.command], args)


if __name__ == "__main__":
    sys.exit(main())
