"""The fitted rows of the calibration table are what scripts/fit_bass.py finds."""

import importlib.util
from pathlib import Path

import pytest

from economy.demand import bass_path
from params import calibration_table

ROOT = Path(__file__).resolve().parent.parent


def load_script():
    spec = importlib.util.spec_from_file_location("fit_bass", ROOT / "scripts" / "fit_bass.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fitted_rows_match_the_fit():
    fit = load_script()
    cal = calibration_table()
    users0 = float(cal["users_initial"].value)
    p, q, m = fit.fit_reported(users0)
    q_seed, d_seed = fit.fit_seed(users0, p, m)
    assert float(cal["bass_p_fit"].value) == pytest.approx(p, rel=1e-2)
    assert float(cal["bass_q_fit"].value) == pytest.approx(q, rel=1e-3)
    assert float(cal["market_size_fit"].value) == pytest.approx(m, rel=1e-3)
    assert float(cal["seed_bass_q"].value) == pytest.approx(q_seed, rel=1e-3)
    assert float(cal["seed_paid_growth_decay"].value) == pytest.approx(d_seed, rel=1e-3)


def test_seed_diffusion_reproduces_the_articles_growth_figures():
    cal = calibration_table()
    path = bass_path(
        float(cal["users_initial"].value),
        float(cal["bass_p_fit"].value),
        float(cal["seed_bass_q"].value),
        float(cal["market_size_fit"].value),
        float(cal["seed_paid_growth_decay"].value),
        15,
    )
    assert path[12] / path[0] - 1 == pytest.approx(2.517, rel=1e-3)
    assert (path[15] / path[12]) ** 4 - 1 == pytest.approx(0.35, rel=1e-2)
