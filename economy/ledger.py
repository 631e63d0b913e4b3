"""Double-entry ledger: the only code that changes a cash, debt, equity or asset balance.

Conventions (docs/model.md §7.14):

* Every financial claim is stored once, keyed ``(kind, holder, issuer)``. It is the
  holder's asset and the issuer's liability at once, so claims net to zero by
  construction.
* Cash is a claim on the rest of the world (``ROW``), which has a balance sheet too,
  so the system closes: money enters when the rest of the world pays in and leaves
  when someone pays it.
* A posting is a list of legs (claim, real asset, net-worth account). For every
  agent touched, d(assets) - d(liabilities) - d(net worth) = 0, or the ledger
  refuses the posting.
* Net worth changes only through named accounts, so "assets = liabilities + net
  worth" compares stocks with accumulated flows and catches any write that bypassed
  the ledger.
* Equity is held in shares, one price per issuer, marked at that price on both sides.
  A price change is one revaluation (holder +d, issuer -d): zero-sum, not income, and
  outside the transaction-flow matrix.

Agents are identified by short string names (``"openai"``, ``"nvidia"``, ``"rest_of_world"``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

ROW = "rest_of_world"

# Claim kinds. "equity" is counted in shares; every other kind in US$ billions.
CASH = "cash"
LOAN = "loan"
PAYABLE = "payable"
EQUITY = "equity"
FUND_UNITS = "fund_units"
VENDOR_LOAN = "vendor_loan"  # a chip supplier's loan to the buyer of its chips
CONVERTIBLE = "convertible"  # interests that convert into equity (not debt-like)
# a data-centre lease from a private-credit SPV, secured on the building: ranks first
LEASE = "lease"
BOND = "bond"  # a firm's bond, held by bond investors: unsecured, like a bank loan
# compute paid for in advance: the app company's claim on a cloud, settled against its bills
PREPAID = "prepayment"
CLAIM_KINDS = (
    CASH,
    LOAN,
    PAYABLE,
    EQUITY,
    FUND_UNITS,
    VENDOR_LOAN,
    CONVERTIBLE,
    LEASE,
    BOND,
    PREPAID,
)

_CLAIM_KIND_SET = frozenset(CLAIM_KINDS)
_DEBT_KIND_SET = _CLAIM_KIND_SET - {CASH, EQUITY}  # claims held at face value, not cash

# Claims that count as debt when judging solvency on book equity (convention 6).
DEBT_LIKE = frozenset({LOAN, PAYABLE, FUND_UNITS, VENDOR_LOAN, LEASE, BOND, PREPAID})
# Debt a lender's leverage test counts: all of it but a supplier's vendor loan (subordinated
# to the lenders' credit: junior capital a senior leverage covenant does not count, which
# the supplier extends beyond what lenders would lend, as Nortel and Lucent did) and a
# customer's prepayment (paid back in service, not cash)
LEVERAGE_DEBT = DEBT_LIKE - {VENDOR_LOAN, PREPAID}
# Claims a default pays first, from cash and from what the assets recover (seniority)
SENIOR = (LEASE,)
# Claims a default pays last: only what is left once every other claim is paid in full
JUNIOR = (VENDOR_LOAN,)
# Credit that lenders extend and that bears interest at a floating rate (bank loans, leases,
# bonds: a simplification, bonds re-price each month like the loans)
CREDIT = (LOAN, LEASE, BOND)

# Real (non-financial) asset kinds.
CAPACITY = "capacity"  # data centres in service, at book value
CIP = "construction_in_progress"
OTHER_ASSETS = "other_assets"  # everything outside the loop (other businesses), at book
REAL_KINDS = (CAPACITY, CIP, OTHER_ASSETS)
_REAL_KIND_SET = frozenset(REAL_KINDS)

REVALUATION = "revaluation"

# Financing flows from an inside agent: the money is re-stamped with the financier's tag
# (docs/model.md §7.12); every other payment carries the payer's pro-rata mix.
STAMPED_FLOWS = frozenset({"milestone_equity", "equity_round", "lending"})

TOL = 1e-9


class LedgerError(RuntimeError):
    """A posting that would break double entry, or an inconsistent balance sheet."""


# Legs are built by the thousand in a run: plain slotted classes (a frozen dataclass costs
# five times as much to build). A leg is never changed once posted.
@dataclass(slots=True)
class Claim:
    """A change in a financial claim: ``amount`` (US$ bn) held by ``holder`` on ``issuer``."""

    kind: str
    holder: str
    issuer: str
    amount: float


@dataclass(slots=True)
class Real:
    """A change in a real asset of ``agent`` (US$ bn at book value)."""

    agent: str
    kind: str
    amount: float


@dataclass(slots=True)
class NetWorth:
    """A change in ``agent``'s net worth booked to a named account (revenue, depreciation...)."""

    agent: str
    account: str
    amount: float


Leg = Claim | Real | NetWorth
Key = tuple[str, str, str]
Bill = tuple[str, str, float, str]  # (debtor, creditor, amount, account)


# ---------------------------------------------------------------------- legs of a posting
# The common postings (payments, transfers, bills, settlements, repayments) are applied by
# the ledger's own fast paths, balanced by construction; their legs are built only when the
# transaction-flow matrix is asked for, by these functions (which the checked path posts).
def _pay_legs(
    payer: str, payee: str, amount: float, payer_account: str | None, payee_account: str | None
) -> list[Leg]:
    legs: list[Leg] = []
    if payer != ROW:
        legs.append(Claim(CASH, payer, ROW, -amount))
    if payee != ROW:
        legs.append(Claim(CASH, payee, ROW, amount))
    if payer_account is not None:
        legs.append(NetWorth(payer, payer_account, -amount))
    if payee_account is not None:
        legs.append(NetWorth(payee, payee_account, amount))
    return legs


