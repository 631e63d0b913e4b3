"""ChipSupplier: the fuel (NVIDIA, AMD). Sells chips to clouds and invests in the app company."""

from __future__ import annotations

from economy.ledger import CIP, EQUITY, PAYABLE, ROW, VENDOR_LOAN, Claim, Leg, NetWorth, Real
from economy.observation import EventKind

from .base import Firm
from .world import World


class ChipSupplier(Firm):
    """A chip supplier.

    It books chip sales when a cloud's capex instalment falls due, pays its foundry the
    cost of goods, and, where it has a milestone deal, buys new shares of the app company
    for each whole GW deployed with its chips.
    """

    sector = "chip_suppliers"
    group = "fuel"

    def __init__(self, model: World, name: str, label: str):
        super().__init__(model, name, label)
        self.gross_margin: float = model.p.firm("gross_margin", name)

    # ------------------------------------------------------------------ phases
    def unlock_milestones(self) -> None:
        """Phase 4: invest one tranche per whole GW of new systems with this supplier's chips.

        GW count from the deal's start; a lapsed letter of intent pays nothing.
        """
        if self.defaulted:
            return
        model = self.model
        app = model.app
        if app.defaulted:
            return
        contracting = model.contracting
        for deal in contracting.milestones:
            if deal.investor != self.name or not deal.live(model.month):
                continue
            deal.observe(contracting.gw_deployed_since(self.name, deal.start))
            n = deal.tranches_due()
            if n <= 0:
                continue
            amount = n * deal.per_gw
            if self.cash < amount:
                model.lenders.lend(self, amount - self.cash)
            if self.cash < amount:  # a supplier that cannot pay keeps the tranche due
                continue
            self.ledger.transfer(
                "milestone_equity",
                self.name,
                app.name,
                amount,
                Claim(EQUITY, self.name, app.name, amount),
            )
            deal.record(n)
            app.earmarked += amount
            model.observation.log(
                model.month,
                EventKind.MILESTONE,
                self.name,
                supplier=self.name,
                app=app.name,
                amount=amount,
                tranche=deal.tranches,
                gw=deal.high_water_gw,
                paid=deal.paid,
                cap=deal.cap,
            )

    def vendor_loans(self) -> float:
        """Vendor loans outstanding to the clouds, US$ bn."""
        return sum(self.ledger.holdings(self.name, VENDOR_LOAN).values())

    def vendor_credit_room(self) -> float:
        """Vendor credit it would still extend, US$ bn: its limit less its loans (0 if none)."""
        if self.defaulted or self.model.p.vendor_credit_share <= 0.0:
            return 0.0
        return max(0.0, self.model.p.vendor_credit_limit - self.vendor_loans())

    def sell_chips(self, cloud: str, amount: float) -> None:
        """Book a chip sale to ``cloud`` and the foundry's bill for its cost.

        ``vendor_credit_share`` of the invoice (within ``vendor_credit_limit``) is lent to
        the buyer: one posting with no cash, the supplier gets a loan claim and revenue,
        the cloud the asset and the debt (convention 9). The rest is a bill.
        """
        if amount <= 0.0:
            return
        p = self.model.p
        credit = 0.0
        if p.vendor_credit_share > 0.0 and not self.model.firms_by_name[cloud].defaulted:
            room = max(0.0, p.vendor_credit_limit - self.vendor_loans())
            credit = min(amount * p.vendor_credit_share, room)
        cost = amount * (1.0 - self.gross_margin)
        legs: list[Leg] = [
            Claim(PAYABLE, self.name, cloud, amount - credit),
            Real(cloud, CIP, amount),
            NetWorth(self.name, "chip_sales", amount),
            # the foundry's bill for the chips' cost
            Claim(PAYABLE, ROW, self.name, cost),
            NetWorth(self.name, "cogs", -cost),
            NetWorth(ROW, "cogs", cost),
        ]
        memo: tuple[tuple[str, str, str, float], ...] = (("chips", self.name, cloud, amount),)
        if credit > 0.0:
            legs.append(Claim(VENDOR_LOAN, self.name, cloud, credit))
            memo += (("vendor_credit", self.name, cloud, credit),)
        self.model.ledger.post("chip_sales", legs, memo)

    def vest_warrants(self) -> None:
        """Phase 4: vest the app company's warrants on this supplier's shares (AMD style).

        Tranche k vests once ``k`` tranches' worth of GW have been deployed with this
        supplier's chips since the deal's start and the share price has reached tranche k's hurdle;
        the supplier issues the shares (the strike is a cent: ignored) and books their value
        as an expense, the holder as a gain.
        """
        model = self.model
        for w in model.contracting.warrants:
            if w.issuer != self.name or self.defaulted:
                continue
            if model.firms_by_name[w.holder].defaulted:  # a defaulted holder's warrants lapse
                continue
            w.observe(model.contracting.gw_deployed_since(self.name, w.start))
            price = self.ledger.price(self.name)
            n = w.tranches_due(price)
            if n <= 0:
                continue
            value = n * w.shares_per_tranche * price
            self.ledger.post(
                "warrant_vesting",
                (
                    Claim(EQUITY, w.holder, self.name, value),
                    NetWorth(self.name, "warrant_vesting", -value),
                    NetWorth(w.holder, "warrant_vesting", value),
                ),
            )
            w.vest(n)
            model.observation.log(
                model.month,
                EventKind.WARRANT,
                self.name,
                n=n,
                holder=w.holder,
                issuer=self.name,
                shares_m=n * w.shares_per_tranche * 1000,
                value=value,
                vested=w.vested,
                tranches=w.tranches,
            )

    def settle_month(self) -> None:
        """Phase 5: earn outside income, accrue interest, pay what is due (backstops included)."""
        if self.defaulted:
            return
        self.earn_other_income()
        self.model.ledger.accrue_many("interest", self.interest_bills())
        self.pay_bills()
