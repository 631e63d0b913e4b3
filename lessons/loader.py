"""Read and validate lesson files (``lessons/*.toml``) and the glossary.

A lesson is data, so a teacher can add one without touching code (``docs/teaching.md``
describes the format field by field). Everything a lesson names is checked when it is
loaded: the preset, the knob and its value (by the model's own parameter validation), the
part of the view it points at, the glossary terms, every column and run-summary field its
claim reads, and that both languages carry every text. A malformed file raises
:class:`LessonError` whose message starts with the file name and the field, for example
``03-stalling-engine.toml: checks[2].left.column: unknown column 'user_growth'``.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from errors import InputError
from schema import is_finite, is_number, show

LESSON_DIR = Path(__file__).resolve().parent
GLOSSARY_FILE = LESSON_DIR / "glossary.toml"

EN = "en"
ZH = "zh-TW"
LANGS = (EN, ZH)
RUN_MONTHS_MAX = 120  # the live view's horizon: a lesson runs at most this long

PRESET_RUN = "preset"  # the preset as it is
CHANGED_RUN = "changed"  # the preset with the lesson's knob changed
SHOW_CHOICES = (PRESET_RUN, CHANGED_RUN)

# Parts of the live view a lesson's "what to notice" may point at (viz/ draws each one;
# tests/test_viz_components.py checks that the view knows every name).
VIEW_PARTS = (
    "chart_costs",
    "chart_gw",
    "chart_milestone",
    "chart_valuations",
    "chart_runway",
    "chart_loop",
    "chart_rental",
    "gauge_engine",
    "gauge_gears",
    "gauge_fuel",
    "gauges",
    "network",
)

STATS = (
    "max",
    "min",
    "mean",
    "sum",
    "first",
    "last",
    "growth",
    "first_month_below",
    "first_month_above",
)
LEVEL_STATS = ("first_month_below", "first_month_above")
WINDOWS = ("all", "before_first_default", "at_first_default", "from_first_default")
OPS = ("<", "<=", ">", ">=", "==", "!=", "within", "between")
NONE = "none"  # a right-hand side meaning "never happened" (no value)

TOP_KEYS = {"order", "answer", "watch", "terms", "setup", "runs", "checks", *LANGS}
SETUP_KEYS = {"preset", "knob", "value", "months", "show"}
TEXT_KEYS = {"title", "question", "choices", "notice", "explanation", "try", "claim"}
CHECK_KEYS = {"left", "op", "right", "tolerance"}
QUANTITY_KEYS = {"run", "column", "summary", "stat", "window", "level", "over", "times", "plus"}
BAND_KEYS = {"band", "edge"}
GLOSSARY_KEYS = {"term", "text"}


MAX_NUMBER = 1e15  # any number in a claim: far above every quantity the model reports
MAX_TEXT_CHARS = 20_000  # one text of a lesson; the longest shipped is about 1,500


class LessonError(InputError):
    """A lesson or glossary file that is malformed; the message names the file and field."""


# ---------------------------------------------------------------------- types
@dataclass(frozen=True)
class Window:
    """Months a column statistic looks at.

    Attributes:
        kind: one of :data:`WINDOWS`, or ``"months"`` for the span ``start``..``end``.
        start: first month (0 = January 2024) when ``kind == "months"``.
        end: last month, inclusive, when ``kind == "months"``.
    """

    kind: str = "all"
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class BandEdge:
    """An edge of a gauge's band (``economy/gauges.py``), named instead of written as a number.

    ``{ band = "engine.danger" }`` is where the engine gauge's danger band ends (20 %);
    ``{ band = "gears.warning", edge = "low" }`` where the gears' warning band begins. The
    number is read from the run the check looks at (the fuel gauge's bands scale with its
    ``capex_per_gw``).

    Attributes:
        gauge: ``engine``, ``gears`` or ``fuel``.
        band: ``healthy``, ``warning`` or ``danger``.
        side: ``low`` or ``high`` (filled in when the band has one edge only).
    """

    gauge: str
    band: str
    side: str

    def value(self, params: Any) -> float:
        """The edge's number for a run with these parameters."""
        from economy.gauges import gauge

        return gauge(self.gauge, params).edge(self.band, self.side)


