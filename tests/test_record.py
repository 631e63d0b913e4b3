"""Run records and replay: CLI records beside an output file, sweep records from a store."""

import json
from pathlib import Path

import pandas as pd
import pytest

import records
from records import (
    RecordError,
    build_record,
    read_record,
    record_from_model,
    record_path,
    write_record,
    write_run_record,
)
from sweep import cli
from sweep.stored_records import record_from_store, replay

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args):
    return cli.main([str(a) for a in args])


def cli_run(out, seed=5, months=30, **overrides):
    """What `run.py run --out OUT` does, plus the record the lead will add."""
    from model import AIBubbleModel
    from run import write_table

    model = AIBubbleModel(rng=seed, preset="seed", **overrides)
    model.run_for(months)
    write_table(model.datacollector.get_model_vars_dataframe(), out)
    return write_run_record(model, out, seed=seed, scenario="seed", months=months)


@pytest.fixture(scope="module")
def sweep_store(tmp_path_factory):
    out = tmp_path_factory.mktemp("rec") / "s.duckdb"
    rc = run_cli(
        "sweep",
        "--vary",
        "paid_growth_decay=0.1:0.9",
        "--vary",
        "microsoft_stake_in_openai=0.1:0.9",
        "--set",
        "equity_funds_stake_in_openai=0.3",
        "--design",
        "lhs",
        "--samples",
        "6",
        "--replicates",
        "2",
        "--months",
        "30",
        "--workers",
        "1",
        "--timeseries",
        "--no-progress",
        "--out",
        out,
    )
    assert rc == 0
    return out


def test_record_of_a_model_has_everything_to_rerun_it():
    from model import AIBubbleModel
    from params import PARAM_NAMES

    m = AIBubbleModel(rng=11, preset="seed", collect=False, paid_growth_decay=0.4)
    m.run_for(12)
    rec = record_from_model(m, seed=11)
    assert set(rec["params"]) == PARAM_NAMES and rec["params"]["paid_growth_decay"] == 0.4
    assert rec["seed"] == 11 and rec["months"] == 12 and rec["scenario"] == "seed"
    assert rec["root_seed"] is None and rec["kind"] == "cli"
    for key in ("project_version", "git_commit", "mesa_version", "numpy_version"):
        assert rec[key]
    assert rec["summary"] == {**m.summary(), **{k: None for k, v in m.summary().items() if v != v}}
    json.dumps(rec, allow_nan=False)  # plain JSON
    nan = build_record(params={}, seed=1, months=1, scenario=None, summary={"x": float("nan")})
    assert nan["summary"] == {"x": None}  # NaN written as null
    assert record_from_model(m)["seed"] == 11  # the model's own integer seed


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_cli_record_replays_identical_and_finds_a_changed_value(tmp_path, capsys, suffix):
    out = tmp_path / f"seed{suffix}"
    path = cli_run(out)
    assert path == record_path(out) == tmp_path / f"seed{suffix}.run.json"
    assert read_record(path)["output"] == out.name
    assert run_cli("replay", path) == 0
    assert capsys.readouterr().out.strip() == "identical"
    df = pd.read_parquet(out) if suffix == ".parquet" else pd.read_csv(out)
    df["app_revenue"] = df["app_revenue"].where(df.index != 17, df["app_revenue"] * 1.000001)
    df.to_parquet(out, index=False) if suffix == ".parquet" else df.to_csv(out, index=False)
    assert run_cli("replay", path) == 1
    text = capsys.readouterr().out
    assert "first at month 17 (2025-06-01), column app_revenue" in text


def test_replay_detects_a_changed_parameter(tmp_path, capsys):
    path = cli_run(tmp_path / "seed.csv")
    rec = json.loads(path.read_text())
    rec["params"]["paid_share"] = 0.06
    path.write_text(json.dumps(rec))
    result = replay(read_record(path))
    assert not result.identical
    assert result.month is not None and result.column
    assert run_cli("replay", path) == 1
    assert "differs from" in capsys.readouterr().out


def test_sweep_run_replays_identical_from_the_store(sweep_store, capsys):
    from sweep.store import Store

    with Store(sweep_store, read_only=True) as s:
        ok = [r[0] for r in s.con.execute("SELECT run_id FROM runs WHERE status = 'ok'").fetchall()]
    assert ok
    assert run_cli("replay", sweep_store, "--run-id", ok[0]) == 0
    assert capsys.readouterr().out.strip() == "identical"
    rec = record_from_store(sweep_store, ok[0])
    assert rec["kind"] == "sweep" and rec["root_seed"] == 0
    assert rec["sweep"]["run_id"] == ok[0] and rec["sweep"]["status"] == "ok"
    assert rec["params"]["equity_funds_stake_in_openai"] == 0.3
    result = replay(rec)
    assert result.identical and any("time series" in c for c in result.compared)
    assert any("run summary" in c for c in result.compared)
    # records cannot read sweep stores itself (it sits below sweep/): it says so in one line
    with pytest.raises(RecordError, match="read from a sweep store"):
        records.replay(rec)


def test_sweep_record_with_a_changed_parameter_differs_month_and_column(sweep_store, tmp_path):
    rec = record_from_store(sweep_store, 0)
    rec["params"]["paid_growth_decay"] = 0.99
    path = write_record(rec, tmp_path / "r.run.json")
    # a record file is compared with the store only when the caller names it
    result = replay(read_record(path), against=sweep_store)
    assert not result.identical
    assert result.month is not None and result.column
    assert "stored time series" in result.message


def test_a_failed_sweep_run_replays_as_the_same_failure(sweep_store, capsys):
    from sweep.store import Store

    with Store(sweep_store, read_only=True) as s:
        failed = s.con.execute("SELECT run_id FROM runs WHERE status = 'failed'").fetchall()
    assert failed, "stakes above 1 should fail some runs"
    assert run_cli("replay", sweep_store, "--run-id", failed[0][0]) == 0
    assert capsys.readouterr().out.strip() == "identical"


def test_bad_replay_inputs_exit_2(tmp_path, sweep_store, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    cases = [
        (["replay", tmp_path / "missing.json"], "no such file"),
        (["replay", bad], "not a run record"),
        (["replay", sweep_store], "--run-id"),
        (["replay", sweep_store, "--run-id", 999], "has no run 999"),
    ]
    for args, message in cases:
        assert run_cli(*args) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    path = cli_run(tmp_path / "x.csv", months=6)
    rec = json.loads(path.read_text())
    rec["params"]["no_such_param"] = 1
    path.write_text(json.dumps(rec))
    assert run_cli("replay", path) == 2
    assert "does not have: no_such_param" in capsys.readouterr().err


@pytest.mark.parametrize("preset", ["reported", "nortel"])
def test_a_run_of_a_preset_with_dated_deals_replays_identical(tmp_path, capsys, preset):
    import run

    out = tmp_path / "r.csv"
    assert run.main(["run", "--scenario", preset, "--months", "40", "--out", str(out)]) == 0
    capsys.readouterr()
    assert run_cli("replay", f"{out}.run.json") == 0
    assert capsys.readouterr().out.strip() == "identical"
