"""Model parameters: one frozen, validated dataclass whose defaults come from the calibration table.

Every default is read from ``data/calibration.csv`` (a row per parameter, with its unit,
source and provenance: ``seed``, ``reported``, ``fitted`` or ``assumed``), so this file
holds the allowed ranges and meanings, never a bare number. Presets under ``scenarios/``
override a few values and must cite a row for each.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from errors import InputError

ROOT = Path(__file__).resolve().parent
CALIBRATION_CSV = ROOT / "data" / "calibration.csv"
SCENARIO_DIR = ROOT / "scenarios"

SUPPLIERS = ("nvidia", "amd")
CLOUDS = ("oracle", "microsoft", "amazon", "coreweave")
APP = "openai"
FIRMS = (*SUPPLIERS, *CLOUDS, APP)
BOND_INVESTORS = "bond_investors"  # bond funds and insurers: the firms' bonds
BANKS = "banks"  # bank loans to firms short of cash
PRIVATE_CREDIT = "private_credit"  # private-credit funds: data-centre leases through SPVs
LENDERS = (BOND_INVESTORS, BANKS, PRIVATE_CREDIT)
FUNDS = ("equity_funds", "momentum_funds")  # equity investors: value and momentum funds


@dataclass(frozen=True)
class CalibrationRow:
    """One row of ``data/calibration.csv``."""

    key: str
    value: str
    low: str
    high: str
    unit: str
    provenance: str
    source: str
    note: str


@cache
def calibration_table() -> dict[str, CalibrationRow]:
    """All calibration rows by key (read once)."""
    with CALIBRATION_CSV.open(newline="", encoding="utf-8") as f:
        return {r["key"]: CalibrationRow(**r) for r in csv.DictReader(f)}


def _cal_value(key: str) -> float:
    return float(calibration_table()[key].value)


class _Default:
    """Marks a parameter not given: its value comes from the calibration table."""

    def __repr__(self) -> str:
        return "<calibration default>"


_DEFAULT: Any = _Default()


def _p(
    lo: float,
    hi: float,
    doc: str,
    *,
    cite: str | None = None,
    integer: bool = False,
    hi_open: bool = False,
    unit: str | None = None,
) -> Any:
    """Declare a parameter: allowed range, meaning and the calibration row of its default.

    ``cite`` names the row of ``data/calibration.csv`` that holds the default; without it,
    the row with the parameter's own name.
    """
    return field(
        default=_DEFAULT,
        metadata={
            "lo": lo,
            "hi": hi,
            "hi_open": hi_open,
            "doc": doc,
            "cite": cite,
            "integer": integer,
            "unit": unit,
        },
    )


@dataclass(frozen=True)
class Params:
    """Every number the economy uses, in US$ billions, months, GW and millions of users.

    Construct with keyword arguments named as the fields; any value out of its allowed
    range, of the wrong type or not finite raises ``ValueError`` naming the parameter,
    the value and the allowed range.
    """

    # --- demand (the engine) ---------------------------------------------------------
    users_initial: float = _p(1, 2000, "weekly active users in January 2024 (millions)")
    users_growth_2023: float = _p(0, 20, "yearly user growth in the year before month 0 (history)")
    bass_p: float = _p(0, 1, "Bass innovation coefficient (per year)", cite="bass_p_fit")
    bass_q: float = _p(0, 10, "Bass imitation coefficient (per year)", cite="bass_q_fit")
    market_size_users: float = _p(
        10, 8000, "ceiling of weekly users (millions)", cite="market_size_fit"
    )
    paid_growth_decay: float = _p(
        0,
        1,
        "each year the diffusion impulse is multiplied by (1 - decay); 0 = no decay",
        hi_open=True,
    )
    demand_noise: float = _p(0, 0.5, "sd of the monthly log shock to new adopters")
    paid_share: float = _p(0, 1, "paying users as a share of weekly users")
    subscription_price: float = _p(0, 1000, "USD per paying user per month")
    monetisation_growth: float = _p(-0.5, 1, "yearly growth of revenue per subscriber at first")
    monetisation_growth_halving_years: float = _p(
        0.1, 30, "years for that growth rate to halve (pricing power fades)"
    )
    api_revenue_initial: float = _p(
        0, 100, "API and enterprise revenue in Jan 2024, US$ bn a month"
    )
    api_customer_growth: float = _p(0, 10, "yearly growth of API customers while few (logistic)")
    api_market_ceiling: float = _p(1, 1000, "ceiling of API customers, x their Jan 2024 number")
    inference_price_decline: float = _p(1, 100, "API price per token falls this many x a year")
    api_price_elasticity: float = _p(0, 1.5, "elasticity of tokens per user to the token price")
    # --- compute -------------------------------------------------------------------
    inference_watts_per_user: float = _p(0.01, 100, "inference compute per user, W (2024 chips)")
    compute_per_user_ceiling: float = _p(
        1, 1e4, "most compute a user or API customer takes, x Jan 2024 (effective)"
    )
    training_to_inference: float = _p(0, 10, "training compute per unit of inference, Jan 2024")
    training_compute_growth: float = _p(-0.5, 5, "yearly growth of training compute at first")
    training_growth_halving_years: float = _p(0.1, 30, "years for that growth rate to halve")
    gpu_cost_per_flop_halving: float = _p(0.5, 20, "years for the cost per FLOP to halve")
    opening_capacity_gw: float = _p(0, 100, "capacity serving the app company in Jan 2024, GW")
    opening_pipeline_share: float = _p(
        0, 3, "share of the need of 2024-mid 2025 covered by contracts signed before 2024"
    )
    capex_per_gw: float = _p(1, 500, "data-centre capex per GW at month 0, US$ bn")
    capex_per_gw_growth: float = _p(-0.5, 1, "yearly growth of nominal capex per GW")
    chip_share_of_capex: float = _p(0, 1, "share of capex paid to chip suppliers")
    amd_chip_share: float = _p(0, 1, "share of new capacity built with AMD chips")
    build_lag_months: int = _p(1, 60, "months from order to capacity in service", integer=True)
    depreciation_years: float = _p(1, 15, "straight-line life of capacity, years")
    contract_term_months: int = _p(
        1, 240, "term of a take-or-pay cloud contract, months", integer=True
    )
    contract_price_to_capex: float = _p(0.01, 2, "annual contract price per GW / capex per GW")
    cloud_opex_to_capex: float = _p(0, 1, "cloud running cost per year / capex of the capacity")
    capacity_headroom: float = _p(0, 2, "spare capacity contracted above the forecast")
    forecast_growth_cap: float = _p(0, 20, "largest yearly growth the app company extrapolates")
    commitment_limit_to_valuation: float = _p(
        0, 50, "remaining commitments allowed per dollar of valuation"
    )
    weight_oracle: float = _p(
        0, 1e4, "Oracle's weight in new contracts", cite="oracle_own_contract_weight"
    )
    weight_microsoft: float = _p(
        0, 1e4, "Microsoft's weight in new contracts", cite="microsoft_azure_commitment"
    )
    weight_amazon: float = _p(
        0, 1e4, "Amazon's weight in new contracts", cite="amazon_openai_contract"
    )
    weight_coreweave: float = _p(
        0, 1e4, "CoreWeave's weight in new contracts", cite="coreweave_openai_contracts"
    )
    gross_margin_nvidia: float = _p(0, 1, "NVIDIA's gross margin on chips")
    gross_margin_amd: float = _p(0, 1, "AMD's gross margin on chips")
    # --- milestone rule --------------------------------------------------------------
    milestone_investment_per_gw: float = _p(0, 1000, "US$ bn invested per whole GW deployed")
    milestone_investment_cap: float = _p(0, 10000, "most the supplier invests, US$ bn")
    # --- vendor financing and backstops (a replay of 2000) ----------------------------
    vendor_credit_share: float = _p(0, 1, "share of chip invoices the supplier finances on credit")
    vendor_credit_limit: float = _p(0, 1e4, "vendor loans a supplier may have outstanding, US$ bn")
    vendor_credit_rate: float = _p(0, 1, "yearly interest on vendor loans")
    vendor_credit_term_months: int = _p(
        1, 240, "months over which a vendor loan is repaid", integer=True
    )
    backstop_limit_coreweave: float = _p(
        0, 1e4, "NVIDIA's backstop of CoreWeave's unused capacity, US$ bn"
    )
    # --- warrants (AMD style) --------------------------------------------------------
    amd_warrant_shares: float = _p(0, 1e4, "AMD shares (millions) under the app company's warrant")
    amd_warrant_gw: float = _p(0.1, 1000, "AMD-chip GW over which the warrant vests")
    amd_warrant_tranches: int = _p(1, 100, "tranches of the warrant", integer=True)
    amd_warrant_final_hurdle: float = _p(0, 1e5, "AMD share price the last tranche needs")
    # --- app-company costs -----------------------------------------------------------
    fixed_costs_2024: float = _p(0, 1000, "staff, sales, data and stock pay in 2024, US$ bn a year")
    fixed_cost_growth: float = _p(-0.5, 10, "yearly growth of the fixed block in 2024")
    fixed_cost_growth_halving_years: float = _p(0.1, 100, "years for that growth rate to halve")
    variable_cost_per_user: float = _p(0, 100, "USD per weekly user per month")
    microsoft_revenue_share: float = _p(0, 1, "share of app revenue paid to Microsoft")
    noncash_charge_h1_2025: float = _p(
        0, 1000, "non-cash remeasurement booked in H1 2025 (convertible interests), US$ bn"
    )
    # --- capital market --------------------------------------------------------------
    valuation_base_multiple: float = _p(0, 200, "revenue multiple at zero growth")
    valuation_growth_elasticity: float = _p(0, 5, "multiple = base x (1 + growth)^elasticity")
    fcf_multiple: float = _p(0, 100, "multiple of annual free cash flow added to value")
    price_adjustment: float = _p(0, 1, "share of the log gap to value closed each month")
    price_noise: float = _p(0, 1, "sd of the monthly log price shock")
    momentum_share: float = _p(0, 0.9, "share of equity investors who trade on past returns")
    momentum_strength: float = _p(0, 20, "momentum traders' response to the recent return")
    momentum_horizon_months: int = _p(
        1, 24, "months of returns momentum traders look back", integer=True
    )
    loop_revenue_multiple: float = _p(0, 100, "value per dollar of annual loop revenue")
    round_runway_months: float = _p(0, 120, "raise when runway falls below this")
    min_round_gap_months: int = _p(0, 120, "months between two rounds at least", integer=True)
    round_target_runway_months: float = _p(1, 240, "months of burn a round aims to fund")
    max_round_dilution: float = _p(0, 0.9, "largest post-money share one round may sell")
    leverage_limit: float = _p(0, 0.99, "lenders stop above this debt / collateral")
    backlog_collateral_share: float = _p(
        0, 1, "share of a cloud's backlog lenders count as collateral"
    )
    interest_rate: float = _p(0, 1, "yearly interest on debt")
    loan_term_months: int = _p(1, 360, "months to maturity of a new bank loan", integer=True)
    loss_given_default: float = _p(0, 1, "share of a claim lost in a default (spreads)")
    barrier_commitment_share: float = _p(
        0, 1, "share of take-or-pay commitments in the default barrier (spreads)"
    )
    barrier_uncertainty: float = _p(0, 2, "sd of the log default barrier (CreditGrades' lambda)")
    concentration_spread: float = _p(
        0, 0.2, "spread per unit of revenue from one counterparty, per year"
    )
    credit_crunch_drawdown: float = _p(
        0, 1, "lenders stop lending to a firm whose shares fell this much in a year"
    )
    covenant_max_leverage: float = _p(
        0.5, 50, "loan covenant: debt at most this many years of operating cash flow"
    )
    covenant_min_coverage: float = _p(
        0, 20, "loan covenant: operating cash flow at least this many times interest"
    )
    # --- lenders with capital (agents/lender.py) ------------------------------------
    lender_capital_bond_investors: float = _p(
        0, 1e5, "savers' money bond investors will put in the loop's bonds, US$ bn"
    )
    lender_capital_banks: float = _p(0, 1e5, "banks' capital against credit to the loop, US$ bn")
    lender_capital_private_credit: float = _p(
        0, 1e5, "private-credit funds' capital for data-centre leases, US$ bn"
    )
    min_capital_ratio_banks: float = _p(0.001, 1, "banks lend while capital / credit is above this")
    min_capital_ratio_private_credit: float = _p(
        0.001, 1, "private credit leases while capital / credit is above this"
    )
    lender_stress_premium: float = _p(
        0, 0.2, "what a lender adds to its rate at its minimum capital, per year"
    )
    lease_premium: float = _p(0, 0.2, "a data-centre lease's rate over a bank loan's, per year")
    lease_share_of_capex: float = _p(
        0, 1, "share of a cloud's capex private credit funds as data-centre leases"
    )
    redemption_per_loss_bond_investors: float = _p(
        0, 20, "money bond funds' savers pull per dollar of loss written off"
    )
    redemption_per_loss_private_credit: float = _p(
        0, 20, "money private-credit investors ask back per dollar of loss written off"
    )
    equity_issue_max_share: float = _p(
        0, 1, "most new shares a cloud sells in a year, as a share of its market value"
    )
    equity_issue_cost: float = _p(
        0, 0.5, "the cost of a cloud's share sale (fees, discount included), share of proceeds"
    )
    financing_constraints: int = _p(
        0,
        1,
        "1: construction and chips wait for a cloud's funding (the default); 0: never",
        integer=True,
    )
    max_build_wait_months: int = _p(
        1,
        1200,
        "months a contract waits for its cloud's funding before it is cancelled",
        integer=True,
    )
    equity_issue_gap_months: int = _p(
        1, 120, "fewest months between two share sales by a cloud", integer=True
    )
    revolver_limit: float = _p(0, 1e4, "the app company's revolving credit facility, US$ bn")
    revolver_min_liquidity: float = _p(
        0, 1e4, "the revolver's covenant: cash the app company must keep, US$ bn"
    )
    large_exposure_limit: float = _p(
        0, 1, "most a levered lender lends one borrower, as a share of its capital"
    )
    redemption_gate: float = _p(
        0, 1, "share of its capital a private-credit fund pays out to redeemers a quarter"
    )
    arrears_grace_months: int = _p(0, 24, "months of unpaid bills before default", integer=True)
    fire_sale_recovery: float = _p(0, 1, "share of book value a defaulted firm's assets fetch")
    rental_demand_spend: float = _p(
        0, 1e3, "other AI labs' monthly spend on idle capacity at the new price, US$ bn"
    )
    rental_demand_growth: float = _p(-0.5, 5, "yearly growth of the other labs' rental spend")
    rental_demand_elasticity: float = _p(
        0.1, 10, "price elasticity of the other labs' demand for idle capacity"
    )
    user_migration_share: float = _p(
        0, 1, "share of a defaulted app company's users who move to the other labs"
    )
    # --- regimes ---------------------------------------------------------------------
    regime_window_months: int = _p(2, 24, "trailing window of the regime tests", integer=True)
    regime_persist_months: int = _p(1, 12, "months a new regime must last", integer=True)
    plateau_growth: float = _p(0, 1, "deployed-GW growth a year under which it is a plateau")
    rising_min_runway: float = _p(0, 120, "runway a rising loop needs, months")
    stalling_max_runway: float = _p(0, 120, "runway under which the loop is stalling, months")
    # --- opening balance sheets (US$ bn, bn shares, US$ per share, US$ bn a month) ----
    open_cash_nvidia: float = _p(0, 1e4, "NVIDIA opening cash")
    open_debt_nvidia: float = _p(0, 1e4, "NVIDIA opening debt")
    open_other_assets_nvidia: float = _p(0, 1e5, "NVIDIA other assets at book")
    open_shares_nvidia: float = _p(0.001, 1e3, "NVIDIA shares, bn")
    open_price_nvidia: float = _p(0.01, 1e5, "NVIDIA share price")
    other_income_nvidia: float = _p(-100, 1e3, "NVIDIA net cash from outside the loop a month")
    open_cash_amd: float = _p(0, 1e4, "AMD opening cash")
    open_debt_amd: float = _p(0, 1e4, "AMD opening debt")
    open_other_assets_amd: float = _p(0, 1e5, "AMD other assets at book")
    open_shares_amd: float = _p(0.001, 1e3, "AMD shares, bn")
    open_price_amd: float = _p(0.01, 1e5, "AMD share price")
    other_income_amd: float = _p(-100, 1e3, "AMD net cash from outside the loop a month")
    open_cash_oracle: float = _p(0, 1e4, "Oracle opening cash")
    open_debt_oracle: float = _p(0, 1e4, "Oracle opening debt")
    open_other_assets_oracle: float = _p(0, 1e5, "Oracle other assets at book")
    open_shares_oracle: float = _p(0.001, 1e3, "Oracle shares, bn")
    open_price_oracle: float = _p(0.01, 1e5, "Oracle share price")
    other_income_oracle: float = _p(-100, 1e3, "Oracle net cash from outside the loop a month")
    open_cash_microsoft: float = _p(0, 1e4, "Microsoft opening cash")
    open_debt_microsoft: float = _p(0, 1e4, "Microsoft opening debt")
    open_other_assets_microsoft: float = _p(0, 1e5, "Microsoft other assets at book")
    open_shares_microsoft: float = _p(0.001, 1e3, "Microsoft shares, bn")
    open_price_microsoft: float = _p(0.01, 1e5, "Microsoft share price")
    other_income_microsoft: float = _p(
        -100, 1e3, "Microsoft net cash from outside the loop a month"
    )
    open_cash_amazon: float = _p(0, 1e4, "Amazon opening cash")
    open_debt_amazon: float = _p(0, 1e4, "Amazon opening debt")
    open_other_assets_amazon: float = _p(0, 1e5, "Amazon other assets at book")
    open_shares_amazon: float = _p(0.001, 1e3, "Amazon shares, bn")
    open_price_amazon: float = _p(0.01, 1e5, "Amazon share price")
    other_income_amazon: float = _p(-100, 1e3, "Amazon net cash from outside the loop a month")
    open_cash_coreweave: float = _p(0, 1e4, "CoreWeave opening cash")
    open_debt_coreweave: float = _p(0, 1e4, "CoreWeave opening debt")
    open_other_assets_coreweave: float = _p(0, 1e5, "CoreWeave other assets at book")
    open_shares_coreweave: float = _p(0.001, 1e3, "CoreWeave shares, bn")
    open_price_coreweave: float = _p(0.01, 1e5, "CoreWeave share price")
    other_income_coreweave: float = _p(
        -100, 1e3, "CoreWeave net cash from outside the loop a month"
    )
    open_cash_openai: float = _p(0, 1e4, "app-company opening cash")
    open_shares_openai: float = _p(0.001, 1e3, "app-company shares, bn")
    open_price_openai: float = _p(0.01, 1e5, "app-company share price (= valuation, US$ bn)")
    microsoft_stake_in_openai: float = _p(0, 1, "Microsoft's share of the app company")
    equity_funds_stake_in_openai: float = _p(0, 1, "outside funds' share of the app company")
    nvidia_stake_in_coreweave: float = _p(0, 1, "NVIDIA's share of CoreWeave")
    open_cash_equity_funds: float = _p(0, 1e5, "outside equity funds' opening cash")
    open_cash_banks: float = _p(0, 1e5, "banks' opening cash")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is _DEFAULT:  # not given: the calibration default
                object.__setattr__(self, f.name, _default(f))
                continue
            object.__setattr__(self, f.name, _validated(f, value))
        if self.microsoft_stake_in_openai + self.equity_funds_stake_in_openai > 1.0:
            raise ValueError(
                "microsoft_stake_in_openai + equity_funds_stake_in_openai must not exceed 1, got "
                f"{self.microsoft_stake_in_openai + self.equity_funds_stake_in_openai:g}"
            )

    def __hash__(self) -> int:
        """The fields' hash, computed once (the parameters are frozen; caches key on them)."""
        h: int | None = self.__dict__.get("_hash")
        if h is None:
            h = hash(tuple([getattr(self, f.name) for f in dataclasses.fields(self)]))
            object.__setattr__(self, "_hash", h)
        return h

    def __getstate__(self) -> dict[str, Any]:
        """The fields only, for pickling (a string's hash differs between processes)."""
        state = dict(self.__dict__)
        state.pop("_hash", None)
        return state

    # ------------------------------------------------------------------ helpers
    def replace(self, **changes: Any) -> Params:
        """A copy with some values changed (validated like the constructor)."""
        unknown = set(changes) - PARAM_NAMES
        if unknown:
            raise ValueError(_unknown_message(sorted(unknown)[0]))
        return dataclasses.replace(self, **changes)

    def firm(self, prefix: str, firm: str) -> float:
        """A per-firm value such as ``open_cash`` of ``oracle``."""
        return getattr(self, f"{prefix}_{firm}")

    def to_dict(self) -> dict[str, float | int]:
        """All values by name."""
        return dataclasses.asdict(self)

    @classmethod
    def from_preset(cls, preset: str | None = "seed", **overrides: Any) -> Params:
        """Defaults, then the preset's values (``None``: no preset), then ``overrides``."""
        values = load_preset(preset).values if preset is not None else {}
        unknown = set(overrides) - PARAM_NAMES
        if unknown:
            raise ValueError(_unknown_message(sorted(unknown)[0]))
        return cls(**{**values, **overrides})


