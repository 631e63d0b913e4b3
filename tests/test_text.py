"""Text as data (text/): both languages for every key, the same placeholders, every event kind.

The event-log part runs each preset and renders every event the page would show, in
English and in Traditional Chinese, from the typed events (no sentence is parsed).
"""

import html
import re
from collections import Counter

import pytest

from economy.observation import EVENT_TEMPLATES, REASON_TEMPLATES, DefaultReason, EventKind
from economy.observation.columns import PLAUSIBLE_BOUNDS
from economy.regimes import Regime, RegimeClassifier
from model import AIBubbleModel
from params import preset_names
from text import EN, LANGS, PHRASES, TEXT, ZH, has, placeholders, tr
from text.catalogue import FILES, TextError, load
from viz.components.banner import regime_thresholds
from viz.components.events import event_row, model_events_html
from viz.components.parties import labels

CJK = re.compile("[\u4e00-\u9fff]")


def test_every_key_has_both_languages_with_the_same_placeholders():
    assert len(TEXT) > 250
    for key, entry in TEXT.items():
        assert set(entry) == set(LANGS), key
        assert placeholders(entry[EN]) == placeholders(entry[ZH]), key


def test_the_names_of_things_differ_between_the_languages():
    for key, entry in TEXT.items():
        if key.startswith(("knob_", "regime_", "ev_", "flow_", "group_", "sector_", "event_")):
            assert entry[EN] != entry[ZH], key


def test_a_missing_translation_or_a_key_defined_twice_is_refused(tmp_path):
    one = tmp_path / "a.toml"
    one.write_text('[title]\nen = "Title"\n', encoding="utf-8")
    with pytest.raises(TextError, match=r"a.toml: \[title\] must have exactly en and zh-TW"):
        load((one,))
    two = tmp_path / "b.toml"
    two.write_text('[title]\nen = "T"\nzh-TW = "標題"\n', encoding="utf-8")
    with pytest.raises(TextError, match="defined twice"):
        load((two, two))
    assert set(load(FILES)[0]) == set(TEXT)


def test_every_event_kind_and_default_reason_has_a_template_in_both_languages():
    for lang in LANGS:
        assert set(EVENT_TEMPLATES[lang]) == set(EventKind)
        assert set(REASON_TEMPLATES[lang]) == set(DefaultReason)
    for kind in EventKind:
        assert has(f"event_{kind.value}") and has(f"ev_{kind.log_kind}"), kind


def test_every_phrase_the_model_writes_into_events_is_translated():
    for bound in PLAUSIBLE_BOUNDS:
        for english in (bound.what, bound.unit, bound.reason):
            assert english in PHRASES, english


def test_regime_texts_name_exactly_the_classifiers_thresholds():
    thresholds = regime_thresholds(RegimeClassifier())
    assert set(thresholds) == {
        "window",
        "persist",
        "plateau_growth",
        "rising_min_runway",
        "stalling_max_runway",
    }
    named: set[str] = set()
    for regime in Regime:
        for lang in LANGS:
            named |= placeholders(tr(f"regime_{regime.value}_doc", lang))
    named |= placeholders(tr("regime_pending", EN)) - {"raw", "n"}
    assert named == set(thresholds)  # a new threshold needs words, and no text invents one
    stalling = tr(f"regime_{Regime.STALLING}_doc", EN, **thresholds)
    assert "still burning cash" in stalling  # economy/regimes.py's burn condition


def _runs():
    """Each preset at two seeds, and three runs for the rarer kinds of event."""
    for preset in preset_names():
        for seed in (1, 42):
            m = AIBubbleModel(rng=seed, preset=preset)
            m.run_for(120)
            yield preset, m
    # only CoreWeave may take contracts: it cannot finance them all (no cloud can finance)
    m = AIBubbleModel(rng=1, preset="seed", weight_oracle=0, weight_microsoft=0, weight_amazon=0)
    m.run_for(24)
    yield "one cloud", m
    # compute need compounding past any plausible capacity (a quantity beyond its bound)
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
    yield "explosive", m
    # lenders lend 40% of a cloud's assets: construction waits, is prepaid or cancelled
    m = AIBubbleModel(rng=1, preset="reported", leverage_limit=0.4, max_build_wait_months=6)
    m.run_for(96)
    yield "tight credit", m


@pytest.mark.slow
def test_every_event_of_every_preset_renders_in_both_languages_as_the_page_shows_it():
    kinds: Counter[EventKind] = Counter()
    reasons: Counter[DefaultReason] = Counter()
    for preset, m in _runs():
        names = {lang: labels(m, lang) for lang in LANGS}
        for e in m.observation.events:
            kinds[e.kind] += 1
            if e.kind is EventKind.DEFAULT:
                reasons[e.fields["reason"]] += 1
            en = html.unescape(event_row(e, EN, names[EN]))
            zh = html.unescape(event_row(e, ZH, names[ZH]))
            assert e.row()["text"] in en, (preset, e)  # the English is the event log's own
            for row in (en, zh):
                assert "{" not in row and "}" not in row, (preset, row)
            assert CJK.search(zh.split('class="aiv-ev-text">')[1]), (preset, zh)
        page_en, page_zh = model_events_html(m, EN), model_events_html(m, ZH)
        assert page_en.count("<li") == page_zh.count("<li") == min(300, len(m.observation.events))
    assert set(kinds) == set(EventKind), kinds
    assert set(reasons) == set(DefaultReason), reasons


def _literal_keys() -> set[tuple[str, str]]:
    """(file, key) of every tr("key", ...) and word("key", ...) with a literal key."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    found = set()
    for path in [*root.glob("viz/**/*.py"), *root.glob("lessons/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in ("tr", "word") or not node.args:
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                key = arg.value if node.func.id == "tr" else f"claim_{arg.value}"
                found.add((path.name, key))
    return found


def test_every_literal_key_the_view_and_the_lessons_ask_for_exists():
    keys = _literal_keys()
    assert len(keys) > 100
    assert [(file, key) for file, key in sorted(keys) if not has(key)] == []
