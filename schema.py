"""Typed checks of the fields of input files: the layer every file kind validates with.

A file kind (a preset, a sweep file, a run record; later deal files and priors) reads its
file with :mod:`fileio` and checks each field with the functions here. Each check takes a
:class:`Where` (the file, the entry: a key, a contract, a case) and the field's name, and
either returns the value in its checked type or raises the file kind's own error class
with one message naming the file, the entry, the field, what is allowed and what came::

    scenarios/x.toml: contract 2: field 'value': must be a number from 0 (excluded) to
    10000 (US$ bn), got inf

Rules every check keeps: ``True``/``False`` are not numbers, text is not a number (a
number written as a string is refused: "0.5" is a typo waiting to happen), every number
has a range and is finite, an integer of hundreds of digits is refused without being
turned into a float (that would overflow), and the value quoted in a message is cut
short. Dates are ``"YYYY-MM"`` months inside the model's horizon (:data:`HORIZON_MONTHS`
from January 2024).

Imports nothing of ours but :mod:`errors`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from typing import Any

from errors import InputError

START_YEAR = 2024  # month 0 is January 2024
HORIZON_MONTHS = 1200
HORIZON_REASON = (
    "the model runs from January 2024; 1,200 months reach December 2123, a century past any "
    "figure it is calibrated to, and keep a run to seconds"
)
MAX_TEXT_CHARS = 10_000  # a description, a reason, a note
MAX_NAME_CHARS = 200  # an id, a key, a node name
_SHOW_CHARS = 60


def last_month_text() -> str:
    """The last month of the horizon as ``YYYY-MM``."""
    return month_text(HORIZON_MONTHS - 1)


def month_text(month: int) -> str:
    """Month index (0 = January 2024) as ``YYYY-MM``."""
    year, m = divmod(month, 12)
    return f"{START_YEAR + year:04d}-{m + 1:02d}"


def show(value: Any) -> str:
    """A short description of a value for a message (never the whole of a huge value)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) >= 10**30:
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    if isinstance(value, dict):
        return f"a table of {len(value)} entr{'y' if len(value) == 1 else 'ies'}"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} item{'' if len(value) == 1 else 's'}"
    text = repr(value)
    return text if len(text) <= _SHOW_CHARS else text[: _SHOW_CHARS - 3] + "..."


def _g(x: float) -> str:
    return f"{x:,}" if isinstance(x, int) else f"{x:g}"


class Where:
    """Where a value sits: the file, the entry inside it, and the error class to raise.

    Args:
        file: how messages name the file (its path, or its name).
        entry: the entry inside the file ("key 'bass_p'", "contract 2", "case 'a'"), or
            None for the file's top level.
        error: the exception class raised (a subclass of ``ValueError``).
    """

    def __init__(self, file: str, entry: str | None = None, *, error: type[Exception] = InputError):
        self.file = str(file)
        self.entry = entry
        self.error = error

    def at(self, entry: str) -> Where:
        """The same file, another entry."""
        return Where(self.file, entry, error=self.error)

    def fail(self, field: str | None, problem: str) -> Exception:
        """The error for ``field`` (None: the entry itself) with ``problem``."""
        parts = [self.file]
        if self.entry:
            parts.append(self.entry)
        if field:
            parts.append(f"field {field!r}")
        return self.error(": ".join(parts) + ": " + problem)

    def bad(self, field: str | None, allowed: str, value: Any, hint: str = "") -> Exception:
        """The error "field 'x' must be ``allowed``, got ``value``" (then ``hint``)."""
        parts = [self.file, *([self.entry] if self.entry else [])]
        subject = f"field {field!r} must" if field else "must"
        return self.error(": ".join(parts) + f": {subject} be {allowed}, got {show(value)}{hint}")


# ---------------------------------------------------------------------- numbers
def is_number(value: Any) -> bool:
    """An int or float, not a bool (NumPy numbers count)."""
    import numbers

    return (
        isinstance(value, numbers.Real) and not isinstance(value, bool) and not _is_np_bool(value)
    )


def _is_np_bool(value: Any) -> bool:
    return type(value).__name__ == "bool_"


def is_finite(value: Any) -> bool:
    """A number that is finite, checked without overflow.

    A 400-digit integer is finite but is no float: check a range too.
    """
    if not is_number(value):
        return False
    if isinstance(value, int):
        return True
    try:
        return math.isfinite(value)
    except OverflowError:  # pragma: no cover - an int subclass
        return False


def range_text(
    lo: float, hi: float, *, integer: bool = False, lo_open: bool = False, hi_open: bool = False
) -> str:
    """``a number from 0 to 1`` / ``a whole number from 1 to 240`` / ``... 0 (excluded)``."""
    kind = "a whole number" if integer else "a number"
    if lo == 0 and lo_open and not hi_open:
        return f"a positive {kind.removeprefix('a ')} up to {_g(hi)}"
    lo_t = _g(lo) + (" (excluded)" if lo_open else "")
    hi_t = _g(hi) + (" (excluded)" if hi_open else "")
    return f"{kind} from {lo_t} to {hi_t}"


