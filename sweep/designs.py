"""Designs (grid, Latin hypercube, Sobol, Morris), run ids, derived seeds and run order.

* A design is a matrix: one row per parameter point ("design row"), one column per varied
  parameter. ``raw`` keeps the values as sampled (SALib's analysis needs them); ``values``
  are what the runs use (whole-number parameters rounded).
* Each design row is run ``replicates`` times. The run id is
  ``design_row * replicates + replicate``: fixed by the spec, so a resumed sweep knows
  which runs it still lacks.
* The seed of a run is drawn from ``numpy.random.SeedSequence(root_seed,
  spawn_key=(design_row, replicate))``, which is exactly the child that
  ``SeedSequence(root_seed).spawn(...)[design_row].spawn(...)[replicate]`` gives: a
  different stream for every run, recoverable from the root seed alone. The design's own
  sampling (LHS, Sobol scrambling, Morris trajectories) uses the child with key
  ``(DESIGN_KEY,)``. Seeds are 63-bit so they fit a DuckDB BIGINT and ``run.py run --seed``.
* Run order: replicate by replicate, so every point has its first replicate before any
  has its second; within a pass a grid's rows go in an order that uses every level of
  every factor evenly at each prefix (:func:`balanced_grid_order`), so what an
  interrupted sweep managed covers the whole space evenly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .spec import SweepSpec, is_integer_param

DESIGN_KEY = 2**32 - 1  # spawn key of the design's own random stream


@dataclass(frozen=True)
class Design:
    """A design matrix with the settings that made it."""

    names: tuple[str, ...]
    raw: np.ndarray
    values: np.ndarray
    sampling: dict[str, Any] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        """Number of parameter points."""
        return int(self.raw.shape[0])

    def point(self, row: int) -> dict[str, float | int]:
        """Parameter values of one design row, as the runs use them."""
        out: dict[str, float | int] = {}
        for j, name in enumerate(self.names):
            v = self.values[row, j]
            out[name] = int(v) if is_integer_param(name) else float(v)
        return out


@dataclass(frozen=True)
class PlannedRun:
    """One run of the sweep: its id, design row, replicate and seed."""

    run_id: int
    design_row: int
    replicate: int
    seed: int


def seed_sequence(root_seed: int, *key: int) -> np.random.SeedSequence:
    """The child of ``root_seed`` with spawn key ``key`` (what ``spawn`` would give)."""
    return np.random.SeedSequence(root_seed, spawn_key=tuple(key))


def derive_seed(root_seed: int, design_row: int, replicate: int, bump: int = 0) -> int:
    """The seed of one run: a 63-bit integer from the run's own SeedSequence child."""
    key = (design_row, replicate) if bump == 0 else (design_row, replicate, bump)
    hi, lo = seed_sequence(root_seed, *key).generate_state(2, np.uint32)
    return ((int(hi) << 32) | int(lo)) >> 1


def design_seed(root_seed: int) -> int:
    """Seed of the design's sampling (LHS, Sobol scrambling, Morris trajectories)."""
    return int(seed_sequence(root_seed, DESIGN_KEY).generate_state(1, np.uint32)[0])


