"""The ``ensemble``, ``ensemble-report`` and ``ensemble-versus`` sub-commands of ``run.py``.

    uv run python run.py ensemble --scenario reported --draws 200 --out runs/e.duckdb
    uv run python run.py ensemble-report runs/reported.duckdb
    uv run python run.py ensemble-versus --scenario reported --set revolver_limit=0

Bad input (a draw count below 1, an unknown preset, a malformed prior, a store of another
ensemble) is one line on stderr with exit status 2; Ctrl-C stops cleanly with status 130
and the same command resumes.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from errors import CLIError
from schema import HORIZON_MONTHS, HORIZON_REASON

from . import EnsembleError

MAX_DRAWS = 1_000_000


def _whole(lo: int, hi: int, why: str = "") -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {lo} to {hi:,}, got {text[:40]!r}"
            ) from None
        if not lo <= value <= hi:
            reason = f" ({why})" if why else ""
            shown = f"{value:,}" if len(text) < 40 else f"a {len(text)}-digit number"
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {lo} to {hi:,}{reason}, got {shown}"
            )
        return value

    return parse


def _add_run_options(parser: Any) -> None:
    """--months and --root-seed, as every command that runs draws takes them."""
    parser.add_argument(
        "--months",
        type=_whole(1, HORIZON_MONTHS, HORIZON_REASON),
        default=120,
        help="months each draw runs (default 120); later outcomes read 'beyond horizon'",
    )
    parser.add_argument(
        "--root-seed",
        type=_whole(0, 2**63 - 1),
        default=0,
        help="the draws and every draw's seed follow from it (default 0)",
    )


def _add_draws_options(
    parser: Any, draws: int | None, prior_help: str = "as for run.py ensemble"
) -> None:
    """--scenario, --draws, the run options, --prior and --workers.

    ``draws`` is the default number of draws; None makes --draws required.
    """
    parser.add_argument("--scenario", required=True, help="preset under scenarios/")
    if draws is None:
        parser.add_argument(
            "--draws",
            type=_whole(1, MAX_DRAWS),
            required=True,
            help=f"how many draws, 1 to {MAX_DRAWS:,}",
        )
    else:
        parser.add_argument(
            "--draws",
            type=_whole(1, MAX_DRAWS),
            default=draws,
            help=f"how many draws (default {draws})",
        )
    _add_run_options(parser)
    parser.add_argument("--prior", default=None, metavar="NAME|FILE", help=prior_help)
    _add_workers(parser)


def _add_workers(parser: Any, large: bool = True) -> None:
    """--workers, as every command that runs draws takes it; --large where it says --draws."""
    parser.add_argument(
        "--workers",
        type=_whole(1, 1024),
        default=None,
        help="worker processes (default: every core; 1 runs in this process)",
    )
    if not large:
        return
    parser.add_argument(
        "--large",
        action="store_true",
        help="confirm more than 100,000 runs (hours of work; the message gives the estimate)",
    )


def _check_large(args: argparse.Namespace, arms: int, what: str) -> None:
    """Refuse, before any work, more runs than ``--large`` confirms, stating the time."""
    import os

    from parallel.estimate import too_large

    workers = args.workers or os.cpu_count() or 1
    problem = too_large(args.draws * arms, args.months, workers, what, args.large)
    if problem is not None:
        raise CLIError(problem)


def add_parsers(subparsers: Any) -> None:
    """Add ``ensemble`` and ``ensemble-report`` to ``subparsers``."""
    e = subparsers.add_parser(
        "ensemble",
        help="run a preset over many draws of its prior and report the odds of outcomes",
        description="Draw the preset's uncertain parameters from a prior (Latin hypercube), "
        "run each draw, store one row per draw in DuckDB, and print outcome probabilities "
        "with 95% Wilson intervals. Running the same command again finishes only the "
        "missing draws.",
        epilog="example: run.py ensemble --scenario reported --draws 200 --months 120 "
        "--root-seed 0 --out runs/reported.duckdb (docs/ensembles.md)",
    )
    _add_draws_options(
        e,
        None,
        "wide, narrow or a prior file (.toml); default: scenarios/priors/<scenario>.toml, "
        "or the default rule where the preset has none",
    )
    e.add_argument(
        "--scheduler",
        default=None,
        help="'local' for a Dask LocalCluster, or a Dask scheduler's tls://HOST:PORT",
    )
    e.add_argument(
        "--insecure-cluster",
        action="store_true",
        help="allow a plain tcp:// scheduler that is not on this machine",
    )
    e.add_argument("--out", type=Path, required=True, help="the DuckDB store (.duckdb)")
    e.add_argument(
        "--force-new",
        action="store_true",
        help="discard whatever ensemble --out holds (another, or this one made before) and "
        "start afresh",
    )
    e.add_argument("--retry-failed", action="store_true", help="also re-run draws stored as failed")
    e.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    v = subparsers.add_parser(
        "ensemble-versus",
        help="run each draw of a preset's prior as drawn and with a change: what the change causes",
        description="Paired counterfactuals: each draw of the preset's prior runs twice with "
        "the same seed, as drawn and with the --set values over it. For each firm's default "
        "and each lender's failure it prints the probability in each arm (95% Wilson "
        "intervals), how many draws the change moved earlier or later, and the direction "
        "where one holds in at least 90% of the draws that moved. Nothing is stored.",
        epilog="example: run.py ensemble-versus --scenario reported --draws 100 "
        "--set equity_issue_max_share=0 --set revolver_limit=0 (docs/ensembles.md)",
    )
    _add_draws_options(v, 100)
    v.add_argument(
        "--set",
        dest="overrides",
        action="append",
        required=True,
        metavar="NAME=VALUE",
        help="the change: a parameter value over every draw (repeatable)",
    )

    m = subparsers.add_parser(
        "multipliers",
        help="what the suppliers' equity and vendor credit cause, over a preset's prior",
        description="Each draw of the preset's prior runs five times with the same seed: as "
        "drawn, without NVIDIA's milestone equity, without AMD's warrants, without vendor "
        "credit and without all three. Prints, per supplier and channel, the money put "
        "in and the gross and net loop multipliers and the months of the app company's "
        "survival bought, as medians with 5-95% ranges over the draws. Nothing is stored.",
        epilog="example: run.py multipliers --scenario reported --draws 50 (docs/model.md §7.17)",
    )
    _add_draws_options(m, 50)
    m.add_argument(
        "--out", type=Path, default=None, help="also write every draw's rows (.csv or .parquet)"
    )

    c = subparsers.add_parser(
        "claims",
        help="recompute every outcome the docs state with odds (claims.toml)",
        description="Recompute each claim of claims.toml on its preset's ensemble and say "
        "whether it holds: a stated probability inside the 95% Wilson interval of the "
        "recomputed share, a direction with the interval's lower bound at 90% or more. "
        "Exit status 1 while any claim does not hold.",
        epilog="example: run.py claims --measure (writes the recomputed shares into "
        "claims.toml and the table in docs/scenarios.md)",
    )
    c.add_argument(
        "--measure",
        action="store_true",
        help="write the recomputed shares as the stated values, and the docs' table",
    )
    _add_workers(c, large=False)

    r = subparsers.add_parser(
        "ensemble-report",
        help="print the outcome odds of an ensemble store",
        description="Print the outcome probabilities (95% Wilson intervals) and "
        "distributions of the draws stored by run.py ensemble.",
    )
    r.add_argument("store", type=Path, help="the DuckDB store written by run.py ensemble")


def _store_problem(path: Path, e: Exception) -> CLIError:
    from errors import EXIT_FAILED

    text = " ".join(str(e).split())[:300]
    err = CLIError(f"{path}: the store cannot be used: {text}")
    if "No space left" in text or "disk" in text.lower():
        err.exit_status = EXIT_FAILED
    return err


def cmd_ensemble(args: argparse.Namespace) -> int:
    """Run or resume an ensemble, then print its report."""
    import duckdb

    from fileio import check_writable

    from .prior import resolve_prior
    from .report import report_store
    from .runner import EXIT_INTERRUPTED, EnsembleAbortedError, EnsembleSpec, run_ensemble

    if args.out.suffix.lower() not in (".duckdb", ".db"):
        raise CLIError(
            f"--out must be a DuckDB file ending in .duckdb, got {str(args.out)[:200]!r}"
        )
    _check_large(args, 1, "ensemble")
    try:
        from params import load_preset

        load_preset(args.scenario)
        prior = resolve_prior(args.prior, args.scenario)
        spec = EnsembleSpec(args.scenario, args.draws, args.months, args.root_seed, prior)
        spec.meta()  # the preset's values load
        check_writable(args.out, what="--out")
        outcome = run_ensemble(
            spec,
            args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            insecure_cluster=args.insecure_cluster,
            force_new=args.force_new,
            retry_failed=args.retry_failed,
            progress=not args.no_progress,
            command=shlex.join(sys.argv),
            echo=lambda text: print(text, file=sys.stderr),
        )
        if outcome.interrupted:
            return EXIT_INTERRUPTED
        print(report_store(args.out))
    except EnsembleAbortedError as e:
        print(f"run.py ensemble: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "run.py ensemble: aborted; stored draws are kept, the same command resumes",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except duckdb.Error as e:
        raise _store_problem(args.out, e) from None
    return 0


def cmd_ensemble_report(args: argparse.Namespace) -> int:
    """Print the report of a store."""
    import duckdb

    from .report import report_store

    try:
        print(report_store(args.store))
    except duckdb.Error as e:
        raise _store_problem(args.store, e) from None
    except EnsembleError:
        raise
    return 0


def cmd_ensemble_versus(args: argparse.Namespace) -> int:
    """Run the pairs and print what the change moved."""
    from errors import parse_assignments
    from params import Params, PresetError, load_preset

    from .prior import resolve_prior
    from .runner import EnsembleSpec
    from .versus import echo_stderr, report, run_versus

    overrides = parse_assignments(args.overrides)
    _check_large(args, 2, "paired ensemble")
    try:
        load_preset(args.scenario)
        values = Params.from_preset(args.scenario, **overrides).to_dict()
    except PresetError as e:
        raise CLIError(str(e)) from None
    except ValueError as e:
        raise CLIError(f"bad parameter: {e}") from None
    typed = {k: values[k] for k in overrides}  # checked and typed by Params
    prior = resolve_prior(args.prior, args.scenario)
    spec = EnsembleSpec(args.scenario, args.draws, args.months, args.root_seed, prior)
    echo_stderr(f"{args.draws:,} draws of {args.scenario}, each run twice")
    try:
        pairs = run_versus(spec, typed, workers=args.workers, echo=echo_stderr)
    except KeyboardInterrupt:
        print("run.py ensemble-versus: aborted; nothing is stored", file=sys.stderr)
        from .runner import EXIT_INTERRUPTED

        return EXIT_INTERRUPTED
    print(report(pairs, typed))
    return 0


def cmd_multipliers(args: argparse.Namespace) -> int:
    """Run every draw in five arms and print the multipliers' ranges."""
    from params import PresetError, load_preset

    from .multipliers import report, run_multipliers, summarise
    from .prior import resolve_prior
    from .runner import EnsembleSpec
    from .versus import echo_stderr

    _check_large(args, 5, "counterfactual ensemble")
    if args.out is not None:
        from fileio import check_writable

        if args.out.suffix.lower() not in (".csv", ".parquet"):
            raise CLIError(f"--out must end in .csv or .parquet, got {str(args.out)[:200]!r}")
        check_writable(args.out, what="--out")
    try:
        load_preset(args.scenario)
    except PresetError as e:
        raise CLIError(str(e)) from None
    prior = resolve_prior(args.prior, args.scenario)
    spec = EnsembleSpec(args.scenario, args.draws, args.months, args.root_seed, prior)
    echo_stderr(f"{args.draws:,} draws of {args.scenario}, each run in five arms")
    try:
        rows, failed = run_multipliers(spec, workers=args.workers, echo=echo_stderr)
    except KeyboardInterrupt:
        print("run.py multipliers: aborted; nothing is stored", file=sys.stderr)
        from .runner import EXIT_INTERRUPTED

        return EXIT_INTERRUPTED
    print(report(summarise(rows), args.draws - len(failed), failed, args.scenario))
    if args.out is not None:
        from fileio import write_frame

        write_frame(rows, args.out)
        print(f"wrote {len(rows):,} rows to {args.out}")
    return 0


