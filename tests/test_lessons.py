"""Lessons: files validate, claims hold, both languages are complete, errors name the field.

Every lesson's claim is checked on several seeds (runs are shared through one cache, so each
preset and knob runs once per seed); a malformed lesson or glossary file must be refused
with a message that starts with the file name and names the field.
"""

import re
import textwrap
from pathlib import Path

import pytest

from lessons import (
    CHANGED_RUN,
    EN,
    LANGS,
    PRESET_RUN,
    ZH,
    LessonError,
    describe_result,
    evaluate,
    load_glossary,
    load_lesson,
    load_lessons,
)
from lessons.claims import column_stat, compare, run_one, window_months
from lessons.loader import GLOSSARY_FILE, LESSON_DIR, Quantity, Window
from params import PARAM_NAMES, preset_names

SEEDS = (1, 2, 3, 42)  # 42 is the live view's default seed
CJK = re.compile("[\u4e00-\u9fff]")
LESSONS, ERRORS = load_lessons(strict=False)
RUNS: dict = {}  # runs shared by every lesson and seed of this file (each runs once)

# The lessons the issue asks for, by file: (preset, knob).
EXPECTED = {
    "01-one-dollar": ("seed", "milestone_investment_per_gw"),
    "02-leaking-engine": ("seed", "capex_per_gw"),
    "03-stalling-engine": ("seed", "paid_growth_decay"),
    "04-replay-of-2000": ("nortel", "vendor_credit_share"),
    "05-dominoes": ("nortel", "rental_demand_spend"),
    "06-optimistic-case": ("soft-landing", "market_size_users"),
    "07-dashboard": ("reported", "gpu_cost_per_flop_halving"),
    "08-read-the-units": ("reported", "paid_growth_decay"),
    "09-milestones-or-commitments": ("reported", "milestone_investment_per_gw"),
}
GLOSSARY_MUST_HAVE = (
    "vendor_financing",
    "take_or_pay",
    "backlog",
    "runway",
    "warrant",
    "debtrank",
    "circularity",
    "bass_diffusion",
    "milestone_tranche",
    "stock_flow_consistency",
)


# ---------------------------------------------------------------------- the shipped lessons
def test_every_lesson_file_validates():
    assert ERRORS == []
    lessons, errors = load_lessons(strict=True)
    assert errors == []
    assert set(EXPECTED) <= {lesson.id for lesson in lessons}  # the nine the issue asks for
    assert [lesson.order for lesson in lessons] == sorted({lesson.order for lesson in lessons})


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda x: x.id)
def test_lesson_runs_the_preset_and_one_knob(lesson):
    if lesson.id in EXPECTED:
        assert (lesson.preset, lesson.knob) == EXPECTED[lesson.id]
    assert lesson.preset in preset_names() and lesson.knob in PARAM_NAMES
    assert lesson.overrides(PRESET_RUN) == {}
    assert lesson.overrides(CHANGED_RUN) == {lesson.knob: lesson.value}
    assert 1 <= lesson.months <= 120
    assert 1 <= lesson.answer <= len(lesson.words(EN).choices)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda x: x.id)
def test_lesson_claim_holds_on_several_seeds(lesson):
    failures = []
    for seed in SEEDS:
        outcome = evaluate(lesson, seed, cache=RUNS)
        for result in outcome.results:
            if not result.holds:
                what, left, right = describe_result(result, EN)
                failures.append(f"seed {seed}: {what}: measured {left}, against {right}")
    assert failures == [], f"{lesson.path.name}: the claim does not hold:\n" + "\n".join(failures)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda x: x.id)
def test_lesson_has_every_text_in_both_languages(lesson):
    en, zh = lesson.words(EN), lesson.words(ZH)
    assert set(lesson.text) == set(LANGS)
    assert len(en.choices) == len(zh.choices) >= 2
    assert len(en.try_) >= 1 and len(zh.try_) >= 1
    for field in ("title", "question", "notice", "explanation", "claim"):
        assert getattr(en, field) != getattr(zh, field), field
        assert CJK.search(getattr(zh, field)), f"{lesson.id}: zh-TW {field} is not in Chinese"
        assert not CJK.search(getattr(en, field).replace("億", "")), f"{lesson.id}: en {field}"
    for choice in zh.choices + zh.try_:
        assert CJK.search(choice), choice


