"""Common random numbers (issue 19, item 2): one stream per purpose, a fixed count a month.

The run's generator spawns a stream for the app company's adoption noise, one for the
order clouds are offered contracts and one for share-price noise. Each draws the same
count every month whatever happens elsewhere, so two runs with the same seed and
different parameters draw the same numbers for each purpose, even after a firm defaults
in one of them: a counterfactual compares mechanisms, not luck.
"""

from __future__ import annotations

import numpy as np
import pytest

from agents.app_company import weighted_order
from model import AIBubbleModel


def test_each_purpose_draws_the_same_numbers_in_runs_that_differ():
    a = AIBubbleModel(rng=7, preset="nortel", collect=False)
    b = AIBubbleModel(rng=7, preset="nortel", collect=False, rental_demand_spend=0.3)
    for _ in range(96):  # the clouds default after the app company, years later
        a.step()
        b.step()
        for stream in ("rng_prices", "rng_placement"):
            sa = getattr(a, stream).bit_generator.state
            sb = getattr(b, stream).bit_generator.state
            assert sa == sb, (a.month, stream)
        if not (a.app.defaulted or b.app.defaulted):
            assert a.rng_demand.bit_generator.state == b.rng_demand.bit_generator.state
    defaults_a = sorted((f.default_month, f.name) for f in a.firms if f.defaulted)
    defaults_b = sorted((f.default_month, f.name) for f in b.firms if f.defaulted)
    assert defaults_a != defaults_b  # the runs differ; their draws do not


def test_a_firm_draws_the_same_price_noise_after_another_firm_defaults():
    a = AIBubbleModel(rng=5, preset="reported", collect=False)
    b = AIBubbleModel(rng=5, preset="reported", collect=False)
    a.run_for(3)
    b.run_for(3)
    pressure = dict.fromkeys(a.market.index, 0.0)
    a.market.clear(pressure)
    # in b CoreWeave no longer trades: the market clears the others only
    b.market.clear({k: v for k, v in pressure.items() if k != "coreweave"})
    for name in pressure:
        if name != "coreweave":
            assert a.market.log_returns[name][-1] == b.market.log_returns[name][-1], name


def test_the_streams_are_independent_of_each_other():
    m = AIBubbleModel(rng=1, preset="seed", collect=False)
    x = [m.rng_demand.random(), m.rng_placement.random(), m.rng_prices.random()]
    assert len(set(x)) == 3


def test_weighted_order_draws_by_weight_and_never_a_zero_weight():
    rng = np.random.default_rng(0)
    firsts = [0, 0, 0]
    for _ in range(20_000):
        order = weighted_order([3.0, 1.0, 0.0], rng.random(3).tolist())
        assert 2 not in order and sorted(order) == [0, 1]
        firsts[order[0]] += 1
    assert firsts[0] / 20_000 == pytest.approx(0.75, abs=0.015)
