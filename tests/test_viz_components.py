"""The live view's parts without a browser: solara.render and the pure SVG/HTML builders."""

import html
import re
from typing import Any

import ipyvuetify as v
import pytest
import solara
import solara.widgets

from model import AIBubbleModel
from params import PARAM_NAMES, Params, param_info
from text import EN, LANGUAGES, ZH, money, tr
from viz.app import Page
from viz.components.books import books_html, flow_matrix_html
from viz.components.charts import chart_svgs
from viz.components.controls import knob_tooltip
from viz.components.gauges import gauges_for, gauges_html
from viz.components.network import network_svg
from viz.session import KNOBS, Simulation, format_value, knob_names

REQUIRED_KNOBS = (
    "milestone_investment_per_gw",
    "milestone_investment_cap",
    "paid_growth_decay",
    "inference_price_decline",
    "capex_per_gw",
)


@pytest.fixture
def page():
    _, rc = solara.render(Page(), handle_error=False)
    yield rc
    rc.close()


def html_with(rc, marker: str) -> str:
    for w in rc.find(solara.widgets.HTML).widgets:
        if marker in (w.unsafe_innerHTML or ""):
            return w.unsafe_innerHTML
    raise AssertionError(f"no HTML widget contains {marker!r}")


def month_of(rc) -> int:
    html = html_with(rc, 'data-testid="month-counter"')
    found = re.search(r'data-month="(\d+)"', html)
    assert found is not None, "no month counter"
    return int(found.group(1))


def button(rc, label: str):
    return rc.find(v.Btn, children=[label]).widget


def field(rc, label: str):
    return rc.find(v.TextField, label=label).widget


def commit(widget, text: str) -> None:
    """Type ``text`` and press Enter, as a user would."""
    widget.v_model = text
    widget.fire_event("keyup.enter", None)


def set_language(rc, code: str) -> None:
    """Pick a language on the toggle (a click on its button does this in the browser)."""
    rc.find(v.BtnToggle).widget.v_model = list(LANGUAGES).index(code)


def select(rc, label: str):
    return rc.find(v.Select, label=label).widget


# ---------------------------------------------------------------------- page
def test_page_shows_every_control(page):
    for label in ("Play", "Step 1 month", "Reset", "English", "繁體中文"):
        button(page, label)
    for name in REQUIRED_KNOBS:
        w = field(page, tr(f"knob_{name}", EN))
        assert float(w.v_model) == pytest.approx(getattr(AIBubbleModel(rng=0).p, name))
        assert w.suffix  # the unit
    field(page, "Random seed")
    assert select(page, "Scenario preset").v_model == "seed"
    assert select(page, "Speed (months per second)").v_model == 4
    assert month_of(page) == 0


def test_step_advances_the_month_and_the_panels(page):
    button(page, "Step 1 month").click()
    assert month_of(page) == 1
    button(page, "Step 1 month").click()
    assert month_of(page) == 2
    assert "Feb 2024" in html_with(page, 'data-testid="month-counter"')
    charts = html_with(page, 'class="aiv-charts"')
    assert charts.count("<svg") == 7
    assert "2024" in charts


def test_reset_goes_back_to_month_zero(page):
    for _ in range(3):
        button(page, "Step 1 month").click()
    assert month_of(page) == 3
    button(page, "Reset").click()
    assert month_of(page) == 0


def test_preset_change_resets_the_run(two_presets):
    first, second = two_presets

    def shown(preset: str) -> str:
        return format_value(Params.from_preset(preset).milestone_investment_per_gw)

    _, rc = solara.render(Page(), handle_error=False)
    try:
        for _ in range(3):
            button(rc, "Step 1 month").click()
        assert month_of(rc) == 3
        select(rc, "Scenario preset").v_model = second
        assert month_of(rc) == 0
        knob = field(rc, tr("knob_milestone_investment_per_gw", EN))
        assert knob.v_model == shown(second)  # the new preset's values replace the knobs
        button(rc, "Step 1 month").click()
        select(rc, "Scenario preset").v_model = first
        assert month_of(rc) == 0
        assert field(rc, tr("knob_milestone_investment_per_gw", EN)).v_model == shown(first)
    finally:
        rc.close()


