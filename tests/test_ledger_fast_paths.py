"""The ledger's fast paths give, to the last bit, what posting their legs one by one gives.

``pay``, ``transfer``, ``accrue_many``, ``settle_all``, ``repay_pro_rata``, ``reclassify``,
``book_real``, ``purchase`` and ``move_real`` apply their
postings without building legs (issue 16). A twin ledger that builds the legs and posts them
through the checked ``post`` (and the general ``_move_tags``) must end every step with the
same balances, provenance tags and flow statistics, compared with ``==``.
"""

import numpy as np
import pytest

from economy import ledger as legs_of
from economy.ledger import (
    CAPACITY,
    CASH,
    CIP,
    EQUITY,
    FUND_UNITS,
    LOAN,
    PAYABLE,
    ROW,
    Claim,
    Ledger,
    Leg,
    NetWorth,
)

AGENTS = ("a", "b", "c", "bank", "fund")


class Checked(Ledger):
    """The reference: every posting's legs built and posted through ``post``."""

    def pay(self, flow, payer, payee, amount, payer_account=None, payee_account=None):
        """Post the payment's legs."""
        if amount == 0.0:
            return
        self.post(flow, legs_of._pay_legs(payer, payee, amount, payer_account, payee_account))
        self.period_cash[(flow, payer, payee)] += amount

    def transfer(self, flow, payer, payee, amount, counter):
        """Post the transfer's legs."""
        self.post(flow, legs_of._transfer_legs(payer, payee, amount, counter))
        self.period_cash[(flow, payer, payee)] += amount

    def accrue_many(self, flow, bills):
        """Post the bills' legs."""
        legs = legs_of._bill_legs(bills)
        if legs:
            self.post(flow, legs)

    def settle_all(self, flow, debtor, amounts):
        """Post the settlement's legs."""
        total = 0.0
        paid_to = []
        for creditor in sorted(amounts):
            paid = min(amounts[creditor], self.payable(debtor, creditor))
            if paid <= 0.0:
                continue
            total += paid
            paid_to.append((creditor, paid))
        if not paid_to:
            return 0.0
        self.post(flow, legs_of._settle_legs(debtor, paid_to, total))
        for creditor, paid in paid_to:
            self.period_cash[(flow, debtor, creditor)] += paid
        return total

    def reclassify(self, flow, holder, issuer, from_kind, to_kind, amount):
        """Post the reclassification's legs."""
        self.post(flow, legs_of._reclassify_legs(holder, issuer, from_kind, to_kind, amount))

    def book_real(self, flow, agent, kind, amount, account):
        """Post the real asset's legs."""
        self.post(flow, legs_of._real_legs(agent, kind, amount, account))

    def purchase(self, flow, buyer, seller, kind, amount, account):
        """Post the purchase's legs."""
        self.post(flow, legs_of._purchase_legs(buyer, seller, kind, amount, account))

    def move_real(self, flow, agent, from_kind, to_kind, amount):
        """Post the move's legs."""
        self.post(flow, legs_of._move_real_legs(agent, from_kind, to_kind, amount))

    def repay_pro_rata(self, flow, debtor, kind, at_most):
        """Post the repayment's legs."""
        held = self.creditors(debtor, kind)
        owed = sum(held.values())
        if owed <= 0.0:
            return
        amount = min(at_most, owed)
        parts = [(h, amount * v / owed) for h, v in sorted(held.items())]
        self.post(flow, legs_of._repay_legs(debtor, kind, amount, parts))
        for holder, v in held.items():
            self.period_cash[(flow, debtor, holder)] += amount * v / owed


def opened(cls):
    ledger = cls(dict.fromkeys(AGENTS, "firms"))
    cash = {"a": 10.0, "b": 5.0, "c": 0.0, "bank": 50.0, "fund": 7.0}
    legs: list[Leg] = [Claim(CASH, n, ROW, x) for n, x in cash.items() if x]
    legs += [NetWorth(n, "opening", x) for n, x in cash.items() if x]
    legs.append(NetWorth(ROW, "opening", -sum(cash.values())))
    ledger.post("opening", legs)
    for n in AGENTS:
        ledger.set_price(n, 1.0 + AGENTS.index(n) / 3.0)
    return ledger


