"""Claims with odds (issue 24, item 3): every outcome the docs state, recomputed.

The slow test recomputes every claim of ``claims.toml`` on its ensemble and checks that
it holds (a stated probability inside the 95% Wilson interval of the recomputed share; a
direction with the interval's lower bound at 90% or more; a change's direction over
paired draws as stated) and that the tables in docs/scenarios.md and docs/model.md are
the ones the claims give. The fast tests check the rules on
constructed draws: a planted stated value outside its interval fails, a weak direction
fails, and a malformed claims file is one message naming the claim and the key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ensemble.claims import (
    CLAIMS_FILE,
    DOCS_FILE,
    MODEL_DOCS_FILE,
    MULT_BEGIN,
    MULT_END,
    Claim,
    ClaimsError,
    docs_block,
    docs_block_in,
    evaluate,
    evaluate_versus,
    load_claims,
    multipliers_block,
    run_ensemble_rows,
    run_multiplier_tables,
    run_versus_pairs,
    versus_block,
    versus_blocks,
    versus_markers,
    write_stated,
)


def _rows(n_default: int, n: int) -> list[dict]:
    return [{"default_month_openai": 40 if i < n_default else None} for i in range(n)]


def test_a_planted_stated_value_outside_its_interval_fails():
    rows = {("reported", "own"): _rows(60, 200)}
    good = Claim("a", "reported", "own", "app_defaults", 0.30, False)
    planted = Claim("b", "reported", "own", "app_defaults", 0.45, False)
    r_good, r_planted = evaluate([good, planted], rows)
    assert r_good.share == pytest.approx(0.30) and r_good.holds
    assert not r_planted.holds


def test_a_direction_needs_the_lower_bound_at_ninety_percent():
    claim = Claim("d", "reported", "own", "app_defaults", None, True)
    (strong,) = evaluate([claim], {("reported", "own"): _rows(196, 200)})
    (weak,) = evaluate([claim], {("reported", "own"): _rows(185, 200)})  # 92.5%, bound < 0.9
    assert strong.holds and not weak.holds


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "claims.toml"
    path.write_text("draws = 10\n" + body, encoding="utf-8")
    return path


def _entry(**keys: str) -> str:
    base = {"id": '"x"', "preset": '"reported"', "outcome": '"app_defaults"', "stated": "0.5"}
    base.update(keys)
    return "[[claims]]\n" + "".join(f"{k} = {v}\n" for k, v in base.items() if v)


@pytest.mark.parametrize(
    "body, words",
    [
        (_entry(outcome='"nope"'), "outcome"),
        (_entry(preset='"nope"'), "preset"),
        (_entry(stated="1.5"), "stated"),
        (_entry(direction="true"), "either"),
        (_entry() + _entry(), "'id'"),
        (_entry(prior='"tight"'), "prior"),
        ("", "at least one"),
        (_entry() + '[multipliers]\npresets = ["nope"]\ndraws = 5\n', "preset"),
        (_entry() + '[multipliers]\npresets = ["nortel"]\ndraws = 0\n', "draws"),
        (_entry() + '[multipliers]\npresets = ["nortel"]\ndraws = 5\nx = 1\n', "unknown"),
    ],
)
def test_a_malformed_claims_file_names_the_claim_and_the_key(tmp_path, body, words):
    with pytest.raises(ClaimsError) as e:
        load_claims(_write(tmp_path, body))
    assert words in str(e.value) and "claims.toml" in str(e.value)


def test_measure_writes_the_recomputed_share_as_the_stated_value(tmp_path):
    path = _write(
        tmp_path,
        '[[claims]]\nid = "a"\npreset = "reported"\nprior = "own"\noutcome = "app_defaults"\n'
        "stated = 0.0\n\n"
        '[[claims]]\nid = "b"\npreset = "reported"\nprior = "own"\noutcome = "app_defaults"\n'
        "direction = true\n",
    )
    cf = load_claims(path)
    results = evaluate(cf.claims, {("reported", "own"): _rows(3, 10)})
    write_stated(path, results)
    again = load_claims(path)
    assert again.claims[0].stated == pytest.approx(0.3) and again.claims[1].direction
    block = docs_block(again, evaluate(again.claims, {("reported", "own"): _rows(3, 10)}))
    assert "| `reported` | own | 30% (" in block


@pytest.mark.slow
def test_every_claim_the_docs_state_holds_and_the_docs_quote_the_file():
    cf = load_claims(CLAIMS_FILE)
    rows = {
        key: run_ensemble_rows(*key, cf.draws, cf.months, cf.root_seed) for key in cf.ensembles()
    }
    results = evaluate(cf.claims, rows)
    failed = [
        (r.claim.id, r.claim.stated, round(r.share, 3), round(r.low, 3), round(r.high, 3))
        for r in results
        if not r.holds
    ]
    assert not failed, failed
    assert all(r.high - r.low <= 0.14 for r in results if not r.claim.direction)
    assert docs_block_in(DOCS_FILE) == docs_block(cf, results)
    versus = evaluate_versus(cf, run_versus_pairs(cf))
    wrong = [(v.claim.id, v.claim.direction, v.found) for v in versus if not v.holds]
    assert not wrong, wrong
    for block in versus_blocks(versus):
        in_docs = docs_block_in(MODEL_DOCS_FILE, *versus_markers(block))
        assert in_docs == versus_block(cf, versus, block), block
    assert cf.multiplier_presets  # the loop multipliers of docs/model.md §7.17
    tables = run_multiplier_tables(cf)
    in_docs = docs_block_in(MODEL_DOCS_FILE, MULT_BEGIN, MULT_END)
    assert in_docs == multipliers_block(cf, tables)
