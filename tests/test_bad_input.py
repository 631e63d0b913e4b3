"""No bad input gets a traceback or a silent wrong result (issue 13).

Hypothesis takes a valid file of every input kind (a preset, a sweep file, a lesson, a
contagion network, a run record), breaks it (a field replaced by a hostile value, removed,
renamed, wrapped, nested hundreds deep; the file in UTF-16, with a stray byte, cut short,
or random bytes) and checks that the loader either refuses it with its own error, one
line naming the file, or accepts it with every value finite and in range. The command
line is then fed hostile options and output paths in-process (``run.main``): exit status
2 for bad input, 1 for a write that fails mid-way (a full disk, mocked), a one-line
message, no traceback, no partial output file. A few subprocess checks look at stderr as
a user sees it.

Every generated input is counted; the total is printed when the module ends.
"""

from __future__ import annotations

import contextlib
import copy
import errno
import io
import json
import math
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import fileio
import params
import run
from economy.contagion import MAX_AMOUNT, ContagionInputError, load_cases
from economy.dealbook import DealError, read_deals
from ensemble.claims import ClaimsError, load_claims
from ensemble.prior import PriorError, load_prior_file
from errors import InputError
from lessons.loader import BandEdge, LessonError, load_lesson
from params import CLOUDS, PARAM_FIELDS, Params, PresetError, load_preset_file
from records import RecordError, build_record, read_record
from schema import HORIZON_MONTHS
from sweep.designs import run_count
from sweep.spec import MAX_RUNS, SpecError, build_spec

ROOT = Path(__file__).resolve().parent.parent
COUNT: Counter[str] = Counter()
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same inputs on every CI run
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module", autouse=True)
def _report_count(request):
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    text = ", ".join(f"{k} {v}" for k, v in sorted(COUNT.items()))
    line = f"test_bad_input: {sum(COUNT.values())} generated inputs ({text})"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bad_input")


# ---------------------------------------------------------------------- a small TOML writer
def _key(k: Any) -> str:
    return json.dumps(str(k))


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # TOML basic strings take JSON's escapes
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


def _is_table_array(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


def toml_dumps(doc: dict[str, Any]) -> str:
    """TOML for plain data: scalars first, then [tables] and [[arrays of tables]]."""
    lines = [
        f"{_key(k)} = {_toml_value(v)}"
        for k, v in doc.items()
        if not isinstance(v, dict) and not _is_table_array(v)
    ]
    for k, v in doc.items():
        if isinstance(v, dict):
            lines.append(f"[{_key(k)}]")
            lines += [f"{_key(kk)} = {_toml_value(vv)}" for kk, vv in v.items()]
        elif _is_table_array(v):
            for item in v:
                lines.append(f"[[{_key(k)}]]")
                lines += [f"{_key(kk)} = {_toml_value(vv)}" for kk, vv in item.items()]
    return "\n".join(lines) + "\n"


def _drop_none(v: Any) -> Any:
    """TOML has no null: drop None values (a None at the top stands for a removed key)."""
    if isinstance(v, dict):
        return {k: _drop_none(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_drop_none(x) for x in v if x is not None]
    return v


# ---------------------------------------------------------------------- hostile values
HOSTILE_NUMBERS = [
    math.inf,
    -math.inf,
    math.nan,
    1e308,
    -1e308,
    1e300,
    1e16,
    5e-324,
    -0.0,
    10**400,
    -(10**400),
    2**63,
    2**64,
    -1,
    0,
    10**19,
]
HOSTILE_TEXT = [
    "",
    " ",
    "0.5",
    "1e3",
    "inf",
    "nan",
    "../../etc/passwd",
    "/etc/passwd",
    "x" * 20_000,
    "2024-13",
    "9999-01",
    "2200-01",
    "1999-12",
    "2123-12",
    "2124-01",
    "seed",
    "assumed",
    "oracle",
    "\u202e",
    "é",
]
HOSTILE_CONTAINERS = [[], {}, [1, 2], {"a": 1}, [[1]], {"value": 1}, ["a", "b"]]
hostile = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**600), max_value=10**600),
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=30),
    st.booleans(),
    st.sampled_from(HOSTILE_CONTAINERS),
    st.none(),
)


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a document: dict keys and list indices, depth first."""
    out = []
    items = (
        doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    )
    for k, v in items:
        out.append((*prefix, k))
        out += _paths(v, (*prefix, k))
    return out


def _nest(depth: int, leaf: Any, as_table: bool) -> Any:
    for _ in range(depth):
        leaf = {"k": leaf} if as_table else [leaf]
    return leaf


@st.composite
def mutated(draw, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` with one place broken: replaced, removed, renamed, wrapped or nested deep."""
    doc = copy.deepcopy(base)
    path = draw(st.sampled_from(_paths(doc)))
    parent = doc
    for k in path[:-1]:
        parent = parent[k]
    last = path[-1]
    op = draw(
        st.sampled_from(["replace", "replace", "replace", "remove", "rename", "wrap", "deep"])
    )
    if op == "replace":
        parent[last] = draw(hostile)
    elif op == "remove":
        if isinstance(parent, dict):
            del parent[last]
        else:
            parent.pop(last)
    elif op == "rename" and isinstance(parent, dict):
        parent[draw(st.text(min_size=1, max_size=12))] = parent.pop(last)
    elif op == "wrap":
        parent[last] = [parent[last]] if draw(st.booleans()) else {"value": parent[last]}
    else:
        depth = draw(st.sampled_from([17, 40, 300]))  # deeper: test_files_too_large_or_too_deep
        parent[last] = _nest(depth, 1, draw(st.booleans()))
    return doc