def cmd_claims(args: argparse.Namespace) -> int:
    """Recompute every claim; with --measure, write them and the docs' table."""
    from .claims import (
        CLAIMS_FILE,
        DOCS_FILE,
        MODEL_DOCS_FILE,
        MULT_BEGIN,
        MULT_END,
        docs_block,
        echo_stderr,
        evaluate,
        evaluate_versus,
        load_claims,
        multipliers_block,
        report,
        run_ensemble_rows,
        run_multiplier_tables,
        run_versus_pairs,
        versus_block,
        versus_blocks,
        versus_markers,
        versus_report,
        write_docs,
        write_stated,
    )

    cf = load_claims(CLAIMS_FILE)
    echo_stderr(f"{len(cf.claims)} claims on {len(cf.ensembles())} ensembles of {cf.draws} draws")
    rows = {
        key: run_ensemble_rows(
            *key, cf.draws, cf.months, cf.root_seed, workers=args.workers, echo=echo_stderr
        )
        for key in cf.ensembles()
    }
    if args.measure:
        write_stated(CLAIMS_FILE, evaluate(cf.claims, rows))
        cf = load_claims(CLAIMS_FILE)
    results = evaluate(cf.claims, rows)
    print(report(results))
    versus = evaluate_versus(cf, run_versus_pairs(cf, workers=args.workers, echo=echo_stderr))
    if versus:
        print(versus_report(versus))
    if args.measure:
        write_docs(DOCS_FILE, docs_block(cf, results))
        for block in versus_blocks(versus):
            write_docs(MODEL_DOCS_FILE, versus_block(cf, versus, block), *versus_markers(block))
        if cf.multiplier_presets:
            tables = run_multiplier_tables(cf, workers=args.workers, echo=echo_stderr)
            block = multipliers_block(cf, tables)
            print(block)
            write_docs(MODEL_DOCS_FILE, block, MULT_BEGIN, MULT_END)
        echo_stderr(f"wrote {CLAIMS_FILE.name} and the tables in docs/")
    held = all(r.holds for r in results) and all(v.holds for v in versus)
    return 0 if held else 1


COMMANDS = {
    "multipliers": cmd_multipliers,
    "claims": cmd_claims,
    "ensemble": cmd_ensemble,
    "ensemble-report": cmd_ensemble_report,
    "ensemble-versus": cmd_ensemble_versus,
}
