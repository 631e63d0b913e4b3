"""Solvency: who cannot pay, and how a default is booked (bookkeeping convention 10).

A firm defaults when it ends more months in arrears than the grace period allows: a
payment missed, not a balance sheet, decides (a firm whose book equity is negative but
that pays its bills goes on, as Oracle did with a small stockholders' deficit (from
buybacks) in fiscal 2022). Its bills include credit a lender called: at maturity, or at
once when a lender enforces a broken covenant (``agents/lender.py``,
``Lenders.test_covenants``). The default is booked in one place, in this order: cancel
its contracts, pay creditors pro rata from cash (a private-credit SPV's data-centre
lease first from the sale of the data centres it financed), impair the other real
assets to a fire-sale value and sell them for cash paid out by rank, write off what is
still owed (creditor loss = debtor gain), and price its shares at zero: nothing stays
with the estate. What each balance sheet loses is one calculation,
the default's clearing (``economy.observation.clearing``): the report shows it and the
ledger books it. A creditor's loss spreads through its cash and credit: it defaults when
it can no longer pay, in a later month (the network methods of ``economy.contagion``,
for networks a user supplies, measure the spread claims allow when losses strike at once).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from params import APP, Params

from .contracting import Contracting
from .ledger import (
    CAPACITY,
    CASH,
    CIP,
    CONVERTIBLE,
    DEBT_LIKE,
    EQUITY,
    JUNIOR,
    REAL_KINDS,
    REVALUATION,
    ROW,
    SENIOR,
    Claim,
    Ledger,
    NetWorth,
    Real,
)
from .observation import DefaultReason, Observation
from .observation.clearing import (
    IMPAIRED,
    LIQUIDATED,
    PREPAID_KEPT,
    SHARES,
    STRANDED,
    WRITTEN_OFF,
    Clearing,
)

ARREARS_TOL = 1e-9
CLEARED = DEBT_LIKE | {CONVERTIBLE}  # claims a default clears (equity is priced at zero)
# accounts a default moves that are no one's loss: a site, a data centre or what is left of
# the estate sold at its value
NOT_LOSSES = frozenset({"site_sale", "liquidation_sale", "estate_sale"})


def _rank(kind: str) -> int:
    """Order of payment out of a defaulter's cash: 0 first, then junior, then convertible."""
    return 2 if kind == CONVERTIBLE else 1 if kind in JUNIOR else 0


class Debtor(Protocol):
    """A firm as solvency acts on it: it pays its bills, and it may default."""

    name: str
    defaulted: bool
    default_month: int | None
    months_in_arrears: int

    def pay_bills(self) -> float:
        """Pay what it can of its bills; returns what is left unpaid."""
        ...


