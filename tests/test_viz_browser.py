"""The live view in real headless Chromium (Debian's), through pytest-ipywidgets/Playwright.

The page is served by the plugin's in-process Solara server on localhost. Every test opens
the page afresh, so each one gets a new session and a new simulation.
"""

import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from params import param_info

APP = str(Path(__file__).resolve().parent.parent / "viz" / "app.py")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOAD_MS = 60_000
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)"
    ),
]


def open_page(page, url: str) -> None:
    page.goto(url)
    page.get_by_test_id("month-counter").wait_for(timeout=LOAD_MS)


def month(page) -> int:
    return int(page.get_by_test_id("month-counter").get_attribute("data-month"))


def wait_month(page, n: int) -> None:
    page.wait_for_selector(f'[data-testid="month-counter"][data-month="{n}"]')


def step(page, times: int = 1) -> None:
    for _ in range(times):
        m = month(page)
        page.locator(".aiv-step").click()
        wait_month(page, m + 1)


def test_page_loads_with_no_console_errors_and_no_outside_requests(
    solara_app, solara_server, page_session
):
    urls: list[str] = []
    errors: list[str] = []
    page = page_session

    def on_console(msg):
        if msg.type == "error":
            errors.append(msg.text)

    page.on("request", lambda r: urls.append(r.url))
    page.on("websocket", lambda ws: urls.append(ws.url))
    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        with solara_app(APP):
            open_page(page, solara_server.base_url)
            step(page, 2)
            page.get_by_test_id("network").locator("svg").wait_for()
            page.get_by_test_id("charts").locator("svg").first.wait_for()
            page.get_by_test_id("gauges").locator("svg").first.wait_for()
            page.get_by_role("tab", name="Books").click()
            page.get_by_text("Transaction-flow matrix").wait_for()
            time.sleep(0.5)  # late asset requests, if any
    finally:
        page.remove_listener("console", on_console)
        page.goto("about:blank")
    assert urls, "no requests recorded"
    outside = sorted({u for u in urls if urlparse(u).hostname not in LOCAL_HOSTS})
    assert outside == [], f"requests to other hosts: {outside}"
    assert errors == []


def test_play_advances_the_month_and_pause_stops_it(solara_app, solara_server, page_session):
    page = page_session
    with solara_app(APP):
        open_page(page, solara_server.base_url)
        page.locator(".aiv-play").click()
        page.wait_for_function(
            "document.querySelector('[data-testid=month-counter]').dataset.month >= 3",
            timeout=20_000,
        )
        page.get_by_role("button", name="Pause").click()
        page.get_by_role("button", name="Play").wait_for()
        time.sleep(0.3)  # a step already under way when Pause was clicked may still land
        stopped = month(page)
        time.sleep(0.8)  # at 4 months a second, three more would have passed
        assert month(page) == stopped
        assert stopped >= 3
        page.goto("about:blank")


def test_reset_and_preset_change_start_again(solara_app, solara_server, page_session, two_presets):
    page = page_session
    _, other = two_presets
    with solara_app(APP):
        open_page(page, solara_server.base_url)
        step(page, 3)
        page.locator(".aiv-reset").click()
        wait_month(page, 0)
        step(page, 2)
        page.locator(".v-select", has_text="Scenario preset").click()
        page.get_by_role("option", name=other).click()
        wait_month(page, 0)
        page.goto("about:blank")


def test_the_page_starts_with_a_malformed_preset_and_lesson_listed_as_unusable(
    solara_app, solara_server, page_session, planted
):
    page = page_session
    with solara_app(APP):
        open_page(page, solara_server.base_url)
        step(page)
        body = page.locator("body").inner_text()
        assert "Traceback" not in body and str(planted) not in body
        page.locator(".v-select", has_text="Scenario preset").click()
        page.get_by_role("option", name="broken (unusable)").click()
        error = page.locator(".aiv-preset-error")
        error.wait_for()
        assert "broken.toml: key 'paid_growth_decay': field 'cite'" in error.inner_text()
        assert month(page) == 1  # the run shown goes on
        page.get_by_role("tab", name="Lessons").click()
        page.get_by_role("button", name="03-bad.toml (unusable)").click()
        page.get_by_text("03-bad.toml: setup.knob: unknown parameter").wait_for()
        body = page.locator("body").inner_text()
        assert "Traceback" not in body and str(planted) not in body
        page.goto("about:blank")


