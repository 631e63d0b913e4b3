"""Loop multipliers over a preset's prior: 5-95% ranges of what the suppliers' money causes.

    uv run python run.py multipliers --scenario reported --draws 50

Each draw of the preset's prior (docs/ensembles.md) runs in the five arms of
``ensemble.counterfactual`` (as drawn, without NVIDIA's milestone equity, without AMD's
warrants, without vendor credit, without all three), on the draw's seed. The report gives,
per supplier and channel, in how many draws the supplier put money in, and the 5th, 50th
and 95th percentiles of the money put in, the gross, margin and net multipliers and the
months of the app company's survival bought, over those draws, and beside them the
accounting measure, the circularity of the supplier's chip receipts, over every draw.
Nothing is stored; a rerun recomputes the same figures.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from economy.observation.names import LABELS

from .counterfactual import CHANNELS, counterfactual
from .runner import EnsembleSpec, plan
from .versus import map_jobs

QUANTILES = (0.05, 0.5, 0.95)
MEASURES = ("put_in", "gross_multiplier", "margin_multiplier", "net_multiplier", "survival_months")


def _draw(job: tuple[str | None, int, int, int, dict[str, Any]]) -> tuple[int, Any, str | None]:
    scenario, months, draw_id, seed, values = job
    try:
        table = counterfactual(scenario, seed, months, **values)
    except Exception as e:  # one failed draw never loses the others
        return draw_id, None, f"{type(e).__name__}: {e}"[:500]
    return draw_id, table.to_dict("records"), None


def run_multipliers(
    spec: EnsembleSpec,
    workers: int | None = None,
    echo: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """Every draw's multipliers (one row per draw, supplier and channel) and the failures."""
    jobs = [(spec.scenario, spec.months, i, seed, values) for i, seed, values in plan(spec)]
    rows: list[dict[str, Any]] = []
    failed: list[tuple[int, str]] = []
    for draw_id, records, error in sorted(map_jobs(_draw, jobs, workers, echo, "draws")):
        if error is not None:
            failed.append((draw_id, error))
            continue
        rows += [{"draw_id": draw_id, **r} for r in records]
    return pd.DataFrame(rows), failed


def summarise(rows: pd.DataFrame) -> pd.DataFrame:
    """Per supplier and channel: draws with money put in, and percentiles over them."""
    out: list[dict[str, Any]] = []
    for key, g in rows.groupby(["supplier", "channel"], sort=False):
        supplier, channel = str(key[0]), str(key[1])
        paid = g[g["put_in"] > 1e-9]
        row: dict[str, Any] = {
            "supplier": supplier,
            "channel": channel,
            "draws": len(g),
            "draws_put_in": len(paid),
            "gross_positive": int((paid["gross_multiplier"] > 0).sum()),
            "survival_bounds": int(paid["survival_bound"].isin(["lower", "upper"]).sum()),
        }
        for m in MEASURES:
            for q in QUANTILES:
                row[f"{m}_p{round(100 * q)}"] = (
                    float(paid[m].quantile(q)) if len(paid) else math.nan
                )
        circ = g["circularity"].dropna()  # over every draw: it needs no money put in
        for q in QUANTILES:
            row[f"circularity_p{round(100 * q)}"] = (
                float(circ.quantile(q)) if len(circ) else math.nan
            )
        out.append(row)
    channels = list(CHANNELS)
    out.sort(key=lambda r: channels.index(r["channel"]))
    return pd.DataFrame(out)


def span(row: pd.Series, measure: str, fmt: str) -> str:
    """A measure's median with its 5-95% range, '-' where no draw put money in."""
    lo, mid, hi = (row[f"{measure}_p{round(100 * q)}"] for q in QUANTILES)
    if math.isnan(mid):
        return "-"
    return f"{mid:{fmt}} ({lo:{fmt}} to {hi:{fmt}})"


def report(summary: pd.DataFrame, n: int, failed: list[tuple[int, str]], scenario: str) -> str:
    """The summary as a text table: medians with their 5-95% ranges."""
    lines = [f"{n} draws of {scenario}, each in five arms (common random numbers)"]
    if failed:
        lines.append(f"{len(failed)} draws failed (first: draw {failed[0][0]}: {failed[0][1]})")
    lines.append(
        f"{'supplier':8s} {'channel':14s} {'put in':>7s}  {'$ put in, bn':22s} "
        f"{'gross x':22s} {'margin x':22s} {'net x':22s} {'survival, months':16s} bounds"
    )
    for _, r in summary.iterrows():
        lines.append(
            f"{LABELS.get(r['supplier'], r['supplier']):8s} {r['channel']:14s} "
            f"{r['draws_put_in']:>3d}/{r['draws']:<3d}  {span(r, 'put_in', ',.1f'):22s} "
            f"{span(r, 'gross_multiplier', '.2f'):22s} "
            f"{span(r, 'margin_multiplier', '.2f'):22s} "
            f"{span(r, 'net_multiplier', '.2f'):22s} {span(r, 'survival_months', '.0f'):16s} "
            f"{r['survival_bounds']}"
        )
    lines.append(
        "median (5th to 95th percentile) over the draws where the supplier put money in "
        "through the channel; bounds: draws whose survival figure is a bound (the app "
        "company outlived the run in one arm); vendor credit is off for both suppliers "
        "together; docs/model.md §7.17 says what each measure is"
    )
    return "\n".join(lines)