def state(ledger):
    return (
        dict(ledger._claims),
        {a: dict(m) for a, m in ledger.tags.items()},
        {k: dict(v) for k, v in ledger.period_tagged.items()},
        dict(ledger.period_cash),
        dict(ledger.period_accounts),
        {a: ledger.net_worth_accounts(a) for a in ledger.sectors},
        {(a, k): ledger.real(a, k) for a in ledger.sectors for k in (CIP, CAPACITY)},
        ledger.flow_matrix(),
        [ledger.shares_outstanding(a) for a in AGENTS],
    )


def pick(rnd, items, n):
    """``n`` distinct items, drawn by ``rnd``."""
    return [items[int(i)] for i in rnd.choice(len(items), size=n, replace=False)]


def one_step(rnd, ledger, step):
    """Apply one random operation, the same for both ledgers when ``rnd`` is in the same state."""
    parties = (*AGENTS, ROW)
    op = int(rnd.integers(8))
    x = [float(rnd.uniform(0.01, 20.0)), float(rnd.uniform(0.0, 1e-6)), 3.0][int(rnd.integers(3))]
    if op == 0:
        payer, payee = pick(rnd, parties, 2)
        flow = pick(rnd, ("sale", "settle", "lending", "other_income"), 1)[0]
        ledger.pay(flow, payer, payee, x, "acc", "acc")
    elif op == 1:
        bills = [
            (d, c, float(rnd.uniform(0.0, 5.0)), pick(rnd, ("compute", "interest"), 1)[0])
            for d, c in (pick(rnd, parties, 2) for _ in range(int(rnd.integers(1, 5))))
        ]
        ledger.accrue_many("service", bills)
    elif op == 2:
        debtor = pick(rnd, AGENTS, 1)[0]
        creditors = [c for c in pick(rnd, parties, 3) if c != debtor]
        ledger.accrue_many(
            "service", [(debtor, c, float(rnd.uniform(0.0, 5.0)), "b") for c in creditors]
        )
        amounts = {c: float(rnd.uniform(0.0, 8.0)) for c in creditors}
        ledger.settle_all("settle", debtor, amounts)
    elif op == 3:
        borrower = pick(rnd, ("a", "b", "c"), 1)[0]
        ledger.transfer("lending", "bank", borrower, x, Claim(LOAN, "bank", borrower, x))
    elif op == 4:
        issuer = pick(rnd, ("a", "b", "c"), 1)[0]
        fund = pick(rnd, ("bank", "fund"), 1)[0]
        if step % 2:
            ledger.transfer("savings_inflow", ROW, fund, x, Claim(FUND_UNITS, ROW, fund, x))
        ledger.transfer("equity_round", fund, issuer, x, Claim(EQUITY, fund, issuer, x))
    elif op == 5:
        ledger.repay_pro_rata("loan_repayment", pick(rnd, ("a", "b", "c"), 1)[0], LOAN, x)
    elif op == 6:  # a loan instalment falls due; then real assets bought, built, written down
        borrower = pick(rnd, ("a", "b", "c"), 1)[0]
        due = ledger.claim(LOAN, "bank", borrower) / 7.0
        ledger.reclassify("vendor_loan_due", "bank", borrower, LOAN, PAYABLE, due)
        buyer, seller = pick(rnd, parties, 2)
        ledger.purchase("construction", buyer, seller, CIP, x, "construction")
    else:
        agent = pick(rnd, AGENTS, 1)[0]
        built = ledger.real(agent, CIP) / 2.0
        ledger.move_real("commissioning", agent, CIP, CAPACITY, built)
        ledger.book_real("depreciation", agent, CAPACITY, -built / 3.0, "depreciation")


@pytest.mark.parametrize("seed", range(8))
def test_fast_paths_match_posting_the_legs(seed):
    fast, slow = opened(Ledger), opened(Checked)
    rnd_fast, rnd_slow = np.random.default_rng(seed), np.random.default_rng(seed)
    for step in range(300):
        if step % 40 == 0:
            fast.start_period()
            slow.start_period()
        one_step(rnd_fast, fast, step)
        one_step(rnd_slow, slow, step)
        assert state(fast) == state(slow), f"step {step}"
