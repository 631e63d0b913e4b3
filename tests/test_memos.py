"""Figures kept between changes (speed) equal the figures computed afresh.

The loan book keeps each line's sum and market value, lenders keep their capital and
credit out while the ledger's ``version`` is unchanged, the market keeps each firm's
drawdown, and the parameters keep their hash. Each memo is checked here against the same
figure computed without it, after every kind of change that should drop it.
"""

from __future__ import annotations

import math
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from economy.finance import LoanBook
from economy.ledger import CREDIT, PAYABLE
from model import AIBubbleModel
from params import Params

LINES = [("banks", "loan", "oracle"), ("banks", "loan", "coreweave"), ("bonds", "bond", "oracle")]


def fresh_owed(book: LoanBook, line: tuple[str, str, str]) -> float:
    return sum(a for a, _ in book.tranches.get(line, []))


def fresh_value(book: LoanBook, line: tuple[str, str, str], month: int, spread: float) -> float:
    tranches = book.tranches.get(line, [])
    if spread <= 0.0:
        return sum(a for a, _ in tranches)
    return sum(a * math.exp(-spread * max(0.0, d - month) / 12.0) for a, d in tranches)


ops = st.lists(
    st.tuples(
        st.sampled_from(["open", "reconcile", "roll", "retire", "transfer", "read"]),
        st.integers(0, len(LINES) - 1),
        st.floats(0.0, 200.0),
        st.integers(0, 30),
        st.floats(0.0, 0.3),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_the_loan_books_memos_equal_fresh_sums_after_any_change(steps):
    book = LoanBook(term=6)
    for op, i, amount, month, spread in steps:
        line = LINES[i]
        if op == "open":
            book.open(line, amount)
        elif op == "reconcile":
            book.reconcile(line, amount, month)
        elif op == "roll":
            book.roll(line, month)
        elif op == "retire":
            book.retire(line, month)
        elif op == "transfer":
            book.transfer(line[0], "rest_of_world")
        for holder in {x[0] for x in LINES} | {"rest_of_world"}:
            assert book.lines(holder) == sorted(k for k in book.tranches if k[0] == holder)
        for x in book.tranches:
            assert book.owed(x) == fresh_owed(book, x)  # the same sum, in the same order
            assert book.market_value(x, month, spread) == fresh_value(book, x, month, spread)


def test_memos_hold_every_month_of_a_run_with_defaults():
    """Each month, lenders' capital and credit, the drawdowns, match fresh computations."""
    m = AIBubbleModel(rng=3, preset="nortel", check_invariants=False, collect=False)
    versions = []
    for _ in range(60):
        m.step()
        versions.append(m.ledger.version)
        book = m.loans
        cds = m.observation.cds5y
        for lender in m.lenders.all:
            mark = sum(
                max(0.0, fresh_owed(book, line) - fresh_value(book, line, m.month, cds(line[2])))
                for line in sorted(k for k in book.tranches if k[0] == lender.name)
            )
            assert lender.mark_down() == mark
            assert lender.capital() == m.ledger.book_equity(lender.name) - mark
            face = sum(sum(m.ledger.holdings(lender.name, k).values()) for k in (*CREDIT, PAYABLE))
            assert lender.credit_out() == face
        for name, returns in m.market.log_returns.items():
            level = peak = 0.0
            for r in returns[-12:]:
                level += r
                peak = max(peak, level)
            assert m.market.drawdown(name) == 1.0 - math.exp(level - peak)
    assert versions == sorted(set(versions))  # every month writes to the ledger
    assert m.observation.n_defaults > 0  # the run went through defaults


def test_a_ledger_write_drops_a_lenders_capital():
    m = AIBubbleModel(rng=1, preset="reported")
    m.run_for(12)
    banks = m.lenders.by_name["banks"]
    before = banks.capital()
    version = m.ledger.version
    m.ledger.pay("test", "rest_of_world", "banks", 5.0, "other_income", "other_income")
    assert m.ledger.version > version
    assert banks.capital() == pytest.approx(before + 5.0)


def test_the_parameters_hash_is_kept_and_not_pickled():
    p = Params.from_preset("reported")
    h = hash(p)
    assert hash(p) == h == hash(Params.from_preset("reported"))
    assert "_hash" not in pickle.loads(pickle.dumps(p)).__dict__  # noqa: S301 - our own bytes
    assert p.replace(leverage_limit=0.5) != p
    assert "_hash" not in p.replace(leverage_limit=0.5).__dict__