def test_out_of_range_value_shows_the_model_message_and_does_not_crash(page):
    button(page, "Step 1 month").click()
    knob = field(page, tr("knob_milestone_investment_per_gw", EN))
    commit(knob, "5000")
    knob = field(page, tr("knob_milestone_investment_per_gw", EN))
    assert knob.error
    message = " ".join(knob.messages)
    assert tr("knob_milestone_investment_per_gw", EN) in message  # the knob's own label
    assert "milestone_investment_per_gw" not in message  # not the internal name
    assert "from 0 to 1000" in message  # the allowed range
    assert month_of(page) == 1  # the run goes on with the last good values
    button(page, "Step 1 month").click()
    assert month_of(page) == 2
    commit(knob, "2")  # a good value clears the message and starts a new run
    knob = field(page, tr("knob_milestone_investment_per_gw", EN))
    assert not knob.error
    assert month_of(page) == 0


def test_text_that_is_not_a_number_is_rejected(page):
    knob = field(page, tr("knob_capex_per_gw", EN))
    commit(knob, "lots")
    assert "must be a number" in " ".join(field(page, tr("knob_capex_per_gw", EN)).messages)
    seed = field(page, "Random seed")
    commit(seed, "-3")
    assert field(page, "Random seed").error


def test_a_new_seed_starts_a_new_run(page):
    button(page, "Step 1 month").click()
    commit(field(page, "Random seed"), "7")
    assert month_of(page) == 0
    assert not field(page, "Random seed").error


def test_language_switch_changes_every_control_label(page):
    set_language(page, ZH)
    for label in ("播放", "前進一個月", "重設"):
        button(page, label)
    for name in REQUIRED_KNOBS:
        field(page, tr(f"knob_{name}", ZH))
    field(page, "隨機種子")
    select(page, "情境預設")
    assert "尚未模擬" in html_with(page, 'data-testid="month-counter"')
    with pytest.raises(ValueError, match="Expected 1 match"):
        button(page, "Play")
    set_language(page, EN)
    button(page, "Play")


def test_a_model_error_is_shown_and_reset_recovers(page, monkeypatch):
    from model import AIBubbleModel as Model

    def broken(self):
        raise RuntimeError("ledger out of balance")

    monkeypatch.setattr(Model, "step", broken)
    button(page, "Reset").click()  # Mesa binds step when the model is built
    button(page, "Step 1 month").click()
    errors = [w for w in page.find(v.Alert).widgets if "ledger out of balance" in str(w.children)]
    assert errors
    monkeypatch.undo()
    button(page, "Reset").click()
    button(page, "Step 1 month").click()
    assert month_of(page) == 1


def test_two_pages_are_two_simulations():
    _, a = solara.render(Page(), handle_error=False)
    _, b = solara.render(Page(), handle_error=False)
    try:
        for _ in range(2):
            button(a, "Step 1 month").click()
        assert month_of(a) == 2
        assert month_of(b) == 0
        button(b, "Step 1 month").click()
        assert (month_of(a), month_of(b)) == (2, 1)
    finally:
        a.close()
        b.close()


