"""Financing that binds (issue 19): construction and chips wait for a cloud's funding.

A cloud pays a month's construction instalments and chip deliveries only as far as its
free cash, the credit lenders would give it (the new capacity counted as collateral) and
its suppliers' vendor credit cover them; its customer may pay in advance from the
suppliers' milestone equity; what is left waits a month and its bills start later, and a
contract that waits ``max_build_wait_months`` is cancelled. ``financing_constraints=0``
switches the rule off, so each test of a mechanism is a counterfactual. At the presets'
central values lenders fund everything (the issue's proof at those values is a strict
xfail with the figures measured); at ``leverage_limit`` = 0.5, inside its plausible range,
funding binds and the suppliers' money changes when and how many chips are sold.
"""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from economy.ledger import PREPAID
from economy.observation import DefaultReason, EventKind
from ensemble.counterfactual import ARMS, counterfactual
from model import AIBubbleModel

ROOT = Path(__file__).resolve().parents[1]
TIGHT: dict[str, Any] = {
    "leverage_limit": 0.5
}  # inside the plausible range (0.4 to 0.9): funding binds
# neither channel: CoreWeave cannot fund the chips due in month 20 (September 2025)
BARE: dict[str, Any] = {**TIGHT, "vendor_credit_share": 0.0, "milestone_investment_per_gw": 0.0}


def run(preset: str, months: int, seed: int = 3, **params) -> AIBubbleModel:
    m = AIBubbleModel(rng=seed, preset=preset, **params)
    m.run_for(months)
    return m


def frame(m: AIBubbleModel):
    return m.datacollector.get_model_vars_dataframe()


def waiting_gw_months(m: AIBubbleModel) -> float:
    df = frame(m)
    return float(df[[c for c in df if c.startswith("waiting_gw_")]].sum(axis=1).sum())


def chips(m: AIBubbleModel):
    df = frame(m)
    return df["chip_revenue_nvidia"] + df["chip_revenue_amd"]


def events(m: AIBubbleModel, kind: EventKind) -> list:
    return [e for e in m.observation.event_log if e.kind is kind]


def first_default(m: AIBubbleModel, months: int) -> int:
    return min([f.default_month for f in m.firms if f.default_month is not None] or [months])


# ---------------------------------------------------------------------- the rule
def test_a_contract_a_cloud_cannot_fund_waits_and_keeps_its_full_term():
    m = AIBubbleModel(rng=1, preset="reported", **BARE)
    term: dict[int, int] = {}  # each contract's term when first seen (its own, for a dated deal)
    for _ in range(48):
        for c in m.contracting.contracts:
            term.setdefault(c.id, c.end - c.start)
        m.step()
    assert events(m, EventKind.BUILD_WAITS)
    delayed = [c for c in m.contracting.contracts if c.delay > 0 and c.cancelled is None]
    assert delayed
    for c in delayed:
        assert c.end - c.start == term.get(c.id, m.p.contract_term_months)
        if c.start < 48:  # its bills start where it now starts
            i = m.contracting.book.clouds[c.cloud]
            assert m.contracting.book.gw[i, c.start - 1] < m.contracting.book.gw[i, c.start]


def test_every_contract_in_service_paid_its_whole_capex_once():
    for lev in (0.75, 0.5, 0.4):
        m = run("reported", 96, seed=1, leverage_limit=lev, check_invariants=True)
        for c in m.contracting.contracts:
            if c.cancelled is None and 0 <= c.start < 96:
                assert c.built == pytest.approx(c.capex, rel=1e-9), (lev, c.id, c.delay)


def test_a_contract_that_waits_too_long_is_cancelled_and_its_construction_written_down():
    m = run("reported", 96, seed=1, leverage_limit=0.4, max_build_wait_months=6)
    cancelled = events(m, EventKind.BUILD_CANCELLED)
    assert cancelled
    assert all(e.fields["months"] == 6 for e in cancelled)
    assert all(c.delay <= 6 for c in m.contracting.contracts)
    assert any(e.fields["loss"] > 0.0 for e in cancelled)


def test_with_financing_constraints_off_nothing_waits():
    m = run("reported", 48, vendor_credit_share=0.0, financing_constraints=0, **TIGHT)
    assert not events(m, EventKind.BUILD_WAITS)
    assert not events(m, EventKind.PREPAYMENT)
    assert waiting_gw_months(m) == 0.0
    assert all(c.delay == 0 for c in m.contracting.contracts)


def test_waiting_instead_of_defaulting_a_cloud_short_of_funds_survives_longer():
    later = 0
    for seed in range(1, 9):
        on = run("reported", 96, seed=seed, leverage_limit=0.4)
        off = run("reported", 96, seed=seed, leverage_limit=0.4, financing_constraints=0)
        assert first_default(on, 96) >= first_default(off, 96), seed
        later += first_default(on, 96) > first_default(off, 96)
    assert later >= 7


