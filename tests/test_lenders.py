"""Lenders with capital (issue 18): what they lend, what they charge, how they fail.

Behaviour tests on constructed cases and on short runs: a lender whose capital is gone
stops lending and fails, and its credit passes to its savers and is called as it falls
due; losses cut what a lender lends and raise what it charges; a data-centre lease
recovers from the data centres before unsecured claims share the rest; a fund gates
redemptions after losses; a firm raises no more than lenders have room for.
"""

from __future__ import annotations

import pytest

from economy.finance import credit_room, lender_premium, lender_room
from economy.ledger import (
    BOND,
    CAPACITY,
    FUND_UNITS,
    LEASE,
    LOAN,
    OTHER_ASSETS,
    ROW,
    Claim,
    NetWorth,
)
from economy.observation import DefaultReason
from economy.observation.clearing import STRANDED
from model import AIBubbleModel


def _lose(m: AIBubbleModel, lender: str, amount: float) -> None:
    """Book a loss on ``lender``'s net worth (its savers fund the hole)."""
    m.ledger.post(
        "write_off",
        (
            Claim(FUND_UNITS, ROW, lender, amount),
            NetWorth(lender, "write_off", -amount),
            NetWorth(ROW, "write_off", amount),
        ),
    )


# ---------------------------------------------------------------------- pure functions
def test_a_lenders_room_and_premium_follow_its_capital():
    assert lender_room(10.0, 50.0, 0.1) == pytest.approx(50.0)  # 10 / 0.1 - 50
    assert lender_room(10.0, 150.0, 0.1) == 0.0  # over its limit: nothing new
    assert lender_room(0.0, 0.0, 0.1) == lender_room(-5.0, 0.0, 0.1) == 0.0
    # nothing at twice the minimum ratio or more, the full premium at the minimum
    assert lender_premium(20.0, 100.0, 0.1, 0.02) == 0.0
    assert lender_premium(10.0, 100.0, 0.1, 0.02) == pytest.approx(0.02)
    assert lender_premium(15.0, 100.0, 0.1, 0.02) == pytest.approx(0.01)
    assert lender_premium(-1.0, 100.0, 0.1, 0.02) == pytest.approx(0.02)


def test_credit_room_is_the_firms_headroom_as_far_as_lenders_have_room():
    assert credit_room(100.0, [30.0, 20.0]) == pytest.approx(50.0)
    assert credit_room(40.0, [30.0, 20.0]) == pytest.approx(40.0)
    assert credit_room(40.0, []) == 0.0  # no lender would lend
    assert credit_room(-15.0, [30.0]) == -15.0  # above its limit: the excess, not room


# ---------------------------------------------------------------------- in a run
def test_losses_cut_what_a_lender_lends_and_raise_what_it_charges():
    m = AIBubbleModel(rng=1, preset="reported", collect=False)
    m.run_for(12)
    banks = m.lenders.by_name["banks"]
    room, premium = banks.room(), banks.premium()
    _lose(m, "banks", 0.5 * banks.capital())
    assert banks.room() < room
    # lend against a thin capital: the premium appears once capital / credit < 2 x minimum
    oracle = m.firms_by_name["oracle"]
    m.ledger.post(
        "lending",
        (
            Claim(LOAN, "banks", "oracle", 200.0),
            Claim(FUND_UNITS, ROW, "banks", 200.0),
            Claim("cash", "oracle", ROW, 200.0),
        ),
    )
    assert banks.premium() > premium
    assert m.lenders.rate_premium("banks", LOAN) == pytest.approx(banks.premium())
    bills = {h: a for _, h, a, _ in oracle.interest_bills()}
    assert bills["banks"] > 0.0


def test_a_lender_whose_capital_is_gone_stops_lending_and_fails():
    m = AIBubbleModel(rng=1, preset="reported", collect=False, check_invariants=True)
    m.run_for(12)
    banks = m.lenders.by_name["banks"]
    oracle = m.firms_by_name["oracle"]
    _lose(m, "banks", banks.capital() + 1.0)
    assert banks.room() == 0.0 and banks.lend(oracle, 5.0) == 0.0
    m.lenders.end_of_month(m.month)
    assert banks.failed_month == m.month and banks.defaulted
    assert banks.credit_out() == 0.0 and m.ledger.cash("banks") == 0.0
    assert m.ledger.claim(FUND_UNITS, ROW, "banks") == 0.0  # savers took what it had
    assert [e for e in m.observation.events if e.kind.value == "lender_failed"]
    m.ledger.check()
    m.run_for(3)  # the books still balance every month after a failure
    assert banks.lend(oracle, 5.0) == 0.0


