"""The market for GPU capacity out of contract: other AI labs rent what the loop leaves idle.

Capacity whose contract has ended (expired or cancelled by a default) and that is still
within its working life is offered each month to one aggregate tenant, the other AI labs
(Anthropic, Google, Meta, xAI and smaller labs), after any backstop has bought its part
(docs/model.md §7.4). Quantities are effective compute: GW x chip efficiency (January-2024
chips = 1). The tenant would spend ``rental_demand_spend`` a month (growing
``rental_demand_growth`` a year) at the price of new capacity ``P_new(t)`` per effective
GW-month (the price of a contract signed at t over its chips' efficiency), and its demand
has the constant price elasticity ``rental_demand_elasticity`` (e):

    D(P, t) = spend(t) / P_new(t) x (P / P_new(t)) ** -e

When the app company defaults (a liquidation: it leaves), ``user_migration_share`` of its
users move to the other labs, and the tenant's spend at the new price rises by what their
compute costs at that price, never more than they paid (:meth:`RentalMarket.migrate`; in
a glut they rent more than that at the lower price, like the rest of the tenant's demand).
A defaulted cloud's data centres are sold out of the loop and their buyers let them on this
market too (:meth:`RentalMarket.take_over`): a failure adds to the glut whatever of its
fleet was still under contract. What is offered (Q) clears at

    P(t) = P_new(t) x min(1, (D(P_new, t) / Q) ** (1 / e)),

never above the price of new capacity (a tenant can sign for new capacity instead), so
a GW of a given vintage rents for ``P(t) x its efficiency``: less as newer chips make it
obsolete (``P_new`` falls with the cost per FLOP) and less when more is on offer (a glut).
The owner pays the running costs of what it lets (power, staff: ``cloud_opex_to_capex`` of
the capacity's cost a year), so a cohort is offered only at a price that covers them: the
cheapest to run per unit of compute (the newest) let first, and old chips retire when the
rent no longer covers their power. Where the next cohort's running cost is above the
price that would clear with it, the tenant takes part of it at that running cost.

The same market values capacity a cancelled contract strands (:meth:`RentalMarket.value`):
the rent, less running costs, a cohort would earn month by month over the working life it
has left, at the price the market would clear at with the capacity released let besides
what is let now, as the tenant's demand grows and ``P_new`` falls, discounted at
``interest_rate``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from params import Params

from .ledger import ROW

HOURS_PER_MONTH = 730.0
# A GW of January-2024 capacity holds about 600,000 H100-class GPUs: an 8-GPU H100 server
# draws about 10.2 kW (1.3 kW a GPU), about 1.6 kW with cooling and power losses (a power
# usage effectiveness of about 1.25). Used only to show the rental price per GPU-hour.
H100_PER_GW = 600_000.0


@dataclass(frozen=True, slots=True)
class Migration:
    """Users who moved to the other labs when the app company was liquidated."""

    since: int  # the month they moved
    compute: Callable[[], float]  # the effective GW their use needs now
    revenue: float  # what they paid a month: the most their compute is worth to a lab


@dataclass(frozen=True, slots=True)
class Offer:
    """Idle capacity a cloud offers: its effective compute and the running cost of letting it."""

    owner: str
    compute: float  # effective GW (GW x chip efficiency)
    opex: float  # running cost a month if it is all let, US$ bn


class RentalMarket:
    """The monthly market for idle capacity (module docstring).

    Args:
        p: the parameters.
        new_price: price of new capacity per effective GW-month in a month, US$ bn.

    Attributes:
        offered: effective GW offered in the last month cleared.
        let: effective GW let.
        price: the clearing price per effective GW-month, US$ bn.
        rent: rent the tenant paid, US$ bn.
        kept: what the owners kept of it, less the running costs of what they let, US$ bn.
        paid: by owner, the rent it received and the running costs of what it let.
        let_by: by owner, the effective GW it let.
        migrated: the app company's users who moved to the other labs, if it defaulted.
        outside: liquidated capacity its buyers let here (compute, running cost, end).
    """

    def __init__(self, p: Params, new_price: Callable[[int], float]):
        self.p = p
        self.new_price = new_price
        self.offered = 0.0
        self.let = 0.0
        self.price = new_price(0)
        self.rent = 0.0
        self.kept = 0.0
        self.paid: dict[str, tuple[float, float]] = {}  # by owner: rent, running costs
        self.let_by: dict[str, float] = {}  # by owner: effective GW let
        self.migrated: Migration | None = None
        self.outside: list[tuple[float, float, int]] = []  # (compute, opex, end) sold out

    def migrate(self, month: int, compute: Callable[[], float], revenue: float) -> None:
        """Users of a liquidated app company move to the other labs, with their compute.

        ``compute``: the effective GW those users' use needs, read each month (it grows
        only as their use of tokens does); ``revenue``: what they paid a month. From
        ``month`` the tenant's spend at the price of new capacity rises by what their
        compute costs at that price, never more than the revenue they bring.
        """
        self.migrated = Migration(month, compute, revenue)

    def take_over(self, cohorts: Sequence[tuple[float, float, int]]) -> None:
        """Capacity sold out of the loop stays on this market: its buyers let it here.

        Each: effective compute, running cost a month, first month past its working life.
        """
        self.outside.extend(cohorts)

    def outside_offers(self, month: int) -> list[Offer]:
        """What the buyers of liquidated capacity offer in ``month``."""
        return [Offer(ROW, c, o) for c, o, end in self.outside if month < end]

    def spend(self, month: int) -> float:
        """What the tenant would spend a month at the price of new capacity, US$ bn."""
        p = self.p
        out = p.rental_demand_spend * (1.0 + p.rental_demand_growth) ** (month / 12.0)
        m = self.migrated
        if m is not None and month >= m.since:
            out += min(m.compute() * self.new_price(month), m.revenue)
        return out

    def demand(self, month: int, price: float | None = None) -> float:
        """Effective GW the tenant would rent at ``price`` (default: the new price)."""
        p = self.p
        new = self.new_price(month)
        spend = self.spend(month)
        if price is None:
            return spend / new
        if price > new:  # it signs for new capacity instead
            return 0.0
        if price <= 0.0:
            return float("inf")
        return spend / new * (price / new) ** -p.rental_demand_elasticity

    def quote(self, month: int, offered: float) -> float:
        """Price per effective GW-month at which ``offered`` effective GW would let."""
        new = self.new_price(month)
        if offered <= 0.0:
            return new
        d = self.demand(month)
        if d <= 0.0:
            return 0.0
        return new * min(1.0, (d / offered) ** (1.0 / self.p.rental_demand_elasticity))

    def clear(self, month: int, offers: Sequence[Offer]) -> dict[str, tuple[float, float]]:
        """Clear the month's market; returns each owner's rent and running costs, US$ bn.

        Offers are let in order of running cost per unit of compute while the price that
        clears with them covers it; the first that would not be covered is let in part,
        as far as the tenant wants more at its running cost, which is then the price.
        """
        ranked = sorted((o for o in offers if o.compute > 0.0), key=lambda o: o.opex / o.compute)
        taken: list[tuple[Offer, float]] = []  # an offer and the share of it let
        let = 0.0
        price = self.quote(month, 0.0)
        for o in ranked:
            floor = o.opex / o.compute
            whole = self.quote(month, let + o.compute)
            if whole >= floor:
                taken.append((o, 1.0))
                let += o.compute
                price = whole
                continue
            more = self.demand(month, floor) - let if floor > 0.0 else 0.0
            if more > 0.0:
                taken.append((o, min(1.0, more / o.compute)))
                let += min(more, o.compute)
                price = floor
            break
        self.offered = sum(o.compute for o in ranked)
        self.let = let
        self.price = price
        self.rent = price * let
        out: dict[str, tuple[float, float]] = {}
        by: dict[str, float] = {}
        for o, share in taken:
            rent, opex = out.get(o.owner, (0.0, 0.0))
            out[o.owner] = (rent + share * price * o.compute, opex + share * o.opex)
            by[o.owner] = by.get(o.owner, 0.0) + share * o.compute
        self.let_by = by
        self.kept = sum(r - o for r, o in out.values())
        self.paid = out
        return out

    def value(
        self, month: int, months_left: int, added: float, compute: float, opex: float
    ) -> float:
        """Value of idle capacity with ``months_left`` of working life, US$ bn.

        ``compute`` effective GW costing ``opex`` a month to run, let month by month at
        the price that would clear with ``added`` effective GW let besides what is let
        now (the tenant's demand growing and the price of new capacity falling as the
        market assumes), less its running costs (never below zero: it is switched off),
        discounted at ``interest_rate``.
        """
        discount = (1.0 + self.p.interest_rate) ** (-1.0 / 12.0)
        q = self.let + added
        total = 0.0
        d = 1.0
        for k in range(max(0, months_left)):
            total += d * max(0.0, compute * self.quote(month + k, q) - opex)
            d *= discount
        return total

    def per_gpu_hour(self, price: float) -> float:
        """A price per effective GW-month as US$ per January-2024 (H100-class) GPU-hour."""
        return price * 1e9 / (H100_PER_GW * HOURS_PER_MONTH)
