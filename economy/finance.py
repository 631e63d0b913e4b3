"""Credit as lenders would price it, and Minsky's classes: pure functions of a firm's books.

Spreads and classes are measured and reported each month (``spread_<firm>``,
``cds5y_<firm>``, ``minsky_<firm>``); a firm's loans and leases float at the base rate
plus its one-year spread (``agents/base.py``: ``Firm.interest_bills``) plus what its
lender adds as its capital thins (``lender_premium``); each line of credit falls due
(``LoanBook``); and a firm raises new credit only as far as lenders have capital
(``lender_room``, ``credit_room``; the lenders are ``agents/lender.py``).

Spreads come from a structural model, the same for every firm (no per-firm constants):

- Black and Cox (1976) first passage: the firm's asset value V follows a geometric
  Brownian motion with volatility ``sigma``; it defaults when V first falls to the barrier
  B. Under the risk-neutral measure V grows at the base rate and so does the barrier (its
  debt accrues interest at that rate), so the log distance ln(V / B) has drift
  ``nu = -sigma**2 / 2``. With ``b = ln(B / V)`` (below 0 while V > B), the probability of
  default within T years is

      PD(T) = N((b - nu T) / (sigma sqrt T))
              + (B / V) ** (2 nu / sigma**2) N((b + nu T) / (sigma sqrt T)).

- The barrier is the firm's debt-like claims plus ``barrier_commitment_share`` of its
  remaining take-or-pay commitments (the app company's contracts); V is its market value
  of equity plus that barrier, so equity is the distance to default.
  The barrier itself is uncertain (CreditGrades, Finger et al. 2002: lognormal with
  ``barrier_uncertainty``), which gives a short horizon a spread.
- Asset volatility is the firm's own equity volatility (its simulated monthly log returns
  over the last year, annualised, never below the model's ``price_noise``) times equity
  over assets (exact here: equity is V - B).
- The risk-neutral spread of T-year debt losing ``loss_given_default`` in default is
  ``-ln(1 - LGD x PD(T)) / T``, plus a concentration term: ``concentration_spread`` times
  the share of the firm's revenue from its largest single counterparty, times its
  leverage B / V (a firm that owes nothing owes no premium for its customers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import IntEnum

SQRT2 = math.sqrt(2.0)
MIN_RETURNS = 3  # monthly returns needed before a firm's own volatility is used
VOL_WINDOW = 12  # months of returns in the volatility
BP = 1e4  # basis points per unit


def normal_cdf(x: float) -> float:
    """Standard normal distribution function (``erfc``: accurate in the lower tail)."""
    return 0.5 * math.erfc(-x / SQRT2)


def first_passage_pd(
    assets: float,
    barrier: float,
    sigma: float,
    years: float,
    drift: float | None = None,
    uncertainty: float = 0.0,
) -> float:
    """Black-Cox probability that assets first reach the barrier within ``years``.

    ``drift`` is the drift of ln(assets / barrier) (default ``-sigma**2 / 2``: assets and
    barrier grow at the same rate); 1 at or below the barrier; 0 with no barrier or no
    volatility above it. ``uncertainty`` (lambda) is CreditGrades' lognormal uncertainty
    of the barrier (Finger et al. 2002), for the default drift only: the barrier is
    B exp(lambda Z - lambda^2 / 2), so the distance is measured from V exp(lambda^2) / B
    and the variance is sigma^2 T + lambda^2 (a short horizon then has a spread).
    """
    if barrier <= 0.0:
        return 0.0
    if assets <= barrier:
        return 1.0
    if uncertainty > 0.0 and drift is None:
        a = math.sqrt(sigma * sigma * years + uncertainty * uncertainty)
        d = assets / barrier * math.exp(uncertainty * uncertainty)
        ln_d = math.log(d)
        survival = normal_cdf(-a / 2 + ln_d / a) - d * normal_cdf(-a / 2 - ln_d / a)
        return min(1.0, max(0.0, 1.0 - survival))
    if sigma <= 0.0 or years <= 0.0:
        return 0.0
    nu = -0.5 * sigma * sigma if drift is None else drift
    b = math.log(barrier / assets)
    s = sigma * math.sqrt(years)
    first = normal_cdf((b - nu * years) / s)
    power = (2.0 * nu / (sigma * sigma)) * b  # ln((B / V) ** (2 nu / sigma^2))
    second = math.exp(power) * normal_cdf((b + nu * years) / s) if power < 700.0 else math.inf
    return min(1.0, max(0.0, first + second))


def credit_spread(pd: float, lgd: float, years: float) -> float:
    """Risk-neutral spread (per year, continuous) of ``years``-year debt: -ln(1 - LGD PD) / T."""
    loss = min(max(lgd * pd, 0.0), 1.0 - 1e-12)
    return -math.log1p(-loss) / years


def equity_volatility(log_returns: Sequence[float], floor: float) -> float:
    """Annualised volatility of the last ``VOL_WINDOW`` monthly log returns.

    ``floor`` (a monthly standard deviation: the model's price noise) is the least it can
    be, and stands in until ``MIN_RETURNS`` returns exist.
    """
    tail = list(log_returns[-VOL_WINDOW:])
    least = floor * math.sqrt(12.0)
    if len(tail) < MIN_RETURNS:
        return least
    mean = sum(tail) / len(tail)
    var = sum((r - mean) ** 2 for r in tail) / (len(tail) - 1)
    return max(least, math.sqrt(var * 12.0))


def structural_spread(
    equity: float,
    debt: float,
    commitments: float,
    equity_vol: float,
    *,
    lgd: float,
    years: float,
    commitment_share: float,
    concentration: float,
    concentration_spread: float,
    uncertainty: float = 0.0,
) -> float:
    """A firm's spread (per year) from its books: Black-Cox plus the concentration term.

    ``equity`` is its market value (0 or below: at the barrier), ``debt`` its debt-like
    claims, ``commitments`` its remaining take-or-pay commitments, ``concentration`` the
    share of its revenue from its largest counterparty (0 to 1), ``uncertainty`` the
    barrier's (CreditGrades' lambda). The concentration term scales with leverage B / V:
    a firm with no debt or commitments owes nobody a concentration premium.
    """
    barrier = debt + commitment_share * commitments
    equity = max(0.0, equity)
    assets = equity + barrier
    sigma = equity_vol * equity / assets if assets > 0.0 else 0.0
    pd = first_passage_pd(assets, barrier, sigma, years, uncertainty=uncertainty)
    if equity <= 0.0 and barrier > 0.0:
        pd = 1.0
    leverage = barrier / assets if assets > 0.0 else 0.0
    share = min(1.0, max(0.0, concentration))
    return credit_spread(pd, lgd, years) + concentration_spread * share * leverage


class Minsky(IntEnum):
    """Minsky's financing classes (Minsky 1986), as the ``minsky_<firm>`` columns code them."""

    HEDGE = 0  # operating cash flow covers interest, principal and commitments
    SPECULATIVE = 1  # it covers interest and commitments, not principal: it must roll over
    PONZI = 2  # it does not cover interest and commitments: it must borrow or sell to pay