def _transfer_legs(payer: str, payee: str, amount: float, counter: Claim) -> list[Leg]:
    legs: list[Leg] = []
    if payer != ROW:
        legs.append(Claim(CASH, payer, ROW, -amount))
    if payee != ROW:
        legs.append(Claim(CASH, payee, ROW, amount))
    legs.append(counter)
    return legs


def _bill_legs(bills: Sequence[Bill]) -> list[Leg]:
    legs: list[Leg] = []
    for debtor, creditor, amount, account in bills:
        if amount == 0.0:
            continue
        legs.append(Claim(PAYABLE, creditor, debtor, amount))
        legs.append(NetWorth(debtor, account, -amount))
        legs.append(NetWorth(creditor, account, amount))
    return legs


def _settle_legs(debtor: str, paid_to: Sequence[tuple[str, float]], total: float) -> list[Leg]:
    legs: list[Leg] = []
    for creditor, paid in paid_to:
        legs.append(Claim(PAYABLE, creditor, debtor, -paid))
        if creditor != ROW:
            legs.append(Claim(CASH, creditor, ROW, paid))
    if debtor != ROW:
        legs.append(Claim(CASH, debtor, ROW, -total))
    return legs


def _repay_legs(
    debtor: str, kind: str, amount: float, parts: Sequence[tuple[str, float]]
) -> list[Leg]:
    legs: list[Leg] = [Claim(CASH, debtor, ROW, -amount)]
    for holder, x in parts:
        legs.append(Claim(kind, holder, debtor, -x))
        if holder != ROW:  # the rest of the world's side is the cash it owes
            legs.append(Claim(CASH, holder, ROW, x))
    return legs


def _reclassify_legs(
    holder: str, issuer: str, from_kind: str, to_kind: str, amount: float
) -> list[Leg]:
    return [Claim(from_kind, holder, issuer, -amount), Claim(to_kind, holder, issuer, amount)]


def _real_legs(agent: str, kind: str, amount: float, account: str) -> list[Leg]:
    return [Real(agent, kind, amount), NetWorth(agent, account, amount)]


def _purchase_legs(buyer: str, seller: str, kind: str, amount: float, account: str) -> list[Leg]:
    return [
        Claim(PAYABLE, seller, buyer, amount),
        Real(buyer, kind, amount),
        NetWorth(seller, account, amount),
    ]


def _move_real_legs(agent: str, from_kind: str, to_kind: str, amount: float) -> list[Leg]:
    return [Real(agent, from_kind, -amount), Real(agent, to_kind, amount)]


_INF = math.inf


