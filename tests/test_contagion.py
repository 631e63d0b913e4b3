"""Solvency contagion: NEVA reference cases, input validation, properties, file round trip."""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from economy.contagion import (
    EISENBERG_NOE,
    EXANTE_EN_BLACKCOX_GBM,
    EXOGENOUS_RECOVERY,
    FURFINE,
    LINEAR_DEBTRANK,
    METHODS,
    STANDARD_METHODS,
    ContagionInputError,
    Network,
    contagion_file,
    load_cases,
    run_cases,
    solve,
)

REFERENCE_PATH = Path(__file__).parent / "data" / "contagion_cases.json"
REFERENCE = json.loads(REFERENCE_PATH.read_text(encoding="utf-8"))
REF_CASES = {case["id"]: case for case in REFERENCE["cases"]}
CASES = {case.id: case for case in load_cases(REFERENCE)}
REL = REFERENCE["tolerance"]["rel"]

REAL_FIELDS = (
    "equity_final",
    "relative_equity_loss",
    "relative_equity_loss_clipped",
    "borrower_valuation_final",
    "equity_after_round_1",
    "history",
    "total_equity_loss",
    "network_loss",
)
COMBOS = [
    pytest.param(case_id, method, id=f"{case_id}-{method}")
    for case_id, case in REF_CASES.items()
    for method in case["results"]
]


def assert_close(actual: Any, ref: Any, where: str) -> None:
    """Every real number within rel * max(1, |ref|); lists of the same shape."""
    if isinstance(ref, list):
        assert isinstance(actual, list), where
        assert len(actual) == len(ref), f"{where}: length {len(actual)} != {len(ref)}"
        for k, (a, r) in enumerate(zip(actual, ref, strict=True)):
            assert_close(a, r, f"{where}[{k}]")
    else:
        assert isinstance(actual, float), f"{where}: {actual!r} is not a float"
        assert abs(actual - ref) <= REL * max(1.0, abs(ref)), f"{where}: {actual!r} != {ref!r}"


def reference_result(case_id: str, method: str) -> dict[str, Any]:
    return REF_CASES[case_id]["results"][method]


def computed_result(case_id: str, method: str) -> dict[str, Any]:
    return CASES[case_id].solve(method).to_dict()


# --------------------------------------------------------------------------- reference cases
def test_reference_file_is_a_verbatim_copy_of_the_shared_one() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared" / "reference" / "contagion_cases.json"
    if not shared.exists():
        pytest.skip("shared reference directory not present in this checkout")
    assert json.loads(shared.read_text(encoding="utf-8")) == REFERENCE


def test_reference_file_has_eleven_cases_and_ex_ante_only_in_readme_example() -> None:
    assert len(CASES) == 11
    with_exante = [c.id for c in CASES.values() if EXANTE_EN_BLACKCOX_GBM in c.methods]
    assert with_exante == ["neva_cycle_readme_example"]


@pytest.mark.parametrize(("case_id", "method"), COMBOS)
def test_reference_real_numbers_match_within_tolerance(case_id: str, method: str) -> None:
    ours, ref = computed_result(case_id, method), reference_result(case_id, method)
    for name in REAL_FIELDS:
        assert_close(ours[name], ref[name], f"{case_id}/{method}/{name}")


@pytest.mark.parametrize(("case_id", "method"), COMBOS)
def test_reference_defaults_rounds_and_params_match_exactly(case_id: str, method: str) -> None:
    ours, ref = computed_result(case_id, method), reference_result(case_id, method)
    assert ours["defaulted"] == ref["defaulted"]
    assert ours["default_round"] == ref["default_round"]
    assert ours["rounds_to_fixed_point"] == ref["rounds_to_fixed_point"]
    assert ours["history_truncated"] == ref["history_truncated"]
    # Informational in the README, but a synchronous solver with NEVA's rule matches it.
    assert ours["n_iterations"] == ref["n_iterations"]
    assert ours["params"].keys() == ref["params"].keys()
    for key, value in ref["params"].items():
        if isinstance(value, list):
            assert_close(ours["params"][key], value, f"params.{key}")
        else:
            assert ours["params"][key] == pytest.approx(value, rel=REL)