def test_a_failed_lenders_credit_passes_to_its_savers_and_is_called_as_it_falls_due():
    m = AIBubbleModel(rng=1, preset="reported", collect=False, check_invariants=True)
    m.run_for(6)
    pc = m.lenders.by_name["private_credit"]
    held = m.ledger.holdings("private_credit", LEASE)
    assert held["coreweave"] > 0.0  # CoreWeave's opening debt
    # the loan book's schedule (reconciled with the ledger once a month)
    scheduled = m.loans.owed(("private_credit", LEASE, "coreweave"))
    _lose(m, "private_credit", pc.capital() + 1.0)
    assert m.lenders.end_of_month(m.month) == ["private_credit"]
    assert m.ledger.holdings("private_credit", LEASE) == {}
    for firm, v in held.items():
        assert m.ledger.claim(LEASE, ROW, firm) == pytest.approx(v)
    line = (ROW, LEASE, "coreweave")
    assert m.loans.owed(line) == pytest.approx(scheduled)  # its schedule passes on whole
    due = m.loans.due(line, m.month + 1)
    assert due > 0.0
    payable = m.ledger.claim("payable", ROW, "coreweave")
    m.lenders.run_off(m.month + 1, [m.firms_by_name["coreweave"]])
    called = held["coreweave"] - m.ledger.claim(LEASE, ROW, "coreweave")
    # what falls due becomes a bill (the schedule's due, as far as the ledger's claim goes:
    # the book is reconciled with the ledger once a month)
    assert called == pytest.approx(due, rel=0.01)
    assert m.ledger.claim("payable", ROW, "coreweave") == pytest.approx(payable + called)
    m.ledger.check()
    m.run_for(12)  # the run goes on: the called leases are paid or owed, books balance
    assert m.lenders.by_name["private_credit"].credit_out() == 0.0


def test_a_bank_lends_one_borrower_no_more_than_a_quarter_of_its_capital():
    m = AIBubbleModel(rng=1, preset="reported", collect=False)
    m.run_for(3)
    banks = m.lenders.by_name["banks"]
    oracle = m.firms_by_name["oracle"]
    cap = m.p.large_exposure_limit * banks.capital()
    assert banks.room() > cap  # its capital would carry more, the rule does not
    before = m.ledger.claim(LOAN, "banks", "oracle")
    lent = banks.lend(oracle, 10 * cap)
    assert 0.0 < lent <= cap - before + 1e-9
    after = m.ledger.claim(LOAN, "banks", "oracle")
    assert banks.room_for(oracle) == pytest.approx(max(0.0, min(banks.room(), cap - after)))
    assert after <= cap + 1e-9
    assert banks.room_for(m.firms_by_name["amazon"]) > 0.0


def test_a_lease_recovers_from_the_data_centres_before_unsecured_claims_share_the_rest():
    m = AIBubbleModel(rng=1, preset="reported", collect=False, check_invariants=True)
    m.run_for(30)
    cw = m.firms_by_name["coreweave"]
    assert not cw.defaulted
    ledger = m.ledger
    lease = ledger.claim(LEASE, "private_credit", "coreweave")
    assert lease > 0.0
    # a bond beside the lease, so both kinds are owed when it defaults
    ledger.post(
        "lending",
        (
            Claim(BOND, "bond_investors", "coreweave", 30.0),
            Claim("cash", "coreweave", ROW, 30.0),
            Claim("cash", "bond_investors", ROW, -30.0),
        ),
    )
    bond = ledger.claim(BOND, "bond_investors", "coreweave")
    # each lender holds one kind of claim on it: what it recovers is the cash it is paid
    # in the default and what is left of its claim once the rest is written off
    cash = {h: ledger.cash(h) for h in ("private_credit", "bond_investors")}
    m.solvency.resolve_default(m.month, cw, DefaultReason.ARREARS, {"months": 3})

    def recovered(holder: str, kind: str, face: float) -> float:
        paid = ledger.cash(holder) - cash[holder]
        return (paid + ledger.claim(kind, holder, "coreweave")) / face

    lease_back = recovered("private_credit", LEASE, lease)
    bond_back = recovered("bond_investors", BOND, bond)
    assert lease_back > bond_back  # secured on the data centres: it recovers more
    ledger.check()


