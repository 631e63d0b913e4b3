"""Every allowed value runs; a quantity beyond its plausible bound is reported, not carried on."""

import math
from typing import Any

import pytest

from economy.observation import EventKind, RunSummary
from economy.observation.columns import PLAUSIBLE_BOUNDS
from model import AIBubbleModel
from params import PARAM_FIELDS, Params
from scripts import goldens
from viz.components.banner import banner_html


def corner_values():
    out = []
    for name, f in PARAM_FIELDS.items():
        lo, hi = f.metadata["lo"], f.metadata["hi"]
        if f.metadata["hi_open"]:
            hi = hi - 1 if f.metadata["integer"] else math.nextafter(hi, lo)
        for v in (lo, hi):
            out.append((name, int(v) if f.metadata["integer"] else float(v)))
    return out


CORNERS = corner_values()


@pytest.mark.slow
def test_every_parameter_at_both_ends_of_its_range_runs_with_the_books_balanced():
    failures = []
    for name, value in CORNERS:
        over: dict[str, Any] = {name: value}
        try:
            Params(**over)
        except ValueError:
            continue  # a value valid alone but not with the defaults (stakes above 1)
        try:
            AIBubbleModel(rng=1, preset=None, check_invariants=True, collect=False, **over).run_for(
                60
            )
        except Exception as e:
            failures.append(f"{name}={value}: {type(e).__name__}: {e}")
    assert failures == []


def explosive() -> AIBubbleModel:
    # allowed values whose compute need compounds past any plausible capacity
    m = AIBubbleModel(
        rng=1,
        preset="seed",
        api_price_elasticity=1.5,
        inference_price_decline=100,
        compute_per_user_ceiling=1e4,
        # lenders with capital to fund it: with the table's, the banks fail in 2026 and
        # the explosion never comes
        lender_capital_bond_investors=1e5,
        lender_capital_banks=1e5,
        lender_capital_private_credit=1e5,
    )
    m.run_for(600)
    return m


def test_an_explosive_run_is_flagged_by_event_column_summary_and_banner():
    m = explosive()
    df = m.datacollector.get_model_vars_dataframe()
    first = m.observation.first_implausible_month
    assert first is not None
    flagged = df.index[df["implausible"] == 1]
    assert flagged[0] == first and (df["implausible"].iloc[:first] == 0).all()
    beyond = [(df[list(b.columns)].max(axis=1) > b.bound).to_numpy() for b in PLAUSIBLE_BOUNDS]
    any_beyond = [any(x[i] for x in beyond) for i in range(len(df))]
    assert any_beyond == list(df["implausible"] == 1)  # the column is the bounds, recomputed
    events = [e for e in m.observation.events if e.kind is EventKind.IMPLAUSIBLE]
    assert events and events[0].month == first
    assert "beyond the plausible bound" in events[0].text()
    assert len({e.fields["what"] for e in events}) == len(events)  # once per quantity
    assert m.summary()["first_implausible_month"] == first
    assert RunSummary.from_frame(df)["first_implausible_month"] == first
    assert "beyond a plausible bound" in banner_html(m, "en")


def test_the_shipped_presets_stay_within_every_plausible_bound():
    for preset, seed in [(p, s) for p in goldens.presets() for s in goldens.SEEDS]:
        m = AIBubbleModel(rng=seed, preset=preset)
        m.run_for(120)
        assert m.observation.first_implausible_month is None, (preset, seed)
        assert 'data-testid="implausible"></span>' in banner_html(m, "en")


def test_every_bound_reads_published_columns():
    from economy.observation import COLUMN_NAMES

    for b in PLAUSIBLE_BOUNDS:
        assert set(b.columns) <= set(COLUMN_NAMES) and b.bound > 0 and b.reason


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("api_price_elasticity", 3.0),
        ("monetisation_growth", 2.0),
        ("monetisation_growth_halving_years", 1000.0),
        ("momentum_share", 1.0),
    ],
)
def test_ranges_no_source_supports_are_refused_with_the_field_named(name, value):
    with pytest.raises(ValueError, match=f"{name} = .* is out of range"):
        Params(**{name: value})
