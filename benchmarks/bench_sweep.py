"""Sweep throughput: this engine, `mesa.batch_run` and a plain loop; memory over a long sweep.

    uv run python benchmarks/bench_sweep.py [--runs 400] [--months 120] [--workers 2]
                                            [--long-runs 2000] [--scenario seed] [--status]

The same runs (same model, parameters, seeds and run-summary outputs; a Latin hypercube
over milestone_investment_per_gw and paid_growth_decay, one seed per point derived as the
engine derives it) are made three ways, each in its own fresh process:

* ``engine``: ``sweep.runner.run_sweep`` into a DuckDB store, with 1 and with N workers
  (chunks of runs on a process pool; summaries back; the driver writes the store);
* ``batch_run``: ``mesa.batch_run`` with N processes and ``data_collection_period=-1``,
  the model collecting its run summary once, at the last step (no monthly collection);
* ``loop``: a plain ``for`` loop in one process, nothing stored.

Every way's wall time counts from after its imports to the last result (pool start-up
included). The summaries of all ways are hashed and must match. Then a long engine sweep
(``--long-runs``) samples the driver's and the workers' resident memory at every tenth of
the way and prints the peaks. ``--status`` writes the throughput table into
``docs/status.md`` (its ``bench_sweep`` block). Nothing is asserted; tests never assert on
wall time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import mesa  # noqa: E402

from economy.observation import RunSummary  # noqa: E402
from model import AIBubbleModel  # noqa: E402

VARY = ["milestone_investment_per_gw=1:10", "paid_growth_decay=0.1:0.9"]
# every field of the run summary (the store's ``runs`` table has a column for each)
SUMMARY_KEYS = tuple(RunSummary.__dataclass_fields__)


# ---------------------------------------------------------------------- shared
def make_spec(runs: int, months: int, scenario: str) -> Any:
    """The benchmark's sweep: ``runs`` Latin-hypercube points, one replicate each."""
    from sweep.spec import build_spec

    return build_spec(
        vary=VARY, design="lhs", samples=runs, months=months, scenario=scenario, root_seed=0
    )


def make_plan(runs: int, months: int, scenario: str) -> dict[str, Any]:
    """Every run's id, seed and parameter values, as the engine plans them."""
    from sweep.designs import build_design, plan_runs

    spec = make_spec(runs, months, scenario)
    design = build_design(spec)
    plan = sorted(plan_runs(spec, design), key=lambda r: r.run_id)
    return {
        "scenario": scenario,
        "months": months,
        "runs": [
            {"run_id": r.run_id, "seed": r.seed, "params": design.point(r.design_row)} for r in plan
        ],
    }


def norm(summary: Mapping[str, Any]) -> dict[str, Any]:
    """Summary values as plain JSON (NaN as None) for hashing."""
    out = {}
    for k, v in summary.items():
        if hasattr(v, "item"):
            v = v.item()
        if isinstance(v, float) and math.isnan(v):
            v = None
        out[k] = v
    return out


def digest(summaries: list[dict[str, Any]]) -> str:
    """Hash of the run summaries in run-id order."""
    return hashlib.sha256(json.dumps(summaries, sort_keys=True).encode()).hexdigest()[:16]


