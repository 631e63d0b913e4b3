"""Compute demand that fits (issue 17, item 7).

Tokens per user as a state, training as its own budget, the API as its own market, fits
that read only figures known by the reported vintage, and the out-of-sample checks.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest

from calibration import vintage
from calibration.out_of_sample import checks, evaluate
from economy import demand
from model import AIBubbleModel
from params import Params, calibration_table
from scripts import fit_bass, fit_money

QUIET: dict[str, Any] = {"demand_noise": 0.0, "price_noise": 0.0}
NEW_ROWS = (
    "api_revenue_initial",
    "api_customer_growth",
    "api_market_ceiling",
    "api_price_elasticity",
    "compute_per_user_ceiling",
    "training_compute_growth",
    "training_growth_halving_years",
    "openai_revenue_h1_2025",
)


def _run(months: int, preset: str = "reported", **over: Any):
    m = AIBubbleModel(rng=3, preset=preset, **{**QUIET, **over})
    m.run_for(months)
    return m, m.datacollector.get_model_vars_dataframe()


def test_every_new_row_has_a_range_provenance_and_source():
    cal = calibration_table()
    for key in NEW_ROWS:
        row = cal[key]
        assert row.provenance in ("reported", "assumed", "fitted") and row.source, key
        assert float(row.low) <= float(row.value) <= float(row.high), key
    assert (float(cal["api_price_elasticity"].low), float(cal["api_price_elasticity"].high)) == (
        0.7,
        1.5,
    )
    assert "api_revenue_per_user" not in cal and "compute_per_user_growth" not in cal


def test_tokens_per_user_is_a_state_moved_by_the_price_with_its_elasticity():
    m, _ = _run(25)
    p, app = m.p, m.app
    pa = demand.paths(p)
    assert app.tokens_per_user == pytest.approx(pa.tokens(24))
    # a year of the price falling D times raises tokens per user D ** elasticity times
    yearly = pa.tokens(24) / pa.tokens(12)
    assert yearly == pytest.approx(p.inference_price_decline**p.api_price_elasticity)
    # API spend per customer moves as price ** (1 - elasticity)
    spend = pa.tokens(12) * pa.price(12)
    assert spend == pytest.approx(p.inference_price_decline ** (p.api_price_elasticity - 1.0))


def test_compute_per_user_and_per_customer_stops_at_its_ceiling():
    p = Params.from_preset("reported")
    pa = demand.paths(p)
    for tokens in (pa.tokens,):  # one law for ChatGPT users and API customers
        per_user = [tokens(t) * pa.compute_per_token(t) for t in range(121)]
        assert max(per_user) == pytest.approx(p.compute_per_user_ceiling)
        assert all(b >= a - 1e-12 for a, b in itertools.pairwise(per_user))
        capped = [t for t, x in enumerate(per_user) if x >= p.compute_per_user_ceiling - 1e-9]
        assert capped and capped[0] > 12  # the ceiling binds after the first year
    # before the ceiling tokens answer the price with its elasticity
    assert pa.tokens(12) == pytest.approx(p.inference_price_decline**p.api_price_elasticity)
    # a higher ceiling means more compute per user, and never less
    high = demand.paths(Params.from_preset("reported", compute_per_user_ceiling=40.0))
    assert high.tokens(120) > pa.tokens(120)
    assert all(high.tokens(t) >= pa.tokens(t) for t in range(121))


def test_a_token_price_never_falls_faster_than_its_cost():
    """Compute per token falls with the price, net of the hardware gain (a constant margin)."""
    for decline, halving in ((10.0, 2.5), (40.0, 1.5), (3.0, 2.0)):
        p = Params.from_preset(
            "reported", inference_price_decline=decline, gpu_cost_per_flop_halving=halving
        )
        pa = demand.paths(p)
        hardware = demand.chip_efficiency(12, halving)
        # the cost of a token on new chips: compute per token / compute per GW
        cost = pa.compute_per_token(12) / hardware
        assert cost == pytest.approx(pa.price(12))


def test_training_is_its_own_budget_and_the_api_its_own_market():
    _, a = _run(36)
    _, b = _run(36, market_size_users=900.0, paid_share=0.03)
    # fewer ChatGPT users change neither the API's revenue before rationing (what its
    # customers would pay with the compute to serve them) nor the training need
    api_a = a["app_revenue_api"] / a["served_share"]
    api_b = b["app_revenue_api"] / b["served_share"]
    assert api_a.to_numpy() == pytest.approx(api_b.to_numpy(), rel=1e-12)
    assert (a["served_share"] != b["served_share"]).any()  # they share the compute
    assert (a["users_m"] != b["users_m"]).any()
    p = Params.from_preset("reported", **QUIET)
    for t in (0, 12, 35):
        tr = demand.training_need(p, t)
        pa = demand.paths(p)
        inf = demand.inference_need(
            p, float(a["users_m"].iloc[t]), pa.customers(t), pa.tokens(t), t
        )
        assert float(a["app_compute_need"].iloc[t]) == pytest.approx(tr + inf)
    g0 = p.training_compute_growth
    assert demand.training_need(p, 12) / demand.training_need(p, 0) < 1.0 + g0
    assert demand.training_need(p, 12) / demand.training_need(p, 0) > 1.0 + 0.7 * g0


def test_the_opening_split_is_the_only_role_of_training_to_inference():
    p = Params.from_preset("reported")
    need0 = demand.compute_need(p, p.users_initial, 0)
    assert need0 == pytest.approx(p.opening_capacity_gw)
    assert demand.training_need(p, 0) / need0 == pytest.approx(
        p.training_to_inference / (1.0 + p.training_to_inference)
    )


def test_a_fit_refuses_a_figure_dated_after_the_vintage():
    with pytest.raises(vintage.VintageError, match="out of sample"):
        vintage.fit_point("openai_revenue_2025", "2025-12")
    with pytest.raises(vintage.VintageError, match="out of sample"):
        vintage.fit_point("openai_compute_gw", "2025-12")
    dates = [pt.date for pt in vintage.fit_points("chatgpt_weekly_users")]
    assert dates == ["2024-08", "2024-12", "2025-02", "2025-03", "2025-08", "2025-10"]
    later = [pt.date for pt in vintage.fit_points("chatgpt_weekly_users", "2026-03")]
    assert "2026-02" in later  # the later points exist: only the filter keeps them out


def test_the_fits_read_no_point_dated_after_the_vintage(monkeypatch):
    read: list[vintage.Point] = []

    def spy_points(key: str, v: str = vintage.REPORTED_VINTAGE) -> list[vintage.Point]:
        out = vintage.fit_points(key, v)
        read.extend(out)
        return out

    def spy_point(key: str, date: str, v: str = vintage.REPORTED_VINTAGE) -> vintage.Point:
        out = vintage.fit_point(key, date, v)
        read.append(out)
        return out

    monkeypatch.setattr(fit_bass, "fit_points", spy_points)
    monkeypatch.setattr(fit_money, "fit_point", spy_point)
    users0 = float(calibration_table()["users_initial"].value)
    p, q, m = fit_bass.fit_reported(users0)
    targets = fit_money.targets()
    assert read and all(pt.date <= "2025-10" for pt in read)
    keys = {(pt.key, pt.date) for pt in read}
    assert ("openai_compute_gw", "2024-12") in keys
    assert ("openai_revenue_h1_2025", "2025-06") in keys
    assert not any(k == "openai_revenue_2025" for k, _ in keys)
    assert all(pt.origin.startswith("data/") for pt in read)  # the project's data only
    # the fit is the table's
    cal = calibration_table()
    assert q == pytest.approx(float(cal["bass_q_fit"].value), rel=1e-3)
    assert m == pytest.approx(float(cal["market_size_fit"].value), rel=1e-3)
    assert p == pytest.approx(float(cal["bass_p_fit"].value))
    assert set(targets) == {"revenue_2024", "revenue_h1_2025", "compute_2024_12"}


def test_the_fitted_table_reproduces_the_in_sample_figures():
    _, df = _run(18)
    tg = fit_money.targets()
    y2024 = df.loc[df["date"].str.startswith("2024"), "app_revenue"].sum()
    h1 = df.loc[(df["date"] >= "2025-01") & (df["date"] < "2025-07"), "app_revenue"].sum()
    assert y2024 == pytest.approx(tg["revenue_2024"].value, rel=0.01)
    assert h1 == pytest.approx(tg["revenue_h1_2025"].value, rel=0.01)
    assert df["deployed_gw"].iloc[11] == pytest.approx(tg["compute_2024_12"].value, rel=0.02)


def test_the_out_of_sample_checks_are_measured_from_runs_and_read_from_data():
    figures = {c.name: c.figure for c in checks()}
    assert figures["app revenue 2025 (full year)"] == 13.07  # data/realised.csv
    assert figures["capacity operating, Dec 2025"] == 1.9
    assert figures["annualised revenue, Dec 2025"] == 20.0
    assert figures["weekly users, Mar 2026"] == 900.0
    results = evaluate(seeds=1)
    assert len(results) == 10 and all(math.isfinite(v) and v > 0 for _, v in results)
    assert figures["H100-class rental price, 2025-10"] == 1.7
    _, df = _run(27, demand_noise=Params.from_preset("reported").demand_noise)
    by = {c.name: c.measure(df) for c, _ in results}
    assert by["capacity operating, Dec 2025"] == pytest.approx(float(df["deployed_gw"].iloc[23]))
    rent = by["H100-class rental price, 2025-10"]
    assert rent == pytest.approx(float(df["rental_price_h100"].iloc[21]))
    # the implied H100-class rent falls from 2024 to 2025 as it did (obsolescence), within
    # half of the realised figures
    assert by["H100-class rental price, 2024-10"] > rent
    assert 0.5 * 1.7 < rent < 1.5 * 1.7
