"""The Lessons tab: pick a lesson, predict, run it, and see the reveal.

A lesson (a file under ``lessons/``) asks a question with a few choices. The learner picks
one and presses Run: the view runs the lesson's preset and its changed knob at the page's
random seed (``viz.tutor.Tutor``), shows the lesson's run in the whole page, and reveals the
learner's prediction next to the model's answer, the lesson's claim with every check's
measured values, what to notice (with the chart or gauge it points at), the explanation,
things to try and the glossary terms the lesson uses.
"""

# ruff: noqa: N802 - Solara components are named like classes (Page, NetworkPanel, ...)

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from economy.gauges import DANGER, GAUGE_KEYS, HEALTHY
from lessons import Lesson, Outcome, describe_result
from lessons.claims import run_label
from params import Params, param_info
from text import tr, unit
from viz.components.charts import chart_svgs, columns
from viz.components.controls import knob_label
from viz.components.gauges import BAND_COLOR, gauges_for
from viz.components.network import network_svg
from viz.components.svg import esc
from viz.components.text import bullets, inline, rich
from viz.components.timechart import HLine, Series, time_chart
from viz.tutor import Tutor


def _value(v: float | int) -> str:
    return f"{v:g}"


def setup_html(lesson: Lesson, seed: int, lang: str) -> str:
    """The lesson's set-up: preset, the knob's change, extra runs, months and seed."""
    old = getattr(Params.from_preset(lesson.preset), lesson.knob)
    u = unit(str(param_info(lesson.knob)["unit"]), lang)
    lines = [
        tr("lesson_preset", lang, preset=lesson.preset),
        tr(
            "lesson_change",
            lang,
            knob=f"{knob_label(lesson.knob, lang)} ({lesson.knob})",
            old=_value(old),
            new=_value(lesson.value),
            unit=u,
        ),
    ]
    for name, values in lesson.runs.items():
        text = ", ".join(f"{k} = {_value(v)}" for k, v in values.items())
        lines.append(tr("lesson_extra", lang, name=name, values=text))
    lines.append(tr("lesson_months", lang, months=lesson.months, seed=seed))
    items = "".join(f"<li>{esc(x)}</li>" for x in lines)
    return (
        f'<div class="aiv-lesson-setup"><div class="aiv-h">{esc(tr("lesson_setup", lang))}'
        f"</div><ul>{items}</ul></div>"
    )


def gauge_history_svg(model: Any, key: str, lang: str) -> str:
    """One dashboard indicator month by month, with the gauge's band edges as lines."""
    gauge = {g.key: g for g in gauges_for(model)}[key]
    data = columns(model)
    dates = [str(d) for d in data.get("date", [])]
    scale = 100.0 if gauge.percent else 1.0
    values = [
        float(v) * scale if v is not None else float("nan") for v in data.get(gauge.column, [])
    ]
    lines = []
    for (upper, lo_band), (_, hi_band) in zip(gauge.bands, gauge.bands[1:], strict=False):
        color = BAND_COLOR[DANGER] if DANGER in (lo_band, hi_band) else BAND_COLOR[HEALTHY]
        label = tr(
            "band_edge", lang, lo=tr(f"band_{lo_band}", lang), hi=tr(f"band_{hi_band}", lang)
        )
        lines.append(HLine(upper * scale, label, color))
    title = tr("gauge_history", lang, gauge=tr(f"gauge_{key}", lang))
    series = [
        Series(tr(f"gauge_{key}", lang), values, "#1f2937", unit="%" if gauge.percent else "")
    ]
    return time_chart(
        dates,
        series,
        title=title,
        hlines=lines,
        empty_text=tr("no_data", lang),
        stale_text=tr("legend_last_defined", lang),
    )