def month_twenty(change, **kw) -> tuple[AIBubbleModel, AIBubbleModel]:
    """Two identical runs to August 2025; ``change`` applied to the second; one month more."""
    a = AIBubbleModel(rng=1, preset="reported", **{**BARE, **kw})
    b = AIBubbleModel(rng=1, preset="reported", **{**BARE, **kw})
    a.run_for(20)
    b.run_for(20)
    change(b)
    a.step()
    b.step()
    return a, b


def lend_half(m: AIBubbleModel) -> None:
    m.p = dataclasses.replace(m.p, vendor_credit_share=0.5)


def earmark(m: AIBubbleModel) -> None:
    # milestone equity received and not yet spent (NVIDIA's tranches start only in July
    # 2026: this tests the prepayment itself, in the month a cloud lacks the money)
    m.app.earmarked = 50.0


@pytest.mark.parametrize(
    "change", [lend_half, earmark], ids=["vendor credit", "prepaid milestone equity"]
)
def test_the_suppliers_money_lets_a_cloud_short_of_funds_take_its_chips(change):
    a, b = month_twenty(change)
    assert a.stats["waiting_gw_coreweave"] > 0.0  # without it CoreWeave's chips wait
    assert a.stats["chip_revenue_nvidia"] == 0.0
    assert b.stats["waiting_gw_coreweave"] == 0.0  # with it they are delivered
    assert b.stats["chip_revenue_nvidia"] > 1.0
    prepaid = [e for e in b.observation.event_log if e.kind is EventKind.PREPAYMENT]
    assert bool(prepaid) == (change is earmark)  # the earmarked equity is paid in advance


@pytest.mark.parametrize(
    "change", [lend_half, earmark], ids=["vendor credit", "prepaid milestone equity"]
)
def test_without_the_funding_rule_the_suppliers_money_sells_no_chip_sooner(change):
    a, b = month_twenty(change, financing_constraints=0)
    assert a.stats["chip_revenue_nvidia"] == b.stats["chip_revenue_nvidia"] > 1.0
    assert not [e for e in b.observation.event_log if e.kind is EventKind.PREPAYMENT]


def test_vendor_credit_raises_chip_sales_before_the_first_default_only_where_funding_binds():
    # the issue's proof at leverage_limit 0.5, on four seeds: more than 1% with the rule,
    # under 0.1% without (measured: +12% to +19% in reported, +6% to +25% in nortel)
    for preset in ("reported", "nortel"):
        for seed in (1, 2, 3, 4):
            a, b = chip_sales_before_first_default(
                preset, "vendor_credit_share", 0.0, 0.5, seed=seed, **TIGHT
            )
            assert b > 1.01 * a, (preset, seed)
            a, b = chip_sales_before_first_default(
                preset, "vendor_credit_share", 0.0, 0.5, seed=seed, financing_constraints=0, **TIGHT
            )
            assert abs(b / a - 1.0) < 0.001, (preset, seed)


def test_prepayments_never_exceed_the_milestone_equity_received():
    m = run("reported", 96, seed=1, leverage_limit=0.4)
    prepaid = events(m, EventKind.PREPAYMENT)
    assert prepaid
    for e in prepaid:
        received = sum(
            x.fields["amount"] for x in events(m, EventKind.MILESTONE) if x.month < e.month
        )
        paid = sum(x.fields["amount"] for x in prepaid if x.month <= e.month)
        assert paid <= received + 1e-9
    none = run("reported", 96, seed=1, leverage_limit=0.4, milestone_investment_per_gw=0.0)
    assert not events(none, EventKind.PREPAYMENT)  # the app company keeps its own cash


def test_a_prepayment_is_settled_against_the_next_compute_bills():
    m = AIBubbleModel(rng=1, preset="reported", leverage_limit=0.4, check_invariants=True)
    held: list[float] = []
    for _ in range(96):
        m.step()
        held.append(sum(m.ledger.claim(PREPAID, m.app.name, c.name) for c in m.clouds))
    paid = {e.month for e in events(m, EventKind.PREPAYMENT)}
    assert paid
    for month in range(1, 96):
        if month not in paid and not m.app.defaulted:  # no new prepayment: bills draw it down
            assert held[month] <= held[month - 1] + 1e-12
    drawn = [month for month in range(1, 96) if held[month] < held[month - 1] - 1e-9]
    assert drawn and min(drawn) > min(paid)
    assert min(held) >= 0.0


