"""Parameters: calibration defaults, clear errors on bad values, presets that cite their sources."""

import dataclasses
import math
from typing import Any

import pytest

from model import AIBubbleModel
from params import (
    PARAM_NAMES,
    Params,
    PresetError,
    calibration_table,
    load_preset,
    load_preset_file,
    param_info,
    preset_names,
)


def test_every_default_is_its_calibration_row():
    p = Params()
    cal = calibration_table()
    for name in PARAM_NAMES:
        info = param_info(name)
        assert info["cite"] in cal, name
        assert getattr(p, name) == pytest.approx(float(cal[info["cite"]].value)), name


def test_every_calibration_row_has_a_known_provenance_and_a_source():
    for key, row in calibration_table().items():
        assert row.provenance in {"seed", "reported", "fitted", "assumed"}, key
        assert row.source.strip(), key


def test_every_default_is_inside_its_allowed_range():
    Params()  # validation runs on the defaults too


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("paid_growth_decay", 1.0, "0 <= paid_growth_decay < 1"),
        ("paid_growth_decay", -0.1, "out of range"),
        ("capex_per_gw", 0.5, "1 <= capex_per_gw <= 500"),
        ("build_lag_months", 2.5, "an integer"),
        ("capex_per_gw", "abc", "got 'abc'"),
        ("capex_per_gw", math.nan, "got nan"),
        ("capex_per_gw", math.inf, "got inf"),
        ("milestone_investment_per_gw", True, "got True"),
        ("milestone_investment_cap", None, "got None"),
    ],
)
def test_bad_values_name_the_parameter_the_value_and_the_range(name, value, fragment):
    with pytest.raises(ValueError, match=name) as err:
        Params(**{name: value})
    assert fragment in str(err.value)


def test_text_numbers_are_accepted_as_they_come_from_the_command_line():
    typed: dict[str, Any] = {"capex_per_gw": "60", "build_lag_months": "12"}
    p = Params(**typed)
    assert p.capex_per_gw == 60.0
    assert p.build_lag_months == 12


def test_unknown_parameter_is_refused_with_a_suggestion():
    with pytest.raises(ValueError, match=r"unknown parameter 'capex_per_gww'.*capex_per_gw"):
        Params.from_preset(None, capex_per_gww=3)


def test_model_takes_the_same_names_as_keyword_arguments():
    m = AIBubbleModel(rng=1, preset=None, milestone_investment_per_gw=7.0)
    assert m.p.milestone_investment_per_gw == 7.0
    with pytest.raises(ValueError, match="milestone_investment_per_gw"):
        AIBubbleModel(rng=1, milestone_investment_per_gw=-1)


def test_params_are_frozen():
    p = Params()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.capex_per_gw = 3.0  # type: ignore[misc]  # reason: assigning a frozen field on purpose


def test_stakes_cannot_exceed_the_whole_company():
    with pytest.raises(ValueError, match="must not exceed 1"):
        Params(microsoft_stake_in_openai=0.7, equity_funds_stake_in_openai=0.5)


def test_unknown_scenario_lists_the_known_ones():
    with pytest.raises(PresetError, match=r"unknown scenario 'nope'; known scenarios: .*seed"):
        load_preset("nope")


def test_every_shipped_preset_loads_and_cites_a_row_or_a_reason():
    cal = calibration_table()
    for name in preset_names():
        preset = load_preset(name)
        assert preset.description
        for key, cite in preset.cites.items():
            assert cite == "assumed" or cite in cal, (name, key)
        Params.from_preset(name)


def test_seed_preset_uses_the_articles_milestone_rule():
    p = Params.from_preset("seed")
    assert p.milestone_investment_per_gw == 1.0
    assert p.milestone_investment_cap == 100.0


