"""Print the out-of-sample checks (``calibration.out_of_sample``).

uv run python scripts/out_of_sample.py [--seeds N] [--draws N] [--prior NAME|FILE]

First the ``reported`` preset's figures after its vintage; then the credit spreads of
2025 against the ``history`` preset: the mean of the central runs and the 5% and 95%
points over Latin-hypercube draws of a prior (``ensemble.prior``; default ``wide``: the
assumed behavioural and financial parameters over the calibration table's ranges,
docs/ensembles.md), generator seed 0.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calibration.out_of_sample import evaluate, evaluate_spreads, report, spread_report
from ensemble.prior import PriorError, resolve_prior

SPREAD_PRESET = "history"


def main() -> None:
    """Run and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--draws", type=int, default=100, help="draws for the spread range")
    parser.add_argument(
        "--prior", default="wide", help="prior of the draws: wide, narrow or a file (default wide)"
    )
    args = parser.parse_args()
    if args.seeds < 1 or args.draws < 2:
        parser.error("--seeds must be at least 1 and --draws at least 2")
    try:
        prior = resolve_prior(args.prior, SPREAD_PRESET)
    except PriorError as e:
        parser.error(str(e))
    print(report(evaluate(seeds=args.seeds)))
    print()
    points = prior.draw(args.draws, 0)
    print(spread_report(evaluate_spreads(SPREAD_PRESET, seeds=args.seeds, points=points)))


if __name__ == "__main__":
    main()