def minsky_class(
    operating_cash_flow: float, interest_due: float, principal_due: float, commitments_due: float
) -> Minsky:
    """Classify a firm's financing from its cash flows over the same period.

    Take-or-pay bills count as commitments (the app company's compute contracts).
    """
    if interest_due + principal_due + commitments_due <= 0.0:
        return Minsky.HEDGE  # nothing falls due: an unlevered firm is not Ponzi, however it burns
    if operating_cash_flow >= interest_due + principal_due + commitments_due:
        return Minsky.HEDGE
    if operating_cash_flow >= interest_due + commitments_due:
        return Minsky.SPECULATIVE
    return Minsky.PONZI


LEVERAGE = "leverage"
COVERAGE = "interest coverage"


def covenant_breach(
    operating: float, interest: float, debt: float, max_leverage: float, min_coverage: float
) -> str | None:
    """Which maintenance covenant a borrower breaks, if any (``LEVERAGE``, ``COVERAGE``).

    ``operating`` is a year's operating cash flow before interest (EBITDA), ``interest``
    a year's interest and ``debt`` the debt lenders count. Debt above ``max_leverage``
    years of operating cash flow (or any debt with none) breaks the leverage covenant;
    operating cash flow under ``min_coverage`` times interest breaks the coverage one.
    A firm without debt breaks neither.
    """
    if debt <= 0.0:
        return None
    if operating <= 0.0 or debt > max_leverage * operating:
        return LEVERAGE
    if interest > 0.0 and operating < min_coverage * interest:
        return COVERAGE
    return None


