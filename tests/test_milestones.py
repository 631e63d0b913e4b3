"""The milestone rule: one tranche per whole GW deployed with the investor's chips, capped."""

import math

import pytest

from economy.contracts import MilestoneDeal
from model import AIBubbleModel


def test_no_tranche_before_the_first_whole_gw():
    deal = MilestoneDeal("nvidia", "openai", per_gw=1.0, cap=100.0)
    deal.observe(0.999)
    assert deal.tranches_due() == 0


def test_one_tranche_per_whole_gw():
    deal = MilestoneDeal("nvidia", "openai", per_gw=1.0, cap=100.0)
    deal.observe(3.7)
    assert deal.tranches_due() == 3
    deal.record(3)
    deal.observe(3.99)
    assert deal.tranches_due() == 0
    deal.observe(4.0)
    assert deal.tranches_due() == 1


def test_replacement_capacity_does_not_count_twice():
    deal = MilestoneDeal("nvidia", "openai", per_gw=1.0, cap=100.0)
    deal.observe(2.5)
    deal.record(deal.tranches_due())
    deal.observe(1.0)  # old capacity retired
    deal.observe(2.5)  # and replaced: same high-water mark
    assert deal.tranches_due() == 0


def test_tranches_never_pass_the_cap():
    deal = MilestoneDeal("nvidia", "openai", per_gw=10.0, cap=25.0)
    deal.observe(50.0)
    assert deal.tranches_due() == 2  # a third tranche would pass 25
    deal.record(2)
    deal.observe(80.0)
    assert deal.tranches_due() == 0
    assert deal.paid == pytest.approx(20.0)


def test_fractional_gw_sums_reach_a_whole_gw():
    deal = MilestoneDeal("nvidia", "openai", per_gw=1.0, cap=100.0)
    deal.observe(sum([0.1] * 10))  # 0.9999999999999999
    assert deal.tranches_due() == 1


def test_model_pays_exactly_one_tranche_per_whole_gw_of_nvidia_capacity():
    m = AIBubbleModel(rng=3, preset=None, milestone_investment_per_gw=1.0)
    m.run_for(60)
    deal = m.contracting.milestones[0]
    df = m.datacollector.get_model_vars_dataframe()
    expected = min(math.floor(deal.high_water_gw + 1e-9), 100)
    assert deal.tranches == expected
    assert df["milestone_investment_total"].iloc[-1] == pytest.approx(expected * 1.0)
    assert deal.tranches >= 1


def test_model_respects_the_cap():
    m = AIBubbleModel(
        rng=3, preset="reported", milestone_investment_per_gw=10.0, milestone_investment_cap=20.0
    )
    m.run_for(60)
    df = m.datacollector.get_model_vars_dataframe()
    assert m.contracting.milestones[0].high_water_gw >= 3.0  # enough GW for more than two tranches
    assert df["milestone_investment_total"].max() == pytest.approx(20.0)


def test_milestone_equity_buys_app_company_shares_at_the_market_price():
    m = AIBubbleModel(rng=3, preset=None, milestone_investment_per_gw=10.0)
    shares_before = m.ledger.shares("nvidia", "openai")
    m.run_for(36)
    paid = m.contracting.milestones[0].paid
    assert paid > 0
    assert m.ledger.shares("nvidia", "openai") > shares_before
