"""The ledger: balanced postings only, invariants that catch writes that bypass it."""

import pytest

from economy.ledger import (
    CAPACITY,
    CASH,
    EQUITY,
    LOAN,
    PAYABLE,
    ROW,
    Claim,
    Ledger,
    LedgerError,
    NetWorth,
    Real,
)


def make_ledger() -> Ledger:
    ledger = Ledger({"a": "firms", "b": "firms", "bank": "investors"})
    ledger.post(
        "opening",
        (
            Claim(CASH, "a", ROW, 10.0),
            Claim(CASH, "b", ROW, 5.0),
            Claim(CASH, "bank", ROW, 50.0),
            NetWorth("a", "opening", 10.0),
            NetWorth("b", "opening", 5.0),
            NetWorth("bank", "opening", 50.0),
            NetWorth(ROW, "opening", -65.0),
        ),
    )
    ledger.start_period()
    return ledger


def test_balanced_posting_moves_cash_and_keeps_invariants():
    ledger = make_ledger()
    ledger.pay("sale", "a", "b", 3.0, "sales", "sales")
    assert ledger.cash("a") == pytest.approx(7.0)
    assert ledger.cash("b") == pytest.approx(8.0)
    ledger.check()


def test_both_sides_of_a_flow_must_book_it_to_the_same_row():
    # rows of the flow matrix are accounts: a sale booked as "purchases" by the buyer and
    # "sales" by the seller leaves two rows that do not sum to zero
    ledger = make_ledger()
    ledger.pay("sale", "a", "b", 3.0, "purchases", "sales")
    with pytest.raises(LedgerError, match="transaction-flow matrix: purchases"):
        ledger.check()


def test_unbalanced_posting_is_refused_and_changes_nothing():
    ledger = make_ledger()
    with pytest.raises(LedgerError, match="does not balance for a"):
        ledger.post("bad", (Claim(CASH, "a", ROW, 1.0),))
    assert ledger.cash("a") == 10.0
    ledger.check()


def test_unknown_agent_and_non_finite_amounts_are_refused():
    ledger = make_ledger()
    with pytest.raises(LedgerError, match="unknown agent"):
        ledger.post("bad", (Claim(CASH, "ghost", ROW, 1.0), NetWorth("ghost", "x", 1.0)))
    with pytest.raises(LedgerError, match="non-finite"):
        ledger.post("bad", (Claim(CASH, "a", ROW, float("nan")), NetWorth("a", "x", 1.0)))
    with pytest.raises(LedgerError, match="unknown real asset"):
        ledger.post("bad", (Real("a", "gold", 1.0), NetWorth("a", "x", 1.0)))


def test_accrual_then_partial_settlement_leaves_a_payable():
    ledger = make_ledger()
    ledger.accrue("bill", "a", "b", 12.0, "compute")
    paid = ledger.settle_all("settle", "a", {"b": ledger.cash("a")})
    assert paid == pytest.approx(10.0)
    assert ledger.payable("a", "b") == pytest.approx(2.0)
    assert ledger.book_equity("a") == pytest.approx(-2.0)
    ledger.check()


def test_revaluation_is_zero_sum_and_outside_the_flow_matrix():
    ledger = make_ledger()
    ledger.set_price("a", 2.0)
    ledger.post(
        "equity_round",
        (
            Claim(CASH, "bank", ROW, -4.0),
            Claim(CASH, "a", ROW, 4.0),
            Claim(EQUITY, "bank", "a", 4.0),
        ),
    )
    assert ledger.shares("bank", "a") == pytest.approx(2.0)
    tfm_before = ledger.flow_matrix()
    worth_before = ledger.net_worth("bank") + ledger.net_worth("a")
    ledger.set_price("a", 5.0)
    assert ledger.claim(EQUITY, "bank", "a") == pytest.approx(10.0)
    assert ledger.net_worth("bank") + ledger.net_worth("a") == pytest.approx(worth_before)
    assert ledger.flow_matrix() == tfm_before
    ledger.check()


def test_flow_matrix_rows_and_columns_sum_to_zero():
    ledger = make_ledger()
    ledger.post(
        "lending",
        (
            Claim(LOAN, "bank", "a", 20.0),
            Claim(CASH, "bank", ROW, -20.0),
            Claim(CASH, "a", ROW, 20.0),
        ),
    )
    ledger.post(
        "capex",
        (Claim(CASH, "a", ROW, -15.0), Real("a", CAPACITY, 15.0), NetWorth(ROW, "capex", 15.0)),
    )
    ledger.accrue("interest", "a", "bank", 0.5, "interest")
    rows: dict[str, float] = {}
    cols: dict[str, float] = {}
    for (row, col), v in ledger.flow_matrix().items():
        rows[row] = rows.get(row, 0.0) + v
        cols[col] = cols.get(col, 0.0) + v
    assert rows and cols
    assert all(abs(v) < 1e-12 for v in rows.values())
    assert all(abs(v) < 1e-12 for v in cols.values())
    ledger.check()


