"""ChipSupplier: the fuel (NVIDIA, AMD). Sells chips to clouds and invests in the app company."""

from __future__ import annotations

from economy.ledger import CASH, CIP, EQUITY, PAYABLE, ROW, VENDOR_LOAN, Claim, NetWorth, Real

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

    def vendor_loans(self) -> float:
        """Vendor loans outstanding to the clouds, US$ bn."""
        return sum(self.ledger.holdings(self.name, VENDOR_LOAN).values())

    def sell_chips(self, cloud: str, amount: float) -> None:
        """Book a chip sale to ``cloud`` and the foundry's bill for its cost.

        ``vendor_credit_share`` of the invoice (within ``vendor_credit_limit``) is lent to
        the buyer: one posting with no cash, the supplier gets a loan claim and revenue,
        the cloud the asset and the debt (convention 9). The rest is a bill.
        """
        if amount <= 0.0:
            return
        p = self.p
        credit = 0.0
        if p.vendor_credit_share > 0.0 and not self.model.firms_by_name[cloud].defaulted:
            room = max(0.0, p.vendor_credit_limit - self.vendor_loans())
            credit = min(amount * p.vendor_credit_share, room)
        cost = amount * (1.0 - p.firm("gross_margin", self.name))
        legs = [
            Claim(PAYABLE, self.name, cloud, amount - credit),
            Real(cloud, CIP, amount),
            NetWorth(self.name, "chip_sales", amount),
            # the foundry's bill for the chips' cost
            Claim(PAYABLE, ROW, self.name, cost),
            NetWorth(self.name, "cogs", -cost),
            NetWorth(ROW, "cogs", cost),
        ]
        if credit > 0.0:
            legs.append(Claim(VENDOR_LOAN, self.name, cloud, credit))
        self.ledger.post("chip_sales", legs)
        flows = self.model.pair_flows
        flows[("chips", self.name, cloud)] = flows.get(("chips", self.name, cloud), 0.0) + amount
        if credit > 0.0:
            key = ("vendor_credit", self.name, cloud)
            flows[key] = flows.get(key, 0.0) + credit

    def vest_warrants(self) -> None:
        """Phase 4: vest the app company's warrants on this supplier's shares (AMD style).

        Tranche k vests once ``k`` tranches' worth of GW have been deployed with this
        supplier's chips since month 0 and the share price has reached tranche k's hurdle;
        the supplier issues the shares (the strike is a cent: ignored) and books their value
        as an expense, the holder as a gain.
        """
        model = self.model
        for w in model.warrants:
            if w.issuer != self.name or self.defaulted:
                continue
            w.observe(model.app_gw_by_supplier[self.name] - model.opening_gw_by_supplier[self.name])
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
            w.vested += n
            holder = model.firms_by_name[w.holder]
            model.log_event(
                "warrant",
                self.name,
                f"{n} tranche(s) of {holder.label}'s {self.label} warrant vest: "
                f"{n * w.shares_per_tranche * 1000:.0f}M shares worth ${value:,.1f}B "
                f"({w.vested} of {w.tranches})",
            )

    def settle_month(self) -> None:
        """Phase 5: earn outside income, accrue interest, pay what is due (backstops included)."""
        if self.defaulted:
            return
        self.earn_other_income()
        self.ledger.accrue_many("interest", self.interest_bills())
        self.pay_bills()