def test_every_term_a_lesson_uses_is_in_the_glossary_in_both_languages():
    glossary = load_glossary()
    used = {t for lesson in LESSONS for t in lesson.terms}
    assert used <= set(glossary)
    assert set(glossary) <= used, f"glossary entries no lesson uses: {set(glossary) - used}"
    assert set(GLOSSARY_MUST_HAVE) <= set(glossary)
    for key, entry in glossary.items():
        assert set(entry.term) == set(entry.text) == set(LANGS), key
        assert CJK.search(entry.text[ZH]), key
        assert entry.text[EN] != entry.text[ZH], key


def test_lesson_8_explains_the_units_of_35_percent_and_uses_the_reported_preset():
    lesson = next(x for x in LESSONS if x.id == "08-read-the-units")
    assert lesson.preset == "reported"
    en, zh = lesson.words(EN), lesson.words(ZH)
    for text in (en.explanation, zh.explanation):
        assert "251.7%" in text and "35%" in text and "232%" in text and "1.35^4" in text
    assert "quarter" in en.explanation and "year" in en.explanation
    assert "季" in zh.explanation and "年" in zh.explanation
    assert pytest.approx(2.32, abs=0.01) == 1.35**4 - 1  # 35% a quarter, compounded


def test_lesson_9_compares_the_milestone_rule_with_the_commitments():
    lesson = next(x for x in LESSONS if x.id == "09-milestones-or-commitments")
    assert lesson.knob == "milestone_investment_per_gw"
    assert "commitment_limit_to_valuation" in lesson.runs["commitments"]


# ---------------------------------------------------------------------- claim arithmetic
def test_column_statistics_skip_missing_values_and_find_months():
    values = [3.0, float("nan"), 1.0, None, 4.0, 0.5]
    months = range(6)
    assert column_stat(values, months, "max") == 4.0
    assert column_stat(values, months, "min") == 0.5
    assert column_stat(values, months, "sum") == pytest.approx(8.5)
    assert column_stat(values, months, "mean") == pytest.approx(8.5 / 4)
    assert column_stat(values, months, "first") == 3.0
    assert column_stat(values, months, "last") == 0.5
    assert column_stat(values, range(0, 3), "growth") == pytest.approx(1.0 / 3.0 - 1.0)
    assert column_stat(values, months, "first_month_below", 2.0) == 2
    assert column_stat(values, months, "first_month_above", 3.5) == 4
    assert column_stat(values, months, "first_month_below", 0.1) is None
    assert column_stat([None, float("nan")], range(2), "max") is None


def test_comparisons_treat_never_as_a_value_of_its_own():
    assert compare(None, "==", "none") and not compare(None, "!=", "none")
    assert compare(29, "!=", "none") and not compare(29, "==", "none")
    assert compare("collapse", "==", "collapse") and not compare("plateau", "==", "collapse")
    assert not compare(None, "<", 10) and not compare(None, ">", 10)
    assert compare(5, "within", 7, 2) and not compare(5, "within", 8, 2)
    assert compare(36, "between", (36, 47)) and not compare(48, "between", (36, 47))


def test_windows_follow_the_first_default():
    run = run_one("seed", {}, 42, 40, cache=RUNS)
    fd = run.first_default_month
    assert fd is not None
    assert window_months(Window("before_first_default"), run, 40) == range(fd)
    assert window_months(Window("at_first_default"), run, 40) == range(fd, fd + 1)
    assert window_months(Window("from_first_default"), run, 40) == range(fd, 40)
    assert window_months(Window("months", 12, 23), run, 40) == range(12, 24)


# ---------------------------------------------------------------------- malformed files
GOOD = textwrap.dedent(
    """\
    order = 1
    answer = 1
    watch = "chart_gw"
    terms = ["runway"]

    [setup]
    preset = "seed"
    knob = "paid_growth_decay"
    value = 0.0
    months = 24
    show = "changed"

    [[checks]]
    left = { run = "preset", column = "users_m", stat = "max", window = { year = 2024 } }
    op = ">"
    right = 0.0

    [en]
    title = "A test lesson"
    question = "What happens?"
    choices = ["This", "That"]
    notice = "Look."
    explanation = "Because."
    try = ["Something else."]
    claim = "Users exist."

    [zh-TW]
    title = "測試課程"
    question = "會發生什麼？"
    choices = ["這個", "那個"]
    notice = "看。"
    explanation = "因為。"
    try = ["試試別的。"]
    claim = "有用戶。"
    """
)