def test_language_switch_changes_labels(solara_app, solara_server, page_session):
    page = page_session
    with solara_app(APP):
        open_page(page, solara_server.base_url)
        step(page)
        page.get_by_role("button", name="繁體中文").click()
        page.get_by_role("button", name="前進一個月").wait_for()
        for text in ("每 GW 里程碑投資", "隨機種子", "本月的迴圈", "事件紀錄", "圖表", "帳簿"):
            page.get_by_text(text, exact=False).first.wait_for()
        assert page.get_by_role("button", name="Step 1 month").count() == 0
        assert "月序 0" in page.get_by_test_id("month-counter").inner_text()
        assert "燃料" in page.get_by_test_id("gauges").inner_text()
        page.get_by_role("button", name="English").click()
        page.get_by_role("button", name="Step 1 month").wait_for()
        page.goto("about:blank")


def test_out_of_range_value_shows_message_next_to_field(solara_app, solara_server, page_session):
    page = page_session
    with solara_app(APP):
        open_page(page, solara_server.base_url)
        box = page.locator(".aiv-knob-milestone_investment_cap")
        box.locator("input").fill("99999")
        box.locator("input").press("Enter")
        box.get_by_text("from 0 to 10000").wait_for()
        assert "Milestone investment cap" in box.inner_text()
        step(page)  # the page still works
        # hovering a knob shows where its value comes from
        source = param_info("inference_price_decline")["source"]
        page.locator(".aiv-knob-inference_price_decline input").hover()
        page.get_by_text(source, exact=False).wait_for()
        page.goto("about:blank")


def test_two_pages_are_independent(solara_app, solara_server, page_session, context_session):
    first = page_session
    second = context_session.new_page()
    try:
        with solara_app(APP):
            open_page(first, solara_server.base_url)
            open_page(second, solara_server.base_url)
            step(first, 3)
            assert month(second) == 0
            step(second)
            assert (month(first), month(second)) == (3, 1)
            first.locator(".aiv-reset").click()
            wait_month(first, 0)
            assert month(second) == 1
            first.goto("about:blank")
    finally:
        second.close()


def test_lesson_open_predict_run_and_reveal(solara_app, solara_server, page_session):
    from lessons import load_lesson
    from lessons.loader import LESSON_DIR

    lesson = load_lesson(LESSON_DIR / "03-stalling-engine.toml")
    words = lesson.words("en")
    page = page_session
    errors: list[str] = []

    def on_console(msg):
        if msg.type == "error":
            errors.append(msg.text)

    page.on("console", on_console)
    try:
        with solara_app(APP):
            run_the_lesson(page, solara_server.base_url, lesson, words)
    finally:
        page.remove_listener("console", on_console)
        page.goto("about:blank")
    assert errors == []


