"""Observation: typed events with templates, the run summary type, columns defined once."""

import json
import math

import pytest

from economy.observation import (
    COLUMN_NAMES,
    COLUMNS,
    EVENT_TEMPLATES,
    LOOP_FLOWS,
    DefaultReason,
    Event,
    EventKind,
    RunSummary,
)
from economy.regimes import Regime
from model import AIBubbleModel


def test_every_event_kind_has_an_english_template():
    assert set(EVENT_TEMPLATES["en"]) == set(EventKind)


@pytest.mark.parametrize("preset", ["seed", "reported", "nortel", "soft-landing"])
def test_every_event_of_a_run_is_typed_and_renders(preset):
    m = AIBubbleModel(rng=1, preset=preset)
    m.run_for(120)
    events = m.observation.events
    assert events
    for e in events:
        assert isinstance(e.kind, EventKind)
        text = e.text()
        assert "{" not in text and "}" not in text
        row = e.row()
        assert row["kind"] == e.kind.log_kind and row["text"] == text
        assert row["date"] == f"{2024 + e.month // 12}-{e.month % 12 + 1:02d}"


def test_a_default_event_renders_its_reason_from_the_fields():
    e = Event(
        40,
        EventKind.DEFAULT,
        "oracle",
        {
            "firm": "oracle",
            "reason": DefaultReason.ARREARS,
            "months": 3,
            "lost": 5.0,
            "cancelled": 2,
        },
    )
    assert e.text() == (
        "Oracle defaults (unpaid bills for 3 months); creditors lose $5.0B; 2 contracts cancelled"
    )
    assert e.row()["date"] == "2027-05"


def test_the_run_summary_is_a_mapping_equal_to_its_dict_and_to_the_frame_summary():
    m = AIBubbleModel(rng=2, preset="reported")
    m.run_for(60)
    s = m.observation.summary()
    assert isinstance(s, RunSummary)
    plain = m.summary()  # the public interface: a plain dict of the same fields
    assert type(plain) is dict and list(plain) == list(s)
    json.dumps(plain)
    assert list(s) == list(RunSummary.column_types())
    assert dict(s) == s.as_dict() and s["peak_gw"] == s.peak_gw
    with pytest.raises(KeyError):
        s["no_such_field"]
    frame = RunSummary.from_frame(m.datacollector.get_model_vars_dataframe())
    for k in s:
        a, b = s[k], frame[k]
        if isinstance(a, float) and math.isnan(a):
            assert math.isnan(b), k
        else:
            assert a == pytest.approx(b, abs=1e-9), k
    assert {f"months_{r.value}" for r in Regime} <= set(s)


def test_columns_are_defined_once_with_unit_and_meaning():
    assert len(COLUMN_NAMES) == len(set(COLUMN_NAMES))
    assert all(c.unit and c.meaning and callable(c.compute) for c in COLUMNS)
    assert [f.column for f in LOOP_FLOWS] == [
        "flow_supplier_equity",
        "flow_app_to_clouds",
        "flow_clouds_to_suppliers",
    ]
    assert {f.column for f in LOOP_FLOWS} <= set(COLUMN_NAMES)