@st.composite
def corrupted(draw, text: str) -> bytes:
    """A valid file's text, broken as a file: encoding, a stray byte, cut short, NULs."""
    data = text.encode("utf-8")
    how = draw(st.sampled_from(["utf16", "utf32", "stray", "cut", "nul", "latin1", "bom+stray"]))
    at = draw(st.integers(min_value=0, max_value=len(data)))
    if how == "utf16":
        return text.encode("utf-16")
    if how == "utf32":
        return text.encode("utf-32")
    if how == "stray":
        return data[:at] + bytes([draw(st.sampled_from([0xFF, 0xFE, 0xC0, 0x80]))]) + data[at:]
    if how == "cut":
        return data[:at]
    if how == "nul":
        return data[:at] + b"\x00" + data[at:]
    if how == "latin1":
        return (text + "\n# café\n").encode("latin-1", errors="replace")
    return b"\xef\xbb\xbf" + data[:at] + b"\xff" + data[at:]


# ---------------------------------------------------------------------- checks
def check_refusal(e: Exception, name: str) -> None:
    """A refusal: one line, naming the file, no traceback text."""
    message = str(e)
    assert message and "\n" not in message, message
    assert "Traceback" not in message
    assert name in message, message
    assert len(message) < 3000


def in_range(name: str, value: Any) -> bool:
    m = PARAM_FIELDS[name].metadata
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return False
    high = value < m["hi"] if m["hi_open"] else value <= m["hi"]
    return m["lo"] <= value and high


def accept_preset(p: Any) -> None:
    assert isinstance(p.description, str) and p.description
    Params(**p.values)  # every value in range, together
    assert all(in_range(k, v) for k, v in p.values.items())
    for c in p.contracts:
        assert c.cloud in CLOUDS
        assert 0 <= c.signed < c.start < HORIZON_MONTHS
        assert 1 <= c.months <= PARAM_FIELDS["contract_term_months"].metadata["hi"]
        assert math.isfinite(c.value) and 0 < c.value <= params.CONTRACT_VALUE_MAX
        assert isinstance(c.cite, str)


def accept_spec(spec: Any) -> None:
    for f in spec.vary:
        values = f.levels if f.levels is not None else (f.lo, f.hi)
        assert all(in_range(f.name, v) for v in values), f
    assert all(in_range(name, v) for name, v in spec.fixed)
    assert 1 <= spec.months <= HORIZON_MONTHS and spec.replicates >= 1
    assert 0 <= spec.root_seed < 2**63
    assert run_count(spec)[1] <= MAX_RUNS
    if spec.design == "sobol":
        assert spec.samples >= 4 and not spec.samples & (spec.samples - 1)


def accept_lesson(lesson: Any) -> None:
    Params.from_preset(lesson.preset, **{lesson.knob: lesson.value})
    assert in_range(lesson.knob, lesson.value)
    for values in lesson.runs.values():
        Params.from_preset(lesson.preset, **values)
    assert 1 <= lesson.months <= 120
    defaults = Params.from_preset(lesson.preset)
    for c in lesson.checks:
        for q in (c.left, c.right):
            if hasattr(q, "times"):
                assert math.isfinite(q.times) and math.isfinite(q.plus)
                level = q.level.value(defaults) if isinstance(q.level, BandEdge) else q.level
                assert level is None or math.isfinite(level)
        if isinstance(c.right, BandEdge):  # a gauge's band edge: a known, finite number
            assert math.isfinite(c.right.value(defaults))
        if isinstance(c.right, float | tuple):
            assert all(
                math.isfinite(x) for x in (c.right if isinstance(c.right, tuple) else [c.right])
            )
        assert math.isfinite(c.tolerance) and c.tolerance >= 0