def test_a_fund_gates_redemptions_after_write_offs_not_after_marks():
    m = AIBubbleModel(rng=1, preset="reported", collect=False)
    m.run_for(12)  # month 11 closes a quarter
    pc = m.lenders.by_name["private_credit"]
    pc.written_off = pc.queued = 0.0
    m.lenders.end_of_month(m.month)  # nothing written off: nobody asks
    assert pc.queued == 0.0
    capital = pc.capital()
    _lose(m, "private_credit", 0.4 * capital)  # a write-off this month
    pc.written_off = 0.0
    left = pc.capital()
    m.lenders.end_of_month(m.month)
    p = m.p
    asked = p.redemption_per_loss_private_credit * 0.4 * capital
    paid = min(asked, p.redemption_gate * left)  # the gate: a share of capital a quarter
    assert pc.queued == pytest.approx(asked - paid)
    assert pc.capital() == pytest.approx(left - paid, rel=1e-6)
    gated = [e for e in m.observation.events if e.kind.value == "fund_gated"]
    assert gated and gated[-1].fields["queued"] == pytest.approx(pc.queued)
    assert pc.room() < lender_room(pc.capital(), pc.credit_out(), pc.min_capital_ratio) + 1e-9


def test_bond_investors_cannot_fail_and_private_credit_funds_only_clouds():
    m = AIBubbleModel(rng=1, preset="reported", collect=False)
    m.run_for(6)
    bonds = m.lenders.by_name["bond_investors"]
    pc = m.lenders.by_name["private_credit"]
    assert not bonds.levered and pc.levered
    _lose(m, "bond_investors", bonds.capital() + 10.0)
    assert m.lenders.end_of_month(m.month) == [] and bonds.failed_month is None
    assert not pc.serves(m.firms_by_name["nvidia"]) and pc.serves(m.firms_by_name["oracle"])
    assert not bonds.serves(m.app)


def test_lenders_capital_limits_a_clouds_financing_room():
    rich = AIBubbleModel(rng=1, preset="reported", collect=False)
    thin = AIBubbleModel(
        rng=1,
        preset="reported",
        collect=False,
        lender_capital_bond_investors=0.0,
        lender_capital_banks=0.0,
        lender_capital_private_credit=0.0,
    )
    rich.run_for(2)
    thin.run_for(2)
    oracle_rich = rich.firms_by_name["oracle"]
    oracle_thin = thin.firms_by_name["oracle"]
    assert thin.lenders.credit_room(oracle_thin) <= 0.0 < rich.lenders.credit_room(oracle_rich)
    assert oracle_thin.financing_room(2) < oracle_rich.financing_room(2)


# ---------------------------------------------------------------------- issuance
def _short(m: AIBubbleModel, firm: str, amount: float) -> None:
    """Leave ``firm`` a bill ``amount`` above its cash (short of funds)."""
    ledger = m.ledger
    ledger.accrue("capex", firm, ROW, ledger.cash(firm) + amount, "construction")
    ledger.settle_all("settle", firm, {ROW: ledger.cash(firm)})


