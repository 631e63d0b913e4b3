"""The market for idle GPU capacity (issue 20, item 3; docs/model.md §7.4).

Capacity out of contract clears against the other AI labs' demand curve: the price falls
with a glut and with obsolescence, capacity whose rent would not cover its running costs
is switched off, the rent the clouds keep is what the market pays less those costs, and
capacity a default strands is written down to what the market would pay for it, so more
outside demand means smaller write-downs.
"""

from __future__ import annotations

import itertools

import pytest

from economy.rental import Offer, RentalMarket
from model import AIBubbleModel
from params import APP, CLOUDS, Params


def _model(preset: str, seed: int, **overrides: float) -> AIBubbleModel:
    p = Params.from_preset(preset, **overrides)
    return AIBubbleModel(rng=seed, preset=preset, params=p, collect=False)


def _market(**overrides: float) -> RentalMarket:
    return _model("seed", 0, **overrides).contracting.rental


def test_price_is_the_new_price_until_offered_exceeds_demand_then_falls_with_the_glut():
    r = _market()
    month = 30
    new = r.new_price(month)
    d = r.demand(month)
    assert r.quote(month, 0.0) == new
    assert r.quote(month, 0.5 * d) == new  # the tenant would take more at the new price
    prices = [r.quote(month, k * d) for k in (1.0, 2.0, 4.0, 8.0)]
    assert prices[0] == pytest.approx(new)
    assert all(a > b for a, b in itertools.pairwise(prices))
    # on the demand curve: what is offered is what the tenant takes at that price
    for k, price in zip((2.0, 4.0, 8.0), prices[1:], strict=True):
        assert r.demand(month, price) == pytest.approx(k * d, rel=1e-12)
    assert r.demand(month, 1.01 * new) == 0.0  # above the new price it signs for new capacity


def test_a_more_elastic_tenant_absorbs_a_glut_at_a_smaller_price_cut():
    month, glut = 40, 5.0
    lo = _market(rental_demand_elasticity=0.8)
    hi = _market(rental_demand_elasticity=2.5)
    offered = glut * lo.demand(month)
    assert hi.quote(month, offered) > lo.quote(month, offered)


def test_obsolescence_the_price_of_a_unit_of_compute_falls_as_chips_improve():
    r = _market()
    prices = [r.quote(m, 0.0) for m in range(0, 120, 12)]
    assert all(a > b for a, b in itertools.pairwise(prices))
    # an H100-class GPU rents for the January-2024 price per unit of compute
    assert r.per_gpu_hour(prices[0]) == pytest.approx(prices[0] * 1e9 / (600_000 * 730))


def test_without_a_glut_everything_lets_at_the_new_price_less_running_costs():
    r = _market()
    month = 30
    d = r.demand(month)
    new = r.new_price(month)
    offers = [Offer("oracle", 0.2 * d, 0.01), Offer("coreweave", 0.3 * d, 0.02)]
    net = r.clear(month, offers)
    assert r.price == new and r.let == pytest.approx(0.5 * d) and r.offered == r.let
    assert net["oracle"] == pytest.approx((new * 0.2 * d, 0.01))
    assert net["coreweave"] == pytest.approx((new * 0.3 * d, 0.02))
    assert r.kept == pytest.approx(r.rent - 0.03)


def test_in_a_glut_the_cheapest_to_run_lets_first_and_old_chips_switch_off():
    r = _market()
    month = 30
    d = r.demand(month)
    new = r.new_price(month)
    # per unit of compute: new chips cost little to run, old ones nearly the new price
    cheap = Offer("oracle", 2.0 * d, 0.05 * new * 2.0 * d)
    dear = Offer("coreweave", 2.0 * d, 0.9 * new * 2.0 * d)
    net = r.clear(month, [dear, cheap])
    assert r.offered == pytest.approx(4.0 * d)
    assert r.let == pytest.approx(2.0 * d)  # the old chips' rent would not cover their power
    assert r.price == pytest.approx(r.quote(month, 2.0 * d))
    assert "coreweave" not in net
    assert net["oracle"] == pytest.approx((r.price * 2.0 * d, cheap.opex))
    # where the tenant wants more at the next cohort's running cost, it takes part of it
    mid = Offer("coreweave", 2.0 * d, 0.5 * new * 2.0 * d)
    net = r.clear(month, [cheap, mid])
    assert 2.0 * d < r.let < 4.0 * d
    assert r.price == pytest.approx(0.5 * new)  # the part-let cohort's running cost
    assert r.demand(month, r.price) == pytest.approx(r.let)
    rent, opex = net["coreweave"]
    assert rent == pytest.approx(opex)  # it just covers its power


def test_value_is_the_discounted_rent_less_running_costs_over_the_life_left():
    r = _market()
    month, left, compute, opex = 50, 37, 2.0, 0.05
    disc = (1 + r.p.interest_rate) ** (-1 / 12)
    q = r.let + 3.0
    brute = sum(max(0.0, compute * r.quote(month + k, q) - opex) * disc**k for k in range(left))
    assert r.value(month, left, 3.0, compute, opex) == pytest.approx(brute, rel=1e-12)
    assert r.value(month, 0, 3.0, compute, opex) == 0.0
    added = [r.value(month, left, a, compute, opex) for a in (0.0, 20.0, 80.0, 320.0)]
    assert added[0] >= added[1] > added[2] > added[3] >= 0.0
    assert r.value(month, 12, 0.0, compute, opex) < r.value(month, 36, 0.0, compute, opex)
    assert r.value(month, left, 3.0, compute, 2 * opex) < r.value(month, left, 3.0, compute, opex)


