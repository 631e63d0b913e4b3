"""Teaching lessons: predict, run, explain (data files in this folder, en + zh-TW).

Each ``*.toml`` here but ``glossary.toml`` is one lesson (format: ``docs/teaching.md``).
:func:`load_lessons` reads and validates them; :func:`evaluate` runs a lesson's preset and
its changed knob and checks the lesson's claim.
"""

from lessons.claims import (
    CheckResult,
    Outcome,
    RunResult,
    describe_check,
    describe_result,
    evaluate,
    run_one,
)
from lessons.loader import (
    CHANGED_RUN,
    EN,
    LANGS,
    PRESET_RUN,
    VIEW_PARTS,
    ZH,
    BandEdge,
    Check,
    GlossaryEntry,
    Lesson,
    LessonError,
    LessonText,
    Quantity,
    load_glossary,
    load_lesson,
    load_lessons,
)

__all__ = [
    "CHANGED_RUN",
    "EN",
    "LANGS",
    "PRESET_RUN",
    "VIEW_PARTS",
    "ZH",
    "BandEdge",
    "Check",
    "CheckResult",
    "GlossaryEntry",
    "Lesson",
    "LessonError",
    "LessonText",
    "Outcome",
    "Quantity",
    "RunResult",
    "describe_check",
    "describe_result",
    "evaluate",
    "load_glossary",
    "load_lesson",
    "load_lessons",
    "run_one",
]
