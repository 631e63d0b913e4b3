"""Counterfactual loop multipliers: what the suppliers' money going round the loop causes.

    uv run python run.py run --scenario reported --seed 3 --counterfactual

One run is repeated with the same parameters and seed in four more arms: without NVIDIA's
milestone equity (``milestone_investment_per_gw`` = 0), without AMD's warrants
(``amd_warrant_shares`` = 0), without vendor credit (``vendor_credit_share`` = 0, both
suppliers: one parameter) and without all three. The arms draw the same random numbers
for each purpose (common random numbers, docs/model.md §3), so what differs between them
is caused by the channel switched off, not by luck.

For each supplier and channel (its equity for deployment, vendor credit, both) the
report gives:

- **$ put in** (in the run as asked): the milestone cash it invested, or the fair value
  of its warrants at vesting, plus for vendor credit the credit it extended, US$ bn over
  the months run;
- the **gross multiplier**: its extra chip revenue (the run less the arm without the
  channel) per dollar put in, the extra months of sales a longer-lived loop brings
  included; the **margin multiplier**: the gross margin on it per dollar;
- the **net multiplier**: the change in the supplier's net worth at the end (the run
  less the arm) per dollar put in. It nets the money paid out against what it bought and
  includes everything else the channel changed for the supplier: for equity the
  issue's (extra gross margin + change in the value of its stake - $ put in) / $ put in
  with its other stakes' revaluations at the end; for vendor credit a loan repaid is not
  money lost, a write-off is;
- **months of the app company's survival bought**: its default month in the run less in
  the arm, marked as a lower or upper bound where it survives the months run in one arm;
- beside them, the tag-based **circularity** of the supplier's chip receipts (the mean of
  ``circularity_<supplier>`` over the months it is defined), an accounting measure of
  where money came from, not of what it caused.

Vendor credit is switched off for both suppliers together, so its rows measure the joint
effect on each supplier (noted). Where a supplier put nothing in through a channel the
multipliers are NaN, with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from economy.observation import EventKind
from economy.observation.names import LABELS
from model import AIBubbleModel

NVIDIA_OFF: dict[str, float] = {"milestone_investment_per_gw": 0.0}
AMD_OFF: dict[str, float] = {"amd_warrant_shares": 0.0}
VENDOR_OFF: dict[str, float] = {"vendor_credit_share": 0.0}
ARMS: dict[str, dict[str, float]] = {
    "as run": {},
    "no milestone equity": NVIDIA_OFF,
    "no warrants": AMD_OFF,
    "no vendor credit": VENDOR_OFF,
    "none": {**NVIDIA_OFF, **AMD_OFF, **VENDOR_OFF},
}
# the arm without each supplier's equity for deployment (its own rule only)
EQUITY_ARM = {"nvidia": "no milestone equity", "amd": "no warrants"}
CHANNELS: dict[str, str] = {  # channel -> the arm without it (equity: per supplier)
    "equity": "",
    "vendor credit": "no vendor credit",
    "both": "none",
}
COLUMNS = [
    "supplier",
    "channel",
    "put_in",
    "extra_chip_revenue",
    "gross_multiplier",
    "margin_multiplier",
    "net_multiplier",
    "survival_months",
    "survival_bound",
    "circularity",
    "note",
]


@dataclass(frozen=True)
class Arm:
    """What one arm's run gives the measures."""

    chip_revenue: Mapping[str, float]  # supplier -> chip revenue over the months, US$ bn
    net_worth: Mapping[str, float]  # supplier -> net worth at the end, US$ bn
    equity_in: Mapping[str, float]  # supplier -> milestone cash + warrants at vesting
    vendor_in: Mapping[str, float]  # supplier -> vendor credit extended
    circularity: Mapping[str, float]  # supplier -> mean circularity of its chip receipts
    app_default: int | None  # month the app company defaulted, if it did
    months: int


def run_arm(
    preset: str | None,
    seed: int,
    months: int,
    params: Mapping[str, Any],
    watch: Callable[[AIBubbleModel], None] | None = None,
) -> Arm:
    """Run one arm month by month; ``watch`` (if given) sees the model after each month."""
    model = AIBubbleModel(rng=seed, preset=preset, **params)
    for _ in range(months):
        model.step()
        if watch is not None:
            watch(model)
    return read_arm(model, months)


def read_arm(model: AIBubbleModel, months: int) -> Arm:
    """What the measures need of a model run ``months`` months with its columns collected."""
    df = model.datacollector.get_model_vars_dataframe()
    names = [s.name for s in model.suppliers]
    equity_in = dict.fromkeys(names, 0.0)
    for e in model.observation.event_log:
        if e.kind is EventKind.MILESTONE:
            equity_in[e.fields["supplier"]] += e.fields["amount"]
        elif e.kind is EventKind.WARRANT:
            equity_in[e.fields["issuer"]] += e.fields["value"]
    circ = {}
    for s in names:
        col = f"circularity_{s}"
        defined = df[f"{col}_defined"] == 1 if f"{col}_defined" in df else df[col].notna()
        values = df.loc[defined, col]
        circ[s] = float(values.mean()) if len(values) else math.nan
    return Arm(
        chip_revenue={s: float(df[f"chip_revenue_{s}"].sum()) for s in names},
        net_worth={s: model.ledger.net_worth(s) for s in names},
        equity_in=equity_in,
        vendor_in={s: float(df[f"vendor_credit_{s}"].sum()) for s in names},
        circularity=circ,
        app_default=model.app.default_month if model.app.defaulted else None,
        months=months,
    )


