"""The cascade booked is the cascade reported: the clearing is what the ledger writes down."""

from dataclasses import replace

import pytest

from economy.contracting import Cancellation
from economy.ledger import (
    CAPACITY,
    CASH,
    EQUITY,
    LEASE,
    LOAN,
    OTHER_ASSETS,
    REAL_KINDS,
    ROW,
    VENDOR_LOAN,
    Claim,
    Ledger,
    NetWorth,
    Real,
)
from economy.observation.clearing import IMPAIRED, LIQUIDATED, SHARES, WRITTEN_OFF, Clearing
from economy.observation.events import DefaultReason
from economy.solvency import Solvency
from model import AIBubbleModel
from params import FIRMS, FUNDS, LENDERS, Params


class _Firm:
    def __init__(self, name: str):
        self.name = name
        self.defaulted = False
        self.default_month: int | None = None
        self.months_in_arrears = 0

    def pay_bills(self) -> float:
        return 0.0


class _Contracts:
    def __init__(self) -> None:
        self.clouds: dict[str, object] = {}  # no cloud in the small network to liquidate

    def cancel_contracts_of(self, name: str, month: int) -> Cancellation:
        return Cancellation()


class _Observation:
    def __init__(self):
        self.cascades: list[Clearing] = []
        self.defaults: list[tuple] = []

    def record_cascade(self, clearing: Clearing) -> None:
        self.cascades.append(clearing)

    def record_default(self, *args) -> None:
        self.defaults.append(args)


def small_network() -> Ledger:
    """D owes a bank 8 (a loan) and a supplier 3 (a junior vendor loan); a fund owns D."""
    ledger = Ledger({"d": "firms", "s": "firms", "bank": "investors", "fund": "investors"})
    ledger.set_price("d", 5.0)
    ledger.post(
        "opening",
        (
            Claim(CASH, "d", ROW, 2.0),
            Real("d", CAPACITY, 10.0),
            Claim(LOAN, "bank", "d", 8.0),
            Claim(VENDOR_LOAN, "s", "d", 3.0),
            Claim(CASH, "bank", ROW, 20.0),
            Claim(CASH, "s", ROW, 5.0),
            Claim(CASH, "fund", ROW, 1.0),
            Claim(EQUITY, "fund", "d", 5.0),  # one share at 5
            NetWorth("d", "opening", 1.0 - 5.0),
            NetWorth("bank", "opening", 28.0),
            NetWorth("s", "opening", 8.0),
            NetWorth("fund", "opening", 1.0 + 5.0),
            NetWorth(ROW, "opening", -28.0),
        ),
    )
    ledger.start_period()
    return ledger


def test_a_small_networks_clearing_is_what_its_ledger_writes_down():
    ledger = small_network()
    p = replace(Params(), fire_sale_recovery=0.5)
    obs = _Observation()
    solvency = Solvency(ledger, p, _Contracts(), obs, ["d", "s", "bank", "fund"])  # type: ignore[arg-type]
    firm = _Firm("d")
    solvency.resolve_default(5, firm, DefaultReason.ARREARS, {"months": 3})
    ledger.check()
    (c,) = obs.cascades
    # cash 2 goes to the bank (the junior loan waits); capacity fetches 5 against the
    # bank's 6 left (it recovers 5/6: loses 1); nothing is left for the supplier (loses 3);
    # the fund's share, last priced at 5, is worth nothing; D's capacity loses 5
    assert c.losses["bank"] == {WRITTEN_OFF: pytest.approx(1.0)}
    assert c.losses["s"] == {WRITTEN_OFF: pytest.approx(3.0)}
    assert c.losses["fund"] == {SHARES: pytest.approx(5.0)}
    assert c.losses["d"] == {IMPAIRED: pytest.approx(5.0)}
    assert set(c.writedown) == set(c.losses)
    for agent in c.losses:
        assert c.writedown[agent] == pytest.approx(c.loss(agent), abs=1e-9)
    assert c.direct_loss == pytest.approx(5.0)
    assert c.claims_loss == pytest.approx(9.0)
    # the fund lost all of its book equity (1 + 5 of revaluation) less its cash (1)
    assert c.relative_equity_loss["fund"] == pytest.approx(5.0 / 6.0)
    assert firm.defaulted and firm.default_month == 5


def test_an_unbooked_loss_would_show_as_a_difference():
    """The ledger's measure is independent: a write-down the clearing misses is caught."""
    ledger = small_network()
    p = replace(Params(), fire_sale_recovery=0.5)
    obs = _Observation()

    class _Leaky(_Contracts):
        def cancel_contracts_of(self, name: str, month: int) -> Cancellation:
            # a loss booked but not reported, as a cancellation that forgot to say so
            ledger.post(
                "impairment",
                (
                    Claim(CASH, "s", ROW, -0.25),
                    NetWorth("s", "impairment", -0.25),
                    NetWorth(ROW, "impairment", 0.25),
                ),
            )
            return Cancellation()

    solvency = Solvency(ledger, p, _Leaky(), obs, ["d", "s", "bank", "fund"])  # type: ignore[arg-type]
    solvency.resolve_default(5, _Firm("d"), DefaultReason.ARREARS, {"months": 3})
    (c,) = obs.cascades
    assert c.writedown["s"] - c.loss("s") == pytest.approx(0.25)