@pytest.mark.parametrize(("case_id", "method"), COMBOS)
def test_result_dict_has_reference_keys_in_order(case_id: str, method: str) -> None:
    assert list(computed_result(case_id, method)) == list(reference_result(case_id, method))


def test_readme_example_debtrank_default_round_is_exact_because_sweep_one_hits_zero() -> None:
    # README caveat: A's equity after sweep 1 is exactly 0.0 under linear DebtRank. Every
    # number involved is dyadic (9.25 - 9 + 0.5 * 0.5 - 0.5), so any summation order gives
    # exactly 0.0, and "E <= 0" counts it as the default round.
    res = CASES["neva_cycle_readme_example"].solve(LINEAR_DEBTRANK)
    assert res.history[1][0] == 0.0
    assert res.default_round == {"A": 1}


def test_exante_defaults_derive_sigma_asset_from_book_equity() -> None:
    case = CASES["neva_cycle_readme_example"]
    derived = solve(case.network, case.shock, EXANTE_EN_BLACKCOX_GBM).to_dict()
    ref = reference_result("neva_cycle_readme_example", EXANTE_EN_BLACKCOX_GBM)
    assert derived["params"]["rho"] == 0.6
    assert derived["params"]["sigma_equity"] == 0.2
    assert_close(derived["params"]["sigma_asset"], ref["params"]["sigma_asset"], "sigma_asset")
    assert_close(derived["equity_final"], ref["equity_final"], "equity_final")


def test_exogenous_recovery_defaults_to_rho_0_4() -> None:
    case = CASES["neva_chain_cascade"]
    res = solve(case.network, case.shock, EXOGENOUS_RECOVERY)
    assert res.params == {"rho": 0.4}
    assert_close(
        res.to_dict()["equity_final"],
        reference_result("neva_chain_cascade", EXOGENOUS_RECOVERY)["equity_final"],
        "equity_final",
    )


def test_direct_and_amplified_loss_split_the_ai_web_loss() -> None:
    res = CASES["ai_web_base_openai_minus50"].solve(FURFINE)
    assert res.direct_loss == 80.0
    assert res.amplified_loss == pytest.approx(185.5)
    assert res.direct_loss + res.amplified_loss == pytest.approx(res.total_equity_loss)


def test_long_debtrank_history_is_truncated_to_ten_sweeps() -> None:
    res = CASES["neva_cycle_distress_C"].solve(LINEAR_DEBTRANK)
    assert res.history.shape == (11, 3)
    assert res.history_truncated
    assert res.n_iterations == 43


# --------------------------------------------------------------------------- solve() API
def small_network() -> Network:
    ref = REF_CASES["neva_chain_distress_C"]
    return Network(
        nodes=ref["nodes"],
        external_assets=ref["external_assets"],
        external_liabilities=ref["external_liabilities"],
        interbank_matrix=ref["interbank_matrix"],
    )


def test_shock_by_node_name_equals_shock_by_position() -> None:
    net = small_network()
    by_name = solve(net, {"C": 0.3}, LINEAR_DEBTRANK)
    by_position = solve(net, [0.0, 0.0, 0.3], LINEAR_DEBTRANK)
    np.testing.assert_array_equal(by_name.equity_final, by_position.equity_final)


def test_no_shock_leaves_a_solvent_network_at_face_value() -> None:
    net = small_network()
    for method in METHODS:
        res = solve(net, None, method)
        if method == EXANTE_EN_BLACKCOX_GBM:
            # Forward-looking: claims are worth less than face value even without a shock.
            assert np.all(res.equity_final < net.equity_initial + 1e-12)
        else:
            np.testing.assert_allclose(res.equity_final, net.equity_initial, rtol=1e-12)
            assert res.network_loss == pytest.approx(0.0, abs=1e-12)


