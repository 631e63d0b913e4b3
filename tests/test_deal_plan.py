"""The deal book as the capacity plan: vintages, ramps, delivery, start dates and lapses.

Issue 17's proof: endogenous contracts stay within the plan's bound in every month of
every preset; a lapsed letter of intent pays nothing after its lapse; AMD's chips and
NVIDIA's milestone GW count only from their start dates; chips are invoiced on delivery.
"""

from __future__ import annotations

from typing import cast

import pytest

from agents.app_company import AppCompany
from agents.chip_supplier import ChipSupplier
from economy.contracting import Contracting
from economy.dealbook import deal_book
from economy.observation import EventKind
from economy.opening import DealKind, deals_from
from model import AIBubbleModel
from params import Params, load_preset, month_index, preset_names

JULY_2026 = month_index("2026-07")


def events(m: AIBubbleModel, kind: EventKind) -> list:
    return [e for e in m.observation.events if e.kind is kind]


@pytest.mark.parametrize("preset", preset_names())
def test_own_contracts_stay_within_the_plan_every_month(preset, monkeypatch):
    """Own GW signed <= max(0, need forecast x (1 + headroom) - contracted - planned) / eff.

    The bound is recomputed from the state the app company sees when it signs (after the
    month's dated deals), from the contract register and the deal book's tranches.
    """
    checked: list[tuple[float, float, float]] = []  # (bound recomputed, its bound, signed)
    original = AppCompany.sign_contracts

    def sign(app: AppCompany) -> None:
        m, p = app.model, app.p
        t, lag = m.month, p.build_lag_months
        contracting = cast(Contracting, m.contracting)  # the register itself, not its view
        growth = app.annualised_growth(app.need_hist, t, 6)
        growth = min(max(growth, -0.9), p.forecast_growth_cap)
        target = app.compute_need * (1.0 + growth) ** (lag / 12.0) * (1.0 + p.capacity_headroom)
        contracted = sum(
            c.gw * c.efficiency
            for c in contracting.contracts
            if c.start <= t + lag < c.end and (c.cancelled is None or c.cancelled > t + lag)
        )
        planned = sum(
            tr.gw * contracting.chip_efficiency(tr.start)
            for tr in contracting.tranches
            if (tr.deal.date or 0) > t and tr.bills(t + lag)
        )
        before = len(contracting.contracts)
        original(app)
        signed = sum(c.gw for c in contracting.contracts[before:])
        assert signed == pytest.approx(app.contract_signed_gw, abs=1e-12)
        if not app.defaulted:
            eff = contracting.chip_efficiency(t + lag)
            bound = max(0.0, target - contracted - planned) / eff
            checked.append((bound, app.contract_bound_gw, signed))

    monkeypatch.setattr(AppCompany, "sign_contracts", sign)
    m = AIBubbleModel(rng=1, preset=preset)
    m.run_for(120)
    assert checked
    for bound, its_bound, signed in checked:
        assert its_bound == pytest.approx(bound, rel=1e-9, abs=1e-9)
        assert signed <= bound + 1e-9
    assert any(signed > 0.0 for *_, signed in checked)  # tested on months that signed


def test_excess_contracted_gw_is_capacity_beyond_need():
    m = AIBubbleModel(rng=1, preset="reported")
    m.run_for(48)
    df = m.datacollector.get_model_vars_dataframe()
    row = df.iloc[-1]
    need = row["app_compute_need"] * (1.0 + m.p.capacity_headroom)
    expected = row["deployed_gw"] * max(0.0, 1.0 - need / row["deployed_compute"])
    assert row["excess_contracted_gw"] == pytest.approx(expected)
    assert (df["excess_contracted_gw"] >= 0.0).all()
    assert (df["excess_contracted_gw"] <= df["deployed_gw"] + 1e-9).all()


def test_vintages_take_the_deal_rows_to_their_month():
    rows = deal_book()
    reported = load_preset("reported")
    history = load_preset("history")
    assert reported.deals_until == month_index("2025-10")
    assert history.deals_until == max(r.date for r in rows)  # every row
    p = Params.from_preset("reported")
    in_reported = deals_from(p, (), reported.deals_until)
    in_history = deals_from(p, (), history.deals_until)
    clouds = [d.parties[1] for d in in_reported if d.kind is DealKind.CLOUD_CONTRACT]
    assert "amazon" not in clouds  # Amazon's contract is dated 2025-11
    assert "amazon" in [d.parties[1] for d in in_history if d.kind is DealKind.CLOUD_CONTRACT]
    assert not [d for d in in_reported if d.kind is DealKind.EQUITY_PURCHASE]
    assert {d.source for d in in_history if d.kind is DealKind.EQUITY_PURCHASE} == {
        "deals.csv:softbank-tranche",
        "deals.csv:nvidia-coreweave-equity",
        "deals.csv:round-2026-first-close",
        "deals.csv:round-2026-final",
    }
    loi = [d for d in in_reported if d.kind is DealKind.MILESTONE_EQUITY]
    assert loi[0].start == JULY_2026 and loi[0].lapses is None  # not known in October 2025
    loi = [d for d in in_history if d.kind is DealKind.MILESTONE_EQUITY]
    assert loi[0].lapses == month_index("2026-01")


def test_a_lapsed_letter_of_intent_pays_nothing_after_it_lapses():
    m = AIBubbleModel(rng=1, preset="history")
    m.run_for(120)
    assert not events(m, EventKind.MILESTONE)
    assert m.contracting.milestones[0].paid == 0.0
    # the same letter, lapsing later: it pays before the lapse and nothing from it
    m = AIBubbleModel(rng=1, preset="reported")
    lapse = JULY_2026 + 12
    m.contracting.milestones[0].lapses = lapse
    m.run_for(120)
    months = [e.month for e in events(m, EventKind.MILESTONE)]
    assert months and max(months) < lapse
    assert min(months) >= JULY_2026


