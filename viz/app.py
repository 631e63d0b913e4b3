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
from typing import Any

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
from viz.session import Shown, Simulation  # noqa: E402
from viz.tutor import Tutor  # noqa: E402

# the page speaks of the model only: no "runs on Solara" footer
solara.server.settings.theme.show_banner = False

CSS = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")
DEFAULT_SPEED = 4  # months per second
TABS = ("charts", "lessons", "books", "about")  # in display order

__all__ = ["TABS", "Page", "about_html"]


class Actions:
    """What the page's buttons and fields do to the session's simulation.

    Each action changes the simulation, stops Play where the run it played is gone, and
    bumps ``version`` so the page redraws.
    """

    def __init__(self, sim: Simulation, version: Any, playing: Any):
        self.sim = sim
        self.version = version
        self.playing = playing

    def changed(self) -> None:
        """Something changed the simulation: redraw."""
        self.version.set(self.version.value + 1)

    def stop(self) -> None:
        """Pause."""
        self.playing.set(False)

    def step(self) -> None:
        """Step 1 month."""
        self.sim.step()
        self.changed()

    def reset(self) -> None:
        """Reset: month 0 of the same settings."""
        self.stop()
        self.sim.reset()
        self.changed()

    def preset(self, name: str) -> None:
        """A preset was picked (an unusable one only shows its error)."""
        if self.sim.pick_preset(name) is None:
            self.stop()
        self.changed()

    def knob(self, name: str, text: str, lang: str) -> None:
        """A knob's value was committed (a valid new value starts a new run)."""
        if self.sim.set_knob(name, text, lang) is None:
            self.stop()
        self.changed()

    def seed(self, text: str, lang: str) -> None:
        """A random seed was committed."""
        if self.sim.set_seed(text, lang) is None:
            self.stop()
        self.changed()


def play_loop(sim: Simulation, actions: Actions, speed: Any, token: Any) -> None:
    """Step while Play is on; stops at the horizon, on Pause, on Reset or when the tab closes.

    Runs in its own thread; the loop is the current one while ``token`` holds its number.
    """
    playing = actions.playing
    if not playing.value:
        return
    token.current += 1
    mine = token.current
    generation = sim.generation
    while playing.value and mine == token.current:
        time.sleep(1.0 / max(1, speed.value))
        if not playing.value or mine != token.current:
            break
        if not sim.step(generation):
            if sim.generation == generation:
                playing.set(False)
            break
        actions.changed()


def use_play(sim: Simulation, actions: Actions, speed: Any) -> None:
    """Run :func:`play_loop` while Play is on; on close, end it and free the model."""
    token = solara.use_ref(0)  # a Play loop runs while its number is the current one
    solara.lab.use_task(
        lambda: play_loop(sim, actions, speed, token),
        dependencies=[actions.playing.value],
        prefer_threaded=True,
    )

    def on_close():
        def cleanup():
            token.current += 1  # the tab closed: a running Play loop ends
            sim.close()  # the session is over (closed or expired): free its model now

        return cleanup

    solara.use_effect(on_close, [])


@solara.component
def Header(lang: str, on_lang: Any):
    """The title, the subtitle and the language switch."""
    with solara.Row(classes=["aiv-header"], justify="space-between"):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<div class="aiv-title">{esc(tr("title", lang))}</div>'
                f'<div class="aiv-sub">{esc(tr("subtitle", lang))}</div>'
            ),
        )
        with solara.ToggleButtonsSingle(value=lang, on_value=on_lang, classes=["aiv-lang"]):
            for code, name in LANGUAGES.items():
                solara.Button(name, value=code, text=True)


@solara.component
def Tabs(shown: Shown, tutor: Tutor, actions: Actions, lang: str, version: int):
    """Charts, Lessons, Books and About (each drawn only while it is open)."""
    tab = solara.use_reactive(0)
    with solara.lab.Tabs(value=tab, lazy=True):
        with solara.lab.Tab(tr("tab_charts", lang)):
            ChartsPanel(shown, lang)
        with solara.lab.Tab(tr("tab_lessons", lang)):
            LessonsPanel(tutor, lang, version, on_changed=actions.changed, on_stop=actions.stop)
        with solara.lab.Tab(tr("tab_books", lang)):
            BooksPanel(shown, lang)
        with solara.lab.Tab(tr("tab_about", lang)):
            AboutPanel(lang)


@solara.component
def Main(shown: Shown, tutor: Tutor, actions: Actions, lang: str, version: int):
    """The right-hand column: banner, gauges, the loop and the event log, then the tabs."""
    with solara.Column(classes=["aiv-main"], gap="12px"):
        RegimeBanner(shown, lang)
        GaugesPanel(shown, lang)
        with solara.Row(classes=["aiv-loop-row"], gap="12px"):
            with solara.Column(classes=["aiv-card", "aiv-net"]):
                NetworkPanel(shown, lang)
            with solara.Column(classes=["aiv-card", "aiv-log"]):
                EventLog(shown, lang)
        Tabs(shown, tutor, actions, lang, version)


@solara.component
def Page():
    """The whole page; one simulation per browser session."""
    sim = solara.use_memo(Simulation, [])
    tutor = solara.use_memo(lambda: Tutor(sim), [])
    lang = solara.use_reactive(EN)
    version = solara.use_reactive(0)  # bumped after anything changes the simulation
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    actions = solara.use_memo(lambda: Actions(sim, version, playing), [])
    use_play(sim, actions, speed)
    shown = sim.shown()  # the model and its month, taken together between two steps

    solara.Title(tr("title", lang.value))
    solara.Style(CSS)
    with solara.Column(classes=["aiv-page"], gap="12px"):
        Header(lang.value, lang.set)
        with solara.Row(classes=["aiv-body"], gap="16px"):
            with solara.Column(classes=["aiv-side"]):
                ControlPanel(
                    sim,
                    lang.value,
                    version.value,
                    playing.value,
                    speed.value,
                    on_preset=actions.preset,
                    on_knob=lambda name, text: actions.knob(name, text, lang.value),
                    on_seed=lambda text: actions.seed(text, lang.value),
                    on_reset=actions.reset,
                    on_step=actions.step,
                    on_play=playing.set,
                    on_speed=speed.set,
                )
            Main(shown, tutor, actions, lang.value, version.value)