def measure(arms: Mapping[str, Arm], margins: Mapping[str, float]) -> pd.DataFrame:
    """The multipliers table from the arms' results (``ARMS``' keys).

    ``margins``: each supplier's gross margin (its extra chip revenue's margin is the
    ``margin_multiplier``'s numerator).
    """
    base = arms["as run"]
    rows = []
    for channel, arm_name in CHANNELS.items():
        for s in base.chip_revenue:
            arm = arms[arm_name or EQUITY_ARM.get(s, "none")]
            eq, vc = base.equity_in[s], base.vendor_in[s]
            put_in = {"equity": eq, "vendor credit": vc, "both": eq + vc}[channel]
            extra = base.chip_revenue[s] - arm.chip_revenue[s]
            survival, bound = _survival(base, arm)
            note = ""
            if put_in > 1e-9:
                gross = extra / put_in
                margin = margins.get(s, 0.0) * extra / put_in
                net = (base.net_worth[s] - arm.net_worth[s]) / put_in
            else:
                gross = margin = net = math.nan
                note = f"{LABELS.get(s, s)} put nothing in through {channel}"
            if channel == "vendor credit":
                note = "; ".join(x for x in (note, "both suppliers' vendor credit off") if x)
            rows.append(
                {
                    "supplier": s,
                    "channel": channel,
                    "put_in": put_in,
                    "extra_chip_revenue": extra,
                    "gross_multiplier": gross,
                    "margin_multiplier": margin,
                    "net_multiplier": net,
                    "survival_months": survival,
                    "survival_bound": bound,
                    "circularity": base.circularity[s],
                    "note": note,
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def _survival(base: Arm, arm: Arm) -> tuple[float, str]:
    """Months of the app company's survival the channel bought, and whether it is a bound.

    A run in which the app company survives the months run counts them all: the figure is
    then a lower bound (it survives with the channel) or an upper bound (without it).
    """
    b = base.app_default if base.app_default is not None else base.months
    a = arm.app_default if arm.app_default is not None else arm.months
    if base.app_default is None and arm.app_default is None:
        return 0.0, "both survive"
    if base.app_default is None:
        return float(b - a), "lower"
    if arm.app_default is None:
        return float(b - a), "upper"
    return float(b - a), ""


def counterfactual(
    preset: str | None = "reported",
    seed: int = 42,
    months: int = 120,
    watch: Callable[[str, AIBubbleModel], None] | None = None,
    as_run: AIBubbleModel | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Run the five arms of one run and return the multipliers per supplier and channel.

    ``params`` override the preset's values in every arm; the arms then switch their
    channels off. ``watch(arm, model)``, if given, sees each arm's model after each month.
    ``as_run``: the run as asked, already run ``months`` months with these parameters and
    seed (``run.py run --counterfactual``'s own run), read instead of run again.
    """
    from params import Params

    results = {}
    for name, off in ARMS.items():
        if name == "as run" and as_run is not None:
            results[name] = read_arm(as_run, months)
            continue
        w = None if watch is None else (lambda m, n=name: watch(n, m))
        results[name] = run_arm(preset, seed, months, {**params, **off}, w)
    p = Params.from_preset(preset, **params)
    return measure(results, {s: p.firm("gross_margin", s) for s in results["as run"].chip_revenue})


def legend(table: pd.DataFrame) -> str:
    """The multipliers as a text table, with what each column means."""
    shown = table.assign(supplier=[LABELS.get(s, s) for s in table["supplier"]])
    text = shown.to_string(
        index=False,
        float_format=lambda x: f"{x:,.2f}",
        columns=COLUMNS,
        header=[
            "supplier",
            "channel",
            "$ put in (bn)",
            "extra chip revenue (bn)",
            "gross x",
            "margin x",
            "net x",
            "survival (months)",
            "bound",
            "circularity",
            "note",
        ],
    )
    return "\n".join(
        [
            "Loop multipliers: the run against the same seed and parameters without each "
            "channel (common random numbers)",
            text,
            "$ put in: milestone cash or warrants at vesting (equity), vendor credit extended; "
            "gross x: extra chip revenue per $ put in; margin x: its gross margin per $; net "
            "x: change in the supplier's net worth per $ put in; survival: months the channel "
            "kept the app company alive (bound: the app company outlived the run in one arm); "
            "circularity: the accounting measure (share of chip receipts tagged as the "
            "supplier's own money), not an effect. docs/model.md §7.17",
        ]
    )
