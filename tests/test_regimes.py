"""Regimes: the classifier's definitions, and the model reaching them for the right reasons."""

from typing import Any

import pytest

from economy.observation import RunSummary
from economy.regimes import Regime, RegimeClassifier, Signals
from model import AIBubbleModel


def obs(
    gw=1.0,
    thr=1.0,
    capex=1.0,
    backlog=10.0,
    runway=24.0,
    cancelled=0,
    defaulted=False,
    app_burning=True,
):
    return Signals(gw, thr, capex, backlog, runway, cancelled, defaulted, app_burning)


def feed(clf, observations):
    return [clf.update(o) for o in observations]


def test_growth_with_runway_is_rising():
    clf = RegimeClassifier()
    out = feed(clf, [obs(gw=1 + 0.1 * t, thr=1 + 0.1 * t) for t in range(24)])
    assert out[-1] is Regime.RISING


def test_a_new_regime_must_last_three_months():
    clf = RegimeClassifier()
    feed(clf, [obs(gw=1 + 0.1 * t, thr=1 + 0.1 * t) for t in range(12)])
    short = [obs(gw=2.2, thr=2.2, runway=3.0)] * 2
    assert feed(clf, short)[-1] is Regime.RISING  # two months of short runway: not yet
    assert clf.update(obs(gw=2.2, thr=2.2, runway=3.0)) is Regime.STALLING


def test_collapse_is_immediate_and_absorbing():
    clf = RegimeClassifier()
    feed(clf, [obs(gw=1 + t, thr=1 + t) for t in range(8)])
    assert clf.update(obs(defaulted=True)) is Regime.COLLAPSE
    assert feed(clf, [obs(gw=50 + t, thr=50 + t) for t in range(12)])[-1] is Regime.COLLAPSE


def test_flat_capacity_is_a_plateau():
    clf = RegimeClassifier()
    assert feed(clf, [obs(gw=5.0, thr=1.0) for _ in range(12)])[-1] is Regime.PLATEAU


def test_cancelled_contracts_mean_stalling():
    clf = RegimeClassifier()
    feed(clf, [obs(gw=1 + 0.1 * t, thr=1 + 0.1 * t) for t in range(12)])
    out = feed(clf, [obs(gw=2.3 + 0.1 * t, thr=2.3 + 0.1 * t, cancelled=1) for t in range(3)])
    assert out[-1] is Regime.STALLING


def test_capex_falling_year_on_year_with_backlog_means_stalling():
    clf = RegimeClassifier()
    rising = [obs(gw=1 + 0.1 * t, thr=1 + 0.1 * t, capex=10.0) for t in range(18)]
    falling = [obs(gw=2.8 + 0.1 * t, thr=2.8 + 0.1 * t, capex=2.0) for t in range(6)]
    assert feed(clf, rising + falling)[-1] is Regime.STALLING


def test_capex_falling_while_the_app_company_pays_its_way_is_not_a_stall():
    clf = RegimeClassifier()
    rising = [obs(gw=1 + 0.1 * t, thr=1 + 0.1 * t, capex=10.0) for t in range(18)]
    done = [obs(gw=2.8, thr=1.0, capex=2.0, runway=120.0, app_burning=False) for _ in range(10)]
    out = feed(clf, rising + done)
    assert Regime.STALLING not in out
    assert out[-1] is Regime.PLATEAU
    # the same fall in capex while the app company burns cash is a stall
    clf = RegimeClassifier()
    burning = [obs(gw=2.8, thr=1.0, capex=2.0, runway=24.0) for _ in range(10)]
    assert feed(clf, rising + burning)[-1] is Regime.STALLING


def test_growing_capacity_with_short_runway_is_not_rising():
    clf = RegimeClassifier()
    out = feed(clf, [obs(gw=1 + 0.1 * t, thr=1 + 0.1 * t, runway=9.0) for t in range(12)])
    # neither rising (runway < 12) nor stalling (runway >= 6): the opening regime stays
    assert out[-1] is Regime.RISING
    assert all(r is None for r in clf.raw_history[1:])


def test_regime_severity_orders_the_regimes():
    order = [Regime.RISING, Regime.PLATEAU, Regime.STALLING, Regime.COLLAPSE]
    assert [r.severity for r in order] == [0, 1, 2, 3]


STRONG_DEMAND: dict[str, Any] = {
    "market_size_users": 5000.0,
    "monetisation_growth": 0.3,
    "compute_per_user_ceiling": 60.0,
}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_strong_demand_rises_for_years(seed):
    m = AIBubbleModel(rng=seed, preset=None, **STRONG_DEMAND)
    m.run_for(60)
    df = m.datacollector.get_model_vars_dataframe()
    assert (df["regime"].iloc[:36] == "rising").all()
    gw = df["deployed_gw"]
    assert gw.iloc[12] > 1.5 * gw.iloc[0]
    assert gw.iloc[24] > 1.5 * gw.iloc[12]
    assert gw.iloc[36] > 1.5 * gw.iloc[24]
    thr = df["loop_throughput"]
    # milestone equity counts new NVIDIA systems from the letter's start (July 2026, month
    # 30): no supplier equity flows before, so the loop's throughput starts then
    assert (thr.iloc[:30] == 0.0).all()
    assert thr.iloc[36:48].mean() > thr.iloc[30:36].mean() > 0.0


HARD_DECAY: dict[str, Any] = {
    "paid_growth_decay": 0.9,
    "monetisation_growth": 0.0,
    "contract_price_to_capex": 0.35,
}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hard_decay_with_bills_above_revenue_runs_the_runway_down(seed):
    m = AIBubbleModel(rng=seed, preset=None, **HARD_DECAY)
    m.run_for(120)
    df = m.datacollector.get_model_vars_dataframe()
    live = df[df["defaults_total"] == 0]
    assert (live["app_compute_bill"] > live["app_revenue"]).iloc[12:].all()
    s = RunSummary.from_frame(df)
    assert s["worst_regime"] in ("stalling", "collapse")
    assert s["first_stall_month"] is not None or s["first_default_month"] is not None
    assert df["app_runway_months"].min() < 6.0


@pytest.mark.parametrize(("seed", "preset"), [(0, "seed"), (1, None), (2, "seed")])
def test_model_summary_without_the_collector_matches_the_dataframe_summary(seed, preset):
    import math

    m = AIBubbleModel(rng=seed, preset=preset)
    m.run_for(120)
    a = m.summary()
    b = RunSummary.from_frame(m.datacollector.get_model_vars_dataframe())
    assert a.keys() == b.keys()
    for k in a:
        if isinstance(a[k], float) and math.isnan(a[k]):
            assert math.isnan(b[k])
        else:
            assert a[k] == pytest.approx(b[k]), k
