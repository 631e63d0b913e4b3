"""Analysis of sweep stores: phase diagram, per-point statistics, sensitivity guardrails."""

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sweep import cli

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args):
    return cli.main([str(a) for a in args])


@pytest.fixture(scope="module")
def grid_store(tmp_path_factory):
    out = tmp_path_factory.mktemp("grid") / "g.duckdb"
    rc = run_cli(
        "sweep",
        "--vary",
        "milestone_investment_per_gw=0,1,5,10",
        "--vary",
        "paid_growth_decay=0:0.9:3",
        "--vary",
        "leverage_limit=0.5,0.8",
        "--design",
        "grid",
        "--replicates",
        "3",
        "--months",
        "36",
        "--workers",
        "1",
        "--no-progress",
        "--out",
        out,
    )
    assert rc == 0
    return out


def sensitivity_store(tmp_path, design, samples):
    out = tmp_path / f"{design}.duckdb"
    rc = run_cli(
        "sweep",
        "--vary",
        "paid_growth_decay=0:0.9",
        "--vary",
        "milestone_investment_per_gw=1:10",
        "--design",
        design,
        "--samples",
        samples,
        "--months",
        "36",
        "--workers",
        "1",
        "--no-progress",
        "--out",
        out,
    )
    assert rc == 0
    return out


def test_phase_diagram_and_point_table(grid_store, tmp_path, capsys):
    out = tmp_path / "analysis"
    assert run_cli("analyze", grid_store, "--out", out) == 0
    png = out / "phase_milestone_investment_per_gw__paid_growth_decay.png"
    assert png.is_file() and png.stat().st_size > 10_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    points = pd.read_csv(out / "points.csv")
    assert len(points) == 24  # one row per parameter point
    assert (points["runs_ok"] == 3).all()
    for c in ("share_collapse", "peak_gw", "app_cash_low"):
        assert (points[f"{c}_ci_low"] <= points[f"{c}_mean"] + 1e-12).all()
        assert (points[f"{c}_mean"] <= points[f"{c}_ci_high"] + 1e-12).all()
    shares = points[[f"share_{r}_mean" for r in ("rising", "plateau", "stalling", "collapse")]]
    assert ((shares.sum(axis=1) - 1).abs() < 1e-9).all()
    worst = points[[c for c in points.columns if str(c).startswith("share_worst_")]]
    assert ((worst.sum(axis=1) - 1).abs() < 1e-9).all()
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 72
    assert "wrote" in capsys.readouterr().out


def test_phase_diagram_hatches_cells_without_runs_and_says_so_in_a_legend(grid_store, tmp_path):
    import matplotlib.pyplot as plt
    import numpy as np

    from sweep.analyze import load, phase_diagram, phase_figure
    from sweep.store import param_column

    spec, _, runs, _ = load(grid_store)
    x, y = "milestone_investment_per_gw", "paid_growth_decay"
    gone = (runs[param_column(x)] == 0) & (runs[param_column(y)] == 0)
    runs = runs[~gone]  # cell (0, 0) has no runs; its row and column still do
    fig = phase_figure(runs, spec, x, y)
    fig.set_dpi(100)
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    height = pixels.shape[0]

    def colours(ax, ix, iy):
        px, py = ax.transData.transform((ix + 0.5, iy + 0.5))
        row, col = round(height - py), round(px)
        block = pixels[row - 10 : row + 10, col - 10 : col + 10].reshape(-1, 3)
        return len(np.unique(block, axis=0))

    for ax in fig.axes[:6]:  # the six panels (then come their colour bars)
        assert colours(ax, 0, 0) > 1, f"{ax.get_title()}: the cell without runs is not hatched"
        assert colours(ax, 1, 0) == 1, f"{ax.get_title()}: a cell with runs is not one colour"
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert labels == ["no runs"]
    path = phase_diagram(runs, spec, x, y, tmp_path / "phase.png")
    assert path.stat().st_size > 10_000
    # with every cell run, nothing is hatched and there is no legend
    full = phase_figure(load(grid_store)[2], spec, x, y)
    assert full.legends == []
    plt.close(fig)
    plt.close(full)


