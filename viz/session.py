"""One browser session's simulation: the model, its settings and the knobs' state.

Plain Python (no Solara), so the page's logic can be tested without a browser. Each page
builds its own :class:`Simulation`; nothing here is shared between sessions.

The Play loop steps the model in its own thread while the page draws it. A step holds the
simulation's lock from start to end, and the page draws only through :class:`Shown`, which
reads the model under the same lock: a picture never sees a month half-recorded (some
columns one month longer than others).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from model import AIBubbleModel
from params import Params, param_info, preset_problems
from text import has, tr

HORIZON_MONTHS = 120  # Play stops here (ten years, January 2024 to December 2033)
DEFAULT_SEED = 42
DEFAULT_PRESET = "seed"


# An absolute path (a folder, then more): a visitor is shown only its last part.
_PATH = re.compile(r"(?<![\w.~-])(?:[A-Za-z]:)?(?:[/\\][^\s/\\:'\"]+)*[/\\]([^\s/\\:'\"]+)")


def public_message(message: str) -> str:
    """A message as a visitor may see it: its first line, with file names but no folders.

    Input errors are one line naming the file and the field; some name the file by its full
    path on the server, which is not the visitor's business.
    """
    first = message.strip().splitlines()[0] if message.strip() else message
    return _PATH.sub(lambda m: m.group(1), first)


def usable_presets() -> list[str]:
    """Presets whose files load (a malformed file is listed as unusable, with its error)."""
    return preset_problems()[0]


def unusable_presets() -> dict[str, str]:
    """Presets whose files do not load, with the one-line error a visitor may see."""
    return {name: public_message(problem) for name, problem in preset_problems()[1].items()}


MAX_SEED = 2**32 - 1

# The knobs the page shows, in order (each a parameter of params.Params).
KNOBS: tuple[str, ...] = (
    "milestone_investment_per_gw",
    "milestone_investment_cap",
    "paid_growth_decay",
    "inference_price_decline",
    "capex_per_gw",
    "momentum_share",
    "vendor_credit_share",
    "leverage_limit",
)


def knob_names() -> list[str]:
    """Parameters shown as knobs, in order."""
    return list(KNOBS)


def knob_label(name: str, lang: str) -> str:
    """The knob's name in ``lang`` (the parameter's own description if it has no entry)."""
    key = f"knob_{name}"
    return tr(key, lang) if has(key) else str(param_info(name)["doc"])


def knob_range_error(name: str, value: float, text: str, lang: str) -> str | None:
    """The knob's allowed range in ``lang`` with its label, if ``value`` is outside it."""
    info = param_info(name)
    lo, hi = info["lo"], info["hi"]
    whole = not info["integer"] or float(value).is_integer()
    above = value >= hi if info["hi_open"] else value > hi
    if whole and lo <= value and not above:
        return None
    key = "knob_range_open" if info["hi_open"] else "knob_range"
    key = "knob_range_int" if info["integer"] else key
    return tr(key, lang, name=knob_label(name, lang), lo=f"{lo:g}", hi=f"{hi:g}", text=text.strip())


@dataclass
class FieldState:
    """What a knob's text field shows: the text typed and the error it raised, if any."""

    text: str
    error: str | None = None


T = TypeVar("T")


@dataclass(frozen=True)
class Shown:
    """What the page shows: a model and its month count, read together.

    Attributes:
        model: the model shown.
        months: months simulated when the page took this snapshot (its memo key).
        lock: the simulation's lock; :meth:`read` holds it while it draws.
    """

    model: Any
    months: int
    lock: Any

    @property
    def key(self) -> tuple[int, int]:
        """What identifies this picture: the model and its month count."""
        return id(self.model), self.months

    def read(self, draw: Callable[..., T], *args: Any) -> T:
        """``draw(model, *args)``, with no step running meanwhile."""
        with self.lock:
            return draw(self.model, *args)


def format_value(value: float | int) -> str:
    """A parameter value as the text a field shows (``1``, ``0.853``, ``1e+04``)."""
    return f"{value:g}"


