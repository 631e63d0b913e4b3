"""Print the out-of-sample checks of the ``reported`` preset (``calibration.out_of_sample``).

uv run python scripts/out_of_sample.py [--seeds N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calibration.out_of_sample import evaluate, report


def main() -> None:
    """Run and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    print(report(evaluate(seeds=args.seeds)))


if __name__ == "__main__":
    main()
