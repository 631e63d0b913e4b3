"""Default on liquidity, and the maintenance covenants lenders waive or enforce.

A firm defaults when it misses payments past the grace period, not when its book equity
turns negative; bank loans and data-centre leases carry covenants tested each quarter,
and each lender waives or enforces a breach according to its own capital.
"""

from __future__ import annotations

import pytest

from economy.finance import COVERAGE, LEVERAGE, covenant_breach
from economy.ledger import CAPACITY, LEASE, LEVERAGE_DEBT, LOAN, PAYABLE
from model import AIBubbleModel


def kinds(m: AIBubbleModel, firm: str) -> list[tuple[int, str, str]]:
    return [
        (e.month, e.kind.value, e.fields.get("lender", ""))
        for e in m.observation.events
        if e.kind.value.startswith("covenant") and e.firm == firm
    ]


def test_the_covenant_test_reads_leverage_then_coverage():
    assert covenant_breach(10.0, 1.0, 50.0, 6.0, 2.0) is None  # 5x, covered 10x
    assert covenant_breach(10.0, 1.0, 70.0, 6.0, 2.0) == LEVERAGE  # 7x
    assert covenant_breach(10.0, 6.0, 50.0, 6.0, 2.0) == COVERAGE  # covered 1.7x
    assert covenant_breach(-1.0, 0.0, 1.0, 6.0, 2.0) == LEVERAGE  # debt and no cash flow
    assert covenant_breach(-5.0, 3.0, 0.0, 6.0, 2.0) is None  # no debt, no covenant


def test_negative_book_equity_with_cash_to_pay_is_no_default():
    m = AIBubbleModel(rng=1, preset="reported")
    m.run_for(12)
    oracle = m.firms_by_name["oracle"]
    equity = m.ledger.book_equity("oracle")
    # a write-down that leaves Oracle's books under water and its cash untouched
    m.ledger.book_real("test", "oracle", CAPACITY, -(equity + 10.0), "impairment")
    assert m.ledger.book_equity("oracle") < 0.0 < m.ledger.cash("oracle")
    assert m.solvency.end_of_month(m.month, m.firms) == []
    assert not oracle.defaulted
    m.run_for(3)  # it keeps paying (and may sell shares: its franchise is intact): no default
    assert not oracle.defaulted
    # bills unpaid past the grace period are a default
    oracle.months_in_arrears = m.p.arrears_grace_months + 1
    oracle.pay_bills = lambda: 1.0  # type: ignore[method-assign]  # a firm that cannot pay
    assert m.solvency.end_of_month(m.month, m.firms) == ["oracle"]
    defaults = [e for e in m.observation.events if e.firm == "oracle" and "reason" in e.fields]
    assert [e.fields["reason"].value for e in defaults] == ["arrears"]


def test_bonds_and_spv_leases_carry_no_covenant_on_the_tenant():
    """Oracle's debt is above the covenant's cap from the start, in bonds and SPV leases.

    Only a bank loan is tested; private credit's covenants are on the firms whose opening
    debt it holds (CoreWeave's direct lending).
    """
    m = AIBubbleModel(rng=1, preset="reported")
    lenders = m.lenders.by_name
    assert not lenders["bond_investors"].covenants_on("oracle")
    assert not lenders["private_credit"].covenants_on("oracle")
    assert lenders["private_credit"].covenants_on("coreweave")
    assert lenders["banks"].covenants_on("oracle")
    first_bank_loan = None
    for _ in range(48):
        m.step()
        if m.ledger.creditors("oracle", LOAN) and first_bank_loan is None:
            first_bank_loan = m.month
        if m.month == 11:
            operating, _, months = m.observation.trailing_year("oracle")
            debt = m.ledger.debt_owed("oracle", LEVERAGE_DEBT)
            assert months == 12 and debt > m.p.covenant_max_leverage * operating
    assert m.ledger.creditors("oracle", LEASE)  # SPV leases by then, untested
    events = kinds(m, "oracle")
    assert all(first_bank_loan is not None and t >= first_bank_loan for t, _, _ in events)


def test_a_well_capitalised_lender_waives_a_breach_not_cured_in_a_quarter():
    m = AIBubbleModel(rng=1, preset="reported")
    m.run_for(4)  # the first quarterly test, in April 2024: a breach, a quarter to cure it
    assert kinds(m, "coreweave") == [(3, "covenant_breach", "")]
    m.run_for(3)  # still in breach at the next test: the lender decides
    events = kinds(m, "coreweave")
    assert events == [(3, "covenant_breach", ""), (6, "covenant_waived", "private_credit")]
    assert m.ledger.claim(LEASE, "private_credit", "coreweave") > 0.0  # the lease stands
    assert m.lenders.creditworthy("coreweave")
    m.run_for(3)  # a breach goes on: no second waiver event
    assert kinds(m, "coreweave") == events


