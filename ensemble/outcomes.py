"""What one finished run tells: :func:`outcomes`, computed from the model object.

Every ensemble outcome comes from this one function, so the store, the report, and later
the view and the claims agree on what "a default by 2028" means. It reads the finished
model: its firms (``name``, ``defaulted``, ``default_month``), its investors (a lender
that can fail has ``failed_month``), its event log and its monthly columns (the model
must have run with ``collect=True``).

Months count from 0 = January 2024; a year ``Y`` ends at month ``12 * (Y - 2024) + 11``.
A run of ``months`` months sees months 0 to ``months - 1``; what would happen after is
not in it: the report calls such an outcome "beyond horizon" (:func:`year_covered`).
"""

from __future__ import annotations

import math
from typing import Any

START_YEAR = 2024


TEXT_OUTCOMES = frozenset({"first_default_firm"})
WHOLE_OUTCOMES = frozenset({"lenders_modelled", "app_fcf_positive_year"})


def outcome_type(name: str) -> str:
    """The DuckDB type of an outcome's column (the same whether or not a draw has a value)."""
    from economy.observation import RunSummary

    summary = RunSummary.column_types()
    if name in summary:
        return summary[name]
    if name in TEXT_OUTCOMES:
        return "VARCHAR"
    if (
        name in WHOLE_OUTCOMES
        or name.endswith("_month")
        or name.startswith(("default_month_", "first_share_sale_month_"))
    ):
        return "INTEGER"
    return "DOUBLE"


def year_of(month: int) -> int:
    """The calendar year of a month index (0 = January 2024)."""
    return START_YEAR + month // 12


def year_end_month(year: int) -> int:
    """The month index of December of ``year``."""
    return 12 * (year - START_YEAR) + 11


def year_covered(year: int, months: int) -> bool:
    """Whether a run of ``months`` months sees the whole of ``year``."""
    return year_end_month(year) <= months - 1


def app_fcf_by_year(model: Any) -> dict[int, float]:
    """The app company's free cash flow in each whole calendar year run, US$ bn.

    Free cash flow is the cash it generates: minus ``app_cash_burn`` (revenue received
    less cash paid for costs; the app company owns no capacity, so it has no capex), summed
    over the year. Years the run does not cover whole are left out.
    """
    df = model.datacollector.get_model_vars_dataframe()
    months = len(df)
    burn = df["app_cash_burn"].to_numpy(dtype=float)
    out = {}
    for year in range(START_YEAR, year_of(max(months - 1, 0)) + 1):
        if year_covered(year, months):
            start = 12 * (year - START_YEAR)
            out[year] = 0.0 - float(burn[start : start + 12].sum()) + 0.0  # never -0.0
    return out


def loop_equity(model: Any, supplier: str) -> float:
    """Equity a supplier put into the app company over the run, US$ bn.

    Its milestone investments and its part of dated rounds: the event log's ``milestone``
    and ``dated_equity`` events.
    """
    total = 0.0
    app = model.app.name
    for e in model.observation.events:
        kind = e.kind.value
        f = e.fields
        if (kind == "milestone" and f.get("supplier") == supplier) or (
            kind == "dated_equity" and f.get("investor") == supplier and f.get("issuer") == app
        ):
            total += float(f.get("amount", 0.0))
    return total


def outcomes(model: Any) -> dict[str, Any]:
    """The outcomes of one finished run, as a flat dict of plain values (None: did not happen).

    Keys:
        months: months run.
        The run summary (docs/model.md §7.13): ``first_default_month``, ``peak_gw``,
        ``worst_regime``, ``first_stall_month``, months in each regime, ...
        first_default_firm: the firm that defaulted first (None: none did).
        default_month_<firm>: the month each firm of ``model.firms`` defaulted, or None.
        lenders_modelled: how many investors can fail (those with ``failed_month``); 0
            means lender failure is not modelled.
        failed_month_<lender>: the month each such lender failed, or None.
        first_lender_failure_month: the earliest of those, or None.
        first_share_sale_month_<cloud>: the month of each cloud's first share sale, or None.
        first_covenant_enforced_month: the month a lender first enforced a covenant, or None.
        app_fcf_<year>: the app company's free cash flow in each whole year run, US$ bn.
        app_fcf_positive_year: the first whole year with positive free cash flow, or None.
        loop_equity_<supplier>, loop_chip_revenue_<supplier>: the equity a supplier put
            into the app company and its chip sales to the clouds over the run, US$ bn.
        chips_per_equity_<supplier>: chip sales per dollar of that equity (None where the
            supplier put in none).
    """
    df = model.datacollector.get_model_vars_dataframe()
    months = len(df)
    out: dict[str, Any] = dict(model.observation.summary().as_dict())
    out["months"] = months
    first: tuple[int, str] | None = None
    for firm in model.firms:
        month = (
            int(firm.default_month) if firm.defaulted and firm.default_month is not None else None
        )
        out[f"default_month_{firm.name}"] = month
        if month is not None and (first is None or month < first[0]):
            first = (month, firm.name)
    out["first_default_firm"] = first[1] if first else None
    lenders = [x for x in model.investors if hasattr(x, "failed_month")]
    out["lenders_modelled"] = len(lenders)
    failed = []
    for lender in lenders:
        month = getattr(lender, "failed_month", None)
        out[f"failed_month_{lender.name}"] = None if month is None else int(month)
        if month is not None:
            failed.append(int(month))
    out["first_lender_failure_month"] = min(failed) if failed else None
    sales: dict[str, int] = {}
    enforced: int | None = None
    for e in model.observation.events:  # the month of each cloud's first share sale
        if e.kind.value == "equity_issue" and e.firm not in sales:
            sales[e.firm] = int(e.month)
        if e.kind.value == "covenant_enforced" and enforced is None:
            enforced = int(e.month)
    out["first_covenant_enforced_month"] = enforced
    for cloud in model.clouds:
        out[f"first_share_sale_month_{cloud.name}"] = sales.get(cloud.name)
    fcf = app_fcf_by_year(model)
    for year, value in fcf.items():
        out[f"app_fcf_{year}"] = value
    positive = [y for y, v in fcf.items() if v > 0.0]
    out["app_fcf_positive_year"] = min(positive) if positive else None
    for supplier in model.suppliers:
        name = supplier.name
        equity = loop_equity(model, name)
        column = f"chip_revenue_{name}"
        chips = float(df[column].sum()) if column in df else math.nan
        out[f"loop_equity_{name}"] = equity
        out[f"loop_chip_revenue_{name}"] = chips
        out[f"chips_per_equity_{name}"] = chips / equity if equity > 0.0 else None
    return out
