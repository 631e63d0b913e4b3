"""Demand equations of the app company: Bass diffusion, tokens, the API market, revenue, compute.

Pure functions (and one cached price path), shared by the agent, the opening balance sheets,
the calibration fit (``scripts/fit_bass.py``) and the tests. Rates given per year are
applied monthly by compounding: a yearly hazard rate H becomes a monthly adoption
probability 1 - exp(-H / 12); a yearly growth g becomes (1 + g) ** (1 / 12) a month.
"""

from __future__ import annotations

import math
from functools import lru_cache

from params import Params


def decay_factor(paid_growth_decay: float, month: int | float) -> float:
    """Multiplier of the diffusion impulse after ``month`` months: (1 - decay) ** (month / 12)."""
    if paid_growth_decay <= 0.0:
        return 1.0
    return (1.0 - paid_growth_decay) ** (month / 12.0)


def monthly_adoption_share(users: float, p: float, q: float, market: float, factor: float) -> float:
    """Share of the not-yet-adopters who adopt this month (Bass hazard, compounded monthly)."""
    hazard = (p + q * users / market) * factor
    return 1.0 - math.exp(-hazard / 12.0)


def bass_next(users: float, p: float, q: float, market: float, factor: float) -> float:
    """Users next month, without noise."""
    remaining = max(0.0, market - users)
    return users + monthly_adoption_share(users, p, q, market, factor) * remaining


def bass_path(
    users0: float, p: float, q: float, market: float, decay: float, months: int
) -> list[float]:
    """Deterministic user path for months 0..months (users0 at month 0)."""
    out = [users0]
    for t in range(months):
        out.append(bass_next(out[-1], p, q, market, decay_factor(decay, t)))
    return out


def yearly_to_monthly_growth(g: float) -> float:
    """Monthly growth factor of a yearly growth rate g (compounded)."""
    return (1.0 + g) ** (1.0 / 12.0)


def chip_efficiency(month: float, halving_years: float) -> float:
    """Effective compute per GW of chips bought in ``month`` (month 0 = 1).

    Capex per GW is roughly flat while the cost per FLOP halves every ``halving_years``,
    so the compute a GW delivers doubles on that schedule.
    """
    return 2.0 ** (month / (12.0 * halving_years))


class Paths:
    """The deterministic parts of demand, month by month (cached; one per parameter set).

    Tokens per user, compute per token, API customers and the training budget do not
    depend on the random user path, so the agent's states and the opening pipeline
    (which needs the need of months it has not run) read the same numbers.

    - The token price r(t) (month 0 = 1) falls ``inference_price_decline`` times a year,
      and so does the cost of a token at a constant margin: compute per token (effective
      compute, net of the hardware gains ``chip_efficiency`` counts per GW) falls
      ``inference_price_decline / hardware gain`` times a year, the hardware gain being
      2 ** (1 / gpu_cost_per_flop_halving). A price cannot fall faster than its cost.
    - Tokens per API customer and per ChatGPT user (relative to January 2024) answer each
      month's change in the price with elasticity ``api_price_elasticity``:
      tau(t+1) = tau(t) * (r(t+1) / r(t)) ** -elasticity, while the compute they take
      (tokens x compute per token) is under ``compute_per_user_ceiling`` times January
      2024's. Past it, tokens grow only as fast as compute per token falls: a flat
      subscription does not pay per token, so the app company rations a ChatGPT user's
      compute (rate limits, routing to smaller models); an API customer's workloads
      saturate. API customers pay per token at a constant margin, so their compute pays
      for itself.
    - API and enterprise customers (relative to January 2024) grow logistically at
      ``api_customer_growth`` a year toward ``api_market_ceiling`` times their 2024 base.
    - Training compute is its own budget: ``training_to_inference`` times the inference
      compute of month 0, growing ``training_compute_growth`` a year at first, that rate
      halving every ``training_growth_halving_years``.

    Before month 0 (history) tokens per user times compute per token and spend per API
    customer stay at their month-0 level, customers and training grow at their first rates.
    """

    def __init__(self, p: Params):
        self.p = p
        self._tokens = [1.0]
        self._customers = [1.0]
        self._training = [1.0]

    def price(self, month: int) -> float:
        """API price per token relative to month 0."""
        return self.p.inference_price_decline ** (-month / 12.0)

    def tokens_next(self, tokens: float, month: int) -> float:
        """Tokens per user or API customer in ``month + 1`` from ``month`` (law of motion).

        The price elasticity, within the compute ceiling (never a fall).
        """
        p = self.p
        step = p.inference_price_decline ** (-1.0 / 12.0)  # r(t+1) / r(t)
        elastic = tokens * step ** (-p.api_price_elasticity)
        ceiling = p.compute_per_user_ceiling / self.compute_per_token(month + 1)
        return min(elastic, max(tokens, ceiling))

    def customers_next(self, customers: float) -> float:
        """API customers next month: logistic growth toward the ceiling."""
        p = self.p
        rate = math.log1p(p.api_customer_growth) / 12.0
        return customers + rate * customers * (1.0 - customers / p.api_market_ceiling)

    def _extend(self, month: int) -> None:
        p = self.p
        while len(self._tokens) <= month:
            m = len(self._tokens) - 1
            self._tokens.append(self.tokens_next(self._tokens[-1], m))
            self._customers.append(self.customers_next(self._customers[-1]))
            g = p.training_compute_growth * 0.5 ** (m / (12.0 * p.training_growth_halving_years))
            self._training.append(self._training[-1] * (1.0 + g) ** (1.0 / 12.0))

    def tokens(self, month: int) -> float:
        """Tokens per API customer relative to month 0 (history: 1/compute per token)."""
        if month < 0:
            return 1.0 / self.compute_per_token(month)
        self._extend(month)
        return self._tokens[month]

    def compute_per_token(self, month: int) -> float:
        """Effective compute per token relative to month 0 (the price's fall, net of hardware)."""
        p = self.p
        decline = p.inference_price_decline / 2.0 ** (1.0 / p.gpu_cost_per_flop_halving)
        return max(decline, 1.0) ** (-month / 12.0)

    def customers(self, month: int) -> float:
        """API customers relative to month 0."""
        if month < 0:
            return (1.0 + self.p.api_customer_growth) ** (month / 12.0)
        self._extend(month)
        return self._customers[month]

    def training(self, month: int) -> float:
        """Training compute relative to month 0."""
        if month < 0:
            return (1.0 + self.p.training_compute_growth) ** (month / 12.0)
        self._extend(month)
        return self._training[month]