def test_chosen_axes_and_parquet(grid_store, tmp_path):
    out = tmp_path / "a"
    args = ["--x", "leverage_limit", "--y", "milestone_investment_per_gw", "--format", "parquet"]
    assert run_cli("analyze", grid_store, "--out", out, *args) == 0
    assert (out / "phase_leverage_limit__milestone_investment_per_gw.png").stat().st_size > 0
    assert len(pd.read_parquet(out / "points.parquet")) == 24


def test_bad_axis_is_refused(grid_store, tmp_path, capsys):
    assert run_cli("analyze", grid_store, "--out", tmp_path, "--x", "interest_rate") == 2
    err = capsys.readouterr().err
    assert "not varied in this sweep" in err and "Traceback" not in err
    assert run_cli("analyze", tmp_path / "nope.duckdb", "--out", tmp_path) == 2


def test_lhs_phase_diagram_bins_sampled_points(tmp_path):
    out = tmp_path / "l.duckdb"
    rc = run_cli(
        "sweep",
        "--vary",
        "paid_growth_decay=0:0.9",
        "--vary",
        "inference_price_decline=3:40",
        "--design",
        "lhs",
        "--samples",
        "30",
        "--months",
        "24",
        "--workers",
        "1",
        "--no-progress",
        "--out",
        out,
    )
    assert rc == 0
    assert run_cli("analyze", out, "--out", tmp_path / "a") == 0
    png = tmp_path / "a" / "phase_paid_growth_decay__inference_price_decline.png"
    assert png.stat().st_size > 10_000


def test_sobol_indices_with_flags_from_the_stored_settings(tmp_path, capsys):
    store = sensitivity_store(tmp_path, "sobol", 8)  # N(D+2) = 32 runs
    out = tmp_path / "s"
    assert run_cli("analyze", store, "--out", out, "--resamples", 100) == 0
    table = pd.read_csv(out / "sensitivity.csv")
    assert {"outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf", "flag"} <= set(table)
    assert set(table["parameter"]) == {"paid_growth_decay", "milestone_investment_per_gw"}
    assert "S1_ci_wider_than_index" in table and "ST_ci_wider_than_index" in table
    flagged = table["S1_conf"] > table["S1"].abs()
    assert (table["S1_ci_wider_than_index"] == flagged).all()
    assert (out / "sensitivity.png").stat().st_size > 10_000
    if table["flag"].ne("").any():
        assert "wider than the index" in capsys.readouterr().out


def test_morris_indices(tmp_path):
    store = sensitivity_store(tmp_path, "morris", 4)  # 4 trajectories x (D+1) = 12 runs
    out = tmp_path / "m"
    assert run_cli("analyze", store, "--out", out, "--resamples", 100) == 0
    table = pd.read_csv(out / "sensitivity.csv")
    assert {"mu", "mu_star", "mu_star_conf", "sigma", "mu_star_ci_wider_than_index"} <= set(table)


def test_analyze_refuses_an_incomplete_or_failed_sobol_design(tmp_path, capsys):
    store = sensitivity_store(tmp_path, "sobol", 4)
    con = duckdb.connect(str(store))
    con.execute("DELETE FROM runs WHERE run_id IN (3, 5)")
    con.close()
    out = tmp_path / "s"
    assert run_cli("analyze", store, "--out", out) == 2
    err = capsys.readouterr().err
    assert "2 missing" in err and "sensitivity" in err and "Traceback" not in err
    assert not (out / "sensitivity.csv").exists()
    # the same sweep command fills the gap, then a failed run is refused too
    assert (
        run_cli(
            "sweep",
            "--vary",
            "paid_growth_decay=0:0.9",
            "--vary",
            "milestone_investment_per_gw=1:10",
            "--design",
            "sobol",
            "--samples",
            "4",
            "--months",
            "36",
            "--workers",
            "1",
            "--no-progress",
            "--out",
            store,
        )
        == 0
    )
    con = duckdb.connect(str(store))
    con.execute("UPDATE runs SET status = 'failed', error = 'x' WHERE run_id = 7")
    con.close()
    assert run_cli("analyze", store, "--out", out) == 2
    assert "1 failed" in capsys.readouterr().err
    con = duckdb.connect(str(store))
    con.execute("UPDATE runs SET status = 'ok', error = NULL WHERE run_id = 7")
    con.close()
    assert run_cli("analyze", store, "--out", out) == 0
