"""Outcome odds over an ensemble's draws: probabilities with 95% Wilson intervals, spreads.

Everything here reads the ``draws`` table (or the same columns in a DataFrame) and the
months run; it never runs the model. Only draws with status ``ok`` count; failed draws
are named in the report, never counted as outcomes.

An outcome the run cannot see (a default "by 2030" in a 60-month ensemble) is reported
with status ``beyond horizon`` and no number; lender failure, while no lender can fail in
the model, is ``not modelled``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .outcomes import START_YEAR, year_covered, year_end_month, year_of

CONFIDENCE = 0.95
QUANTILES = (5, 25, 50, 75, 95)
FCF_YEARS = (2028, 2030)
LAST_REPORTED_YEAR = 2030  # by-year default odds are listed to here at least
OK, BEYOND, NOT_MODELLED, NO_DRAWS = "ok", "beyond horizon", "not modelled", "no draws"


def wilson(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval of ``k`` successes in ``n`` trials (scipy's binomtest)."""
    from scipy.stats import binomtest

    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"a Wilson interval needs 0 <= k <= n and n >= 1, got k={k}, n={n}")
    ci = binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


@dataclass(frozen=True)
class Odds:
    """One outcome's probability over the draws (``status`` other than ``ok``: no number)."""

    key: str
    label: str
    status: str
    k: int = 0
    n: int = 0
    low: float | None = None
    high: float | None = None

    @property
    def p(self) -> float | None:
        """The share of draws in which it happened."""
        return self.k / self.n if self.status == OK and self.n else None

    def text(self) -> str:
        """``23% (95% CI 15-33%), 23 of 100 draws`` or the status."""
        if self.status != OK or self.low is None or self.high is None:
            return self.status
        return (
            f"{self.k / self.n:6.1%} (95% CI {self.low:.1%} to {self.high:.1%}), "
            f"{self.k:,} of {self.n:,} draws"
        )


def _odds(key: str, label: str, hits: Sequence[bool]) -> Odds:
    n = len(hits)
    if n == 0:
        return Odds(key, label, NO_DRAWS)
    k = int(sum(bool(h) for h in hits))
    low, high = wilson(k, n)
    return Odds(key, label, OK, k, n, low, high)


@dataclass(frozen=True)
class Spread:
    """An outcome's distribution over the draws where it is defined."""

    key: str
    label: str
    values: tuple[float, ...]
    of: int
    note: str = ""
    quantiles: dict[int, float] = field(default_factory=dict)

    @classmethod
    def of_values(cls, key: str, label: str, values: Sequence[float], of: int, note: str = ""):
        """The spread of ``values`` (finite ones) out of ``of`` draws."""
        import numpy as np

        vals = tuple(float(v) for v in values if v is not None and math.isfinite(float(v)))
        qs = dict(zip(QUANTILES, np.percentile(vals, QUANTILES), strict=True)) if vals else {}
        return cls(key, label, vals, of, note, {q: float(v) for q, v in qs.items()})


def _column(draws: Any, name: str) -> list[Any]:
    """A column as a list of Python values (None where missing or NULL)."""
    if name not in draws:
        return [None] * len(draws)
    return [None if _missing(v) else v for v in draws[name].tolist()]


def _missing(v: Any) -> bool:
    """None, NaN or pandas' NA (a NULL read from the store)."""
    import pandas as pd

    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):  # a list or array: not a missing scalar
        return False


def month_date(month: int) -> str:
    """``YYYY-MM`` of a month index (0 = January 2024)."""
    return f"{START_YEAR + month // 12}-{month % 12 + 1:02d}"


def firms_in(draws: Any, prefix: str) -> list[str]:
    """Names after ``prefix`` in the columns, in column order (``default_month_oracle``...)."""
    return [c.removeprefix(prefix) for c in draws.columns if c.startswith(prefix)]


def ok_draws(draws: Any) -> Any:
    """The draws whose status is ``ok``."""
    return draws[draws["status"] == "ok"] if len(draws) else draws