@lru_cache(maxsize=64)
def paths(p: Params) -> Paths:
    """The cached deterministic demand paths of a parameter set."""
    return Paths(p)


class Revenue:
    """Monthly revenue (US$ bn): ChatGPT subscriptions, and the API and enterprise market.

    Revenue per subscriber grows ``monetisation_growth`` a year at first and that rate
    halves every ``monetisation_growth_halving_years`` (pricing power fades as the market
    matures), so the price converges instead of compounding without limit. The API is its
    own market: customers (``Paths.customers``) times spend per customer, which is tokens
    per customer (the same state as tokens per user) times the price per token, from
    ``api_revenue_initial`` in January 2024.
    """

    def __init__(self, p: Params):
        self.p = p
        self.paths = paths(p)
        self._monetisation = [1.0]  # month -> revenue per subscriber relative to month 0

    def monetisation_factor(self, month: int) -> float:
        """Growth of revenue per subscriber since month 0.

        Compounded month by month; before month 0 (history) at the initial rate.
        """
        p = self.p
        cache = self._monetisation
        while len(cache) <= month:
            m = len(cache) - 1
            h = 12.0 * p.monetisation_growth_halving_years
            g = p.monetisation_growth * 0.5 ** (m / h)
            cache.append(cache[-1] * (1.0 + g) ** (1.0 / 12.0))
        return cache[month] if month >= 0 else (1.0 + p.monetisation_growth) ** (month / 12.0)

    def subscriptions(self, users: float, month: int) -> float:
        """Monthly subscription revenue (US$ bn) from ``users`` million weekly users."""
        p = self.p
        return (
            users * p.paid_share * p.subscription_price * self.monetisation_factor(month) / 1000.0
        )

    def api(self, customers: float, tokens: float, month: int) -> float:
        """Monthly API revenue (US$ bn): customers x tokens per customer x price per token."""
        if month < 0:
            return self.p.api_revenue_initial * customers  # spend per customer at its month-0 level
        return self.p.api_revenue_initial * customers * tokens * self.paths.price(month)

    def parts(self, users: float, month: int) -> tuple[float, float]:
        """Subscription and API revenue (US$ bn) on the deterministic API path."""
        pa = self.paths
        return self.subscriptions(users, month), self.api(
            pa.customers(month), pa.tokens(month), month
        )

    def total(self, users: float, month: int) -> float:
        """Monthly revenue (US$ bn) from ``users`` million weekly users in ``month``."""
        return sum(self.parts(users, month))


@lru_cache(maxsize=64)
def api_share0(p: Params) -> float:
    """The API's share of revenue in January 2024 (it sets its share of inference)."""
    sub, api = Revenue(p).parts(p.users_initial, 0)
    return api / (sub + api) if sub + api > 0.0 else 0.0


def inference_need(
    p: Params,
    users: float,
    customers: float,
    tokens: float,
    month: int,
) -> float:
    """Effective inference compute (GW of 2024 chips) for ChatGPT users and API customers.

    In January 2024 inference is ``inference_watts_per_user`` per weekly user, split
    between ChatGPT and the API by their revenue shares; each part then moves with its
    own users (weekly users; API customers), their tokens and compute per token.
    """
    pa = paths(p)
    a0 = api_share0(p)
    per_token = pa.compute_per_token(month)
    base = p.users_initial * p.inference_watts_per_user / 1000.0
    chat = (1.0 - a0) * users / p.users_initial * tokens
    return base * per_token * (chat + a0 * customers * tokens)


def training_need(p: Params, month: int) -> float:
    """Effective training compute (GW of 2024 chips): its own budget, not a share of inference."""
    base = p.users_initial * p.inference_watts_per_user / 1000.0 * p.training_to_inference
    return base * paths(p).training(month)


def compute_need(p: Params, users: float, month: int) -> float:
    """Effective compute needed (GW of 2024 chips) on the deterministic token and API paths."""
    pa = paths(p)
    inference = inference_need(p, users, pa.customers(month), pa.tokens(month), month)
    return inference + training_need(p, month)
