"""The stock market: share prices cleared each month from the investors' price pressure.

Investors form views (``agents.investor``); the market turns their weighted pressure into
a price move, adds noise from the model's random generator, caps the move, re-marks the
shares in the ledger and keeps the history of log returns that trend followers and
lenders read (recent returns, drawdowns).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy.special import log_expit

from errors import InputError
from params import Params

from .ledger import Ledger

MAX_LOG_MOVE = 1.0  # largest monthly move of a log share price (a circuit breaker)
DRAWDOWN_WINDOW = 12  # months over which a drawdown is measured


def adaptive_beliefs_path(
    x_init: Sequence[float],
    R: float,  # noqa: N803 - the paper's gross return
    g: float,
    C: float,  # noqa: N803 - the paper's cost of the fundamentalists' information
    beta: float,
    a_sigma2: float = 1.0,
    steps: int = 20,
) -> tuple[np.ndarray, np.ndarray]:
    """The adaptive belief system of Brock and Hommes (1998), two types, no noise.

    Deviations ``x`` of the price from its fundamental value, with fundamentalists, who
    forecast 0 and pay ``C`` a period for it, and trend chasers, who forecast
    ``g * x[t-1]`` for free. A type's fitness is last period's realised profit, with no
    memory::

        U_h[t-1] = (x[t-1] - R x[t-2]) (f_h[t-2] - R x[t-2]) / a_sigma2 - C_h

    where ``f_h[t-2]`` is the type's forecast of ``x[t-1]`` (0, or ``g * x[t-3]``). The
    trend chasers' share is ``n2[t] = 1 / (1 + exp(beta (U_1 - U_2)))``, computed as the
    exponential of ``scipy.special.log_expit``: no overflow, and a tiny share stays a tiny
    positive number, not 0, down to the smallest float (the logistic function itself,
    ``expit``, returns 0 once ``exp`` overflows), and the market clears at
    ``x[t] = n2[t] g x[t-1] / R``. Nothing is clipped: explosive parameters return the
    exploding path (overflowing to ``inf`` if it runs long enough). The fundamental
    steady state ``x = 0`` loses stability at ``beta* = ln(R / (g - R)) / C`` when
    ``R < g < 2R`` (the primary bifurcation).

    Args:
        x_init: ``(x[-2], x[-1], x[0])``, the three deviations before the path.
        R: the gross risk-free return (1 + r), > 0.
        g: the trend chasers' extrapolation coefficient.
        C: the fundamentalists' cost per period, >= 0.
        beta: the intensity of choice, >= 0.
        a_sigma2: risk aversion times the conditional variance, > 0.
        steps: periods to simulate, >= 1.

    Returns:
        ``(x, n2)``: two float arrays of length ``steps``, ``x[1..steps]`` and
        ``n2[1..steps]``.

    Raises:
        InputError: naming the argument and what is allowed.
    """
    values = [float(v) for v in x_init] if len(x_init) == 3 else []
    if len(values) != 3 or not all(math.isfinite(v) for v in values):
        raise InputError(f"x_init: three finite numbers (x[-2], x[-1], x[0]), got {x_init!r}")
    for name, value, ok, allowed in (
        ("R", R, R > 0.0, "a finite number > 0"),
        ("g", g, True, "a finite number"),
        ("C", C, C >= 0.0, "a finite number >= 0"),
        ("beta", beta, beta >= 0.0, "a finite number >= 0"),
        ("a_sigma2", a_sigma2, a_sigma2 > 0.0, "a finite number > 0"),
    ):
        if not (math.isfinite(value) and ok):
            raise InputError(f"{name}: {allowed}, got {value!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise InputError(f"steps: a whole number >= 1, got {steps!r}")
    x = np.empty(steps)
    n2 = np.empty(steps)
    x3, x2, x1 = values  # x[t-3], x[t-2], x[t-1]
    with np.errstate(over="ignore", invalid="ignore"):  # an exploding path is an answer
        for t in range(steps):
            excess = (x1 - R * x2) / a_sigma2  # last period's excess return per unit
            u1 = excess * (0.0 - R * x2) - C
            u2 = excess * (g * x3 - R * x2)
            share = math.exp(float(log_expit(-beta * (u1 - u2))))
            x_t = share * g * x1 / R
            x[t] = x_t
            n2[t] = share
            x3, x2, x1 = x2, x1, x_t
    return x, n2


class Market:
    """Share prices of the listed firms and their monthly log returns.

    Args:
        ledger: the ledger (prices are set there, so holdings are re-marked).
        p: the parameters (``price_noise``, ``momentum_horizon_months``).
        rng: the model's price stream (the only source of price noise).
        listed: names of the listed firms.
    """

    def __init__(self, ledger: Ledger, p: Params, rng: np.random.Generator, listed: Iterable[str]):
        self.ledger = ledger
        self.p = p
        self.rng = rng
        self.log_returns: dict[str, list[float]] = {name: [] for name in listed}
        self.index = {name: i for i, name in enumerate(self.log_returns)}  # its noise draw
        self._drawdown: dict[str, tuple[int, float]] = {}  # name -> (months of returns, value)

    def clear(self, pressure: Mapping[str, float]) -> None:
        """Move each firm's price by its pressure (a desired change of log price) and noise.

        d log P = pressure + noise, clipped to +/- ``MAX_LOG_MOVE`` a month (no price more
        than e-fold in a month). Each month draws one noise per listed firm, in listing order,
        from the price stream (``AIBubbleModel.rng_prices``), defaulted firms included.
        """
        noise = self.p.price_noise
        ledger = self.ledger
        # one draw per listed firm every month, defaulted or not, so a firm's noise is the
        # same number in a run where another firm defaulted (common random numbers)
        index = self.index
        draws = self.rng.standard_normal(len(index)).tolist() if noise else []
        log_returns = self.log_returns
        exp = math.exp
        for name, pull in pressure.items():
            d = pull
            if noise:
                d += noise * draws[index[name]]
            d = max(-MAX_LOG_MOVE, min(MAX_LOG_MOVE, d))
            ledger.set_price(name, ledger.price(name) * exp(d))
            log_returns[name].append(d)

    def drawdown(self, name: str) -> float:
        """Fall of ``name``'s share price from its high of the last 12 months (0 to 1)."""
        returns = self.log_returns.get(name, [])
        memo = self._drawdown.get(name)
        if memo is not None and memo[0] == len(returns):  # returns are only ever appended
            return memo[1]
        level = peak = 0.0
        for r in returns[-DRAWDOWN_WINDOW:]:
            level += r
            peak = max(peak, level)
        # the window opens at its first month's price, so the high includes it
        value = 1.0 - math.exp(level - peak)
        self._drawdown[name] = (len(returns), value)
        return value

    def recent_return(self, name: str) -> float:
        """Mean monthly log return of ``name``'s shares over the momentum horizon."""
        h = self.p.momentum_horizon_months
        tail = self.log_returns[name][-h:]
        return sum(tail) / len(tail) if tail else 0.0