class Ledger:
    """Balance sheets of every agent, changed only by balanced postings.

    Args:
        sectors: agent name -> sector name (the columns of the transaction-flow
            matrix). The rest of the world is added automatically.
    """

    def __init__(self, sectors: dict[str, str]):
        self.sectors: dict[str, str] = {**sectors, ROW: "rest_of_world"}
        self._claims: dict[Key, float] = {}
        self._real: dict[tuple[str, str], float] = defaultdict(float)
        self._net_worth: dict[str, dict[str, float]] = {a: defaultdict(float) for a in self.sectors}
        self._price: dict[str, float] = {}
        # issuer -> holders of its shares (a dict as an ordered set: sums in a fixed order)
        self._holders: dict[str, dict[str, None]] = defaultdict(dict)
        # issuer -> (claim key, holder's net-worth accounts) of each holder, in that order
        self._equity_keys: dict[str, list[tuple[Key, dict[str, float]]]] = defaultdict(list)
        # Indexes of claim keys (keys are never removed): by issuer, by holder, by issuer
        # and kind (holder -> key), and the debt-like keys of each issuer.
        self._issued: dict[str, dict[Key, None]] = defaultdict(dict)
        self._held: dict[str, dict[Key, None]] = defaultdict(dict)
        self._by_issuer: dict[tuple[str, str], dict[str, Key]] = {}
        self._by_holder: dict[tuple[str, str], dict[str, Key]] = {}
        self._debt_keys: dict[str, list[Key]] = defaultdict(list)
        # what each agent holds: claims at face value, and equity (key, issuer) at a price
        self._held_at_face: dict[str, list[Key]] = defaultdict(list)
        self._held_shares: dict[str, list[tuple[Key, str]]] = defaultdict(list)
        self._real_keys_of: dict[str, tuple[tuple[str, str], ...]] = {}
        # shares outstanding by issuer, forgotten when one of its equity claims changes
        self._shares_out: dict[str, float] = {}
        # Flows since the last ``start_period``: the month's statistics. Each posting is
        # kept as (flow, build, args): its legs are ``args`` (build None) or build(*args).
        self._period_postings: list[tuple[str, Callable[..., list[Leg]] | None, Any]] = []
        # Money provenance: each agent's cash as amounts by origin tag (an agent's name, or
        # the rest of the world); the tags of a balance always sum to the balance.
        self.tags: dict[str, dict[str, float]] = {a: {} for a in self.sectors if a != ROW}
        # tagged cash received this period: (flow, payer, payee) -> {tag: amount}
        self.period_tagged: dict[tuple[str, str, str], dict[str, float]] = {}
        self.period_accounts: dict[tuple[str, str], float] = defaultdict(float)
        self.period_cash: dict[tuple[str, str, str], float] = defaultdict(float)
        # non-cash flows between two agents this period (a posting's memo): chips invoiced,
        # vendor credit granted
        self.period_flows: dict[tuple[str, str, str], float] = defaultdict(float)
        self._peak_assets = 0.0
        # counts the writes to balances and prices: a reader may keep a figure it computed
        # while the version is unchanged (every write below adds one)
        self.version = 0

    # ------------------------------------------------------------------ reading
    def cash(self, agent: str) -> float:
        """Cash (a claim on the rest of the world) held by ``agent``."""
        return self._claims.get((CASH, agent, ROW), 0.0)

    def claim(self, kind: str, holder: str, issuer: str) -> float:
        """Value of one claim in US$ bn (equity marked at the issuer's price)."""
        v = self._claims.get((kind, holder, issuer), 0.0)
        return v * self._price.get(issuer, 0.0) if kind == EQUITY else v

    def shares(self, holder: str, issuer: str) -> float:
        """Shares (billions) of ``issuer`` held by ``holder``."""
        return self._claims.get((EQUITY, holder, issuer), 0.0)

    def shares_outstanding(self, issuer: str) -> float:
        """All shares of ``issuer`` held by anyone."""
        n = self._shares_out.get(issuer)
        if n is None:
            claims = self._claims
            n = sum([claims[key] for key, _ in self._equity_keys[issuer]])
            self._shares_out[issuer] = n
        return n

    def price(self, issuer: str) -> float:
        """Current share price of ``issuer`` (US$ per share = US$ bn per bn shares)."""
        return self._price.get(issuer, 0.0)

    def market_cap(self, issuer: str) -> float:
        """Shares outstanding times price."""
        return self.shares_outstanding(issuer) * self._price.get(issuer, 0.0)

    def real(self, agent: str, kind: str) -> float:
        """Book value of a real asset of ``agent``."""
        return self._real.get((agent, kind), 0.0)

    def claims_of(self, agent: str) -> list[tuple[str, str, str, float]]:
        """Every claim ``agent`` holds or issues, as (kind, holder, issuer, value)."""
        keys = sorted(self._held[agent].keys() | self._issued[agent].keys())
        return [(k, h, i, self.claim(k, h, i)) for (k, h, i) in keys if self._claims[(k, h, i)]]

    def debt_owed(self, issuer: str, kinds: frozenset[str] = DEBT_LIKE) -> float:
        """Debt-like claims on ``issuer`` (loans, payables, fund units)."""
        claims = self._claims
        if kinds is DEBT_LIKE:
            return sum(map(claims.__getitem__, self._debt_keys[issuer]))
        return sum([claims[key] for key in self._issued[issuer] if key[0] in kinds])

    def creditors(self, issuer: str, kind: str) -> dict[str, float]:
        """Holders of ``kind`` claims on ``issuer`` with their amounts (positive only)."""
        index = self._by_issuer.get((issuer, kind))
        out: dict[str, float] = {}
        if index:
            claims = self._claims
            for holder, key in index.items():
                v = claims[key]
                if v > 0.0:
                    out[holder] = v
        return out

    def holdings(self, holder: str, kind: str) -> dict[str, float]:
        """Value of ``kind`` claims held by ``holder``, by issuer (positive only)."""
        index = self._by_holder.get((holder, kind))
        out: dict[str, float] = {}
        if index:
            claims = self._claims
            price = self._price
            for issuer, key in index.items():
                v = claims[key] * price.get(issuer, 0.0) if kind == EQUITY else claims[key]
                if v > 0.0:
                    out[issuer] = v
        return out

    def assets(self, agent: str) -> float:
        """Financial plus real assets of ``agent`` at book (equity at market)."""
        claims = self._claims
        values = [claims[key] for key in self._held_at_face.get(agent, ())]
        shares = self._held_shares.get(agent)
        if shares:
            price = self._price
            values += [claims[key] * price.get(issuer, 0.0) for key, issuer in shares]
        real = self._real
        return sum(values) + sum([real.get(key, 0.0) for key in self._real_keys(agent)])

    def _real_keys(self, agent: str) -> tuple[tuple[str, str], ...]:
        keys = self._real_keys_of.get(agent)
        if keys is None:
            keys = self._real_keys_of[agent] = tuple((agent, k) for k in REAL_KINDS)
        return keys

    def liabilities(self, agent: str, *, include_equity: bool = True) -> float:
        """Claims on ``agent`` held by others (issued equity at market unless excluded)."""
        return sum(
            self.claim(*key) for key in self._issued[agent] if include_equity or key[0] != EQUITY
        )

    def book_equity(self, agent: str) -> float:
        """Assets minus debt-like liabilities: the solvency measure (convention 6)."""
        return self.assets(agent) - self.debt_owed(agent)

    def clearly_solvent(self, agent: str) -> bool:
        """Cash and real assets alone exceed ``agent``'s debt-like claims, with room to spare.

        Its other assets are claims worth at least zero (beyond rounding), so its book
        equity is then positive: a cheap test that settles most months without summing
        every claim it holds (``book_equity`` decides the rest).
        """
        claims = self._claims
        real = self._real
        floor = claims.get((CASH, agent, ROW), 0.0)
        for kind in REAL_KINDS:
            floor += real.get((agent, kind), 0.0)
        debt = sum(map(claims.__getitem__, self._debt_keys[agent]))
        return floor - debt > 1e-6 * (1.0 + abs(floor) + abs(debt))

    def net_worth(self, agent: str) -> float:
        """Accumulated net-worth flows of ``agent`` (opening balance included)."""
        return sum(self._net_worth[agent].values())

    def net_worth_accounts(self, agent: str) -> dict[str, float]:
        """Net worth of ``agent`` by account."""
        return dict(self._net_worth[agent])

    def account_this_period(self, agent: str, account: str) -> float:
        """Net-worth flow of ``agent`` booked to ``account`` since the period began."""
        return self.period_accounts.get((agent, account), 0.0)

    # ------------------------------------------------------------------ writing
    def _new_key(self, key: Key) -> None:
        """Enter a claim key (at 0.0) in the indexes."""
        kind, holder, issuer = key
        self._claims[key] = 0.0
        self._issued[issuer][key] = None
        self._held[holder][key] = None
        self._by_issuer.setdefault((issuer, kind), {})[holder] = key
        self._by_holder.setdefault((holder, kind), {})[issuer] = key
        if kind in DEBT_LIKE:
            self._debt_keys[issuer].append(key)
        if kind == EQUITY:
            self._held_shares[holder].append((key, issuer))
        else:
            self._held_at_face[holder].append(key)

    def _new_holder(self, key: Key) -> None:
        """Note a holder of shares (``key`` an equity claim that exists)."""
        _, holder, issuer = key
        holders = self._holders[issuer]
        if holder not in holders:
            holders[holder] = None
            self._equity_keys[issuer].append((key, self._net_worth[holder]))

    def _add(self, key: Key, amount: float) -> None:
        """Add ``amount`` to a claim that is not equity (a fast path's one write)."""
        self.version += 1
        claims = self._claims
        v = claims.get(key)
        if v is None:
            self._new_key(key)
            v = 0.0
        claims[key] = v + amount

    def post(  # noqa: C901 - hot path, see benchmarks
        self,
        flow: str,
        legs: list[Leg] | tuple[Leg, ...],
        memo: tuple[tuple[str, str, str, float], ...] = (),
    ) -> None:
        """Apply a balanced list of legs as one transaction of kind ``flow``.

        ``memo`` records what the posting moved between two agents where no cash moves
        (``("chips", seller, buyer, amount)``): this period's :attr:`period_flows`.

        Raises:
            LedgerError: if an agent is unknown, an amount is not finite, or for some
                agent d(assets) - d(liabilities) - d(net worth) is not zero.
        """
        bal: dict[str, float] = {}
        scale = 1.0
        isfinite = math.isfinite
        for leg in legs:
            a = leg.amount
            if not isfinite(a):
                raise LedgerError(f"{flow}: non-finite amount in {leg}")
            if a > scale:
                scale = a
            elif -a > scale:
                scale = -a
            if type(leg) is Claim:
                if leg.kind not in _CLAIM_KIND_SET:
                    raise LedgerError(f"{flow}: unknown claim kind {leg.kind!r}")
                if leg.holder == leg.issuer:
                    raise LedgerError(f"{flow}: {leg.holder} cannot hold a claim on itself")
                if leg.kind == EQUITY and self._price.get(leg.issuer, 0.0) <= 0.0:
                    raise LedgerError(f"{flow}: {leg.issuer} has no positive share price")
                bal[leg.holder] = bal.get(leg.holder, 0.0) + a
                bal[leg.issuer] = bal.get(leg.issuer, 0.0) - a
            elif type(leg) is Real:
                if leg.kind not in REAL_KINDS:
                    raise LedgerError(f"{flow}: unknown real asset kind {leg.kind!r}")
                bal[leg.agent] = bal.get(leg.agent, 0.0) + a
            elif type(leg) is NetWorth:
                bal[leg.agent] = bal.get(leg.agent, 0.0) - a
            else:
                raise LedgerError(f"{flow}: {leg!r} is not a Claim, Real or NetWorth leg")
        for agent, d in bal.items():
            if agent not in self.sectors:
                raise LedgerError(f"{flow}: unknown agent {agent!r}")
            if abs(d) > TOL * scale:
                raise LedgerError(f"{flow}: posting does not balance for {agent} (off by {d:.3g})")
        self.version += 1
        claims = self._claims
        cash_moves: dict[str, float] | None = None
        for leg in legs:
            a = leg.amount
            if type(leg) is Claim:
                kind = leg.kind
                if kind == CASH:
                    if cash_moves is None:
                        cash_moves = {}
                    cash_moves[leg.holder] = cash_moves.get(leg.holder, 0.0) + a
                key = (kind, leg.holder, leg.issuer)
                if key not in claims:
                    self._new_key(key)
                if kind == EQUITY:
                    claims[key] += a / self._price[leg.issuer]
                    self._new_holder(key)
                    self._shares_out.pop(leg.issuer, None)
                else:
                    claims[key] += a
            elif type(leg) is Real:
                self._real[(leg.agent, leg.kind)] += a
            elif type(leg) is NetWorth:  # every leg is one of the three (checked above)
                self._net_worth[leg.agent][leg.account] += a
                self.period_accounts[(leg.agent, leg.account)] += a
        self._period_postings.append((flow, None, legs))
        if cash_moves:
            self._move_tags(flow, cash_moves)
        if memo:
            flows = self.period_flows
            for kind, src, dst, amount in memo:
                flows[(kind, src, dst)] += amount

    def _move_tags(  # noqa: C901 - hot path, see benchmarks
        self, flow: str, moves: dict[str, float]
    ) -> None:
        """Carry money's provenance along a posting's cash legs.

        Payers give up their mix pro rata; a financing flow (``STAMPED_FLOWS``) is
        re-stamped with each payer's own tag; cash that enters from the rest of the world
        is tagged with it; cash paid out to it leaves the tagged stock.
        """
        parcel: dict[str, float] = {}
        paid = received = 0.0
        payers = []
        stamp = flow in STAMPED_FLOWS
        for agent, d in moves.items():
            if d >= 0.0:
                received += d
                continue
            x = -d
            paid += x
            payers.append(agent)
            if stamp:
                parcel[agent] = parcel.get(agent, 0.0) + x
                mix = self.tags[agent]
                before = sum(mix.values())
                if before > 0.0:
                    keep = max(0.0, 1.0 - x / before)
                    for tag in mix:
                        mix[tag] *= keep
                continue
            mix = self.tags[agent]
            before = sum(mix.values())
            if before <= 0.0:
                continue
            share = min(1.0, x / before)
            for tag, v in mix.items():
                take = v * share
                mix[tag] = v - take
                parcel[tag] = parcel.get(tag, 0.0) + take
        if received <= 0.0:
            return
        from_parcel = min(received, paid)
        scale = from_parcel / paid if paid > 0.0 else 0.0
        outside = received - from_parcel
        single_payer = payers[0] if len(payers) == 1 else None
        for agent, d in moves.items():
            if d <= 0.0:
                continue
            share = d / received
            mix = self.tags[agent]
            got: dict[str, float] = {}
            for tag, v in parcel.items():
                amount = v * scale * share
                if amount:
                    mix[tag] = mix.get(tag, 0.0) + amount
                    got[tag] = amount
            if outside > 0.0:
                # opening balances are the agent's own money; anything else from outside
                # comes from the rest of the world
                origin = agent if flow == "opening" else ROW
                mix[origin] = mix.get(origin, 0.0) + outside * share
                got[origin] = got.get(origin, 0.0) + outside * share
            payer = single_payer if single_payer is not None else ROW
            key = (flow, payer, agent)
            acc = self.period_tagged.setdefault(key, {})
            for tag, v in got.items():
                acc[tag] = acc.get(tag, 0.0) + v

    # Fast paths for the provenance of the common payments. Each gives, operation for
    # operation, what ``_move_tags`` gives for the same cash legs (tests/test_ledger.py
    # compares them): one payer and no payee, no payer and one payee, one payer and payees.
    def _tags_in(self, flow: str, payee: str, x: float) -> None:
        """``x`` > 0 enters ``payee``'s cash from the rest of the world."""
        origin = payee if flow == "opening" else ROW
        mix = self.tags[payee]
        mix[origin] = mix.get(origin, 0.0) + x
        key = (flow, ROW, payee)
        acc = self.period_tagged.get(key)
        if acc is None:
            acc = self.period_tagged[key] = {}
        acc[origin] = acc.get(origin, 0.0) + x

    def _tags_out(self, flow: str, payer: str, x: float) -> None:
        """``x`` > 0 leaves ``payer``'s cash for the rest of the world: its mix pro rata."""
        mix = self.tags[payer]
        before = sum(mix.values())
        if before <= 0.0:
            return
        if flow in STAMPED_FLOWS:
            keep = max(0.0, 1.0 - x / before)
            for tag in mix:
                mix[tag] *= keep
            return
        share = min(1.0, x / before)
        for tag, v in mix.items():
            mix[tag] = v - v * share

    def _tags_across(self, flow: str, payer: str, payee: str, x: float) -> None:
        """``x`` > 0 goes from ``payer`` to ``payee``, both inside; a financing flow is stamped."""
        key = (flow, payer, payee)
        acc = self.period_tagged.get(key)
        if acc is None:
            acc = self.period_tagged[key] = {}
        mix = self.tags[payer]
        got = self.tags[payee]
        before = sum(mix.values())
        if flow in STAMPED_FLOWS:
            if before > 0.0:
                keep = max(0.0, 1.0 - x / before)
                for tag in mix:
                    mix[tag] *= keep
            got[payer] = got.get(payer, 0.0) + x
            acc[payer] = acc.get(payer, 0.0) + x
            return
        if before <= 0.0:
            return
        share = min(1.0, x / before)
        for tag, v in mix.items():
            take = v * share
            mix[tag] = v - take
            if take:
                got[tag] = got.get(tag, 0.0) + take
                acc[tag] = acc.get(tag, 0.0) + take

    def _tags_spread(
        self, flow: str, payer: str, x: float, payees: list[tuple[str, float]]
    ) -> None:
        """``x`` > 0 leaves ``payer`` (not a financing flow) for ``payees`` (amounts > 0)."""
        tags = self.tags
        mix = tags[payer]
        parcel: list[tuple[str, float]] = []  # the tags that leave (a zero passes nothing on)
        before = sum(mix.values())
        if before > 0.0:
            share = min(1.0, x / before)
            for tag, v in mix.items():
                take = v * share
                mix[tag] = v - take
                if take:
                    parcel.append((tag, take))
        received = 0.0
        for _agent, d in payees:
            received += d
        from_parcel = min(received, x)
        scale = from_parcel / x
        outside = received - from_parcel
        if scale != 1.0:  # each payee gets (v * scale) * share of a tag
            parcel = [(tag, v * scale) for tag, v in parcel]
        period_tagged = self.period_tagged
        for agent, d in payees:
            share = d / received
            mix = tags[agent]
            key = (flow, payer, agent)
            acc = period_tagged.get(key)
            if acc is None:
                acc = period_tagged[key] = {}
            if outside > 0.0:  # more arrived than left the payer: the rest is from outside
                self._tags_from_outside(flow, agent, parcel, share, outside, acc)
                continue
            for tag, v in parcel:
                amount = v * share
                if amount:
                    mix[tag] = mix.get(tag, 0.0) + amount
                    acc[tag] = acc.get(tag, 0.0) + amount

    def _tags_from_outside(
        self,
        flow: str,
        agent: str,
        parcel: list[tuple[str, float]],
        share: float,
        outside: float,
        acc: dict[str, float],
    ) -> None:
        """A payee's part of a parcel plus ``outside * share`` from the rest of the world."""
        mix = self.tags[agent]
        got: dict[str, float] = {}
        for tag, v in parcel:
            amount = v * share
            if amount:
                mix[tag] = mix.get(tag, 0.0) + amount
                got[tag] = amount
        origin = agent if flow == "opening" else ROW
        mix[origin] = mix.get(origin, 0.0) + outside * share
        got[origin] = got.get(origin, 0.0) + outside * share
        for tag, v in got.items():
            acc[tag] = acc.get(tag, 0.0) + v

    def cash_tags(self, agent: str) -> dict[str, float]:
        """``agent``'s cash by origin tag (sums to its cash)."""
        return dict(self.tags[agent])

    def tagged_received(self, flow: str, payer: str, payee: str) -> dict[str, float]:
        """Cash ``payee`` received from ``payer`` for ``flow`` this period, by origin tag."""
        return dict(self.period_tagged.get((flow, payer, payee), {}))

    def transfer(self, flow: str, payer: str, payee: str, amount: float, counter: Claim) -> None:
        """Pay ``amount`` of cash from ``payer`` to ``payee`` for ``counter`` (new shares, a loan).

        One posting: the cash legs (the rest of the world's side is a change in the cash it
        owes, so it has no leg) and the claim the money buys; recorded as this period's cash
        flow ``(flow, payer, payee)``.
        """
        kind = counter.kind
        if not (
            0.0 < amount < _INF
            and type(counter) is Claim
            and counter.holder == payer
            and counter.issuer == payee
            and counter.amount == amount
            and payer != payee
            and kind != CASH
            and kind in _CLAIM_KIND_SET
            and payer in self.sectors
            and payee in self.sectors
            and (kind != EQUITY or self._price.get(payee, 0.0) > 0.0)
        ):
            self.post(flow, _transfer_legs(payer, payee, amount, counter))
            self.period_cash[(flow, payer, payee)] += amount
            return
        # the counter (payer holds a claim on payee worth ``amount``) balances the cash legs
        if payer != ROW:
            self._add((CASH, payer, ROW), -amount)
        if payee != ROW:
            self._add((CASH, payee, ROW), amount)
        key = (kind, payer, payee)
        if kind == EQUITY:
            claims = self._claims
            if key not in claims:
                self._new_key(key)
            self.version += 1
            claims[key] += amount / self._price[payee]
            self._new_holder(key)
            self._shares_out.pop(payee, None)
        else:
            self._add(key, amount)
        self._period_postings.append((flow, _transfer_legs, (payer, payee, amount, counter)))
        self._cash_moved(flow, payer, payee, amount)

    def _cash_moved(self, flow: str, payer: str, payee: str, amount: float) -> None:
        """Carry the provenance of ``amount`` paid and record it as the period's cash flow."""
        if payer == ROW:
            self._tags_in(flow, payee, amount)
        elif payee == ROW:
            self._tags_out(flow, payer, amount)
        else:
            self._tags_across(flow, payer, payee, amount)
        self.period_cash[(flow, payer, payee)] += amount

    def pay_claim(self, flow: str, debtor: str, kind: str, holder: str, amount: float) -> None:
        """``debtor`` pays ``amount`` of the ``kind`` claim ``holder`` has on it, in cash.

        A default's payout to one creditor: the claim and the debtor's cash fall, the
        holder's cash rises (the rest of the world holds no cash account); the payment is
        in this period's cash flows like any other.
        """
        legs: list[Leg] = [Claim(kind, holder, debtor, -amount), Claim(CASH, debtor, ROW, -amount)]
        if holder != ROW:
            legs.append(Claim(CASH, holder, ROW, amount))
        self.post(flow, legs)
        self.period_cash[(flow, debtor, holder)] += amount

    def repay_pro_rata(self, flow: str, debtor: str, kind: str, at_most: float) -> None:
        """Repay up to ``at_most`` of ``debtor``'s ``kind`` claims, each holder pro rata."""
        held = self.creditors(debtor, kind)
        owed = sum(held.values())
        if owed <= 0.0:
            return
        amount = min(at_most, owed)
        parts = [(holder, amount * v / owed) for holder, v in sorted(held.items())]
        if not (0.0 < amount < _INF and debtor != ROW and kind != CASH and ROW not in held):
            self.post(flow, _repay_legs(debtor, kind, amount, parts))
        else:
            self._add((CASH, debtor, ROW), -amount)
            for holder, x in parts:
                self._add((kind, holder, debtor), -x)
                self._add((CASH, holder, ROW), x)
            self._period_postings.append((flow, _repay_legs, (debtor, kind, amount, parts)))
            if len(parts) == 1 and parts[0][1] == amount:
                self._tags_across(flow, debtor, parts[0][0], amount)
            else:
                self._tags_spread(flow, debtor, amount, parts)
        for holder, v in held.items():
            self.period_cash[(flow, debtor, holder)] += amount * v / owed

    def pay(
        self,
        flow: str,
        payer: str,
        payee: str,
        amount: float,
        payer_account: str | None = None,
        payee_account: str | None = None,
    ) -> None:
        """Move ``amount`` of cash from ``payer`` to ``payee``.

        With accounts named, the payment is income/expense on those accounts; without,
        it settles a claim the caller posts alongside (use :meth:`settle` for payables).
        The rest of the world can pay or be paid: its side is a change in the cash it owes.
        """
        if amount == 0.0:
            return
        sectors = self.sectors
        if (
            payer_account is None
            or payee_account is None
            or payer == payee
            or not 0.0 < amount < _INF
            or payer not in sectors
            or payee not in sectors
        ):
            self.post(flow, _pay_legs(payer, payee, amount, payer_account, payee_account))
            self.period_cash[(flow, payer, payee)] += amount
            return
        self.version += 1
        claims = self._claims
        if payer != ROW:
            key = (CASH, payer, ROW)
            v = claims.get(key)
            if v is None:
                self._new_key(key)
                v = 0.0
            claims[key] = v + -amount
        if payee != ROW:
            key = (CASH, payee, ROW)
            v = claims.get(key)
            if v is None:
                self._new_key(key)
                v = 0.0
            claims[key] = v + amount
        net_worth = self._net_worth
        accounts = self.period_accounts
        net_worth[payer][payer_account] += -amount
        accounts[(payer, payer_account)] += -amount
        net_worth[payee][payee_account] += amount
        accounts[(payee, payee_account)] += amount
        self._period_postings.append(
            (flow, _pay_legs, (payer, payee, amount, payer_account, payee_account))
        )
        self._cash_moved(flow, payer, payee, amount)

    def accrue(self, flow: str, debtor: str, creditor: str, amount: float, account: str) -> None:
        """Book a bill in full: expense for the debtor, income for the creditor, a payable between.

        Accrual first, cash second (convention 8): settle it with :meth:`settle_all`.
        """
        if amount == 0.0:
            return
        self.accrue_many(flow, [(debtor, creditor, amount, account)])

    def accrue_many(self, flow: str, bills: Sequence[Bill]) -> None:
        """Book several bills, each (debtor, creditor, amount, account), as one posting."""
        sectors = self.sectors
        n = 0
        for debtor, creditor, amount, _account in bills:
            if amount == 0.0:
                continue
            if not (
                math.isfinite(amount)
                and debtor != creditor
                and debtor in sectors
                and creditor in sectors
            ):
                self.post(flow, _bill_legs(bills))  # refused, with the reason
                return
            n += 1
        if not n:
            return
        net_worth = self._net_worth
        accounts = self.period_accounts
        for debtor, creditor, amount, account in bills:
            if amount == 0.0:
                continue
            self._add((PAYABLE, creditor, debtor), amount)
            net_worth[debtor][account] += -amount
            accounts[(debtor, account)] += -amount
            net_worth[creditor][account] += amount
            accounts[(creditor, account)] += amount
        self._period_postings.append((flow, _bill_legs, (tuple(bills),)))

    def settle_all(self, flow: str, debtor: str, amounts: dict[str, float]) -> float:
        """Pay several creditors of ``debtor`` at once (creditor -> amount, at most what is due)."""
        claims = self._claims
        total = 0.0
        paid_to: list[tuple[str, float]] = []
        for creditor in sorted(amounts):
            paid = min(amounts[creditor], claims.get((PAYABLE, creditor, debtor), 0.0))
            if paid <= 0.0:
                continue
            total += paid
            paid_to.append((creditor, paid))
        if not paid_to:
            return 0.0
        if debtor == ROW or not total < _INF:
            self.post(flow, _settle_legs(debtor, paid_to, total))
        else:
            self.version += 1
            payees = []
            for creditor, paid in paid_to:
                key = (PAYABLE, creditor, debtor)
                claims[key] = claims[key] + -paid  # the bill exists: it was read above
                if creditor != ROW:
                    key = (CASH, creditor, ROW)
                    v = claims.get(key)
                    if v is None:
                        self._new_key(key)
                        v = 0.0
                    claims[key] = v + paid
                    payees.append((creditor, paid))
            self._add((CASH, debtor, ROW), -total)
            self._period_postings.append((flow, _settle_legs, (debtor, paid_to, total)))
            if len(payees) == 1 and payees[0][1] == total:
                self._tags_across(flow, debtor, payees[0][0], total)
            elif payees:
                self._tags_spread(flow, debtor, total, payees)
            else:
                self._tags_out(flow, debtor, total)
        for creditor, paid in paid_to:
            self.period_cash[(flow, debtor, creditor)] += paid
        return total

    def reclassify(
        self, flow: str, holder: str, issuer: str, from_kind: str, to_kind: str, amount: float
    ) -> None:
        """Move ``amount`` of ``holder``'s claim on ``issuer`` from one kind to another.

        No cash and no income: a loan instalment falling due (a vendor loan becomes a bill),
        credit a lender calls. One posting of two legs.
        """
        if not (
            math.isfinite(amount)
            and holder != issuer
            and from_kind in _DEBT_KIND_SET
            and to_kind in _DEBT_KIND_SET
            and from_kind != to_kind
            and holder in self.sectors
            and issuer in self.sectors
        ):
            self.post(flow, _reclassify_legs(holder, issuer, from_kind, to_kind, amount))
            return
        self._add((from_kind, holder, issuer), -amount)
        self._add((to_kind, holder, issuer), amount)
        self._period_postings.append(
            (flow, _reclassify_legs, (holder, issuer, from_kind, to_kind, amount))
        )

    def book_real(self, flow: str, agent: str, kind: str, amount: float, account: str) -> None:
        """Change a real asset of ``agent`` against its net worth (depreciation, impairment).

        One posting of two legs: the asset changes by ``amount`` and the account by the same.
        """
        if not (-_INF < amount < _INF and kind in _REAL_KIND_SET and agent in self.sectors):
            self.post(flow, _real_legs(agent, kind, amount, account))
            return
        self.version += 1
        self._real[(agent, kind)] += amount
        self._net_worth[agent][account] += amount
        self.period_accounts[(agent, account)] += amount
        self._period_postings.append((flow, _real_legs, (agent, kind, amount, account)))

    def purchase(
        self, flow: str, buyer: str, seller: str, kind: str, amount: float, account: str
    ) -> None:
        """``buyer`` gets a real asset invoiced by ``seller`` (income on ``account``), unpaid.

        One posting: a bill (payable) to the seller, the asset, the seller's income.
        """
        sectors = self.sectors
        if not (
            -_INF < amount < _INF
            and kind in _REAL_KIND_SET
            and buyer != seller
            and buyer in sectors
            and seller in sectors
        ):
            self.post(flow, _purchase_legs(buyer, seller, kind, amount, account))
            return
        self._add((PAYABLE, seller, buyer), amount)
        self.version += 1
        self._real[(buyer, kind)] += amount
        self._net_worth[seller][account] += amount
        self.period_accounts[(seller, account)] += amount
        self._period_postings.append((flow, _purchase_legs, (buyer, seller, kind, amount, account)))

    def move_real(self, flow: str, agent: str, from_kind: str, to_kind: str, amount: float) -> None:
        """Move ``amount`` of ``agent``'s real assets from one kind to another (commissioning)."""
        if not (
            -_INF < amount < _INF
            and from_kind in _REAL_KIND_SET
            and to_kind in _REAL_KIND_SET
            and agent in self.sectors
        ):
            self.post(flow, _move_real_legs(agent, from_kind, to_kind, amount))
            return
        self.version += 1
        real = self._real
        real[(agent, from_kind)] += -amount
        real[(agent, to_kind)] += amount
        self._period_postings.append((flow, _move_real_legs, (agent, from_kind, to_kind, amount)))

    def payable(self, debtor: str, creditor: str) -> float:
        """What ``debtor`` owes ``creditor`` in unpaid bills."""
        return self._claims.get((PAYABLE, creditor, debtor), 0.0)

    def set_price(self, issuer: str, price: float) -> None:
        """Re-mark ``issuer``'s shares: one zero-sum revaluation per holder, outside the TFM."""
        if not math.isfinite(price) or price < 0.0:
            raise LedgerError(f"price of {issuer} must be finite and >= 0, got {price}")
        old = self._price.get(issuer, 0.0)
        dp = price - old
        self.version += 1
        self._price[issuer] = price
        if dp == 0.0:
            return
        claims = self._claims
        own = self._net_worth[issuer]
        for key, accounts in self._equity_keys[issuer]:
            d = claims[key] * dp
            if d:
                accounts[REVALUATION] += d
                own[REVALUATION] -= d

    def start_period(self) -> None:
        """Forget last period's flows; stocks carry on."""
        self._period_postings = []
        self.period_tagged = {}
        self.period_accounts = defaultdict(float)
        self.period_cash = defaultdict(float)
        self.period_flows = defaultdict(float)

    # ------------------------------------------------------------------ checks
    def total_assets(self) -> float:
        """Sum of every agent's assets: the scale of the invariants' tolerance."""
        return sum(self.assets(a) for a in self.sectors)

    def check(self, rel_tol: float = TOL) -> None:
        """Check every invariant; raise :class:`LedgerError` naming the first that fails.

        1. Per agent: assets = liabilities + net worth (stocks against accumulated flows).
        2. All financial claims net to zero (assets held = liabilities issued).
        3. The period's transaction-flow matrix sums to zero by row and by column.
        4. No claim, real asset or cash balance is negative (beyond rounding).
        5. Each agent's provenance tags are not negative and sum to its cash.
        """
        # rounding in accumulated flows grows with the largest balances the books have held
        self._peak_assets = max(self._peak_assets, self.total_assets())
        tol = rel_tol * max(1.0, self._peak_assets)
        self._check_stocks(tol)
        self._check_flow_matrix(tol)
        self._check_signs(tol)

    def _check_stocks(self, tol: float) -> None:
        """Invariants 1 and 2: every balance sheet balances; claims net to zero."""
        for agent in self.sectors:
            gap = self.assets(agent) - self.liabilities(agent) - self.net_worth(agent)
            if abs(gap) > tol:
                raise LedgerError(f"{agent}: assets - liabilities - net worth = {gap:.6g}")
        held = sum(self.claim(k, h, i) for (k, h, i) in self._claims)
        issued = sum(self.liabilities(a) for a in self.sectors)
        if abs(held - issued) > tol:
            raise LedgerError(f"claims do not net to zero: held {held} vs issued {issued}")

    def _check_flow_matrix(self, tol: float) -> None:
        """Invariant 3: the period's transaction-flow matrix sums to zero by row and column."""
        rows: dict[str, float] = defaultdict(float)
        cols: dict[str, float] = defaultdict(float)
        for (row, col), v in self.flow_matrix().items():
            rows[row] += v
            cols[col] += v
        for name, total in (*rows.items(), *cols.items()):
            if abs(total) > tol:
                raise LedgerError(f"transaction-flow matrix: {name} sums to {total:.6g}")

    def _check_signs(self, tol: float) -> None:
        """Invariants 4 and 5: nothing negative; provenance tags sum to cash."""
        for (k, h, i), v in self._claims.items():
            if v < -tol:
                raise LedgerError(f"negative claim {k} held by {h} on {i}: {v}")
        for (a, k), v in self._real.items():
            if v < -tol:
                raise LedgerError(f"negative real asset {k} of {a}: {v}")
        for agent, mix in self.tags.items():
            if any(v < -tol for v in mix.values()):
                raise LedgerError(f"negative provenance tag in {agent}'s cash: {mix}")
            if abs(sum(mix.values()) - self.cash(agent)) > tol:
                raise LedgerError(
                    f"{agent}: provenance tags sum to {sum(mix.values()):.6g}, "
                    f"cash is {self.cash(agent):.6g}"
                )

    def balance_sheet(self, agent: str) -> dict[str, dict[str, float]]:
        """Assets, liabilities and net worth of ``agent``, itemised (for the Books view)."""
        assets: dict[str, float] = defaultdict(float)
        liabilities: dict[str, float] = defaultdict(float)
        for k, h, i in self._claims:
            v = self.claim(k, h, i)
            if v == 0.0:
                continue
            if h == agent:
                assets[f"{k}:{i}"] += v
            elif i == agent:
                liabilities[f"{k}:{h}"] += v
        for (a, k), v in self._real.items():
            if a == agent and v != 0.0:
                assets[k] += v
        return {
            "assets": dict(assets),
            "liabilities": dict(liabilities),
            "net_worth": self.net_worth_accounts(agent),
        }

    @property
    def tfm(self) -> dict[tuple[str, str], float]:
        """This period's transaction-flow matrix, (row, sector) -> amount.

        Built from the period's postings when asked (it is not needed to run the model):
        a net-worth leg enters the row of its account with its sign (income +, expense -),
        a real asset bought enters the row of the posting's flow with a minus (a use of
        funds; the seller's income account has the flow's name), and a claim enters the row
        of its kind's change, minus for the holder and plus for the issuer.
        Revaluations are not transactions and are not in it.
        """
        sectors = self.sectors
        tfm: dict[tuple[str, str], float] = defaultdict(float)
        for flow, build, args in self._period_postings:
            for leg in args if build is None else build(*args):
                a = leg.amount
                if type(leg) is Claim:
                    row = "d_" + leg.kind
                    tfm[(row, sectors[leg.holder])] -= a
                    tfm[(row, sectors[leg.issuer])] += a
                elif type(leg) is Real:
                    tfm[(flow, sectors[leg.agent])] -= a
                elif type(leg) is NetWorth:
                    tfm[(leg.account, sectors[leg.agent])] += a
        return dict(tfm)

    def flow_matrix(self) -> dict[tuple[str, str], float]:
        """This period's transaction-flow matrix, (row, sector) -> amount."""
        return self.tfm
