"""Claims with odds: every outcome the docs state, recomputed from ensembles (issue 24, item 3).

``claims.toml`` lists each claim: a preset, a prior (``own``: the preset's prior file;
``narrow``; ``wide``), an outcome of :data:`OUTCOMES`, and either a stated probability
(``stated``, the share of draws in which the outcome happens) or a direction
(``direction = true``: the outcome holds in at least nine draws in ten, the lower bound of
its 95% Wilson interval at least :data:`DIRECTION_BOUND`). Every claim is computed on
``draws`` draws (a Latin hypercube from ``root_seed``, as ``run.py ensemble``) of
``months`` months; one ensemble per preset and prior serves every claim on it.

``run.py claims`` recomputes every claim and says which hold: a stated probability must
lie inside the 95% Wilson interval of the recomputed share. ``run.py claims --measure``
writes the recomputed shares into the file as the stated values and rewrites the
generated table in ``docs/scenarios.md`` (between ``<!-- claims:begin -->`` and
``<!-- claims:end -->``): the docs quote the file, never hand-copied numbers.
``tests/test_claims.py`` recomputes them all.

Its ``[multipliers]`` table names presets and a draw count: ``run.py claims --measure``
also writes the loop multipliers of each (``ensemble.multipliers``: medians and 5-95%
ranges over the preset's prior) into ``docs/model.md`` between
``<!-- claims:multipliers:begin -->`` and ``<!-- claims:multipliers:end -->``.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from errors import InputError
from schema import show

from .prior import Prior, narrow_prior, resolve_prior, wide_prior
from .report import wilson
from .runner import EnsembleSpec, plan
from .versus import Moved, Pair, map_jobs, moved, run_versus
from .worker import run_draw

DIRECTION_BOUND = 0.9  # a direction holds where its interval's lower bound is at least this
PRIORS = ("own", "narrow", "wide")
ROOT = Path(__file__).resolve().parents[1]
CLAIMS_FILE = ROOT / "claims.toml"
DOCS_FILE = ROOT / "docs" / "scenarios.md"
BEGIN, END = "<!-- claims:begin -->", "<!-- claims:end -->"
VERSUS_BEGIN, VERSUS_END = "<!-- claims:versus:begin -->", "<!-- claims:versus:end -->"


def versus_markers(block: str) -> tuple[str, str]:
    """The markers of a named block of versus tables (``""``: the first, unnamed one)."""
    if not block:
        return VERSUS_BEGIN, VERSUS_END
    return f"<!-- claims:versus:{block}:begin -->", f"<!-- claims:versus:{block}:end -->"


MODEL_DOCS_FILE = ROOT / "docs" / "model.md"
MULT_BEGIN = "<!-- claims:multipliers:begin -->"
MULT_END = "<!-- claims:multipliers:end -->"


def _month(row: Mapping[str, Any], key: str) -> int | None:
    value = row.get(key)
    return None if value is None else int(value)


def _in(row: Mapping[str, Any], key: str, lo: int, hi: int) -> bool:
    m = _month(row, key)
    return m is not None and lo <= m <= hi


def _happened(key: str) -> Callable[[Mapping[str, Any]], bool]:
    """Whether the dated outcome ``key`` happened at all in one draw's outcomes."""
    return lambda r: _month(r, key) is not None


# outcome name -> (what it says, whether it happened in one draw's outcomes)
OUTCOMES: dict[str, tuple[str, Callable[[Mapping[str, Any]], bool]]] = {
    "app_defaults": (
        "the app company defaults by the horizon",
        _happened("default_month_openai"),
    ),
    "app_defaults_2026": (
        "the app company defaults in 2026",
        lambda r: _in(r, "default_month_openai", 24, 35),
    ),
    "app_survives_2026": (
        "the app company does not default during 2026",
        lambda r: not _in(r, "default_month_openai", 24, 35),
    ),
    "default_before_2026": (
        "a firm defaults before 2026",
        lambda r: _in(r, "first_default_month", 0, 23),
    ),
    "lender_fails": (
        "a lender fails",
        _happened("first_lender_failure_month"),
    ),
    "private_credit_fails": (
        "private credit fails",
        _happened("failed_month_private_credit"),
    ),
    "banks_fail": ("the banks fail", _happened("failed_month_banks")),
    "oracle_sells_shares_before_2026": (
        "Oracle sells new shares before 2026 (it sold none)",
        lambda r: _in(r, "first_share_sale_month_oracle", 0, 23),
    ),
    "oracle_sells_shares_by_2026": (
        "Oracle sells new shares by the end of 2026",
        lambda r: _in(r, "first_share_sale_month_oracle", 0, 35),
    ),
    "banks_survive": (
        "the banks do not fail",
        lambda r: _month(r, "failed_month_banks") is None,
    ),
    "oracle_defaults": (
        "Oracle defaults by the horizon",
        _happened("default_month_oracle"),
    ),
    "coreweave_defaults": (
        "CoreWeave defaults by the horizon",
        _happened("default_month_coreweave"),
    ),
    "covenant_enforced": (
        "a lender enforces a broken covenant",
        _happened("first_covenant_enforced_month"),
    ),
}


