"""Spreads and Minsky classes (economy/finance.py, economy/observation/credit.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from economy.finance import (
    Minsky,
    credit_spread,
    equity_volatility,
    first_passage_pd,
    minsky_class,
    normal_cdf,
    structural_spread,
)
from model import AIBubbleModel
from params import FIRMS

BASE = {
    "lgd": 0.6,
    "years": 5.0,
    "commitment_share": 0.5,
    "concentration_spread": 0.03,
}


def test_first_passage_without_drift_is_the_reflection_principle():
    sigma, years, v, b = 0.3, 2.0, 100.0, 70.0
    expected = 2.0 * normal_cdf(math.log(b / v) / (sigma * math.sqrt(years)))
    assert first_passage_pd(v, b, sigma, years, drift=0.0) == pytest.approx(expected, rel=1e-12)


def test_first_passage_matches_a_simulation_with_drift():
    rng = np.random.default_rng(7)
    v, b, sigma, years, steps, paths = 100.0, 60.0, 0.45, 3.0, 600, 20_000
    dt = years / steps
    shocks = rng.standard_normal((paths, steps))
    log_path = np.cumsum(-(sigma**2 / 2) * dt + sigma * math.sqrt(dt) * shocks, axis=1)
    hit = (log_path.min(axis=1) <= math.log(b / v)).mean()
    # discrete monitoring misses some crossings: the closed form is a little above
    pd = first_passage_pd(v, b, sigma, years)
    assert hit <= pd <= hit + 0.03


def test_pd_bounds_and_monotonicity():
    assert first_passage_pd(100.0, 0.0, 0.3, 5.0) == 0.0
    assert first_passage_pd(50.0, 60.0, 0.3, 5.0) == 1.0
    pds = [first_passage_pd(100.0, b, 0.3, 5.0) for b in (20.0, 40.0, 60.0, 80.0)]
    assert pds == sorted(pds) and pds[0] < pds[-1] < 1.0
    by_vol = [first_passage_pd(100.0, 60.0, s, 5.0) for s in (0.1, 0.3, 0.6)]
    assert by_vol == sorted(by_vol)


def test_barrier_uncertainty_is_creditgrades_and_gives_a_short_horizon_spread():
    v, b, sigma = 300.0, 100.0, 0.2
    assert first_passage_pd(v, b, sigma, 0.25) < 1e-6  # a far barrier: no default soon
    pd = first_passage_pd(v, b, sigma, 0.25, uncertainty=0.3)
    assert pd > 1e-4
    # CreditGrades' survival at lambda -> 0 is Black-Cox's
    assert first_passage_pd(v, b, sigma, 5.0, uncertainty=1e-9) == pytest.approx(
        first_passage_pd(v, b, sigma, 5.0), rel=1e-6
    )
    # the barrier's uncertainty by simulation: B exp(lambda Z - lambda^2 / 2)
    rng = np.random.default_rng(3)
    lam, years, steps, paths = 0.3, 1.0, 250, 20_000
    barrier = b * np.exp(lam * rng.standard_normal(paths) - lam**2 / 2)
    dt = years / steps
    shocks = rng.standard_normal((paths, steps))
    log_v = math.log(v) + np.cumsum(-(sigma**2 / 2) * dt + sigma * math.sqrt(dt) * shocks, 1)
    hit = (log_v.min(axis=1) <= np.log(barrier)).mean()
    assert hit <= first_passage_pd(v, b, sigma, years, uncertainty=lam) <= hit + 0.02


def test_credit_spread_of_certain_default_and_of_none():
    assert credit_spread(0.0, 0.6, 5.0) == 0.0
    assert credit_spread(1.0, 0.6, 1.0) == pytest.approx(-math.log(0.4))
    assert credit_spread(0.1, 0.6, 5.0) == pytest.approx(-math.log(1 - 0.06) / 5)


def test_a_spread_rises_with_leverage_and_with_concentration():
    def spread(debt: float, concentration: float) -> float:
        return structural_spread(100.0, debt, 0.0, 0.5, concentration=concentration, **BASE)

    by_debt = [spread(d, 0.0) for d in (10.0, 50.0, 100.0, 300.0, 3000.0)]
    assert by_debt == sorted(by_debt) and by_debt[-1] > by_debt[0]
    by_conc = [spread(50.0, c) for c in (0.0, 0.3, 0.9)]
    assert by_conc == sorted(by_conc)
    leverage = 50.0 / 150.0  # the premium scales with B / V
    assert by_conc[2] - by_conc[0] == pytest.approx(0.9 * BASE["concentration_spread"] * leverage)
    # a firm that owes nothing owes no premium for its customers
    assert structural_spread(100.0, 0.0, 0.0, 0.5, concentration=0.9, **BASE) == 0.0
    # commitments count in the barrier by their share
    with_commitments = structural_spread(100.0, 50.0, 100.0, 0.5, concentration=0.0, **BASE)
    assert with_commitments == pytest.approx(spread(100.0, 0.0))


def test_minsky_classes_on_constructed_cash_flows():
    assert minsky_class(10.0, 2.0, 3.0, 4.0) is Minsky.HEDGE
    assert minsky_class(7.0, 2.0, 3.0, 4.0) is Minsky.SPECULATIVE  # no principal
    assert minsky_class(5.0, 2.0, 3.0, 4.0) is Minsky.PONZI  # not interest and commitments
    assert minsky_class(-1.0, 0.5, 0.0, 0.0) is Minsky.PONZI
    assert minsky_class(-1.0, 0.0, 0.0, 0.0) is Minsky.HEDGE  # nothing due: not Ponzi
    assert minsky_class(0.0, 0.0, 0.0, 0.0) is Minsky.HEDGE


def test_equity_volatility_annualises_the_last_year():
    returns = [0.1, -0.1] * 10
    assert equity_volatility(returns, 0.03) == pytest.approx(
        np.std(returns[-12:], ddof=1) * 12**0.5
    )
    assert equity_volatility([0.2], 0.03) == pytest.approx(0.03 * 12**0.5)  # too few: the floor
    assert equity_volatility([0.001, -0.001, 0.0], 0.03) == pytest.approx(0.03 * 12**0.5)


class _Books:
    """Two firms' books as a ledger reads them (what Credit reads, and nothing else)."""

    def __init__(self, caps, debts, accounts, chips):
        self.caps, self.debts = caps, debts
        self.period_accounts = accounts
        self.period_flows = chips

    def market_cap(self, name):
        return self.caps[name]

    def debt_owed(self, name):
        return self.debts[name]

    def creditors(self, name, kind):
        return {}