NODES = (*FIRMS, *FUNDS, *LENDERS)


@pytest.mark.parametrize(
    ("preset", "seed"), [("seed", 0), ("reported", 1), ("nortel", 2), ("credit-crunch", 1)]
)
def test_the_reported_losses_are_the_booked_ones_in_every_default_month(preset, seed):
    m = AIBubbleModel(rng=seed, preset=preset)
    m.run_for(120)
    df = m.datacollector.get_model_vars_dataframe()
    months = {c.month for c in m.observation.cascades}
    assert months, "the run should have a default"
    for x in NODES:
        assert (df[f"cascade_loss_{x}"] - df[f"writedown_{x}"]).abs().max() <= 1e-9
    # the report is not empty where defaults happen, and empty elsewhere
    losses = df[[f"cascade_loss_{x}" for x in NODES]].abs().sum(axis=1)
    assert (losses[df["month"].isin(months)] > 0).all()
    assert (losses[~df["month"].isin(months)] == 0).all()
    # what the clouds lose when the app company defaults includes the capacity it strands
    app = [c for c in m.observation.cascades if c.firm == "openai"]
    if app:
        assert any("stranded" in app[0].losses.get(k, {}) for k in ("oracle", "coreweave"))


def test_a_defaulters_shares_and_convertible_interests_are_cleared():
    """The estate sells the shares it holds for its creditors; a convertible ranks last."""
    m = AIBubbleModel(rng=1, preset="reported")
    m.run_for(120)
    default = next(d for d in m.observation.defaults if d["firm"] == "openai")
    assert default is not None
    ledger = m.ledger
    assert not ledger.holdings("openai", EQUITY)  # the AMD shares were sold
    from economy.ledger import CONVERTIBLE

    assert not ledger.creditors("openai", CONVERTIBLE)  # written off, nothing left for it
    clearing = next(c for c in m.observation.cascades if c.firm == "openai")
    assert clearing.losses["equity_funds"].get(WRITTEN_OFF, 0.0) > 0.0


@pytest.mark.parametrize(
    ("preset", "seed", "kw"),
    [
        ("reported", 1, {}),
        ("nortel", 2, {}),
        ("history", 2, {}),
        # contracts abandoned for want of funding, some at the chip stage
        ("reported", 1, {"max_build_wait_months": 1, "leverage_limit": 0.3}),
    ],
)
def test_cancelled_construction_never_stays_as_collateral(preset, seed, kw):
    """A data centre cancelled before service is written down and sold, not kept on the books."""
    m = AIBubbleModel(rng=seed, preset=preset, **kw)
    sold = 0.0
    for _ in range(120):
        m.step()
        sold += sum(
            max(0.0, v) for (row, _), v in m.ledger.flow_matrix().items() if row == "site_sale"
        )
        for cloud in m.clouds:
            if cloud.defaulted:
                continue
            live = sum(c.built for c in cloud.building if c.cancelled is None)
            assert m.ledger.real(cloud.name, "construction_in_progress") == pytest.approx(
                live, rel=1e-9, abs=1e-9
            )
    cancelled = [(c, c.cancelled) for c in m.contracting.contracts if c.cancelled is not None]
    assert cancelled and all(c.built == 0.0 or c.start <= month for c, month in cancelled)
    assert sold > 0.0, "the run should cancel some construction"


def _owes_a_lease_and_a_loan() -> tuple[Ledger, Solvency]:
    """A defaulted cloud with 10 of cash, a lease of 10 and a bank loan of 10."""
    ledger = Ledger({"d": "firms", "pc": "investors", "bank": "investors"})
    ledger.post(
        "opening",
        (
            Claim(CASH, "d", ROW, 10.0),
            Claim(LEASE, "pc", "d", 10.0),
            Claim(LOAN, "bank", "d", 10.0),
            NetWorth("d", "opening", -10.0),
            NetWorth("pc", "opening", 10.0),
            NetWorth("bank", "opening", 10.0),
            NetWorth(ROW, "opening", -10.0),
        ),
    )
    solvency = Solvency(ledger, Params(), _Contracts(), _Observation(), ["d", "pc", "bank"])  # type: ignore[arg-type]
    return ledger, solvency