def test_a_lender_with_thin_capital_enforces_and_the_line_falls_due():
    # no stress premium at all: the waiver reads the lender's capital, not its pricing
    m = AIBubbleModel(rng=1, preset="reported", lender_stress_premium=0.0)
    m.run_for(6)
    pc = m.lenders.by_name["private_credit"]
    # the same lender, its capital now under twice its minimum share of its credit
    pc.min_capital_ratio = 0.6 * pc.capital() / pc.credit_out()
    assert not pc.waives()
    lease = m.ledger.claim(LEASE, "private_credit", "coreweave")
    bills = m.ledger.claim(PAYABLE, "private_credit", "coreweave")
    credit, capital = pc.credit_out(), pc.capital()
    assert lease > 0.0
    m.lenders.in_breach["coreweave"] = 1  # a breach not cured since the last test
    m.lenders.test_covenants(6, m.firms)
    # the called line is still its credit until repaid: its capital ratio does not jump
    assert pc.credit_out() == pytest.approx(credit)
    # (the bill is at face: only the line's small mark-down goes)
    assert pc.capital() == pytest.approx(capital, rel=1e-3)
    assert m.ledger.claim(LEASE, "private_credit", "coreweave") == 0.0
    assert m.ledger.claim(PAYABLE, "private_credit", "coreweave") == pytest.approx(bills + lease)
    assert m.loans.owed(("private_credit", LEASE, "coreweave")) == 0.0
    assert "coreweave" in pc.called  # no new credit from it this month
    enforced = [e for e in m.observation.events if e.kind.value == "covenant_enforced"]
    assert enforced[-1].fields["amount"] == pytest.approx(lease)
    m.ledger.check()
    # cross-default: no lender extends new credit to it until a test finds the breach cured
    cw = m.firms_by_name["coreweave"]
    assert not m.lenders.creditworthy("coreweave")
    assert not any(x.will_lend(cw) for x in m.lenders.all)
    assert m.lenders.lend(cw, 1.0) == 0.0
    # the next test finds no covenanted credit left (it was called), but the called bill
    # is unpaid: the bar stands, whatever the ratios say
    m.observation.credit.flows["coreweave"][-12:] = [(100.0, 0.0, 0.0, 0.0)] * 12
    m.lenders.test_covenants(9, m.firms)
    assert not m.lenders.creditworthy("coreweave")
    # repaid, and a test that finds no breach: lenders lend again
    owed = m.ledger.claim(PAYABLE, "private_credit", "coreweave")
    m.ledger.pay("test", "rest_of_world", "coreweave", owed + 1.0, "other_income", "other_income")
    m.ledger.settle_all("settle", "coreweave", {"private_credit": owed})
    m.lenders.test_covenants(12, m.firms)
    assert m.lenders.creditworthy("coreweave")


def test_an_insolvent_firm_that_does_not_cover_its_interest_is_not_refinanced():
    m = AIBubbleModel(rng=1, preset="reported")
    m.run_for(12)
    oracle = m.firms_by_name["oracle"]
    bonds = m.lenders.by_name["bond_investors"]
    assert m.lenders.creditworthy("oracle") and bonds.will_lend(oracle)
    equity = m.ledger.book_equity("oracle")
    m.ledger.book_real("test", "oracle", CAPACITY, -(equity + 10.0), "impairment")
    operating, interest, _ = m.observation.trailing_year("oracle")
    assert operating >= interest  # insolvent on its books, but it covers its interest
    assert m.lenders.creditworthy("oracle")
    # a year of cash flow that no longer covers its interest
    flows = m.observation.credit.flows["oracle"]
    flows[-12:] = [(0.0, i, p, c) for _, i, p, c in flows[-12:]]
    assert not m.lenders.creditworthy("oracle") and not bonds.will_lend(oracle)
    line = ("bond_investors", "bond", "oracle")
    due = m.loans.due(line, 12)
    bills = m.ledger.claim(PAYABLE, "bond_investors", "oracle")
    assert due > 0.0
    m.lenders.mature_loans(12, [oracle])  # what falls due is called, not rolled
    assert m.ledger.claim(PAYABLE, "bond_investors", "oracle") == pytest.approx(bills + due)


def test_covenants_are_tested_only_at_a_quarters_start():
    m = AIBubbleModel(rng=1, preset="reported")
    m.run_for(30)
    months = {e[0] for f in ("coreweave", "oracle") for e in kinds(m, f)}
    assert months and all(t % 3 == 0 and t > 0 for t in months)


def test_a_thin_lender_enforces_in_the_credit_crunch_and_nobody_defaults_on_book_equity():
    """In the crunch private credit's capital is thin: it enforces CoreWeave's covenant.

    It does so in most runs, and every default is a missed payment.
    """
    enforced_runs = 0
    for seed in range(6):
        m = AIBubbleModel(rng=seed, preset="credit-crunch", collect=False)
        m.run_for(120)
        events = m.observation.events
        enforced = [e for e in events if e.kind.value == "covenant_enforced"]
        enforced_runs += bool(enforced)
        reasons = {e.fields["reason"].value for e in events if e.kind.value == "default"}
        assert reasons <= {"arrears"}
        for e in enforced:  # each enforcement follows a breach a quarter or more before
            breaches = [
                b.month for b in events if b.kind.value == "covenant_breach" and b.firm == e.firm
            ]
            assert any(e.month - 3 >= t for t in breaches)
    assert enforced_runs >= 3