class _Firm:
    def __init__(self, name):
        self.name, self.defaulted = name, False


def _credit_of(books, returns):
    from economy.observation.credit import Credit
    from params import Params

    firms = [_Firm("oracle"), _Firm("coreweave")]
    credit = Credit(Params(), books, lambda m: 0.0, firms, returns)
    for month in range(12):
        credit.record(month)
    return credit


def test_swapping_two_firms_books_swaps_their_spreads():
    """No per-firm constant: swap every input of two firms and their spreads swap."""
    caps = {"oracle": 400.0, "coreweave": 30.0}
    debts = {"oracle": 120.0, "coreweave": 25.0}
    accounts = {
        ("oracle", "compute"): 1.0,
        ("oracle", "other_income"): 9.0,
        ("coreweave", "compute"): 3.0,
        ("coreweave", "other_income"): 0.5,
    }
    returns = {"oracle": [0.02, -0.03, 0.01] * 4, "coreweave": [0.2, -0.25, 0.1] * 4}
    one = _credit_of(_Books(caps, debts, accounts, {}), returns)
    swap = {"oracle": "coreweave", "coreweave": "oracle"}
    swapped_accounts = {(swap[a], k): v for (a, k), v in accounts.items()}
    two = _credit_of(
        _Books(
            {swap[k]: v for k, v in caps.items()},
            {swap[k]: v for k, v in debts.items()},
            swapped_accounts,
            {},
        ),
        {swap[k]: v for k, v in returns.items()},
    )
    assert one.spread["oracle"] != one.spread["coreweave"]
    assert (
        one.spread["coreweave"] > one.spread["oracle"]
    )  # more leverage, volatility, concentration
    assert two.spread["oracle"] == pytest.approx(one.spread["coreweave"], rel=1e-12)
    assert two.spread["coreweave"] == pytest.approx(one.spread["oracle"], rel=1e-12)
    assert two.cds5y["oracle"] == pytest.approx(one.cds5y["coreweave"], rel=1e-12)