class ClaimsError(InputError):
    """A claims file that cannot be used; the message names the file, the claim and the key."""


@dataclass(frozen=True)
class Claim:
    """One stated outcome: a probability (``stated``) or a direction."""

    id: str
    preset: str
    prior: str
    outcome: str
    stated: float | None
    direction: bool


DIRECTIONS = ("earlier", "later", "none")


@dataclass(frozen=True)
class VersusClaim:
    """What a change causes, over paired draws (``run.py ensemble-versus``).

    ``direction``: where the change moves the dated outcome ``key`` in the draws it moves
    at all: ``earlier`` (or causes it), ``later`` (or prevents it), in at least nine of
    ten such draws and at least five (``ensemble.versus``), or ``none`` (neither holds).
    """

    id: str
    preset: str
    prior: str
    overrides: tuple[tuple[str, float], ...]
    key: str
    direction: str
    block: str = ""  # the docs block that quotes it (``versus_markers``)

    @property
    def arms(self) -> tuple[str, str, tuple[tuple[str, float], ...]]:
        """The paired ensemble it needs."""
        return (self.preset, self.prior, self.overrides)


@dataclass(frozen=True)
class ClaimsFile:
    """The claims and the ensemble they are computed on."""

    draws: int
    months: int
    root_seed: int
    claims: tuple[Claim, ...]
    versus: tuple[VersusClaim, ...] = ()
    multiplier_presets: tuple[str, ...] = ()
    multiplier_draws: int = 0

    def ensembles(self) -> list[tuple[str, str]]:
        """The (preset, prior) ensembles the claims need, in order of first use."""
        seen: dict[tuple[str, str], None] = {}
        for c in self.claims:
            seen.setdefault((c.preset, c.prior), None)
        return list(seen)


@dataclass(frozen=True)
class Result:
    """A claim recomputed: ``k`` of ``n`` draws, the 95% interval, and whether it holds."""

    claim: Claim
    k: int
    n: int
    low: float
    high: float

    @property
    def share(self) -> float:
        """The recomputed share of draws."""
        return self.k / self.n

    @property
    def holds(self) -> bool:
        """A stated value inside the interval; a direction with its lower bound >= 0.9."""
        if self.claim.direction or self.claim.stated is None:
            return self.low >= DIRECTION_BOUND
        return self.low <= self.claim.stated <= self.high


