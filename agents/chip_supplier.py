"""ChipSupplier: the fuel (NVIDIA, AMD). Sells chips to clouds and invests in the app company."""

from __future__ import annotations

from economy.ledger import CASH, CIP, EQUITY, PAYABLE, ROW, Claim, NetWorth, Real

from .base import Firm


class ChipSupplier(Firm):
    """A chip supplier.

    It books chip sales when a cloud's capex instalment falls due, pays its foundry the
    cost of goods, and, where it has a milestone deal, buys new shares of the app company
    for each whole GW deployed with its chips.
    """

    sector = "chip_suppliers"
    group = "fuel"

    def step(self) -> None:
        """A supplier's month outside the phases: nothing; the model calls the phases."""

    # ------------------------------------------------------------------ phases
    def unlock_milestones(self) -> None:
        """Phase 4: invest one tranche per whole GW deployed with this supplier's chips."""
        if self.defaulted:
            return
        model = self.model
        app = model.app
        if app.defaulted:
            return
        for deal in model.deals:
            if deal.investor != self.name:
                continue
            deal.observe(
                model.app_gw_by_supplier[self.name] - model.opening_gw_by_supplier[self.name]
            )
            n = deal.tranches_due()
            if n <= 0:
                continue
            amount = n * deal.per_gw
            if self.cash < amount:
                model.lenders.lend(self, amount - self.cash)
            if self.cash < amount:  # a supplier that cannot pay keeps the tranche due
                continue
            self.ledger.post(
                "milestone_equity",
                (
                    Claim(CASH, self.name, ROW, -amount),
                    Claim(CASH, app.name, ROW, amount),
                    Claim(EQUITY, self.name, app.name, amount),
                ),
            )
            self.ledger.period_cash[("milestone_equity", self.name, app.name)] += amount
            deal.record(model.month, n)
            model.log_event(
                "milestone",
                self.name,
                f"{self.label} invests ${amount:,.1f}B in {app.label}: tranche "
                f"{deal.tranches} for {deal.high_water_gw:.1f} GW deployed "
                f"(${deal.paid:,.0f}B of ${deal.cap:,.0f}B)",
            )

    def sell_chips(self, cloud: str, amount: float) -> None:
        """Book a chip sale invoiced to ``cloud`` and the foundry bill for its cost."""
        if amount <= 0.0:
            return
        cost = amount * (1.0 - self.p.firm("gross_margin", self.name))
        self.ledger.post(
            "chip_sales",
            (
                Claim(PAYABLE, self.name, cloud, amount),
                Real(cloud, CIP, amount),
                NetWorth(self.name, "chip_sales", amount),
                # the foundry's bill for the chips' cost
                Claim(PAYABLE, ROW, self.name, cost),
                NetWorth(self.name, "cogs", -cost),
                NetWorth(ROW, "cogs", cost),
            ),
        )
        key = ("chips", self.name, cloud)
        self.model.pair_flows[key] = self.model.pair_flows.get(key, 0.0) + amount

    def settle_month(self) -> None:
        """Phase 5: earn outside income, accrue interest, pay foundry and other bills."""
        if self.defaulted:
            return
        self.earn_other_income()
        self.ledger.accrue_many("interest", self.interest_bills())
        self.pay_bills()
