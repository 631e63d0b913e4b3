"""Priors as data: which parameters an ensemble draws, from what distribution, and why.

A prior is a TOML file (``scenarios/priors/NAME.toml`` for a preset's own prior, or any
file given with ``--prior FILE``)::

    description = "what this prior says"

    [params.api_price_elasticity]
    distribution = "triangular"   # uniform, loguniform or triangular
    low = 0.7
    mode = 1.1                    # triangular only
    high = 1.5
    reason = "why this range"

or one of the named priors, built from ``data/calibration.csv`` for the preset in hand:

* ``wide``: every parameter of the default list, uniform over the table's plausible range
  (its ``low`` and ``high``);
* ``narrow``: the same parameters, uniform within 20% of the preset's value, clipped to
  the table's range (a parameter whose value is 0, or whose clipped range is one point,
  is held at its value).

The default list (:func:`default_names`, docs/ensembles.md "What is drawn"): the
parameters whose calibration row is ``assumed``, with a plausible range inside the
parameter's allowed range, except those :func:`never_drawn` names: definitions (the
regime tests), switches (the cascade method of the report), and the opening values and
signed terms of January 2024. A prior file may draw other parameters (a reported figure's
uncertainty), never those.

Without ``--prior``, a preset's ensemble uses ``scenarios/priors/<preset>.toml`` and,
where a preset has none, :func:`preset_prior` (what ``scripts/write_priors.py`` would
write: the default list less the parameters the preset sets itself).

Draws are a Latin hypercube (``scipy.stats.qmc``) mapped through each distribution's
quantile function; integer parameters are drawn on ``[low - 0.5, high + 0.5]`` and
rounded, so each whole value in the range has its share.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import EnsembleError

DISTRIBUTIONS = ("uniform", "loguniform", "triangular")
NAMED_PRIORS = ("wide", "narrow")
NARROW_SHARE = 0.2  # narrow: within 20% of the preset's value
LOG_SPAN = 10.0  # preset priors: loguniform where high / low reaches this
_TOP_KEYS = ("description", "params")
_DIST_KEYS = ("distribution", "low", "high", "mode", "reason")
MAX_REASON_CHARS = 2000
LHS_KEY = 0  # SeedSequence spawn key of the Latin hypercube (draws use (1, draw_id))
DRAW_KEY = 1

REGIME_DEFINITIONS = frozenset(
    {
        "regime_window_months",
        "regime_persist_months",
        "plateau_growth",
        "rising_min_runway",
        "stalling_max_runway",
    }
)
SWITCHES = {  # name -> what it switches (never drawn: a choice of model, not a belief)
    "financing_constraints": "it switches the funding rule off for counterfactuals (§7.17)",
}
OPENING_PREFIXES = ("open_", "other_income_", "opening_")
OPENING_NAMES = frozenset(
    {
        "users_initial",
        "users_growth_2023",
        "microsoft_stake_in_openai",
        "equity_funds_stake_in_openai",
        "nvidia_stake_in_coreweave",
    }
)
SIGNED_TERM_PREFIXES = ("amd_warrant_",)


class PriorError(EnsembleError):
    """A prior that cannot be used; the message names the file (or prior) and the key."""


def never_drawn(name: str) -> str | None:
    """Why a parameter is never drawn (a definition, a switch, an opening value), or None."""
    if name in REGIME_DEFINITIONS:
        return "a definition (a regime test of docs/model.md §7.13)"
    if name in SWITCHES:
        return f"a switch ({SWITCHES[name]})"
    if name in OPENING_NAMES or name.startswith(OPENING_PREFIXES):
        return "an opening value (the books, holdings and users of January 2024)"
    if name.startswith(SIGNED_TERM_PREFIXES):
        return "a term of a signed deal"
    return None


def table_range(name: str) -> tuple[float, float] | None:
    """The calibration table's plausible range of a parameter, or None.

    None where the row has no numeric range, where low is not below high, or where the
    range reaches outside the parameter's allowed range.
    """
    from params import param_info

    info = param_info(name)
    try:
        lo, hi = float(info["sweep_low"]), float(info["sweep_high"])
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lo) and math.isfinite(hi)) or not lo < hi:
        return None
    top_ok = hi < info["hi"] if info["hi_open"] else hi <= info["hi"]
    return (lo, hi) if info["lo"] <= lo and top_ok else None


def default_names() -> list[str]:
    """The default list: ``assumed`` parameters with a range, less :func:`never_drawn`."""
    from params import PARAM_NAMES, param_info

    return sorted(
        n
        for n in PARAM_NAMES
        if param_info(n)["provenance"] == "assumed"
        and never_drawn(n) is None
        and table_range(n) is not None
    )


# ---------------------------------------------------------------------- distributions
@dataclass(frozen=True)
class Dist:
    """How one parameter is drawn."""

    name: str
    distribution: str
    low: float
    high: float
    mode: float | None
    reason: str
    integer: bool = False

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """Values at the unit-interval points ``u`` (the distribution's quantile function)."""
        lo, hi, mode = self.low, self.high, self.mode
        if self.integer:
            lo, hi = lo - 0.5, hi + 0.5
        if self.distribution == "uniform":
            x = lo + u * (hi - lo)
        elif self.distribution == "loguniform":
            x = np.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        else:  # triangular
            from scipy.stats import triang

            c = ((mode if mode is not None else lo) - lo) / (hi - lo)
            x = triang.ppf(u, c, loc=lo, scale=hi - lo)
        if self.integer:
            return np.clip(np.rint(x), self.low, self.high)
        return np.clip(x, self.low, self.high)

    def to_json(self) -> dict[str, Any]:
        """The entry as a plain dict (what the store keeps)."""
        out: dict[str, Any] = {
            "distribution": self.distribution,
            "low": self.low,
            "high": self.high,
        }
        if self.mode is not None:
            out["mode"] = self.mode
        out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class Prior:
    """A prior: where it came from and each drawn parameter's distribution (sorted by name)."""

    name: str
    source: str
    description: str
    dists: tuple[Dist, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The drawn parameters, sorted."""
        return tuple(d.name for d in self.dists)

    def to_json(self) -> dict[str, Any]:
        """The prior as plain data (its name, source, description and every entry)."""
        return {
            "name": self.name,
            "source": self.source,
            "description": self.description,
            "params": {d.name: d.to_json() for d in self.dists},
        }

    def fingerprint(self) -> str:
        """A hash of the distributions (not the words): two priors that draw alike match."""
        draws = {d.name: [d.distribution, d.low, d.high, d.mode, d.integer] for d in self.dists}
        return hashlib.sha256(json.dumps(draws, sort_keys=True).encode()).hexdigest()[:16]

    def draw(self, n: int, root_seed: int) -> list[dict[str, float | int]]:
        """``n`` Latin-hypercube draws; the same ``n`` and ``root_seed`` give the same draws."""
        if n < 1:
            raise PriorError(f"draws must be a whole number >= 1, got {n}")
        if not self.dists:
            return [{} for _ in range(n)]
        from scipy.stats import qmc

        rng = np.random.default_rng(np.random.SeedSequence(root_seed, spawn_key=(LHS_KEY,)))
        unit = qmc.LatinHypercube(d=len(self.dists), rng=rng).random(n)
        columns = [d.quantile(unit[:, j]) for j, d in enumerate(self.dists)]
        out: list[dict[str, float | int]] = []
        for i in range(n):
            row: dict[str, float | int] = {}
            for d, col in zip(self.dists, columns, strict=True):
                row[d.name] = int(col[i]) if d.integer else float(col[i])
            out.append(row)
        return out


def draw_seed(root_seed: int, draw_id: int) -> int:
    """The model seed of one draw: 63 bits from its own ``SeedSequence`` child."""
    seq = np.random.SeedSequence(root_seed, spawn_key=(DRAW_KEY, draw_id))
    hi, lo = seq.generate_state(2, np.uint32)
    return ((int(hi) << 32) | int(lo)) >> 1


# ---------------------------------------------------------------------- checking
def _number(where: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PriorError(f"{where}: {key} must be a number, got {value!r:.80}")
    if isinstance(value, int) and abs(value) > 1e300:
        raise PriorError(f"{where}: {key} is a number too large to use")
    x = float(value)
    if not math.isfinite(x):
        raise PriorError(f"{where}: {key} must be a finite number, got {value!r}")
    return x


def _unknown(name: str) -> str:
    from params import PARAM_NAMES

    close = difflib.get_close_matches(name, PARAM_NAMES, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"unknown parameter{hint}; `run.py params` lists them all"


def _check_fields(where: str, key: str, entry: Any) -> tuple[str, str]:
    """The entry's shape: a table of known fields with a known distribution and a reason."""
    if not isinstance(entry, dict):
        raise PriorError(f"{where}: {key} must be a table with distribution, low, high and reason")
    extra = sorted(set(entry) - set(_DIST_KEYS))
    if extra:
        raise PriorError(f"{where}: {key}.{extra[0]}: unknown field; allowed: {list(_DIST_KEYS)}")
    missing = [k for k in ("distribution", "low", "high", "reason") if k not in entry]
    if missing:
        raise PriorError(f"{where}: {key}.{missing[0]} is missing")
    kind = entry["distribution"]
    if kind not in DISTRIBUTIONS:
        raise PriorError(
            f"{where}: {key}.distribution: unknown distribution {str(kind)[:80]!r}; "
            f"known: {', '.join(DISTRIBUTIONS)}"
        )
    reason = entry["reason"]
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON_CHARS:
        raise PriorError(
            f"{where}: {key}.reason must be a non-empty string of at most "
            f"{MAX_REASON_CHARS:,} characters"
        )
    if kind == "triangular" and "mode" not in entry:
        raise PriorError(f"{where}: {key}.mode is missing (a triangular prior needs one)")
    if kind != "triangular" and "mode" in entry:
        raise PriorError(f"{where}: {key}.mode: only a triangular prior has a mode")
    return kind, " ".join(reason.split())


def _check_bounds(where: str, key: str, name: str, bounds: dict[str, float]) -> None:
    """Each bound inside the parameter's allowed range (a whole number for an integer)."""
    from params import PARAM_FIELDS, allowed_range

    meta = PARAM_FIELDS[name].metadata
    for field_name, x in bounds.items():
        if meta["integer"] and x != int(x):
            raise PriorError(f"{where}: {key}.{field_name}: {name} is a whole number, got {x:g}")
        above = x >= meta["hi"] if meta["hi_open"] else x > meta["hi"]
        if x < meta["lo"] or above:
            raise PriorError(
                f"{where}: {key}.{field_name} = {x:g} is outside the parameter's allowed "
                f"range: {allowed_range(name)}"
            )


def check_dist(where: str, name: str, entry: Any) -> Dist:
    """One ``[params.NAME]`` entry, checked; ``where`` names the file for messages.

    Raises:
        PriorError: naming ``where`` and ``params.NAME`` (and the field): an unknown or
            never-drawn parameter, an unknown field or distribution, a bound that is not
            a number, a range outside the parameter's allowed range, or no reason.
    """
    from params import PARAM_FIELDS

    key = f"params.{name}"
    if name not in PARAM_FIELDS:
        raise PriorError(f"{where}: {key}: {_unknown(name)}")
    why = never_drawn(name)
    if why is not None:
        raise PriorError(f"{where}: {key}: {name} is {why}, never drawn")
    kind, reason = _check_fields(where, key, entry)
    bounds = {
        f: _number(where, f"{key}.{f}", entry[f]) for f in ("low", "high", "mode") if f in entry
    }
    low, high, mode = bounds["low"], bounds["high"], bounds.get("mode")
    if not low < high:
        raise PriorError(f"{where}: {key}: low must be below high, got {low:g} and {high:g}")
    _check_bounds(where, key, name, bounds)
    if mode is not None and not low <= mode <= high:
        raise PriorError(
            f"{where}: {key}.mode = {mode:g} must lie from low ({low:g}) to high ({high:g})"
        )
    integer = _integer(name)
    if kind == "loguniform" and (low <= 0 or (integer and low < 1)):
        need = "1 or more" if integer else "above 0"
        raise PriorError(f"{where}: {key}.low: a loguniform prior needs low {need}, got {low:g}")
    return Dist(name, kind, low, high, mode, reason, integer)


def load_prior_file(path: Path | str, label: str | None = None) -> Prior:
    """Read and check a prior file.

    Raises:
        PriorError: the file cannot be read (missing, too large, not UTF-8), is not valid
            TOML, has an unknown top-level key, or an entry :func:`check_dist` refuses.
    """
    from fileio import load_toml

    path = Path(path)
    where = label or str(path)
    data = load_toml(path, what="prior", error=PriorError, label=where)
    extra = sorted(set(data) - set(_TOP_KEYS))
    if extra:
        raise PriorError(f"{where}: {extra[0]}: unknown top-level key; allowed: {list(_TOP_KEYS)}")
    description = data.get("description", "")
    if not isinstance(description, str) or len(description) > 10_000:
        raise PriorError(f"{where}: description must be a string of at most 10,000 characters")
    table = data.get("params", {})
    if not isinstance(table, dict):
        raise PriorError(f"{where}: params must be a table of [params.NAME] entries")
    dists = tuple(check_dist(where, name, table[name]) for name in sorted(table))
    return Prior(path.stem, where, description.strip(), dists)


# ---------------------------------------------------------------------- named priors
def _preset_values(scenario: str | None) -> tuple[dict[str, Any], set[str]]:
    """The preset's parameter values and the names the preset (or a parent) sets itself."""
    from params import Params, PresetError, load_preset

    try:
        values = Params.from_preset(scenario).to_dict()
        own = set(load_preset(scenario).values) if scenario is not None else set()
    except PresetError as e:
        raise PriorError(str(e)) from None
    return values, own


def _integer(name: str) -> bool:
    from params import PARAM_FIELDS

    return bool(PARAM_FIELDS[name].metadata["integer"])


def _source_note(name: str) -> str:
    from params import param_info

    source = " ".join(str(param_info(name)["source"]).split())
    return source if len(source) <= 300 else source[:297] + "..."


def wide_prior(scenario: str | None = None) -> Prior:
    """``wide``: every parameter of the default list, uniform over the table's range."""
    dists = []
    for name in default_names():
        lo, hi = table_range(name) or (0.0, 0.0)
        reason = f"wide: the calibration table's plausible range ({_source_note(name)})"
        dists.append(Dist(name, "uniform", lo, hi, None, reason, _integer(name)))
    return Prior(
        "wide",
        "named prior wide (data/calibration.csv)",
        "every assumed behavioural and financial parameter, uniform over the calibration "
        "table's plausible range",
        tuple(dists),
    )


def narrow_prior(scenario: str | None) -> Prior:
    """``narrow``: the default list, uniform within 20% of the preset's value, clipped."""
    values, _ = _preset_values(scenario)
    dists = []
    for name in default_names():
        t_lo, t_hi = table_range(name) or (0.0, 0.0)
        v = float(values[name])
        lo, hi = sorted((v * (1 - NARROW_SHARE), v * (1 + NARROW_SHARE)))
        lo, hi = max(lo, t_lo), min(hi, t_hi)
        if _integer(name):
            lo, hi = float(math.ceil(lo - 1e-9)), float(math.floor(hi + 1e-9))
        if not lo < hi:
            continue  # the value is 0, or the range shrank to a point: held
        reason = (
            f"narrow: within {NARROW_SHARE:.0%} of the preset's value {v:g}, clipped to the "
            f"table's range {t_lo:g} to {t_hi:g}"
        )
        dists.append(Dist(name, "uniform", lo, hi, None, reason, _integer(name)))
    return Prior(
        "narrow",
        f"named prior narrow (within {NARROW_SHARE:.0%} of {scenario or 'the defaults'})",
        f"the default list within {NARROW_SHARE:.0%} of the preset's values, clipped to the "
        "calibration table's ranges",
        tuple(dists),
    )


def preset_prior(scenario: str | None) -> Prior:
    """The rule's prior for a preset: the default list less what the preset sets itself.

    Each parameter over the table's range: loguniform where the range spans a factor of
    :data:`LOG_SPAN` or more (from above 0), else triangular with its mode at the preset's
    value (uniform where that value lies outside the range).
    """
    values, own = _preset_values(scenario)
    dists = []
    for name in default_names():
        if name in own:
            continue
        lo, hi = table_range(name) or (0.0, 0.0)
        v = float(values[name])
        note = _source_note(name)
        if lo > 0 and hi / lo >= LOG_SPAN and (not _integer(name) or lo >= 1):
            dist = Dist(
                name,
                "loguniform",
                lo,
                hi,
                None,
                f"the table's range spans {hi / lo:.0f}x, so each factor is as likely ({note})",
                _integer(name),
            )
        elif lo <= v <= hi:
            dist = Dist(
                name,
                "triangular",
                lo,
                hi,
                v,
                f"the table's range, most likely at the preset's value ({note})",
                _integer(name),
            )
        else:
            dist = Dist(
                name, "uniform", lo, hi, None, f"the table's range ({note})", _integer(name)
            )
        dists.append(dist)
    held = sorted(n for n in own if n in set(default_names()))
    what = f" (held at the preset's values: {', '.join(held)})" if held else ""
    return Prior(
        scenario or "defaults",
        f"the default rule for {scenario or 'the calibration defaults'}",
        f"the assumed behavioural and financial parameters over the calibration table's "
        f"ranges, less those the preset sets itself{what}",
        tuple(dists),
    )


def prior_dir() -> Path:
    """Where presets' prior files live: ``scenarios/priors/``."""
    import params

    return params.SCENARIO_DIR / "priors"


def prior_path(scenario: str) -> Path:
    """The prior file of a preset (it may not exist)."""
    return prior_dir() / f"{scenario}.toml"


def resolve_prior(spec: str | None, scenario: str | None) -> Prior:
    """The prior ``--prior`` names for ``scenario``.

    Args:
        spec: None (the preset's file, or :func:`preset_prior` where it has none), a named
            prior (``wide``, ``narrow``) or the path of a prior file (``.toml``).
        scenario: the preset (``narrow`` and the default read its values).

    Raises:
        PriorError: an unknown name, a ``fitted@VINTAGE`` prior (not built yet), or a file
            :func:`load_prior_file` refuses.
    """
    if spec is None:
        if scenario is not None and prior_path(scenario).is_file():
            return load_prior_file(prior_path(scenario), label=_shown(prior_path(scenario)))
        return preset_prior(scenario)
    if spec == "wide":
        return wide_prior(scenario)
    if spec == "narrow":
        return narrow_prior(scenario)
    if spec.startswith("fitted@"):
        raise PriorError(
            f"--prior {spec[:80]}: fitted priors are not built yet; use wide, narrow or a file"
        )
    if spec.endswith(".toml") or "/" in spec or Path(spec).is_file():
        return load_prior_file(Path(spec))
    raise PriorError(
        f"--prior {spec[:80]!r}: not a named prior ({', '.join(NAMED_PRIORS)}) nor a .toml file"
    )


def _shown(path: Path) -> str:
    """A preset's prior file as messages name it: relative to the project when inside it."""
    from params import ROOT

    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def prior_toml(prior: Prior, header: str = "") -> str:
    """A prior as the text of a prior file (what ``scripts/write_priors.py`` writes)."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    if lines:
        lines.append("")
    lines.append(f"description = {json.dumps(prior.description, ensure_ascii=False)}")
    for d in prior.dists:
        lines += ["", f"[params.{d.name}]", f'distribution = "{d.distribution}"']
        lines.append(f"low = {_toml_number(d.low, d.integer)}")
        if d.mode is not None:
            lines.append(f"mode = {_toml_number(d.mode, d.integer)}")
        lines.append(f"high = {_toml_number(d.high, d.integer)}")
        lines.append(f"reason = {json.dumps(d.reason, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def _toml_number(x: float, integer: bool) -> str:
    return str(int(x)) if integer else repr(float(x))


__all__ = [
    "DISTRIBUTIONS",
    "NAMED_PRIORS",
    "Dist",
    "Prior",
    "PriorError",
    "check_dist",
    "default_names",
    "draw_seed",
    "load_prior_file",
    "narrow_prior",
    "never_drawn",
    "preset_prior",
    "prior_path",
    "prior_toml",
    "resolve_prior",
    "table_range",
    "wide_prior",
]
