"""The ``sweep``, ``analyze`` and ``replay`` sub-commands of ``run.py``.

``run.py`` wires them in with::

    from sweep.cli import COMMANDS as SWEEP_COMMANDS, add_parsers as add_sweep_parsers
    add_sweep_parsers(sub)            # in build_parser(), after the other sub-commands
    COMMANDS.update(SWEEP_COMMANDS)   # after the COMMANDS dict

Until then (and in tests) ``python -m sweep.cli sweep|analyze|replay ...`` runs the same
code with the same exit statuses: 0 done, 1 replay found a difference (or a worker died),
2 bad input (one-line message, no traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from errors import EXIT_BAD_INPUT, CLIError

from . import SweepError


def _bad(message: str) -> Exception:
    return CLIError(message)


def _at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a whole number >= {minimum}, got {text!r}"
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be a whole number >= {minimum}, got {value}")
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
        "--workers", type=_at_least(1), default=None, help="worker processes (default: all cores)"
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
        "--dry-run", action="store_true", help="check the spec, print the run count, run nothing"
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
        type=_at_least(10),
        default=1000,
        help="bootstrap resamples of the sensitivity indices (default: 1000)",
    )

    r = subparsers.add_parser(
        "replay",
        help="re-run a run record and check that the output is identical",
        description="Re-run a run from its record and compare every month with the stored "
        "output: prints 'identical' (exit 0) or the first month and column that differ "
        "(exit 1).",
    )
    r.add_argument("record", type=Path, help="a run record (.run.json) or a sweep store")
    r.add_argument("--run-id", type=int, default=None, help="the run to replay from a store")
    r.add_argument(
        "--write-record",
        type=Path,
        default=None,
        metavar="PATH",
        help="also write the run's record as JSON (e.g. to keep one run of a sweep)",
    )


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run or resume a sweep."""
    from .runner import EXIT_INTERRUPTED, SweepAbortedError, describe_plan, run_sweep
    from .spec import build_spec

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
                f"--out must be a DuckDB file ending in .duckdb, got {str(args.out)!r}"
            )
        if args.dry_run:
            print(f"sweep: {describe_plan(spec)} -> {args.out} (dry run: nothing run)")
            return 0
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
    return EXIT_INTERRUPTED if outcome.interrupted else 0


def cmd_analyze(args: argparse.Namespace) -> int:
    """Analyse a sweep store."""
    from .analyze import analyze_store
    from .record import _is_duckdb

    store = Path(args.store)
    if not store.is_file():
        raise _bad(f"no such sweep store: {store}")
    if not _is_duckdb(store):
        raise _bad(f"{store} is not a sweep store (a DuckDB file written by run.py sweep)")
    try:
        written = analyze_store(
            args.store,
            args.out,
            x=args.x,
            y=args.y,
            fmt=args.format,
            conf_level=args.conf_level,
            resamples=args.resamples,
        )
    except SweepError as e:
        raise _bad(str(e)) from None
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    """Replay a run record."""
    from .record import load_record_source, replay, write_record

    try:
        record = load_record_source(args.record, args.run_id)
        if args.write_record is not None:
            write_record(record, args.write_record)
            print(f"wrote the record to {args.write_record}", file=sys.stderr)
        result = replay(record)
    except SweepError as e:
        raise _bad(str(e)) from None
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(result.message)
    return 0 if result.identical else 1


COMMANDS = {"sweep": cmd_sweep, "analyze": cmd_analyze, "replay": cmd_replay}


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m sweep.cli``) with run.py's error handling."""
    parser = argparse.ArgumentParser(prog="run.py")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_parsers(sub)
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except CLIError as e:
        print(f"run.py {args.command}: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