@dataclass(frozen=True)
class Quantity:
    """A number read from one run: a run-summary field, or a statistic of a column.

    Attributes:
        run: ``preset``, ``changed`` or the name of one of the lesson's extra runs.
        column: a reported column (``docs/columns.md``); or None.
        summary: a run-summary field (``model.summary()``); or None.
        stat: the statistic of the column over the window (one of :data:`STATS`).
        window: the months the statistic looks at.
        level: the threshold of ``first_month_below`` / ``first_month_above`` (a number,
            or a gauge's band edge).
        over: another column: the quantity is stat(column) / stat(over) over the window.
        times: multiply the value by this.
        plus: then add this.
    """

    run: str
    column: str | None = None
    summary: str | None = None
    stat: str | None = None
    window: Window = field(default_factory=Window)
    level: float | BandEdge | None = None
    over: str | None = None
    times: float = 1.0
    plus: float = 0.0


@dataclass(frozen=True)
class Check:
    """One comparison of a claim: ``left op right``.

    ``right`` is a number, a gauge's band edge (:class:`BandEdge`, read from the run of
    ``left``), a string (a regime name, or ``"none"`` for "never happened"), another
    :class:`Quantity`, or for ``between`` a pair (low, high), both included.
    ``within`` holds when |left - right| <= ``tolerance``.
    """

    left: Quantity
    op: str
    right: Quantity | BandEdge | float | str | tuple[float, float]
    tolerance: float = 0.0


@dataclass(frozen=True)
class LessonText:
    """The words of a lesson in one language."""

    title: str
    question: str
    choices: tuple[str, ...]
    notice: str
    explanation: str
    try_: tuple[str, ...]
    claim: str


@dataclass(frozen=True)
class Lesson:
    """One lesson: the prediction, the set-up, the claim and the words in each language.

    Attributes:
        id: the file name without ``.toml``.
        path: the file.
        order: position in the list of lessons.
        answer: the choice (1-based) the claim backs.
        watch: the part of the view "what to notice" points at (:data:`VIEW_PARTS`).
        terms: glossary keys the lesson uses.
        preset: scenario preset.
        knob: the one parameter the lesson changes.
        value: its value in the changed run.
        months: months each run lasts.
        show: which run the view shows after the run: ``preset`` or ``changed``.
        runs: extra runs a claim may compare with: name -> overrides of the preset.
        checks: the claim, as comparisons that must all hold.
        text: the words, by language.
    """

    id: str
    path: Path
    order: int
    answer: int
    watch: str
    terms: tuple[str, ...]
    preset: str
    knob: str
    value: float | int
    months: int
    show: str
    runs: dict[str, dict[str, float | int]]
    checks: tuple[Check, ...]
    text: dict[str, LessonText]

    def overrides(self, run: str) -> dict[str, float | int]:
        """The parameter values a run sets over the preset."""
        if run == PRESET_RUN:
            return {}
        if run == CHANGED_RUN:
            return {self.knob: self.value}
        return dict(self.runs[run])

    def run_names(self) -> list[str]:
        """Every run of the lesson: ``preset``, ``changed``, then the extra runs."""
        return [PRESET_RUN, CHANGED_RUN, *self.runs]

    def words(self, lang: str) -> LessonText:
        """The lesson's text in ``lang`` (English for an unknown language)."""
        return self.text.get(lang, self.text[EN])


@dataclass(frozen=True)
class GlossaryEntry:
    """A term in both languages: ``term`` and ``text`` by language."""

    key: str
    term: dict[str, str]
    text: dict[str, str]


# ---------------------------------------------------------------------- what may be named
@functools.cache
def column_names() -> tuple[str, ...]:
    """Every column the model reports."""
    from economy.observation import COLUMN_NAMES

    return COLUMN_NAMES


@functools.cache
def summary_fields() -> tuple[str, ...]:
    """Every field of the run summary (``model.summary()``)."""
    from model import AIBubbleModel

    return tuple(AIBubbleModel(rng=0).summary())


def _hint(name: str, allowed: Any) -> str:
    close = difflib.get_close_matches(str(name), [str(a) for a in allowed], n=3)
    return f" (did you mean {', '.join(close)}?)" if close else ""