def test_a_liquidated_clouds_lease_is_paid_first_from_the_sale_of_its_data_centres():
    ledger, solvency = _owes_a_lease_and_a_loan()
    # the data centres fetched 60% of their book value (all its cash): the lease gets 6
    # of its 10 first, then the 4 left are shared pro rata with the loan (4 and 10 owed)
    solvency._pay_out_cash("d", proceeds=10.0, ratio=0.6)
    assert ledger.claim(LEASE, "pc", "d") == pytest.approx(4.0 - 4.0 * 4.0 / 14.0)
    assert ledger.claim(LOAN, "bank", "d") == pytest.approx(10.0 - 4.0 * 10.0 / 14.0)
    assert ledger.cash("d") == pytest.approx(0.0, abs=1e-12)
    ledger.check()


def test_a_lease_is_paid_first_no_more_than_the_sale_fetched():
    ledger, solvency = _owes_a_lease_and_a_loan()  # 4 of its cash from the sale, 6 it had
    # 80% of the lease's principal would be 8, but the sale fetched 4: it gets 4 first,
    # then the other 6 are shared pro rata (6 and 10 owed)
    solvency._pay_out_cash("d", proceeds=4.0, ratio=0.8)
    assert ledger.claim(LEASE, "pc", "d") == pytest.approx(6.0 - 6.0 * 6.0 / 16.0)
    assert ledger.claim(LOAN, "bank", "d") == pytest.approx(10.0 - 6.0 * 10.0 / 16.0)
    ledger.check()


def _run_to_oracles_default() -> tuple[AIBubbleModel, dict[str, float]]:
    """The model in the month Oracle defaults, and what stood the month before.

    nortel, seed 2, a thin market for idle capacity: Oracle defaults 18 months after the
    app company (CoreWeave 6 months later), with its business outside the loop on its books.
    """
    m = AIBubbleModel(
        rng=2, preset="nortel", collect=False, check_invariants=True, rental_demand_spend=0.3
    )
    cloud = m.clouds_by_name["oracle"]
    ledger = m.ledger
    before: dict[str, float] = {}
    while not cloud.defaulted:
        before = {
            "capacity": ledger.real("oracle", CAPACITY),
            "other": ledger.real("oracle", OTHER_ASSETS),
            "owed": ledger.debt_owed("oracle"),
            # its fleet still working next month, and what outside buyers hold already
            "compute": sum(
                h.compute for h in cloud.cohorts if m.month + 1 < h.start + h.life_months
            ),
            "outside": sum(x[0] for x in m.contracting.rental.outside),  # CoreWeave's, if sold
        }
        m.step()
        assert m.month < 119, "Oracle no longer defaults in this run: pick another"
    return m, before


def test_a_defaulted_clouds_data_centres_are_sold_at_market_value_and_stay_on_the_market():
    m, before = _run_to_oracles_default()
    cloud = m.clouds_by_name["oracle"]
    ledger = m.ledger
    book, compute, outside = before["capacity"], before["compute"], before["outside"]
    assert m.app.defaulted and m.app.default_month is not None
    assert m.app.default_month < m.month
    assert ledger.real("oracle", CAPACITY) == 0.0 and not cloud.cohorts
    sold = -ledger.period_accounts.get((ROW, "liquidation_sale"), 0.0)
    (c,) = [x for x in m.observation.cascades if x.firm == "oracle"]
    # written down to its rental-market value at the month it defaults (nothing here: the
    # app company's default wrote its stranded capacity down to that value), then sold for it
    written = c.losses["oracle"].get(LIQUIDATED, 0.0)
    assert written >= 0.0 and sold > 0.0
    assert sold + written <= book + 1e-9  # its book less the month's depreciation
    rental = m.contracting.rental
    assert sum(x[0] for x in rental.outside) - outside == pytest.approx(compute)
    m.step()  # its buyers let it on the market for idle capacity
    assert rental.offered >= compute - 1e-9


def test_a_liquidated_estate_is_sold_for_cash_paid_out_by_rank_and_nothing_stays_with_it():
    """The firm leaves: its creditors get cash, not claims on it that never pay.

    Oracle's business outside the loop is impaired to a fire-sale value, sold to buyers
    outside the loop, and the cash is paid to its creditors.
    """
    m, before = _run_to_oracles_default()
    ledger = m.ledger
    other, owed = before["other"], before["owed"]
    assert other > 0.0 and owed > 0.0
    sold = -ledger.period_accounts.get((ROW, "estate_sale"), 0.0)
    assert sold == pytest.approx(m.p.fire_sale_recovery * other)
    # nothing is left with the estate: no real asset, no cash, no claim held or owed
    assert all(ledger.real("oracle", k) == 0.0 for k in REAL_KINDS)
    assert ledger.cash("oracle") == pytest.approx(0.0, abs=1e-9)
    assert [c for c in ledger.claims_of("oracle") if abs(c[3]) > 1e-9 and c[0] != EQUITY] == []
    # and what each balance sheet lost is what the report says it lost
    (c,) = [x for x in m.observation.cascades if x.firm == "oracle"]
    for agent in set(c.losses) | set(c.writedown):
        assert c.loss(agent) == pytest.approx(c.writedown.get(agent, 0.0), abs=1e-9)