def rss_mb(pid: int | str = "self", field: str = "VmRSS") -> float:
    """Resident memory (or its peak with ``VmHWM``) of a process, MiB (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (pool workers sit under the forkserver)."""
    parent: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parent[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    out, frontier = [], [pid]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        out += kids
        frontier += kids
    return out


# ---------------------------------------------------------------------- the three ways
_PLAN: dict[str, Any] | None = None


def _plan() -> dict[str, Any]:
    global _PLAN
    if _PLAN is None:
        _PLAN = json.loads(Path(os.environ["BENCH_SWEEP_PLAN"]).read_text())
    return _PLAN


class BenchModel(AIBubbleModel):
    """The model for batch_run: run ``run_index`` of the plan and report its run summary.

    By default it collects the summary once, after the last month (the leanest use of
    batch_run). With ``BENCH_SWEEP_COLLECT=1`` it also collects every reported column
    every month, as a model with a data collector does by default.
    """

    def __init__(self, run_index: int = 0, rng: Any = None) -> None:
        plan = _plan()
        run = plan["runs"][run_index]
        collect = os.environ.get("BENCH_SWEEP_COLLECT") == "1"
        super().__init__(rng=run["seed"], preset=plan["scenario"], collect=collect, **run["params"])
        self._months = plan["months"]
        reporters = dict(self.datacollector.model_reporters) if collect else {}
        reporters.update(
            {
                k: (lambda m, k=k: m.summary()[k] if m.steps >= m._months else None)
                for k in SUMMARY_KEYS
            }
        )
        self.datacollector = mesa.DataCollector(model_reporters=reporters)

    def step(self) -> None:
        """One month; after the last, collect (once, unless collecting every month)."""
        super().step()
        if not self.collect and self.steps >= self._months:
            self.datacollector.collect(self)


def child_loop(plan: dict[str, Any]) -> dict[str, Any]:
    """A plain loop in this process."""
    t0 = time.perf_counter()
    out = []
    for run in plan["runs"]:
        m = AIBubbleModel(rng=run["seed"], preset=plan["scenario"], collect=False, **run["params"])
        m.run_for(plan["months"])
        summary = m.summary()
        out.append(norm({k: summary[k] for k in SUMMARY_KEYS}))
    return {"wall_s": time.perf_counter() - t0, "digest": digest(out), "runs": len(out)}


def child_batch_run(plan: dict[str, Any], workers: int) -> dict[str, Any]:
    """mesa.batch_run with ``workers`` processes."""
    t0 = time.perf_counter()
    rows = mesa.batch_run(
        BenchModel,
        parameters={"run_index": range(len(plan["runs"]))},
        number_processes=workers,
        rng=[None],
        max_steps=plan["months"],
        data_collection_period=-1,
        display_progress=False,
    )
    wall = time.perf_counter() - t0
    by_index = sorted(rows, key=lambda r: r["run_index"])
    out = [norm({k: r[k] for k in SUMMARY_KEYS}) for r in by_index]
    return {"wall_s": wall, "digest": digest(out), "runs": len(out)}


def child_engine(
    runs: int, months: int, scenario: str, workers: int, sample_memory: bool
) -> dict[str, Any]:
    """This engine, into a fresh store; with ``sample_memory``, RSS at every tenth."""
    import duckdb

    from sweep.runner import run_sweep

    spec = make_spec(runs, months, scenario)
    samples: list[dict[str, float]] = []
    next_mark = [0.1]

    def on_chunk(stored: int, total: int) -> None:
        if sample_memory and stored / total >= next_mark[0] - 1e-9:
            kids = descendants(os.getpid())
            samples.append(
                {
                    "done": stored,
                    "driver_mb": rss_mb(),
                    "workers_mb": sum(rss_mb(k) for k in kids),
                    "worker_max_mb": max((rss_mb(k) for k in kids), default=0.0),
                    "worker_peak_mb": max((rss_mb(k, "VmHWM") for k in kids), default=0.0),
                }
            )
            while next_mark[0] <= stored / total + 1e-9:
                next_mark[0] += 0.1

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        outcome = run_sweep(
            spec, store, workers=workers, progress=False, echo=lambda *_: None, on_chunk=on_chunk
        )
        wall = time.perf_counter() - t0
        con = duckdb.connect(str(store), read_only=True)
        cur = con.execute(f"SELECT {', '.join(SUMMARY_KEYS)} FROM runs ORDER BY run_id")  # noqa: S608
        names = [d[0] for d in cur.description]
        out = [norm(dict(zip(names, r, strict=True))) for r in cur.fetchall()]
        con.close()
        size_mb = store.stat().st_size / 2**20
    return {
        "wall_s": wall,
        "digest": digest(out),
        "runs": outcome.ran,
        "failed": outcome.failed,
        "driver_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "memory": samples,
        "store_mb": size_mb,
    }


# ---------------------------------------------------------------------- driver
def run_child(way: str, args: argparse.Namespace, plan_path: Path, **extra: Any) -> dict:
    """Run one way in a fresh process; returns its JSON result."""
    cmd = [
        sys.executable,
        __file__,
        "--child",
        way,
        "--runs",
        str(extra.get("runs", args.runs)),
        "--months",
        str(extra.get("months", args.months)),
        "--workers",
        str(extra.get("workers", args.workers)),
        "--scenario",
        args.scenario,
    ]
    env = {**os.environ, "BENCH_SWEEP_PLAN": str(plan_path)}
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if r.returncode != 0:
        raise SystemExit(f"{way} failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def write_status(
    args: argparse.Namespace, results: dict[str, dict], same: bool, where: str
) -> None:
    """The throughput table into docs/status.md (block ``bench_sweep``)."""
    from status_page import write_block

    rate = {k: v["runs"] / v["wall_s"] for k, v in results.items()}
    n = f"engine, {args.workers} workers"
    lines = [
        f"{args.runs:,} runs of {args.months} months, scenario {args.scenario}, run summaries "
        f"only, each way in its own process (start-up included); {where}.",
        "",
        "| way | wall s | runs/s |",
        "|---|---:|---:|",
        *[f"| {k.strip()} | {v['wall_s']:.1f} | {rate[k]:.1f} |" for k, v in results.items()],
        "",
        f"Engine 1 -> {args.workers} workers: **{rate[n] / rate['engine, 1 worker']:.2f}x**; "
        f"engine {args.workers} workers / `mesa.batch_run` {args.workers} processes: "
        f"{rate[n] / rate[f'mesa.batch_run, {args.workers} processes']:.2f}x; "
        f"the same run summaries every way: {'yes' if same else 'no'}.",
    ]
    write_block("bench_sweep", "\n".join(lines))
    print("wrote the table into docs/status.md")


def run_as_child(args: argparse.Namespace) -> dict[str, Any]:
    """One way, in this (fresh) process."""
    if args.child == "loop":
        return child_loop(_plan())
    if args.child.startswith("batch_run"):
        if args.child == "batch_run_collect":
            os.environ["BENCH_SWEEP_COLLECT"] = "1"  # before the pool spawns
        return child_batch_run(_plan(), args.workers)
    return child_engine(
        args.runs, args.months, args.scenario, args.workers, args.child == "engine-long"
    )


def main() -> None:
    """Run every way and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=400, help="runs per way (default 400)")
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--workers", type=int, default=2, help="processes for engine and batch_run")
    ap.add_argument(
        "--long-runs", type=int, default=2000, help="runs of the memory sweep (0: skip)"
    )
    ap.add_argument(
        "--long-months", type=int, default=None, help="months per run of the memory sweep"
    )
    ap.add_argument("--scenario", default="seed")
    ap.add_argument(
        "--repeat", type=int, default=1, help="run each way this many times, keep the fastest"
    )
    ap.add_argument(
        "--status", action="store_true", help="write the table into docs/status.md (bench_sweep)"
    )
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--sample-memory", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_as_child(args)))
        return

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from status_page import provenance

    # the commit, date and load as the measurement starts
    where = provenance("uv run python benchmarks/bench_sweep.py " + " ".join(sys.argv[1:]))
    print(
        f"{args.runs} runs of {args.months} months, scenario {args.scenario}, "
        f"{os.cpu_count()} cores; each way in its own process"
    )
    with tempfile.TemporaryDirectory() as tmp:
        plan_path = Path(tmp) / "plan.json"
        plan_path.write_text(json.dumps(make_plan(args.runs, args.months, args.scenario)))
        ways = {
            "loop (1 process)": ("loop", {}),
            "engine, 1 worker": ("engine", {"workers": 1}),
            f"engine, {args.workers} workers": ("engine", {}),
            f"mesa.batch_run, {args.workers} processes": ("batch_run", {}),
            "  same, collecting every month": ("batch_run_collect", {}),
        }
        tries: dict[str, list[dict]] = {k: [] for k in ways}
        for _ in range(args.repeat):  # round-robin, so a busy spell slows every way alike
            for name, (way, extra) in ways.items():
                tries[name].append(run_child(way, args, plan_path, **extra))
        results = {k: min(v, key=lambda r: r["wall_s"]) for k, v in tries.items()}
        if args.repeat > 1:
            print(f"best of {args.repeat} tries each; all tries (wall s):")
            for k, v in tries.items():
                print(f"  {k:34s} " + " ".join(f"{r['wall_s']:.1f}" for r in v))
        digests = {r["digest"] for r in results.values()}
        print(f"{'way':34s} {'wall s':>8s} {'runs/s':>8s}  summaries")
        for name, r in results.items():
            print(f"{name:34s} {r['wall_s']:8.1f} {r['runs'] / r['wall_s']:8.1f}  {r['digest']}")
        print("same summaries every way:", "yes" if len(digests) == 1 else "NO")
        rate = {k: v["runs"] / v["wall_s"] for k, v in results.items()}
        eng_n = rate[f"engine, {args.workers} workers"]
        print(
            f"engine {args.workers} workers / mesa.batch_run {args.workers} processes: "
            f"{eng_n / rate[f'mesa.batch_run, {args.workers} processes']:.2f}x"
        )
        print(
            f"engine {args.workers} workers / mesa.batch_run collecting every month: "
            f"{eng_n / rate['  same, collecting every month']:.2f}x"
        )
        print(
            f"engine {args.workers} workers / plain loop: {eng_n / rate['loop (1 process)']:.2f}x"
        )
        print(
            f"engine 1 -> {args.workers} workers speed-up: {eng_n / rate['engine, 1 worker']:.2f}x"
        )
        print(
            f"engine 1 worker / plain loop: "
            f"{rate['engine, 1 worker'] / rate['loop (1 process)']:.2f}x"
        )
        if args.status:
            write_status(args, results, len(digests) == 1, where)
        if args.long_runs:
            months = args.long_months or args.months
            r = run_child("engine-long", args, plan_path, runs=args.long_runs, months=months)
            print(
                f"\nlong sweep: {r['runs']:,} runs of {months} months on {args.workers} workers in "
                f"{r['wall_s']:.0f} s ({r['runs'] / r['wall_s']:.1f} runs/s), "
                f"store {r['store_mb']:.1f} MiB"
            )
            print(
                f"{'runs done':>10s} {'driver MiB':>11s} {'workers MiB':>12s} {'max worker':>11s}"
            )
            for s in r["memory"]:
                print(
                    f"{s['done']:10,d} {s['driver_mb']:11.1f} {s['workers_mb']:12.1f} "
                    f"{s['worker_max_mb']:11.1f}"
                )
            peak_w = max((s["worker_peak_mb"] for s in r["memory"]), default=0.0)
            print(
                f"peak RSS: driver {r['driver_peak_mb']:.1f} MiB, largest worker {peak_w:.1f} MiB"
            )


if __name__ == "__main__":
    main()