def write(tmp_path, text, name="custom.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "description = 'x'\n[values]\ncapx = { value = 1, cite = 'capex_per_gw' }\n",
            "key 'capx'",
        ),
        ("description = 'x'\n[values]\ncapex_per_gw = 60\n", "must be an inline table"),
        ("description = 'x'\n[values]\ncapex_per_gw = { value = 60 }\n", "missing field 'cite'"),
        (
            "description = 'x'\n[values]\ncapex_per_gw = { value = 60, cite = 'assumed' }\n",
            "needs a reason",
        ),
        (
            "description = 'x'\n[values]\ncapex_per_gw = { value = 9999, cite = 'capex_per_gw' }\n",
            "out of range",
        ),
        (
            "description = 'x'\n[values]\ncapex_per_gw = { value = 60, cite = 'capex_per_gw', "
            "colour = 'red' }\n",
            "unknown field 'colour'",
        ),
        ("description = 'x'\ncolour = 'red'\n", "unknown top-level key 'colour'"),
        ("[values]\n", "'description' must be a non-empty string"),
        ("description = 'x'\n[values\n", "not valid TOML"),
        ("description = 'x'\nextends = 'nope'\n", "unknown scenario 'nope'"),
    ],
)
def test_malformed_presets_name_the_file_and_the_key(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(PresetError) as err:
        load_preset_file(path)
    assert fragment in str(err.value)
    if "extends" not in text:
        assert str(path) in str(err.value)


def test_a_preset_may_extend_another_and_override_a_value(tmp_path):
    path = write(
        tmp_path,
        "description = 'seed with a bigger tranche'\nextends = 'seed'\n[values]\n"
        "milestone_investment_per_gw = { value = 10, cite = 'milestone_investment_per_gw' }\n",
    )
    preset = load_preset_file(path)
    assert preset.values["milestone_investment_per_gw"] == 10
    assert preset.values["paid_growth_decay"] == load_preset("seed").values["paid_growth_decay"]


def test_preset_values_lie_within_the_range_of_the_row_they_cite():
    cal = calibration_table()
    for name in preset_names():
        preset = load_preset(name)
        for key, cite in preset.cites.items():
            if cite == "assumed":
                continue
            row = cal[cite]
            try:
                lo, hi = float(row.low), float(row.high)
            except ValueError:
                continue
            assert lo - 1e-9 <= preset.values[key] <= hi + 1e-9, (name, key, cite)


@pytest.mark.parametrize(
    ("block", "fragment"),
    [
        (
            "cloud = 'ibm'\nsigned = '2025-01'\nstart = '2026-01'\nmonths = 12\nvalue = 5.0\n"
            "cite = 'assumed'\nreason = 'x'",
            "field 'cloud' must be one of",
        ),
        (
            "cloud = 'oracle'\nsigned = '2025-13'\nstart = '2026-01'\nmonths = 12\nvalue = 5.0\n"
            "cite = 'assumed'\nreason = 'x'",
            "YYYY-MM",
        ),
        (
            "cloud = 'oracle'\nsigned = '2026-01'\nstart = '2025-01'\nmonths = 12\nvalue = 5.0\n"
            "cite = 'assumed'\nreason = 'x'",
            "'start' must come after 'signed'",
        ),
        (
            "cloud = 'oracle'\nsigned = '2025-01'\nstart = '2026-01'\nmonths = 0\nvalue = 5.0\n"
            "cite = 'assumed'\nreason = 'x'",
            "'months' must be a whole number",
        ),
        (
            "cloud = 'oracle'\nsigned = '2025-01'\nstart = '2026-01'\nmonths = 12\nvalue = -5.0\n"
            "cite = 'assumed'\nreason = 'x'",
            "'value' must be a positive number",
        ),
        (
            "cloud = 'oracle'\nsigned = '2025-01'\nstart = '2026-01'\nmonths = 12\nvalue = 5.0\n"
            "cite = 'nope'",
            "cite 'nope' is not a row",
        ),
        (
            "cloud = 'oracle'\nsigned = '2025-01'\nmonths = 12\nvalue = 5.0\ncite = 'assumed'\n"
            "reason = 'x'",
            "missing field 'start'",
        ),
        (
            "cloud = 'oracle'\nsigned = '2025-01'\nstart = '2026-01'\nmonths = 12\nvalue = 5.0\n"
            "cite = 'assumed'\nreason = 'x'\ngw = 3",
            "unknown field 'gw'",
        ),
    ],
)
def test_malformed_scheduled_contracts_name_the_file_contract_and_field(tmp_path, block, fragment):
    path = write(tmp_path, f"description = 'x'\n[[contracts]]\n{block}\n")
    with pytest.raises(PresetError) as err:
        load_preset_file(path)
    assert fragment in str(err.value)
    assert "contract 1" in str(err.value) and str(path) in str(err.value)


def test_scheduled_contracts_are_signed_on_their_date_with_their_value():
    from model import AIBubbleModel

    m = AIBubbleModel(rng=0, preset="reported")
    m.run_for(21)
    # data/deals.csv: 4.5 GW for 300bn from 2027-01, a quarter of it each quarter of 2027
    oracle = [
        c
        for c in m.contracting.contracts
        if c.cloud == "oracle" and c.signed == 20 and c.start >= 36
    ]
    assert [c.start for c in oracle] == [36, 39, 42, 45]
    assert all(c.end - c.start == 60 for c in oracle)
    assert sum(c.gw * c.price_per_gw_month * 60 for c in oracle) == pytest.approx(300.0)
    assert sum(c.gw for c in oracle) == pytest.approx(4.5)


def test_a_preset_value_may_state_its_provenance_and_reason(tmp_path):
    path = write(
        tmp_path,
        "description = 'x'\n[values]\nmilestone_investment_per_gw = { value = 10, cite = "
        "'milestone_investment_per_gw', provenance = 'reported', reason = 'press' }\n",
    )
    preset = load_preset_file(path)
    assert preset.provenances["milestone_investment_per_gw"] == "reported"
    assert preset.reasons["milestone_investment_per_gw"] == "press"
    bad = write(
        tmp_path,
        "description = 'x'\n[values]\nmilestone_investment_per_gw = { value = 10, cite = "
        "'milestone_investment_per_gw', provenance = 'rumoured' }\n",
        name="bad.toml",
    )
    with pytest.raises(PresetError, match="provenance must be one of"):
        load_preset_file(bad)


@pytest.mark.parametrize("cloud", ["oracle", "microsoft", "amazon", "coreweave"])
def test_a_cloud_with_weight_zero_is_never_offered_a_contract(cloud):
    zero: dict[str, Any] = {f"weight_{cloud}": 0.0}
    m = AIBubbleModel(rng=1, preset="seed", check_invariants=True, **zero)
    m.run_for(48)
    own = [e for e in m.observation.events if e.kind.value == "contract"]
    assert own, "other clouds still sign contracts"
    assert all(e.firm != cloud for e in own)