class Simulation:
    """The model of one browser session and the settings it was built from.

    Args:
        preset: scenario preset name.
        seed: random seed passed to the model as ``rng``.
    """

    def __init__(self, preset: str = DEFAULT_PRESET, seed: int = DEFAULT_SEED):
        self.preset = preset if preset in usable_presets() else usable_presets()[0]
        self.seed = seed
        self.overrides: dict[str, Any] = {}
        self.fields: dict[str, FieldState] = {}
        self.seed_field = FieldState(str(seed))
        self.lock = threading.RLock()  # held by a step, and by the page while it draws
        self.generation = 0  # bumped by every reset, so a running Play loop can tell
        self.failure: str | None = None  # what went wrong in the last step, if anything
        self.preset_problem: str | None = None  # the error of an unusable preset just picked
        self.unusable_picks = 0  # how many times one was picked (the menu then shows the preset)
        self.closed = False  # the page is gone: see close()
        self.model = self._build()
        self._sync_fields()

    # ------------------------------------------------------------------ building
    def _build(self) -> AIBubbleModel:
        return AIBubbleModel(rng=self.seed, preset=self.preset, **self.overrides)

    def _sync_fields(self) -> None:
        p = self.model.p
        names = knob_names()
        names += [n for n in self.overrides if n not in names]  # a lesson's knob shows too
        self.fields = {n: FieldState(format_value(getattr(p, n))) for n in names}
        self.seed_field = FieldState(str(self.seed))

    def reset(self) -> None:
        """A new model from the current preset, overrides and seed (month 0 again)."""
        with self.lock:
            self.model = self._build()
            self.generation += 1
            self.failure = None
            errors = {n: f for n, f in self.fields.items() if f.error}
            seed_field = self.seed_field
            self._sync_fields()
            self.fields.update(errors)  # a rejected value stays visible with its message
            if seed_field.error:
                self.seed_field = seed_field

    def pick_preset(self, name: str) -> str | None:
        """A preset picked from the menu: switch to it, or say why it cannot be used.

        Returns the one-line error of an unusable preset file (and changes nothing).
        """
        bad = unusable_presets()
        if name in bad:
            self.preset_problem = bad[name]
            self.unusable_picks += 1
            return self.preset_problem
        self.set_preset(name)
        return None

    def set_preset(self, name: str) -> None:
        """Switch preset: its values replace every knob, and the run starts again."""
        if name not in usable_presets():
            raise ValueError(f"unknown preset {name!r}")
        self.preset_problem = None
        self.preset = name
        self.overrides = {}
        for f in self.fields.values():
            f.error = None
        self.reset()

    def show_run(self, preset: str, overrides: dict[str, Any], model: AIBubbleModel) -> None:
        """Show a model that was run elsewhere (a lesson's run) with the settings it used.

        The knobs show its values; Reset starts it again from month 0.
        """
        if preset not in usable_presets():
            raise ValueError(f"unknown preset {preset!r}")
        with self.lock:
            self.preset = preset
            self.overrides = dict(overrides)
            self.model = model
            self.generation += 1
            self.failure = None
            self._sync_fields()

    def close(self) -> None:
        """Free the model: the session is over (its tab closed, or the session expired).

        The page calls this when Solara closes the session, so the model goes at once even
        if something (a Play loop finishing its last step) still holds this object; such a
        loop finds nothing to step. Idempotent.
        """
        with self.lock:
            self.closed = True
            self.generation += 1  # a running Play loop stops
            self.model = None  # type: ignore[assignment]  # reason: a closed session has no model

    # ------------------------------------------------------------------ stepping
    def shown(self) -> Shown:
        """The model shown and its month count, taken together between two steps."""
        with self.lock:
            return Shown(self.model, self.months_run, self.lock)

    @property
    def months_run(self) -> int:
        """Months simulated so far (0 before the first step)."""
        return self.model.month + 1

    @property
    def at_horizon(self) -> bool:
        """Whether the run has reached :data:`HORIZON_MONTHS`."""
        return self.months_run >= HORIZON_MONTHS

    def step(self, generation: int | None = None) -> bool:
        """Advance one month; False (and no step) at the horizon or after a reset.

        Args:
            generation: if given, step only while the model is still the one of that
                generation (a Play loop started before a Reset must not step the new run).
        """
        with self.lock:
            if self.closed or (generation is not None and generation != self.generation):
                return False
            if self.at_horizon or self.failure:
                return False
            try:
                self.model.step()
            except Exception as e:  # the page must survive a model error: show it instead
                self.failure = public_message(f"{type(e).__name__}: {e}")
                return False
            return True

    # ------------------------------------------------------------------ knobs
    def knob_value(self, name: str) -> float | int:
        """The value the current model uses for ``name``."""
        return getattr(self.model.p, name)

    def set_knob(self, name: str, text: str, lang: str = "en") -> str | None:
        """Apply a typed value; returns the error message (and changes nothing) if rejected.

        The value is validated by building the parameters exactly as the model would, so the
        message is the model's own ``ValueError`` (naming the field and its allowed range).
        A valid new value starts a new run.
        """
        field = self.fields.setdefault(name, FieldState(text))
        field.text = text
        label = knob_label(name, lang)
        stripped = text.strip().replace("_", "")
        if "," in stripped:  # 0,5 or 4,5: a decimal comma, or thousands? Ask, never guess
            field.error = tr("decimal_comma", lang, name=label, text=text)
            return field.error
        try:
            value: float | int = float(stripped)
        except ValueError:
            field.error = tr("not_a_number", lang, name=label, text=text)
            return field.error
        info = param_info(name)
        if info["integer"] and value.is_integer():
            value = int(value)
        range_error = knob_range_error(name, value, text, lang)
        if range_error is not None:
            field.error = range_error
            return field.error
        overrides = {**self.overrides, name: value}
        try:
            Params.from_preset(self.preset, **overrides)
        except ValueError as e:  # a rule on values together (the model's own words)
            field.error = tr("knob_rejected", lang, name=label, message=str(e))
            return field.error
        field.error = None
        if value == self.knob_value(name):
            field.text = format_value(value)
            return None
        previous = self.overrides
        self.overrides = overrides
        try:
            self.reset()
        except Exception as e:  # valid alone but the model cannot start from it
            self.overrides = previous
            field.error = f"{type(e).__name__}: {e}"
            return field.error
        return None

    def set_seed(self, text: str, lang: str = "en") -> str | None:
        """Apply a typed random seed; returns the error message if it is not valid."""
        self.seed_field.text = text
        try:
            value = int(text.strip())
        except ValueError:
            value = -1
        if not 0 <= value <= MAX_SEED:
            self.seed_field.error = tr("seed_error", lang)
            return self.seed_field.error
        self.seed_field.error = None
        if value != self.seed:
            self.seed = value
            self.reset()
        return None
