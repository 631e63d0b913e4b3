"""The deal book's figures: capacity paths, 2026 proof numbers and the no-deals counterfactual.

    uv run python scripts/deal_book_report.py [--seeds 1,2,42]

Prints, for every preset, capacity in service at months 0, 24, 48, 72, 96 and 119, its
peak and the fall from the peak to the last month; for ``reported`` and ``history``,
revenue per GW in 2026, the app company's 2026 cash burn and Oracle's loop capex in
calendar 2026 and in its fiscal year to May 2026 (its whole-company guidance was about
$50B); and, for ``reported``, the same parameters with and without the deal file's dated
deals (what the deal book changes). Means over the seeds; nothing here feeds a parameter.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from statistics import mean

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model import AIBubbleModel
from params import Params, preset_names

MONTHS = (0, 24, 48, 72, 96, 119)
YEAR_2026 = slice(24, 36)
ORACLE_FY26 = slice(17, 29)  # June 2025 to May 2026


def run(seed: int, preset: str | None, params: Params | None = None):
    """A 120-month run's model and monthly frame."""
    if params is not None:
        m = AIBubbleModel(rng=seed, preset=preset, params=params)
    else:
        m = AIBubbleModel(rng=seed, preset=preset)
    m.run_for(120)
    return m, m.datacollector.get_model_vars_dataframe()


def capacity_table(seeds: list[int]) -> list[str]:
    """Every preset's capacity in service at six months, its peak and its fall from it."""
    lines = [
        "| preset | GW at months " + ", ".join(map(str, MONTHS)) + " | peak GW | peak to end |",
        "|---|---|---:|---:|",
    ]
    for preset in preset_names():
        paths, peaks, falls = [], [], []
        for s in seeds:
            _, df = run(s, preset)
            gw = df["deployed_gw"]
            paths.append([float(gw.iloc[t]) for t in MONTHS])
            peaks.append(float(gw.max()))
            falls.append(1.0 - float(gw.iloc[-1]) / float(gw.max()))
        path = ", ".join(f"{mean(col):.2f}" for col in zip(*paths, strict=True))
        lines.append(f"| {preset} | {path} | {mean(peaks):.1f} | -{100 * mean(falls):.0f}% |")
    return lines


def proof_table(seeds: list[int]) -> list[str]:
    """The issue's 2026 figures for ``reported`` and ``history``."""
    lines = [
        "| preset | revenue per GW 2026 (US$ bn) | app cash burn 2026 (US$ bn) | "
        "Oracle loop capex 2026 (US$ bn) | Oracle loop capex FY26 (US$ bn) | "
        "excess contracted GW, end 2026 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for preset in ("reported", "history"):
        rows = []
        for s in seeds:
            _, df = run(s, preset)
            y = df.iloc[YEAR_2026]
            rows.append(
                (
                    float(y["app_revenue"].sum() / y["deployed_gw"].mean()),
                    float(y["app_cash_burn"].sum()),
                    float(y["capex_oracle"].sum()),
                    float(df.iloc[ORACLE_FY26]["capex_oracle"].sum()),
                    float(y["excess_contracted_gw"].iloc[-1]),
                )
            )
        cells = " | ".join(f"{mean(col):.1f}" for col in zip(*rows, strict=True))
        lines.append(f"| {preset} | {cells} |")
    return lines


def counterfactual_table(seeds: list[int]) -> list[str]:
    """``reported``'s parameters with and without the deal file's dated deals."""
    lines = [
        "| reported's parameters | GW contracted in all | peak GW | first default (month) |",
        "|---|---:|---:|---|",
    ]
    p = Params.from_preset("reported")
    for label, preset in (("with the dated deals", "reported"), ("without them", None)):
        total, peak, default = [], [], []
        for s in seeds:
            m, df = run(s, preset, p)
            total.append(sum(c.gw for c in m.contracting.contracts if c.signed >= 0))
            peak.append(float(df["deployed_gw"].max()))
            default.append(m.summary()["first_default_month"])
        lines.append(f"| {label} | {mean(total):.1f} | {mean(peak):.1f} | {default} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print the three tables (Markdown) for the seeds asked."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="1,2,42", help="comma-separated seeds (default 1,2,42)")
    args = ap.parse_args(argv)
    try:
        seeds = [int(x) for x in args.seeds.split(",")]
    except ValueError:
        ap.error(f"--seeds must be whole numbers separated by commas, got {args.seeds!r}")
    for table in (capacity_table, proof_table, counterfactual_table):
        print("\n".join(table(seeds)))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