@pytest.mark.parametrize("preset", ["reported", "nortel"])
def test_spread_and_class_columns_are_finite_and_a_default_prices_as_one(preset):
    m = AIBubbleModel(rng=1, preset=preset)
    m.run_for(120)
    df = m.datacollector.get_model_vars_dataframe()
    for f in FIRMS:
        for col in (f"spread_{f}", f"cds5y_{f}"):
            assert np.isfinite(df[col]).all() and (df[col] >= 0).all()
        assert set(df[f"minsky_{f}"].unique()) <= {0, 1, 2}
    defaulted = [f for f in m.firms if f.defaulted]
    if preset == "nortel":
        assert defaulted  # the replay of 2000 ends in defaults on this seed
    for f in defaulted:
        after = df[f"spread_{f.name}"].iloc[f.default_month]
        assert after == pytest.approx(1e4 * credit_spread(1.0, m.p.loss_given_default, 1.0))
    # the app company burning cash on take-or-pay bills is Ponzi while it does
    assert (df["minsky_openai"].iloc[12:24] == int(Minsky.PONZI)).all()


def test_the_spread_checks_read_their_figures_from_data_and_measure_runs():
    from calibration.out_of_sample import assumed_ranges, evaluate_spreads, spread_checks
    from params import param_info

    figures = {c.column: c.figure for c in spread_checks()}
    assert figures == {"cds5y_oracle": 140.0, "cds5y_coreweave": 881.0}  # data/realised.csv
    ranges = assumed_ranges()
    assert "concentration_spread" in ranges and "loss_given_default" not in ranges  # reported
    assert all(param_info(n)["provenance"] == "assumed" for n in ranges)
    results = evaluate_spreads(seeds=1, draws=6)
    for c, mid, lo, hi, dead in results:
        assert math.isfinite(mid) and mid >= 0.0 and 0.0 <= dead <= 1.0
        if dead < 1.0:  # the band is over the draws in which the firm stands
            assert 0.0 <= lo <= hi < 1e4 * credit_spread(1.0, 0.6, 5.0)
        assert c.firm in FIRMS


def test_loans_float_at_the_base_rate_plus_last_months_spread():
    m = AIBubbleModel(rng=1, preset="reported")
    m.run_for(24)
    cw = m.firms_by_name["coreweave"]
    spread = m.observation.spread("coreweave")
    assert spread > 0.0  # measured at the end of last month
    expected = (1.0 + m.p.interest_rate + spread) ** (1.0 / 12.0) - 1.0
    assert cw.loan_rate_now == pytest.approx(expected) and cw.loan_rate_now > cw.loan_rate
    # each line pays that plus what its holder adds: a lease's premium, a thin lender's
    bills = {holder: amount for _, holder, amount, _ in cw.interest_bills()}
    lines = {
        (h, kind): v
        for kind in ("loan", "lease", "bond")
        for h, v in m.ledger.creditors("coreweave", kind).items()
    }
    assert set(bills) == {h for h, _ in lines} >= {"private_credit"}
    for (holder, kind), principal in lines.items():
        annual = m.p.interest_rate + spread + m.lenders.rate_premium(holder, kind)
        assert bills[holder] == pytest.approx(principal * ((1.0 + annual) ** (1 / 12) - 1.0))
    assert m.lenders.rate_premium("private_credit", "lease") >= m.p.lease_premium > 0.0
    assert bills["private_credit"] / lines[("private_credit", "lease")] > expected
    # with spreads switched off (no concentration premium, no barrier uncertainty, no
    # loss in default) a loan costs the base rate alone
    flat = AIBubbleModel(rng=1, preset="reported", loss_given_default=0.0, concentration_spread=0.0)
    flat.run_for(24)
    assert flat.observation.spread("coreweave") == 0.0
    assert (
        flat.firms_by_name["coreweave"].loan_rate_now == flat.firms_by_name["coreweave"].loan_rate
    )