def odds(draws: Any, months: int) -> list[Odds]:
    """Every outcome probability of the report (see the module's docstring)."""
    ok = ok_draws(draws)
    end = month_date(months - 1)
    out: list[Odds] = []
    first = _column(ok, "first_default_month")
    last_year = max(year_of(months - 1), LAST_REPORTED_YEAR)
    for year in range(START_YEAR, last_year + 1):
        key, label = f"any_default_by_{year}", f"any default by Dec {year}"
        if not year_covered(year, months):
            out.append(Odds(key, label, BEYOND))
            continue
        hits = [m is not None and m <= year_end_month(year) for m in first]
        out.append(_odds(key, label, hits))
    for firm in firms_in(ok, "default_month_"):
        hits = [m is not None for m in _column(ok, f"default_month_{firm}")]
        out.append(_odds(f"default_{firm}", f"{firm} defaults by {end}", hits))
    positive = _column(ok, "app_fcf_positive_year")
    for year in FCF_YEARS:
        key, label = f"app_fcf_positive_by_{year}", f"app free cash flow > 0 in a year to {year}"
        if not year_covered(year, months):
            out.append(Odds(key, label, BEYOND))
            continue
        out.append(_odds(key, label, [y is not None and y <= year for y in positive]))
    modelled = [m for m in _column(ok, "lenders_modelled") if m is not None]
    label = f"a lender fails by {end}"
    if not modelled or max(modelled) == 0:
        out.append(Odds("lender_fails", label, NOT_MODELLED))
    else:
        hits = [m is not None for m in _column(ok, "first_lender_failure_month")]
        out.append(_odds("lender_fails", label, hits))
        for lender in firms_in(ok, "failed_month_"):
            hits = [m is not None for m in _column(ok, f"failed_month_{lender}")]
            out.append(_odds(f"fails_{lender}", f"{lender} fails by {end}", hits))
    return out


def spreads(draws: Any, months: int) -> list[Spread]:
    """The distributions: first-default month, peak GW, chip sales per $ of loop equity."""
    ok = ok_draws(draws)
    n = len(ok)
    first = [m for m in _column(ok, "first_default_month") if m is not None]
    none = n - len(first)
    out = [
        Spread.of_values(
            "first_default_month",
            "first default (month; 0 = Jan 2024)",
            first,
            n,
            f"no default by {month_date(months - 1)} in {none:,} of {n:,} draws",
        ),
        Spread.of_values("peak_gw", "peak GW deployed", _column(ok, "peak_gw"), n),
    ]
    for supplier in firms_in(ok, "chips_per_equity_"):
        values = [v for v in _column(ok, f"chips_per_equity_{supplier}") if v is not None]
        undefined = n - len(values)
        note = f"undefined (no loop equity) in {undefined:,} of {n:,} draws" if undefined else ""
        out.append(
            Spread.of_values(
                f"chips_per_equity_{supplier}",
                f"{supplier} chip sales per $ of loop equity (a ratio of totals, not an effect: "
                "run.py multipliers)",
                values,
                n,
                note,
            )
        )
    return out


def report_text(meta: dict[str, Any], draws: Any) -> str:
    """The report as text: what was run, the odds, the spreads."""
    months = int(meta["months"])
    counts = draws["status"].value_counts().to_dict() if len(draws) else {}
    ok, failed = int(counts.get("ok", 0)), int(counts.get("failed", 0))
    planned = int(meta["draws"])
    lines = [
        f"Ensemble: scenario {meta['scenario'] or 'none'}, prior {meta['prior_name']} "
        f"({meta['prior_source']}), {months} months (to {month_date(months - 1)}), "
        f"root seed {meta['root_seed']}",
        f"Draws: {ok:,} ok, {failed:,} failed, {planned - ok - failed:,} missing of "
        f"{planned:,}; probabilities over the {ok:,} ok draws, 95% Wilson intervals",
        "",
    ]
    rows = odds(draws, months)
    width = max(len(o.label) for o in rows)
    lines += [f"  {o.label:{width}s}  {o.text()}" for o in rows]
    lines.append("")
    lines.append("Distributions (5%, 25%, 50%, 75%, 95% of the draws where defined):")
    for s in spreads(draws, months):
        if s.quantiles:
            if s.key == "first_default_month":
                qs = ", ".join(month_date(round(s.quantiles[q])) for q in QUANTILES)
            else:
                qs = ", ".join(f"{s.quantiles[q]:.3g}" for q in QUANTILES)
        else:
            qs = "no draw"
        note = f" ({s.note})" if s.note else ""
        lines.append(f"  {s.label}: {qs}{note}")
    return "\n".join(lines)


def report_store(path: Any) -> str:
    """The report of a store (read-only)."""
    from .store import Store

    with Store(path, read_only=True) as store:
        meta = store.meta() or {}
        return report_text(meta, store.draws_frame())