def test_a_cloud_keeps_the_prepayment_when_the_app_company_defaults():
    m = AIBubbleModel(rng=1, preset="reported", leverage_limit=0.4, check_invariants=True)
    while True:
        m.step()
        held = {c.name: m.ledger.claim(PREPAID, m.app.name, c.name) for c in m.clouds}
        if any(held.values()):
            break
    m.solvency.resolve_default(m.month, m.app, DefaultReason.ARREARS, {"months": 3})
    m.ledger.check()
    for cloud, x in held.items():
        if x > 0.0:  # the cloud keeps it: the app company's claim is set off, its worth rises
            assert m.ledger.claim(PREPAID, m.app.name, cloud) == pytest.approx(0.0, abs=1e-9)
            kept = m.ledger.account_this_period(cloud, "prepayment_retained")
            assert kept == pytest.approx(x)


# ---------------------------------------------------------------------- the issue's proof
def chip_sales_before_first_default(
    preset: str, name: str, lo: float, hi: float, seed: int = 3, **kw
):
    a = run(preset, 96, seed=seed, **{name: lo}, **kw)
    b = run(preset, 96, seed=seed, **{name: hi}, **kw)
    n = min(first_default(a, 96), first_default(b, 96))
    return chips(a)[:n].sum(), chips(b)[:n].sum()


@pytest.mark.xfail(
    strict=True,
    reason="measured at the presets' central values (seed 3): 0.00% for milestone equity and for "
    "vendor credit in reported and in nortel: lenders fund (almost) every instalment there "
    "(the new capacity is collateral), and what waits is sold before the first default all "
    "the same; at leverage_limit 0.5 vendor credit raises it (test above), and milestone "
    "equity starts in July 2026, after the first default there",
)
@pytest.mark.parametrize(
    "name, hi", [("milestone_investment_per_gw", 10.0), ("vendor_credit_share", 0.5)]
)
def test_the_issues_proof_at_the_central_values(name, hi):
    rises = []
    for preset in ("reported", "nortel"):
        a, b = chip_sales_before_first_default(preset, name, 0.0, hi)
        rises.append(b / a - 1.0)
    assert max(rises) > 0.01


# ---------------------------------------------------------------------- counterfactuals
def test_the_counterfactual_arms_draw_the_same_numbers():
    states: dict[str, list] = {name: [] for name in ARMS}

    def watch(arm: str, m: AIBubbleModel) -> None:
        states[arm].append(
            (
                m.rng_prices.bit_generator.state,
                m.rng_placement.bit_generator.state,
                None if m.app.defaulted else m.rng_demand.bit_generator.state,
            )
        )

    counterfactual("nortel", 3, 60, watch=watch)
    base = states["as run"]
    assert len(base) == 60
    for arm, seen in states.items():
        for month, (a, b) in enumerate(zip(base, seen, strict=True)):
            assert a[0] == b[0] and a[1] == b[1], (arm, month)
            if a[2] is not None and b[2] is not None:
                assert a[2] == b[2], (arm, month)


def test_multipliers_per_supplier_and_channel_and_nan_where_nothing_was_put_in():
    table = counterfactual("reported", 3, 72)
    assert set(table["channel"]) == {"equity", "vendor credit", "both"}
    vendor = table[table["channel"] == "vendor credit"]
    assert (vendor["put_in"] == 0.0).all()  # reported lends nothing on chips
    assert vendor["gross_multiplier"].isna().all()
    assert vendor["note"].str.contains("put nothing in").all()
    nvidia = table[(table["channel"] == "equity") & (table["supplier"] == "nvidia")].iloc[0]
    assert nvidia["put_in"] > 0.0
    assert math.isfinite(nvidia["gross_multiplier"]) and math.isfinite(nvidia["net_multiplier"])
    both = table[(table["channel"] == "both") & (table["supplier"] == "nvidia")].iloc[0]
    assert both["put_in"] == pytest.approx(nvidia["put_in"])  # nothing lent: equity only


def run_py(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """``python run.py ARGS`` in the project, its output captured."""
    return subprocess.run(
        [sys.executable, "run.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_run_counterfactual_prints_the_multipliers():
    out = run_py(
        "run", "--scenario", "reported", "--months", "36", "--seed", "3", "--counterfactual"
    )
    assert out.returncode == 0, out.stderr
    assert "Loop multipliers" in out.stdout
    assert "vendor credit" in out.stdout and "gross x" in out.stdout


def test_multipliers_command_refuses_bad_input_and_reports_ranges():
    bad = run_py("multipliers", "--scenario", "reported", "--draws", "0", timeout=120)
    assert bad.returncode == 2 and "--draws" in bad.stderr
    ok = run_py(
        "multipliers", "--scenario", "nortel", "--draws", "2", "--months", "36", "--workers", "1"
    )
    assert ok.returncode == 0, ok.stderr
    assert "2 draws of nortel" in ok.stdout and "NVIDIA" in ok.stdout
