"""The live view's parts without a browser: solara.render and the pure SVG/HTML builders."""

import re

import ipyvuetify as v
import pytest
import solara
import solara.widgets

from model import AIBubbleModel
from params import PARAM_NAMES, Params, param_info
from viz.app import Page
from viz.components.books import books_html, flow_matrix_html
from viz.components.charts import chart_svgs
from viz.components.controls import knob_tooltip
from viz.components.gauges import gauges_for, gauges_html
from viz.components.network import network_svg
from viz.i18n import EN, LANGUAGES, TEXT, ZH, event_text, money, tr
from viz.session import KNOB_CHOICES, Simulation, format_value, knob_names

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
    return int(re.search(r'data-month="(\d+)"', html).group(1))


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
    assert charts.count("<svg") == 6
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
    assert "milestone_investment_per_gw" in message
    assert "out of range" in message
    assert "1000" in message  # the allowed range
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
        field(page, TEXT[f"knob_{name}"][1])
    field(page, "隨機種子")
    select(page, "情境預設")
    assert "第 0 個月" in html_with(page, 'data-testid="month-counter"')
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
def test_knobs_include_the_required_ones_and_future_ones_when_they_exist():
    names = knob_names()
    assert list(REQUIRED_KNOBS) == names[: len(REQUIRED_KNOBS)]
    for choice in KNOB_CHOICES:
        present = [n for n in choice if n in PARAM_NAMES]
        assert (present[0] in names) if present else not set(choice) & set(names)


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
    assert 'class="aiv-flow"' in svg  # the circular path is highlighted
    for group in ("Fuel", "Gears", "Engine", "Capital"):
        assert group in svg


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
    }
    for svg in charts.values():
        assert ">2024<" in svg and ">2025<" in svg
        assert "2025-02" in svg  # the latest month is marked
    assert "Compute bill" in charts["chart_costs"] and "Revenue" in charts["chart_costs"]
    assert "Contracted" in charts["chart_gw"] and "Deployed" in charts["chart_gw"]
    zh = dict(chart_svgs(m, ZH))
    assert "算力帳單" in zh["chart_costs"]


def test_every_label_has_both_languages():
    for key, (en, zh) in TEXT.items():
        assert en and zh, key
        if key.startswith(("knob_", "regime_", "ev_", "flow_", "group_", "sector_")):
            assert en != zh, key


def test_event_texts_are_translated_or_kept():
    cases = [
        "OpenAI signs 0.11 GW with Microsoft: $7.4B over 60 months from 2025-07",
        "OpenAI raises $9.1B at a $115B pre-money valuation",
        "NVIDIA invests $1.0B in OpenAI: tranche 1 for 1.2 GW deployed ($1B of $100B)",
        "OpenAI defaults (unpaid bills for 3 months); creditors lose $12.5B; 7 contracts cancelled",
        "No cloud can finance 0.50 GW for OpenAI",
    ]
    for text in cases:
        assert event_text(text, EN) == text
        zh = event_text(text, ZH)
        assert zh != text and re.search("[\u4e00-\u9fff]", zh), text
    assert "74 億美元" in event_text(cases[0], ZH)
    assert "帳單逾期 3 個月" in event_text(cases[3], ZH)
    assert event_text("Something new happened", ZH) == "Something new happened"
    assert money(2.345, EN) == "$2.35B" and money(0.05, EN) == "$50M"