def accept_cases(cases: list[Any]) -> None:
    import numpy as np

    for case in cases:
        net = case.network
        assert 1 <= net.n <= 500
        for arr in (
            net.external_assets,
            net.external_liabilities,
            net.interbank_matrix,
            case.shock,
        ):
            assert np.isfinite(arr).all() and (arr >= 0).all() and (arr <= MAX_AMOUNT).all()
        assert (np.diag(net.interbank_matrix) == 0).all()
        assert (case.shock <= net.external_assets).all()
        for p in case.params.values():
            if "rho" in p:
                assert 0 <= p["rho"] <= 1


def accept_record(rec: dict[str, Any]) -> None:
    assert rec["seed"] is None or (isinstance(rec["seed"], int) and 0 <= rec["seed"] < 2**63)
    assert isinstance(rec["months"], int) and 1 <= rec["months"] <= HORIZON_MONTHS
    for name, value in rec["params"].items():
        assert name not in PARAM_FIELDS or in_range(name, value), (name, value)
    out = rec.get("output")
    assert out is None or (isinstance(out, str) and "/" not in out and out not in (".", ".."))
    sweep = rec.get("sweep")
    assert sweep is None or isinstance(sweep, dict)
    if sweep and sweep.get("run_id") is not None:
        assert isinstance(sweep["run_id"], int) and sweep["run_id"] >= 0


def accept_prior(prior: Any) -> None:
    for d in prior.dists:
        assert d.name in PARAM_FIELDS
        assert in_range(d.name, d.low) and in_range(d.name, d.high) and d.low <= d.high
        assert d.mode is None or (math.isfinite(d.mode) and d.low <= d.mode <= d.high)


def accept_claims(cf: Any) -> None:
    assert 1 <= cf.draws <= 100_000 and 1 <= cf.months <= 1200 and cf.root_seed >= 0
    for c in cf.claims:
        assert c.stated is None or 0.0 <= c.stated <= 1.0
        assert c.direction == (c.stated is None)
    for v in cf.versus:
        assert all(in_range(k, x) for k, x in v.overrides), v.overrides
    assert 0 <= cf.multiplier_draws <= 10_000


def accept_deals(rows: Any) -> None:
    for r in rows:
        assert isinstance(r.date, int) and 0 <= r.date < HORIZON_MONTHS + 1200
        for x in (r.gw, r.usd_bn, *(v for _, v in r.paid), *r.ramp):
            assert x is None or (math.isfinite(x) and 0.0 <= x <= 10_000.0), x
        for m in (r.start, r.lapses, r.term_months):
            assert m is None or (isinstance(m, int) and -1200 <= m <= HORIZON_MONTHS + 1200)


# ---------------------------------------------------------------------- the input kinds
def _deals_base() -> dict[str, Any]:
    import csv

    text = (ROOT / "data" / "deals.csv").read_text("utf-8")
    return {"rows": list(csv.DictReader(io.StringIO(text)))[:8]}


def _claims_base() -> dict[str, Any]:
    doc = _toml_base(ROOT / "claims.toml")
    return {**doc, "claims": doc["claims"][:4], "versus": doc["versus"][:2]}


def _csv_text(doc: Any) -> str:
    """A deal document as CSV: a header of every row's keys, one line per row."""
    import csv

    rows = doc.get("rows") if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        return str(doc)
    names: list[str] = []
    for r in rows:
        for k in r if isinstance(r, dict) else ():
            if str(k) not in names:
                names.append(str(k))
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(names)
    for r in rows:
        cells = [r.get(k) for k in names] if isinstance(r, dict) else [r]
        w.writerow(["" if c is None else str(c) for c in cells])
    return out.getvalue()


def _contagion_base() -> dict[str, Any]:
    data = json.loads((ROOT / "tests" / "data" / "contagion_cases.json").read_text("utf-8"))
    cases = []
    for case in data["cases"][:2]:
        case = {k: v for k, v in case.items() if k != "results"}
        case["results"] = {
            "furfine": {"params": {}},
            "exogenous_recovery": {"params": {"rho": 0.4}},
        }
        cases.append(case)
    return {"schema_version": 1, "cases": cases}


def _record_base(sweep: bool) -> dict[str, Any]:
    env = dict.fromkeys(("project_version", "git_commit", "git_dirty", "python_version"))
    rec = build_record(
        params=Params.from_preset("seed").to_dict(),
        seed=42,
        months=6,
        scenario="seed",
        summary={"peak_gw": 1.5, "worst_regime": "rising"},
        output=None if sweep else "x.csv",
        sweep={"store": "s.duckdb", "run_id": 3, "status": "ok", "error": None} if sweep else None,
        env=env,
    )
    return json.loads(json.dumps(rec))


