"""The adaptive belief system of Brock and Hommes (1998) as a pure function (issue 21, item 1)."""

# ruff: noqa: N803, N806 - R and C are the paper's names

import math
from typing import Any

import numpy as np
import pytest

from economy.market import adaptive_beliefs_path
from errors import InputError

TINY = (1e-9, 1.2e-9, 1.1e-9)  # near the fundamental: the dynamics are linear there


def closed_form(R, g, C):
    return math.log(R / (g - R)) / C


def converges(R, g, C, beta, steps=400):
    """Does a small deviation die out? Near x = 0 it shrinks by n2 g / R a period."""
    x, _ = adaptive_beliefs_path(TINY, R, g, C, beta, steps=steps)
    return abs(x[-1]) < abs(x[-2]) and abs(x[-1]) < TINY[-1]


def bisect_threshold(R, g, C, lo=0.0, hi=50.0):
    assert converges(R, g, C, lo) and not converges(R, g, C, hi)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if converges(R, g, C, mid):
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-10:
            break
    return 0.5 * (lo + hi)


@pytest.mark.parametrize(
    ("R", "g", "C"),
    [(1.1, 1.2, 1.0), (1.05, 1.6, 0.5)],  # the paper's canonical case, and one more
)
def test_the_primary_threshold_is_the_closed_form(R, g, C):
    assert bisect_threshold(R, g, C) == pytest.approx(closed_form(R, g, C), abs=1e-6)


def test_below_the_threshold_prices_return_to_the_fundamental_and_above_they_do_not():
    R, g, C = 1.1, 1.2, 1.0
    star = closed_form(R, g, C)  # ln 11, about 2.398
    below, _ = adaptive_beliefs_path((0.1, 0.2, 0.3), R, g, C, star - 0.5, steps=2000)
    above, n2 = adaptive_beliefs_path((0.1, 0.2, 0.3), R, g, C, star + 0.5, steps=2000)
    assert abs(below[-1]) < 1e-6
    # a non-fundamental steady state: the trend chasers' share settles where n2 g = R
    assert abs(above[-1]) > 0.05
    assert above[-1] == pytest.approx(above[-2], rel=1e-6)
    assert n2[-1] == pytest.approx(R / g, rel=1e-6)


def test_one_step_by_hand():
    R, g, C, beta = 1.1, 1.2, 1.0, 2.0
    xm2, xm1, x0 = 0.3, -0.2, 0.5
    x, n2 = adaptive_beliefs_path((xm2, xm1, x0), R, g, C, beta, a_sigma2=2.0, steps=2)
    excess = (x0 - R * xm1) / 2.0
    u1 = excess * (0.0 - R * xm1) - C
    u2 = excess * (g * xm2 - R * xm1)
    share = 1.0 / (1.0 + math.exp(beta * (u1 - u2)))
    assert n2[0] == pytest.approx(share, rel=1e-15)
    assert x[0] == pytest.approx(share * g * x0 / R, rel=1e-15)
    excess = (x[0] - R * x0) / 2.0  # the next period uses x[0] as last period's price
    u1 = excess * (0.0 - R * x0) - C
    u2 = excess * (g * xm1 - R * x0)
    assert n2[1] == pytest.approx(1.0 / (1.0 + math.exp(beta * (u1 - u2))), rel=1e-12)


def test_no_switching_keeps_the_shares_at_a_half():
    _, n2 = adaptive_beliefs_path((0.1, 0.5, -0.3), 1.1, 1.2, 1.0, 0.0, steps=50)
    assert np.all(n2 == 0.5)


def test_a_tiny_share_is_tiny_not_zero_and_nothing_overflows():
    # fundamentalists earned far more last period: beta (U1 - U2) = 720, and exp(720)
    # overflows a float, so 1 / (1 + exp(720)) computed naively is 0
    beta = 720.0 / 150.0  # U1 - U2 = 150 for this history
    x, n2 = adaptive_beliefs_path((10.0, 0.0, -10.0), 1.0, 1.5, 0.0, beta, steps=1)
    assert n2[0] > 0.0
    assert n2[0] == pytest.approx(math.exp(-720.0), rel=1e-6)
    assert np.all(np.isfinite(x))


def test_explosive_parameters_return_the_exploding_path():
    # trend chasers extrapolating three times the deviation, and they dominate: no clipping
    x, _ = adaptive_beliefs_path((1.0, 1.0, 1.0), 1.01, 3.0, 0.0, 0.0, steps=60)
    growth = 0.5 * 3.0 / 1.01
    assert x[-1] == pytest.approx(growth**60, rel=1e-9)
    assert np.all(np.diff(x) > 0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"x_init": (1.0, 2.0)}, "x_init"),
        ({"x_init": (1.0, float("nan"), 0.0)}, "x_init"),
        ({"R": 0.0}, "R"),
        ({"C": -1.0}, "C"),
        ({"beta": float("inf")}, "beta"),
        ({"a_sigma2": 0.0}, "a_sigma2"),
        ({"steps": 0}, "steps"),
        ({"steps": 2.5}, "steps"),
    ],
)
def test_bad_arguments_are_refused_by_name(kwargs, field):
    args: dict[str, Any] = {"x_init": (0.0, 0.0, 0.1), "R": 1.1, "g": 1.2, "C": 1.0, "beta": 1.0}
    args.update(kwargs)
    with pytest.raises(InputError, match=f"^{field}: "):
        adaptive_beliefs_path(**args)