def test_the_clouds_receive_what_the_market_pays_every_month():
    m = _model("reported", 3)
    m.check_invariants = True
    let_months = 0
    for _ in range(96):
        m.step()
        r = m.contracting.rental
        booked = m.ledger.period_accounts
        for c in CLOUDS:
            rent, opex = r.paid.get(c, (0.0, 0.0))
            assert booked.get((c, "idle_rent"), 0.0) == pytest.approx(rent, abs=1e-12)
            # it pays its contracts' running costs and those of what it lets (read from the
            # contract book, which a default this month has already changed: skipped)
            if not m.clouds_by_name[c].defaulted and all(
                f.default_month != m.month for f in m.firms
            ):
                _, running = m.contracting.service_due(c, m.month)
                paid = -booked.get((c, "cloud_opex"), 0.0)
                assert paid == pytest.approx(max(0.0, running) + opex, abs=1e-9)
        assert r.kept <= r.rent + 1e-12
        assert r.price <= r.new_price(m.month) + 1e-15
        if r.let > 0:
            let_months += 1
    assert let_months > 12  # after the app company's default, its capacity is let for years


def test_a_glut_after_the_app_company_defaults_cuts_the_rent_below_the_new_price():
    m = _model("reported", 3)
    ratios = []
    for _ in range(96):
        m.step()
        r = m.contracting.rental
        if m.app.defaulted and r.let > 0:
            ratios.append(r.price / r.new_price(m.month))
    assert ratios and min(ratios) < 0.9


def _stranded_at_the_app_default(**overrides: float) -> tuple[int, float]:
    m = _model("reported", 2, **overrides)
    while not m.app.defaulted:
        m.step()
    clearing = next(c for c in m.observation.cascades if c.firm == APP)
    stranded = sum(clearing.losses.get(c, {}).get("stranded", 0.0) for c in CLOUDS)
    return m.month, stranded


def test_more_outside_demand_for_idle_capacity_means_smaller_write_downs_at_the_default():
    month_thin, thin = _stranded_at_the_app_default(rental_demand_spend=0.3)
    month_deep, deep = _stranded_at_the_app_default(rental_demand_spend=3.0)
    assert month_thin == month_deep  # the same default, valued by a thinner or deeper market
    assert thin > deep > 0.0


def test_no_cohort_is_written_up():
    m = _model("reported", 1)
    m.check_invariants = True
    m.run_for(90)
    assert m.app.defaulted
    for cloud in m.clouds:
        for h in cloud.cohorts:
            assert 0.0 <= h.book <= h.cost + 1e-9
            assert h.compute > 0.0


def test_users_who_move_take_their_compute_demand_to_the_other_labs():
    r = _market()
    month, later = 40, 64
    before = r.demand(month)
    need = [5.0]
    r.migrate(month, lambda: need[0], 100.0)  # they paid far more than their compute costs
    assert r.demand(month) == pytest.approx(before + 5.0)  # at the new price, their compute
    assert r.demand(month - 1) == pytest.approx(_market().demand(month - 1))  # not before
    need[0] = 6.0  # their use grows: so does their demand for compute
    assert r.spend(later) == pytest.approx(_market().spend(later) + 6.0 * r.new_price(later))
    # a lab pays for their compute no more than they bring in
    r.migrate(month, lambda: 5.0, 1.0)
    assert r.spend(month) == pytest.approx(_market().spend(month) + 1.0)


def test_when_the_app_company_fails_its_users_move_and_the_glut_costs_the_clouds_less():
    month_none, none = _stranded_at_the_app_default(user_migration_share=0.0)
    month_most, most = _stranded_at_the_app_default(user_migration_share=0.9)
    assert month_none == month_most
    assert none > most > 0.0
    m = _model("reported", 2, user_migration_share=0.9)
    while not m.app.defaulted:
        m.step()
    r = m.contracting.rental
    assert r.migrated is not None and r.migrated.since == m.month
    assert r.migrated.revenue == pytest.approx(0.9 * m.app.revenue_hist[-1])
    moved = 0.9 * m.app.compute_need_inference
    p, t = r.p, m.month
    others = p.rental_demand_spend * (1 + p.rental_demand_growth) ** (t / 12)
    spent = others + min(moved * r.new_price(t), r.migrated.revenue)
    assert r.spend(t) == pytest.approx(spent)
    for _ in range(12):  # a year on, their demand is still what their use needs
        m.step()
    t = m.month
    moved = 0.9 * m.app.compute_need_inference
    others = p.rental_demand_spend * (1 + p.rental_demand_growth) ** (t / 12)
    assert r.spend(t) == pytest.approx(others + min(moved * r.new_price(t), r.migrated.revenue))


def test_the_sensitivity_script_reports_what_it_ran():
    from scripts.rental_sensitivity import draws, report, run

    points = draws(3)
    assert len(points) == 3
    for p in points:
        assert 0.3 <= p["rental_demand_spend"] <= 3.0
        assert 0.3 <= p["user_migration_share"] <= 0.9
    rows = [run("nortel", 42, p) for p in points]
    assert all(r.app is not None and r.stranded > 0.0 for r in rows)
    text = report("nortel", rows)
    assert "nortel: 3 draws" in text and "coreweave defaults in" in text
    assert "rank correlation of the write-down with rental_demand_growth" in text
