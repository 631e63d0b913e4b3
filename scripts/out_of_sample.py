"""Print the out-of-sample checks (``calibration.out_of_sample``).

uv run python scripts/out_of_sample.py [--seeds N] [--draws N]

First the ``reported`` preset's figures after its vintage; then the credit spreads of
2025 against the ``history`` preset: the mean of the central runs and the 5% and 95%
points over Latin-hypercube draws of the assumed parameters (their plausible ranges).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calibration.out_of_sample import evaluate, evaluate_spreads, report, spread_report


def main() -> None:
    """Run and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--draws", type=int, default=100, help="draws for the spread range")
    args = parser.parse_args()
    if args.seeds < 1 or args.draws < 2:
        parser.error("--seeds must be at least 1 and --draws at least 2")
    print(report(evaluate(seeds=args.seeds)))
    print()
    print(spread_report(evaluate_spreads(seeds=args.seeds, draws=args.draws)))


if __name__ == "__main__":
    main()