def watch_html(model: Any, watch: str, lang: str) -> str:
    """The part of the view a lesson points at, drawn for the run the page shows."""
    if watch.startswith("chart_"):
        svgs = [svg for key, svg in chart_svgs(model, lang) if key == watch]
    elif watch == "gauges":
        svgs = [gauge_history_svg(model, k, lang) for k in GAUGE_KEYS]
    elif watch.startswith("gauge_"):
        svgs = [gauge_history_svg(model, watch.removeprefix("gauge_"), lang)]
    elif watch == "network":
        svgs = [network_svg(model, lang)]
    else:
        svgs = []
    cells = "".join(f'<div class="aiv-chart">{s}</div>' for s in svgs)
    return f'<div class="aiv-lesson-watch" data-watch="{esc(watch)}">{cells}</div>'


def claim_html(outcome: Outcome, lang: str) -> str:
    """The lesson's claim in words and every check with its measured values."""
    lesson = outcome.lesson
    rows = []
    for r in outcome.results:
        what, left, right = describe_result(r, lang)
        mark = "✓" if r.holds else "✗"
        rows.append(
            f'<tr class="{"ok" if r.holds else "bad"}"><td>{mark}</td><td>{esc(what)}</td>'
            f'<td class="num">{esc(left)}</td><td class="num">{esc(right)}</td></tr>'
        )
    verdict = tr("lesson_holds", lang) if outcome.holds else tr("lesson_fails", lang)
    return (
        f'<div class="aiv-h">{esc(tr("lesson_claim_h", lang, seed=outcome.seed))}</div>'
        f"<p>{inline(lesson.words(lang).claim)}</p>"
        f'<p class="aiv-verdict {"ok" if outcome.holds else "bad"}" '
        f'data-holds="{str(outcome.holds).lower()}">{esc(verdict)}</p>'
        f'<div class="aiv-scroll"><table class="aiv-table aiv-claim"><thead><tr><th></th>'
        f"<th>{esc(tr('lesson_check', lang))}</th>"
        f'<th class="num">{esc(tr("lesson_measured", lang))}</th>'
        f'<th class="num">{esc(tr("lesson_against", lang))}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def reveal_html(tutor: Tutor, lang: str) -> str:
    """Everything shown after the run (empty before it)."""
    lesson, outcome = tutor.current, tutor.outcome
    if lesson is None or outcome is None or tutor.choice is None:
        return ""
    words = lesson.words(lang)
    right = tutor.predicted_right
    you = words.choices[tutor.choice - 1]
    model_answer = words.choices[lesson.answer - 1]
    verdict = tr("lesson_right", lang) if right else tr("lesson_wrong", lang)
    answer = (
        f'<div class="aiv-answer {"ok" if right else "bad"}">'
        f'<div><span class="aiv-k">{esc(tr("lesson_you", lang))}</span> '
        f'<span data-testid="lesson-your-answer">{esc(you)}</span></div>'
        f'<div><span class="aiv-k">{esc(tr("lesson_model", lang))}</span> '
        f"<span>{esc(model_answer)}</span></div>"
        f'<div class="aiv-answer-verdict">{"✓" if right else "✗"} {esc(verdict)}</div></div>'
    )
    model = outcome.runs[tutor.shown or lesson.show].model
    terms = ""
    if lesson.terms and tutor.glossary:
        items = "".join(
            f"<dt>{esc(tutor.glossary[t].term.get(lang, t))}</dt>"
            f"<dd>{inline(tutor.glossary[t].text.get(lang, ''))}</dd>"
            for t in lesson.terms
            if t in tutor.glossary
        )
        terms = f'<h4>{esc(tr("lesson_terms_h", lang))}</h4><dl class="aiv-terms">{items}</dl>'
    return (
        f'<div class="aiv-reveal" data-testid="lesson-reveal" '
        f'data-holds="{str(outcome.holds).lower()}" data-right="{str(bool(right)).lower()}">'
        f"{answer}{claim_html(outcome, lang)}"
        f"<h4>{esc(tr('lesson_notice_h', lang))}</h4><p>{inline(words.notice)}</p>"
        f"{watch_html(model, lesson.watch, lang)}"
        f'<p class="aiv-cap">{esc(tr("lesson_watch_also", lang))}</p>'
        f"<h4>{esc(tr('lesson_why_h', lang))}</h4>{rich(words.explanation)}"
        f"<h4>{esc(tr('lesson_try_h', lang))}</h4>{bullets(words.try_)}"
        f"{terms}</div>"
    )


@solara.component
def LessonList(
    tutor: Tutor,
    lang: str,
    version: int,
    on_open: Callable[[str], None],
    on_pick_unusable: Callable[[str], None] = lambda _: None,
):
    """The list of lessons, and the files that could not be read, listed as unusable.

    Args:
        tutor: the page's lessons.
        lang: language code.
        version: changes whenever the lessons' state changed (forces a re-render).
        on_open: called with a lesson's id when the learner opens it.
        on_pick_unusable: called with a file name when the learner picks an unusable one
            (its one-line error is then shown).
    """
    del version
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f'<div class="aiv-h">{esc(tr("lessons_title", lang))}</div>'
            f'<div class="aiv-cap">{esc(tr("lessons_intro", lang))}</div>'
        ),
    )
    with solara.Column(gap="6px", classes=["aiv-lesson-list"]):
        for lesson in tutor.lessons:
            solara.Button(
                f"{lesson.order}. {lesson.words(lang).title}",
                on_click=lambda lid=lesson.id: on_open(lid),
                outlined=True,
                classes=["aiv-lesson-open", f"aiv-lesson-{lesson.id}"],
            )
        for file in tutor.unusable:  # a malformed file: listed, its error shown when picked
            solara.Button(
                tr("lesson_unusable_item", lang, name=file),
                on_click=lambda file=file: on_pick_unusable(file),
                text=True,
                classes=["aiv-lesson-unusable"],
            )
    if tutor.picked_unusable is not None:
        solara.Error(
            f"{tr('lessons_errors', lang)} {tutor.unusable[tutor.picked_unusable]}",
            classes=["aiv-lesson-errors"],
        )