def test_network_arrays_are_read_only() -> None:
    net = small_network()
    with pytest.raises(ValueError, match="read-only"):
        net.interbank_matrix[0, 1] = 5.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"interbank_matrix": [[0, 1], [0, 0]]}, "interbank_matrix", id="matrix"),
        pytest.param({"external_assets": [1, -1, 1]}, "external_assets", id="negative"),
        pytest.param({"nodes": ["A", "A", "C"]}, "nodes", id="duplicate-node"),
    ],
)
def test_network_constructor_rejects_bad_fields(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {
        "nodes": ["A", "B", "C"],
        "external_assets": [1, 1, 1],
        "external_liabilities": [0, 0, 0],
        "interbank_matrix": np.zeros((3, 3)),
    } | kwargs
    with pytest.raises(ContagionInputError, match=f"network: field '{field}'"):
        Network(**args)


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        pytest.param(lambda n: solve(n, None, "debtrank"), "one of furfine", id="method"),
        pytest.param(lambda n: solve(n, {"Z": 1.0}, FURFINE), "unknown node 'Z'", id="node"),
        pytest.param(lambda n: solve(n, [0, 0, 9.0], FURFINE), "field 'shock'", id="too-big"),
        pytest.param(lambda n: solve(n, None, FURFINE, rho=0.4), "'rho' is not", id="param"),
        pytest.param(
            lambda n: solve(n, None, EXOGENOUS_RECOVERY, rho=1.5), "between 0 and 1", id="rho"
        ),
        pytest.param(
            lambda n: solve(n, None, FURFINE, max_iterations=0), "max_iterations", id="maxiter"
        ),
    ],
)
def test_solve_rejects_bad_arguments(call: Any, needle: str) -> None:
    with pytest.raises(ContagionInputError, match=needle):
        call(small_network())


def test_running_out_of_sweeps_warns_and_flags_non_convergence() -> None:
    case = CASES["neva_cycle_distress_C"]
    with pytest.warns(RuntimeWarning, match="without meeting"):
        res = case.solve(LINEAR_DEBTRANK, max_iterations=5)
    assert not res.converged
    assert res.n_iterations == 5


def test_converged_solve_issues_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert CASES["neva_cycle_distress_C"].solve(LINEAR_DEBTRANK).converged


# --------------------------------------------------------------------------- case files
def base_case() -> dict[str, Any]:
    return copy.deepcopy(REF_CASES["neva_chain_distress_C"])


def set_path(obj: dict[str, Any], path: str, value: Any) -> None:
    *head, last = path.split(".")
    for key in head:
        obj = obj[key]
    obj[last] = value