# ---------------------------------------------------------------------- session
def test_a_panel_drawn_while_play_steps_waits_and_never_sees_a_half_recorded_month(monkeypatch):
    """Play at 24 months/s in several sessions once raised `zip() argument 2 is longer`.

    The Play thread was caught in the middle of recording a month (some columns one value
    longer than the others) while the page drew its charts. Here a step is held at exactly
    that point; the charts, drawn from a snapshot taken before the step (as the page takes
    one per render), must wait for it and then draw the whole month.
    """
    import threading

    from viz.components.charts import ChartsPanel

    sim = Simulation()
    for _ in range(3):
        sim.step()
    shown = sim.shown()  # the page's snapshot, taken before Play's next step
    data = sim.model.datacollector.model_vars
    names = list(data)
    caught, release = threading.Event(), threading.Event()

    def half_recorded_step():  # the month's columns, appended one by one, caught halfway
        for name in names[: len(names) // 2]:
            data[name].append(data[name][-1])
        caught.set()
        release.wait(10)
        for name in names[len(names) // 2 :]:
            data[name].append(data[name][-1])

    monkeypatch.setattr(sim.model, "step", half_recorded_step)
    stepper = threading.Thread(target=sim.step)
    stepper.start()
    assert caught.wait(10)
    drawn: dict[str, Any] = {}

    def draw():
        try:
            _, rc = solara.render(ChartsPanel(shown, EN), handle_error=False)
            drawn["html"] = html_with(rc, 'class="aiv-charts"')
            rc.close()
        except Exception as e:  # what the page would have shown instead of its charts
            drawn["error"] = e

    drawer = threading.Thread(target=draw)
    drawer.start()
    drawer.join(0.5)
    waited = drawer.is_alive()  # still waiting for the step to finish
    release.set()
    stepper.join(10)
    drawer.join(10)
    assert "error" not in drawn, drawn.get("error")
    assert waited
    assert drawn["html"].count("<svg") == 7


def test_knobs_are_parameters_and_start_with_the_required_ones():
    names = knob_names()
    assert list(REQUIRED_KNOBS) == names[: len(REQUIRED_KNOBS)]
    assert set(KNOBS) <= PARAM_NAMES


def test_session_stops_at_the_horizon(monkeypatch):
    import viz.session

    monkeypatch.setattr(viz.session, "HORIZON_MONTHS", 3)
    sim = Simulation()
    assert [sim.step() for _ in range(4)] == [True, True, True, False]
    assert sim.months_run == 3


def test_a_play_loop_from_before_a_reset_does_not_step_the_new_run():
    sim = Simulation()
    generation = sim.generation
    sim.step(generation)
    sim.reset()
    assert not sim.step(generation)
    assert sim.months_run == 0


def test_knob_tooltip_names_provenance_and_source():
    info = param_info("capex_per_gw")
    text = knob_tooltip("capex_per_gw", "seed", False, EN)
    assert "reported" in text
    assert info["source"] in text
    # the seed preset's own value cites its own calibration row
    text = knob_tooltip("paid_growth_decay", "seed", False, EN)
    assert "fitted" in text and "seed_paid_growth_decay" in text
    assert "來源" in knob_tooltip("capex_per_gw", "seed", False, ZH)


# ---------------------------------------------------------------------- pictures
@pytest.fixture(scope="module")
def collapsed():
    """The seed run to its collapse (the app company defaults)."""
    m = AIBubbleModel(rng=42, preset="seed")
    for _ in range(60):
        m.step()
        if any(f.defaulted for f in m.firms):
            break
    return m


def test_network_marks_defaulted_firms_and_the_loop(collapsed):
    dead = [f.label for f in collapsed.firms if f.defaulted]
    assert dead, "the seed run is expected to end in a default"
    svg = network_svg(collapsed, EN)
    assert "DEFAULTED" in svg
    assert f"{dead[0]} · DEFAULTED" in svg
    live = AIBubbleModel(rng=42, preset="seed")
    for _ in range(12):
        live.step()
    svg = network_svg(live, EN)
    assert "DEFAULTED</text>" not in svg.replace(">DEFAULTED</text></svg>", "")
    assert 'class="aiv-flow"' in svg  # the loop flows are highlighted
    for group in ("Fuel", "Gears", "Engine", "Capital"):
        assert group in svg


def test_network_draws_the_momentum_funds_equity_into_openai_in_a_nortel_run():
    m = AIBubbleModel(rng=42, preset="nortel")
    for _ in range(120):
        m.step()
        flows = m.observation.flows_this_month()
        if any(f["source"] == "momentum_funds" and f["amount"] > 1e-6 for f in flows):
            break
    else:
        raise AssertionError("no month with momentum money in the nortel run")
    svg = network_svg(m, EN)
    assert 'data-node="momentum_funds"' in svg and ">Momentum funds</text>" in svg
    edge = re.search(r'data-edge="momentum_funds-openai-equity"[^>]*><title>([^<]*)</title>', svg)
    assert edge is not None, "the momentum funds' equity edge is missing"
    assert "Momentum funds → OpenAI · equity" in html.unescape(edge.group(1))
    assert ">動能基金</text>" in network_svg(m, ZH)


def test_every_flow_of_every_preset_has_both_ends_in_the_network():
    from params import preset_names
    from viz.components.network import picture

    for preset in preset_names():
        m = AIBubbleModel(rng=1, preset=preset)
        for _ in range(60):
            m.step()
            pic = picture(m, EN)
            flows = [f for f in m.observation.flows_this_month() if f["amount"] > 1e-6]
            assert len(pic.flows) == len(flows), preset  # nothing left out of the picture
            assert len(set(pic.pos.values())) == len(pic.pos)  # no two nodes on one place


def test_a_new_kind_of_holder_appears_in_the_network_without_a_view_change():
    from dataclasses import dataclass

    @dataclass
    class BondFund:
        name: str = "bond_funds"
        label: str = "Bond funds"
        sector: str = "investors"
        group: str = "capital"
        defaulted: bool = False

    m = AIBubbleModel(rng=1, preset="seed")
    m.step()
    investors: list[Any] = m.investors  # a kind the model does not have (yet)
    investors.append(BondFund())
    svg = network_svg(m, EN)
    assert 'data-node="bond_funds"' in svg and ">Bond funds</text>" in svg


def test_network_edges_grow_with_the_flows():
    from viz.components.network import edge_width

    assert edge_width(0.1, "US$ bn") < edge_width(1.0, "US$ bn") < edge_width(10.0, "US$ bn")
    assert edge_width(1e6, "US$ bn") == 18.0


def test_gauge_bands():
    m = AIBubbleModel(rng=1)
    engine, gears, fuel = gauges_for(m)
    assert (engine.band(0.1), engine.band(0.35), engine.band(2.0)) == (
        "danger",
        "warning",
        "healthy",
    )
    assert (gears.band(0.5), gears.band(2.0), gears.band(5.0)) == ("healthy", "warning", "danger")
    c = m.p.capex_per_gw
    assert (fuel.band(0.5 * c), fuel.band(0.9 * c), fuel.band(1.2 * c)) == (
        "healthy",
        "warning",
        "danger",
    )
    assert "no data yet" in gauges_html(m, EN)
    m.step()
    assert "%" in gauges_html(m, EN)


def test_books_show_balanced_sheets_and_a_zero_sum_flow_matrix(collapsed):
    m = AIBubbleModel(rng=3)
    assert "after the first month" in books_html(m, EN)
    for _ in range(6):
        m.step()
    for model in (m, collapsed):
        html = books_html(model, EN)
        assert "✗" not in html
        assert html.count("✓") >= 9  # a check line per balance sheet at least
        tfm = flow_matrix_html(model, EN)
        assert "Row sum" in tfm and "Column sum" in tfm
    assert "列合計" in flow_matrix_html(m, ZH)


def test_charts_have_dates_and_every_series():
    m = AIBubbleModel(rng=5)
    for _ in range(14):
        m.step()
    charts = dict(chart_svgs(m, EN))
    assert set(charts) == {
        "chart_costs",
        "chart_gw",
        "chart_milestone",
        "chart_valuations",
        "chart_runway",
        "chart_loop",
        "chart_rental",
    }
    for svg in charts.values():
        assert ">2024<" in svg and ">2025<" in svg
        assert "2025-02" in svg  # the latest month is marked
    assert "Compute bill" in charts["chart_costs"] and "Revenue" in charts["chart_costs"]
    assert "Contracted" in charts["chart_gw"] and "Deployed" in charts["chart_gw"]
    assert "Offered" in charts["chart_rental"] and "Rent, %" in charts["chart_rental"]
    zh = dict(chart_svgs(m, ZH))
    assert "算力帳單" in zh["chart_costs"]


def test_the_event_log_renders_the_models_typed_events_in_both_languages():
    from viz.components.events import model_events_html

    m = AIBubbleModel(rng=42, preset="seed")
    m.run_for(30)
    events = m.observation.events
    assert events
    en = html.unescape(model_events_html(m, EN))
    zh = html.unescape(model_events_html(m, ZH))
    newest = events[-1]
    assert newest.text(EN) in en  # the English row is the event log's own sentence
    assert newest.text(EN) not in zh and re.search("[\u4e00-\u9fff]", zh)
    contract = next(e for e in events if e.kind.value == "contract")
    assert f"{contract.fields['value'] * 10:,.0f} 億美元" in zh  # money in Chinese units
    assert "年" in zh.split('class="aiv-ev-date">')[1][:12]  # dates in Chinese
    assert money(2.345, EN) == "$2.35B" and money(0.05, EN) == "$50M"


# ---------------------------------------------------------------------- lessons and about
def open_tab(rc, name: str) -> None:
    """Select a tab of the page (a click on the tab does this in the browser)."""
    from viz.app import TABS

    rc.find(v.Tabs).widget.v_model = TABS.index(name)


def reveal(rc) -> str:
    """The reveal's HTML, unescaped."""
    return html.unescape(html_with(rc, 'data-testid="lesson-reveal"'))


def test_lessons_tab_lists_every_lesson(page):
    from lessons import load_lessons

    open_tab(page, "lessons")
    lessons, _ = load_lessons()
    assert len(lessons) >= 9
    for lesson in lessons:
        button(page, f"{lesson.order}. {lesson.words(EN).title}")


def test_a_lesson_asks_first_then_runs_and_reveals(page):
    from lessons import load_lesson
    from lessons.loader import LESSON_DIR

    lesson = load_lesson(LESSON_DIR / "09-milestones-or-commitments.toml")
    words = lesson.words(EN)
    open_tab(page, "lessons")
    button(page, f"9. {words.title}").click()
    assert words.question in html.unescape(html_with(page, 'class="aiv-question"'))
    assert button(page, "Run the lesson").disabled  # predict first
    wrong = 1 if lesson.answer != 1 else 2
    button(page, words.choices[wrong - 1]).click()
    assert not button(page, "Run the lesson").disabled
    button(page, "Run the lesson").click()
    shown = reveal(page)
    assert words.choices[wrong - 1] in shown  # the learner's answer
    assert words.choices[lesson.answer - 1] in shown  # the model's
    assert 'data-right="false"' in shown and "Not what you predicted" in shown
    assert 'data-holds="true"' in shown and "The claim holds." in shown
    assert shown.count("✓") >= len(lesson.checks)
    assert "Why" in shown and "Things to try" in shown and "Terms" in shown
    assert 'data-watch="chart_milestone"' in shown and "<svg" in shown
    # the page now shows the lesson's changed run, run to the end
    assert month_of(page) == 120
    assert select(page, "Scenario preset").v_model == "reported"
    assert field(page, tr("knob_milestone_investment_per_gw", EN)).v_model == "1"
    assert button(page, words.choices[0]).disabled  # the prediction is locked
    # switch to the preset run, then to the extra run
    button(page, "the preset run").click()
    assert field(page, tr("knob_milestone_investment_per_gw", EN)).v_model == "10"
    button(page, "the “commitments” run").click()
    assert field(page, tr("knob_commitment_limit_to_valuation", EN)).v_model == "0.75"
    assert month_of(page) == 120
    button(page, "Reset").click()  # replay the shown run from month 0
    assert month_of(page) == 0
    assert field(page, tr("knob_commitment_limit_to_valuation", EN)).v_model == "0.75"
    button(page, "Predict again").click()
    assert not button(page, words.choices[0]).disabled
    assert button(page, "Run the lesson").disabled
    button(page, "← All lessons").click()
    button(page, f"1. {load_lesson(LESSON_DIR / '01-one-dollar.toml').words(EN).title}")


def test_a_lesson_in_traditional_chinese(page):
    from lessons import load_lesson
    from lessons.loader import LESSON_DIR

    lesson = load_lesson(LESSON_DIR / "08-read-the-units.toml")
    zh = lesson.words(ZH)
    set_language(page, ZH)
    open_tab(page, "lessons")
    button(page, f"8. {zh.title}").click()
    button(page, zh.choices[lesson.answer - 1]).click()
    button(page, "執行本課").click()
    shown = reveal(page)
    assert "你預測對了" in shown and "結論成立" in shown
    assert "為什麼" in shown and "232%" in shown
    assert "原始情境" in shown  # the checks are described in Chinese too
    assert "月序 119" in html_with(page, 'data-testid="month-counter"')


def test_a_lesson_knob_the_controls_do_not_list_is_shown_while_it_is_changed(page):
    from lessons import load_lesson
    from lessons.loader import LESSON_DIR

    lesson = load_lesson(LESSON_DIR / "07-dashboard.toml")
    words = lesson.words(EN)
    label = tr("knob_gpu_cost_per_flop_halving", EN)
    open_tab(page, "lessons")
    button(page, f"7. {words.title}").click()
    button(page, words.choices[0]).click()
    button(page, "Run the lesson").click()
    assert lesson.show == "preset"
    with pytest.raises(ValueError):
        field(page, label)
    button(page, "the changed run").click()
    assert field(page, label).v_model == "1.5"
    gauges = reveal(page)
    assert gauges.count("<svg") == 3  # the three indicators month by month


def test_tutor_locks_the_prediction_once_run():
    from viz.tutor import Tutor

    sim = Simulation()
    tutor = Tutor(sim)
    tutor.open("05-dominoes")
    assert not tutor.can_run and tutor.run() is None
    tutor.choose(3)
    outcome = tutor.run()
    assert outcome is not None and outcome.holds
    assert tutor.shown == "preset" and sim.model is outcome.runs["preset"].model
    tutor.choose(1)  # ignored after the run
    assert tutor.choice == 3 and tutor.predicted_right is False
    other = Tutor(Simulation())
    other.open("05-dominoes")
    with pytest.raises(ValueError, match="not one of the lesson's choices"):
        other.choose(9)
    tutor.again()
    assert tutor.outcome is None and tutor.choice is None


def test_tutor_uses_the_page_seed():
    from viz.tutor import Tutor

    sim = Simulation()
    sim.set_seed("7")
    tutor = Tutor(sim)
    tutor.open("01-one-dollar")
    tutor.choose(1)
    outcome = tutor.run()
    assert outcome is not None and outcome.seed == 7
    assert "seed 7" in reveal_html_of(tutor)


def reveal_html_of(tutor) -> str:
    from viz.components.lessons import reveal_html

    return reveal_html(tutor, EN)


def test_the_view_draws_every_part_a_lesson_can_point_at(collapsed):
    from lessons import VIEW_PARTS
    from viz.components.lessons import watch_html

    keys = {k for k, _ in chart_svgs(collapsed, EN)}
    for part in VIEW_PARTS:
        html = watch_html(collapsed, part, EN)
        assert "<svg" in html, part
        if part.startswith("chart_"):
            assert part in keys
    assert watch_html(collapsed, "gauges", ZH).count("<svg") == 3


def test_about_follows_netlogo_info_tab_order_in_both_languages(page):
    from viz.components.about import ABOUT_SECTIONS, about_html

    headings = {
        EN: [
            "What is it?",
            "How it works",
            "How to use it",
            "Things to notice",
            "Things to try",
            "Extending the model",
            "Related models",
            "Credits and how to cite",
        ],
        ZH: [tr(f"about_{k}_h", ZH) for k in ABOUT_SECTIONS],
    }
    for lang, names in headings.items():
        about = html.unescape(about_html(lang))
        assert re.findall(r"<h4>(.*?)</h4>", about) == names, lang
        assert "{version}" not in about and "ai-bubble-sim 0." in about
    assert "<li>" in about_html(EN) and "Lessons" in about_html(EN)
    open_tab(page, "about")
    assert "Extending the model" in html_with(page, 'data-testid="about"')
    set_language(page, ZH)
    assert "擴充模型" in html_with(page, 'data-testid="about"')


def test_rich_text_escapes_and_structures():
    from viz.components.text import rich

    out = rich("First <b>line</b> with `code`.\n\n- one\n- two\nafter")
    assert "&lt;b&gt;" in out and "<code>code</code>" in out
    assert out.count("<li>") == 2 and out.startswith("<p>") and out.endswith("<p>after</p>")


def test_the_reveal_says_which_run_the_page_shows():
    from viz.tutor import Tutor

    sim = Simulation()
    tutor = Tutor(sim)
    tutor.open("01-one-dollar")
    tutor.choose(1)
    tutor.run()
    assert tutor.showing == "changed"
    sim.reset()  # a replay of the same run
    assert tutor.showing == "changed"
    tutor.show("preset")
    assert tutor.showing == "preset"
    sim.set_preset("nortel")
    assert tutor.showing is None


def test_run_record_download_replays_what_the_page_shows(tmp_path):
    import json

    from records import replay
    from viz.components.controls import run_record_text

    sim = Simulation()
    for _ in range(5):
        sim.step()
    record = json.loads(run_record_text(sim))
    assert record["kind"] == "view"
    assert record["months"] == 5 and record["seed"] == sim.seed
    assert record["scenario"] == sim.preset
    assert replay(record).identical


def alert_texts(rc) -> str:
    """The texts of the page's alerts (errors, notes)."""
    return " ".join(" ".join(map(str, w.children)) for w in rc.find(v.Alert).widgets)


def widget_texts(rc) -> str:
    """Every text the page's widgets hold (HTML, alerts, buttons, menus, fields)."""
    out = []
    for w in rc.find(solara.widgets.HTML).widgets:
        out.append(w.unsafe_innerHTML or "")
    for kind in (v.Alert, v.Btn, v.Select, v.TextField):
        for w in rc.find(kind).widgets:
            out += [str(getattr(w, a, "")) for a in ("children", "items", "label", "v_model")]
    return html.unescape(" ".join(out))


def test_a_malformed_preset_or_lesson_file_never_takes_down_the_page(planted):
    _, rc = solara.render(Page(), handle_error=False)  # the page starts
    try:
        assert month_of(rc) == 0
        everything = widget_texts(rc)
        assert str(planted) not in everything and "Traceback" not in everything
        # the bad preset is listed as unusable; picking it shows its one-line error
        menu = select(rc, "Scenario preset")
        assert "broken (unusable)" in menu.items and "seed" in menu.items
        assert not rc.find(v.Alert, children=["broken.toml"]).widgets  # not before it is picked
        button(rc, "Step 1 month").click()
        menu.v_model = "broken (unusable)"
        alerts = alert_texts(rc)
        assert "broken.toml: key 'paid_growth_decay': field 'cite' must be" in alerts, alerts
        assert str(planted) not in alerts and "Traceback" not in alerts
        assert select(rc, "Scenario preset").v_model == "seed" and month_of(rc) == 1
        select(rc, "Scenario preset").v_model = "reported"  # a good preset works, the error goes
        assert month_of(rc) == 0 and "broken.toml" not in widget_texts(rc).split("(unusable)")[1]
        # the bad lesson is listed as unusable; picking it shows its one-line error
        open_tab(rc, "lessons")
        button(rc, "1. " + load_lesson_title("01-one-dollar.toml"))
        button(rc, "03-bad.toml (unusable)").click()
        alerts = alert_texts(rc)
        assert "03-bad.toml: setup.knob: unknown parameter a list of 2 items" in alerts, alerts
        everything = widget_texts(rc)
        assert str(planted) not in everything and "Traceback" not in everything
    finally:
        rc.close()


def load_lesson_title(name: str) -> str:
    from lessons import load_lesson
    from lessons.loader import LESSON_DIR

    return load_lesson(LESSON_DIR / name).words(EN).title


@pytest.mark.parametrize("lang", [EN, ZH])
def test_knob_errors_use_the_knobs_label_in_the_pages_language(lang):
    from viz.session import knob_names

    sim = Simulation()
    for name in knob_names():
        label = tr(f"knob_{name}", lang)
        for text in ("lots", "1e9"):
            message = sim.set_knob(name, text, lang)
            assert message and label in message and name not in message, (name, text, message)
            if lang == ZH:
                assert any("\u4e00" <= ch <= "\u9fff" for ch in message.replace(label, ""))


def test_a_legend_gives_this_months_value_or_says_when_its_last_value_was():
    from viz.components.timechart import Series, time_chart

    dates = ["2024-01", "2024-02", "2024-03"]
    svg = time_chart(
        dates,
        [
            Series("Ratio", [10.0, 15.3, float("nan")], "#000", unit="%"),
            Series("Flow", [1.0, 2.0, 0.0], "#111"),
        ],
        title="t",
        stale_text="last {value} in {date}",
    )
    assert "Ratio — (last 15.3% in 2024-02)" in html.unescape(svg)
    assert "Flow 0<" in svg  # this month's value, not the last non-zero one

    # after the collapse the loop chart's circularity has no value: never a stale one as current
    m = AIBubbleModel(rng=1, preset="reported")
    m.run_for(120)
    assert m.app.defaulted
    for lang, word in ((EN, "last "), (ZH, "最後有值")):
        loop = html.unescape(dict(chart_svgs(m, lang))["chart_loop"])
        notes = re.findall(r"— \(" + word + r"[^)]*?(\d{4}-\d{2})", loop)
        assert notes and all(d < "2033-12" for d in notes)