def number(
    where: Where,
    field: str | None,
    value: Any,
    *,
    lo: float,
    hi: float,
    integer: bool = False,
    lo_open: bool = False,
    hi_open: bool = False,
    unit: str = "",
) -> Any:
    """A finite number in ``lo..hi`` (ends included unless ``*_open``); returns int or float.

    Raises:
        where.error: not a number (a bool or a string counts as not), not finite, not
            whole when ``integer``, or out of range.
    """
    allowed = range_text(lo, hi, integer=integer, lo_open=lo_open, hi_open=hi_open)
    if unit:
        allowed += f" ({unit})"
    if not is_finite(value):
        raise where.bad(field, allowed, value)
    if integer and not (isinstance(value, int) or float(value).is_integer()):
        raise where.bad(field, allowed, value)
    below = value <= lo if lo_open else value < lo
    above = value >= hi if hi_open else value > hi
    if below or above:  # exact comparison: no overflow for huge integers
        raise where.bad(field, allowed, value)
    return int(value) if integer else float(value)


def whole(where: Where, field: str | None, value: Any, *, lo: int, hi: int, unit: str = "") -> int:
    """A whole number in ``lo..hi`` written as an integer (``12.0`` is refused too)."""
    if isinstance(value, float):
        raise where.bad(field, range_text(lo, hi, integer=True), value)
    return number(where, field, value, lo=lo, hi=hi, integer=True, unit=unit)


# ---------------------------------------------------------------------- other types
def text(
    where: Where,
    field: str | None,
    value: Any,
    *,
    max_chars: int = MAX_TEXT_CHARS,
    empty: bool = False,
) -> str:
    """A string (stripped), non-empty unless ``empty``, at most ``max_chars`` long."""
    allowed = f"text of at most {max_chars:,} characters" + ("" if empty else ", not empty")
    if not isinstance(value, str):
        raise where.bad(field, allowed, value)
    value = value.strip()
    if (not value and not empty) or len(value) > max_chars:
        raise where.bad(field, allowed, value)
    return value


def choice(where: Where, field: str | None, value: Any, allowed: Collection[str]) -> str:
    """One of the strings ``allowed`` (listed in the message, with close matches)."""
    if isinstance(value, str) and value in allowed:
        return value
    hint = ""
    if isinstance(value, str):
        import difflib

        close = difflib.get_close_matches(value, list(allowed), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
    listed = ", ".join(sorted(allowed)) if len(allowed) <= 20 else f"{len(allowed)} names"
    raise where.bad(field, f"one of {listed}", value, hint)


def boolean(where: Where, field: str | None, value: Any) -> bool:
    """``true`` or ``false``."""
    if not isinstance(value, bool):
        raise where.bad(field, "true or false", value)
    return value


def table(
    where: Where,
    field: str | None,
    value: Any,
    *,
    allowed: Iterable[str] | None = None,
    required: Iterable[str] = (),
) -> dict[str, Any]:
    """A table (dict) whose keys are among ``allowed`` and include ``required``."""
    if not isinstance(value, dict):
        raise where.bad(field, "a table", value)
    if allowed is not None:
        ok = set(allowed)
        extra = sorted(str(k) for k in value if k not in ok)
        if extra:
            raise where.fail(field, f"unknown field {extra[0]!r}; allowed: {', '.join(sorted(ok))}")
    missing = [k for k in required if k not in value]
    if missing:
        raise where.fail(field, f"missing field {missing[0]!r}")
    return value


def items(
    where: Where, field: str | None, value: Any, *, max_items: int, min_items: int = 0
) -> list[Any]:
    """A list of ``min_items`` to ``max_items`` items."""
    allowed = f"a list of {min_items:,} to {max_items:,} items"
    if not isinstance(value, list) or not min_items <= len(value) <= max_items:
        raise where.bad(field, allowed, value)
    return value


def month(where: Where, field: str | None, value: Any) -> int:
    """A month ``"YYYY-MM"`` inside the horizon, as its index (0 = January 2024)."""
    allowed = f'a month "YYYY-MM" from {month_text(0)} to {last_month_text()}'
    if not isinstance(value, str) or len(value) > 16:
        raise where.bad(field, allowed, value)
    year_t, sep, month_t = value.strip().partition("-")
    if not (sep and year_t.isdigit() and month_t.isdigit() and len(month_t) <= 2):
        raise where.bad(field, allowed, value)
    index = (int(year_t) - START_YEAR) * 12 + int(month_t) - 1
    if not 1 <= int(month_t) <= 12 or not 0 <= index < HORIZON_MONTHS:
        raise where.bad(field, allowed, value)
    return index