@solara.component
def LessonView(
    tutor: Tutor,
    lang: str,
    version: int,
    on_back: Callable[[], None],
    on_choose: Callable[[int], None],
    on_run: Callable[[], None],
    on_show: Callable[[str], None],
    on_again: Callable[[], None],
):
    """One open lesson: set-up, question, choices, Run, and the reveal after the run.

    Args:
        tutor: the page's lessons (``tutor.current`` is open).
        lang: language code.
        version: changes whenever the lessons' state changed (forces a re-render; the
            callbacks alone do not, as Solara compares functions by their code).
        on_back: back to the list.
        on_choose: a choice (1-based) was picked.
        on_run: Run was pressed.
        on_show: show another of the lesson's runs in the page.
        on_again: predict again.
    """
    lesson = tutor.current
    if lesson is None:  # closed in the meantime
        return
    words = lesson.words(lang)
    ran = tutor.outcome is not None
    with solara.Column(gap="8px", classes=["aiv-lesson"]):
        with solara.Row(gap="8px", style={"align-items": "baseline"}):
            solara.Button(
                tr("lesson_back", lang), on_click=on_back, text=True, classes=["aiv-lesson-back"]
            )
            solara.HTML(
                tag="div",
                unsafe_innerHTML=(
                    f'<span class="aiv-k">{esc(tr("lesson_n", lang, n=lesson.order))}</span> '
                    f'<span class="aiv-lesson-title">{esc(words.title)}</span>'
                ),
            )
        solara.HTML(tag="div", unsafe_innerHTML=setup_html(lesson, tutor.sim.seed, lang))
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<div class="aiv-h">{esc(tr("lesson_predict", lang))}</div>'
                f'<p class="aiv-question">{inline(words.question)}</p>'
            ),
        )
        with solara.Column(gap="6px", classes=["aiv-choices"]):
            for i, choice in enumerate(words.choices, start=1):
                chosen = tutor.choice == i
                solara.Button(
                    choice,
                    on_click=lambda i=i: on_choose(i),
                    outlined=not chosen,
                    color="primary" if chosen else None,
                    disabled=ran,
                    classes=["aiv-choice", f"aiv-choice-{i}"] + (["aiv-chosen"] if chosen else []),
                )
        with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Button(
                tr("lesson_run", lang),
                on_click=on_run,
                color="primary",
                disabled=not tutor.can_run,
                classes=["aiv-lesson-run"],
            )
            solara.Button(
                tr("lesson_again", lang),
                on_click=on_again,
                outlined=True,
                disabled=not ran,
                classes=["aiv-lesson-again"],
            )
            solara.HTML(
                tag="span",
                unsafe_innerHTML=esc(tr("lesson_pick", lang)) if tutor.choice is None else "",
                classes=["aiv-cap"],
            )
        # What comes after the run sits in a column that is always there, so the elements
        # above keep their places when it fills.
        with solara.Column(gap="8px", classes=["aiv-lesson-after"], style={"padding": "0"}):
            LessonAfter(tutor, lang, version, on_show)


