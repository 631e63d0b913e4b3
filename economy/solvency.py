"""Solvency: who cannot pay, and how a default is booked (bookkeeping convention 10).

A firm defaults when it ends more months in arrears than the grace period allows: a
payment missed, not a balance sheet, decides (a firm whose book equity is negative but
that pays its bills goes on, as Oracle did with a small stockholders' deficit (from
buybacks) in fiscal 2022). Its bills include credit a lender called: at maturity, or at
once when a lender enforces a broken covenant (``agents/lender.py``,
``Lenders.test_covenants``). The default is booked in one place, in this order: cancel
its contracts, pay creditors pro rata from cash, impair real assets to a fire-sale
value, write the remaining claims down to what the assets recover (creditor loss =
debtor gain; a secured claim, a private-credit SPV's data-centre lease, recovers first
from the data centres it financed and shares the rest pro rata for what they do not
cover), and price its shares at zero. A creditor's loss spreads through its cash and
credit: it defaults when it can no longer pay (the network methods of
``economy.contagion`` measure the spread the claims allow).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from params import Params

from . import contagion
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
    SENIOR,
    Claim,
    Ledger,
    NetWorth,
)
from .observation import DefaultReason, Observation

CASCADE_METHODS = (
    contagion.EISENBERG_NOE,
    contagion.FURFINE,
    contagion.LINEAR_DEBTRANK,
    contagion.EXOGENOUS_RECOVERY,
)
ARREARS_TOL = 1e-9


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
    """

    def __init__(
        self,
        ledger: Ledger,
        p: Params,
        contracting: Contracting,
        observation: Observation,
        nodes: Sequence[str],
    ):
        self.ledger = ledger
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

    def network(self) -> contagion.Network:
        """The claims between the model's firms and investors as a contagion network.

        Debt-like claims enter at face value. Equity stakes and convertible interests enter
        at carrying value, as in the reference's AI web: a stake is carried at the holder's
        share of the issuer's book equity (the equity method), so book equity, not the
        market price, is what a cascade can destroy. External assets are cash and real
        assets; external liabilities are debt-like claims held by the rest of the world.
        """
        ledger = self.ledger
        nodes = list(self.nodes)
        index = {n: i for i, n in enumerate(nodes)}
        n = len(nodes)
        matrix = [[0.0] * n for _ in range(n)]
        ext_assets = [0.0] * n
        ext_liab = [0.0] * n
        book = {name: max(0.0, ledger.book_equity(name)) for name in nodes}
        for name in nodes:
            i = index[name]
            # rounding can leave a balance a hair below zero; the network takes none below zero
            ext_assets[i] = max(0.0, ledger.cash(name)) + sum(
                max(0.0, ledger.real(name, k)) for k in REAL_KINDS
            )
            for kind, holder, issuer, value in ledger.claims_of(name):
                if value <= 0.0 or kind == CASH:
                    continue
                if holder == name and issuer in index:
                    if kind == EQUITY:
                        out = ledger.shares_outstanding(issuer)
                        carried = book[issuer] * ledger.shares(holder, issuer) / out if out else 0.0
                        matrix[i][index[issuer]] += carried
                    elif kind in DEBT_LIKE or kind == CONVERTIBLE:
                        matrix[i][index[issuer]] += value
                elif issuer == name and holder not in index and kind in DEBT_LIKE:
                    ext_liab[i] += value
        return contagion.Network(
            nodes=tuple(nodes),
            external_assets=np.asarray(ext_assets, dtype=float),
            external_liabilities=np.asarray(ext_liab, dtype=float),
            interbank_matrix=np.asarray(matrix, dtype=float),
        )

    def cascade_report(self, month: int, name: str) -> dict[str, Any]:
        """How the default of ``name`` spreads, by the method ``contagion_method`` names.

        The shock is the value the default destroys outside claims: the fire-sale loss on
        the defaulting firm's real assets and, when the app company defaults, the capacity
        its cancelled contracts strand at the clouds. It is taken off external assets
        before the cascade is solved. Direct loss is the shock; amplified loss is the
        further equity lost through claims (the defaulter's unpaid bills and loans, stakes
        at carrying value). The report keeps the network and the shock it solved.
        """
        p = self.p
        net = self.network()
        shock = [0.0] * net.n
        i = net.index(name)
        shock[i] = (1.0 - p.fire_sale_recovery) * sum(self.ledger.real(name, k) for k in REAL_KINDS)
        for cloud, loss in self.contracting.stranded_losses(name, month).items():
            shock[net.index(cloud)] += loss
        shock = [min(s, a) for s, a in zip(shock, net.external_assets, strict=True)]
        method = CASCADE_METHODS[p.contagion_method]
        res = contagion.solve(net, shock, method)
        losses = {
            node: (1.0 if math.isnan(x) else float(x))
            for node, x in zip(net.nodes, res.relative_equity_loss_clipped, strict=True)
        }
        return {
            "month": month,
            "firm": name,
            "method": method,
            "direct_loss": float(res.direct_loss),
            "amplified_loss": float(res.amplified_loss),
            "relative_equity_loss": losses,
            "defaulted": list(res.defaulted),
            "network": net,
            "shock": shock,
        }

    def resolve_default(
        self, month: int, firm: Debtor, reason: DefaultReason, detail: dict[str, Any]
    ) -> dict[str, float]:
        """Book ``firm``'s default; returns the losses it passed to each creditor."""
        name = firm.name
        self.observation.record_cascade(self.cascade_report(month, name))
        cancelled = self.contracting.cancel_contracts_of(name, month)
        self._pay_out_cash(name)
        self._impair_real_assets(name)
        losses = self._write_off(name)
        self.ledger.set_price(name, 0.0)  # the shares are worth nothing
        firm.defaulted = True
        firm.default_month = month
        self.observation.record_default(month, name, reason, detail, losses, cancelled)
        return losses

    def _debts(self, name: str) -> dict[tuple[str, str], float]:
        ledger = self.ledger
        return {
            (k, h): v
            for k in sorted(DEBT_LIKE)
            for h, v in sorted(ledger.creditors(name, k).items())
        }

    def _pay_out_cash(self, name: str) -> None:
        """Pay creditors pro rata from cash (cash secures no claim); junior claims last.

        Subordinated claims (``JUNIOR``: vendor loans) are paid only from cash left once
        every other claim is paid in full.
        """
        ledger = self.ledger
        debts = self._debts(name)
        for rank in (False, True):  # the rest, then the junior claims
            part = {k: v for k, v in debts.items() if (k[0] in JUNIOR) == rank}
            total = sum(part.values())
            cash = ledger.cash(name)
            if total <= 0.0 or cash <= 0.0:
                continue
            share = min(1.0, cash / total)
            for (kind, holder), v in part.items():
                x = min(v * share, ledger.cash(name))  # never overdraw by rounding
                ledger.pay_claim("default_payout", name, kind, holder, x)

    def _impair_real_assets(self, name: str) -> None:
        """Impair real assets to a fire-sale value."""
        ledger = self.ledger
        for kind in REAL_KINDS:
            v = ledger.real(name, kind)
            if v > 0.0:
                loss = v * (1.0 - self.p.fire_sale_recovery)
                ledger.book_real("impairment", name, kind, -loss, "impairment")

    def _recovery(self, name: str, debts: dict[tuple[str, str], float]) -> dict[str, float]:
        """Share of each kind of claim the assets recover: secured claims first.

        A secured claim (``SENIOR``: a data-centre lease) recovers first from its
        collateral: the data centres it financed, which cost its principal and fetch
        ``fire_sale_recovery`` of it (never more than the data centres on the books, in
        service and under construction); what the collateral does not cover is an
        unsecured claim like the rest, and all of them share the other assets pro rata;
        a junior claim (``JUNIOR``: a supplier's vendor loan, subordinated to the lenders'
        credit) recovers only what is left once the others recover in full.
        """
        ledger = self.ledger
        assets = max(0.0, ledger.assets(name))
        secured = sum(v for (kind, _), v in debts.items() if kind in SENIOR)
        junior = sum(v for (kind, _), v in debts.items() if kind in JUNIOR)
        collateral = min(
            sum(max(0.0, ledger.real(name, k)) for k in (CAPACITY, CIP)),
            self.p.fire_sale_recovery * secured,
        )
        covered = min(secured, collateral)
        unsecured = sum(debts.values()) - covered - junior
        rest = max(0.0, assets - covered)
        r = min(1.0, rest / unsecured) if unsecured > 0.0 else 1.0
        out = {kind: r for kind, _ in debts}
        if secured > 0.0:
            for kind in SENIOR:
                out[kind] = (covered + r * (secured - covered)) / secured
        if junior > 0.0:  # what is left once the others recover in full
            left = max(0.0, rest - unsecured)
            for kind in JUNIOR:
                out[kind] = min(1.0, left / junior)
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