MAX_LISTED = 40  # allowed values a message lists before it points to the full list


def _allowed(allowed: Any) -> str:
    """The allowed values, or the first of them and where the rest are listed."""
    names = [str(a) for a in allowed]
    if len(names) <= MAX_LISTED:
        return ", ".join(names)
    return (
        ", ".join(names[:MAX_LISTED])
        + f" and {len(names) - MAX_LISTED} more (`run.py columns` lists every column)"
    )


# ---------------------------------------------------------------------- parsing helpers
class _Reader:
    """Reads one file's fields, raising :class:`LessonError` with the file and field."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, problem: str) -> LessonError:
        return LessonError(f"{self.path.name}: {where}: {problem}")

    def table(self, data: Any, where: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(where, f"must be a table, got {type(data).__name__}")
        extra = sorted(set(data) - allowed)
        if extra:
            raise self.fail(
                f"{where}.{extra[0]}" if where else extra[0],
                f"unknown field{_hint(extra[0], allowed)}; allowed: {_allowed(sorted(allowed))}",
            )
        return data

    def need(self, data: dict[str, Any], key: str, where: str) -> Any:
        if key not in data:
            raise self.fail(_join(where, key), "missing")
        return data[key]

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT_CHARS:
            raise self.fail(
                where, f"must be a non-empty string of at most {MAX_TEXT_CHARS:,} characters"
            )
        return value.strip()

    def texts(self, value: Any, where: str, least: int = 1) -> tuple[str, ...]:
        if not isinstance(value, list) or len(value) < least:
            raise self.fail(where, f"must be a list of at least {least} strings")
        return tuple(self.text(v, f"{where}[{i + 1}]") for i, v in enumerate(value))

    def number(self, value: Any, where: str) -> float:
        if not is_number(value):
            raise self.fail(where, f"must be a number, got {show(value)}")
        if not is_finite(value) or not -MAX_NUMBER <= value <= MAX_NUMBER:
            raise self.fail(
                where,
                f"must be a finite number from -{MAX_NUMBER:g} to {MAX_NUMBER:g}, "
                f"got {show(value)}",
            )
        return float(value)

    def integer(self, value: Any, where: str, lo: int, hi: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise self.fail(where, f"must be a whole number from {lo} to {hi}, got {show(value)}")
        return value

    def choice(self, value: Any, where: str, allowed: Any) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise self.fail(
                where,
                f"{show(value)} is not allowed{_hint(value, allowed)}; allowed: "
                + _allowed(allowed),
            )
        return value


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _read_toml(path: Path) -> dict[str, Any]:
    """The file's TOML: UTF-8, at most 1 MiB, nested at most 16 deep (:mod:`fileio`)."""
    from fileio import load_toml

    return load_toml(path, what="lesson file", error=LessonError, label=path.name)


def _parameter(r: _Reader, name: Any, value: Any, preset: str, where: str) -> float | int:
    """Validate a parameter name and value exactly as the model will."""
    from params import PARAM_NAMES, Params, allowed_range

    if not isinstance(name, str) or name not in PARAM_NAMES:
        raise r.fail(where, f"unknown parameter {show(name)}{_hint(name, PARAM_NAMES)}")
    if not is_number(value):  # "0.5" in a file is refused, as in presets
        raise r.fail(where, f"{name} must be {allowed_range(name)}, got {show(value)}")
    try:
        p = Params.from_preset(preset, **{name: value})
    except (ValueError, TypeError) as e:
        raise r.fail(where, str(e)) from None
    return getattr(p, name)