@solara.component
def LessonAfter(tutor: Tutor, lang: str, version: int, on_show: Callable[[str], None]):
    """What the run reveals: the error if it failed, the run switch and the reveal.

    Args:
        tutor: the page's lessons.
        lang: language code.
        version: changes whenever the lessons' state changed (forces a re-render).
        on_show: show another of the lesson's runs in the page.
    """
    del version
    if tutor.failure:
        solara.Error(f"{tr('lesson_failed', lang)} {tutor.failure}")
    if tutor.outcome is None:
        return
    showing = tutor.showing
    if showing is None:
        note = tr("lesson_not_showing", lang)
    else:
        note = tr("lesson_showing", lang, run=run_label(showing, lang))
    with solara.Row(gap="6px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.HTML(tag="span", unsafe_innerHTML=esc(note), classes=["aiv-cap"])
        for name in tutor.outcome.runs:
            if name != showing:
                solara.Button(
                    run_label(name, lang),
                    on_click=lambda name=name: on_show(name),
                    outlined=True,
                    classes=["aiv-show-run", f"aiv-show-{name}"],
                )
    with tutor.sim.lock:  # the run it draws may be the one Play is stepping
        reveal = reveal_html(tutor, lang)
    solara.HTML(tag="div", unsafe_innerHTML=reveal)


@solara.component
def LessonsPanel(
    tutor: Tutor,
    lang: str,
    version: int,
    on_changed: Callable[[], None],
    on_stop: Callable[[], None],
):
    """The Lessons tab.

    Args:
        tutor: the page's lessons.
        lang: language code.
        version: changes whenever the simulation or the lesson changed (forces a re-render).
        on_changed: called after anything here changed the lesson or the simulation.
        on_stop: called before a lesson's run replaces the simulation (stops Play).
    """

    def do(action: Callable[[], Any], stop: bool = False) -> None:
        if stop:
            on_stop()
        action()
        on_changed()

    with solara.Column(gap="8px", classes=["aiv-lessons"], style={"padding": "10px 2px"}):
        if tutor.current is None:
            LessonList(
                tutor,
                lang,
                version,
                on_open=lambda lid: do(lambda: tutor.open(lid)),
                on_pick_unusable=lambda file: do(lambda: tutor.pick_unusable(file)),
            )
        else:
            LessonView(
                tutor,
                lang,
                version,
                on_back=lambda: do(tutor.close),
                on_choose=lambda i: do(lambda: tutor.choose(i)),
                on_run=lambda: do(tutor.run, stop=True),
                on_show=lambda name: do(lambda: tutor.show(name), stop=True),
                on_again=lambda: do(tutor.again),
            )
