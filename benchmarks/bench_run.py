"""Time 120-month runs, optionally side by side with an earlier version of the model.

    uv run python benchmarks/bench_run.py [--seeds 5] [--months 120] [--scenario reported]
    uv run python benchmarks/bench_run.py --baseline 4648e2d [--profile 15] [--status]

Set-up (building the model) and the run are timed apart, with invariant checks and data
collection off and on. With ``--baseline REV`` the model of git revision REV is exported
to a temporary folder and both models run in two worker processes, each asked in turn for
the same run (same scenario, seed and configuration), so a busy machine slows them alike;
the table gives both medians and the speed-up (baseline time / current time). Absolute
milliseconds depend on the machine: the ratio is the figure. ``--profile N`` prints the
current model's N costliest functions (own time) for one run with collection off.
``--status`` also writes the table into ``docs/status.md`` (its ``bench_run`` block), with
the command, commit and machine: the page's figures come from here, never typed.
Nothing here is asserted: tests never assert on wall time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

CONFIGS: dict[str, dict[str, Any]] = {
    "checks off, collection off": {"check_invariants": False, "collect": False},
    "checks off, collection on": {"check_invariants": False, "collect": True},
    "checks on, collection on": {"check_invariants": True, "collect": True},
}


# ---------------------------------------------------------------------- worker
def worker(root: str) -> None:
    """Serve timing requests (one JSON line each) for the model found under ``root``."""
    sys.path.insert(0, root)
    from model import AIBubbleModel

    AIBubbleModel(rng=0, preset="seed").run_for(3)  # warm imports and caches
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        preset = None if req["scenario"] == "none" else req["scenario"]
        t0 = time.perf_counter()
        m = AIBubbleModel(rng=req["seed"], preset=preset, **CONFIGS[req["config"]])
        t1 = time.perf_counter()
        m.run_for(req["months"])
        t2 = time.perf_counter()
        print(json.dumps({"setup": t1 - t0, "run": t2 - t1}), flush=True)


class Worker:
    """A worker process timing one version of the model."""

    def __init__(self, root: Path):
        self.proc = subprocess.Popen(  # noqa: S603 - this script, fixed arguments
            [sys.executable, __file__, "--worker", str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,
        )
        self.ask_line()  # ready

    def ask_line(self, request: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a request (if any) and read one reply."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        if request is not None:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("a benchmark worker stopped; see its error above")
        return json.loads(line)

    def close(self) -> None:
        """End the worker."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def export_revision(rev: str, dest: Path) -> None:
    """The files of git revision ``rev`` under ``dest`` (git archive; no worktree left)."""
    data = subprocess.run(  # noqa: S603 - git with fixed arguments
        ["git", "archive", "--format=tar", rev],  # noqa: S607 - git from PATH
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")


# ---------------------------------------------------------------------- driver
def measure(
    workers: dict[str, Worker], scenarios: list[str], seeds: int, months: int
) -> dict[tuple[str, str, str], dict[str, list[float]]]:
    """Times by (version, scenario, configuration): set-up and run, in seconds."""
    out: dict[tuple[str, str, str], dict[str, list[float]]] = {}
    for scenario in scenarios:
        for seed in range(seeds):
            for config in CONFIGS:
                order = list(workers) if seed % 2 == 0 else list(reversed(workers))
                for version in order:
                    req = {"scenario": scenario, "seed": seed, "months": months, "config": config}
                    got = workers[version].ask_line(req)
                    rec = out.setdefault((version, scenario, config), {"setup": [], "run": []})
                    rec["setup"].append(got["setup"])
                    rec["run"].append(got["run"])
    return out


def profile(scenario: str, months: int, top: int) -> str:
    """The current model's costliest functions (own time) over one run, collection off."""
    sys.path.insert(0, str(ROOT))
    from model import AIBubbleModel

    preset = None if scenario == "none" else scenario
    m = AIBubbleModel(rng=0, preset=preset, collect=False)
    prof = cProfile.Profile()
    prof.enable()
    m.run_for(months)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(top)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print a table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (default 5)")
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument(
        "--scenario",
        default="reported",
        help="preset name(s), comma-separated, or 'none' for defaults (default: reported)",
    )
    ap.add_argument("--baseline", metavar="REV", help="also time the model of git revision REV")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="print the top N functions")
    ap.add_argument(
        "--status", action="store_true", help="write the table into docs/status.md (bench_run)"
    )
    ap.add_argument("--worker", metavar="ROOT", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return
    scenarios = args.scenario.split(",")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from status_page import provenance, write_block

    # the commit, date and load as the measurement starts
    where = provenance("uv run python benchmarks/bench_run.py " + " ".join(sys.argv[1:]))
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as tmp:
        roots = {"current": ROOT}
        if args.baseline:
            export_revision(args.baseline, Path(tmp))
            roots = {f"baseline {args.baseline}": Path(tmp), "current": ROOT}
        workers = {name: Worker(root) for name, root in roots.items()}
        try:
            times = measure(workers, scenarios, args.seeds, args.months)
        finally:
            for w in workers.values():
                w.close()
    print(f"{args.months} months, seeds 0-{args.seeds - 1}, medians; ratio = baseline / current")
    for scenario in scenarios:
        print(f"\nscenario {scenario}")
        print("\n".join(text_table(times, list(roots), scenario)))
    if args.status:
        head = (
            f"One run of {args.months} months, seeds 0-{args.seeds - 1}: medians of runs "
            f"asked of both models in turn; speed-up = baseline time / current time. {where}."
        )
        write_block("bench_run", "\n".join([head, "", *markdown_table(times, list(roots))]))
        print("\nwrote the table into docs/status.md")
    if args.profile:
        print(f"\nprofile of the current model, {scenarios[0]}, collection off:")
        print(profile(scenarios[0], args.months, args.profile))


Times = dict[tuple[str, str, str], dict[str, list[float]]]


def medians(times: Times, versions: list[str], scenario: str, config: str) -> list[float]:
    """Median run time of each version, seconds."""
    return [statistics.median(times[(v, scenario, config)]["run"]) for v in versions]


def text_table(times: Times, versions: list[str], scenario: str) -> list[str]:
    """One scenario's table as console lines."""
    head = f"{'configuration':28s}"
    for version in versions:
        head += f" {version + ' run ms':>24s} {'set-up ms':>10s}"
    lines = [head + (f" {'speed-up':>9s}" if len(versions) > 1 else "")]
    for config in CONFIGS:
        line = f"{config:28s}"
        meds = medians(times, versions, scenario, config)
        for version, med in zip(versions, meds, strict=True):
            setup = statistics.median(times[(version, scenario, config)]["setup"])
            line += f" {1000 * med:24.1f} {1000 * setup:10.2f}"
        if len(meds) > 1:
            line += f" {meds[0] / meds[1]:8.2f}x"
        lines.append(line)
    return lines


def markdown_table(times: Times, versions: list[str]) -> list[str]:
    """Every scenario and configuration as one Markdown table."""
    scenarios = list(dict.fromkeys(s for _, s, _ in times))
    cols = [f"{v} ms" for v in versions] + (["speed-up"] if len(versions) > 1 else [])
    lines = [
        "| scenario | configuration | " + " | ".join(cols) + " |",
        "|---|---|" + "---:|" * len(cols),
    ]
    for scenario in scenarios:
        for config in CONFIGS:
            meds = medians(times, versions, scenario, config)
            cells = [f"{1000 * m:.1f}" for m in meds]
            if len(meds) > 1:
                cells.append(f"{meds[0] / meds[1]:.2f}x")
            lines.append(f"| {scenario} | {config} | " + " | ".join(cells) + " |")
    return lines


if __name__ == "__main__":
    main()
