"""Command line of the AI financing-loop simulator.

    uv run python run.py run --scenario seed --months 120 --seed 42 --out runs/seed.csv
    uv run python run.py scenarios | params | columns
    uv run python run.py contagion network.json --out results.json
    uv run python run.py sweep ... | analyze STORE | replay RECORD
    uv run python run.py ensemble --scenario reported --draws 200 --out runs/e.duckdb

Every command prints a one-line message (never a traceback) and exits with status 2 on
bad input (a value, a file that cannot be read or used, an output path that cannot be
written), 1 when a write fails mid-way (a full disk; no partial file is left).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from errors import EXIT_BAD_INPUT, CLIError, OneLineArgumentParser, parse_assignments, run_command
from schema import HORIZON_MONTHS, HORIZON_REASON

__all__ = ["EXIT_BAD_INPUT", "CLIError", "main"]

MAX_CALIBRATION_SEEDS = 1000  # 4 presets x 1,000 runs of 120 months: minutes, not hours


# ---------------------------------------------------------------------- parsing helpers
def positive_int(text: str) -> int:
    """Argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a whole number >= 1, got {text[:40]!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {value}")
    return value


def bounded_int(lo: int, hi: int, why: str = "") -> Any:
    """Argparse type: a whole number from ``lo`` to ``hi`` (``why``: the reason for ``hi``)."""

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


months_int = bounded_int(1, HORIZON_MONTHS, HORIZON_REASON)


def seed_int(text: str) -> int:
    """Argparse type: a random seed, a whole number from 0 to 2**63 - 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a whole number >= 0, got {text[:40]!r}"
        ) from None
    if not 0 <= value < 2**63:
        shown = f"{value}" if len(text) < 40 else f"a {len(text)}-digit number"
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 2**63 - 1, got {shown}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = OneLineArgumentParser(
        prog="run.py",
        description="Simulate the AI circular-financing loop: chip suppliers, cloud providers, "
        "the app company and investors, month by month from January 2024.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "run",
        help="simulate one scenario and write one dated row per month",
        description="Simulate one scenario month by month from January 2024, print a summary "
        "by year and write every reporter, one row per month.",
    )
    p.add_argument(
        "--scenario",
        default="seed",
        help="preset under scenarios/ (default: seed; `run.py scenarios` lists them)",
    )
    p.add_argument(
        "--months",
        type=months_int,
        default=120,
        help=f"months to simulate, 1 to {HORIZON_MONTHS} (default: 120 = ten years; "
        f"{HORIZON_MONTHS}: {HORIZON_REASON})",
    )
    p.add_argument(
        "--seed",
        type=seed_int,
        default=42,
        help="random seed; the same seed and parameters give the same run (default: 42)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output file: .csv or .parquet (default: print the summary only)",
    )
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        metavar="NAME=VALUE",
        help="override one parameter (repeatable); `run.py params` lists them",
    )
    p.add_argument(
        "--check", action="store_true", help="check every ledger invariant every month (slower)"
    )
    p.add_argument(
        "--events",
        type=Path,
        default=None,
        help="also write the event log (contracts, milestones, rounds, defaults) as CSV",
    )
    p.add_argument(
        "--counterfactual",
        action="store_true",
        help="also run the same seed and parameters without NVIDIA's milestone equity, "
        "without AMD's warrants, without vendor credit and without all three, and print "
        "each supplier's loop multipliers (docs/model.md §7.17)",
    )

    sub.add_parser("scenarios", help="list the scenario presets with a one-line description")
    c = sub.add_parser("columns", help="list every reported column with its unit and meaning")
    c.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    pa = sub.add_parser("params", help="list every parameter: default, unit, range, provenance")
    pa.add_argument("--scenario", default=None, help="show the values of this preset")

    cal = sub.add_parser(
        "calibrate",
        help="check each preset against the figures it is held to",
        description="Run each preset over several seeds and print, for every target it is "
        "held to, the source row, the model's value, the error and pass/fail.",
    )
    cal.add_argument("--scenario", default=None, help="only this preset (default: all)")
    cal.add_argument(
        "--seeds",
        type=bounded_int(1, MAX_CALIBRATION_SEEDS, "more seeds add hours, not accuracy"),
        default=5,
        help=f"runs per preset, 1 to {MAX_CALIBRATION_SEEDS} (default 5)",
    )

    ct = sub.add_parser(
        "contagion",
        help="run the default-cascade methods on a network file",
        description="Read a network file in the format of tests/data/contagion_cases.json "
        "(expected results in it are ignored) and write, for each case and method, the "
        "cascade's results (Furfine, Eisenberg-Noe, linear DebtRank, exogenous recovery).",
    )
    ct.add_argument("file", type=Path, help="network file (JSON)")
    ct.add_argument("--out", type=Path, required=True, help="where to write the results (JSON)")

    from ensemble.cli import add_parsers as add_ensemble_parsers
    from sweep.cli import add_parsers as add_sweep_parsers

    add_sweep_parsers(sub)  # sweep, analyze, replay
    add_ensemble_parsers(sub)  # ensemble, ensemble-report, ensemble-versus
    return parser


# ---------------------------------------------------------------------- commands
def cmd_run(args: argparse.Namespace) -> int:
    """Simulate and report."""
    from params import PresetError

    overrides = parse_assignments(args.overrides)
    check_run_outputs(args.out, args.events)  # before any work
    from model import AIBubbleModel

    try:
        model = AIBubbleModel(
            rng=args.seed, preset=args.scenario, check_invariants=args.check, **overrides
        )
    except PresetError as e:
        raise CLIError(str(e)) from None
    except ValueError as e:
        raise CLIError(f"bad parameter: {e}") from None
    model.run_for(args.months)
    df = model.datacollector.get_model_vars_dataframe()
    print(summary_table(df).to_string())
    print()
    print(summary_line(df))
    if args.out is not None:
        from records import write_run_record

        write_table(df, args.out)
        record = write_run_record(
            model, args.out, seed=args.seed, scenario=args.scenario, months=args.months
        )
        print(f"wrote {len(df)} monthly rows x {df.shape[1]} columns to {args.out}")
        print(f"wrote the run record to {record} (replay it: run.py replay {record})")
    if args.events is not None:
        import pandas as pd

        events = [e.row() for e in model.observation.events]
        write_table(
            pd.DataFrame(events, columns=["month", "date", "kind", "firm", "text"]),
            args.events,
            what="--events",
        )
        print(f"wrote {len(events)} events to {args.events}")
    if args.counterfactual:
        print()
        print(counterfactual_text(args, overrides, model))
    return 0


def counterfactual_text(args: argparse.Namespace, overrides: dict[str, Any], model: Any) -> str:
    """The run's loop multipliers (``ensemble.counterfactual``) as a table with its legend.

    ``model`` is the run itself: the other arms are run beside it.
    """
    from ensemble.counterfactual import counterfactual, legend

    table = counterfactual(args.scenario, args.seed, args.months, as_run=model, **overrides)
    return legend(table)


def check_run_outputs(out: Path | None, events: Path | None) -> None:
    """Refuse, before the run, output paths that cannot be written (exit status 2)."""
    from fileio import check_writable
    from records import record_path

    targets: list[Path] = []
    if out is not None:
        if out.suffix.lower() not in (".csv", ".parquet"):
            raise CLIError(f"--out must end in .csv or .parquet, got {str(out)[:200]!r}")
        check_writable(out, what="--out")
        check_writable(record_path(out), what="--out's run record")
        targets += [out.resolve(), record_path(out).resolve()]
    if events is not None:
        check_writable(events, what="--events")
        if events.resolve() in targets:
            raise CLIError("--events must name another file than --out and its run record")


def write_table(df: Any, path: Path, what: str = "--out") -> None:
    """Write a DataFrame as CSV or Parquet by the file's suffix, whole or not at all.

    Parent folders are created; the file appears only once complete (temporary file and
    rename), so a full disk leaves no partial file (:class:`errors.WriteFailedError`).
    """
    from fileio import write_frame

    write_frame(df, path, what=what)


def summary_table(df: Any) -> Any:
    """One row per year: the regime, GW, money and indicators a reader looks at first.

    Levels and indicators are the year's last month (December, or the last month run),
    revenue and income the year's sums, loop throughput its monthly mean. The cells are
    text, so that the table fits 100 columns (two-line headers) and a value that is
    undefined that month (a ratio over zero revenue, say) reads "-" rather than NaN.
    """
    import pandas as pd

    from economy.observation import CARRIED

    df = df.copy()
    for c in CARRIED:  # a carried column's undefined months read "-"
        if c.name in df and c.flag in df:
            df[c.name] = df[c.name].where(df[c.flag] == 1)
    year = df["date"].str[:4]
    g = df.groupby(year)

    def cells(values: Any, spec: str) -> Any:
        return values.map(lambda v: "-" if pd.isna(v) else format(v, spec))

    def last(column: str) -> Any:  # the year's last month, even where it is undefined
        return g[column].last(skipna=False)

    table = pd.DataFrame(
        {
            ("regime", "(Dec)"): last("regime"),
            ("GW", "deployed"): cells(last("deployed_gw"), ".2f"),
            ("revenue", "$B"): cells(g["app_revenue"].sum(), ".1f"),
            ("net income", "$B"): cells(g["app_net_income"].sum(), ".1f"),
            ("runway", "months"): cells(last("app_runway_months"), ".1f"),
            ("user", "growth"): cells(last("engine_user_growth"), ".2f"),
            ("capex/", "revenue"): cells(last("gears_capex_to_revenue"), ".2f"),
            ("capex per", "compute"): cells(last("fuel_capex_per_compute"), ".1f"),
            ("loop", "$B/mo"): cells(g["loop_throughput"].mean(), ".3f"),
        }
    )
    table.index.name = "year"
    return table


def summary_line(df: Any) -> str:
    """The run summary (docs/model.md) in one paragraph."""
    from economy.indicators import money_bn
    from economy.observation import RunSummary

    s = RunSummary.from_frame(df)
    months = ", ".join(f"{k.removeprefix('months_')} {s[k]}" for k in s if k.startswith("months_"))
    first_stall = s["first_stall_month"]
    first_default = s["first_default_month"]
    return (
        f"Months in each regime: {months}. Worst regime: {s['worst_regime']}. "
        f"First stall: {_month_text(df, first_stall)}. "
        f"First default: {_month_text(df, first_default)}. "
        f"Peak GW: {s['peak_gw']:.2f}. "
        f"Milestone investment: ${s['total_milestone_investment']:.1f}B. "
        f"App cash low point: {money_bn(s['app_cash_low'])}."
    )


def _month_text(df: Any, month: Any) -> str:
    return "none" if month is None else str(df["date"].iloc[int(month)])[:7]


def cmd_scenarios(_args: argparse.Namespace) -> int:
    """List presets; a preset file that cannot be read is named with its problem."""
    from errors import one_line
    from params import PresetError, load_preset, preset_names

    bad = 0
    for name in preset_names():
        try:
            print(f"{name:14s} {load_preset(name).description}")
        except PresetError as e:
            print(f"{name:14s} (cannot be used: the error is on stderr)")
            print(f"run.py scenarios: error: {one_line(str(e))}", file=sys.stderr)
            bad += 1
    return EXIT_BAD_INPUT if bad else 0


def cmd_columns(args: argparse.Namespace) -> int:
    """List reporters."""
    from economy.observation import COLUMNS, columns_markdown

    if args.markdown:
        print(columns_markdown(), end="")
        return 0
    width = max(len(c.name) for c in COLUMNS)
    for c in COLUMNS:
        print(f"{c.name:{width}s}  [{c.unit}]  {c.meaning}")
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    """List parameters with their provenance."""
    from params import PARAM_NAMES, Params, PresetError, param_info

    try:
        values = Params.from_preset(args.scenario).to_dict() if args.scenario is not None else None
    except PresetError as e:
        raise CLIError(str(e)) from None
    for name in sorted(PARAM_NAMES):
        info = param_info(name)
        value = values[name] if values else info["default"]
        print(
            f"{name:34s} {value!s:>10s}  [{info['unit']}]  allowed {info['lo']:g}..{info['hi']:g}  "
            f"{info['provenance']}: {info['cite']}  - {info['doc']}"
        )
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Print the calibration report; exit status 1 if a target is missed."""
    from calibration import evaluate, report, targets
    from params import preset_names

    known = sorted({t.preset for t in targets()})
    if args.scenario is not None and args.scenario not in known:
        raise CLIError(
            f"no calibration targets for scenario {args.scenario!r}; presets with targets: "
            f"{', '.join(known)} (all presets: {', '.join(preset_names())})"
        )
    results = evaluate(args.scenario, seeds=args.seeds)
    print(report(results))
    missed = [f"{r.target.preset}: {r.target.name}" for r in results if not r.passed]
    if not missed:
        print("Every target is met: exit status 0.")
        return 0
    print(
        f"{len(missed)} target{'s' if len(missed) > 1 else ''} missed ({'; '.join(missed)}), "
        "so the exit status is 1; why each is missed: docs/scenarios.md"
    )
    return 1


def cmd_contagion(args: argparse.Namespace) -> int:
    """Run the cascade methods on a user's network file."""
    from economy.contagion import ContagionInputError, contagion_file
    from fileio import check_writable

    if not args.file.is_file():
        raise CLIError(f"no such file: {args.file}")
    check_writable(args.out, what="--out")
    try:
        result = contagion_file(args.file, args.out)
    except ContagionInputError as e:
        message = str(e)  # a case's problem names the case; the file's own names the file
        raise CLIError(
            message if message.startswith("file ") else f"{args.file}: {message}"
        ) from None
    n = sum(len(c["results"]) for c in result["cases"])
    print(f"wrote {n} results for {len(result['cases'])} cases to {args.out}")
    return 0


COMMANDS = {
    "run": cmd_run,
    "scenarios": cmd_scenarios,
    "columns": cmd_columns,
    "params": cmd_params,
    "calibrate": cmd_calibrate,
    "contagion": cmd_contagion,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    from ensemble.cli import COMMANDS as ENSEMBLE_COMMANDS
    from sweep.cli import COMMANDS as SWEEP_COMMANDS

    COMMANDS.update(SWEEP_COMMANDS)
    COMMANDS.update(ENSEMBLE_COMMANDS)
    parser = build_parser()
    args = parser.parse_args(argv)
    return run_command("run.py", args.command, COMMANDS[args.command], args)


if __name__ == "__main__":
    sys.exit(main())
