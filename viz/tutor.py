"""One browser session's lesson state: the lesson open, the learner's prediction, the outcome.

Plain Python (no Solara), so the Lessons panel's logic is testable without a browser. Running
a lesson runs its preset and its changed knob at the page's random seed (``lessons.evaluate``),
checks the lesson's claim, and puts the run the lesson names into the page's simulation, so
the banner, gauges, network and charts show it.
"""

from __future__ import annotations

from lessons import (
    GlossaryEntry,
    Lesson,
    LessonError,
    Outcome,
    evaluate,
    load_glossary,
    load_lessons,
)
from viz.session import Simulation, public_message


class Tutor:
    """The lessons of one page.

    Args:
        sim: the page's simulation (a lesson's run is shown in it).
        folder: where the lesson files are (``lessons/`` by default; tests use others).
    """

    def __init__(self, sim: Simulation, folder=None):
        self.sim = sim
        self.errors: list[str] = []
        self.glossary: dict[str, GlossaryEntry] = {}
        self.lessons: list[Lesson] = []
        try:
            self.glossary = load_glossary()
            self.lessons, errors = load_lessons(folder, strict=False)
        except LessonError as e:  # a broken glossary: the page still works, and says why
            errors = [str(e)]
        self.errors = [public_message(e) for e in errors]
        # each message starts with its file's name: the list shows the file as unusable
        self.unusable: dict[str, str] = {e.split(":", 1)[0]: e for e in reversed(self.errors)}
        self.picked_unusable: str | None = None  # the unusable file the learner picked
        self.current: Lesson | None = None
        self.choice: int | None = None  # 1-based, as in the lesson files
        self.outcome: Outcome | None = None
        self.shown: str | None = None  # the lesson run the page shows
        self.failure: str | None = None

    def lesson(self, lesson_id: str) -> Lesson:
        """The lesson with this id (its file name without ``.toml``)."""
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        raise KeyError(lesson_id)

    def pick_unusable(self, file: str) -> str:
        """The learner picked a lesson file that could not be read: its one-line error."""
        self.picked_unusable = file
        return self.unusable[file]

    def open(self, lesson_id: str) -> None:
        """Open a lesson: no prediction yet, nothing run."""
        self.picked_unusable = None
        self.current = self.lesson(lesson_id)
        self.choice = None
        self.outcome = None
        self.shown = None
        self.failure = None

    def close(self) -> None:
        """Back to the list of lessons (the page keeps showing what it shows)."""
        self.current = None
        self.choice = None
        self.outcome = None
        self.shown = None
        self.failure = None

    def choose(self, choice: int) -> None:
        """Record the learner's prediction (1-based); locked once the lesson has run."""
        if self.current is None or self.outcome is not None:
            return
        if not 1 <= choice <= len(self.current.words("en").choices):
            raise ValueError(f"choice {choice} is not one of the lesson's choices")
        self.choice = choice

    @property
    def can_run(self) -> bool:
        """Whether Run is allowed: a lesson is open, a prediction made, not yet run."""
        return self.current is not None and self.choice is not None and self.outcome is None

    def run(self) -> Outcome | None:
        """Run the open lesson at the page's seed, check its claim, show its run in the page."""
        if not self.can_run or self.current is None:
            return None
        try:
            self.outcome = evaluate(self.current, self.sim.seed)
        except Exception as e:  # the page must survive a model error: show it instead
            self.failure = public_message(f"{type(e).__name__}: {e}")
            return None
        self.failure = None
        self.show(self.current.show)
        return self.outcome

    def show(self, run: str) -> None:
        """Put one of the lesson's runs into the page's simulation."""
        if self.outcome is None or run not in self.outcome.runs:
            return
        r = self.outcome.runs[run]
        self.sim.show_run(r.preset, r.overrides, r.model)
        self.shown = run

    @property
    def showing(self) -> str | None:
        """The lesson run the page shows now (a replay after Reset counts), or None.

        None once the learner has changed the preset, a knob or the seed since.
        """
        if self.outcome is None:
            return None
        now = (self.sim.preset, self.sim.overrides, self.sim.seed)
        same = [n for n, r in self.outcome.runs.items() if (r.preset, r.overrides, r.seed) == now]
        if self.shown in same:
            return self.shown
        return same[0] if same else None

    def again(self) -> None:
        """Forget the prediction and the outcome, to predict and run the lesson again."""
        self.choice = None
        self.outcome = None
        self.shown = None
        self.failure = None

    @property
    def predicted_right(self) -> bool | None:
        """Whether the prediction was the lesson's answer (None before the run)."""
        if self.outcome is None or self.current is None:
            return None
        return self.choice == self.current.answer