def _toml_base(path: Path) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(path.read_text("utf-8"))


def _load_preset(path: Path) -> Any:
    return load_preset_file(path)


def _load_spec(path: Path) -> Any:
    return build_spec(spec_file=path)


KINDS: dict[str, dict[str, Any]] = {
    "preset": {
        "base": {**_toml_base(ROOT / "scenarios" / "reported.toml"), "extends": "seed"},
        "suffix": ".toml",
        "load": _load_preset,
        "error": PresetError,
        "accept": accept_preset,
    },
    "sweep file": {
        "base": _toml_base(ROOT / "sweeps" / "milestone-rule.toml"),
        "suffix": ".toml",
        "load": _load_spec,
        "error": SpecError,
        "accept": accept_spec,
    },
    "sobol sweep file": {
        "base": _toml_base(ROOT / "sweeps" / "sensitivity-sobol.toml"),
        "suffix": ".toml",
        "load": _load_spec,
        "error": SpecError,
        "accept": accept_spec,
    },
    "lesson": {
        "base": _toml_base(ROOT / "lessons" / "03-stalling-engine.toml"),
        "suffix": ".toml",
        "load": load_lesson,
        "error": LessonError,
        "accept": accept_lesson,
    },
    "contagion network": {
        "base": _contagion_base(),
        "suffix": ".json",
        "load": load_cases,
        "error": ContagionInputError,
        "accept": accept_cases,
    },
    "run record": {
        "base": _record_base(sweep=False),
        "suffix": ".run.json",
        "load": read_record,
        "error": RecordError,
        "accept": accept_record,
    },
    "sweep run record": {
        "base": _record_base(sweep=True),
        "suffix": ".run.json",
        "load": read_record,
        "error": RecordError,
        "accept": accept_record,
    },
    "prior": {
        "base": _toml_base(ROOT / "scenarios" / "priors" / "reported.toml"),
        "suffix": ".toml",
        "load": load_prior_file,
        "error": PriorError,
        "accept": accept_prior,
    },
    "claims file": {
        "base": _claims_base(),
        "suffix": ".toml",
        "load": load_claims,
        "error": ClaimsError,
        "accept": accept_claims,
    },
    "deal file": {
        "base": _deals_base(),
        "suffix": ".csv",
        "load": read_deals,
        "error": DealError,
        "accept": accept_deals,
    },
}


def dumps(kind: str, doc: Any) -> bytes:
    if KINDS[kind]["suffix"] == ".csv":
        return _csv_text(doc).encode("utf-8")
    if KINDS[kind]["suffix"] == ".toml":
        return toml_dumps(_drop_none(doc)).encode("utf-8")
    return json.dumps(doc, allow_nan=True).encode("utf-8")  # NaN/Infinity tokens included


def try_load(kind: str, path: Path) -> None:
    """Load ``path``: refused in one line naming the file, or accepted in range.

    A refusal must be the kind's own error; an acceptance must hold only finite, in-range
    values. Any other exception fails the test.
    """
    k = KINDS[kind]
    COUNT[kind] += 1
    try:
        result = k["load"](path)
    except k["error"] as e:
        check_refusal(e, path.name)
        return
    k["accept"](result)


def _write(folder: Path, kind: str, data: bytes) -> Path:
    path = folder / f"fuzz-{kind.replace(' ', '-')}{KINDS[kind]['suffix']}"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_unbroken_base_file_of_each_kind_loads(work, kind):
    path = _write(work, kind, dumps(kind, KINDS[kind]["base"]))
    KINDS[kind]["accept"](KINDS[kind]["load"](path))


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_broken_field_is_refused_in_one_line_or_accepted_in_range(work, kind):
    @FUZZ
    @given(doc=mutated(KINDS[kind]["base"]))
    def check(doc):
        try_load(kind, _write(work, kind, dumps(kind, doc)))

    check()


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_broken_file_is_refused_naming_the_file(work, kind):
    text = dumps(kind, KINDS[kind]["base"]).decode("utf-8")

    @settings(FUZZ, max_examples=40)
    @given(data=corrupted(text))
    def check(data):
        try_load(kind, _write(work, kind, data))

    check()


