"""The stock market: share prices cleared each month from the investors' price pressure.

Investors form views (``agents.investor``); the market turns their weighted pressure into
a price move, adds noise from the model's random generator, caps the move, re-marks the
shares in the ledger and keeps the history of log returns that trend followers and
lenders read (recent returns, drawdowns).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np

from params import Params

from .ledger import Ledger

MAX_LOG_MOVE = 1.0  # largest monthly move of a log share price (a circuit breaker)
DRAWDOWN_WINDOW = 12  # months over which a drawdown is measured


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