def _window(r: _Reader, raw: Any, where: str, months: int) -> Window:
    from params import month_index

    if isinstance(raw, str):
        return Window(r.choice(raw, where, WINDOWS))
    if not isinstance(raw, dict):
        raise r.fail(
            where,
            "must be one of " + ", ".join(WINDOWS) + ', or a table { from = "YYYY-MM", '
            'to = "YYYY-MM" } or { year = YYYY }',
        )
    if "year" in raw:
        r.table(raw, where, {"year"})
        year = r.integer(raw["year"], f"{where}.year", 2024, 2024 + (months - 1) // 12)
        start, end = (year - 2024) * 12, (year - 2024) * 12 + 11
    else:
        r.table(raw, where, {"from", "to"})
        try:
            start = month_index(r.need(raw, "from", where))
            end = month_index(r.need(raw, "to", where))
        except ValueError as e:
            raise r.fail(where, str(e)) from None
    if not 0 <= start <= end:
        raise r.fail(where, "must run forwards from January 2024 or later")
    if end > months - 1:
        raise r.fail(where, f"ends after the run's last month (the run lasts {months} months)")
    return Window("months", start, end)


def _band_edge(r: _Reader, raw: dict[str, Any], where: str) -> BandEdge:
    """``{ band = "gauge.band", edge = "low" | "high" }`` (edge optional for an end band)."""
    from economy.gauges import BANDS, GAUGE_KEYS, GAUGES, HIGH, LOW

    b = r.table(raw, where, BAND_KEYS)
    name = r.text(r.need(b, "band", where), f"{where}.band")
    key, _, band = name.partition(".")
    r.choice(key, f"{where}.band", GAUGE_KEYS)
    r.choice(band, f"{where}.band", BANDS)
    side = r.choice(b["edge"], f"{where}.edge", (LOW, HIGH)) if "edge" in b else None
    g = next(g for g in GAUGES if g.key == key)
    try:
        g.edge(band, side)
    except ValueError as e:
        raise r.fail(where, str(e)) from None
    if side is None:  # an end band's one edge: name it, so the claim can say which
        side = HIGH if g.bands[0][1] == band else LOW
    return BandEdge(key, band, side)


def _number_or_edge(r: _Reader, raw: Any, where: str) -> float | BandEdge:
    if isinstance(raw, dict):
        return _band_edge(r, raw, where)
    return r.number(raw, where)


def _quantity(r: _Reader, raw: Any, where: str, runs: list[str], months: int) -> Quantity:
    q = r.table(raw, where, QUANTITY_KEYS)
    run = r.choice(r.need(q, "run", where), f"{where}.run", runs)
    has_col, has_sum = "column" in q, "summary" in q
    if has_col == has_sum:
        raise r.fail(where, "needs exactly one of column or summary")
    times = r.number(q.get("times", 1.0), f"{where}.times")
    plus = r.number(q.get("plus", 0.0), f"{where}.plus")
    if has_sum:
        for key in ("stat", "window", "level", "over"):
            if key in q:
                raise r.fail(f"{where}.{key}", "only a column takes a stat, window, level or over")
        summary = r.choice(q["summary"], f"{where}.summary", summary_fields())
        return Quantity(run=run, summary=summary, times=times, plus=plus)
    column = r.choice(q["column"], f"{where}.column", column_names())
    stat = r.choice(r.need(q, "stat", where), f"{where}.stat", STATS)
    level = None
    if stat in LEVEL_STATS:
        level = _number_or_edge(r, r.need(q, "level", where), f"{where}.level")
    elif "level" in q:
        raise r.fail(f"{where}.level", f"only {' and '.join(LEVEL_STATS)} take a level")
    over = None
    if "over" in q:
        if stat in LEVEL_STATS:
            raise r.fail(f"{where}.over", f"{stat} gives a month; it cannot be divided")
        over = r.choice(q["over"], f"{where}.over", column_names())
    window = _window(r, q.get("window", "all"), f"{where}.window", months)
    return Quantity(
        run=run,
        column=column,
        stat=stat,
        window=window,
        level=level,
        over=over,
        times=times,
        plus=plus,
    )


def _check(r: _Reader, raw: Any, where: str, runs: list[str], months: int) -> Check:
    c = r.table(raw, where, CHECK_KEYS)
    left = _quantity(r, r.need(c, "left", where), f"{where}.left", runs, months)
    op = r.choice(r.need(c, "op", where), f"{where}.op", OPS)
    raw_right = r.need(c, "right", where)
    right: Quantity | BandEdge | float | str | tuple[float, float]
    if isinstance(raw_right, dict) and "band" in raw_right:
        right = _band_edge(r, raw_right, f"{where}.right")
    elif op == "between":
        if not isinstance(raw_right, list) or len(raw_right) != 2:
            raise r.fail(f"{where}.right", "between needs a pair [low, high]")
        lo = r.number(raw_right[0], f"{where}.right[1]")
        hi = r.number(raw_right[1], f"{where}.right[2]")
        if lo > hi:
            raise r.fail(f"{where}.right", f"low {lo:g} is above high {hi:g}")
        right = (lo, hi)
    elif isinstance(raw_right, dict):
        right = _quantity(r, raw_right, f"{where}.right", runs, months)
    elif isinstance(raw_right, str):
        if op not in ("==", "!="):
            raise r.fail(f"{where}.right", f"a word can only be compared with == or !=, not {op}")
        right = r.text(raw_right, f"{where}.right")
    else:
        right = r.number(raw_right, f"{where}.right")
    tolerance = 0.0
    if op == "within":
        tolerance = r.number(r.need(c, "tolerance", where), f"{where}.tolerance")
        if tolerance < 0:
            raise r.fail(f"{where}.tolerance", "must not be negative")
        if isinstance(right, str):
            raise r.fail(f"{where}.right", "within needs a number or a quantity")
    elif "tolerance" in c:
        raise r.fail(f"{where}.tolerance", "only op = within takes a tolerance")
    return Check(left=left, op=op, right=right, tolerance=tolerance)


def _words(r: _Reader, raw: Any, lang: str, n_choices: int | None) -> LessonText:
    t = r.table(raw, lang, TEXT_KEYS)
    for key in sorted(TEXT_KEYS):
        r.need(t, key, lang)
    choices = r.texts(t["choices"], f"{lang}.choices", least=2)
    if n_choices is not None and len(choices) != n_choices:
        raise r.fail(
            f"{lang}.choices",
            f"has {len(choices)} choices but {EN}.choices has {n_choices}: "
            "every language needs the same choices in the same order",
        )
    return LessonText(
        title=r.text(t["title"], f"{lang}.title"),
        question=r.text(t["question"], f"{lang}.question"),
        choices=choices,
        notice=r.text(t["notice"], f"{lang}.notice"),
        explanation=r.text(t["explanation"], f"{lang}.explanation"),
        try_=r.texts(t["try"], f"{lang}.try"),
        claim=r.text(t["claim"], f"{lang}.claim"),
    )


# ---------------------------------------------------------------------- loading
def load_lesson(path: Path | str, glossary: dict[str, GlossaryEntry] | None = None) -> Lesson:
    """Read and validate one lesson file.

    Args:
        path: the ``.toml`` file.
        glossary: the glossary its terms must be in (the shipped one by default).

    Raises:
        LessonError: the file is malformed; the message names the file and the field.
    """
    from params import PresetError, load_preset, preset_names

    path = Path(path)
    r = _Reader(path)
    data = r.table(_read_toml(path), "", TOP_KEYS)
    for key in ("order", "answer", "watch", "setup", "checks", *LANGS):
        r.need(data, key, "")
    order = r.integer(data["order"], "order", 0, 10_000)
    watch = r.choice(data["watch"], "watch", VIEW_PARTS)

    setup = r.table(data["setup"], "setup", SETUP_KEYS)
    for key in sorted(SETUP_KEYS):
        r.need(setup, key, "setup")
    preset = r.choice(setup["preset"], "setup.preset", preset_names())
    try:
        load_preset(preset)
    except PresetError as e:
        raise r.fail("setup.preset", str(e)) from None
    months = r.integer(setup["months"], "setup.months", 1, RUN_MONTHS_MAX)
    knob = setup["knob"]
    value = _parameter(r, knob, setup["value"], preset, "setup.knob")
    show = r.choice(setup["show"], "setup.show", SHOW_CHOICES)

    runs: dict[str, dict[str, float | int]] = {}
    raw_runs = data.get("runs", {})
    if not isinstance(raw_runs, dict):
        raise r.fail("runs", "must be a table of runs: [runs.<name>] with parameter = value")
    for name, values in raw_runs.items():
        where = f"runs.{name}"
        if name in SHOW_CHOICES:
            raise r.fail(where, f"{name!r} is the name of a built-in run; choose another name")
        if not isinstance(values, dict) or not values:
            raise r.fail(where, "must be a table of at least one parameter = value")
        runs[name] = {
            k: _parameter(r, k, v, preset, f"{where}.{k}") for k, v in sorted(values.items())
        }
    run_names = [PRESET_RUN, CHANGED_RUN, *runs]

    raw_checks = data["checks"]
    if not isinstance(raw_checks, list) or not raw_checks:
        raise r.fail("checks", "must be a list of at least one check ([[checks]])")
    checks = tuple(
        _check(r, c, f"checks[{i + 1}]", run_names, months) for i, c in enumerate(raw_checks)
    )

    en = _words(r, data[EN], EN, None)
    text = {EN: en, ZH: _words(r, data[ZH], ZH, len(en.choices))}
    answer = r.integer(data["answer"], "answer", 1, len(en.choices))

    glossary = load_glossary() if glossary is None else glossary
    terms_raw = data.get("terms", [])
    if not isinstance(terms_raw, list):
        raise r.fail("terms", "must be a list of glossary keys")
    terms = tuple(r.choice(t, f"terms[{i + 1}]", sorted(glossary)) for i, t in enumerate(terms_raw))
    return Lesson(
        id=path.stem,
        path=path,
        order=order,
        answer=answer,
        watch=watch,
        terms=terms,
        preset=preset,
        knob=knob,
        value=value,
        months=months,
        show=show,
        runs=runs,
        checks=checks,
        text=text,
    )


def lesson_files(folder: Path | None = None) -> list[Path]:
    """The lesson files of a folder (every ``*.toml`` but the glossary), sorted by name."""
    folder = LESSON_DIR if folder is None else Path(folder)
    return sorted(p for p in folder.glob("*.toml") if p.name != GLOSSARY_FILE.name)


def load_lessons(
    folder: Path | None = None, *, strict: bool = True
) -> tuple[list[Lesson], list[str]]:
    """Every lesson of a folder, in order, and the errors of the files that failed.

    Args:
        folder: where the lesson files are (``lessons/`` by default).
        strict: raise the first :class:`LessonError` instead of collecting it.

    Returns:
        (lessons sorted by ``order`` then id, error messages).
    """
    glossary = load_glossary()
    lessons: list[Lesson] = []
    errors: list[str] = []
    for path in lesson_files(folder):
        try:
            lessons.append(load_lesson(path, glossary))
        except LessonError as e:
            if strict:
                raise
            errors.append(str(e))
    seen: dict[int, str] = {}
    for lesson in sorted(lessons, key=lambda x: (x.order, x.id)):
        if lesson.order in seen:
            message = (
                f"{lesson.path.name}: order: {lesson.order} is also the order of "
                f"{seen[lesson.order]}.toml"
            )
            if strict:
                raise LessonError(message)
            errors.append(message)
        seen.setdefault(lesson.order, lesson.id)
    lessons.sort(key=lambda x: (x.order, x.id))
    return lessons, errors


@functools.cache
def _glossary_cached(path: Path) -> dict[str, GlossaryEntry]:
    return _load_glossary(path)


def load_glossary(path: Path | None = None) -> dict[str, GlossaryEntry]:
    """The glossary: key -> entry with the term and its explanation in each language.

    Raises:
        LessonError: an entry lacks a language, a term or a text (names the file and field).
    """
    return _glossary_cached(GLOSSARY_FILE if path is None else Path(path))


def _load_glossary(path: Path) -> dict[str, GlossaryEntry]:
    r = _Reader(path)
    data = _read_toml(path)
    out: dict[str, GlossaryEntry] = {}
    for key, entry in data.items():
        r.table(entry, key, set(LANGS))
        term: dict[str, str] = {}
        text: dict[str, str] = {}
        for lang in LANGS:
            words = r.table(r.need(entry, lang, key), f"{key}.{lang}", GLOSSARY_KEYS)
            term[lang] = r.text(r.need(words, "term", f"{key}.{lang}"), f"{key}.{lang}.term")
            text[lang] = r.text(r.need(words, "text", f"{key}.{lang}"), f"{key}.{lang}.text")
        out[key] = GlossaryEntry(key=key, term=term, text=text)
    if not out:
        raise LessonError(f"{path.name}: the glossary has no entries")
    return out