MALFORMED = [
    # (what is changed, replace this, with this, the field the message must name)
    ("not TOML", "order = 1", "order = = 1", "not valid TOML"),
    ("unknown top field", "order = 1", "order = 1\ntitel = 'x'", "titel: unknown field"),
    ("missing order", "order = 1\n", "", "order: missing"),
    ("missing language", "[zh-TW]", "[zh]", "zh: unknown field"),
    ("unknown preset", 'preset = "seed"', 'preset = "sead"', "setup.preset:"),
    ("unknown knob", 'knob = "paid_growth_decay"', 'knob = "paid_growth"', "setup.knob:"),
    ("knob out of range", "value = 0.0", "value = 7.0", "setup.knob: paid_growth_decay"),
    ("months too long", "months = 24", "months = 500", "setup.months:"),
    ("bad show", 'show = "changed"', 'show = "both"', "setup.show:"),
    ("unknown watch", 'watch = "chart_gw"', 'watch = "chart_users"', "watch:"),
    ("unknown term", 'terms = ["runway"]', 'terms = ["runaway"]', "terms[1]:"),
    ("answer out of range", "answer = 1", "answer = 3", "answer:"),
    ("unknown column", 'column = "users_m"', 'column = "users"', "checks[1].left.column:"),
    ("unknown stat", 'stat = "max"', 'stat = "maximum"', "checks[1].left.stat:"),
    ("missing stat", ', stat = "max"', "", "checks[1].left.stat: missing"),
    ("unknown run", 'run = "preset"', 'run = "other"', "checks[1].left.run:"),
    ("bad op", 'op = ">"', 'op = "=>"', "checks[1].op:"),
    ("word with <", "right = 0.0", 'right = "none"', "checks[1].right:"),
    ("window too late", "year = 2024", "year = 2026", "checks[1].left.window.year:"),
    ("summary with stat", 'column = "users_m"', 'summary = "peak_gw"', "checks[1].left.stat:"),
    ("no checks", "[[checks]]", "[[checkz]]", "checkz: unknown field"),
    ("too few choices", 'choices = ["這個", "那個"]', 'choices = ["這個"]', "zh-TW.choices:"),
    (
        "choices differ",
        'choices = ["這個", "那個"]',
        'choices = ["這個", "那個", "另一個"]',
        "zh-TW.choices: has 3 choices but en.choices has 2",
    ),
    ("empty text", 'notice = "看。"', 'notice = ""', "zh-TW.notice:"),
    ("missing text", 'claim = "有用戶。"\n', "", "zh-TW.claim: missing"),
    ("extra run", "[[checks]]", "[runs.x]\nfoo = 1\n\n[[checks]]", "runs.x.foo:"),
    ("unknown gauge", "right = 0.0", 'right = { band = "motor.danger" }', "checks[1].right.band:"),
    ("unknown band", "right = 0.0", 'right = { band = "gears.red" }', "checks[1].right.band:"),
    (
        "a middle band needs its edge",
        "right = 0.0",
        'right = { band = "gears.warning" }',
        "checks[1].right: the warning band of the gears gauge has two edges",
    ),
    (
        "an end band's open edge",
        "right = 0.0",
        'right = { band = "gears.danger", edge = "high" }',
        "checks[1].right: the danger band of the gears gauge has no high edge",
    ),
]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_test_lesson_is_valid(tmp_path):
    lesson = load_lesson(write(tmp_path, "good.toml", GOOD))
    assert lesson.id == "good" and lesson.words(ZH).title == "測試課程"
    outcome = evaluate(lesson, 1, cache=RUNS)
    assert outcome.holds


