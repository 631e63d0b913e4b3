"""Analysis of a sweep store: phase diagram, statistics per point, sensitivity indices.

``run.py analyze STORE --out DIR`` writes into DIR:

* ``phase_<x>__<y>.png``: over two varied parameters, the mean share of months the loop
  spent in each regime, the worst regime most runs reached, and the share of runs with a
  default. Grid levels are cells as they are; sampled designs (lhs, sobol, morris) are
  binned. Each cell averages over replicates and over the other varied parameters.
* ``points.<csv|parquet>``: one row per parameter point (design row): its parameter
  values, runs ok and failed, and for every numeric outcome the mean, standard deviation,
  count and a t-based confidence interval across replicates; shares of runs by worst
  regime; probabilities of a stall and of a default.
* ``runs.<csv|parquet>``: the ``runs`` table as stored.
* For sobol and morris designs, ``sensitivity.<csv|parquet>`` and ``sensitivity.png``:
  SALib indices of each numeric outcome (Sobol S1/ST with confidence intervals, S2 in
  ``sensitivity_s2`` with second-order designs; Morris mu*, sigma), each flagged where its
  confidence interval is wider than the index itself.

Guardrails: the sampling settings come from the store's manifest, not from the command
line; a sobol or morris design with any run missing or failed is refused, because indices
from an incomplete design are wrong, not merely noisy. The outcome of each design row is
the mean over its replicates; a month-of-event outcome of a run where the event never
happened counts as the run length (censored) in the sensitivity analysis.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from . import SweepError
from .spec import SweepSpec
from .store import RUN_KEY_COLUMNS, RUN_TAIL_COLUMNS, Store, param_column

EVENT_MONTHS = ("first_stall_month", "first_default_month")
MAX_BINS = 10
MIN_PER_CELL = 5
# cells without runs: hatched on white, which no colour scale here draws, with a legend entry
NO_RUNS: dict[str, Any] = {
    "facecolor": "white",
    "edgecolor": "#555555",
    "hatch": "xx",
    "linewidth": 0,
}
MAX_CHART_OUTCOMES = 8


class AnalysisError(SweepError):
    """The store cannot be analysed as asked (incomplete design, unknown parameter...)."""


def _regimes() -> list[str]:
    from economy.regimes import Regime

    return [r.value for r in sorted(Regime, key=lambda r: r.severity)]


def load(store_path: Path) -> tuple[SweepSpec, Any, Any, np.ndarray]:
    """(spec, sweep info, runs DataFrame, design matrix) of a store, opened read-only."""
    with Store(store_path, read_only=True) as store:
        info = store.sweep_info()
        if info is None:
            raise AnalysisError(f"{store_path} holds no sweep (no manifest table)")
        spec = SweepSpec.from_json(info.spec_json, info.description)
        runs = store.con.execute("SELECT * FROM runs ORDER BY run_id").df()
        design = store.design_matrix(spec.names)
    return spec, info, runs, design


def outcome_columns(runs: Any, spec: SweepSpec) -> list[str]:
    """Numeric run-summary columns worth statistics (months shares added separately)."""
    skip = {
        *RUN_KEY_COLUMNS,
        *RUN_TAIL_COLUMNS,
        "seed",
        "months",
        *(param_column(n) for n in spec.names),
    }
    out = []
    for c in runs.columns:
        if c in skip or c.startswith(("months_", "share_")):
            continue
        col = runs[c]
        if col.dtype.kind in "iufb" and col.notna().any():
            out.append(c)
    return out


def _with_shares(runs: Any) -> Any:
    runs = runs.copy()
    for r in _regimes():
        col = f"months_{r}"
        if col in runs:
            runs[f"share_{r}"] = runs[col] / runs["months"]
    return runs


def point_statistics(runs: Any, spec: SweepSpec, conf_level: float = 0.95) -> Any:
    """One row per design row: parameters, counts, mean/sd/n/CI of every outcome."""
    import pandas as pd
    from scipy import stats

    ok = _with_shares(runs[runs["status"] == "ok"])
    shares = [f"share_{r}" for r in _regimes() if f"share_{r}" in ok]
    outcomes = shares + outcome_columns(ok, spec)
    pcols = [param_column(n) for n in spec.names]
    counts = runs.groupby("design_row")["status"].agg(
        runs_ok=lambda s: int((s == "ok").sum()), runs_failed=lambda s: int((s != "ok").sum())
    )
    firsts = runs.groupby("design_row")[pcols].first() if pcols else None
    g = ok.groupby("design_row")
    parts = [counts] if firsts is None else [firsts, counts]
    for c in outcomes:
        mean = g[c].mean()
        sd = g[c].std(ddof=1)
        n = g[c].count()
        with np.errstate(invalid="ignore", divide="ignore"):
            t = stats.t.ppf((1 + conf_level) / 2, np.maximum(n - 1, 1))
            half = np.where(n > 1, t * sd / np.sqrt(n), np.nan)
        parts.append(
            pd.DataFrame(
                {
                    f"{c}_mean": mean,
                    f"{c}_sd": sd,
                    f"{c}_n": n,
                    f"{c}_ci_low": mean - half,
                    f"{c}_ci_high": mean + half,
                }
            )
        )
    worst = ok.groupby("design_row")["worst_regime"].value_counts(normalize=True).unstack()
    worst = worst.reindex(columns=_regimes(), fill_value=0.0).fillna(0.0)
    parts.append(worst.add_prefix("share_worst_"))
    for c, name in (("first_stall_month", "p_stall"), ("first_default_month", "p_default")):
        if c in ok:
            parts.append(g[c].apply(lambda s: float(s.notna().mean())).rename(name).to_frame())
    table = pd.concat(parts, axis=1).reset_index()
    return table.rename(columns={"index": "design_row"})


# ---------------------------------------------------------------------- phase diagram
def _axis(
    values: Any, lo: float | None, hi: float | None, k: int, levels: bool
) -> tuple[Any, list[str]]:
    """Cell index of each value and the tick labels: levels as they are, or ``k`` bins.

    Grid levels (``levels``) are cells as they are; sampled values are binned, unless a
    sampled parameter has no more distinct values than bins.
    """
    uniq = np.unique(values[~np.isnan(values)])
    if (levels and len(uniq) <= 12) or len(uniq) <= k:
        index = np.searchsorted(uniq, values)
        return index, [f"{v:.3g}" for v in uniq]
    lo = float(np.nanmin(values)) if lo is None else lo
    hi = float(np.nanmax(values)) if hi is None else hi
    edges = np.linspace(lo, hi, k + 1)
    index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, k - 1)
    return index, [f"{(edges[i] + edges[i + 1]) / 2:.3g}" for i in range(k)]


def phase_diagram(runs: Any, spec: SweepSpec, x: str, y: str | None, path: Path) -> Path:
    """Draw the phase diagram PNG of ``x`` (and ``y``) and return its path."""
    import matplotlib.pyplot as plt

    fig = phase_figure(runs, spec, x, y)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def phase_figure(runs: Any, spec: SweepSpec, x: str, y: str | None) -> Any:
    """The phase diagram of ``x`` (and ``y``) as a matplotlib figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import BoundaryNorm, LinearSegmentedColormap, ListedColormap
    from matplotlib.patches import Patch, Rectangle

    regimes = _regimes()
    ok = _with_shares(runs[runs["status"] == "ok"]).reset_index(drop=True)
    if ok.empty:
        raise AnalysisError("no successful runs to draw")
    factors = {f.name: f for f in spec.vary}
    cols = [param_column(x)] + ([param_column(y)] if y is not None else [])
    points = len(ok[cols].drop_duplicates())
    # bins for sampled designs: about MIN_PER_CELL parameter points per cell
    k = int(min(MAX_BINS, max(3, (points / MIN_PER_CELL) ** (1 / len(cols)))))
    is_grid = spec.design == "grid"
    xi, xlabels = _axis(
        ok[param_column(x)].to_numpy(float), factors[x].lo, factors[x].hi, k, is_grid
    )
    if y is not None:
        yi, ylabels = _axis(
            ok[param_column(y)].to_numpy(float), factors[y].lo, factors[y].hi, k, is_grid
        )
    else:
        yi, ylabels = np.zeros(len(ok), dtype=int), ["all"]
    nx, ny = len(xlabels), len(ylabels)
    ok["_x"], ok["_y"] = xi, yi
    g = ok.groupby(["_y", "_x"])
    colors = {
        "rising": "#2e7d32",
        "plateau": "#1565c0",
        "stalling": "#ef6c00",
        "collapse": "#b71c1c",
    }

    def grid(series: Any) -> np.ndarray:
        m = np.full((ny, nx), np.nan)
        for (iy, ix), v in series.items():
            m[int(iy), int(ix)] = v
        return m

    panels = [(f"share of months {r}", grid(g[f"share_{r}"].mean()), r) for r in regimes]
    severity = {r: i for i, r in enumerate(regimes)}
    worst_mode = g["worst_regime"].agg(lambda s: severity[s.value_counts().idxmax()])
    defaulted = g["first_default_month"].agg(lambda s: s.notna().mean())
    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5), constrained_layout=True)
    for ax, (title, m, r) in zip(axes.flat[:4], panels, strict=True):
        ramp = LinearSegmentedColormap.from_list(r, ["#ffffff", colors.get(r, "k")])
        cmap = ramp.with_extremes(bad="none")  # the hatched background shows through
        im = ax.pcolormesh(m, cmap=cmap, vmin=0, vmax=1)
        ax.set_title(title)
        fig.colorbar(im, ax=ax, shrink=0.8)
    ax = axes.flat[4]
    worst_cmap = ListedColormap([colors.get(r, "grey") for r in regimes]).with_extremes(bad="none")
    norm = BoundaryNorm(np.arange(len(regimes) + 1) - 0.5, len(regimes))
    im = ax.pcolormesh(grid(worst_mode), cmap=worst_cmap, norm=norm)
    ax.set_title("worst regime reached (most runs)")
    cb = fig.colorbar(im, ax=ax, shrink=0.8, ticks=range(len(regimes)))
    cb.ax.set_yticklabels(regimes)
    ax = axes.flat[5]
    greys = matplotlib.colormaps["Greys"].with_extremes(bad="none")
    im = ax.pcolormesh(grid(defaulted), cmap=greys, vmin=0, vmax=1)
    ax.set_title("share of runs with a default")
    fig.colorbar(im, ax=ax, shrink=0.8)
    step_x = max(1, nx // 10)
    for ax in axes.flat:
        ax.add_patch(Rectangle((0, 0), nx, ny, zorder=0, **NO_RUNS))
        ax.set_xticks(np.arange(nx)[::step_x] + 0.5, xlabels[::step_x], rotation=45)
        ax.set_yticks(np.arange(ny) + 0.5, ylabels)
        ax.set_xlabel(x)
        ax.set_ylabel(y or "")
    others = [n for n in spec.names if n not in (x, y)]
    note = f"; averaged over {', '.join(others)}" if others else ""
    if np.isnan(grid(g.size())).any():
        fig.legend(handles=[Patch(label="no runs", **NO_RUNS)], loc="outside upper right")
    fig.suptitle(
        f"Phase diagram: scenario {spec.scenario or 'none'}, {spec.design} design, "
        f"{len(ok):,} runs, {spec.months} months{note}"
    )
    return fig


# ---------------------------------------------------------------------- sensitivity
def _design_outcomes(runs: Any, spec: SweepSpec, n_rows: int) -> dict[str, np.ndarray]:
    """Mean over replicates of each numeric outcome, one value per design row."""
    ok = _with_shares(runs[runs["status"] == "ok"]).copy()
    for c in EVENT_MONTHS:
        if c in ok:
            ok[c] = ok[c].astype(float).fillna(ok["months"].astype(float))
    cols = [f"share_{r}" for r in _regimes() if f"share_{r}" in ok] + outcome_columns(ok, spec)
    means = ok.groupby("design_row")[cols].mean().reindex(range(n_rows))
    out = {}
    for c in cols:
        v = means[c].to_numpy(float)
        if np.isnan(v).any() or np.nanstd(v) == 0:
            continue  # undefined (never measured) or constant: no sensitivity to report
        out[c] = v
    return out


def _require_complete(runs: Any, spec: SweepSpec, n_rows: int) -> None:
    expected = n_rows * spec.replicates
    ok = int((runs["status"] == "ok").sum())
    failed = int((runs["status"] != "ok").sum())
    missing = expected - ok - failed
    if missing or failed:
        parts = []
        if missing:
            parts.append(f"{missing:,} missing (run the same sweep command to finish them)")
        if failed:
            parts.append(f"{failed:,} failed (see runs.error; re-run with --retry-failed)")
        raise AnalysisError(
            f"a {spec.design} design needs every one of its {expected:,} runs for sensitivity "
            f"indices, and {' and '.join(parts)}; indices from an incomplete design are wrong, "
            "not just noisy, so the analysis stops here"
        )


def sensitivity(
    runs: Any,
    spec: SweepSpec,
    sampling: dict[str, Any],
    design: np.ndarray,
    conf_level: float,
    resamples: int,
) -> tuple[Any, Any]:
    """SALib indices of every numeric outcome: (first/total table, second-order table)."""
    import pandas as pd

    n_rows = design.shape[0]
    problem = sampling["problem"]
    if list(problem["names"]) != list(spec.names):
        raise AnalysisError("the stored sampling settings do not match the stored spec")
    if spec.design == "sobol":
        d = problem["num_vars"]
        second = bool(sampling["calc_second_order"])
        rows = sampling["N"] * (2 * d + 2 if second else d + 2)
    else:
        rows = sampling["N"] * (problem["num_vars"] + 1)
    if rows != n_rows:
        raise AnalysisError(
            f"the stored design has {n_rows:,} rows but its sampling settings imply {rows:,}"
        )
    _require_complete(runs, spec, n_rows)
    seed = int(sampling.get("design_seed", 0))
    table, s2 = [], []
    for outcome, y in _design_outcomes(runs, spec, n_rows).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if spec.design == "sobol":
                from SALib.analyze import sobol

                si = sobol.analyze(
                    problem,
                    y,
                    calc_second_order=second,
                    num_resamples=resamples,
                    conf_level=conf_level,
                    seed=seed,
                )
            else:
                from SALib.analyze import morris

                si = morris.analyze(
                    problem,
                    design,
                    y,
                    num_resamples=resamples,
                    conf_level=conf_level,
                    num_levels=int(sampling["num_levels"]),
                    seed=seed,
                )
        for i, name in enumerate(problem["names"]):
            if spec.design == "sobol":
                s1, s1c, st, stc = (float(si[k][i]) for k in ("S1", "S1_conf", "ST", "ST_conf"))
                flags = []
                if s1c > abs(s1):
                    flags.append("S1 CI wider than S1")
                if stc > abs(st):
                    flags.append("ST CI wider than ST")
                table.append(
                    {
                        "outcome": outcome,
                        "parameter": name,
                        "S1": s1,
                        "S1_conf": s1c,
                        "ST": st,
                        "ST_conf": stc,
                        "S1_ci_wider_than_index": s1c > abs(s1),
                        "ST_ci_wider_than_index": stc > abs(st),
                        "flag": "; ".join(flags),
                    }
                )
                if second:
                    for j in range(i + 1, len(problem["names"])):
                        v, c = float(si["S2"][i, j]), float(si["S2_conf"][i, j])
                        s2.append(
                            {
                                "outcome": outcome,
                                "parameter_1": name,
                                "parameter_2": problem["names"][j],
                                "S2": v,
                                "S2_conf": c,
                                "ci_wider_than_index": c > abs(v),
                            }
                        )
            else:
                mu_star, conf = float(si["mu_star"][i]), float(si["mu_star_conf"][i])
                table.append(
                    {
                        "outcome": outcome,
                        "parameter": name,
                        "mu": float(si["mu"][i]),
                        "mu_star": mu_star,
                        "mu_star_conf": conf,
                        "sigma": float(si["sigma"][i]),
                        "mu_star_ci_wider_than_index": conf > abs(mu_star),
                        "flag": "mu* CI wider than mu*" if conf > abs(mu_star) else "",
                    }
                )
    return pd.DataFrame(table), pd.DataFrame(s2)


def sensitivity_chart(table: Any, design: str, path: Path) -> Path:
    """Bar chart of the indices, one panel per outcome; flagged bars are hatched."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes = list(dict.fromkeys(table["outcome"]))[:MAX_CHART_OUTCOMES]
    cols = min(4, len(outcomes))
    rows = math.ceil(len(outcomes) / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.2 * cols, 3.4 * rows), squeeze=False, constrained_layout=True
    )
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        t = table[table["outcome"] == outcome]
        pos = np.arange(len(t))
        if design == "sobol":
            for k, (key, label, off) in enumerate((("S1", "S1", -0.2), ("ST", "ST", 0.2))):
                bars = ax.barh(
                    pos + off,
                    t[key],
                    height=0.38,
                    xerr=t[f"{key}_conf"],
                    label=label,
                    color=("#1565c0", "#90caf9")[k],
                )
                for bar, bad in zip(bars, t[f"{key}_ci_wider_than_index"], strict=True):
                    if bad:
                        bar.set_hatch("//")
        else:
            bars = ax.barh(pos, t["mu_star"], xerr=t["mu_star_conf"], color="#1565c0", label="mu*")
            for bar, bad in zip(bars, t["mu_star_ci_wider_than_index"], strict=True):
                if bad:
                    bar.set_hatch("//")
        ax.set_yticks(pos, t["parameter"])
        ax.set_title(outcome, fontsize=10)
        ax.axvline(0, color="k", lw=0.5)
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(
        f"{'Sobol' if design == 'sobol' else 'Morris'} sensitivity (hatched: confidence "
        "interval wider than the index)"
    )
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


# ---------------------------------------------------------------------- entry point
def _write(df: Any, path: Path) -> Path:
    if path.suffix == ".parquet":
        df.to_parquet(path, index=False)
    else:
        df.to_csv(path, index=False)
    return path


def analyze_store(
    store: Path,
    out: Path,
    *,
    x: str | None = None,
    y: str | None = None,
    fmt: str = "csv",
    conf_level: float = 0.95,
    resamples: int = 1000,
    echo: Any = print,
) -> list[Path]:
    """Write the phase diagram, the tables and (sobol/morris) the sensitivity indices.

    Returns:
        The files written.

    Raises:
        AnalysisError: a parameter that is not varied, an incomplete sobol/morris design.
        StoreBusyError: a running sweep holds the store.
    """
    if fmt not in ("csv", "parquet"):
        raise AnalysisError(f"--format must be csv or parquet, got {fmt!r}")
    if not 0 < conf_level < 1:
        raise AnalysisError(f"--conf-level must be between 0 and 1, got {conf_level}")
    spec, info, runs, design = load(Path(store))
    names = list(spec.names)
    _check_axes(names, x, y)
    _check_runs(runs, spec, design.shape[0], echo)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if names:
        x = x or names[0]
        if y is None and len(names) > 1:
            y = next(n for n in names if n != x)
        name = f"phase_{x}__{y}.png" if y else f"phase_{x}.png"
        written.append(phase_diagram(runs, spec, x, y, out / name))
    else:
        echo("note: nothing was varied; no phase diagram")
    written.append(_write(point_statistics(runs, spec, conf_level), out / f"points.{fmt}"))
    written.append(_write(runs, out / f"runs.{fmt}"))
    if spec.design in ("sobol", "morris"):
        table, s2 = sensitivity(runs, spec, info.sampling, design, conf_level, resamples)
        if table.empty:
            echo("note: every outcome is constant across the design; no sensitivity indices")
        else:
            written.append(_write(table, out / f"sensitivity.{fmt}"))
            written.append(sensitivity_chart(table, spec.design, out / "sensitivity.png"))
            flagged = int((table["flag"] != "").sum())
            if flagged:
                echo(
                    f"note: {flagged} of {len(table)} indices have a confidence interval wider "
                    "than the index (column flag): treat them as not distinguishable from 0; "
                    "a larger --samples narrows them"
                )
        if not s2.empty:
            written.append(_write(s2, out / f"sensitivity_s2.{fmt}"))
    return written


def _check_axes(names: list[str], x: str | None, y: str | None) -> None:
    """The phase diagram's axes must be varied parameters, and two different ones."""
    for flag, p in (("--x", x), ("--y", y)):
        if p is not None and p not in names:
            raise AnalysisError(
                f"{flag} {p}: not varied in this sweep (varied: {', '.join(names) or 'none'})"
            )
    if x is not None and x == y:
        raise AnalysisError("--x and --y must be different parameters")


def _check_runs(runs: Any, spec: Any, n_rows: int, echo: Any) -> None:
    """Sensitivity designs need every run; other designs say what is missing or failed."""
    if spec.design in ("sobol", "morris"):
        _require_complete(runs, spec, n_rows)
        return
    expected = n_rows * spec.replicates
    failed = int((runs["status"] != "ok").sum())
    missing = expected - len(runs)
    if missing or failed:
        echo(
            f"note: {missing:,} of {expected:,} runs missing and {failed:,} failed; "
            "statistics use the successful runs"
        )