def _cite(f: dataclasses.Field) -> str:
    return f.metadata["cite"] or f.name


def _default(f: dataclasses.Field) -> float | int:
    value = _cal_value(_cite(f))
    return int(value) if f.metadata["integer"] else value


def allowed_range(name: str) -> str:
    """The allowed range of a parameter, as text for messages."""
    m = PARAM_FIELDS[name].metadata
    upper = "<" if m["hi_open"] else "<="
    kind = "an integer" if m["integer"] else "a number"
    return f"{kind} with {m['lo']:g} <= {name} {upper} {m['hi']:g}"


def _validated(f: dataclasses.Field, value: Any) -> float | int:
    m = f.metadata
    name = f.name
    if isinstance(value, bool) or not isinstance(value, int | float):
        original = value
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be {allowed_range(name)}, got {original!r}") from None
        if isinstance(original, bool):
            raise ValueError(f"{name} must be {allowed_range(name)}, got {original!r}")
    if isinstance(value, int) and abs(value) > 1e300:  # float() would overflow
        raise ValueError(
            f"{name} must be {allowed_range(name)}, got a number of about "
            f"{int(value.bit_length() * 0.30103) + 1} digits"
        )
    if not math.isfinite(value):
        raise ValueError(f"{name} must be {allowed_range(name)}, got {value!r}")
    if m["integer"]:
        if float(value) != int(value):
            raise ValueError(f"{name} must be {allowed_range(name)}, got {value!r}")
        value = int(value)
    else:
        value = float(value)
    too_high = value >= m["hi"] if m["hi_open"] else value > m["hi"]
    if value < m["lo"] or too_high:
        raise ValueError(f"{name} = {value!r} is out of range: must be {allowed_range(name)}")
    return value


