"""Priors as data (issue 24, item 1).

The default list, the files, the named priors, the checks (one line naming file and key,
exit status 2) and the Latin-hypercube draws.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import params
import run
from ensemble.prior import (
    NARROW_SHARE,
    Dist,
    PriorError,
    default_names,
    draw_seed,
    load_prior_file,
    narrow_prior,
    never_drawn,
    preset_prior,
    prior_path,
    resolve_prior,
    table_range,
    wide_prior,
)


def cli(*argv: Any) -> tuple[int, str, str]:
    """``run.main(argv)`` in-process: (exit status, stdout, stderr)."""
    status: Any
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = run.main([str(a) for a in argv])
        except SystemExit as e:  # argparse
            status = e.code
    return status, out.getvalue(), err.getvalue()


def one_line_error(status: int, err: str) -> str:
    assert status == 2, (status, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0] and "Traceback" not in err, err
    return lines[0]


# ---------------------------------------------------------------------- the default list
def test_the_default_list_is_the_assumed_behavioural_and_financial_parameters():
    names = default_names()
    for name in names:
        assert params.param_info(name)["provenance"] == "assumed"
        assert never_drawn(name) is None and table_range(name) is not None
    for kept in ("api_price_elasticity", "interest_rate", "momentum_share", "build_lag_months"):
        assert kept in names
    for left_out in (
        "plateau_growth",  # a definition
        "regime_window_months",
        "financing_constraints",  # a switch
        "open_cash_openai",  # opening values
        "other_income_oracle",
        "users_initial",
        "opening_capacity_gw",
        "amd_warrant_tranches",  # a signed term
        "milestone_investment_per_gw",  # reported, not assumed
    ):
        assert left_out not in names


def test_every_assumed_parameter_left_out_has_a_stated_reason_or_no_range():
    from params import PARAM_NAMES, param_info

    assumed = {n for n in PARAM_NAMES if param_info(n)["provenance"] == "assumed"}
    for name in assumed - set(default_names()):
        assert never_drawn(name) is not None or table_range(name) is None, name


# ---------------------------------------------------------------------- files and names
@pytest.mark.parametrize("scenario", params.preset_names())
def test_every_preset_has_a_usable_prior(scenario):
    prior = resolve_prior(None, scenario)
    own = set(params.load_preset(scenario).values)
    assert prior.dists
    for d in prior.dists:
        assert never_drawn(d.name) is None and d.reason
        assert d.name not in own  # what the preset sets itself is held
    if prior_path(scenario).is_file():  # shipped: the file matches the rule it was written by
        assert prior.fingerprint() == preset_prior(scenario).fingerprint()


def test_a_preset_without_a_prior_file_gets_the_default_rule(tmp_path, monkeypatch):
    folder = tmp_path / "scenarios"
    shutil.copytree(params.SCENARIO_DIR, folder)
    (folder / "zz-new.toml").write_text(
        'description = "a new preset"\nextends = "reported"\n[values]\n'
        'interest_rate = { value = 0.1, cite = "interest_rate" }\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(params, "SCENARIO_DIR", folder)
    assert not prior_path("zz-new").exists()
    prior = resolve_prior(None, "zz-new")
    assert "interest_rate" not in prior.names  # set by the preset: held
    assert "api_price_elasticity" in prior.names


def test_wide_is_the_tables_ranges_and_narrow_is_twenty_percent_clipped():
    wide = wide_prior("reported")
    assert wide.names == tuple(default_names())
    for d in wide.dists:
        assert (d.low, d.high) == table_range(d.name) and d.distribution == "uniform"
    values = params.Params.from_preset("reported").to_dict()
    narrow = {d.name: d for d in narrow_prior("reported").dists}
    for name in default_names():
        lo, hi = table_range(name) or (0, 0)
        v = values[name]
        if name not in narrow:  # held: 0, or a range of one point
            continue
        d = narrow[name]
        assert lo <= d.low < d.high <= hi
        assert d.low >= min(v * (1 - NARROW_SHARE), v * (1 + NARROW_SHARE)) - 1e-9
        assert d.high <= max(v * (1 - NARROW_SHARE), v * (1 + NARROW_SHARE)) + 1e-9
    assert "vendor_credit_share" not in narrow  # 0 in reported: held
    assert narrow["interest_rate"].low == pytest.approx(0.048)


def test_named_and_unknown_priors():
    with pytest.raises(PriorError, match="fitted priors are not built yet"):
        resolve_prior("fitted@2025-10", "reported")
    with pytest.raises(PriorError, match="not a named prior"):
        resolve_prior("wider", "reported")


# ---------------------------------------------------------------------- malformed priors
GOOD = (
    '[params.interest_rate]\ndistribution = "uniform"\nlow = 0.02\nhigh = 0.1\n'
    'reason = "bank debt"\n'
)
BAD = {
    "unknown parameter": (
        GOOD.replace("interest_rate", "interest_rat"),
        "params.interest_rat: unknown parameter (did you mean interest_rate",
    ),
    "range outside the allowed range": (
        GOOD.replace("high = 0.1", "high = 1.5"),
        "params.interest_rate.high = 1.5 is outside the parameter's allowed range",
    ),
    "unknown distribution": (
        GOOD.replace('"uniform"', '"normal"'),
        "params.interest_rate.distribution: unknown distribution 'normal'",
    ),
    "low above high": (
        GOOD.replace("low = 0.02", "low = 0.2"),
        "params.interest_rate: low must be below high",
    ),
    "triangular without mode": (
        GOOD.replace('"uniform"', '"triangular"'),
        "params.interest_rate.mode is missing",
    ),
    "mode outside the range": (
        GOOD.replace('"uniform"', '"triangular"') + "mode = 0.5\n",
        "params.interest_rate.mode = 0.5 must lie from low",
    ),
    "loguniform from 0": (
        GOOD.replace('"uniform"', '"loguniform"').replace("low = 0.02", "low = 0"),
        "params.interest_rate.low: a loguniform prior needs low above 0",
    ),
    "no reason": (GOOD.replace('reason = "bank debt"\n', ""), "params.interest_rate.reason"),
    "a string for a number": (
        GOOD.replace("low = 0.02", 'low = "0.02"'),
        "params.interest_rate.low must be a number",
    ),
    "a whole number drawn in halves": (
        '[params.build_lag_months]\ndistribution = "uniform"\nlow = 12.5\nhigh = 24\n'
        'reason = "x"\n',
        "params.build_lag_months.low: build_lag_months is a whole number",
    ),
    "a definition": (
        GOOD.replace("interest_rate", "plateau_growth"),
        "params.plateau_growth: plateau_growth is a definition",
    ),
    "a switch": (
        '[params.financing_constraints]\ndistribution = "uniform"\n'
        'low = 0\nhigh = 1\nreason = "x"\n',
        "financing_constraints is a switch",
    ),
    "an opening value": (
        GOOD.replace("interest_rate", "open_cash_openai"),
        "open_cash_openai is an opening value",
    ),
    "an unknown field": (GOOD + "sd = 1\n", "params.interest_rate.sd: unknown field"),
    "an unknown top-level key": ("draws = 3\n" + GOOD, "draws: unknown top-level key"),
    "bad TOML": (GOOD + "[params.x\n", "not valid TOML"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_malformed_prior_is_one_line_naming_file_and_key_exit_2(tmp_path, case):
    text, expected = BAD[case]
    path = tmp_path / "bad.prior.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "e.duckdb"
    status, _, err = cli(
        "ensemble", "--scenario", "seed", "--draws", 2, "--months", 2, "--prior", path,
        "--out", out,
    )  # fmt: skip
    line = one_line_error(status, err)
    assert str(path) in line and expected in line
    assert not out.exists()  # refused before any work


@pytest.mark.parametrize(
    "data,expected",
    [
        (b'description = "caf\xe9"\n', "not UTF-8 text (byte 0xe9"),
        ('description = "x"\n'.encode("utf-16"), "UTF-16 text"),
    ],
)
def test_a_prior_that_is_not_utf8_is_named(tmp_path, data, expected):
    path = tmp_path / "bad.toml"
    path.write_bytes(data)
    status, _, err = cli(
        "ensemble", "--scenario", "seed", "--draws", 2, "--prior", path, "--out",
        tmp_path / "e.duckdb",
    )  # fmt: skip
    line = one_line_error(status, err)
    assert str(path) in line and expected in line


def test_a_missing_prior_file_is_named(tmp_path):
    path = tmp_path / "none.toml"
    status, _, err = cli(
        "ensemble", "--scenario", "seed", "--draws", 2, "--prior", path, "--out",
        tmp_path / "e.duckdb",
    )  # fmt: skip
    assert f"{path}: no such file" in one_line_error(status, err)


@pytest.mark.parametrize("draws", ["0", "-3", "x", "1.5"])
def test_draws_below_one_is_exit_2(tmp_path, draws):
    status, _, err = cli(
        "ensemble", "--scenario", "seed", "--draws", draws, "--out", tmp_path / "e.duckdb"
    )
    assert "--draws" in one_line_error(status, err)
    assert not (tmp_path / "e.duckdb").exists()


def test_an_unknown_scenario_is_exit_2(tmp_path):
    status, _, err = cli(
        "ensemble", "--scenario", "nope", "--draws", 2, "--out", tmp_path / "e.duckdb"
    )
    assert "unknown scenario 'nope'" in one_line_error(status, err)


def test_a_prior_file_loads_with_all_three_distributions(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        'description = "three"\n' + GOOD
        + '[params.api_market_ceiling]\ndistribution = "loguniform"\nlow = 3\nhigh = 30\n'
        'reason = "x"\n'
        '[params.build_lag_months]\ndistribution = "triangular"\nlow = 12\nmode = 18\n'
        'high = 24\nreason = "x"\n',
        encoding="utf-8",
    )  # fmt: skip
    prior = load_prior_file(path)
    assert prior.names == ("api_market_ceiling", "build_lag_months", "interest_rate")
    assert [d.distribution for d in prior.dists] == ["loguniform", "triangular", "uniform"]


# ---------------------------------------------------------------------- draws
def test_draws_are_a_latin_hypercube_inside_each_range_and_repeatable():
    prior = wide_prior()
    a, b = prior.draw(20, 7), prior.draw(20, 7)
    assert a == b
    assert a != prior.draw(20, 8)
    for d in prior.dists:
        column = [row[d.name] for row in a]
        assert all(d.low <= x <= d.high for x in column)
        if d.integer:
            assert all(isinstance(x, int) for x in column)
        elif d.distribution == "uniform":  # one draw in each of the 20 strata
            strata = np.floor((np.array(column) - d.low) / (d.high - d.low) * 20)
            assert sorted(strata.astype(int).tolist()) == list(range(20))


@pytest.mark.parametrize(
    "dist",
    [
        Dist("x", "uniform", 2.0, 4.0, None, "r"),
        Dist("x", "loguniform", 1.0, 100.0, None, "r"),
        Dist("x", "triangular", 0.0, 1.0, 0.25, "r"),
    ],
)
def test_each_distribution_maps_quantiles_as_scipy_does(dist):
    from scipy import stats

    u = np.array([0.05, 0.5, 0.95])
    frozen = {
        "uniform": stats.uniform(2.0, 2.0),
        "loguniform": stats.loguniform(1.0, 100.0),
        "triangular": stats.triang(0.25, 0.0, 1.0),
    }[dist.distribution]
    assert np.allclose(dist.quantile(u), frozen.ppf(u))


def test_whole_numbers_give_each_value_its_share():
    d = Dist("n", "uniform", 1.0, 3.0, None, "r", integer=True)
    u = (np.arange(3000) + 0.5) / 3000
    values, counts = np.unique(d.quantile(u), return_counts=True)
    assert values.tolist() == [1, 2, 3] and counts.tolist() == [1000, 1000, 1000]


def test_draw_seeds_follow_from_the_root_seed():
    assert draw_seed(0, 5) == draw_seed(0, 5)
    assert len({draw_seed(0, i) for i in range(100)}) == 100
    assert draw_seed(1, 0) != draw_seed(0, 0)
    assert all(0 <= draw_seed(r, i) < 2**63 for r in (0, 2**63 - 1) for i in (0, 9))


def test_shipped_prior_files_name_their_reason_for_every_range():
    for path in sorted(Path(params.SCENARIO_DIR, "priors").glob("*.toml")):
        prior = load_prior_file(path)
        assert prior.description and all(d.reason for d in prior.dists), path