def _whole(where: str, key: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ClaimsError(f"{where}: '{key}' must be a whole number from {lo} to {hi:,}")
    return value


def load_claims(path: Path = CLAIMS_FILE) -> ClaimsFile:
    """Read and check ``claims.toml``.

    Raises:
        ClaimsError: a file that is not TOML, a missing or unknown key, an unknown preset,
            prior or outcome, a stated value outside 0 to 1, a repeated id.
    """
    from fileio import load_toml

    shown = path.name
    data = load_toml(path, what="claims file", error=ClaimsError, label=shown)
    draws = _whole(shown, "draws", data.get("draws"), 1, 100_000)
    months = _whole(shown, "months", data.get("months", 120), 1, 1200)
    root_seed = _whole(shown, "root_seed", data.get("root_seed", 0), 0, 2**63 - 1)
    entries = data.get("claims")
    if not isinstance(entries, list) or not entries:
        raise ClaimsError(f"{shown}: needs at least one [[claims]] table")
    claims: list[Claim] = []
    ids: set[str] = set()
    for n, entry in enumerate(entries, 1):
        claim = _claim(f"{shown}: claim {n}", shown, entry, ids)
        ids.add(claim.id)
        claims.append(claim)
    versus = []
    for n, entry in enumerate(data.get("versus", []) or [], 1):
        v = _versus(f"{shown}: versus {n}", shown, entry, ids)
        ids.add(v.id)
        versus.append(v)
    presets, mdraws = _multipliers(shown, data.get("multipliers"))
    return ClaimsFile(draws, months, root_seed, tuple(claims), tuple(versus), presets, mdraws)


def _multipliers(shown: str, entry: Any) -> tuple[tuple[str, ...], int]:
    """The ``[multipliers]`` table: presets and draws (none: no multipliers block)."""
    if entry is None:
        return (), 0
    where = f"{shown}: [multipliers]"
    _check_keys(where, entry, {"presets", "draws"})
    presets = entry.get("presets")
    if not isinstance(presets, list) or not presets or not all(isinstance(p, str) for p in presets):
        raise ClaimsError(f"{where}: 'presets' must be a list of preset names")
    for name in presets:
        _check_preset(where, name)
    return tuple(presets), _whole(where, "draws", entry.get("draws"), 1, 10_000)


def _check_keys(where: str, entry: Any, allowed: set[str]) -> None:
    """A table with no key but ``allowed``."""
    if not isinstance(entry, dict):
        raise ClaimsError(f"{where}: must be a table")
    unknown = set(entry) - allowed
    if unknown:
        raise ClaimsError(f"{where}: unknown key '{sorted(unknown)[0]}'")


def _check_preset(where: str, preset: Any) -> str:
    """A preset's name, or a ClaimsError naming the key."""
    from params import PresetError, load_preset

    try:
        if not isinstance(preset, str):
            raise PresetError("not a text")
        load_preset(preset)
    except PresetError:
        raise ClaimsError(f"{where}: 'preset' must name a preset, got {show(preset)}") from None
    return preset


def _claim(where: str, shown: str, entry: Any, ids: set[str]) -> Claim:
    """One [[claims]] table, checked."""
    _check_keys(where, entry, {"id", "preset", "prior", "outcome", "stated", "direction"})
    cid = entry.get("id")
    if not isinstance(cid, str) or not cid or cid in ids:
        raise ClaimsError(f"{where}: 'id' must be a text not used before, got {show(cid)}")
    where = f"{shown}: claim {cid!r}"
    preset = _check_preset(where, entry.get("preset"))
    prior = entry.get("prior", "own")
    if not isinstance(prior, str) or prior not in PRIORS:
        raise ClaimsError(f"{where}: 'prior' must be one of {', '.join(PRIORS)}")
    outcome = entry.get("outcome")
    if not isinstance(outcome, str) or outcome not in OUTCOMES:
        raise ClaimsError(f"{where}: 'outcome' must be one of {', '.join(OUTCOMES)}")
    direction = entry.get("direction", False)
    if not isinstance(direction, bool):
        raise ClaimsError(f"{where}: 'direction' must be true or false")
    stated = entry.get("stated")
    if direction == (stated is not None):
        raise ClaimsError(f"{where}: give either 'stated' (a probability) or direction = true")
    if stated is not None and (
        isinstance(stated, bool) or not isinstance(stated, int | float) or not 0 <= stated <= 1
    ):
        raise ClaimsError(f"{where}: 'stated' must be a probability from 0 to 1")
    return Claim(cid, preset, prior, outcome, None if stated is None else float(stated), direction)


DATED_PREFIXES = ("default_month_", "failed_month_")
DATED_KEYS = ("first_default_month", "first_lender_failure_month")


def _versus(where: str, shown: str, entry: Any, ids: set[str]) -> VersusClaim:
    """One [[versus]] table, checked."""
    from params import Params, PresetError

    _check_keys(where, entry, {"id", "preset", "prior", "set", "key", "direction", "block"})
    base = _claim(
        where,
        shown,
        {
            "id": entry.get("id"),
            "preset": entry.get("preset"),
            "prior": entry.get("prior", "own"),
            "outcome": "app_defaults",
            "direction": True,
        },
        ids,
    )
    where = f"{shown}: versus {base.id!r}"
    change = entry.get("set")
    if not isinstance(change, dict) or not change:
        raise ClaimsError(f"{where}: 'set' must be a table of parameter values")
    try:
        Params.from_preset(base.preset, **change)
    except (PresetError, ValueError, TypeError) as e:
        raise ClaimsError(f"{where}: 'set': {str(e)[:200]}") from None
    key = entry.get("key")
    if not isinstance(key, str) or not (key in DATED_KEYS or key.startswith(DATED_PREFIXES)):
        raise ClaimsError(
            f"{where}: 'key' must be a dated outcome (default_month_<firm>, "
            "failed_month_<lender>, first_default_month or first_lender_failure_month)"
        )
    direction = entry.get("direction")
    if not isinstance(direction, str) or direction not in DIRECTIONS:
        raise ClaimsError(f"{where}: 'direction' must be one of {', '.join(DIRECTIONS)}")
    block = entry.get("block", "")
    if not isinstance(block, str) or not re.fullmatch(r"[a-z0-9_-]*", block):
        raise ClaimsError(f"{where}: 'block' must be a name of lower-case letters, digits, - or _")
    overrides = tuple(sorted((k, float(v)) for k, v in change.items()))
    return VersusClaim(base.id, base.preset, base.prior, overrides, key, direction, block)


def prior_for(preset: str, name: str) -> Prior:
    """The prior a claim names: the preset's own file, ``narrow`` or ``wide``."""
    if name == "narrow":
        return narrow_prior(preset)
    if name == "wide":
        return wide_prior(preset)
    return resolve_prior(None, preset)


def _draw(job: tuple[str, int, int, dict[str, Any]]) -> dict[str, Any]:
    preset, months, seed, values = job
    return run_draw(preset, months, seed, values)


def run_ensemble_rows(
    preset: str,
    prior: str,
    draws: int,
    months: int,
    root_seed: int,
    workers: int | None = None,
    echo: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Every draw's outcomes for one preset and prior (the draws of ``run.py ensemble``)."""
    spec = EnsembleSpec(preset, draws, months, root_seed, prior_for(preset, prior))
    jobs = [(preset, months, seed, values) for _, seed, values in plan(spec)]
    t0 = time.monotonic()
    rows = map_jobs(_draw, jobs, workers, None, "draws")
    if echo is not None:
        echo(f"  {preset} ({prior} prior): {draws} draws in {time.monotonic() - t0:.0f} s")
    return rows


def evaluate(claims: Sequence[Claim], rows: Mapping[tuple[str, str], list[dict]]) -> list[Result]:
    """Each claim against the draws of its ensemble."""
    out = []
    for c in claims:
        draws = rows[(c.preset, c.prior)]
        k = sum(OUTCOMES[c.outcome][1](r) for r in draws)
        low, high = wilson(k, len(draws))
        out.append(Result(c, k, len(draws), low, high))
    return out


def report(results: Sequence[Result]) -> str:
    """Every claim: stated, recomputed, interval, and whether it holds."""
    lines = [f"{'claim':38s} {'stated':>9s} {'recomputed':>11s} {'95% interval':>14s}  holds"]
    for r in results:
        stated = "direction" if r.claim.direction else f"{100 * (r.claim.stated or 0):.0f}%"
        lines.append(
            f"{r.claim.id:38s} {stated:>9s} {100 * r.share:>10.1f}% "
            f"{100 * r.low:>6.1f}-{100 * r.high:<6.1f}  {'yes' if r.holds else 'NO'}"
        )
    held = sum(r.holds for r in results)
    lines.append(f"{held} of {len(results)} claims hold")
    return "\n".join(lines)


def _pct(r: Result) -> str:
    return f"{100 * r.share:.0f}% ({100 * r.low:.0f}-{100 * r.high:.0f})"


TABLE_COLUMNS = (
    ("app_defaults", "the app company defaults by 2033"),
    ("app_defaults_2026", "it defaults in 2026"),
    ("default_before_2026", "any firm defaults before 2026"),
    ("lender_fails", "a lender fails"),
    ("private_credit_fails", "private credit fails"),
    ("banks_fail", "banks fail"),
)


def docs_block(cf: ClaimsFile, results: Sequence[Result]) -> str:
    """The generated text of ``docs/scenarios.md``: the odds table and the directions."""
    by = {
        (r.claim.preset, r.claim.prior, r.claim.outcome): r
        for r in results
        if not r.claim.direction
    }
    head = "| preset | prior | " + " | ".join(t for _, t in TABLE_COLUMNS) + " |"
    lines = [
        BEGIN,
        f"Over {cf.draws} draws of {cf.months} months each (`claims.toml`; "
        "`uv run python run.py claims` recomputes them), with 95% Wilson intervals:",
        "",
        head,
        "|---|---|" + "---:|" * len(TABLE_COLUMNS),
    ]
    for preset, prior in cf.ensembles():
        cells = []
        for outcome, _ in TABLE_COLUMNS:
            r = by.get((preset, prior, outcome))
            cells.append(_pct(r) if r is not None else "")
        if any(cells):
            lines.append(f"| `{preset}` | {prior} | " + " | ".join(cells) + " |")
    table = {o for o, _ in TABLE_COLUMNS}
    others = [r for r in results if not r.claim.direction and r.claim.outcome not in table]
    if others:
        lines += ["", "Other shares of draws stated in the docs:", ""]
        for r in others:
            text = OUTCOMES[r.claim.outcome][0]
            lines.append(f"- `{r.claim.preset}` ({r.claim.prior} prior): {text}: {_pct(r)}")
    directions = [r for r in results if r.claim.direction]
    if directions:
        lines += ["", "Directions (each holds in at least nine draws in ten: the lower bound of"]
        lines[-1] += " its interval is at least 90%):"
        lines.append("")
        for r in directions:
            text = OUTCOMES[r.claim.outcome][0]
            lines.append(
                f"- `{r.claim.preset}` ({r.claim.prior} prior): {text}, in {_pct(r)} of the "
                "draws" + ("" if r.holds else " (**does not hold**)")
            )
    lines.append(END)
    return "\n".join(lines)


@dataclass(frozen=True)
class VersusResult:
    """A versus claim recomputed over its pairs."""

    claim: VersusClaim
    moved: Moved
    n: int

    @property
    def found(self) -> str:
        """The direction the pairs show: earlier, later or none."""
        return self.moved.direction or "none"

    @property
    def holds(self) -> bool:
        """The stated direction is the one the pairs show."""
        return self.found == self.claim.direction


def run_versus_pairs(
    cf: ClaimsFile, workers: int | None = None, echo: Callable[[str], None] | None = None
) -> dict[tuple[str, str, tuple[tuple[str, float], ...]], list[Pair]]:
    """The paired ensembles the versus claims need, each run once."""
    out = {}
    for v in cf.versus:
        if v.arms in out:
            continue
        spec = EnsembleSpec(
            v.preset, cf.draws, cf.months, cf.root_seed, prior_for(v.preset, v.prior)
        )
        t0 = time.monotonic()
        out[v.arms] = run_versus(spec, dict(v.overrides), workers=workers)
        if echo is not None:
            change = ", ".join(f"{k}={x:g}" for k, x in v.overrides)
            echo(f"  {v.preset} with and without {change}: {time.monotonic() - t0:.0f} s")
    return out


def evaluate_versus(
    cf: ClaimsFile, pairs: Mapping[tuple[str, str, tuple[tuple[str, float], ...]], list[Pair]]
) -> list[VersusResult]:
    """Each versus claim against its pairs."""
    out = []
    for v in cf.versus:
        ps = pairs[v.arms]
        m = moved(ps, v.key)
        out.append(VersusResult(v, m, m.n))
    return out


def versus_report(results: Sequence[VersusResult]) -> str:
    """Every versus claim: stated direction, found, counts, and whether it holds."""
    lines = [
        f"{'versus claim':38s} {'stated':>8s} {'found':>8s} {'earlier':>8s} {'later':>6s}  holds"
    ]
    for r in results:
        lines.append(
            f"{r.claim.id:38s} {r.claim.direction:>8s} {r.found:>8s} {r.moved.earlier:>8d} "
            f"{r.moved.later:>6d}  {'yes' if r.holds else 'NO'}"
        )
    return "\n".join(lines)


def _pk(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{100 * k / n:.0f}% ({100 * lo:.0f}-{100 * hi:.0f})"


def versus_blocks(results: Sequence[VersusResult]) -> list[str]:
    """The names of the docs blocks the versus claims go in, in order of first use."""
    return list(dict.fromkeys(r.claim.block for r in results))


def versus_block(cf: ClaimsFile, results: Sequence[VersusResult], block: str = "") -> str:
    """A generated block of docs/model.md: what each change moves, with odds."""
    begin, end = versus_markers(block)
    lines = [begin]
    groups: dict[tuple[str, str, tuple[tuple[str, float], ...]], list[VersusResult]] = {}
    for r in results:
        if r.claim.block == block:
            groups.setdefault(r.claim.arms, []).append(r)
    for (preset, prior, overrides), rs in groups.items():
        change = ", ".join(f"`{k}={x:g}`" for k, x in overrides)
        lines += [
            f"`{preset}` ({prior} prior), {rs[0].n} draws each run as drawn and with {change} "
            "(same seed; `claims.toml`, recomputed by `tests/test_claims.py`):",
            "",
            "| outcome | as drawn | with the change | earlier with the change "
            "| later with the change | direction |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for r in rs:
            m = r.moved
            lines.append(
                f"| `{r.claim.key}` | {_pk(m.as_drawn, m.n)} | {_pk(m.changed, m.n)} | "
                f"{m.earlier} | {m.later} | {r.found} |"
            )
        lines.append("")
    lines.append(end)
    return "\n".join(lines)


def write_stated(path: Path, results: Sequence[Result]) -> None:
    """Write each recomputed share into the file as its stated value (directions unchanged)."""
    text = path.read_text(encoding="utf-8")
    for r in results:
        if r.claim.direction:
            continue
        pattern = re.compile(
            r'(id = "' + re.escape(r.claim.id) + r'"\n(?:(?!\[\[claims\]\]).*\n)*?stated = )[0-9.]+'
        )
        text, n = pattern.subn(r"\g<1>" + f"{r.share:.3f}", text, count=1)
        if n != 1:
            raise ClaimsError(f"{path.name}: claim {r.claim.id!r}: no 'stated' line after its id")
    path.write_text(text, encoding="utf-8")


def write_docs(path: Path, block: str, begin: str = BEGIN, end: str = END) -> None:
    """Replace the generated block of ``path`` (between the markers) with ``block``."""
    text = path.read_text(encoding="utf-8")
    a, b = text.find(begin), text.find(end)
    if a < 0 or b < a:
        raise ClaimsError(f"{path.name}: the markers {begin} and {end} are missing")
    path.write_text(text[:a] + block + text[b + len(end) :], encoding="utf-8")


def docs_block_in(path: Path, begin: str = BEGIN, end: str = END) -> str:
    """The generated block as it stands in ``path`` (markers included; '' without them)."""
    text = path.read_text(encoding="utf-8")
    a, b = text.find(begin), text.find(end)
    return text[a : b + len(end)] if a >= 0 and b > a else ""


def echo_stderr(text: str) -> None:
    """Progress on stderr."""
    print(text, file=sys.stderr, flush=True)


def run_multiplier_tables(
    cf: ClaimsFile, workers: int | None = None, echo: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Each ``[multipliers]`` preset's summary (``ensemble.multipliers.summarise``)."""
    from .multipliers import run_multipliers, summarise

    out = {}
    for preset in cf.multiplier_presets:
        spec = EnsembleSpec(
            preset, cf.multiplier_draws, cf.months, cf.root_seed, prior_for(preset, "own")
        )
        t0 = time.monotonic()
        rows, failed = run_multipliers(spec, workers=workers)
        if failed:
            raise ClaimsError(
                f"multipliers of {preset}: draw {failed[0][0]} failed: {failed[0][1]}"
            )
        out[preset] = summarise(rows)
        if echo is not None:
            echo(
                f"  {preset}: multipliers over {cf.multiplier_draws} draws in "
                f"{time.monotonic() - t0:.0f} s"
            )
    return out


def multipliers_block(cf: ClaimsFile, tables: Mapping[str, Any]) -> str:
    """The generated multipliers table of docs/model.md."""
    from economy.observation.names import LABELS

    from .multipliers import span

    lines = [
        MULT_BEGIN,
        f"Each preset's prior, {cf.multiplier_draws} draws of {cf.months} months, each run "
        "in five arms with the same seed (`claims.toml` `[multipliers]`, recomputed by "
        "`tests/test_claims.py`); medians with the 5th to 95th percentile over the draws "
        "where the supplier put money in through the channel (bounds: draws whose survival "
        "figure is a bound, the app company outliving the run in one arm; vendor credit "
        "off for both suppliers together; circularity, the share of a supplier's chip "
        "receipts tagged as its own money, over every draw):",
        "",
        "| preset | supplier | channel | draws with money in | $ put in, US$ bn | gross x "
        "| margin x | net x | app company's survival bought, months (bounds) "
        "| circularity (accounting) |",
        "|---|---|---|---:|---|---|---|---|---|---|",
    ]
    for preset, summary in tables.items():
        for _, r in summary.iterrows():
            lines.append(
                f"| `{preset}` | {LABELS.get(r['supplier'], r['supplier'])} | {r['channel']} "
                f"| {r['draws_put_in']} of {r['draws']} | {span(r, 'put_in', ',.0f')} "
                f"| {span(r, 'gross_multiplier', '.2f')} | {span(r, 'margin_multiplier', '.2f')} "
                f"| {span(r, 'net_multiplier', '.2f')} "
                f"| {span(r, 'survival_months', '.0f')} ({r['survival_bounds']}) "
                f"| {span(r, 'circularity', '.0%')} |"
            )
    lines += ["", MULT_END]
    return "\n".join(lines)