Line = tuple[str, str, str]  # (holder, kind, borrower): one lender's credit of one kind


class LoanBook:
    """When each line of credit falls due: a memo kept beside the ledger's claims.

    The ledger holds one claim per holder, kind (bank loan, data-centre lease) and borrower:
    a line. The book splits each line into tranches with a due month. It follows the
    ledger: each month ``reconcile`` adds what the borrower owes beyond the book as a new
    tranche due ``term`` months later (new lending) and scales every tranche down when
    the borrower owes less (repayment, a write-off in a default). Opening debt is
    laddered: an equal part falls due each month over the term.
    """

    def __init__(self, term: int):
        self.term = max(1, int(term))
        self.tranches: dict[Line, list[list[float]]] = {}  # line -> [[amount, due month]]
        self.matured: dict[str, float] = {}  # borrower -> principal that fell due this month
        self.version = 0  # counts the calls that may change the book (readers cache on it)
        # Memos of sums over a line's tranches, each dropped when its line changes
        # (``changed``): what is owed, and the market value at one (month, spread).
        self._owed: dict[Line, float] = {}
        self._value: dict[Line, tuple[int, float, float]] = {}
        self._lines: dict[str, list[Line]] = {}  # holder -> its lines, until a line is added

    def changed(self, line: Line) -> None:
        """Note that ``line``'s tranches changed (every writer calls it; so must a test)."""
        self.version += 1
        self._owed.pop(line, None)
        self._value.pop(line, None)

    def _add_line(self, line: Line) -> list[list[float]]:
        book = self.tranches.get(line)
        if book is None:
            book = self.tranches[line] = []
            self._lines.pop(line[0], None)
        return book

    def open(self, line: Line, amount: float) -> None:
        """Opening debt, laddered over the term from month 1."""
        self.changed(line)
        if amount > 0.0:
            part = amount / self.term
            self._add_line(line)
            self.tranches[line] = [[part, float(m)] for m in range(1, self.term + 1)]

    def lines(self, holder: str) -> list[Line]:
        """The lines ``holder`` holds, in a fixed order."""
        out = self._lines.get(holder)
        if out is None:
            out = self._lines[holder] = sorted(k for k in self.tranches if k[0] == holder)
        return out

    def owed(self, line: Line) -> float:
        """What the book holds on ``line``."""
        v = self._owed.get(line)
        if v is None:
            v = self._owed[line] = sum(a for a, _ in self.tranches.get(line, []))
        return v

    def reconcile(self, line: Line, owed: float, month: int) -> None:
        """Make the book hold what the ledger says is owed on ``line``."""
        book = self._add_line(line)
        held = self.owed(line)
        if owed > held + 1e-9:
            self.changed(line)
            book.append([owed - held, float(month + self.term)])
        elif owed < held - 1e-9:
            self.changed(line)
            if owed <= 1e-9 or held <= 0.0:
                book.clear()
            else:
                k = owed / held
                for t in book:
                    t[0] *= k

    def due(self, line: Line, month: int) -> float:
        """Principal due by ``month`` on ``line`` (not yet rolled over or called)."""
        return sum(a for a, d in self.tranches.get(line, []) if d <= month)

    def due_within(self, borrower: str, month: int, months: int = 12) -> float:
        """Principal ``borrower`` owes falling due after ``month`` and up to ``month + months``."""
        return sum(
            a
            for line, book in self.tranches.items()
            if line[2] == borrower
            for a, d in book
            if month < d <= month + months
        )

    def roll(self, line: Line, month: int) -> float:
        """Renew the tranches due by ``month`` for another term; returns the amount."""
        rolled = 0.0
        for t in self.tranches.get(line, []):
            if t[1] <= month:
                rolled += t[0]
                t[1] = float(month + self.term)
                self.changed(line)
        return rolled

    def retire(self, line: Line, month: int) -> float:
        """Take the tranches due by ``month`` off the book (they became bills)."""
        self.changed(line)
        book = self._add_line(line)
        gone = sum(a for a, d in book if d <= month)
        self.tranches[line] = [t for t in book if t[1] > month]
        return gone

    def accelerate(self, line: Line) -> float:
        """Every tranche of ``line`` falls due now (a covenant enforced); returns the amount."""
        self.changed(line)
        book = self._add_line(line)
        gone = sum(a for a, _ in book)
        book.clear()
        return gone

    def transfer(self, holder: str, to: str) -> None:
        """Every line of ``holder`` passes to ``to`` with its due months (a failed lender's)."""
        self.version += 1
        for line in list(self.lines(holder)):
            self.changed(line)
            book = self.tranches.pop(line)
            into = (to, line[1], line[2])
            self.changed(into)
            self._add_line(into).extend(book)
        self._lines.pop(holder, None)

    def market_value(self, line: Line, month: int, spread: float) -> float:
        """The line priced as risky zero-coupon debt: each tranche discounted at ``spread``.

        A tranche due in ``y`` years is worth ``exp(-spread * y)`` of its face over a
        riskless one (the risk-neutral price of a defaultable zero with that credit spread).
        """
        memo = self._value.get(line)
        if memo is not None and memo[0] == month and memo[1] == spread:
            return memo[2]
        book = self.tranches.get(line, [])
        if spread <= 0.0:  # riskless: worth its face
            value = sum(a for a, _ in book)
        else:
            value = sum(a * math.exp(-spread * max(0.0, d - month) / 12.0) for a, d in book)
        self._value[line] = (month, spread, value)
        return value


