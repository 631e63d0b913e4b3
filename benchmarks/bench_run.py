"""Time one 120-month run: median over seeds, with invariant checks and data collection off and on.

    uv run python benchmarks/bench_run.py [--seeds 10] [--months 120] [--scenario seed]

Set-up (building the model) and the run are timed apart. Configurations run interleaved,
seed by seed, so a busy machine slows them alike; the ratios to the fastest configuration
are printed beside the medians. Nothing here is asserted: tests never assert on wall time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model import AIBubbleModel

CONFIGS: dict[str, dict[str, Any]] = {
    "checks off, collection off": {"check_invariants": False, "collect": False},
    "checks off, collection on": {"check_invariants": False, "collect": True},
    "checks on, collection on": {"check_invariants": True, "collect": True},
}


def main() -> None:
    """Run the benchmark and print a table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--scenario", default="seed", help="preset name, or 'none' for defaults")
    args = ap.parse_args()
    preset = None if args.scenario == "none" else args.scenario
    setup: dict[str, list[float]] = {k: [] for k in CONFIGS}
    runs: dict[str, list[float]] = {k: [] for k in CONFIGS}
    AIBubbleModel(rng=0, preset=preset).run_for(3)  # warm imports and caches
    for seed in range(args.seeds):
        for name, kw in CONFIGS.items():
            t0 = time.perf_counter()
            m = AIBubbleModel(rng=seed, preset=preset, **kw)
            t1 = time.perf_counter()
            m.run_for(args.months)
            t2 = time.perf_counter()
            setup[name].append(t1 - t0)
            runs[name].append(t2 - t1)
    fastest = min(statistics.median(v) for v in runs.values())
    print(f"scenario {args.scenario}, {args.months} months, {args.seeds} seeds (median)")
    print(f"{'configuration':30s} {'set-up ms':>10s} {'run ms':>9s} {'ratio':>6s}")
    for name in CONFIGS:
        med = statistics.median(runs[name])
        print(
            f"{name:30s} {1000 * statistics.median(setup[name]):10.2f} "
            f"{1000 * med:9.1f} {med / fastest:6.2f}"
        )


if __name__ == "__main__":
    main()