PARAM_FIELDS: dict[str, dataclasses.Field] = {f.name: f for f in dataclasses.fields(Params)}
PARAM_NAMES = frozenset(PARAM_FIELDS)


def _unknown_message(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, PARAM_NAMES, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"unknown parameter {name!r}{hint}; `run.py params` lists them all"


def param_info(name: str) -> dict[str, Any]:
    """Unit, range, meaning and provenance of a parameter (for docs, the CLI and the view)."""
    f = PARAM_FIELDS[name]
    row = calibration_table()[_cite(f)]
    return {
        "name": name,
        "default": _default(f),
        "unit": f.metadata["unit"] or row.unit,
        "lo": f.metadata["lo"],
        "hi": f.metadata["hi"],
        "integer": f.metadata["integer"],
        "hi_open": f.metadata["hi_open"],
        "doc": f.metadata["doc"],
        "cite": _cite(f),
        "provenance": row.provenance,
        "source": row.source,
        "sweep_low": row.low,
        "sweep_high": row.high,
    }


# ---------------------------------------------------------------------- presets
class PresetError(InputError):
    """A preset file that is missing, malformed, or names an unknown key."""


@dataclass(frozen=True)
class ScheduledContract:
    """A contract the app company signed in fact, on a known date (a preset's ``[[contracts]]``).

    Its GW follow from its value and the price per GW-month at signing.
    """

    cloud: str
    signed: int  # month (0 = January 2024)
    start: int
    months: int
    value: float  # US$ bn over the term
    cite: str


@dataclass(frozen=True)
class Preset:
    """A scenario preset: its description, values (with citations) and scheduled contracts."""

    name: str
    description: str
    values: dict[str, float | int]
    cites: dict[str, str]
    path: Path
    contracts: tuple[ScheduledContract, ...] = ()
    reasons: dict[str, str] = field(default_factory=dict)
    provenances: dict[str, str] = field(default_factory=dict)
    deals_until: int | None = None  # the vintage: dated deals of data/deals.csv to this month


_TOP_KEYS = {"description", "extends", "values", "contracts", "deals_until"}
_VALUE_KEYS = {"value", "cite", "reason", "provenance"}
PROVENANCES = ("seed", "reported", "fitted", "assumed")
_CONTRACT_KEYS = {"cloud", "signed", "start", "months", "value", "cite", "reason"}
_CONTRACT_REQUIRED = ("cloud", "signed", "start", "months", "value", "cite")
CONTRACT_VALUE_MAX = 1e4  # US$ bn: ten trillion dollars, 33x the largest deal reported
MAX_CONTRACTS = 1000  # scheduled contracts in one preset
MAX_EXTENDS = 16  # presets in one ``extends`` chain


def month_index(text: str) -> int:
    """``"YYYY-MM"`` as a month index (0 = January 2024)."""
    try:
        year, month = (int(x) for x in str(text)[:32].split("-"))
    except ValueError:
        raise ValueError(f"a date must be written YYYY-MM, got {text!r}") from None
    if not 1 <= month <= 12:
        raise ValueError(f"a date must be written YYYY-MM with a month 01-12, got {text!r}")
    return (year - 2024) * 12 + month - 1


def preset_names() -> list[str]:
    """Names of the presets shipped under ``scenarios/``."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def preset_problems() -> tuple[list[str], dict[str, str]]:
    """The presets that load, and for each one that does not, its error message."""
    good: list[str] = []
    bad: dict[str, str] = {}
    for name in preset_names():
        try:
            load_preset(name)
        except PresetError as e:
            bad[name] = str(e)
        else:
            good.append(name)
    return good, bad


def load_preset(name: str, _chain: tuple[str, ...] = ()) -> Preset:
    """Read ``scenarios/<name>.toml`` (following ``extends``) and validate every key.

    Only the names :func:`preset_names` lists are read (never a path: ``../x`` is an
    unknown scenario).

    Raises:
        PresetError: unknown preset (listing the known ones), a file that cannot be
            read (not UTF-8, too large, too deeply nested), malformed TOML, an unknown
            key, a value without a citation, or a value out of range.
    """
    from schema import show

    known = preset_names()
    if not isinstance(name, str) or name not in known:
        shown = repr(name) if isinstance(name, str) else show(name)
        raise PresetError(f"unknown scenario {shown[:80]}; known scenarios: {', '.join(known)}")
    if len(_chain) >= MAX_EXTENDS:
        raise PresetError(
            f"scenario {name!r}: 'extends' chains more than {MAX_EXTENDS} presets: "
            + " -> ".join(_chain)
        )
    return load_preset_file(SCENARIO_DIR / f"{name}.toml", _chain=(*_chain, name))


@dataclass
class _Parts:
    """What a preset file sets, gathered while it is read (the parent's first)."""

    values: dict[str, float | int] = field(default_factory=dict)
    cites: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    provenances: dict[str, str] = field(default_factory=dict)
    contracts: tuple[ScheduledContract, ...] = ()
    deals_until: int | None = None


def load_preset_file(path: Path, _chain: tuple[str, ...] = ()) -> Preset:
    """Read one preset file; see :func:`load_preset`."""
    from fileio import load_toml

    where = str(path)
    data = load_toml(path, what="preset", error=PresetError)
    extra = set(data) - _TOP_KEYS
    if extra:
        raise PresetError(
            f"{where}: unknown top-level key {sorted(extra)[0]!r}; allowed: {sorted(_TOP_KEYS)}"
        )
    description = data.get("description")
    if not isinstance(description, str) or not description.strip() or len(description) > 10_000:
        raise PresetError(
            f"{where}: 'description' must be a non-empty string (at most 10,000 characters)"
        )
    parts = _Parts()
    if data.get("extends") is not None:
        _inherit(where, data["extends"], _chain, parts)
    table = data.get("values", {})
    if not isinstance(table, dict):
        raise PresetError(f"{where}: [values] must be a table")
    cal = calibration_table()
    for key, entry in table.items():
        _read_value(where, key, entry, cal, parts)
    if "contracts" in data:
        parts.contracts = tuple(_parse_contracts(where, data["contracts"], cal))
    if "deals_until" in data:
        parts.deals_until = _deals_until(where, data["deals_until"])
    together: dict[str, Any] = dict(parts.values)
    try:  # the values together (two stakes may not sum above 1)
        Params(**together)
    except ValueError as e:
        raise PresetError(f"{where}: [values]: {e}") from None
    return Preset(
        path.stem,
        description.strip(),
        parts.values,
        parts.cites,
        path,
        parts.contracts,
        parts.reasons,
        parts.provenances,
        parts.deals_until,
    )


def _deals_until(where: str, raw: Any) -> int:
    """``deals_until = "YYYY-MM"``: the last month of data/deals.csv the preset applies."""
    from schema import Where, month

    w = Where(where, "key 'deals_until'", error=PresetError)
    return month(w, None, raw)


def _inherit(where: str, parent: Any, chain: tuple[str, ...], parts: _Parts) -> None:
    """Start from the preset ``extends`` names."""
    if not isinstance(parent, str):
        raise PresetError(f"{where}: 'extends' must be the name of another scenario")
    if parent in chain:
        raise PresetError(f"{where}: 'extends' makes a cycle: {' -> '.join((*chain, parent))}")
    try:
        base = load_preset(parent, chain)
    except PresetError as e:
        raise PresetError(f"{where}: 'extends': {e}") from None
    parts.values.update(base.values)
    parts.cites.update(base.cites)
    parts.reasons.update(base.reasons)
    parts.provenances.update(base.provenances)
    parts.contracts = base.contracts
    parts.deals_until = base.deals_until


def _read_value(
    where: str, key: Any, entry: Any, cal: dict[str, CalibrationRow], parts: _Parts
) -> None:
    """One ``key = { value = ..., cite = ..., reason = ..., provenance = ... }`` of [values]."""
    from schema import Where, is_number, text

    if key not in PARAM_NAMES:
        raise PresetError(f"{where}: key {key!r}: {_unknown_message(key)}")
    if not isinstance(entry, dict) or "value" not in entry:
        raise PresetError(
            f"{where}: key {key!r} must be an inline table "
            '{ value = ..., cite = "<calibration row>" } or { value = ..., cite = "assumed", '
            'reason = "..." }'
        )
    bad = set(entry) - _VALUE_KEYS
    if bad:
        raise PresetError(f"{where}: key {key!r}: unknown field {sorted(bad)[0]!r}")
    w = Where(where, f"key {key!r}", error=PresetError)
    reason = text(w, "reason", entry["reason"]) if "reason" in entry else ""
    cite = _cite_of(w, entry.get("cite"), reason, cal)
    raw = entry["value"]
    if not is_number(raw):  # "0.5" in a file is refused; the command line's --set is text
        raise w.bad("value", allowed_range(key), raw)
    try:
        parts.values[key] = _validated(PARAM_FIELDS[key], raw)
    except ValueError as e:
        raise PresetError(f"{where}: key {key!r}: {e}") from e
    parts.cites[key] = cite
    parts.reasons.pop(key, None)
    parts.provenances.pop(key, None)
    if reason:
        parts.reasons[key] = reason
    if "provenance" in entry:
        provenance = entry["provenance"]
        if not isinstance(provenance, str) or provenance not in PROVENANCES:
            raise PresetError(
                f"{where}: key {key!r}: provenance must be one of {', '.join(PROVENANCES)}"
            )
        parts.provenances[key] = provenance


def _cite_of(w: Any, cite: Any, reason: str, cal: dict[str, CalibrationRow]) -> str:
    """A ``cite``: a row of the calibration table, or ``"assumed"`` with a reason."""
    from schema import show

    if cite == "assumed":
        if not reason:
            raise w.fail(None, 'cite = "assumed" needs a reason')
        return cite
    if cite is None:
        raise w.fail(
            None,
            "missing field 'cite': a row of data/calibration.csv, or \"assumed\" with a reason",
        )
    if not isinstance(cite, str):
        raise w.bad("cite", 'a row of data/calibration.csv, or "assumed" with a reason', cite)
    if cite not in cal:
        raise w.fail(
            None,
            f"cite {show(cite)} is not a row of data/calibration.csv "
            '(or write cite = "assumed" with a reason)',
        )
    return cite


def _parse_contracts(where: str, raw: Any, cal: dict[str, CalibrationRow]):
    from schema import Where

    if not isinstance(raw, list):
        raise PresetError(f"{where}: [[contracts]] must be a list of tables")
    if len(raw) > MAX_CONTRACTS:
        raise PresetError(f"{where}: at most {MAX_CONTRACTS} [[contracts]], got {len(raw):,}")
    for n, entry in enumerate(raw, 1):
        yield _parse_contract(Where(where, f"contract {n}", error=PresetError), entry, cal)


def _parse_contract(w: Any, entry: Any, cal: dict[str, CalibrationRow]) -> ScheduledContract:
    """One ``[[contracts]]`` table: every field typed, finite, in range, inside the horizon."""
    from schema import choice, month, number, text, whole

    if not isinstance(entry, dict):
        raise w.fail(None, "must be a table")
    bad = set(entry) - _CONTRACT_KEYS
    if bad:
        raise w.fail(None, f"unknown field {sorted(bad)[0]!r}; allowed: {sorted(_CONTRACT_KEYS)}")
    missing = [k for k in _CONTRACT_REQUIRED if k not in entry]
    if missing:
        raise w.fail(None, f"missing field {missing[0]!r}")
    cloud = choice(w, "cloud", entry["cloud"], CLOUDS)
    signed = month(w, "signed", entry["signed"])
    start = month(w, "start", entry["start"])
    if start <= signed:
        raise w.fail(None, "'start' must come after 'signed', both from 2024-01 on")
    term_max = int(PARAM_FIELDS["contract_term_months"].metadata["hi"])
    months = whole(
        w, "months", entry["months"], lo=1, hi=term_max, unit="months, as contract_term_months"
    )
    value = number(
        w, "value", entry["value"], lo=0, lo_open=True, hi=CONTRACT_VALUE_MAX, unit="US$ bn"
    )
    reason = text(w, "reason", entry["reason"]) if "reason" in entry else ""
    cite = _cite_of(w, entry["cite"], reason, cal)
    return ScheduledContract(cloud, signed, start, months, value, cite)