CASE_MALFORMATIONS = [
    ("interbank_matrix", [[0, 0.5, 0], [0, 0, 0.5]], "interbank_matrix", "got 2 rows"),
    ("interbank_matrix", [[0, 0.5, 0], [0, 0], [0, 0, 0]], "interbank_matrix", "row 1"),
    ("interbank_matrix", [[0, -0.5, 0], [0, 0, 0.5], [0, 0, 0]], "interbank_matrix", "[0][1]"),
    ("interbank_matrix", [[1, 0.5, 0], [0, 0, 0.5], [0, 0, 0]], "interbank_matrix", "diagonal"),
    ("interbank_matrix", "none", "interbank_matrix", "n x n matrix"),
    ("external_assets", [10.0, 5.0], "external_assets", "3 finite numbers >= 0"),
    ("external_assets", [10.0, "5", 3.0], "external_assets", "'5' at position 1"),
    ("external_assets", [10.0, float("nan"), 3.0], "external_assets", "position 1"),
    ("external_liabilities", [9.0, -4.0, 2.0], "external_liabilities", "-4.0 at position 1"),
    ("external_liabilities", [9.0, True, 2.0], "external_liabilities", "true at position 1"),
    ("nodes", ["A", "B", "B"], "nodes", "'B' twice"),
    ("nodes", [], "nodes", "non-empty list of unique strings"),
    ("nodes", ["A", 2, "C"], "nodes", "2 at position 1"),
    ("shock", [0.0, 0.0, 0.3], "shock", "object with 'amounts'"),
    ("shock.amounts", [0.0, 0.3], "shock.amounts", "3 numbers"),
    ("shock.amounts", [0.0, -0.1, 0.3], "shock.amounts", "-0.1 at position 1"),
    ("shock.amounts", [0.0, 0.0, 3.5], "shock.amounts", "external assets"),
    ("shock.kind", "fraction", "shock.kind", "'external_assets_absolute'"),
    ("equity_initial", [0.5, 1.0, 1.5], "equity_initial", "consistent with the balance sheet"),
    ("interbank_liabilities_total", [0.5, 0.5, 0.0], "interbank_liabilities_total", "column"),
    ("results", [], "results", "an object keyed by method"),
    ("results.furfine.params", {"rho": 0.4}, "results.furfine.params.rho", "no parameters"),
    ("results.exogenous_recovery.params.rho", 1.4, "results.exogenous_recovery.params.rho", "0"),
]


@pytest.mark.parametrize(
    ("path", "value", "field", "needle"),
    [pytest.param(*m, id=f"{m[0]}-{i}") for i, m in enumerate(CASE_MALFORMATIONS)],
)
def test_malformed_case_field_is_rejected_naming_case_and_field(
    path: str, value: Any, field: str, needle: str
) -> None:
    case = base_case()
    set_path(case, path, value)
    with pytest.raises(ContagionInputError) as info:
        load_cases({"cases": [case]})
    message = str(info.value)
    assert message.startswith("case 'neva_chain_distress_C': ")
    assert f"field '{field}'" in message
    assert needle in message


def test_transposed_matrix_is_caught_by_the_equity_cross_check() -> None:
    case = base_case()
    case["interbank_matrix"] = np.array(case["interbank_matrix"]).T.tolist()
    with pytest.raises(ContagionInputError, match="field 'interbank_liabilities_total'"):
        load_cases({"cases": [case]})
    del case["interbank_liabilities_total"]
    with pytest.raises(ContagionInputError, match="field 'equity_initial'"):
        load_cases({"cases": [case]})


def test_unknown_method_in_results_is_rejected_listing_allowed_ones() -> None:
    case = base_case()
    case["results"]["debtrank_original"] = {"params": {}}
    with pytest.raises(ContagionInputError) as info:
        load_cases({"cases": [case]})
    message = str(info.value)
    assert "case 'neva_chain_distress_C': field 'results'" in message
    assert "'debtrank_original'" in message
    assert all(m in message for m in METHODS)


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        pytest.param(lambda c: c.pop("id"), "case #0: field 'id'", id="missing-id"),
        pytest.param(lambda c: c.update(id=7), "case #0: field 'id'", id="numeric-id"),
        pytest.param(
            lambda c: c.pop("external_assets"),
            "case 'neva_chain_distress_C': field 'external_assets' is missing",
            id="missing-field",
        ),
    ],
)
def test_case_without_usable_id_or_field_is_rejected(mutate: Any, needle: str) -> None:
    case = base_case()
    mutate(case)
    with pytest.raises(ContagionInputError, match=needle):
        load_cases({"cases": [case]})


def test_duplicate_case_ids_are_rejected_naming_the_second_case() -> None:
    with pytest.raises(ContagionInputError, match=r"case #1: field 'id' must be unique"):
        load_cases({"cases": [base_case(), base_case()]})


