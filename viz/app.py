"""The live view: watch the AI financing loop rise, stall or collapse, month by month.

Run it with::

    uv run solara run viz/app.py --host 127.0.0.1 --port 8765 --production --no-check-version

Every browser tab gets its own :class:`~viz.session.Simulation` (built inside ``Page``,
never at module level), so two tabs are two independent runs. The page draws its network,
gauges and charts as SVG on the server and loads nothing but Solara's own assets.

Before anything else, :func:`viz.server.configure` makes the server safe to run: the
offline assets are served read-only with no fetching, telemetry is off, and a session whose
tab is gone expires after an hour (``docs/view.md``, ``docs/security.md``).
"""

# ruff: noqa: N802 - Solara components are named like classes (Page, NetworkPanel, ...)

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `solara run viz/app.py` puts only viz/ on the path
    sys.path.insert(0, str(ROOT))

import solara  # noqa: E402
import solara.lab  # noqa: E402
import solara.server.settings  # noqa: E402

from viz.server import configure  # noqa: E402

configure()  # offline assets read-only, no telemetry, idle sessions expire: before any request

from text import EN, LANGUAGES, tr  # noqa: E402
from viz.components.about import AboutPanel, about_html  # noqa: E402
from viz.components.banner import RegimeBanner  # noqa: E402
from viz.components.books import BooksPanel  # noqa: E402
from viz.components.charts import ChartsPanel  # noqa: E402
from viz.components.controls import ControlPanel  # noqa: E402
from viz.components.events import EventLog  # noqa: E402
from viz.components.gauges import GaugesPanel  # noqa: E402
from viz.components.lessons import LessonsPanel  # noqa: E402
from viz.components.network import NetworkPanel  # noqa: E402
from viz.components.svg import esc  # noqa: E402
from viz.session import Simulation  # noqa: E402
from viz.tutor import Tutor  # noqa: E402

# the page speaks of the model only: no "runs on Solara" footer
solara.server.settings.theme.show_banner = False

CSS = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")
DEFAULT_SPEED = 4  # months per second
TABS = ("charts", "lessons", "books", "about")  # in display order

__all__ = ["TABS", "Page", "about_html"]


@solara.component
def Page():  # noqa: C901 - split by Redesign part 2 (viz/app.py)
    """The whole page; one simulation per browser session."""
    sim = solara.use_memo(Simulation, [])
    tutor = solara.use_memo(lambda: Tutor(sim), [])
    lang = solara.use_reactive(EN)
    version = solara.use_reactive(0)  # bumped after anything changes the simulation
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    tab = solara.use_reactive(0)
    loop_token = solara.use_ref(0)  # a Play loop runs while its token is the current one
    model = sim.model
    months = sim.months_run

    def changed():
        version.set(version.value + 1)

    def on_step():
        sim.step()
        changed()

    def on_reset():
        playing.set(False)
        sim.reset()
        changed()

    def on_preset(name: str):
        playing.set(False)
        sim.set_preset(name)
        changed()

    def on_knob(name: str, text: str):
        if sim.set_knob(name, text, lang.value) is None:
            playing.set(False)
        changed()

    def on_seed(text: str):
        if sim.set_seed(text, lang.value) is None:
            playing.set(False)
        changed()

    def play_loop():
        """Step while Play is on; stops at the horizon, on Pause or on Reset."""
        if not playing.value:
            return
        loop_token.current += 1
        token = loop_token.current
        generation = sim.generation
        while playing.value and token == loop_token.current:
            time.sleep(1.0 / max(1, speed.value))
            if not playing.value or token != loop_token.current:
                break
            if not sim.step(generation):
                if sim.generation == generation:
                    playing.set(False)
                break
            changed()

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def stop_loop_on_close():
        def cleanup():
            loop_token.current += 1  # the tab closed: a running Play loop ends
            sim.close()  # the session is over (closed or expired): free its model now

        return cleanup

    solara.use_effect(stop_loop_on_close, [])

    solara.Title(tr("title", lang.value))
    solara.Style(CSS)
    with solara.Column(classes=["aiv-page"], gap="12px"):
        with solara.Row(classes=["aiv-header"], justify="space-between"):
            solara.HTML(
                tag="div",
                unsafe_innerHTML=(
                    f'<div class="aiv-title">{esc(tr("title", lang.value))}</div>'
                    f'<div class="aiv-sub">{esc(tr("subtitle", lang.value))}</div>'
                ),
            )
            with solara.ToggleButtonsSingle(
                value=lang.value, on_value=lang.set, classes=["aiv-lang"]
            ):
                for code, name in LANGUAGES.items():
                    solara.Button(name, value=code, text=True)
        with solara.Row(classes=["aiv-body"], gap="16px"):
            with solara.Column(classes=["aiv-side"]):
                ControlPanel(
                    sim,
                    lang.value,
                    version.value,
                    playing.value,
                    speed.value,
                    on_preset=on_preset,
                    on_knob=on_knob,
                    on_seed=on_seed,
                    on_reset=on_reset,
                    on_step=on_step,
                    on_play=playing.set,
                    on_speed=speed.set,
                )
            with solara.Column(classes=["aiv-main"], gap="12px"):
                RegimeBanner(model, months, lang.value)
                GaugesPanel(model, months, lang.value)
                with solara.Row(classes=["aiv-loop-row"], gap="12px"):
                    with solara.Column(classes=["aiv-card", "aiv-net"]):
                        NetworkPanel(model, months, lang.value)
                    with solara.Column(classes=["aiv-card", "aiv-log"]):
                        EventLog(model, months, lang.value)
                with solara.lab.Tabs(value=tab, lazy=True):
                    with solara.lab.Tab(tr("tab_charts", lang.value)):
                        ChartsPanel(model, months, lang.value)
                    with solara.lab.Tab(tr("tab_lessons", lang.value)):
                        LessonsPanel(
                            tutor,
                            lang.value,
                            version.value,
                            on_changed=changed,
                            on_stop=lambda: playing.set(False),
                        )
                    with solara.lab.Tab(tr("tab_books", lang.value)):
                        BooksPanel(model, months, lang.value)
                    with solara.lab.Tab(tr("tab_about", lang.value)):
                        AboutPanel(lang.value)
