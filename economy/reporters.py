"""Every column the model reports each month, with its unit and meaning.

The model fills a dict with exactly these keys each month; the data collector, the CLI's
``columns`` command and ``docs/columns.md`` all read this one list.
"""

from __future__ import annotations

from dataclasses import dataclass

from params import APP, CLOUDS, FIRMS, SUPPLIERS

LABELS = {
    "nvidia": "NVIDIA",
    "amd": "AMD",
    "oracle": "Oracle",
    "microsoft": "Microsoft",
    "amazon": "Amazon",
    "coreweave": "CoreWeave",
    "openai": "OpenAI",
    "equity_funds": "Equity funds",
    "momentum_funds": "Momentum funds",
    "lenders": "Lenders",
}


@dataclass(frozen=True)
class Column:
    """One reported column."""

    name: str
    unit: str
    meaning: str


def _columns() -> tuple[Column, ...]:
    c = [
        Column("month", "months", "months since January 2024 (month 0)"),
        Column("date", "YYYY-MM-DD", "first day of the month"),
        Column("regime", "rising/plateau/stalling/collapse", "regime of the loop (docs/model.md)"),
        Column(
            "regime_code", "0-3", "regime as a number: 0 rising, 1 plateau, 2 stalling, 3 collapse"
        ),
        Column("users_m", "millions", "weekly active users of the app company"),
        Column("paying_users_m", "millions", "paying users"),
        Column("app_revenue", "US$ bn a month", "app-company revenue (subscriptions + API)"),
        Column("app_revenue_subscriptions", "US$ bn a month", "subscription revenue"),
        Column("app_revenue_api", "US$ bn a month", "API revenue"),
        Column(
            "app_compute_bill",
            "US$ bn a month",
            "cloud contract bills: the app company's compute cost, counted once",
        ),
        Column(
            "app_training_compute",
            "US$ bn a month",
            "the part of the compute bill that serves training (a share of it, not a charge)",
        ),
        Column("app_fixed_costs", "US$ bn a month", "staff, sales, data and stock pay"),
        Column("app_variable_costs", "US$ bn a month", "costs that scale with users"),
        Column("app_revenue_share", "US$ bn a month", "revenue share paid to Microsoft"),
        Column(
            "app_operating_income",
            "US$ bn a month",
            "revenue minus all costs that are paid in cash (accrual)",
        ),
        Column(
            "app_noncash_charges",
            "US$ bn a month",
            "labelled non-cash item (remeasurement of convertible interests, H1 2025)",
        ),
        Column(
            "app_net_income",
            "US$ bn a month",
            "operating income minus the non-cash item (the reported net income)",
        ),
        Column(
            "app_cash_burn",
            "US$ bn a month",
            "cash paid out for costs minus revenue received (negative: cash generated)",
        ),
        Column("app_net_margin", "fraction", "net income / revenue"),
        Column(
            "app_inference_cost_per_user",
            "US$ per user a month",
            "compute bill / weekly users (an output, not a second charge)",
        ),
        Column(
            "app_runway_months",
            "months",
            "cash / average monthly loss of the last 3 months (120 = not burning)",
        ),
        Column(
            "app_compute_need", "GW of 2024 chips", "effective compute the app company needs now"
        ),
        Column(
            "app_equity_raised", "US$ bn a month", "new equity sold in funding rounds this month"
        ),
        Column("app_rounds_total", "count", "funding rounds raised since month 0"),
        Column("app_unpaid_bills", "US$ bn", "bills the app company has not paid"),
        Column("deployed_gw", "GW", "capacity in service for the app company"),
        Column(
            "deployed_compute",
            "GW of 2024 chips",
            "effective compute in service (GW x chip efficiency)",
        ),
        Column("contracted_gw", "GW", "capacity under contract, in service or being built"),
        Column("new_contract_gw", "GW", "capacity contracted this month"),
        Column("backlog", "US$ bn", "remaining take-or-pay value of all contracts (RPO)"),
        Column("capex", "US$ bn a month", "cloud providers' capex for the loop this month"),
        Column(
            "cloud_loop_revenue", "US$ bn a month", "cloud providers' revenue from the app company"
        ),
        Column(
            "milestone_investment",
            "US$ bn a month",
            "supplier equity invested in the app company under milestone deals",
        ),
        Column("milestone_investment_total", "US$ bn", "milestone investment since month 0"),
        Column(
            "engine_user_growth", "fraction a year", "engine: year-on-year growth of weekly users"
        ),
        Column(
            "gears_capex_to_revenue",
            "ratio",
            "gears: clouds' trailing-12-month loop capex / loop revenue",
        ),
        Column(
            "fuel_capex_per_compute",
            "US$ bn per GW of 2024 chips",
            "fuel: trailing-12-month capex per unit of effective compute ordered",
        ),
        Column(
            "flow_supplier_equity", "US$ bn a month", "loop flow: suppliers -> app company equity"
        ),
        Column("flow_app_to_clouds", "US$ bn a month", "loop flow: app company -> clouds payments"),
        Column(
            "flow_clouds_to_suppliers",
            "US$ bn a month",
            "loop flow: clouds -> suppliers chip payments",
        ),
        Column(
            "loop_throughput",
            "US$ bn a month",
            "smallest of the three loop flows, trailing 3-month means",
        ),
        Column(
            "backstop_paid",
            "US$ bn a month",
            "NVIDIA's payments to CoreWeave for capacity left unused",
        ),
        Column(
            "warrant_tranches_vested",
            "count",
            "tranches of the app company's AMD warrant vested since month 0",
        ),
        Column(
            "cascade_direct_loss",
            "US$ bn",
            "defaults so far: fire-sale losses of the defaulting firms (the shocks)",
        ),
        Column(
            "cascade_amplified_loss",
            "US$ bn",
            "defaults so far: further equity losses the cascade method finds through claims",
        ),
        Column("contracts_cancelled", "count", "contracts cancelled this month"),
        Column("defaults_total", "count", "firms that have defaulted since month 0"),
        Column("commitment_limited", "0/1", "the app company hit its commitment limit this month"),
        Column(
            "outside_money_in",
            "US$ bn a month",
            "cash paid in by the rest of the world (customers, savers, other business)",
        ),
        Column(
            "outside_money_out",
            "US$ bn a month",
            "cash paid to the rest of the world (staff, builders, foundries...)",
        ),
    ]
    for s in SUPPLIERS:
        name = LABELS[s]
        c += [
            Column(f"chip_revenue_{s}", "US$ bn a month", f"{name} chip sales to the clouds"),
            Column(f"vendor_credit_{s}", "US$ bn a month", f"chip sales {name} lent this month"),
            Column(f"vendor_loans_{s}", "US$ bn", f"{name} vendor loans outstanding"),
            Column(
                f"circularity_{s}",
                "fraction",
                f"trailing 12 months: share of {name}'s chip receipts (all buyers, its sales "
                "outside the loop included) that trace back to its own money",
            ),
            Column(
                f"circularity_{s}_clouds",
                "fraction",
                f"trailing 12 months: share of {name}'s chip receipts from the clouds "
                "that trace back to its own money",
            ),
        ]
    for k in CLOUDS:
        c.append(Column(f"backlog_{k}", "US$ bn", f"{LABELS[k]} remaining take-or-pay value (RPO)"))
        c.append(
            Column(f"deployed_gw_{k}", "GW", f"{LABELS[k]} capacity in service for the app company")
        )
        c.append(Column(f"debt_{k}", "US$ bn", f"{LABELS[k]} loans outstanding"))
    for f in FIRMS:
        c.append(Column(f"cash_{f}", "US$ bn", f"{LABELS[f]} cash"))
        c.append(
            Column(
                f"runway_{f}",
                "months",
                f"{LABELS[f]} cash / average operating cash outflow of 3 months "
                "(120 = not burning; 0 after default)",
            )
        )
        c.append(
            Column(f"market_cap_{f}", "US$ bn", f"{LABELS[f]} shares x price (0 after default)")
        )
        c.append(Column(f"book_equity_{f}", "US$ bn", f"{LABELS[f]} assets minus debt-like claims"))
        c.append(
            Column(
                f"cascade_equity_loss_{f}",
                "fraction",
                f"largest relative equity loss of {LABELS[f]} in a default cascade so far",
            )
        )
    return tuple(c)


COLUMNS: tuple[Column, ...] = _columns()
COLUMN_NAMES: tuple[str, ...] = tuple(col.name for col in COLUMNS)

__all__ = ["APP", "COLUMNS", "COLUMN_NAMES", "LABELS", "Column"]


def columns_markdown() -> str:
    """The column table as Markdown (``docs/columns.md`` is generated from it)."""
    lines = [
        "# Reported columns",
        "",
        "Generated by `uv run python run.py columns --markdown > docs/columns.md`; "
        "one row per month, money in US$ billions.",
        "",
        "| column | unit | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{c.name}` | {c.unit} | {c.meaning} |" for c in COLUMNS]
    return "\n".join(lines) + "\n"