def test_case_that_is_not_an_object_is_rejected_by_index() -> None:
    with pytest.raises(ContagionInputError, match="case #1: must be a JSON object"):
        load_cases({"cases": [base_case(), "oops"]})


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        pytest.param([], "top level must be a JSON object", id="list"),
        pytest.param({"title": "x"}, "field 'cases' must be a list", id="no-cases"),
        pytest.param({"cases": {}}, "field 'cases' must be a list", id="cases-object"),
        pytest.param({"schema_version": 2, "cases": []}, "field 'schema_version'", id="ver"),
    ],
)
def test_malformed_top_level_is_rejected(data: Any, needle: str) -> None:
    with pytest.raises(ContagionInputError, match=needle):
        load_cases(data)


def test_invalid_json_file_is_rejected_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ContagionInputError, match=r"bad\.json.*not valid JSON"):
        load_cases(bad)


def test_case_without_shock_or_results_runs_standard_methods_with_zero_shock() -> None:
    case = base_case()
    del case["shock"], case["results"]
    (loaded,) = load_cases({"cases": [case]})
    assert loaded.methods == STANDARD_METHODS
    np.testing.assert_array_equal(loaded.shock, np.zeros(3))
    out = run_cases([loaded])
    assert list(out["cases"][0]["results"]) == list(STANDARD_METHODS)
    furfine = out["cases"][0]["results"][FURFINE]
    assert furfine["equity_final"] == case["equity_initial"]


def test_run_cases_with_explicit_methods_overrides_the_files_list() -> None:
    out = run_cases(load_cases(REFERENCE), methods=[EISENBERG_NOE])
    assert [c["id"] for c in out["cases"]] == list(REF_CASES)
    assert all(list(c["results"]) == [EISENBERG_NOE] for c in out["cases"])


def test_run_cases_rejects_unknown_method_names() -> None:
    with pytest.raises(ContagionInputError, match="field 'methods'"):
        run_cases(load_cases(REFERENCE), methods=["furfine", "contagion"])


def test_contagion_file_round_trip_reproduces_reference(tmp_path: Path) -> None:
    out_path = tmp_path / "out" / "results.json"
    returned = contagion_file(REFERENCE_PATH, out_path)
    written = json.loads(out_path.read_text(encoding="utf-8"))
    assert written == returned
    assert written["schema_version"] == 1
    assert [c["id"] for c in written["cases"]] == list(REF_CASES)
    for case in written["cases"]:
        ref_results = REF_CASES[case["id"]]["results"]
        assert list(case["results"]) == list(ref_results)
        for method, ours in case["results"].items():
            ref = ref_results[method]
            for name in REAL_FIELDS:
                assert_close(ours[name], ref[name], f"{case['id']}/{method}/{name}")
            for name in ("defaulted", "default_round", "rounds_to_fixed_point"):
                assert ours[name] == ref[name]


# --------------------------------------------------------------------------- properties
def quarters(high: int) -> st.SearchStrategy[float]:
    """Multiples of 0.25: keeps every exposure well above the 1e-13 stopping threshold."""
    return st.integers(0, 4 * high).map(lambda k: k / 4)


@st.composite
def networks_and_shocks(draw: st.DrawFn) -> tuple[Network, np.ndarray, np.ndarray]:
    n = draw(st.integers(2, 5))
    ext_a = np.array(draw(st.lists(quarters(20), min_size=n, max_size=n)))
    ext_l = np.array(draw(st.lists(quarters(20), min_size=n, max_size=n)))
    matrix = np.array(draw(st.lists(quarters(5), min_size=n * n, max_size=n * n))).reshape(n, n)
    np.fill_diagonal(matrix, 0.0)
    frac = np.array(draw(st.lists(st.integers(0, 8), min_size=n, max_size=n))) / 8
    extra = np.array(draw(st.lists(st.integers(0, 8), min_size=n, max_size=n))) / 8
    small = ext_a * frac
    large = np.minimum(ext_a, small + ext_a * extra)
    return Network(tuple(f"n{i}" for i in range(n)), ext_a, ext_l, matrix), small, large