def test_the_loan_book_follows_the_ledger_and_keeps_due_dates():
    from economy.finance import LoanBook

    book = LoanBook(term=10)
    line = ("banks", "loan", "oracle")
    book.open(line, 100.0)
    assert book.due(line, 3) == pytest.approx(30.0)  # laddered: 10 a month
    assert book.due_within("oracle", 3, 12) == pytest.approx(70.0)
    book.reconcile(line, 120.0, 5)  # new lending: due a term later
    assert book.tranches[line][-1] == [pytest.approx(20.0), 15.0]
    book.reconcile(line, 60.0, 5)  # half repaid: every tranche halves
    assert book.owed(line) == pytest.approx(60.0)
    assert book.due(line, 3) == pytest.approx(15.0)
    assert book.roll(line, 3) == pytest.approx(15.0)
    assert book.due(line, 3) == 0.0 and book.due(line, 13) > 0.0
    gone = book.retire(line, 6)
    assert gone > 0.0 and book.owed(line) == pytest.approx(60.0 - gone)
    book.reconcile(line, 0.0, 7)  # written off
    assert book.owed(line) == 0.0


def test_a_crunch_calls_maturing_loans_and_a_willing_lender_rolls_them():
    m = AIBubbleModel(rng=1, preset="reported")
    m.run_for(3)
    oracle = m.firms_by_name["oracle"]
    line = ("bond_investors", "bond", "oracle")
    due = m.loans.due(line, 3)
    assert due > 0.0  # the opening debt falls due a part each month
    owed = m.ledger.claim("bond", "bond_investors", "oracle")
    m.lenders.mature_loans(3, [oracle])  # lenders lend to Oracle: rolled over
    assert m.ledger.claim("bond", "bond_investors", "oracle") == pytest.approx(owed)
    assert m.loans.due(line, 3) == 0.0
    m.loans.tranches[line][0][1] = 4.0  # a tranche due next month, in a crunch
    m.loans.changed(line)
    m.market.log_returns["oracle"] += [-0.5, -0.5]  # shares down 63%: lenders turn away
    part = m.loans.due(line, 4)  # that tranche and the ladder's part for month 4
    bills = m.ledger.claim("payable", "bond_investors", "oracle")
    m.lenders.mature_loans(4, [oracle])
    assert m.ledger.claim("bond", "bond_investors", "oracle") == pytest.approx(owed - part)
    assert m.ledger.claim("payable", "bond_investors", "oracle") == pytest.approx(bills + part)
    called = [e for e in m.observation.events if e.kind.value == "loan_called"]
    assert called and called[-1].fields["amount"] == pytest.approx(part)
    bonds = m.lenders.by_name["bond_investors"]
    assert "oracle" in bonds.called  # no new credit this month to pay the called one
    m.lenders.start_month()  # next month: the bar is lifted
    assert bonds.called == set()


def test_debt_due_columns_and_speculative_finance_show_in_a_run():
    m = AIBubbleModel(rng=1, preset="reported")
    m.run_for(36)
    df = m.datacollector.get_model_vars_dataframe()
    assert (df["debt_due_12m_oracle"] > 0.0).all()
    assert (df["debt_due_12m_openai"] == 0.0).all()  # the app company does not borrow
    # principal falling due that operating cash does not cover: speculative finance
    assert (df["minsky_oracle"] == int(Minsky.SPECULATIVE)).any()