def test_a_cloud_short_of_funds_sells_shares_to_willing_funds_within_a_yearly_cap():
    m = AIBubbleModel(rng=1, preset="reported", collect=False, check_invariants=True)
    m.run_for(12)
    cw = m.firms_by_name["coreweave"]
    ledger = m.ledger
    _short(m, "coreweave", 0.5)
    m.market.log_returns["coreweave"].append(0.5)  # a rising quarter: trend followers buy too
    shares = ledger.shares_outstanding("coreweave")
    value = m.equity_investors.value_base["coreweave"]
    cap = m.p.equity_issue_max_share * ledger.market_cap("coreweave")
    need = max(0.5, -cw.financing_room(m.month)) / (1.0 - m.p.equity_issue_cost)
    wanted = sum(m.equity_investors.subscriptions("coreweave", min(need, cap)).values())
    raised = cw.raise_equity()
    assert raised == pytest.approx(wanted) and 0.5 < raised <= cap + 1e-9
    assert ledger.shares_outstanding("coreweave") > shares  # dilution
    fee = m.p.equity_issue_cost * raised
    assert ledger.account_this_period("coreweave", "issuance_cost") == pytest.approx(-fee)
    # the funds count the cash it kept in its value: holders are not diluted by the price
    assert m.equity_investors.value_base["coreweave"] == pytest.approx(value + raised - fee)
    issued = [e for e in m.observation.events if e.kind.value == "equity_issue"]
    assert issued and issued[-1].fields["amount"] == pytest.approx(raised)
    assert cw.pay_bills() == pytest.approx(0.0)  # the sale paid what was due
    ledger.check()
    # too soon after its last sale: short again, it sells nothing
    _short(m, "coreweave", 0.1)
    assert cw.raise_equity() == 0.0
    # after the gap, what it sold in the last 12 months counts against the cap
    cw.issues = [(m.month - m.p.equity_issue_gap_months, cap)]
    assert cw.raise_equity() == 0.0
    cw.issues = [(m.month - 12, cap)]  # a year ago: the cap is free again
    assert cw.raise_equity() > 0.0
    # a cloud with nothing due and room to spare sells nothing
    assert m.firms_by_name["microsoft"].raise_equity() == 0.0


def test_no_share_sale_that_cannot_save_the_cloud_or_after_a_crash():
    m = AIBubbleModel(rng=1, preset="reported", collect=False, check_invariants=True)
    m.run_for(12)
    cw = m.firms_by_name["coreweave"]
    cap = m.p.equity_issue_max_share * m.ledger.market_cap("coreweave")
    _short(m, "coreweave", 2.0 * cap)  # more than any sale could pay: no buyer
    assert cw.raise_equity() == 0.0
    assert not [e for e in m.observation.events if e.kind.value == "equity_issue"]

    crashed = AIBubbleModel(rng=1, preset="reported", collect=False)
    crashed.run_for(12)
    _short(crashed, "coreweave", 0.5)
    crashed.market.log_returns["coreweave"].append(-1.0)  # shares down 63% this month
    assert crashed.market.drawdown("coreweave") > crashed.p.credit_crunch_drawdown
    assert crashed.firms_by_name["coreweave"].raise_equity() == 0.0  # the window is shut


def test_the_app_company_draws_its_committed_revolver_and_a_breached_covenant_calls_it():
    m = AIBubbleModel(rng=1, preset="reported", collect=False, check_invariants=True)
    m.run_for(6)
    app = m.app
    ledger = m.ledger
    limit = m.p.revolver_limit
    assert app.facility() == pytest.approx(limit)
    # committed: the banks lend on it even after its shares crashed
    m.market.log_returns["openai"].append(-1.0)
    assert m.market.drawdown("openai") > m.p.credit_crunch_drawdown
    lent = m.lenders.lend(app, 2 * limit)  # it asks for more than the facility
    assert lent == pytest.approx(limit) and app.facility() == pytest.approx(0.0)
    assert ledger.claim(LOAN, "banks", "openai") == pytest.approx(limit)
    assert m.lenders.by_name["bond_investors"].lend(app, 1.0) == 0.0  # it issues no bonds
    # the covenant: cash under the minimum closes the facility and calls what is drawn
    cash = ledger.cash("openai")
    ledger.accrue("fixed_costs", "openai", ROW, cash, "fixed_costs")
    ledger.settle_all("settle", "openai", {ROW: cash})
    assert app.cash + (app.facility() or 0.0) < m.p.revolver_min_liquidity
    assert app.check_covenant(m.month) == pytest.approx(limit)
    assert app.revolver_closed and app.facility() == 0.0
    assert ledger.claim("payable", "banks", "openai") == pytest.approx(limit)
    assert m.lenders.lend(app, 1.0) == 0.0
    ledger.check()


