"""The sweep engine: specs, designs, seeds, run order, back ends, resume, failures, store.

Sweeps here are small and short (24-36 months) so the file runs in about a minute on two
cores; one test starts a Dask LocalCluster and one kills a sweep with SIGKILL.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from sweep import cli
from sweep.designs import build_design, derive_seed, plan_runs, run_count
from sweep.spec import SpecError, build_spec
from sweep.store import Store

ROOT = Path(__file__).resolve().parent.parent
VOLATILE = ["elapsed_s", "session_id", "finished_at", "worker"]


def run_cli(*args):
    """The sub-commands in this process, as run.py will call them."""
    return cli.main([str(a) for a in args])


def sweep_cmd(out, *extra):
    return [sys.executable, "-m", "sweep.cli", "sweep", "--out", str(out), *map(str, extra)]


def table(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


SMALL = [
    "--vary",
    "milestone_investment_per_gw=1:10",
    "--vary",
    "paid_growth_decay=0.1:0.9",
    "--design",
    "lhs",
    "--samples",
    "6",
    "--replicates",
    "2",
    "--root-seed",
    "7",
    "--months",
    "24",
    "--no-progress",
]


# ---------------------------------------------------------------------- the command line
def test_issue_command_line_parses_once_wired_into_run_py():
    import run

    parser = run.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "sweep" not in sub.choices:  # what run.py does once wired
        cli.add_parsers(sub)
    issue = (
        "sweep --scenario seed --vary milestone_investment_per_gw=1:10 "
        "--vary paid_growth_decay=0.1:0.9 --design lhs --samples 200 --replicates 5 "
        "--root-seed 0 --months 120 --out runs/sweep.duckdb"
    )
    args = parser.parse_args(issue.split())
    assert args.command == "sweep" and run.COMMANDS.get("sweep", cli.cmd_sweep) is cli.cmd_sweep
    assert args.vary == ["milestone_investment_per_gw=1:10", "paid_growth_decay=0.1:0.9"]
    assert (args.samples, args.replicates, args.root_seed, args.months) == (200, 5, 0, 120)
    spec = build_spec(
        vary=args.vary,
        design=args.design,
        samples=args.samples,
        replicates=args.replicates,
        root_seed=args.root_seed,
        months=args.months,
        scenario=args.scenario,
    )
    assert run_count(spec) == (200, 1000)
    for line in (
        "analyze runs/sweep.duckdb --out runs/analysis --x a --y b --format parquet",
        "replay runs/sweep.duckdb --run-id 3",
        "replay runs/seed.csv.run.json",
    ):
        assert parser.parse_args(line.split()).command == line.split()[0]


def test_dry_run_prints_the_run_count_and_runs_nothing(tmp_path, capsys):
    out = tmp_path / "s.duckdb"
    rc = run_cli(
        "sweep",
        "--vary",
        "paid_growth_decay=0:0.9",
        "--vary",
        "leverage_limit=0.4:0.9",
        "--design",
        "sobol",
        "--samples",
        "64",
        "--out",
        out,
        "--dry-run",
    )
    assert rc == 0
    assert "256 points x 1 replicate = 256 runs" in capsys.readouterr().out  # N(D+2)
    assert not out.exists()
    spec = build_spec(
        vary=["paid_growth_decay=0:0.9", "leverage_limit=0.4:0.9"],
        design="sobol",
        samples=64,
        second_order=True,
    )
    assert run_count(spec) == (64 * 6, 64 * 6)  # N(2D+2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vary", "no_such_param=1:2"], "unknown parameter 'no_such_param'"),
        (["--vary", "milestone_investment_per_gw=1:2000"], "outside the allowed range"),
        (["--vary", "paid_growth_decay=0.1:1"], "outside the allowed range"),  # hi is open
        (["--vary", "paid_growth_decay=0.9:0.1"], "greater than hi"),
        (["--vary", "paid_growth_decay=0.1:0.9", "--design", "bogus"], "unknown design 'bogus'"),
        (["--vary", "paid_growth_decay=0.1:0.9", "--samples", "0"], "--samples must be"),
        (["--vary", "paid_growth_decay=0.1:0.9", "--design", "sobol", "--samples", "100"], "64"),
        (["--vary", "paid_growth_decay=0.1:0.9", "--design", "grid"], "a grid takes levels"),
        (["--vary", "paid_growth_decay=0.1,0.5"], "samples a range"),
        (["--vary", "paid_growth_decay=0.1:0.9", "--replicates", "0"], "--replicates must be"),
        (["--vary", "build_lag_months=12.5,18", "--design", "grid"], "whole numbers"),
        (["--vary", "paid_growth_decay=0.1:0.9", "--set", "leverage_limit=2"], "allowed range"),
        (["--vary", "paid_growth_decay=a:b"], "is not a number"),
        (["--vary", "paid_growth_decay=0.1:0.9", "--scenario", "nope"], "unknown scenario"),
    ],
)
def test_bad_spec_exits_2_with_one_line_before_any_run(tmp_path, capsys, args, message):
    out = tmp_path / "s.duckdb"
    samples = [] if "--samples" in args else ["--samples", "4"]
    rc = run_cli("sweep", *args, *samples, "--out", out)
    err = capsys.readouterr().err.strip()
    assert rc == 2, err
    assert message in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()  # nothing ran, no store made


def test_bad_spec_in_a_subprocess_has_no_traceback(tmp_path):
    r = subprocess.run(
        sweep_cmd(tmp_path / "s.duckdb", "--vary", "paid_growth_decay=0.9:0.1", "--samples", 4),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert r.stderr.startswith("run.py sweep: error:") and "Traceback" not in r.stderr


def test_spec_file_and_options_merge(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text(
        'description = "t"\ndesign = "grid"\nreplicates = 3\nmonths = 36\n'
        "[vary]\nmilestone_investment_per_gw = [1, 5, 10]\n"
        "paid_growth_decay = { range = [0.0, 0.8], n = 5 }\n"
        "[set]\nleverage_limit = 0.6\n",
        encoding="utf-8",
    )
    spec = build_spec(spec_file=f, months=24, vary=["milestone_investment_per_gw=2,4"])
    assert spec.months == 24 and spec.replicates == 3 and spec.design == "grid"
    assert spec.vary[0].levels == (2.0, 4.0) and spec.vary[1].grid_levels()[-1] == 0.8
    assert dict(spec.fixed) == {"leverage_limit": 0.6}
    assert run_count(spec) == (10, 30)
    f.write_text('[vary]\nfoo = "1:2"\n', encoding="utf-8")
    with pytest.raises(SpecError, match="unknown parameter 'foo'"):
        build_spec(spec_file=f, samples=4)
    f.write_text("desing = 'grid'\n", encoding="utf-8")
    with pytest.raises(SpecError, match="unknown key 'desing'"):
        build_spec(spec_file=f)


def test_example_sweep_files_are_valid():
    files = sorted((ROOT / "sweeps").glob("*.toml"))
    assert len(files) >= 3
    for f in files:
        spec = build_spec(spec_file=f)
        assert run_count(spec)[1] > 0
        build_design(spec)


# ---------------------------------------------------------------------- seeds and order
def test_derived_seeds_are_unique_recoverable_and_fit_bigint():
    spec = build_spec(vary=["paid_growth_decay=0:0.9"], design="lhs", samples=4000, replicates=5)
    design = build_design(spec)
    plan = plan_runs(spec, design)
    seeds = [r.seed for r in plan]
    assert len(seeds) == len(set(seeds)) == 20_000
    assert sorted(r.run_id for r in plan) == list(range(20_000))
    assert all(0 <= s < 2**63 for s in seeds)
    r = plan[1234]
    child = np.random.SeedSequence(0).spawn(r.design_row + 1)[r.design_row].spawn(5)[r.replicate]
    hi, lo = child.generate_state(2, np.uint32)
    assert r.seed == ((int(hi) << 32) | int(lo)) >> 1 == derive_seed(0, r.design_row, r.replicate)
    assert plan_runs(spec, design) == plan  # deterministic
    other = plan_runs(build_spec(**{**_kw(spec), "root_seed": 1}), design)
    assert not set(seeds) & {x.seed for x in other}


def _kw(spec):
    return {
        "vary": [f"{f.name}={f.lo}:{f.hi}" for f in spec.vary],
        "design": spec.design,
        "samples": spec.samples,
        "replicates": spec.replicates,
    }


def test_run_order_interleaves_points_so_any_prefix_is_balanced():
    spec = build_spec(
        vary=["milestone_investment_per_gw=1:10:8", "paid_growth_decay=0:0.9:8"],
        design="grid",
        replicates=4,
    )
    design = build_design(spec)
    plan = plan_runs(spec, design)
    # every point gets replicate r before any gets replicate r + 1
    assert [r.replicate for r in plan] == sorted(r.replicate for r in plan)
    for k in range(8, 256, 8):  # a sweep stopped after k runs
        done = plan[:k]
        per_row = np.bincount([r.design_row for r in done], minlength=64)
        assert per_row.max() - per_row.min() <= 1
        for j in range(2):
            levels = np.array([design.values[r.design_row, j] for r in done])
            counts = np.unique(levels, return_counts=True)[1]
            assert len(counts) == 8 and counts.max() - counts.min() <= 2


# ---------------------------------------------------------------------- back ends
@pytest.mark.slow
def test_same_runs_same_results_serial_two_workers_and_dask(tmp_path):
    from sweep.stored_records import record_from_store, replay

    stores = {}
    for name, extra in (
        ("serial", ["--workers", 1]),
        ("pool", ["--workers", 2]),
        ("dask", ["--workers", 2, "--scheduler", "local"]),
    ):
        stores[name] = tmp_path / f"{name}.duckdb"
        assert run_cli("sweep", *SMALL, "--out", stores[name], *extra) == 0
    frames = {
        k: table(p, "SELECT * FROM runs ORDER BY run_id").drop(columns=VOLATILE)
        for k, p in stores.items()
    }
    assert len(frames["serial"]) == 12 and (frames["serial"]["status"] == "ok").all()
    assert frames["serial"]["seed"].is_unique
    pd.testing.assert_frame_equal(frames["serial"], frames["pool"])
    pd.testing.assert_frame_equal(frames["serial"], frames["dask"])
    records = {
        k: table(p, "SELECT * FROM run_records ORDER BY run_id").drop(columns=["worker"])
        for k, p in stores.items()
    }
    pd.testing.assert_frame_equal(records["serial"], records["pool"])
    pd.testing.assert_frame_equal(records["serial"], records["dask"])
    workers = {k: set(table(p, "SELECT worker FROM runs")["worker"]) for k, p in stores.items()}
    me = f":{os.getpid()}"
    assert all(w.endswith(me) for w in workers["serial"])
    assert not any(w.endswith(me) for w in workers["pool"] | workers["dask"])  # ran elsewhere
    # the same record replays to the same output whichever back end stored it
    recs = {k: record_from_store(p, 5) for k, p in stores.items()}
    for k in recs:
        for key in ("params", "seed", "root_seed", "months", "scenario", "summary"):
            assert recs[k][key] == recs["serial"][key]
        assert replay(recs[k]).identical


def test_ctrl_c_stops_cleanly_and_the_same_sweep_resumes(tmp_path):
    from sweep.runner import run_sweep

    spec = build_spec(vary=["paid_growth_decay=0:0.9"], design="lhs", samples=40, months=24)
    out = tmp_path / "s.duckdb"

    def interrupt_after_first_chunk(stored, total):
        if stored < total:
            os.kill(os.getpid(), signal.SIGINT)

    before = signal.getsignal(signal.SIGINT)
    first = run_sweep(
        spec, out, workers=2, chunk_size=4, progress=False, on_chunk=interrupt_after_first_chunk
    )
    assert first.interrupted and 0 < first.ran < 40
    assert signal.getsignal(signal.SIGINT) is before  # restored
    second = run_sweep(spec, out, workers=1, progress=False)
    assert not second.interrupted and second.ran == 40 - first.ran
    runs = table(out, "SELECT run_id, session_id FROM runs")
    assert sorted(runs["run_id"]) == list(range(40))
    sessions = table(out, "SELECT session_id, status, runs_done FROM manifest ORDER BY 1")
    assert list(sessions["status"]) == ["interrupted", "complete"]
    assert list(sessions["runs_done"]) == [first.ran, second.ran]


# ---------------------------------------------------------------------- resume after kill -9
def _read_progress(proc, seen):
    while True:
        chunk = proc.stderr.read1(4096) if hasattr(proc.stderr, "read1") else b""
        if not chunk:
            return
        seen.append(chunk.decode(errors="replace"))


@pytest.mark.slow
def test_resume_after_kill_9_stores_exactly_the_expected_runs(tmp_path):
    out = tmp_path / "s.duckdb"
    args = sweep_cmd(
        out,
        "--vary",
        "milestone_investment_per_gw=0,1,2,5,10,20",
        "--vary",
        "paid_growth_decay=0:0.8:5",
        "--design",
        "grid",
        "--replicates",
        8,
        "--months",
        36,
        "--workers",
        1,
        "--chunk-size",
        5,
    )
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen: list[str] = []
    reader = threading.Thread(target=_read_progress, args=(proc, seen), daemon=True)
    reader.start()
    deadline = time.monotonic() + 90
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        counts = re.findall(r"(\d+)/240 \[", "".join(seen))
        done = int(counts[-1]) if counts else 0
        if done >= 45:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the sweep ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join(timeout=5)
    stored = table(out, "SELECT run_id, design_row FROM runs")
    k = len(stored)
    assert 45 <= k < 240
    spec = build_spec(
        vary=["milestone_investment_per_gw=0,1,2,5,10,20", "paid_growth_decay=0:0.8:5"],
        design="grid",
        replicates=8,
        months=36,
    )
    plan = plan_runs(spec, build_design(spec))
    assert set(stored["run_id"]) == {r.run_id for r in plan[:k]}  # a prefix of the plan
    per_row = np.bincount(stored["design_row"], minlength=30)
    assert per_row.min() >= 1 and per_row.max() - per_row.min() <= 1  # balanced coverage

    r = subprocess.run([*args, "--no-progress"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert f"resuming: {k} runs stored, {240 - k} to run" in r.stdout
    runs = table(out, "SELECT run_id, session_id, status FROM runs")
    assert sorted(runs["run_id"]) == list(range(240))  # none lost, none twice
    assert (runs["status"] == "ok").all()
    assert runs.groupby("session_id").size().to_dict() == {1: k, 2: 240 - k}
    sessions = table(out, "SELECT status FROM manifest ORDER BY session_id")
    assert list(sessions["status"]) == ["killed", "complete"]
    again = subprocess.run([*args, "--no-progress"], cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0 and "nothing to run" in again.stdout


# ---------------------------------------------------------------------- failures
def _failing_simulate(original, bad):
    def simulate(params, seed, months, collect, scenario):
        if params.milestone_investment_per_gw in bad:
            raise RuntimeError(f"boom at {params.milestone_investment_per_gw}")
        return original(params, seed, months, collect, scenario)

    return simulate


GRID = [
    "--vary",
    "milestone_investment_per_gw=1,2,3,4",
    "--design",
    "grid",
    "--replicates",
    "2",
    "--months",
    "24",
    "--workers",
    "1",
    "--no-progress",
]


def test_failed_run_is_stored_with_traceback_others_kept_and_retry_runs_only_those(
    tmp_path, monkeypatch, capsys
):
    import sweep.worker as worker

    out = tmp_path / "s.duckdb"
    original = worker.simulate
    monkeypatch.setattr(worker, "simulate", _failing_simulate(original, {3.0}))
    assert run_cli("sweep", *GRID, "--out", out) == 0
    text = capsys.readouterr().out
    assert "(2 failed)" in text and "--retry-failed" in text
    runs = table(out, "SELECT * FROM runs ORDER BY run_id")
    failed = runs[runs["status"] == "failed"]
    assert list(failed["milestone_investment_per_gw"]) == [3.0, 3.0]
    assert failed["error"].str.contains("Traceback").all()
    assert failed["error"].str.contains("RuntimeError: boom at 3.0").all()
    assert failed["peak_gw"].isna().all()
    ok = runs[runs["status"] == "ok"]
    assert len(ok) == 6 and ok["peak_gw"].notna().all() and ok["error"].isna().all()

    # a plain re-run leaves failed runs alone; --retry-failed re-runs exactly those
    assert run_cli("sweep", *GRID, "--out", out) == 0
    assert "nothing to run" in capsys.readouterr().out
    ran = []

    def spy(params, seed, months, collect, scenario):
        ran.append(params.milestone_investment_per_gw)
        return original(params, seed, months, collect, scenario)

    monkeypatch.setattr(worker, "simulate", spy)
    assert run_cli("sweep", *GRID, "--out", out, "--retry-failed") == 0
    assert ran == [3.0, 3.0]
    after = table(out, "SELECT * FROM runs ORDER BY run_id")
    assert (after["status"] == "ok").all() and len(after) == 8
    unchanged = after[after["milestone_investment_per_gw"] != 3.0].drop(
        columns=[*VOLATILE, "error"]
    )
    before = ok.drop(columns=[*VOLATILE, "error"])
    pd.testing.assert_frame_equal(
        unchanged.reset_index(drop=True), before.reset_index(drop=True), check_dtype=False
    )


def test_a_parameter_combination_the_model_rejects_is_a_failed_run(tmp_path):
    out = tmp_path / "s.duckdb"
    rc = run_cli(
        "sweep",
        "--vary",
        "microsoft_stake_in_openai=0.2,0.9",
        "--set",
        "equity_funds_stake_in_openai=0.3",
        "--design",
        "grid",
        "--months",
        "12",
        "--workers",
        "1",
        "--no-progress",
        "--out",
        out,
    )
    assert rc == 0
    runs = table(out, "SELECT microsoft_stake_in_openai AS s, status, error FROM runs ORDER BY 1")
    assert list(runs["status"]) == ["ok", "failed"]
    assert "must not exceed 1" in runs["error"].iloc[1]


# ---------------------------------------------------------------------- the store
def test_store_tables_manifest_and_timeseries(tmp_path):
    out = tmp_path / "s.duckdb"
    assert run_cli("sweep", *SMALL, "--workers", 1, "--timeseries", "--out", out) == 0
    runs = table(out, "SELECT * FROM runs ORDER BY run_id")
    expected = {
        "run_id",
        "design_row",
        "replicate",
        "seed",
        "milestone_investment_per_gw",
        "paid_growth_decay",
        "status",
        "error",
        "months",
        "months_rising",
        "months_plateau",
        "months_stalling",
        "months_collapse",
        "first_stall_month",
        "first_default_month",
        "worst_regime",
        "final_regime",
        "peak_gw",
        "total_milestone_investment",
        "peak_circularity",
        "app_cash_low",
    }
    assert expected <= set(runs.columns)
    assert (runs["months"] == 24).all() and runs["seed"].is_unique
    ts = table(out, "SELECT * FROM timeseries")
    assert len(ts) == 12 * 24 and {"run_id", "month", "date", "regime"} <= set(ts.columns)
    m = table(out, "SELECT * FROM manifest")
    row = m.iloc[0]
    assert row["project_version"] == "0.1.0" and row["root_seed"] == 7
    assert row["mesa_version"] and row["numpy_version"] and row["python_version"]
    assert row["status"] == "complete" and row["ended_at"] >= row["started_at"]
    assert '"design": "lhs"' in row["spec_json"] and '"samples": 6' in row["sampling_json"]
    from records.env import git_commit

    assert row["git_commit"] == git_commit()
    rec = table(out, "SELECT * FROM run_records WHERE run_id = 0")
    assert rec["leverage_limit"].iloc[0] == 0.75  # every parameter, not only the varied ones
    assert rec["seed"].iloc[0] == runs["seed"].iloc[0]
    # a different spec is refused unless --force-new
    other = [a if a != "7" else "8" for a in SMALL]
    assert run_cli("sweep", *other, "--workers", 1, "--out", out) == 2
    assert run_cli("sweep", *other, "--workers", 1, "--out", out, "--force-new") == 0
    assert table(out, "SELECT count(*) AS n FROM manifest")["n"].iloc[0] == 1


def test_a_store_held_by_a_running_sweep_gives_a_clear_message(tmp_path):
    out = tmp_path / "s.duckdb"
    with Store(out) as _held:  # this process holds the store as a sweep would
        for args in (sweep_cmd(out, *SMALL), [sys.executable, "-m", "sweep.cli", "analyze", out]):
            if args[3] == "analyze":
                args = [*map(str, args), "--out", str(tmp_path / "a")]
            r = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
            assert r.returncode == 2
            assert f"in use by process {os.getpid()}" in r.stderr
            assert "Traceback" not in r.stderr and "IO Error" not in r.stderr


def test_a_store_of_an_older_layout_is_refused_with_one_line(tmp_path, capsys):
    from sweep.store import SCHEMA_VERSION, StoreError

    out = tmp_path / "s.duckdb"
    assert run_cli("sweep", *SMALL, "--workers", 1, "--out", out) == 0
    assert table(out, "SELECT DISTINCT schema_version AS v FROM manifest")["v"].tolist() == [
        SCHEMA_VERSION
    ]
    with Store(out, read_only=True) as store:
        assert store.schema_problem() is None
    con = duckdb.connect(str(out))  # make it look like a store written before the version
    con.execute("ALTER TABLE manifest DROP COLUMN schema_version")
    con.close()
    with pytest.raises(StoreError, match="older version of the sweep store"):
        Store(out, read_only=True)
    capsys.readouterr()
    assert run_cli("analyze", out, "--out", tmp_path / "a") == 2
    err = capsys.readouterr().err.strip()
    assert "older version" in err and len(err.splitlines()) == 1
    # the same sweep into it is refused too, unless --force-new starts it afresh
    assert run_cli("sweep", *SMALL, "--workers", 1, "--out", out) == 2
    assert "older store layout" in capsys.readouterr().err
    assert run_cli("sweep", *SMALL, "--workers", 1, "--out", out, "--force-new") == 0
    with Store(out, read_only=True) as store:
        assert store.schema_version() == SCHEMA_VERSION


def test_a_sweep_of_a_preset_runs_with_that_presets_dated_deals(tmp_path):
    """Every stored summary equals a direct run of the preset with the run's seed and values."""
    from model import AIBubbleModel

    out = tmp_path / "r.duckdb"
    args = ["--scenario", "reported", "--vary", "milestone_investment_per_gw=1,10"]
    args += ["--design", "grid", "--months", "40", "--workers", "1", "--no-progress"]
    assert run_cli("sweep", *args, "--out", out) == 0
    runs = table(out, "SELECT * FROM runs ORDER BY run_id")
    assert len(runs) == 2
    for _, r in runs.iterrows():
        m = AIBubbleModel(
            rng=int(r["seed"]),
            preset="reported",
            milestone_investment_per_gw=float(r["milestone_investment_per_gw"]),
        )
        m.run_for(40)
        s = m.summary()
        assert r["peak_gw"] == pytest.approx(s["peak_gw"], rel=1e-12)
        assert r["app_cash_low"] == pytest.approx(s["app_cash_low"], rel=1e-12)
        assert int(r["months_rising"]) == s["months_rising"]
