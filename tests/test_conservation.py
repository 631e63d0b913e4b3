"""Money is conserved: every invariant holds every month, across seeds and random parameters."""

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from economy.ledger import CASH, ROW
from model import AIBubbleModel
from params import PARAM_FIELDS, calibration_table, param_info


def sweepable() -> dict[str, tuple[float, float, bool]]:
    """Parameters with a numeric plausible range in the calibration table."""
    out = {}
    cal = calibration_table()
    for name, f in PARAM_FIELDS.items():
        info = param_info(name)
        row = cal[info["cite"]]
        try:
            lo, hi = float(row.low), float(row.high)
        except ValueError:
            continue
        lo, hi = max(lo, info["lo"]), min(hi, info["hi"])
        if f.metadata["hi_open"]:
            hi = min(hi, info["hi"] - 1e-6)
        if hi > lo:
            out[name] = (lo, hi, bool(f.metadata["integer"]))
    return out


SWEEPABLE = sweepable()


def draws():
    strategies: dict[str, st.SearchStrategy[Any]] = {}
    for name, (lo, hi, integer) in SWEEPABLE.items():
        if integer:
            strategies[name] = st.integers(math.ceil(lo), math.floor(hi))
        else:
            strategies[name] = st.floats(lo, hi, allow_nan=False)
    return st.fixed_dictionaries({}, optional=strategies)


def sector_cash(model: AIBubbleModel) -> dict[str, float]:
    out: dict[str, float] = {}
    for agent, sector in model.ledger.sectors.items():
        if agent != ROW:
            out[sector] = out.get(sector, 0.0) + model.ledger.cash(agent)
    return out


def run_checked(model: AIBubbleModel, months: int) -> None:
    """Step month by month; the model checks the ledger, the test checks stocks against flows.

    In a month with defaults, what the cascade report says each balance sheet loses is
    what the ledger wrote down (to 1e-9).
    """
    assert model.check_invariants
    obs = model.observation
    for _ in range(months):
        before = sector_cash(model)
        model.step()
        after = sector_cash(model)
        tfm = model.ledger.flow_matrix()
        scale = max(1.0, model.ledger.total_assets())
        for sector, cash in after.items():
            # the flow matrix's cash row records uses of funds with a minus sign
            flow = -tfm.get(("d_" + CASH, sector), 0.0)
            assert cash - before[sector] == pytest.approx(flow, abs=1e-9 * scale)
        for agent in set(obs.cascade_loss) | set(obs.writedown):
            reported, booked = obs.cascade_loss.get(agent, 0.0), obs.writedown.get(agent, 0.0)
            assert reported == pytest.approx(booked, rel=1e-12, abs=1e-9), agent


def test_the_parameter_sweep_space_is_not_empty():
    assert len(SWEEPABLE) > 50


@pytest.mark.parametrize("seed", range(12))
def test_invariants_hold_every_month_on_many_seeds(seed):
    run_checked(AIBubbleModel(rng=seed, preset="seed", check_invariants=True), 120)


@pytest.mark.parametrize("seed", range(6))
def test_invariants_hold_on_the_calibration_defaults(seed):
    run_checked(AIBubbleModel(rng=seed, preset=None, check_invariants=True), 120)


# whole 120-month runs: slow examples, drawn the same way on every machine
RANDOM_RUNS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@RANDOM_RUNS
@given(values=draws(), seed=st.integers(0, 2**31 - 1))
def test_invariants_hold_every_month_for_random_parameters(values, seed):
    model = AIBubbleModel(rng=seed, preset=None, check_invariants=True, **values)
    run_checked(model, 120)
    # no firm ends with negative cash, and nothing is owed to a firm that never existed
    for firm in model.firms:
        assert model.ledger.cash(firm.name) >= -1e-9


@settings(RANDOM_RUNS, max_examples=60)
@given(values=draws(), seed=st.integers(0, 2**31 - 1))
def test_invariants_hold_every_month_through_the_dated_deals(values, seed):
    """The deal book's ramps, lapses, cuts and repricings (history) over random parameters."""
    model = AIBubbleModel(rng=seed, preset="history", check_invariants=True, **values)
    run_checked(model, 120)
    assert model.deals, "history applies the dated deals"