def slack(x: np.ndarray) -> np.ndarray:
    """Floating-point room: sweep 1 may differ from E0 - s in the last bits."""
    return 1e-9 * np.maximum(1.0, np.abs(x))


@settings(max_examples=150, deadline=None)
@given(networks_and_shocks())
def test_equities_never_rise_above_post_shock_face_value(
    sample: tuple[Network, np.ndarray, np.ndarray],
) -> None:
    net, shock, _ = sample
    start = net.equity_initial - shock
    for method in METHODS:
        res = solve(net, shock, method)
        assert res.converged
        assert np.all(res.equity_final <= start + slack(start)), method
        # Sweeps are monotone: every equity is non-increasing from one sweep to the next.
        assert np.all(np.diff(res.history, axis=0) <= slack(res.history[1:])), method


@settings(max_examples=150, deadline=None)
@given(networks_and_shocks())
def test_valuations_stay_between_zero_and_one(
    sample: tuple[Network, np.ndarray, np.ndarray],
) -> None:
    net, shock, _ = sample
    for method in METHODS:
        v = solve(net, shock, method).borrower_valuation_final
        assert np.all((v >= 0.0) & (v <= 1.0)), method


@settings(max_examples=150, deadline=None)
@given(networks_and_shocks())
def test_method_ordering_debtrank_worst_then_furfine_then_recovery_methods(
    sample: tuple[Network, np.ndarray, np.ndarray],
) -> None:
    # Pointwise V_DR(E) = clip(E/E0) <= 1{E>0} = V_F(E) <= V_EN(E), V_rho(E). All maps are
    # monotone and start from E0 - s, so by induction every sweep (and the limit) keeps
    # E_DR <= E_F <= E_EN, E_rho, node by node.
    net, shock, _ = sample
    eq = {m: solve(net, shock, m).equity_final for m in STANDARD_METHODS}
    furfine = eq[FURFINE]
    assert np.all(eq[LINEAR_DEBTRANK] <= furfine + slack(furfine))
    assert np.all(furfine <= eq[EISENBERG_NOE] + slack(furfine))
    assert np.all(furfine <= eq[EXOGENOUS_RECOVERY] + slack(furfine))
    debtrank_loss = solve(net, shock, LINEAR_DEBTRANK).total_equity_loss
    furfine_loss = solve(net, shock, FURFINE).total_equity_loss
    assert debtrank_loss >= furfine_loss - 1e-9 * max(1.0, abs(furfine_loss))


@settings(max_examples=150, deadline=None)
@given(networks_and_shocks())
def test_larger_shock_never_leaves_anyone_better_off(
    sample: tuple[Network, np.ndarray, np.ndarray],
) -> None:
    net, small, large = sample
    for method in METHODS:
        e_small = solve(net, small, method).equity_final
        e_large = solve(net, large, method).equity_final
        assert np.all(e_large <= e_small + slack(e_small)), method


def test_node_with_negative_book_equity_reports_null_relative_loss(tmp_path: Path) -> None:
    # B owes more than it owns before any shock: it is insolvent at round 0, DebtRank
    # values claims on it at 0 like any defaulter, and its relative loss is undefined.
    case = {
        "id": "insolvent_b",
        "nodes": ["A", "B"],
        "external_assets": [10.0, 1.0],
        "external_liabilities": [5.0, 2.0],
        "interbank_matrix": [[0.0, 1.0], [0.0, 0.0]],
    }
    in_path = tmp_path / "in.json"
    in_path.write_text(json.dumps({"cases": [case]}), encoding="utf-8")
    out = contagion_file(in_path, tmp_path / "out.json")
    debtrank = out["cases"][0]["results"][LINEAR_DEBTRANK]
    assert debtrank["defaulted"] == ["B"]
    assert debtrank["default_round"] == {"B": 0}
    assert debtrank["relative_equity_loss"][1] is None
    assert debtrank["borrower_valuation_final"][1] == 0.0
    assert debtrank["equity_final"] == [5.0, -2.0]
