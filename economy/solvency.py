"""Solvency: who cannot pay, and how a default is booked (bookkeeping convention 10).

A firm defaults when it ends more months in arrears than the grace period allows, or
when its book equity (assets minus debt-like claims, never the mark-to-market residual)
is negative. The default is booked in one place, in this order: cancel its contracts,
pay creditors pro rata from cash, impair real assets to a fire-sale value, write the
remaining claims down to what the assets recover (creditor loss = debtor gain), and
price its shares at zero. Losses that push a creditor's book equity below zero make it
default in the same month (a sequential cascade; the network methods of
``economy.contagion`` measure the full spread).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from . import contagion
from .indicators import money_bn
from .ledger import (
    CASH,
    CONVERTIBLE,
    DEBT_LIKE,
    EQUITY,
    REAL_KINDS,
    ROW,
    Claim,
    NetWorth,
    Real,
)

CASCADE_METHODS = (
    contagion.EISENBERG_NOE,
    contagion.FURFINE,
    contagion.LINEAR_DEBTRANK,
    contagion.EXOGENOUS_RECOVERY,
)

if TYPE_CHECKING:
    from agents.base import Firm
    from model import AIBubbleModel

ARREARS_TOL = 1e-9


def end_of_month(model: AIBubbleModel) -> list[str]:
    """Phase 7: last chance to pay, count arrears, default who must; returns the defaulted."""
    p = model.p
    for firm in model.firms:
        if firm.defaulted:
            continue
        left = firm.pay_bills()
        firm.months_in_arrears = firm.months_in_arrears + 1 if left > ARREARS_TOL else 0
    defaulted: list[str] = []
    changed = True
    while changed:  # a default can push a creditor under water in the same month
        changed = False
        for firm in model.firms:
            if firm.defaulted:
                continue
            reason = _default_reason(model, firm, p.arrears_grace_months)
            if reason:
                resolve_default(model, firm, reason)
                defaulted.append(firm.name)
                changed = True
    return defaulted


def _default_reason(model: AIBubbleModel, firm: Firm, grace: int) -> str | None:
    if firm.months_in_arrears > grace:
        return f"unpaid bills for {firm.months_in_arrears} months"
    ledger = model.ledger
    equity = ledger.book_equity(firm.name)
    if equity < -1e-9 * max(1.0, ledger.assets(firm.name)):
        return f"book equity of {money_bn(equity)}"
    return None


def network_from_ledger(model: AIBubbleModel) -> contagion.Network:
    """The claims between the model's firms and investors as a contagion network.

    Debt-like claims enter at face value. Equity stakes and convertible interests enter
    at carrying value, as in the reference's AI web: a stake is carried at the holder's
    share of the issuer's book equity (the equity method), so book equity, not the market
    price, is what a cascade can destroy. External assets are cash and real assets;
    external liabilities are debt-like claims held by the rest of the world.
    """
    ledger = model.ledger
    nodes = [a.name for a in (*model.firms, *model.investors)]
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
        external_assets=ext_assets,
        external_liabilities=ext_liab,
        interbank_matrix=matrix,
    )


def cascade_report(model: AIBubbleModel, firm: Firm) -> dict[str, Any]:
    """How the default of ``firm`` spreads, by the method ``contagion_method`` names.

    The shock is the value the default destroys outside claims: the fire-sale loss on the
    defaulting firm's real assets and, when the app company defaults, the capacity its
    cancelled contracts strand at the clouds. It is taken off external assets before the
    cascade is solved. Direct loss is the shock; amplified loss is the further equity lost
    through claims (the defaulter's unpaid bills and loans, stakes at carrying value).
    """
    p = model.p
    net = network_from_ledger(model)
    shock = [0.0] * net.n
    i = net.index(firm.name)
    shock[i] = (1.0 - p.fire_sale_recovery) * sum(
        model.ledger.real(firm.name, k) for k in REAL_KINDS
    )
    for cloud, loss in model.stranded_losses(firm.name).items():
        shock[net.index(cloud)] += loss
    shock = [min(s, a) for s, a in zip(shock, net.external_assets, strict=True)]
    method = CASCADE_METHODS[p.contagion_method]
    res = contagion.solve(net, shock, method)
    losses = {
        node: (1.0 if math.isnan(x) else float(x))
        for node, x in zip(net.nodes, res.relative_equity_loss_clipped, strict=True)
    }
    return {
        "month": model.month,
        "firm": firm.name,
        "method": method,
        "direct_loss": float(res.direct_loss),
        "amplified_loss": float(res.amplified_loss),
        "relative_equity_loss": losses,
        "defaulted": list(res.defaulted),
    }


def resolve_default(model: AIBubbleModel, firm: Firm, reason: str) -> dict[str, float]:
    """Book ``firm``'s default; returns the losses it passed to each creditor."""
    ledger = model.ledger
    p = model.p
    name = firm.name
    t = model.month
    model.record_cascade(cascade_report(model, firm))
    cancelled = model.cancel_contracts_of(name)
    # 1. pay creditors pro rata from cash
    debts = {
        (k, h): v for k in sorted(DEBT_LIKE) for h, v in sorted(ledger.creditors(name, k).items())
    }
    total = sum(debts.values())
    cash = ledger.cash(name)
    if total > 0.0 and cash > 0.0:
        share = min(1.0, cash / total)
        for (kind, holder), v in debts.items():
            x = min(v * share, ledger.cash(name))  # never overdraw by rounding
            legs = [Claim(kind, holder, name, -x), Claim(CASH, name, ROW, -x)]
            if holder != ROW:
                legs.append(Claim(CASH, holder, ROW, x))
            ledger.post("default_payout", legs)
    # 2. impair real assets to a fire-sale value
    for kind in REAL_KINDS:
        v = ledger.real(name, kind)
        if v > 0.0:
            loss = v * (1.0 - p.fire_sale_recovery)
            ledger.post(
                "impairment", (Real(name, kind, -loss), NetWorth(name, "impairment", -loss))
            )
    # 3. write what is still owed down to what the assets recover
    debts = {
        (k, h): v for k in sorted(DEBT_LIKE) for h, v in sorted(ledger.creditors(name, k).items())
    }
    owed = sum(debts.values())
    losses: dict[str, float] = {}
    if owed > 0.0:
        recovery = min(1.0, max(0.0, ledger.assets(name)) / owed)
        for (kind, holder), v in debts.items():
            x = v * (1.0 - recovery)
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
    # 4. the shares are worth nothing
    ledger.set_price(name, 0.0)
    firm.defaulted = True
    firm.default_month = t
    model.record_default(firm, reason, losses, cancelled)
    return losses