class Solvency:
    """Who cannot pay, and how a default is booked.

    Args:
        ledger: the ledger.
        p: the parameters.
        contracting: the contract register (a default cancels contracts).
        observation: where defaults and cascade reports are recorded.
        nodes: every agent with a balance sheet (firms and investors), the cascade's nodes.
        app_users: the effective GW the app company's users need this month and what
            they pay a month (those of them who move to the other labs when it defaults
            take their demand for compute with them).
    """

    def __init__(
        self,
        ledger: Ledger,
        p: Params,
        contracting: Contracting,
        observation: Observation,
        nodes: Sequence[str],
        app_users: Callable[[], tuple[float, float]] = lambda: (0.0, 0.0),
    ):
        self.ledger = ledger
        self.app_users = app_users
        self.p = p
        self.contracting = contracting
        self.observation = observation
        self.nodes = tuple(nodes)

    def end_of_month(self, month: int, firms: Sequence[Debtor]) -> list[str]:
        """Phase 7: last chance to pay, count arrears, default who must; returns the defaulted."""
        for firm in firms:
            if firm.defaulted:
                continue
            left = firm.pay_bills()
            firm.months_in_arrears = firm.months_in_arrears + 1 if left > ARREARS_TOL else 0
        defaulted: list[str] = []
        for firm in firms:  # a creditor's loss this month shows in its payments next month
            if firm.defaulted:
                continue
            why = self._default_reason(firm)
            if why is not None:
                self.resolve_default(month, firm, *why)
                defaulted.append(firm.name)
        return defaulted

    def _default_reason(self, firm: Debtor) -> tuple[DefaultReason, dict[str, Any]] | None:
        if firm.months_in_arrears > self.p.arrears_grace_months:
            return DefaultReason.ARREARS, {"months": firm.months_in_arrears}
        return None  # negative book equity with the cash to pay is no default

    def resolve_default(
        self, month: int, firm: Debtor, reason: DefaultReason, detail: dict[str, Any]
    ) -> dict[str, float]:
        """Book ``firm``'s default; returns the losses it passed to each creditor.

        The default's clearing (what each balance sheet loses, by channel) is recorded
        with what the ledger wrote down, measured from every balance sheet's net worth
        before and after: the two agree (``tests/test_cascade.py``).
        """
        name = firm.name
        ledger = self.ledger
        before = {a: ledger.net_worth_accounts(a) for a in ledger.sectors}
        book_before = {a: ledger.book_equity(a) for a in self.nodes}
        price = ledger.price(name)
        holders = ledger.creditors(name, EQUITY)
        clearing = Clearing(month, name)
        if name == APP:  # its users move in part to the other labs, before the glut is valued
            share = self.p.user_migration_share
            users = self.app_users
            self.contracting.rental.migrate(month, lambda: share * users()[0], share * users()[1])
        cancelled = self.contracting.cancel_contracts_of(name, month)
        for cloud, x in cancelled.stranded.items():
            clearing.add(cloud, STRANDED, x)
        for cloud, x in cancelled.prepaid.items():
            clearing.add(cloud, PREPAID_KEPT, -x)
            clearing.add(name, PREPAID_KEPT, x)
        self._sell_holdings(name)
        proceeds = ratio = 0.0
        builder = self.contracting.clouds.get(name)
        if builder is not None:  # a cloud's data centres are sold at market value
            loss, proceeds, book = builder.liquidate(month)
            clearing.add(name, LIQUIDATED, loss)
            ratio = proceeds / book if book > 0.0 else 0.0
        self._pay_out_cash(name, proceeds, ratio)
        clearing.add(name, IMPAIRED, self._impair_real_assets(name))
        self._sell_estate(name)
        self._pay_out_cash(name)  # the sale's proceeds, by rank
        losses = self._write_off(name)
        for holder, x in losses.items():
            clearing.add(holder, WRITTEN_OFF, x)
        for holder, n in holders.items():
            clearing.add(holder, SHARES, n * price)
        ledger.set_price(name, 0.0)  # the shares are worth nothing
        clearing.writedown = self._written_down(name, before)
        clearing.relative_to(book_before)
        firm.defaulted = True
        firm.default_month = month
        self.observation.record_cascade(clearing)
        self.observation.record_default(month, name, reason, detail, losses, cancelled.n)
        return losses

    def _written_down(self, name: str, before: dict[str, dict[str, float]]) -> dict[str, float]:
        """What the ledger wrote off each balance sheet's net worth since ``before``.

        Measured from the accounts, apart from the clearing's own figures: the defaulter's
        debts forgiven and shares re-marked are not its gains, and accounts that are no
        one's loss (``NOT_LOSSES``) are left out.
        """
        out: dict[str, float] = {}
        for a in self.ledger.sectors:
            after = self.ledger.net_worth_accounts(a)
            keys = (set(after) | set(before[a])) - NOT_LOSSES
            if a == name:
                keys -= {"write_off", REVALUATION}
            d = sum(after.get(k, 0.0) - before[a].get(k, 0.0) for k in keys)
            if d != 0.0:
                out[a] = -d
        return out

    def _debts(self, name: str) -> dict[tuple[str, str], float]:
        """What the estate owes, by (kind, holder): debt-like claims and convertible interests."""
        ledger = self.ledger
        return {
            (k, h): v for k in sorted(CLEARED) for h, v in sorted(ledger.creditors(name, k).items())
        }

    def _sell_holdings(self, name: str) -> None:
        """Sell the shares the defaulter holds (the app company's AMD shares) for cash.

        A block sale to investors outside the loop (the rest of the world) at the market
        price, so the estate pays its creditors with them rather than keeping them.
        """
        ledger = self.ledger
        for issuer, v in sorted(ledger.holdings(name, EQUITY).items()):
            ledger.post(
                "default_sale",
                (
                    Claim(EQUITY, name, issuer, -v),
                    Claim(EQUITY, ROW, issuer, v),
                    Claim(CASH, name, ROW, v),
                ),
            )

    def _pay_out_cash(self, name: str, proceeds: float = 0.0, ratio: float = 0.0) -> None:
        """Pay creditors from cash: secured claims from their collateral, then pro rata.

        A liquidated cloud's data-centre leases (``SENIOR``) are paid first from the
        ``proceeds`` of the sale of its data centres: each its principal times ``ratio``
        (what the data centres fetched over their book value: the lease financed their
        cost), never more in all than the proceeds, shared pro rata. Then every claim is
        paid pro rata from the cash left; subordinated claims (``JUNIOR``: vendor loans)
        only from cash left once every other claim is paid in full, and convertible
        interests (equity to come) only from cash left after them.
        """
        ledger = self.ledger
        debts = self._debts(name)
        secured = {k: v for k, v in debts.items() if k[0] in SENIOR}
        owed = sum(secured.values())
        first = min(owed * min(1.0, ratio), proceeds, ledger.cash(name))
        if first > 0.0:
            for (kind, holder), v in secured.items():
                x = min(first * v / owed, ledger.cash(name))
                ledger.pay_claim("default_payout", name, kind, holder, x)
                debts[(kind, holder)] = v - x
        for rank in (0, 1, 2):  # the rest, the junior claims, the convertible interests
            part = {k: v for k, v in debts.items() if _rank(k[0]) == rank}
            total = sum(part.values())
            cash = ledger.cash(name)
            if total <= 0.0 or cash <= 0.0:
                continue
            share = min(1.0, cash / total)
            for (kind, holder), v in part.items():
                x = min(v * share, ledger.cash(name))  # never overdraw by rounding
                ledger.pay_claim("default_payout", name, kind, holder, x)

    def _impair_real_assets(self, name: str) -> float:
        """Impair real assets to a fire-sale value; returns the loss."""
        ledger = self.ledger
        total = 0.0
        for kind in REAL_KINDS:
            v = ledger.real(name, kind)
            if v > 0.0:
                loss = v * (1.0 - self.p.fire_sale_recovery)
                ledger.book_real("impairment", name, kind, -loss, "impairment")
                total += loss
        return total

    def _sell_estate(self, name: str) -> None:
        """Sell the real assets the estate still has, at their fire-sale value, for cash.

        What is left once a cloud's data centres are sold (its business outside the loop,
        a site nobody finishes) goes to buyers outside the loop (the rest of the world) at
        the value the impairment left, so the creditors are paid in cash by rank and the
        firm leaves: no asset stays with the estate, and no creditor keeps a claim on it.
        """
        ledger = self.ledger
        for kind in REAL_KINDS:
            x = ledger.real(name, kind)
            if x > 0.0:
                ledger.post(
                    "estate_sale",
                    (
                        Real(name, kind, -x),
                        Claim(CASH, name, ROW, x),
                        NetWorth(ROW, "estate_sale", -x),
                    ),
                )

    def _recovery(self, name: str, debts: dict[tuple[str, str], float]) -> dict[str, float]:
        """Share of each kind of claim the assets recover: secured claims first.

        A secured claim (``SENIOR``: a data-centre lease) recovers first from its
        collateral: the data centres it financed, which cost its principal and fetch
        ``fire_sale_recovery`` of it (never more than the data centres on the books, in
        service and under construction); what the collateral does not cover is an
        unsecured claim like the rest, and all of them share the other assets pro rata;
        a junior claim (``JUNIOR``: a supplier's vendor loan, subordinated to the lenders'
        credit) recovers only what is left once the others recover in full, and a
        convertible interest only what is left after the junior claims.
        """
        ledger = self.ledger
        assets = max(0.0, ledger.assets(name))
        secured = sum(v for (kind, _), v in debts.items() if kind in SENIOR)
        junior = sum(v for (kind, _), v in debts.items() if kind in JUNIOR)
        convertible = sum(v for (kind, _), v in debts.items() if kind == CONVERTIBLE)
        collateral = min(
            sum(max(0.0, ledger.real(name, k)) for k in (CAPACITY, CIP)),
            self.p.fire_sale_recovery * secured,
        )
        covered = min(secured, collateral)
        unsecured = sum(debts.values()) - covered - junior - convertible
        rest = max(0.0, assets - covered)
        r = min(1.0, rest / unsecured) if unsecured > 0.0 else 1.0
        out = {kind: r for kind, _ in debts}
        if secured > 0.0:
            for kind in SENIOR:
                out[kind] = (covered + r * (secured - covered)) / secured
        left = max(0.0, rest - unsecured)
        if junior > 0.0:  # what is left once the others recover in full
            for kind in JUNIOR:
                out[kind] = min(1.0, left / junior)
        if convertible > 0.0:  # what is left after the junior claims
            out[CONVERTIBLE] = min(1.0, max(0.0, left - junior) / convertible)
        return out

    def _write_off(self, name: str) -> dict[str, float]:
        """Write what is still owed down to what the assets recover; losses by creditor."""
        ledger = self.ledger
        debts = self._debts(name)
        losses: dict[str, float] = {}
        if not debts:
            return losses
        recovery = self._recovery(name, debts)
        for (kind, holder), v in debts.items():
            x = v * (1.0 - min(1.0, recovery[kind]))
            if x <= 0.0:
                continue
            ledger.post(
                "write_off",
                (
                    Claim(kind, holder, name, -x),
                    NetWorth(holder, "write_off", -x),
                    NetWorth(name, "write_off", x),
                ),
            )
            losses[holder] = losses.get(holder, 0.0) + x
        return losses