def run_the_lesson(page, url, lesson, words) -> None:
    """Open lesson 3, predict its answer, run it, read the reveal, switch run and language."""
    open_page(page, url)
    step(page)
    page.get_by_role("tab", name="Lessons").click()
    page.locator(".aiv-lesson-03-stalling-engine").click()
    page.get_by_text(words.question[:60]).wait_for()
    run = page.locator(".aiv-lesson-run")
    assert run.is_disabled()  # predict first
    page.locator(f".aiv-choice-{lesson.answer}").click()
    page.wait_for_selector(".aiv-lesson-run:not([disabled])")
    run.click()
    reveal = page.get_by_test_id("lesson-reveal")
    reveal.wait_for(timeout=LOAD_MS)
    answer = words.choices[lesson.answer - 1]
    assert reveal.get_by_test_id("lesson-your-answer").inner_text() == answer
    assert reveal.get_attribute("data-holds") == "true"
    text = reveal.inner_text()
    assert "You predicted it." in text and "The claim holds." in text
    assert "What to notice" in text and "Why" in text and "Things to try" in text
    assert reveal.locator("svg").count() >= 1  # the gauge it points at, month by month
    wait_month(page, lesson.months)  # the whole page shows the lesson's run
    assert "2026" in page.get_by_test_id("events").inner_text()  # the default
    page.locator(".aiv-show-changed").click()
    page.get_by_text("The page shows the changed run").wait_for()
    page.get_by_role("button", name="繁體中文").click()
    page.get_by_text("你預測對了").wait_for()
    page.get_by_text(lesson.words("zh-TW").title).first.wait_for()


def test_about_tab_follows_netlogo_order(solara_app, solara_server, page_session):
    page = page_session
    with solara_app(APP):
        open_page(page, solara_server.base_url)
        page.get_by_role("tab", name="About").click()
        about = page.get_by_test_id("about")
        about.wait_for()
        headings = about.locator("h4").all_inner_texts()
        assert headings[0] == "What is it?" and headings[-1] == "Credits and how to cite"
        assert headings.index("Things to try") < headings.index("Extending the model")
        page.goto("about:blank")


def test_run_record_downloads_as_json(solara_app, solara_server, page_session):
    import json

    page = page_session
    with solara_app(APP):
        open_page(page, solara_server.base_url)
        page.get_by_role("button", name="Step 1 month").click()
        page.wait_for_function(
            "document.querySelector('[data-testid=month-counter]').dataset.month >= 1",
            timeout=20_000,
        )
        with page.expect_download() as info:
            page.get_by_text("Download run record").click()
        download = info.value
        assert download.suggested_filename.endswith(".run.json")
        record = json.loads(Path(download.path()).read_text(encoding="utf-8"))
        assert record["kind"] == "view" and record["months"] == 1
        page.goto("about:blank")


# Draws each text on a canvas in the page's own font and returns its pixels as a string.
DRAW_JS = """([font, texts]) => texts.map((text) => {
    const canvas = document.createElement("canvas");
    canvas.width = 96;
    canvas.height = 96;
    const ctx = canvas.getContext("2d");
    ctx.font = "64px " + font;
    ctx.textBaseline = "top";
    ctx.fillStyle = "#000";
    ctx.fillText(text, 8, 8);
    return Array.from(ctx.getImageData(0, 0, 96, 96).data).join(",");
})"""
NO_GLYPH = "\U0010fffd"  # a private-use code point no font has: drawn as the "missing" box


def test_chinese_characters_render_as_glyphs_not_boxes(solara_app, solara_server, page_session):
    """Chromium draws 永 and 國 (and the knobs' ⓘ) in the page's font as glyphs, not boxes.

    Without a CJK font (``./bootstrap.sh`` installs fonts-wqy-microhei) each comes out as the
    same box as a code point no font has, and the zh-TW page is unreadable.
    """
    page = page_session
    with solara_app(APP):
        open_page(page, solara_server.base_url)
        font = page.evaluate(
            "getComputedStyle(document.querySelector('.v-application')).fontFamily"
        )
        texts = ["永", "國", "ⓘ", NO_GLYPH, ""]
        yong, guo, info, box, blank = page.evaluate(DRAW_JS, [font, texts])
        page.goto("about:blank")
    assert font
    drawn = {"永": yong != blank, "國": guo != blank, "ⓘ": info != blank, "box": box != blank}
    assert all(drawn.values()), f"nothing drawn for some text, the test is broken: {drawn}"
    as_box = {"永": yong == box, "國": guo == box, "ⓘ": info == box}
    assert not any(as_box.values()), f"drawn as the missing-glyph box in {font}: {as_box}"
    assert yong != guo, f"永 and 國 are drawn alike in {font}"
