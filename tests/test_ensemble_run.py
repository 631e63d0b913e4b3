"""Ensembles (issue 24, item 2).

Outcomes of a run, Wilson intervals, "beyond horizon", determinism, resume after an
interruption, and a failing draw stored with its traceback.

Small on purpose: a few draws of 24-36 months each.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

import run
from ensemble import report
from ensemble.outcomes import outcomes, year_covered, year_end_month
from ensemble.report import BEYOND, NOT_MODELLED, OK, odds, spreads, wilson

VOLATILE = ["elapsed_s", "worker", "session_id", "finished_at"]


def cli(*argv: Any) -> tuple[int, str, str]:
    """``run.main(argv)`` in-process: (exit status, stdout, stderr)."""
    status: Any
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = run.main([str(a) for a in argv])
        except SystemExit as e:
            status = e.code
    return status, out.getvalue(), err.getvalue()


def ensemble(out: Path, *extra: Any, draws: int = 4, months: int = 24) -> tuple[int, str, str]:
    return cli(
        "ensemble", "--scenario", "nortel", "--draws", draws, "--months", months,
        "--root-seed", 3, "--no-progress", "--out", out, *extra,
    )  # fmt: skip


def draws_of(path: Path) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        df = con.execute("SELECT * FROM draws ORDER BY draw_id").df()
    return df.drop(columns=VOLATILE)


# ---------------------------------------------------------------------- Wilson intervals
@pytest.mark.parametrize(
    "k,n,low,high",
    [
        (0, 10, 0.0, 0.27753),  # z^2 / (n + z^2)
        (5, 10, 0.23659, 0.76341),
        (10, 10, 0.72247, 1.0),
        (23, 100, 0.15843, 0.32154),
        (1, 1, 0.20654, 1.0),
    ],
)
def test_wilson_intervals_on_known_cases(k, n, low, high):
    lo, hi = wilson(k, n)
    assert lo == pytest.approx(low, abs=1e-5) and hi == pytest.approx(high, abs=1e-5)


def test_wilson_needs_at_least_one_draw():
    with pytest.raises(ValueError, match="n >= 1"):
        wilson(0, 0)


# ---------------------------------------------------------------------- beyond horizon
def test_years_are_covered_only_whole():
    assert year_end_month(2024) == 11 and year_end_month(2028) == 59
    assert year_covered(2024, 12) and not year_covered(2024, 11)
    assert year_covered(2028, 60) and not year_covered(2028, 59)


def frame(months: int, first_default: list[int | None], fcf_year: list[int | None]) -> Any:
    n = len(first_default)
    return pd.DataFrame(
        {
            "status": ["ok"] * n,
            "first_default_month": first_default,
            "default_month_oracle": first_default,
            "app_fcf_positive_year": fcf_year,
            "lenders_modelled": [0] * n,
            "peak_gw": [1.0] * n,
        }
    )


def test_outcomes_past_the_horizon_read_beyond_horizon_never_an_error():
    df = frame(30, [5, None, 20, None], [None, None, None, None])
    rows = {o.key: o for o in odds(df, 30)}  # to June 2026
    assert rows["any_default_by_2024"].status == OK and rows["any_default_by_2024"].k == 1
    assert rows["any_default_by_2025"].k == 2 and rows["any_default_by_2025"].n == 4
    for key in ("any_default_by_2026", "any_default_by_2030", "app_fcf_positive_by_2028"):
        assert rows[key].status == BEYOND and rows[key].text() == BEYOND
    assert rows["lender_fails"].status == NOT_MODELLED
    assert rows["default_oracle"].k == 2


def test_free_cash_flow_by_2028_and_2030():
    df = frame(84, [None] * 4, [2027, 2029, None, 2030])
    rows = {o.key: o for o in odds(df, 84)}
    assert (rows["app_fcf_positive_by_2028"].k, rows["app_fcf_positive_by_2028"].n) == (1, 4)
    assert rows["app_fcf_positive_by_2030"].k == 3


def test_failed_draws_are_not_counted():
    df = frame(24, [3, None, 4], [None] * 3)
    df.loc[2, "status"] = "failed"
    row = {o.key: o for o in odds(df, 24)}["any_default_by_2025"]
    assert (row.k, row.n) == (1, 2)


def test_lender_failure_counts_once_lenders_can_fail():
    df = frame(24, [None] * 4, [None] * 4)
    df["lenders_modelled"] = 1
    df["first_lender_failure_month"] = [None, 7, None, None]
    row = {o.key: o for o in odds(df, 24)}["lender_fails"]
    assert (row.status, row.k, row.n) == (OK, 1, 4)


# ---------------------------------------------------------------------- outcomes(model)
def test_outcomes_of_a_finished_model():
    from model import AIBubbleModel

    m = AIBubbleModel(rng=1, preset="nortel")
    m.run_for(36)
    out = outcomes(m)
    assert out["months"] == 36
    for firm in m.firms:
        assert out[f"default_month_{firm.name}"] == (firm.default_month if firm.defaulted else None)
    defaulted = [int(f.default_month) for f in m.firms if f.default_month is not None]
    assert out["first_default_month"] == (min(defaulted) if defaulted else None)
    assert out["lenders_modelled"] == 3  # bond investors, banks, private credit
    assert out["first_lender_failure_month"] == m.observation.first_lender_failure_month
    assert set(out) >= {"app_fcf_2024", "app_fcf_2025", "app_fcf_2026", "peak_gw"}
    assert "app_fcf_2027" not in out
    for s in m.suppliers:
        assert f"chips_per_equity_{s.name}" in out
    m.lenders.by_name["banks"].failed_month = 20  # as if the banks had failed
    out = outcomes(m)
    assert out["failed_month_banks"] == 20 and out["first_lender_failure_month"] == 20


# ---------------------------------------------------------------------- the command
@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ensemble") / "ref.duckdb"
    status, stdout, err = ensemble(out, "--workers", 1)
    assert status == 0, err
    assert "95% Wilson intervals" in stdout and "beyond horizon" in stdout
    return out


def test_one_row_per_draw_with_parameters_seed_and_outcomes(reference):
    df = draws_of(reference)
    assert df["draw_id"].tolist() == [0, 1, 2, 3]
    assert (df["status"] == "ok").all() and df["seed"].nunique() == 4
    assert {"api_price_elasticity", "interest_rate", "first_default_month", "peak_gw"} <= set(
        df.columns
    )
    with duckdb.connect(str(reference), read_only=True) as con:
        meta = con.execute("SELECT scenario, months, draws, prior_name FROM ensemble").fetchall()
    assert meta == [("nortel", 24, 4, "nortel")]


def test_same_inputs_give_identical_draws_on_a_pool_too(tmp_path, reference):
    out = tmp_path / "again.duckdb"
    status, _, err = ensemble(out, "--workers", 2)
    assert status == 0, err
    pd.testing.assert_frame_equal(draws_of(out), draws_of(reference))


def test_resume_after_an_interruption_runs_only_the_missing_draws(tmp_path, reference, monkeypatch):
    from ensemble import runner

    out = tmp_path / "resumed.duckdb"
    original = runner.Store.write_draws
    calls = {"n": 0}

    def interrupted(self, rows):
        original(self, rows)
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C twice: after the second chunk is stored

    monkeypatch.setattr(runner.Store, "write_draws", interrupted)
    status, _, err = ensemble(out, "--workers", 1)
    assert status == 130 and "the same command resumes" in err
    assert len(draws_of(out)) == 2
    monkeypatch.setattr(runner.Store, "write_draws", original)
    status, _, err = ensemble(out, "--workers", 1)
    assert status == 0, err
    assert "resuming: 2 draws stored, 2 to run" in err
    pd.testing.assert_frame_equal(draws_of(out), draws_of(reference))
    with duckdb.connect(str(out), read_only=True) as con:
        sessions = con.execute("SELECT status FROM sessions ORDER BY session_id").fetchall()
    assert sessions == [("aborted",), ("complete",)]


def test_a_failing_draw_is_stored_with_its_traceback_and_the_others_are_kept(
    tmp_path, reference, monkeypatch
):
    from ensemble import worker

    out = tmp_path / "failing.duckdb"
    bad_seed = int(draws_of(reference)["seed"][1])
    original = worker.run_draw

    def crashes(scenario, months, seed, values):
        if seed == bad_seed:
            raise ZeroDivisionError("planted crash")
        return original(scenario, months, seed, values)

    monkeypatch.setattr(worker, "run_draw", crashes)
    status, stdout, err = ensemble(out, "--workers", 1)
    assert status == 0, err
    df = draws_of(out)
    assert df["status"].tolist() == ["ok", "failed", "ok", "ok"]
    assert "Traceback" in df["error"][1] and "ZeroDivisionError: planted crash" in df["error"][1]
    assert df["error"][[0, 2, 3]].isna().all()
    assert "1 draws failed" in err and "3 ok, 1 failed" in stdout
    monkeypatch.setattr(worker, "run_draw", original)
    status, _, err = ensemble(out, "--workers", 1, "--retry-failed")
    assert status == 0 and "resuming: 3 draws stored, 1 to run" in err
    pd.testing.assert_frame_equal(draws_of(out), draws_of(reference))


def test_a_store_of_another_ensemble_is_refused_unless_force_new(tmp_path, reference):
    out = tmp_path / "other.duckdb"
    out.write_bytes(reference.read_bytes())
    status, _, err = ensemble(out, "--workers", 1, months=30)
    assert status == 2 and err.count("\n") == 1
    assert "holds another ensemble (months 24, not 30)" in err and "--force-new" in err
    status, _, err = ensemble(out, "--workers", 1, "--force-new", draws=2, months=30)
    assert status == 0, err
    assert len(draws_of(out)) == 2


def test_a_store_made_by_another_model_is_not_resumed(tmp_path, reference, monkeypatch):
    from ensemble import runner

    out = tmp_path / "old.duckdb"
    out.write_bytes(reference.read_bytes())
    status, _, err = ensemble(out, "--workers", 1)  # the same model: resumed, nothing to run
    assert status == 0 and "nothing to run" in err
    # the model's code, data or presets changed since the store was made
    monkeypatch.setattr(runner, "model_fingerprint", lambda: "0" * 16)
    status, _, err = ensemble(out, "--workers", 1)
    assert status == 2 and "code, data or presets have changed" in err
    status, _, err = ensemble(out, "--workers", 1, "--force-new")
    assert status == 0 and "discarded" in err
    # --force-new starts afresh even when the store holds this very ensemble
    status, _, err = ensemble(out, "--workers", 1, "--force-new")
    assert status == 0 and "discarded" in err and "nothing to run" not in err


def test_the_report_command_and_its_errors(tmp_path, reference):
    status, stdout, _ = cli("ensemble-report", reference)
    assert status == 0
    assert "any default by Dec 2025" in stdout and "a lender fails" in stdout
    assert "private_credit fails" in stdout and "banks fails" in stdout
    assert "not modelled" not in stdout and "peak GW deployed" in stdout
    status, _, err = cli("ensemble-report", tmp_path / "none.duckdb")
    assert status == 2 and "no such ensemble store" in err
    not_store = tmp_path / "x.duckdb"
    not_store.write_text("hello", encoding="utf-8")
    status, _, err = cli("ensemble-report", not_store)
    assert status == 2 and err.count("\n") == 1


def test_spreads_of_a_real_ensemble(reference):
    with duckdb.connect(str(reference), read_only=True) as con:
        df = con.execute("SELECT * FROM draws").df()
    by_key = {s.key: s for s in spreads(df, 24)}
    assert set(by_key) >= {"first_default_month", "peak_gw", "chips_per_equity_nvidia"}
    assert by_key["peak_gw"].quantiles and by_key["peak_gw"].of == 4
    assert report.month_date(0) == "2024-01" and report.month_date(59) == "2028-12"
