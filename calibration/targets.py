"""Calibration targets: what each preset is held to, and how the model's value is measured.

``run.py calibrate`` prints the report; ``tests/test_calibration.py`` asserts the same.
A target the model cannot reach honestly stays failing, with its reason in
``docs/scenarios.md``: nothing here adjusts the model's output.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from model import AIBubbleModel
from params import calibration_table


@dataclass(frozen=True)
class Target:
    """One figure a preset should reproduce.

    Attributes:
        preset: the preset held to it.
        name: what is measured.
        row: the calibration row the target comes from.
        measure: model value of one run (its monthly DataFrame and the model).
        target: the figure (for a range, its midpoint).
        tolerance: relative tolerance (``kind == "rel"``).
        kind: ``"rel"`` (within tolerance of target), ``"range"`` (between lo and hi),
            ``"min"`` (at least lo) or ``"all"`` (a 0/1 check that must hold in every run).
        lo, hi: bounds for ``range`` and ``min``.
        unit: unit of the figure.
        sample: what the figure is to the model: ``"fitted"`` (a fit in ``scripts/`` reads
            it: in sample, not evidence), ``"construction"`` (an input sets it: true by
            construction), ``"scenario"`` (a goal the preset's hand-set values aim at) or
            ``"out"`` (nothing reads it: out of sample).
    """

    preset: str
    name: str
    row: str
    measure: Callable[[pd.DataFrame, AIBubbleModel], float]
    target: float
    tolerance: float = 0.0
    kind: str = "rel"
    lo: float = math.nan
    hi: float = math.nan
    unit: str = ""
    sample: str = "out"


SAMPLES = {
    "fitted": "in sample (fitted)",
    "construction": "by construction",
    "scenario": "scenario goal",
    "out": "out of sample",
}


@dataclass(frozen=True)
class Result:
    """A target with the model's value over several seeds."""

    target: Target
    values: tuple[float, ...]

    def shown(self) -> str:
        """The model's value as the report prints it."""
        if self.target.kind == "all":
            return f"{sum(v == 1.0 for v in self.values)} of {len(self.values)}"
        return f"{self.value:.4g}"

    @property
    def value(self) -> float:
        """Mean over the seeds (for ``all`` targets, the share of runs that hold)."""
        finite = [v for v in self.values if not math.isnan(v)]
        return sum(finite) / len(finite) if finite else math.nan

    @property
    def error(self) -> float:
        """Relative error of the mean (``rel`` targets), else NaN."""
        t = self.target
        if t.kind != "rel" or t.target == 0 or math.isnan(self.value):
            return math.nan
        return (self.value - t.target) / abs(t.target)

    @property
    def passed(self) -> bool:
        """Whether the target is met."""
        t = self.target
        v = self.value
        if math.isnan(v):
            return False
        if t.kind == "rel":
            return abs(self.error) <= t.tolerance
        if t.kind == "range":
            return t.lo <= v <= t.hi
        if t.kind == "min":
            return v >= t.lo
        return all(x == 1.0 for x in self.values)

    def goal(self) -> str:
        """The target as text."""
        t = self.target
        if t.kind == "rel":
            return f"{t.target:g} ±{100 * t.tolerance:g}%"
        if t.kind == "range":
            return f"{t.lo:g} to {t.hi:g}"
        if t.kind == "min":
            return f">= {t.lo:g}"
        return "holds in every run"


def _cal(key: str) -> float:
    return float(calibration_table()[key].value)


def _year(df: pd.DataFrame, year: int) -> pd.DataFrame:
    return df[df["date"].str.startswith(str(year))]


def _months(df: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    return df[(df["date"] >= first) & (df["date"] <= last)]


def _net_margin_2024(df: pd.DataFrame, _m: AIBubbleModel) -> float:
    y = _year(df, 2024)
    return y["app_net_income"].sum() / y["app_revenue"].sum()


def _net_loss_h1_2025(df: pd.DataFrame, _m: AIBubbleModel) -> float:
    return -_months(df, "2025-01-01", "2025-06-01")["app_net_income"].sum()


def _noncash_h1_2025(df: pd.DataFrame, _m: AIBubbleModel) -> float:
    return _months(df, "2025-01-01", "2025-06-01")["app_noncash_charges"].sum()


def _plan_cost_22gw(_df: pd.DataFrame, m: AIBubbleModel) -> float:
    # the plan was announced in 2025 (month 21 = October 2025)
    return _cal("openai_planned_capacity") * m.contracting.capex_per_gw(21)


def _peak_contracted_gw(df: pd.DataFrame, _m: AIBubbleModel) -> float:
    return float(df["contracted_gw"].max())


def _paid_growth_2024(df: pd.DataFrame, _m: AIBubbleModel) -> float:
    p = df["paying_users_m"]
    return p.iloc[12] / p.iloc[0] - 1.0


def _paid_growth_2025q1(df: pd.DataFrame, _m: AIBubbleModel) -> float:
    p = df["paying_users_m"]
    return (p.iloc[15] / p.iloc[12]) ** 4 - 1.0


def _revenue(year: int) -> Callable[[pd.DataFrame, AIBubbleModel], float]:
    def measure(df: pd.DataFrame, _m: AIBubbleModel) -> float:
        return float(_year(df, year)["app_revenue"].sum())

    return measure


def _users_at(date: str) -> Callable[[pd.DataFrame, AIBubbleModel], float]:
    def measure(df: pd.DataFrame, _m: AIBubbleModel) -> float:
        return float(df.loc[df["date"] == date, "users_m"].iloc[0])

    return measure


def _reported_users(month: str) -> float:
    pairs = dict(x.split(":") for x in calibration_table()["chatgpt_weekly_users"].value.split(";"))
    return float(pairs[month])


def _before_first_default(df: pd.DataFrame) -> pd.DataFrame:
    hit = df.index[df["defaults_total"] > 0]
    return df.loc[: hit[0] - 1] if len(hit) else df


def _circularity_before_default(df: pd.DataFrame, _m: AIBubbleModel) -> float:
    early = _before_first_default(df)
    cols = [c for c in df.columns if c.startswith("circularity_") and c.endswith("_clouds")]
    return float(early[cols].max().max())


def _cascade(df: pd.DataFrame, _m: AIBubbleModel) -> float:
    return 1.0 if df["defaults_total"].max() >= 2 else 0.0


def _first_positive_fcf_year(df: pd.DataFrame, _m: AIBubbleModel) -> float:
    fcf = -df.groupby(df["date"].str[:4])["app_cash_burn"].sum()
    positive = fcf[fcf > 0]
    return float(positive.index[0]) if len(positive) else math.nan


def _no_default(df: pd.DataFrame, _m: AIBubbleModel) -> float:
    return 1.0 if df["defaults_total"].max() == 0 else 0.0


def targets() -> list[Target]:
    """Every target, preset by preset (issue: the calibration report)."""
    return [
        Target(
            "seed",
            "2024 net margin",
            "net_margin_2024",
            _net_margin_2024,
            _cal("net_margin_2024"),
            0.10,
            unit="fraction",
            sample="fitted",
        ),
        Target(
            "seed",
            "H1-2025 net loss",
            "openai_net_loss_h1_2025",
            _net_loss_h1_2025,
            _cal("openai_net_loss_h1_2025"),
            0.10,
            unit="US$ bn",
        ),
        Target(
            "seed",
            "H1-2025 non-cash part of the loss",
            "openai_net_loss_h1_2025",
            _noncash_h1_2025,
            5.7,
            0.10,
            unit="US$ bn",
            sample="construction",
        ),
        Target(
            "seed",
            "cost of the 22 GW plan",
            "openai_plan_cost",
            _plan_cost_22gw,
            1200.0,
            kind="range",
            lo=1100.0,
            hi=1300.0,
            unit="US$ bn",
            sample="construction",
        ),
        Target(
            "seed",
            "capacity the app company contracts (peak)",
            "openai_planned_capacity",
            _peak_contracted_gw,
            _cal("openai_planned_capacity"),
            0.10,
            unit="GW",
        ),
        Target(
            "seed",
            "paid-user growth over 2024",
            "paid_user_growth_2024",
            _paid_growth_2024,
            _cal("paid_user_growth_2024"),
            0.10,
            unit="fraction",
            sample="fitted",
        ),
        Target(
            "seed",
            "paid-user growth in 2025 Q1 (annualised, read as year on year)",
            "paid_user_growth_2025q1",
            _paid_growth_2025q1,
            _cal("paid_user_growth_2025q1"),
            0.10,
            unit="fraction a year",
            sample="fitted",
        ),
        Target(
            "reported",
            "app revenue 2024",
            "openai_revenue_2024",
            _revenue(2024),
            _cal("openai_revenue_2024"),
            0.15,
            unit="US$ bn",
            sample="fitted",
        ),
        Target(
            "reported",
            "app revenue 2025",
            "openai_revenue_2025",
            _revenue(2025),
            _cal("openai_revenue_2025"),
            0.15,
            unit="US$ bn",
        ),
        Target(
            "reported",
            "weekly users, Feb 2025",
            "chatgpt_weekly_users",
            _users_at("2025-02-01"),
            _reported_users("2025-02"),
            0.15,
            unit="millions",
            sample="fitted",
        ),
        Target(
            "reported",
            "weekly users, Oct 2025",
            "chatgpt_weekly_users",
            _users_at("2025-10-01"),
            _reported_users("2025-10"),
            0.15,
            unit="millions",
            sample="fitted",
        ),
        Target(
            "nortel",
            "a supplier's circularity before the first default (clouds only)",
            "nortel_vendor_financing",
            _circularity_before_default,
            0.30,
            kind="min",
            lo=0.30,
            unit="fraction",
            sample="scenario",
        ),
        Target(
            "nortel",
            "a cascade: a second default after the first",
            "nortel_peak_value",
            _cascade,
            1.0,
            kind="all",
            unit="0/1",
        ),
        Target(
            "soft-landing",
            "first year of positive app free cash flow",
            "funding_gap_turns_positive",
            _first_positive_fcf_year,
            2029.0,
            kind="range",
            lo=2028.0,
            hi=2030.0,
            unit="year",
            sample="scenario",
        ),
        Target(
            "soft-landing",
            "no default",
            "funding_gap_turns_positive",
            _no_default,
            1.0,
            kind="all",
            unit="0/1",
            sample="scenario",
        ),
    ]


def evaluate(preset: str | None = None, seeds: int = 5, months: int = 120) -> list[Result]:
    """Run each preset ``seeds`` times and measure its targets (all presets by default)."""
    chosen = [t for t in targets() if preset is None or t.preset == preset]
    runs: dict[str, list[tuple[pd.DataFrame, AIBubbleModel]]] = {}
    for name in dict.fromkeys(t.preset for t in chosen):
        runs[name] = []
        for seed in range(seeds):
            m = AIBubbleModel(rng=seed, preset=name)
            m.run_for(months)
            runs[name].append((m.datacollector.get_model_vars_dataframe(), m))
    return [Result(t, tuple(float(t.measure(df, m)) for df, m in runs[t.preset])) for t in chosen]


def report(results: list[Result]) -> str:
    """The calibration table as text."""
    width = max(len(r.target.name) for r in results)
    lines = [
        f"{'preset':13s} {'target':{width}s} {'goal':>18s} {'model':>10s} {'error':>7s}  result  "
        f"{'what it is':19s} (source row)"
    ]
    for r in results:
        err = "" if math.isnan(r.error) else f"{100 * r.error:+.0f}%"
        lines.append(
            f"{r.target.preset:13s} {r.target.name:{width}s} {r.goal():>18s} "
            f"{r.shown():>10s} {err:>7s}  {'pass' if r.passed else 'FAIL':6s}  "
            f"{SAMPLES[r.target.sample]:19s} ({r.target.row})"
        )
    n = sum(r.passed for r in results)
    lines.append(f"{n} of {len(results)} targets met")
    for sample, label in SAMPLES.items():
        group = [r for r in results if r.target.sample == sample]
        if group:
            met = sum(r.passed for r in group)
            lines.append(f"  {label}: {met} of {len(group)} met")
    return "\n".join(lines)