# ---------------------------------------------------------------------- lenders' capital
def lender_room(capital: float, risk_assets: float, min_capital_ratio: float) -> float:
    """New credit a lender can extend: up to capital / minimum ratio, less what it has lent."""
    if capital <= 0.0 or min_capital_ratio <= 0.0:
        return 0.0
    return max(0.0, capital / min_capital_ratio - risk_assets)


def lender_premium(
    capital: float, risk_assets: float, min_capital_ratio: float, premium: float
) -> float:
    """What a lender adds to its rate as its capital thins (per year).

    Nothing while capital is at least twice the minimum share of what it has lent; the
    full ``premium`` at the minimum or below; linear in between.
    """
    if risk_assets <= 0.0 or min_capital_ratio <= 0.0:
        return 0.0
    ratio = capital / risk_assets
    stress = (2.0 * min_capital_ratio - ratio) / min_capital_ratio
    return premium * min(1.0, max(0.0, stress))


def credit_room(headroom: float, lender_rooms: Sequence[float]) -> float:
    """New credit a firm can raise this month from every lender that would lend to it.

    ``headroom`` is the firm's own room under the leverage limit (negative when its debt is
    above the limit: then it raises nothing and the excess is returned); ``lender_rooms``
    is what each willing lender can still extend (``lender_room``).
    """
    if headroom <= 0.0:
        return headroom
    return min(headroom, sum(max(0.0, r) for r in lender_rooms))
