"""What moves the stories of the market for idle capacity (docs/model.md §7.4).

    uv run python scripts/rental_sensitivity.py [--draws 40] [--seed 42] [--presets reported nortel]

Draws the four parameters of the market (``rental_demand_spend`` log-uniform, the others
uniform over the calibration table's ranges; Latin hypercube, generator seed 0), runs each
draw on each preset with model seed ``--seed`` for 120 months, and prints: how often each
cloud defaults and how long after the app company; the clearing price over the price of
new capacity the month after the app company's default; the range of the write-down of
stranded capacity at that default and its rank correlation with each parameter and with
the tenant's spend at the default (its own demand plus the users who move); and, for
Oracle, the tenant's spend in the draws where it fell within two years of the app company.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from scipy.stats import qmc, spearmanr

from model import AIBubbleModel
from params import APP, CLOUDS, Params, calibration_table

NAMES = (
    "rental_demand_spend",
    "rental_demand_growth",
    "rental_demand_elasticity",
    "user_migration_share",
)


@dataclass
class Draw:
    """One draw's outcome."""

    point: dict[str, float]
    defaults: dict[str, int]  # firm -> month of its default
    app: int | None  # the app company's default month
    ratio: float  # clearing price over the new price, the month after the app's default
    spend: float  # the tenant's spend at the new price then, US$ bn a month
    stranded: float  # the write-down of stranded capacity at the app's default, US$ bn

    def lag(self, firm: str) -> int | None:
        """Months from the app company's default to ``firm``'s (None: no such pair)."""
        month = self.defaults.get(firm)
        return None if month is None or self.app is None else month - self.app


def draws(n: int) -> list[dict[str, float]]:
    """``n`` Latin-hypercube points over the table's ranges (the spend log-uniform)."""
    table = calibration_table()
    unit = qmc.LatinHypercube(d=len(NAMES), seed=0).random(n)
    out = []
    for row in unit:
        point = {}
        for name, u in zip(NAMES, row, strict=True):
            lo, hi = float(table[name].low), float(table[name].high)
            log = name == "rental_demand_spend"
            point[name] = lo * (hi / lo) ** u if log else lo + u * (hi - lo)
        out.append(point)
    return out


def run(preset: str, seed: int, point: dict[str, float]) -> Draw:
    """One draw, 120 months."""
    p = Params.from_preset(preset, **point)
    m = AIBubbleModel(rng=seed, preset=preset, params=p, collect=False)
    ratio = spend = float("nan")
    while m.month < 119:
        m.step()
        r = m.contracting.rental
        app = m.app.default_month
        if app is not None and m.month == app + 1:
            ratio, spend = r.price / r.new_price(m.month), r.spend(m.month)
    clearing = next((c for c in m.observation.cascades if c.firm == APP), None)
    stranded = 0.0
    if clearing is not None:
        stranded = sum(clearing.losses.get(c, {}).get("stranded", 0.0) for c in CLOUDS)
    defaults = {f.name: f.default_month for f in m.firms if f.default_month is not None}
    return Draw(point, defaults, m.app.default_month, ratio, spend, stranded)


def report(preset: str, rows: list[Draw]) -> str:
    """The figures of one preset as text."""
    lines = [f"{preset}: {len(rows)} draws"]
    for firm in ("oracle", "coreweave", "microsoft", "amazon"):
        n = sum(firm in r.defaults for r in rows)
        lags = [x for r in rows if (x := r.lag(firm)) is not None]
        span = f", {min(lags)} to {max(lags)} months after the app company" if lags else ""
        lines.append(f"  {firm} defaults in {n} of {len(rows)}{span}")
    hit = [r for r in rows if r.app is not None and np.isfinite(r.spend)]
    if len(hit) < 3:
        lines.append("  the app company defaults in too few draws to say more")
        return "\n".join(lines)
    ratio = [r.ratio for r in hit]
    spend = [r.spend for r in hit]
    stranded = [r.stranded for r in hit]
    lines.append(
        f"  price ratio after the default: {min(ratio):.2f} to {max(ratio):.2f} "
        f"(median {float(np.median(ratio)):.2f})"
    )
    lines.append(f"  stranded write-down: {min(stranded):.0f} to {max(stranded):.0f} US$ bn")
    for name in NAMES:
        rho = spearmanr([r.point[name] for r in hit], stranded)[0]
        lines.append(f"  rank correlation of the write-down with {name}: {rho:+.2f}")
    rho = spearmanr(spend, stranded)[0]
    lines.append(
        f"  ... with the tenant's spend at the default: {rho:+.2f} "
        f"(it spans {max(spend) / min(spend):.1f} times)"
    )
    early = [r.spend for r in hit if (x := r.lag("oracle")) is not None and 0 <= x <= 24]
    other = [r.spend for r in hit if not ((x := r.lag("oracle")) is not None and 0 <= x <= 24)]
    if early and other:
        lines.append(
            f"  Oracle falls within two years of the app company in {len(early)} draws, the "
            f"tenant's spend {min(early):.2f} to {max(early):.2f} US$ bn a month; "
            f"{min(other):.2f} to {max(other):.2f} in the others"
        )
    return "\n".join(lines)


def main() -> None:
    """Run and print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--draws", type=int, default=40)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--presets", nargs="+", default=["reported", "nortel"])
    args = parser.parse_args()
    if args.draws < 3:
        parser.error("--draws must be at least 3")
    points = draws(args.draws)
    for preset in args.presets:
        print(report(preset, [run(preset, args.seed, p) for p in points]))


if __name__ == "__main__":
    main()