def test_share_sales_and_prepayments_follow_the_equity_of_the_going_concern_not_the_books():
    """A loss that turns book equity negative leaves the franchise: shares still sell.

    Going-concern equity is book equity plus what the market paid at opening above book
    (``CloudProvider.franchise``); only a loss beyond it shuts share sales and prepayments.
    """
    opening = AIBubbleModel(rng=1, preset="reported", collect=False)
    cw0 = opening.firms_by_name["coreweave"]
    ledger0 = opening.ledger
    premium = ledger0.market_cap("coreweave") - ledger0.book_equity("coreweave")
    assert cw0.franchise == pytest.approx(max(0.0, premium)) and cw0.franchise > 0.0

    def after_a_loss(beyond_franchise: bool) -> tuple[float, bool, float]:
        m = AIBubbleModel(rng=1, preset="reported", collect=False, check_invariants=True)
        m.run_for(30)  # its first data centres are in service
        cw = m.firms_by_name["coreweave"]
        ledger = m.ledger
        m.market.log_returns["coreweave"].append(0.5)  # a rising quarter: every fund buys
        book = ledger.book_equity("coreweave")
        # a loss on its assets: book equity to -1 (or to 1 below minus its franchise)
        loss = book + 1.0 + (cw.franchise if beyond_franchise else 0.0)
        for kind in (CAPACITY, OTHER_ASSETS):
            x = min(loss, ledger.real("coreweave", kind))
            ledger.book_real("impairment", "coreweave", kind, -x, "impairment")
            loss -= x
        assert loss == 0.0
        ledger.check()
        assert ledger.book_equity("coreweave") < 0.0 and not cw.bills_due()
        prepaid = cw._fit_for_prepayment()  # before it is short: only its value can refuse
        _short(m, "coreweave", 0.5)
        return cw.going_concern_equity(), prepaid, cw.raise_equity()

    value, prepaid, raised = after_a_loss(beyond_franchise=False)
    assert value > 0.0 and prepaid and raised > 0.5  # a valuable business: it sells
    value, prepaid, raised = after_a_loss(beyond_franchise=True)
    assert value < 0.0 and raised == 0.0 and not prepaid  # worth less than its debts: no buyer


def test_a_write_down_lowers_the_funds_value_of_a_cloud_and_the_sale_buyers_will_take():
    """Stranded capacity written down in the month of the news: buyers see the loss.

    The funds' value of the cloud falls by the write-down (``EquityInvestors.written_down``,
    the mirror of ``paid_in``), and a share sale is sized on the lower of the market value
    and that value, not on a price that has not caught up with the loss.
    """
    m = AIBubbleModel(rng=2, preset="nortel", collect=False, check_invariants=True)
    investors = m.equity_investors
    while not m.app.defaulted:
        base = dict(investors.value_base)
        issues = len(m.firms_by_name["oracle"].issues)
        m.step()
    (c,) = [x for x in m.observation.cascades if x.firm == m.app.name]
    stranded = c.losses["oracle"][STRANDED]
    oracle = m.firms_by_name["oracle"]
    paid = sum(
        (1.0 - m.p.equity_issue_cost) * a for _, a in oracle.issues[issues:]
    )  # what it kept from a sale this month
    assert stranded > 0.0
    assert investors.value_base["oracle"] == pytest.approx(base["oracle"] + paid - stranded)

    # a sale sized on the funds' value when it is below the market value
    def sale(value_share: float) -> float:
        m2 = AIBubbleModel(rng=1, preset="reported", collect=False, check_invariants=True)
        m2.run_for(30)
        cw = m2.firms_by_name["coreweave"]
        cap = m2.ledger.market_cap("coreweave")
        m2.market.log_returns["coreweave"].append(0.5)  # a rising quarter: every fund buys
        cw.financing_room = lambda month: -cap  # type: ignore[method-assign]  # short of funds
        cw.issues = []  # no sale of late
        m2.equity_investors.fundamental["coreweave"] = value_share * cap
        raised = cw.raise_equity()
        assert 0.0 < raised <= m2.p.equity_issue_max_share * value_share * cap + 1e-9
        return raised

    assert sale(0.2) < sale(1.0)  # a loss the price lags: buyers take less


def test_a_clouds_loop_revenue_as_valued_falls_at_once_when_its_contracts_are_cancelled():
    """The funds value a cloud on this month's billing when it is below the 3-month mean."""
    m = AIBubbleModel(rng=2, preset="nortel", collect=False)
    while not m.app.defaulted:
        m.step()
    m.step()  # the month after: the app company's contracts bill nothing
    obs = m.observation
    hist = obs.loop_revenue_hist["oracle"]
    assert sum(hist[-3:]) / 3 > 0.0  # the trailing mean still holds the months before
    assert obs.loop_revenue("oracle") == 0.0
    assert obs.loop_revenue("nvidia") == pytest.approx(
        sum(obs.loop_revenue_hist["nvidia"][-3:]) / 3
    )