@pytest.mark.parametrize(("case", "old", "new", "field"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_lesson_names_the_file_and_the_field(tmp_path, case, old, new, field):
    assert old in GOOD, case
    path = write(tmp_path, "bad-lesson.toml", GOOD.replace(old, new, 1))
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    message = str(info.value)
    assert message.startswith("bad-lesson.toml: "), message
    assert field in message, message


def test_lessons_name_the_gauges_band_edges_instead_of_repeating_them(tmp_path):
    from economy.gauges import GAUGES, gauge
    from lessons.loader import BandEdge

    edges = {g.column: {upper for upper, _ in g.bands[:-1]} for g in GAUGES}
    named = 0
    for lesson in LESSONS:
        for c in lesson.checks:
            for q in (c.left, c.right):
                if isinstance(q, Quantity) and q.column in edges:
                    assert q.level not in edges[q.column], (lesson.id, c)
                    named += isinstance(q.level, BandEdge)
            if isinstance(c.left, Quantity) and c.left.column in edges:
                assert c.right not in edges[c.left.column], (lesson.id, c)
            named += isinstance(c.right, BandEdge)
    assert named >= 7  # lessons 3 and 7
    # an edge is read from the run: the fuel bands scale with the run's capex per GW
    text = GOOD.replace(
        'column = "users_m", stat = "max", window = { year = 2024 } }\nop = ">"\nright = 0.0',
        'column = "fuel_capex_per_compute", stat = "max" }\nop = "<"\n'
        'right = { band = "fuel.danger" }',
    )
    lesson = load_lesson(write(tmp_path, "fuel.toml", text))
    edge = lesson.checks[0].right
    assert edge == BandEdge("fuel", "danger", "low")
    outcome = evaluate(lesson, 1, cache=RUNS)
    run = outcome.runs["preset"]
    assert outcome.results[0].right == gauge("fuel", run.model.p).edge("danger", "low")
    assert outcome.results[0].right == run.model.p.capex_per_gw  # 1 x capex per GW
    what, _, _ = describe_result(outcome.results[0], EN)
    assert what.endswith("< Fuel · capex per unit of compute: danger band, lower edge"), what


def test_malformed_files_are_collected_when_not_strict(tmp_path):
    write(tmp_path, "a-good.toml", GOOD)
    write(tmp_path, "b-bad.toml", GOOD.replace("answer = 1", "answer = 0"))
    write(tmp_path, "c-same-order.toml", GOOD)
    lessons, errors = load_lessons(tmp_path, strict=False)
    assert [lesson.id for lesson in lessons] == ["a-good", "c-same-order"]
    assert any(e.startswith("b-bad.toml: answer:") for e in errors), errors
    assert any(e.startswith("c-same-order.toml: order:") for e in errors), errors
    with pytest.raises(LessonError, match=r"b-bad\.toml: answer"):
        load_lessons(tmp_path, strict=True)


def test_malformed_glossary_names_the_file_and_the_entry(tmp_path):
    path = write(
        tmp_path,
        "glossary.toml",
        '[runway]\nen.term = "Runway"\nen.text = "Months of cash."\n',
    )
    with pytest.raises(LessonError, match=r"glossary.toml: runway.zh-TW: missing"):
        load_glossary(path)


def test_shipped_files_are_where_the_loader_looks():
    assert GLOSSARY_FILE.is_file()
    assert len(list(LESSON_DIR.glob("*.toml"))) == len(LESSONS) + 1


def test_command_line_validates_and_checks(tmp_path, capsys):
    from lessons.__main__ import main, parse_seeds

    assert parse_seeds("0-2,42") == [0, 1, 2, 42]
    assert main([]) == 0
    assert f"{len(LESSONS)} lesson(s) valid, 0 invalid" in capsys.readouterr().out
    good = write(tmp_path, "good.toml", GOOD)
    assert main(["--check", "--seeds", "1", str(good)]) == 0
    assert "every claim holds" in capsys.readouterr().out
    bad = write(tmp_path, "bad.toml", GOOD.replace('op = ">"', 'op = "<"'))
    assert main(["--check", "--seeds", "1", str(bad)]) == 1
    assert "bad.toml: seed 1: FAILS: highest users_m in 2024" in capsys.readouterr().out
    broken = write(tmp_path, "broken.toml", GOOD.replace("months = 24", "months = 0"))
    assert main([str(broken)]) == 1
    assert "broken.toml: setup.months:" in capsys.readouterr().out


def test_a_fraction_is_shown_in_percent_as_the_charts_show_it():
    """Lesson 4's circularity check reads in %, as its text and the loop chart do."""
    (lesson,) = [x for x in LESSONS if x.path.name == "04-replay-of-2000.toml"]
    outcome = evaluate(lesson, 1, cache=RUNS)
    result = outcome.results[0]
    assert result.check.left.column == "circularity_nvidia_clouds"
    what, left, right = describe_result(result, EN)
    assert what.endswith("≥ 30%") and right == "30%", what
    assert isinstance(result.left, float)
    assert left.endswith("%") and float(left[:-1]) == pytest.approx(100 * result.left, abs=0.01)