def latin_hypercube(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points in the unit cube, one in each of the ``n`` strata of every axis."""
    strata = rng.permuted(np.tile(np.arange(n), (d, 1)), axis=1).T
    return (strata + rng.random((n, d))) / n


def problem(spec: SweepSpec) -> dict[str, Any]:
    """The SALib problem of a spec's varied ranges."""
    return {
        "num_vars": len(spec.vary),
        "names": list(spec.names),
        "bounds": [[f.lo, f.hi] for f in spec.vary],
    }


def run_count(spec: SweepSpec) -> tuple[int, int]:
    """(design rows, runs) of a checked spec, without sampling it."""
    d = len(spec.vary)
    n = spec.samples or 0
    if spec.design == "grid":
        rows = 1
        for f in spec.vary:
            rows *= len(f.grid_levels())
    elif spec.design == "lhs":
        rows = n
    elif spec.design == "sobol":
        rows = n * (2 * d + 2) if spec.second_order else n * (d + 2)
    else:  # morris
        rows = n * (d + 1)
    return rows, rows * spec.replicates


def build_design(spec: SweepSpec) -> Design:
    """Sample a checked spec's design (deterministic: same spec, same matrix)."""
    names = spec.names
    seed = design_seed(spec.root_seed)
    sampling: dict[str, Any] = {"design": spec.design, "design_seed": seed}
    if spec.design == "grid":
        levels = [f.grid_levels() for f in spec.vary]
        points = list(itertools.product(*levels))
        raw = np.array(points, dtype=float).reshape(len(points), len(names))
        sampling["levels"] = {f.name: list(lv) for f, lv in zip(spec.vary, levels, strict=True)}
    elif spec.design == "lhs":
        unit = latin_hypercube(spec.samples or 0, len(names), np.random.default_rng(seed))
        lo = np.array([f.lo for f in spec.vary], dtype=float)
        hi = np.array([f.hi for f in spec.vary], dtype=float)
        raw = lo + unit * (hi - lo)
        sampling.update(samples=spec.samples, bounds=problem(spec)["bounds"])
    elif spec.design == "sobol":
        from SALib.sample import sobol

        raw = sobol.sample(
            problem(spec),
            spec.samples,
            calc_second_order=spec.second_order,
            scramble=True,
            seed=seed,
        )
        sampling.update(
            N=spec.samples,
            calc_second_order=spec.second_order,
            scramble=True,
            skip_values=0,
            problem=problem(spec),
        )
    else:
        from SALib.sample import morris

        raw = morris.sample(problem(spec), spec.samples, num_levels=spec.morris_levels, seed=seed)
        sampling.update(
            N=spec.samples, num_levels=spec.morris_levels, problem=problem(spec), trajectories=True
        )
    values = raw.copy()
    for j, name in enumerate(names):
        if is_integer_param(name):
            values[:, j] = np.round(values[:, j])
    rows, _ = run_count(spec)
    if raw.shape[0] != rows:  # pragma: no cover - a SALib change would show here
        raise RuntimeError(f"{spec.design} design gave {raw.shape[0]} rows, expected {rows}")
    sampling["rows"] = rows
    sampling["runs"] = rows * spec.replicates
    return Design(names, raw, values, sampling)


GREEDY_LIMIT = 20_000  # grids larger than this are ordered by a seeded shuffle instead


def balanced_grid_order(levels: np.ndarray, seed: int) -> list[int]:
    """Order grid rows so that every prefix uses each level of each factor about equally.

    Greedy: the next row is one whose levels have been used least so far (ties broken by
    a seeded shuffle, so the joint coverage is random rather than diagonal). On grids of
    2 to 4 factors tried (8x8, 6x5, 20x20, 10x10x4, 4x4x4x4), each factor's level counts
    differed by at most two at every prefix.

    Args:
        levels: (rows, factors) level index of each row.
        seed: seed of the tie-breaking shuffle.
    """
    n, d = levels.shape
    rng = np.random.default_rng(seed)
    if n > GREEDY_LIMIT or d == 0:
        return [int(i) for i in rng.permutation(n)]
    tie = rng.permutation(n).astype(float) / n  # in [0, 1): below one unit of score
    score = np.zeros(n)
    used = np.zeros(n, dtype=bool)
    order = []
    for _ in range(n):
        i = int(np.argmin(np.where(used, np.inf, score + tie)))
        order.append(i)
        used[i] = True
        for j in range(d):
            score += levels[:, j] == levels[i, j]
    return order


def row_order(spec: SweepSpec, design: Design) -> list[int]:
    """The order of design rows within each replicate pass.

    Grids: :func:`balanced_grid_order`. Latin hypercube rows are already in random order
    (any prefix is a random sample of the box); Sobol and Morris rows keep their sampled
    order (Sobol base points are a low-discrepancy sequence, and both analyses need every
    row anyway).
    """
    if spec.design != "grid" or design.n_rows <= 1:
        return list(range(design.n_rows))
    idx = np.zeros(design.raw.shape, dtype=int)
    for j in range(design.raw.shape[1]):
        idx[:, j] = np.unique(design.raw[:, j], return_inverse=True)[1]
    return balanced_grid_order(idx, design_seed(spec.root_seed))


def plan_runs(spec: SweepSpec, design: Design) -> list[PlannedRun]:
    """Every run of the sweep, in execution order, with unique derived seeds.

    Replicate by replicate: every point gets its first replicate before any point gets a
    second, and within a pass the rows follow :func:`row_order`.
    """
    order = row_order(spec, design)
    reps = spec.replicates
    runs = []
    used: set[int] = set()
    for rep in range(reps):
        for row in order:
            seed = derive_seed(spec.root_seed, row, rep)
            bump = 0
            while seed in used:  # never met in practice; keeps seeds unique by construction
                bump += 1
                seed = derive_seed(spec.root_seed, row, rep, bump)
            used.add(seed)
            runs.append(PlannedRun(row * reps + rep, row, rep, seed))
    return runs