def test_check_catches_a_write_that_bypassed_the_ledger():
    ledger = make_ledger()
    ledger._claims[(CASH, "a", ROW)] += 1.0  # what scattered `self.cash += x` would do
    with pytest.raises(LedgerError, match="assets - liabilities - net worth"):
        ledger.check()


def test_check_catches_a_negative_claim():
    ledger = make_ledger()
    ledger.pay("overdraft", "a", ROW, 11.0, "spend", "spend")
    with pytest.raises(LedgerError, match="negative claim"):
        ledger.check()


def test_paying_the_rest_of_the_world_is_income_on_its_side():
    ledger = make_ledger()
    ledger.pay("wages", "a", ROW, 4.0, "wages", "wages")
    assert ledger.net_worth_accounts(ROW)["wages"] == pytest.approx(4.0)
    assert ledger.cash("a") == pytest.approx(6.0)
    ledger.check()


def test_a_claim_on_oneself_is_refused():
    ledger = make_ledger()
    with pytest.raises(LedgerError, match="on itself"):
        ledger.post("bad", (Claim(PAYABLE, "a", "a", 1.0),))


def tagged_ledger() -> Ledger:
    ledger = make_ledger()
    assert ledger.cash_tags("a") == {"a": 10.0}  # opening cash is the agent's own money
    return ledger


def tag_totals(ledger: Ledger) -> dict[str, float]:
    out: dict[str, float] = {}
    for agent in ("a", "b", "bank"):
        for tag, v in ledger.cash_tags(agent).items():
            out[tag] = out.get(tag, 0.0) + v
    return out


def test_a_payment_carries_the_payers_mix_and_conserves_every_tag():
    ledger = tagged_ledger()
    ledger.pay("sale", "a", "b", 4.0, "sales", "sales")
    before = tag_totals(ledger)
    ledger.pay("sale", "b", "bank", 9.0, "sales", "sales")  # b holds 4 a-tagged, 5 b-tagged
    got = ledger.tagged_received("sale", "b", "bank")
    assert got["a"] == pytest.approx(9.0 * 4.0 / 9.0)
    assert got["b"] == pytest.approx(9.0 * 5.0 / 9.0)
    after = tag_totals(ledger)
    for tag in before:
        assert after[tag] == pytest.approx(before[tag])
    ledger.check()


def test_a_financing_flow_is_restamped_with_the_financier_tag():
    ledger = tagged_ledger()
    ledger.pay("sale", "a", "bank", 5.0, "sales", "sales")  # bank now holds some a-tagged cash
    ledger.set_price("b", 1.0)
    ledger.post(
        "equity_round",
        (
            Claim(CASH, "bank", ROW, -20.0),
            Claim(CASH, "b", ROW, 20.0),
            Claim(EQUITY, "bank", "b", 20.0),
        ),
    )
    assert ledger.tagged_received("equity_round", "bank", "b") == {"bank": pytest.approx(20.0)}
    assert sum(ledger.cash_tags("bank").values()) == pytest.approx(ledger.cash("bank"))
    ledger.check()


def test_money_from_outside_is_tagged_rest_of_world_and_payments_out_leave_the_stock():
    ledger = tagged_ledger()
    ledger.pay("revenue", ROW, "a", 6.0, "revenue", "revenue")
    assert ledger.cash_tags("a")[ROW] == pytest.approx(6.0)
    ledger.pay("wages", "a", ROW, 8.0, "wages", "wages")  # takes 8/16 of each tag
    tags = ledger.cash_tags("a")
    assert tags["a"] == pytest.approx(5.0)
    assert tags[ROW] == pytest.approx(3.0)
    ledger.check()


def test_check_catches_tags_that_do_not_sum_to_cash():
    ledger = tagged_ledger()
    ledger.tags["a"]["a"] += 1.0
    with pytest.raises(LedgerError, match="provenance tags sum"):
        ledger.check()


def test_a_defaults_payout_is_in_the_periods_cash_flows():
    ledger = make_ledger()
    ledger.transfer("lending", "bank", "a", 20.0, Claim(LOAN, "bank", "a", 20.0))
    ledger.accrue("bill", "a", ROW, 4.0, "costs")
    ledger.start_period()
    ledger.pay_claim("default_payout", "a", LOAN, "bank", 12.0)
    ledger.pay_claim("default_payout", "a", PAYABLE, ROW, 3.0)
    assert ledger.claim(LOAN, "bank", "a") == pytest.approx(8.0)
    assert ledger.cash("a") == pytest.approx(15.0) and ledger.cash("bank") == pytest.approx(42.0)
    assert ledger.period_cash[("default_payout", "a", "bank")] == pytest.approx(12.0)
    assert ledger.period_cash[("default_payout", "a", ROW)] == pytest.approx(3.0)
    ledger.check()
