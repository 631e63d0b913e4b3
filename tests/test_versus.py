"""Paired counterfactuals over a preset's prior (``run.py ensemble-versus``).

Fast tests on a few short draws: both arms of a pair share the drawn parameters and the
seed, so a change that changes nothing moves nothing; the direction rule; the command's
errors. What docs/model.md (§7.16) states about the clouds' share sales is a claim of
``claims.toml`` ([[versus]]), recomputed by tests/test_claims.py.
"""

from __future__ import annotations

import pytest

from ensemble.prior import preset_prior
from ensemble.runner import EnsembleSpec
from ensemble.versus import Moved, Pair, moved, report, run_versus
from run import main


def _spec(draws: int, months: int, scenario: str = "reported") -> EnsembleSpec:
    return EnsembleSpec(scenario, draws, months, 0, preset_prior(scenario))


def test_a_change_to_the_value_already_there_moves_nothing():
    spec = _spec(3, 30)
    value = 4.0  # the preset's revolver_limit; not a drawn parameter
    assert "revolver_limit" not in spec.prior.names
    pairs = run_versus(spec, {"revolver_limit": value}, workers=1)
    assert len(pairs) == 3 and all(p.error is None for p in pairs)
    for p in pairs:
        assert p.as_drawn == p.changed  # same draw, same seed, same parameters
    m = moved(pairs, "first_default_month")
    assert m.earlier == m.later == 0 and m.direction is None


def test_a_change_that_matters_moves_outcomes_in_the_pairs():
    spec = _spec(3, 48)
    pairs = run_versus(spec, {"milestone_investment_per_gw": 0.0}, workers=2)
    paid = []
    for p in pairs:
        assert p.as_drawn is not None and p.changed is not None
        paid.append(
            (p.as_drawn["total_milestone_investment"], p.changed["total_milestone_investment"])
        )
    assert all(b <= a for a, b in paid) and any(b < a for a, b in paid), paid
    text = report(pairs, {"milestone_investment_per_gw": 0.0})
    assert "with milestone_investment_per_gw=0.0" in text
    assert "failed_month_private_credit" in text and "default_month_oracle" in text


def test_a_direction_is_stated_where_it_holds_in_nine_of_ten_of_five_or_more_moved():
    assert Moved("k", 100, 50, 60, 9, 1).direction == "earlier"
    assert Moved("k", 100, 50, 40, 1, 9).direction == "later"
    assert Moved("k", 100, 50, 50, 8, 2).direction is None
    assert Moved("k", 100, 50, 50, 0, 0).direction is None
    assert Moved("k", 100, 50, 51, 4, 0).direction is None  # too few moved to say


def test_a_failed_draw_is_reported_and_the_others_kept():
    pairs = [
        Pair(0, {"first_default_month": 5}, {"first_default_month": None}),
        Pair(1, None, None, "ValueError: boom"),
    ]
    text = report(pairs, {"x": 1})
    assert text.startswith("1 pairs") and "draw 1: ValueError: boom" in text
    assert moved(pairs, "first_default_month") == Moved("first_default_month", 1, 1, 0, 0, 1)


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--set", "revolver_limit=-1"], "revolver_limit"),
        (["--set", "no_such_param=1"], "no_such_param"),
        (["--set", "revolver_limit"], "NAME=VALUE"),
        (["--set", "revolver_limit=1", "--draws", "0"], "--draws"),
    ],
)
def test_bad_input_is_one_line_naming_the_field(argv, words, capsys):
    status: object
    try:
        status = main(["ensemble-versus", "--scenario", "reported", *argv])
    except SystemExit as e:  # argparse's own errors
        status = e.code
    err = capsys.readouterr().err
    assert status == 2 and words in err and "Traceback" not in err