def test_nvidia_dated_equity_is_loop_equity_not_milestone_equity():
    m = AIBubbleModel(rng=1, preset="history")
    m.run_for(27)
    df = m.datacollector.get_model_vars_dataframe()
    feb = month_index("2026-02")
    assert df["milestone_investment_total"].iloc[-1] == 0.0
    assert df["flow_supplier_equity"].iloc[feb] == pytest.approx(30.0)
    paid = {(e.fields["investor"], e.fields["amount"]) for e in events(m, EventKind.DATED_EQUITY)}
    assert ("nvidia", 30.0) in paid and ("amazon", 15.0) in paid


@pytest.mark.parametrize("preset", ["seed", "reported", "history"])
def test_amd_chips_and_milestone_gw_only_from_their_start(preset):
    m = AIBubbleModel(rng=2, preset=preset)
    m.run_for(120)
    book = m.contracting.book
    for t in range(JULY_2026):
        assert book.column("gw_by_chip", t)[1] == 0.0  # no AMD capacity before July 2026
    amd_start = [c for c in m.contracting.contracts if c.chip_split["amd"] > 0.0]
    assert all(c.start >= JULY_2026 for c in amd_start)
    for e in events(m, EventKind.MILESTONE) + events(m, EventKind.WARRANT):
        assert e.month >= JULY_2026
    deal = m.contracting.milestones[0]
    # the deal counts while the app company stands (the supplier stops at its default)
    stop = m.app.default_month if m.app.default_month is not None else 119
    if deal.lapses is not None:  # history: the letter lapsed before it counted anything
        assert deal.high_water_gw == 0.0
        return
    counted = sum(
        c.gw * c.chip_split["nvidia"]
        for c in m.contracting.contracts
        if JULY_2026 <= c.start <= stop and (c.cancelled is None or c.cancelled >= c.start)
    )
    assert deal.high_water_gw == pytest.approx(counted)


def test_chips_are_invoiced_on_delivery(monkeypatch):
    sales: list[tuple[int, str, float]] = []
    original = ChipSupplier.sell_chips

    def record(self, cloud, amount):
        sales.append((self.model.month, cloud, amount))
        original(self, cloud, amount)

    monkeypatch.setattr(ChipSupplier, "sell_chips", record)
    m = AIBubbleModel(rng=1, preset="reported")
    m.run_for(40)
    share = m.p.chip_share_of_capex
    for t in range(40):
        for cloud in m.clouds_by_name:
            invoiced = sum(a for month, c, a in sales if month == t and c == cloud)
            delivered = sum(
                c.capex * share
                for c in m.contracting.contracts
                if c.cloud == cloud and c.start == t and c.cancelled is None
            )
            assert invoiced == pytest.approx(delivered, rel=1e-9, abs=1e-9), (t, cloud)


def test_oracle_ramp_and_abilene_cut_in_history():
    m = AIBubbleModel(rng=1, preset="history")
    m.run_for(30)
    announced = [
        e for e in events(m, EventKind.ANNOUNCED_CONTRACT) if e.fields["cloud"] == "oracle"
    ]
    assert [e.fields["start"] for e in announced] == [36, 39, 42, 45]
    oracle = [c for c in m.contracting.contracts if c.cloud == "oracle" and c.signed == 20][:4]
    assert [c.start for c in oracle] == [36, 39, 42, 45]
    assert sum(c.gw for c in oracle) == pytest.approx(4.5 - 0.6)
    assert [e.fields["gw"] for e in events(m, EventKind.CONTRACT_CUT)] == [pytest.approx(0.6)]


def test_the_compute_plan_cut_caps_new_commitments():
    m = AIBubbleModel(rng=1, preset="history")
    cut = month_index("2026-05")
    assert m.contracting.commitment_cap(cut - 1) is None
    assert m.contracting.commitment_cap(cut) == 600.0
    signed = 0
    for t in range(120):
        m.step()  # the backlog at the end of each month (later contracts add to it later)
        if t >= cut and m.app.contract_signed_gw > 0.0:
            signed += 1
            assert m.contracting.backlog(t) <= 600.0 + 1e-6
    assert signed > 0  # the cap was tested on months the app company signed


@pytest.mark.parametrize(
    ("value", "message"),
    [("2025-13", "must be a month"), ("yesterday", "must be a month"), ("1999-01", "month")],
)
def test_a_bad_vintage_is_refused_naming_the_key(tmp_path, value, message):
    from params import PresetError, load_preset_file

    path = tmp_path / "x.toml"
    path.write_text(f'description = "x"\ndeals_until = "{value}"\n', encoding="utf-8")
    with pytest.raises(PresetError, match=message) as err:
        load_preset_file(path)
    assert "deals_until" in str(err.value)


def test_the_deal_book_report_recomputes_the_docs_counterfactual(capsys):
    """docs/scenarios.md: without the dated deals the app company contracts the same GW."""
    from scripts import deal_book_report

    assert deal_book_report.main(["--seeds", "1"]) == 0
    out = capsys.readouterr().out
    rows = {
        line.split("|")[1].strip(): line.split("|")[2:5]
        for line in out.splitlines()
        if line.startswith("| with") or line.startswith("| without")
    }
    with_deals = float(rows["with the dated deals"][0])
    without = float(rows["without them"][0])
    assert with_deals == pytest.approx(without, rel=0.05)
    assert "| history |" in out and "| soft-landing |" in out
