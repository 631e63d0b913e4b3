"""The sweep specification: what to vary, how to sample it, how many replicates.

A spec comes from command-line options, a TOML sweep file (``--spec``), or both (options
given on the command line win; ``--vary``/``--set`` entries replace the file's entry of the
same name and add the others). Every check runs here, before any run starts, and fails with
a :class:`SpecError` naming the problem.

Sweep file format (``sweeps/*.toml``)::

    description = "Does the milestone rule matter?"
    scenario = "seed"            # a preset under scenarios/, or "none" for the defaults
    design = "grid"              # grid | lhs | sobol | morris
    samples = 200                # lhs points, sobol base N, morris trajectories
    replicates = 10
    root_seed = 0
    months = 120
    timeseries = false           # also store every month of every run
    second_order = false         # sobol: N(2D+2) runs and second-order indices
    morris_levels = 4            # morris: grid levels of each factor

    [vary]
    milestone_investment_per_gw = [0, 1, 2, 5, 10]      # levels (grid)
    paid_growth_decay = { range = [0.0, 0.9], n = 10 }  # grid: 10 evenly spaced levels
    leverage_limit = { range = [0.4, 0.9] }             # range (lhs, sobol, morris)
    inference_price_decline = "3:40"                    # command-line syntax works too

    [set]                                               # fixed for every run
    milestone_investment_cap = 100
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from parallel.estimate import RATE, duration_text, estimate_text, too_large
from schema import is_finite, show

from . import SweepError

DESIGNS = ("grid", "lhs", "sobol", "morris")
DEFAULTS: dict[str, Any] = {
    "scenario": "seed",
    "design": "lhs",
    "samples": None,
    "replicates": 1,
    "root_seed": 0,
    "months": 120,
    "timeseries": False,
    "second_order": False,
    "morris_levels": 4,
}
_FILE_KEYS = {*DEFAULTS, "description", "vary", "set"}

# Limits, checked before any work (docs/sweeps.md "Limits").
MAX_GRID_LEVELS = 1000  # levels of one grid factor
MAX_RUNS = 1_000_000  # runs in one sweep, even with --large (the plan alone is ~1 GiB above)
MAX_MORRIS_LEVELS = 100
MIN_SOBOL_N = 4
MIN_MORRIS_TRAJECTORIES = 2
SEED_MAX = 2**63 - 1  # seeds are stored as 64-bit integers


class SpecError(SweepError):
    """A malformed sweep specification (unknown parameter, bad range, bad design...)."""


@dataclass(frozen=True)
class Factor:
    """One varied parameter: a range ``lo..hi`` (optionally ``n`` grid levels) or levels."""

    name: str
    lo: float | None = None
    hi: float | None = None
    n: int | None = None
    levels: tuple[float, ...] | None = None
    text: str = ""

    @property
    def is_range(self) -> bool:
        """True for ``lo:hi`` (and ``lo:hi:n``), False for a level list."""
        return self.levels is None

    def grid_levels(self) -> tuple[float, ...]:
        """The levels a grid design uses."""
        if self.levels is not None:
            return self.levels
        lo, hi, n = float(self.lo or 0.0), float(self.hi or 0.0), int(self.n or 1)
        if n == 1:
            return (lo,)
        return tuple(lo + (hi - lo) * i / (n - 1) for i in range(n))

    def to_json(self) -> dict[str, Any]:
        """Canonical form, as stored in the manifest."""
        if self.levels is not None:
            return {"levels": list(self.levels)}
        out: dict[str, Any] = {"range": [self.lo, self.hi]}
        if self.n is not None:
            out["n"] = self.n
        return out


@dataclass(frozen=True)
class SweepSpec:
    """Everything that decides which runs a sweep makes (not how they are executed)."""

    vary: tuple[Factor, ...] = ()
    design: str = "lhs"
    scenario: str | None = "seed"
    samples: int | None = None
    replicates: int = 1
    root_seed: int = 0
    months: int = 120
    fixed: tuple[tuple[str, Any], ...] = ()
    timeseries: bool = False
    second_order: bool = False
    morris_levels: int = 4
    description: str = field(default="", compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Names of the varied parameters, in order."""
        return tuple(f.name for f in self.vary)

    def to_json(self) -> dict[str, Any]:
        """Canonical form (sorted keys; the description is not part of the identity)."""
        return {
            "scenario": self.scenario,
            "design": self.design,
            "vary": [{"name": f.name, **f.to_json()} for f in self.vary],  # order matters
            "set": dict(self.fixed),
            "samples": self.samples,
            "replicates": self.replicates,
            "root_seed": self.root_seed,
            "months": self.months,
            "timeseries": self.timeseries,
            "second_order": self.second_order if self.design == "sobol" else None,
            "morris_levels": self.morris_levels if self.design == "morris" else None,
        }

    def spec_hash(self) -> str:
        """Short hash of :meth:`to_json`: two sweeps with the same hash make the same runs."""
        text = json.dumps(self.to_json(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @classmethod
    def from_json(cls, data: Mapping[str, Any], description: str = "") -> SweepSpec:
        """Rebuild a spec from :meth:`to_json` (as stored in a manifest)."""
        vary = tuple(
            _factor_from_file(v["name"], {k: x for k, x in v.items() if k != "name"})
            for v in data["vary"]
        )
        return cls(
            vary=vary,
            design=data["design"],
            scenario=data["scenario"],
            samples=data["samples"],
            replicates=data["replicates"],
            root_seed=data["root_seed"],
            months=data["months"],
            fixed=tuple(data.get("set", {}).items()),
            timeseries=bool(data.get("timeseries", False)),
            second_order=bool(data.get("second_order") or False),
            morris_levels=int(data.get("morris_levels") or 4),
            description=description,
        )


# ---------------------------------------------------------------------- parsing
def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SpecError(f"{where}: {text.strip()[:80]!r} is not a number") from None
    if not math.isfinite(value):
        raise SpecError(f"{where}: {text.strip()[:80]!r} is not a finite number")
    return value


def _levels_count(n: int, where: str) -> int:
    if n < 1 or n > MAX_GRID_LEVELS:
        raise SpecError(
            f"{where}: N in LO:HI:N must be a whole number from 1 to {MAX_GRID_LEVELS:,} "
            f"(levels of one grid factor), got {n:,}"
        )
    return n


def parse_factor(name: str, text: str, where: str | None = None) -> Factor:
    """Parse ``LO:HI``, ``LO:HI:N`` or ``V1,V2,...`` for parameter ``name``."""
    where = where or f"--vary {name}={text}"
    text = text.strip()
    if not text:
        raise SpecError(f"{where}: give a range LO:HI or levels V1,V2,...")
    if ":" in text:
        parts = text.split(":")
        if len(parts) not in (2, 3):
            raise SpecError(f"{where}: a range is LO:HI or LO:HI:N, got {text[:80]!r}")
        lo, hi = (_number(p, where) for p in parts[:2])
        n = None
        if len(parts) == 3:
            try:
                n = int(parts[2])
            except ValueError:
                raise SpecError(f"{where}: N in LO:HI:N must be a whole number") from None
            n = _levels_count(n, where)
        return Factor(name, lo=lo, hi=hi, n=n, text=text)
    if text.count(",") >= MAX_GRID_LEVELS:
        raise SpecError(f"{where}: at most {MAX_GRID_LEVELS:,} levels")
    levels = tuple(_number(p, where) for p in text.split(","))
    return Factor(name, levels=levels, text=text)


def _shorten(text: str) -> str:
    return text if len(text) <= 120 else text[:117] + "..."


def parse_vary(item: str) -> Factor:
    """Parse one ``--vary NAME=SPEC`` option."""
    name, sep, rest = item.partition("=")
    if not sep or not name.strip():
        raise SpecError(f"--vary expects NAME=LO:HI or NAME=V1,V2,..., got {_shorten(item)!r}")
    return parse_factor(name.strip(), rest, f"--vary {_shorten(item)}")


def parse_set(item: str) -> tuple[str, float]:
    """Parse one ``--set NAME=VALUE`` option (a value fixed for every run)."""
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise SpecError(f"--set expects NAME=VALUE, got {_shorten(item)!r}")
    return name.strip(), _number(value, f"--set {_shorten(item)}")


def _factor_from_file(name: str, value: Any, where: str = "[vary]") -> Factor:
    where = f"{where} {name}"
    if isinstance(value, str):
        return parse_factor(name, value, where)
    if isinstance(value, bool):
        raise SpecError(f"{where}: expected levels, a range table or 'LO:HI', got {value!r}")
    if isinstance(value, int | float):
        return Factor(name, levels=(_file_number(value, where),), text=str(value)[:40])
    if isinstance(value, list):
        if not value:
            raise SpecError(f"{where}: the level list is empty")
        if len(value) > MAX_GRID_LEVELS:
            raise SpecError(f"{where}: at most {MAX_GRID_LEVELS:,} levels, got {len(value):,}")
        return Factor(name, levels=tuple(_file_number(v, where) for v in value))
    if isinstance(value, dict):
        return _factor_table(name, value, where)
    raise SpecError(
        f"{where}: expected levels, a range table or 'LO:HI', got {type(value).__name__}"
    )


def _factor_table(name: str, value: dict[str, Any], where: str) -> Factor:
    extra = set(value) - {"range", "n", "levels"}
    if extra:
        raise SpecError(f"{where}: unknown key {sorted(extra)[0]!r}; use range, n or levels")
    if "levels" in value:
        if set(value) != {"levels"}:
            raise SpecError(f"{where}: give either levels or range (with n), not both")
        if not isinstance(value["levels"], list):
            raise SpecError(f"{where}: levels must be a list of numbers")
        return _factor_from_file(name, value["levels"], "[vary]")
    rng = value.get("range")
    if not isinstance(rng, list) or len(rng) != 2:
        raise SpecError(f"{where}: range must be [LO, HI]")
    lo, hi = (_file_number(v, where) for v in rng)
    n = value.get("n")
    if n is not None:
        if isinstance(n, bool) or not isinstance(n, int):
            raise SpecError(f"{where}: n must be a whole number >= 1, got {show(n)}")
        n = _levels_count(n, where)
    return Factor(name, lo=lo, hi=hi, n=n)


def _file_number(value: Any, where: str) -> float:
    if not is_finite(value) or abs(value) > 1e300:
        raise SpecError(f"{where}: {show(value)} is not a finite number")
    return float(value)


def load_spec_file(path: Path) -> tuple[dict[str, Any], list[Factor], dict[str, float]]:
    """Read a TOML sweep file: (scalar settings, varied factors, fixed values)."""
    from fileio import load_toml

    if not Path(path).is_file():
        raise SpecError(f"no such sweep file: {path}")
    data = load_toml(path, what="sweep file", error=SpecError)
    extra = set(data) - _FILE_KEYS
    if extra:
        raise SpecError(
            f"{path}: unknown key {sorted(extra)[0]!r}; allowed: {', '.join(sorted(_FILE_KEYS))}"
        )
    vary = data.pop("vary", {})
    fixed = data.pop("set", {})
    if not isinstance(vary, dict) or not isinstance(fixed, dict):
        raise SpecError(f"{path}: [vary] and [set] must be tables")
    description = data.get("description", "")
    if not isinstance(description, str) or len(description) > 10_000:
        raise SpecError(f"{path}: description must be text of at most 10,000 characters")
    try:
        factors = [_factor_from_file(k, v) for k, v in vary.items()]
        fixed_values = {k: _file_number(v, f"[set] {k}") for k, v in fixed.items()}
    except SpecError as e:
        raise SpecError(f"{path}: {e}") from None
    return data, factors, fixed_values


def _once(names: Iterable[str], option: str) -> None:
    """Refuse a parameter given twice in one option on the command line."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise SpecError(f"{option} {_shorten(name)} is given twice; give each parameter once")
        seen.add(name)


def build_spec(
    *,
    spec_file: Path | None = None,
    vary: Iterable[str] = (),
    fixed: Iterable[str] = (),
    **options: Any,
) -> SweepSpec:
    """Merge a sweep file and command-line options into a checked :class:`SweepSpec`.

    Args:
        spec_file: TOML sweep file, or None.
        vary: ``--vary`` items (``NAME=LO:HI``, ``NAME=LO:HI:N`` or ``NAME=V1,V2,...``).
        fixed: ``--set`` items (``NAME=VALUE``).
        **options: scalar settings (``scenario``, ``design``, ``samples``, ``replicates``,
            ``root_seed``, ``months``, ``timeseries``, ``second_order``,
            ``morris_levels``); None means "not given".

    Raises:
        SpecError: any problem, naming it (a parameter given twice in ``--vary`` or in
            ``--set`` included; a command-line entry replaces the file's entry).
    """
    settings = dict(DEFAULTS)
    factors: dict[str, Factor] = {}
    fixed_values: dict[str, float] = {}
    description = ""
    if spec_file is not None:
        file_settings, file_factors, file_fixed = load_spec_file(spec_file)
        description = str(file_settings.pop("description", ""))
        settings.update(file_settings)
        for f in file_factors:
            factors[f.name] = f
        fixed_values.update(file_fixed)
    unknown_opts = set(options) - set(DEFAULTS)
    if unknown_opts:
        raise SpecError(f"unknown sweep setting {sorted(unknown_opts)[0]!r}")
    settings.update({k: v for k, v in options.items() if v is not None})
    cli_factors = [parse_vary(item) for item in vary]
    _once((f.name for f in cli_factors), "--vary")
    factors.update({f.name: f for f in cli_factors})
    cli_fixed = [parse_set(item) for item in fixed]
    _once((name for name, _ in cli_fixed), "--set")
    fixed_values.update(dict(cli_fixed))
    scenario = settings["scenario"]
    if isinstance(scenario, str) and scenario.strip().lower() in ("none", "defaults"):
        scenario = None
    spec = SweepSpec(
        vary=tuple(factors.values()),
        design=settings["design"],
        scenario=scenario,
        samples=settings["samples"],
        replicates=settings["replicates"],
        root_seed=settings["root_seed"],
        months=settings["months"],
        fixed=tuple(fixed_values.items()),
        timeseries=settings["timeseries"],
        second_order=settings["second_order"],
        morris_levels=settings["morris_levels"],
        description=description,
    )
    try:
        return validate(spec)
    except SpecError as e:
        if spec_file is None:
            raise
        raise SpecError(f"{e} (sweep file {spec_file} with the options given)") from None


# ---------------------------------------------------------------------- checks
def _unknown(name: str, where: str) -> SpecError:
    from params import PARAM_NAMES

    close = difflib.get_close_matches(name, PARAM_NAMES, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return SpecError(
        f"{where}: unknown parameter {_shorten(name)!r}{hint}; `run.py params` lists them all"
    )


def _whole(value: Any, what: str, minimum: int, maximum: int, why: str = "") -> int:
    allowed = f"a whole number from {minimum:,} to {maximum:,}" + (f" ({why})" if why else "")
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise SpecError(f"{what} must be {allowed}, got {show(value)}")
    if not minimum <= value <= maximum:
        shown = f"{value:,}" if abs(value) < 10**30 else show(value)
        raise SpecError(f"{what} must be {allowed}, got {shown}")
    return value


def _check_value(name: str, value: float, where: str) -> float | int:
    """Check one value against the parameter's allowed range; integers stay integers."""
    from params import PARAM_FIELDS, allowed_range

    meta = PARAM_FIELDS[name].metadata
    too_high = value >= meta["hi"] if meta.get("hi_open") else value > meta["hi"]
    if value < meta["lo"] or too_high:
        raise SpecError(
            f"{where}: {value:g} is outside the allowed range of {name} ({allowed_range(name)})"
        )
    if meta.get("integer"):
        if not float(value).is_integer():
            raise SpecError(f"{where}: {name} takes whole numbers, got {value:g}")
        return int(value)
    return value


def is_integer_param(name: str) -> bool:
    """Whether a parameter takes whole numbers."""
    from params import PARAM_FIELDS

    return bool(PARAM_FIELDS[name].metadata.get("integer"))


def validate(spec: SweepSpec) -> SweepSpec:
    """Check a spec completely, before any work; returns it with settings normalised.

    Raises:
        SpecError: unknown design or parameter, a range outside the allowed range,
            lo > hi, samples/replicates/months out of range, a Sobol N that is not a power
            of two (or below 4), a grid factor of more than 1,000 levels, more than
            :data:`MAX_RUNS` runs...
    """
    from schema import HORIZON_MONTHS, HORIZON_REASON

    if not isinstance(spec.design, str) or spec.design not in DESIGNS:
        raise SpecError(f"unknown design {show(spec.design)}; choose one of {', '.join(DESIGNS)}")
    replicates = _whole(spec.replicates, "--replicates", 1, MAX_RUNS, "the most runs a sweep makes")
    months = _whole(spec.months, "--months", 1, HORIZON_MONTHS, HORIZON_REASON)
    root_seed = _whole(spec.root_seed, "--root-seed", 0, SEED_MAX)
    morris_levels = _whole(spec.morris_levels, "--morris-levels", 2, MAX_MORRIS_LEVELS)
    if not isinstance(spec.timeseries, bool) or not isinstance(spec.second_order, bool):
        raise SpecError("timeseries and second_order must be true or false")
    _check_scenario(spec.scenario)
    samples = _check_samples(spec)
    factors = tuple(_check_factor(f, spec.design) for f in spec.vary)
    _once((f.name for f in factors), "--vary")
    fixed = _check_fixed(spec.fixed, {f.name for f in factors})
    checked = replace(
        spec,
        vary=factors,
        samples=samples,
        replicates=replicates,
        months=months,
        root_seed=root_seed,
        morris_levels=morris_levels,
        fixed=fixed,
    )
    _check_size(checked)
    base_params(spec.scenario, dict(fixed))
    return checked


def _check_scenario(scenario: Any) -> None:
    from params import PresetError, load_preset

    if scenario is None:
        return
    if not isinstance(scenario, str):
        raise SpecError(f"scenario must be a preset name, got {show(scenario)}")
    try:
        load_preset(scenario)
    except PresetError as e:
        raise SpecError(str(e)) from None


def _check_samples(spec: SweepSpec) -> int | None:
    """``--samples`` of a sampled design (None for a grid: its size comes from its levels)."""
    if spec.design == "grid":
        return None
    if spec.samples is None:
        raise SpecError(
            f"--samples is required for the {spec.design} design "
            "(lhs: points; sobol: base sample N, a power of two; morris: trajectories)"
        )
    least = {"sobol": MIN_SOBOL_N, "morris": MIN_MORRIS_TRAJECTORIES}.get(spec.design, 1)
    why = {
        "sobol": "fewer base samples give indices and confidence intervals that mean nothing",
        "morris": "one trajectory gives no spread (sigma) and no confidence interval",
    }.get(spec.design, "the most runs a sweep makes")
    samples = _whole(spec.samples, "--samples", least, MAX_RUNS, why)
    if spec.design == "sobol" and samples & (samples - 1):
        low = 1 << (samples.bit_length() - 1)
        raise SpecError(
            f"--samples {samples}: a Sobol design needs a power-of-two base sample N "
            f"(Saltelli sampling loses its balance otherwise); use {low} or {2 * low}"
        )
    if not spec.vary:
        raise SpecError(f"the {spec.design} design needs at least one --vary NAME=LO:HI")
    return samples


def _check_factor(f: Factor, design: str) -> Factor:
    from params import PARAM_NAMES

    where = f"--vary {_shorten(f.name)}" + (f"={_shorten(f.text)}" if f.text else "")
    if not isinstance(f.name, str) or f.name not in PARAM_NAMES:
        raise _unknown(str(f.name), where)
    if f.lo is not None and f.hi is not None:
        return _check_range(f, f.lo, f.hi, design, where)
    if not f.levels:
        raise SpecError(f"{where}: give a range LO:HI or levels V1,V2,...")
    if design != "grid":
        raise SpecError(f"{where}: the {design} design samples a range: use {f.name}=LO:HI")
    if len(f.levels) > MAX_GRID_LEVELS:
        raise SpecError(f"{where}: at most {MAX_GRID_LEVELS:,} levels, got {len(f.levels):,}")
    levels = tuple(_check_value(f.name, v, where) for v in f.levels)
    if len(set(levels)) != len(levels):
        raise SpecError(f"{where}: a level is listed twice")
    return replace(f, levels=levels)


def _check_range(f: Factor, lo: float, hi: float, design: str, where: str) -> Factor:
    if lo > hi:
        raise SpecError(f"{where}: lo ({lo:g}) is greater than hi ({hi:g})")
    if lo == hi:
        raise SpecError(f"{where}: lo equals hi ({lo:g}); to fix a value use --set {f.name}=VALUE")
    lo = _check_value(f.name, lo, where)
    hi = _check_value(f.name, hi, where)
    if design == "grid" and f.n is None:
        raise SpecError(
            f"{where}: a grid takes levels (e.g. {f.name}=1,5,10) or LO:HI:N "
            "(N evenly spaced levels)"
        )
    if design != "grid" and f.n is not None:
        raise SpecError(f"{where}: LO:HI:N levels are for grid designs; use LO:HI")
    f = replace(f, lo=float(lo), hi=float(hi))
    if design != "grid":
        return f
    _levels_count(int(f.n or 1), where)
    levels = tuple(_check_value(f.name, v, where) for v in _rounded(f))
    return Factor(f.name, levels=tuple(dict.fromkeys(levels)), text=f.text)


def _check_fixed(
    fixed: tuple[tuple[str, Any], ...], varied: set[str]
) -> tuple[tuple[str, Any], ...]:
    from params import PARAM_NAMES

    out = []
    for name, value in fixed:
        where = f"--set {_shorten(name)}={value:g}" if isinstance(value, float) else f"--set {name}"
        if name not in PARAM_NAMES:
            raise _unknown(name, where)
        if name in varied:
            raise SpecError(f"{where}: {name} is both varied and fixed")
        out.append((name, _check_value(name, float(value), where)))
    return tuple(out)


def _check_size(spec: SweepSpec) -> None:
    """Refuse a sweep of more than :data:`MAX_RUNS` runs, counted without building it."""
    rows = design_rows(spec)
    total = rows * spec.replicates
    if total > MAX_RUNS:
        raise SpecError(
            f"this sweep makes {_count(total)} runs ({_count(rows)} points x "
            f"{spec.replicates:,} replicates); at most {MAX_RUNS:,} (about "
            f"{duration_text(MAX_RUNS * spec.months / RATE)} of one core): fewer samples, levels "
            "or replicates"
        )


def _count(n: int) -> str:
    return f"{n:,}" if n < 10**15 else f"about 10^{len(str(n)) - 1}"


def design_rows(spec: SweepSpec) -> int:
    """Points of a checked spec's design, counted without building it."""
    d = len(spec.vary)
    n = spec.samples or 0
    if spec.design == "grid":
        return math.prod(len(f.grid_levels()) for f in spec.vary)
    if spec.design == "lhs":
        return n
    if spec.design == "sobol":
        return n * (2 * d + 2) if spec.second_order else n * (d + 2)
    return n * (d + 1)  # morris


def estimate(spec: SweepSpec, workers: int) -> str:
    """Rough wall time of a checked spec on ``workers`` processes, as text."""
    return estimate_text(design_rows(spec) * spec.replicates, spec.months, workers)


def check_large(spec: SweepSpec, workers: int, allowed: bool) -> None:
    """Ask for ``--large`` above ``CONFIRM_RUNS`` runs, stating the estimated time.

    Raises:
        SpecError: a sweep of more than ``parallel.estimate.CONFIRM_RUNS`` runs without
            ``allowed``.
    """
    runs = design_rows(spec) * spec.replicates
    problem = too_large(runs, spec.months, workers, "sweep", allowed)
    if problem is not None:
        raise SpecError(problem + ", or try --dry-run")


def base_params(scenario: str | None, fixed: Mapping[str, Any]) -> Any:
    """The parameter set every run starts from: defaults, the preset, then ``--set`` values.

    Raises:
        SpecError: the preset or a fixed value is rejected by :class:`params.Params`.
    """
    from params import Params, PresetError

    try:
        return Params.from_preset(scenario, **fixed)
    except PresetError as e:
        raise SpecError(str(e)) from None
    except ValueError as e:
        raise SpecError(f"--set: {e}") from None


def _rounded(f: Factor) -> tuple[float, ...]:
    levels = f.grid_levels()
    if is_integer_param(f.name):
        return tuple(float(round(v)) for v in levels)
    return levels