@pytest.mark.parametrize("kind", list(KINDS))
def test_random_bytes_are_refused_naming_the_file(work, kind):
    @settings(FUZZ, max_examples=25)
    @given(data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
    def check(data):
        try_load(kind, _write(work, kind, data))

    check()


@pytest.mark.parametrize("kind", list(KINDS))
def test_files_too_large_or_too_deep_are_refused_before_parsing(work, kind):
    COUNT[kind] += 2
    big = dumps(kind, KINDS[kind]["base"]) + b" " * (fileio.MAX_JSON_BYTES + 1)
    with pytest.raises(InputError) as e:
        KINDS[kind]["load"](_write(work, kind, big))
    check_refusal(e.value, f"fuzz-{kind.replace(' ', '-')}")
    assert "at most" in str(e.value)
    if KINDS[kind]["suffix"] == ".csv":
        return  # a table nests nothing
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    deep = b"x = " + deep if KINDS[kind]["suffix"] == ".toml" else deep
    with pytest.raises(InputError) as e:
        KINDS[kind]["load"](_write(work, kind, deep))
    assert "nested more than 16 levels" in str(e.value)


# ---------------------------------------------------------------------- the command line
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


def assert_one_line_error(status: int, err: str, expected: tuple[int, ...] = (2,)) -> None:
    assert status in expected, (status, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "error:" in lines[0] and "Traceback" not in err


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*"))


MONTHS = ["0", "-1", "1201", "100000", "9" * 30, "1e3", "12.5", "", " ", "nan", "0x10", "١٢٠٠٠"]
SEEDS = ["-1", "abc", str(2**63), "9" * 400, "1.5", ""]
SETS = ["paid_growth_decay=1.5", "paid_growth_decay=inf", "paid_growth_decay=nan", "bass_p=1e400",
        f"bass_p={'9' * 400}", "nope=1", "=1", "bass_p", "bass_p=", "bass_p=[1]"]  # fmt: skip


@pytest.mark.parametrize(
    "argv",
    [["--months", m] for m in MONTHS]
    + [["--seed", s] for s in SEEDS]
    + [["--set", x] for x in SETS]
    + [["--set", "bass_p=0.01", "--set", "bass_p=0.02"], ["--scenario", ""]]
    + [["--scenario", s] for s in ("../scenarios/seed", "/etc/passwd", "seed.toml", "x" * 5000)],
)
def test_run_refuses_bad_options_in_one_line_and_writes_nothing(tmp_path, argv):
    COUNT["command line"] += 1
    status, _, err = cli("run", "--months", "2", *argv, "--out", tmp_path / "o.csv")
    assert_one_line_error(status, err)
    assert files_in(tmp_path) == []


@st.composite
def sweep_argv(draw) -> list[str]:
    text = st.one_of(st.sampled_from([*MONTHS, *SEEDS, "4", "8", "2", "1"]), st.text(max_size=12))
    factor = st.one_of(
        st.sampled_from(
            [
                "0:0.9",
                "0.9:0",
                "0:1",
                "0:0.9:1000000000",
                "0:0.9:0",
                "a:b",
                "1,1",
                "0,0.5",
                "inf:1",
                "nan:1",
                "0:0.5:3",
                "1e400:2",
                "",
            ]
        ),
        st.text(max_size=12),
    )
    argv = ["sweep", "--vary", f"paid_growth_decay={draw(factor)}"]
    if draw(st.booleans()):
        name = draw(st.sampled_from(["paid_growth_decay", "bass_p", "nope"]))
        argv += ["--vary", f"{name}={draw(factor)}"]
    for option in ("--samples", "--replicates", "--months", "--root-seed", "--morris-levels"):
        if draw(st.booleans()):
            argv += [option, draw(text)]
    if draw(st.booleans()):
        argv += ["--design", draw(st.sampled_from(["grid", "lhs", "sobol", "morris", "", "x"]))]
    if draw(st.booleans()):
        argv += ["--set", f"leverage_limit={draw(text)}"]
    if draw(st.booleans()):
        argv += ["--scenario", draw(st.sampled_from(["seed", "", "none", "../x", "nope"]))]
    return argv


def _spec_of(argv: list[str]) -> Any:
    ns = run.build_parser().parse_args([*argv, "--out", "x.duckdb"])
    return build_spec(
        vary=ns.vary,
        fixed=ns.fixed,
        scenario=ns.scenario,
        design=ns.design,
        samples=ns.samples,
        replicates=ns.replicates,
        root_seed=ns.root_seed,
        months=ns.months,
        morris_levels=ns.morris_levels,
    )


def test_sweep_options_are_refused_in_one_line_or_accepted_in_range(work):
    out = work / "fuzz-sweep" / "s.duckdb"

    @settings(FUZZ, max_examples=200)
    @given(argv=sweep_argv())
    def check(argv):
        COUNT["command line"] += 1
        status, stdout, err = cli(*argv, "--out", out, "--dry-run")
        if status == 0:
            assert "dry run" in stdout and err == ""
            accept_spec(_spec_of(argv))
        else:
            assert_one_line_error(status, err)
        assert not out.exists()

    check()


def test_a_big_sweep_needs_large_and_states_the_time(tmp_path):
    COUNT["command line"] += 4
    out = tmp_path / "s.duckdb"
    big = ["sweep", "--vary", "paid_growth_decay=0:0.9", "--samples", "200000", "--out", out]
    status, _, err = cli(*big)
    assert_one_line_error(status, err)
    assert "200,000 runs" in err and "--large" in err and "hours" in err
    status, stdout, _ = cli(*big, "--dry-run")
    assert status == 0 and "hours on" in stdout
    status, _, err = cli(*big[:-4], "--samples", str(10**9), "--out", out, "--large")
    assert_one_line_error(status, err)
    grid = ["--vary", "paid_growth_decay=0:0.9:1000", "--vary", "bass_p=0:1:1000"]
    grid += ["--vary", "bass_q=0:10:2"]
    status, _, err = cli("sweep", *grid, "--design", "grid", "--out", out, "--large")
    assert_one_line_error(status, err)
    assert "2,000,000 runs" in err and "at most 1,000,000" in err
    assert not out.exists()


def test_a_big_ensemble_needs_large_and_states_the_time(tmp_path):
    COUNT["command line"] += 3
    out = tmp_path / "e.duckdb"
    for argv, runs in (
        (["ensemble", "--scenario", "reported", "--draws", "200000", "--out", out], "200,000"),
        (
            [
                "ensemble-versus",
                "--scenario",
                "reported",
                "--draws",
                "60000",
                "--set",
                "revolver_limit=0",
            ],
            "120,000",
        ),
        (["multipliers", "--scenario", "reported", "--draws", "30000"], "150,000"),
    ):
        status, _, err = cli(*argv, "--workers", "2")
        assert_one_line_error(status, err)
        assert f"{runs} runs" in err and "--large" in err and "on 2 workers" in err, err
    assert not out.exists()


# ---------------------------------------------------------------------- output paths
def _full_disk(monkeypatch) -> None:
    """Every output write stores some bytes, then fails as a full disk does."""

    def write(fd, data):
        os.write(fd, bytes(data[: max(1, len(data) // 2)]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio, "_os_write", write)


@pytest.fixture(scope="module")
def cli_output(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli_output")
    assert cli("run", "--months", "3", "--out", folder / "x.csv")[0] == 0
    return folder


def _writers(tmp: Path, cli_output: Path) -> dict[str, tuple[list[Any], Path]]:
    """Each command that writes a file, with the file it writes."""
    net = ROOT / "tests" / "data" / "contagion_cases.json"
    record = cli_output / "x.csv.run.json"
    run2 = ["run", "--months", "2"]
    return {
        "run --out": ([*run2, "--out", tmp / "o.csv"], tmp / "o.csv"),
        "run --out parquet": ([*run2, "--out", tmp / "o.parquet"], tmp / "o.parquet"),
        "run --events": ([*run2, "--events", tmp / "e.csv"], tmp / "e.csv"),
        "contagion --out": (["contagion", net, "--out", tmp / "c.json"], tmp / "c.json"),
        "replay --write-record": (
            ["replay", record, "--write-record", tmp / "r.json"],
            tmp / "r.json",
        ),
    }


WRITERS = [
    "run --out",
    "run --out parquet",
    "run --events",
    "contagion --out",
    "replay --write-record",
]


@pytest.mark.parametrize("writer", WRITERS)
def test_a_full_disk_exits_1_and_leaves_no_partial_file(tmp_path, cli_output, monkeypatch, writer):
    COUNT["output path"] += 1
    argv, target = _writers(tmp_path, cli_output)[writer]
    _full_disk(monkeypatch)
    status, _, err = cli(*argv)
    assert_one_line_error(status, err, expected=(1,))
    assert "no space left" in err and str(target) in err
    assert files_in(tmp_path) == []  # neither the file nor a temporary one


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    COUNT["output path"] += 1
    target = tmp_path / "o.csv"
    target.write_text("the previous run\n", encoding="utf-8")
    _full_disk(monkeypatch)
    status, _, err = cli("run", "--months", "2", "--out", target)
    assert_one_line_error(status, err, expected=(1,))
    assert target.read_text(encoding="utf-8") == "the previous run\n"
    assert files_in(tmp_path) == ["o.csv"]


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("where", ["under a file", "onto a folder", "read-only folder"])
def test_an_output_path_that_cannot_be_written_exits_2_before_any_work(
    tmp_path, cli_output, monkeypatch, writer, where
):
    COUNT["output path"] += 1
    argv, target = _writers(tmp_path / "w", cli_output)[writer]
    (tmp_path / "w").mkdir()
    if where == "under a file":
        (tmp_path / "w" / "f").write_text("a file")
        bad = tmp_path / "w" / "f" / target.name
    elif where == "onto a folder":
        bad = tmp_path / "w" / ("d" + target.suffix)
        bad.mkdir()
    else:  # root ignores permissions, so the refusal of the file system is mocked
        bad = target
        real_open = os.open

        def refuse(path, flags, mode=0o777, **kw):
            if Path(path).parent == tmp_path / "w" and flags & os.O_CREAT:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, flags, mode, **kw)

        monkeypatch.setattr(os, "open", refuse)
    argv = [bad if a == target else a for a in argv]
    before = files_in(tmp_path)
    status, stdout, err = cli(*argv)
    assert_one_line_error(status, err)
    assert "Months in each regime" not in stdout  # refused before the run
    assert files_in(tmp_path) == before


def test_analyze_on_a_full_disk_exits_1_and_leaves_no_file(tmp_path, monkeypatch):
    import pandas as pd

    COUNT["output path"] += 2
    store = tmp_path / "s.duckdb"
    base = ["sweep", "--vary", "paid_growth_decay=0:0.9", "--samples", "4", "--months", "12"]
    assert cli(*base, "--workers", "1", "--no-progress", "--out", store)[0] == 0
    real = pd.DataFrame.to_csv

    def half_then_full(self, path=None, **kw):
        if path is None:
            return real(self, **kw)
        Path(path).write_text(real(self, **kw)[:50])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_full)
    out = tmp_path / "a"
    status, _, err = cli("analyze", store, "--out", out)
    assert_one_line_error(status, err, expected=(1,))
    assert "no space left" in err and files_in(out) == []
    (tmp_path / "f").write_text("a file")
    status, _, err = cli("analyze", store, "--out", tmp_path / "f")
    assert_one_line_error(status, err)


def test_a_sweep_store_on_a_full_disk_exits_1_keeping_the_runs(tmp_path, monkeypatch):
    """DuckDB reports a full disk through a failed rollback (seen on a 1 MiB tmpfs)."""
    import duckdb

    import sweep.runner

    COUNT["output path"] += 2

    def full(*args, **kwargs):
        try:
            raise duckdb.TransactionException(
                'Failed to commit: Could not write file "s.duckdb.wal": No space left on device'
            )
        except duckdb.TransactionException:
            raise duckdb.TransactionException("cannot rollback - no transaction is active")  # noqa: B904

    monkeypatch.setattr(sweep.runner, "run_sweep", full)
    base = ["sweep", "--vary", "paid_growth_decay=0:0.9", "--samples", "4"]
    status, _, err = cli(*base, "--out", tmp_path / "s.duckdb")
    assert_one_line_error(status, err, expected=(1,))
    assert "No space left" in err and "resume" in err
    (tmp_path / "f").write_text("a file")
    status, _, err = cli(*base, "--out", tmp_path / "f" / "s.duckdb")
    assert_one_line_error(status, err)


# ---------------------------------------------------------------------- files through the CLI
BAD_PRESETS = {
    "cite-list": 'description = "x"\n[values]\nbass_p = { value = 0.01, cite = ["a"] }\n',
    "cite-table": 'description = "x"\n[values]\nbass_p = { value = 0.01, cite = { a = 1 } }\n',
    "numeric-string": 'description = "x"\n[values]\nbass_p = { value = "0.01", cite = "bass_p" }\n',
    "utf16": None,
    "stray-byte": None,
    "deep": "description = 'x'\nx = " + "[" * 3000 + "]" * 3000 + "\n",
    "inf-contract": 'description = "x"\n[[contracts]]\ncloud = "oracle"\nsigned = "2025-01"\n'
    'start = "2026-01"\nmonths = 12\nvalue = inf\ncite = "assumed"\nreason = "r"\n',
    "far-future": 'description = "x"\n[[contracts]]\ncloud = "oracle"\nsigned = "9999-01"\n'
    'start = "9999-02"\nmonths = 12\nvalue = 1.0\ncite = "assumed"\nreason = "r"\n',
    "long-term": 'description = "x"\n[[contracts]]\ncloud = "oracle"\nsigned = "2025-01"\n'
    'start = "2026-01"\nmonths = 5000000\nvalue = 1.0\ncite = "assumed"\nreason = "r"\n',
    "stakes": 'description = "x"\n[values]\nmicrosoft_stake_in_openai = { value = 0.9, cite = '
    '"microsoft_stake_in_openai" }\nequity_funds_stake_in_openai = { value = 0.9, cite = '
    '"equity_funds_stake_in_openai" }\n',
}  # fmt: skip


@pytest.mark.parametrize("bad", list(BAD_PRESETS))
def test_one_bad_preset_never_breaks_the_listing_of_the_others(tmp_path, monkeypatch, bad):
    COUNT["command line"] += 3
    folder = tmp_path / "scenarios"
    shutil.copytree(params.SCENARIO_DIR, folder)
    path = folder / "zz-bad.toml"
    text = BAD_PRESETS[bad]
    if bad == "utf16":
        path.write_bytes('description = "x"\n'.encode("utf-16"))
    elif bad == "stray-byte":
        path.write_bytes(b'description = "caf\xe9"\n')
    else:
        path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(params, "SCENARIO_DIR", folder)
    status, stdout, err = cli("scenarios")
    assert_one_line_error(status, err)
    assert "zz-bad.toml" in err
    good = [n for n in params.preset_names() if n != "zz-bad"]
    for name in good:
        assert f"{name} " in stdout and params.load_preset(name).description in stdout
    assert "zz-bad" in stdout and "cannot be used" in stdout
    for argv in (["params", "--scenario", "zz-bad"], ["run", "--scenario", "zz-bad"]):
        status, _, err = cli(*argv)
        assert_one_line_error(status, err)


def test_replay_never_opens_a_path_written_in_the_record(tmp_path, cli_output):
    COUNT["command line"] += 6
    rec = json.loads((cli_output / "x.csv.run.json").read_text("utf-8"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(cli_output / "x.csv", elsewhere / "x.csv")
    for output in ["/etc/passwd", "../x.csv", str(elsewhere / "x.csv"), "x.txt", ""]:
        path = tmp_path / "r.run.json"
        path.write_text(json.dumps({**rec, "output": output}), encoding="utf-8")
        status, _, err = cli("replay", path)
        assert_one_line_error(status, err)
        assert "field 'output'" in err
    # a record's sweep.store is a note: replay compares with the summary in the record
    trap = tmp_path / "trap.duckdb"
    trap.write_bytes(b"not a store")
    sweep_rec = {**rec, "output": None, "sweep": {"store": str(trap), "run_id": 0, "status": "ok"}}
    path = tmp_path / "s.run.json"
    path.write_text(json.dumps(sweep_rec), encoding="utf-8")
    status, stdout, err = cli("replay", path)
    assert status == 0 and stdout.strip() == "identical", err
    # ... or with an output the user names
    status, stdout, _ = cli("replay", path, "--against", elsewhere / "x.csv")
    assert status == 0 and stdout.strip() == "identical"


def test_a_contagion_file_with_extreme_numbers_is_refused(tmp_path):
    base = _contagion_base()
    for value in ("1e308", "1" + "0" * 400, "-1e308", "NaN", "Infinity", "1e400"):
        COUNT["command line"] += 1
        doc = copy.deepcopy(base)
        doc["cases"][0]["external_assets"][0] = "@@"
        text = json.dumps(doc).replace('"@@"', value)
        (tmp_path / "n.json").write_text(text, encoding="utf-8")
        status, _, err = cli("contagion", tmp_path / "n.json", "--out", tmp_path / "o.json")
        assert_one_line_error(status, err)
        assert "n.json" in err
        assert not (tmp_path / "o.json").exists()


# ---------------------------------------------------------------------- as a user sees it
@pytest.mark.parametrize(
    "argv",
    [
        ["run.py", "run", "--months", "100000"],
        ["run.py", "contagion", "DEEP", "--out", "OUT"],
        ["run.py", "sweep", "--spec", "UTF16", "--out", "STORE"],
        ["-m", "lessons", "--seeds", "0-1000000000"],
    ],
)
def test_no_traceback_in_a_subprocess(tmp_path, argv):
    COUNT["command line"] += 1
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    utf16 = tmp_path / "s.toml"
    utf16.write_bytes("[vary]\nbass_p = '0:1'\n".encode("utf-16"))
    names = {
        "DEEP": deep,
        "OUT": tmp_path / "o.json",
        "UTF16": utf16,
        "STORE": tmp_path / "s.duckdb",
    }
    argv = [str(names.get(a, a)) for a in argv]
    r = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep.json", "s.toml"]
