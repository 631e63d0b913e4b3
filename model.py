"""AIBubbleModel: the AI financing loop as a stock-flow-consistent Mesa model.

One step is one month; month 0 is January 2024. This file wires the agents to the
institutions and orders the month's phases (docs/model.md §3): demand, contracting,
capex, milestones, service, capital market, solvency, books. Each mechanism lives in
the file named after it (docs/model.md, "Where each mechanism lives"). Money moves only
through the ledger; randomness comes only from the model's ``rng``.

Example:
    >>> from model import AIBubbleModel
    >>> m = AIBubbleModel(rng=42, preset="seed")
    >>> m.run_for(12)
    >>> df = m.datacollector.get_model_vars_dataframe()
"""

from __future__ import annotations

import logging
from typing import Any

import mesa

from agents import (
    AppCompany,
    Bank,
    BondInvestors,
    ChipSupplier,
    CloudProvider,
    EquityInvestors,
    Lenders,
    PrivateCredit,
)
from agents.investor import Fund
from agents.lender import Lender
from economy.contracting import Contracting
from economy.finance import LoanBook
from economy.ledger import Ledger
from economy.market import Market
from economy.observation import LABELS, EventLog, Observation, month_date
from economy.observation.collector import MonthCollector
from economy.opening import OPENING_CLOUD, deals_from, open_books, opening_line
from economy.solvency import Solvency
from params import (
    APP,
    BANKS,
    BOND_INVESTORS,
    CLOUDS,
    PRIVATE_CREDIT,
    SUPPLIERS,
    Params,
    load_preset,
)

__all__ = ["AIBubbleModel", "month_date"]


class AIBubbleModel(mesa.Model):
    """The loop: chip suppliers, cloud providers, the app company and investors.

    Args:
        rng: seed (or numpy Generator) for every random draw; same seed, same run.
        preset: scenario preset under ``scenarios/`` (``None``: calibration defaults).
        params: a ready :class:`Params` (then ``preset`` only supplies its dated deals).
        check_invariants: check every ledger invariant at the end of each month
            (raises ``LedgerError`` on the first that fails; costs run time).
        collect: record the monthly columns in ``datacollector``.
        **overrides: parameter values by name, applied after the preset.

    Attributes:
        p: the parameters.
        month: the month being run (0 = January 2024; -1 before the first step).
        ledger: every balance sheet (``economy.ledger``).
        market: share prices (``economy.market``).
        contracting: contract terms, the register and the deals (``economy.contracting``).
        solvency: defaults and their resolution (``economy.solvency``).
        observation: the published columns, events and run summary
            (``economy.observation``).
        deals: the preset's deals (``economy.opening.Deal``).
        suppliers, clouds, app, equity_investors, lenders: the agents.
        firms: suppliers, clouds and the app company; investors: the funds and lenders
            (every balance sheet that is not a firm's).
    """

    time: float  # Mesa's clock: one unit a month
    steps: int  # Mesa's count of steps run

    def __init__(
        self,
        rng: Any = None,
        preset: str | None = "seed",
        *,
        params: Params | None = None,
        check_invariants: bool = False,
        collect: bool = True,
        **overrides: Any,
    ):
        super().__init__(rng=rng)
        # one stream per purpose, spawned from the run's generator (common random numbers):
        # each draws a fixed count a month, so a counterfactual run with the same seed draws
        # the same numbers for each purpose whatever happens in the others (issue 19)
        self.rng_demand, self.rng_placement, self.rng_prices = self.rng.spawn(3)
        self.p = params if params is not None else Params.from_preset(preset, **overrides)
        self.preset = preset
        self.check_invariants = check_invariants
        self.collect = collect
        self.month = -1
        scenario = load_preset(preset) if preset else None
        self.deals = deals_from(
            self.p,
            scenario.contracts if scenario else (),
            scenario.deals_until if scenario else None,
        )
        self._create_agents()
        self._create_institutions()
        open_books(
            self.ledger,
            self.p,
            self.deals,
            self.contracting,
            self.clouds_by_name[OPENING_CLOUD],
            [i.name for i in self.investors],
            {x.name: self.p.firm("lender_capital", x.name) for x in self.lenders.all},
        )
        for firm in self.firms:  # the opening debt, laddered over the loan term
            holder, kind, _ = line = opening_line(firm.name)
            self.loans.open(line, self.ledger.claim(kind, holder, firm.name))
        for cloud in self.clouds:
            cloud.value_franchise()
        self.datacollector = MonthCollector()

    def _create_agents(self) -> None:
        self.suppliers = [ChipSupplier(self, s, LABELS[s]) for s in SUPPLIERS]
        self.clouds = [CloudProvider(self, c, LABELS[c]) for c in CLOUDS]
        self.app = AppCompany(self, APP, LABELS[APP])
        self.equity_investors = EquityInvestors(self, LABELS)
        self.lenders = Lenders(
            self,
            [
                BondInvestors(self, BOND_INVESTORS, LABELS[BOND_INVESTORS]),
                Bank(self, BANKS, LABELS[BANKS]),
                PrivateCredit(self, PRIVATE_CREDIT, LABELS[PRIVATE_CREDIT]),
            ],
        )
        self.firms: list[ChipSupplier | CloudProvider | AppCompany] = [
            *self.suppliers,
            *self.clouds,
        ]
        self.firms.append(self.app)
        self.investors: list[Fund | Lender] = [*self.equity_investors.funds, *self.lenders.all]
        self.firms_by_name = {f.name: f for f in self.firms}
        self.clouds_by_name = {c.name: c for c in self.clouds}

    def _create_institutions(self) -> None:
        p = self.p
        balance_sheets = (*self.firms, *self.investors)
        self.ledger = Ledger({a.name: a.sector for a in balance_sheets})
        self.market = Market(self.ledger, p, self.rng_prices, (f.name for f in self.firms))
        events = EventLog()
        self.loans = LoanBook(p.loan_term_months)
        self.contracting = Contracting(
            self.ledger, p, self.clouds_by_name, self.firms_by_name, SUPPLIERS, self.deals, events
        )
        books = (self.ledger, self.contracting, events)
        agents = (self.app, self.clouds, self.suppliers)
        credit = (self.market.log_returns, self.loans, self.lenders.all)
        self.observation = Observation(p, *books, *agents, *credit)
        self.solvency = Solvency(
            self.ledger,
            p,
            self.contracting,
            self.observation,
            [a.name for a in balance_sheets],
            lambda: (self.app.compute_need_inference, self.app.revenue),
        )

    def live_suppliers(self) -> dict[str, ChipSupplier]:
        """Suppliers that have not defaulted, by name."""
        return {s.name: s for s in self.suppliers if not s.defaulted}

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """One month, phases in the fixed order of docs/model.md §3."""
        self.month = t = self.steps - 1
        self.ledger.start_period()
        self.observation.start_month(t)
        self.contracting.start_month()
        self.lenders.start_month()
        # the phase order is fixed, and so is the order of agents within a phase (the order
        # they were created in, as ``agents_by_type`` lists them): plain loops, no dispatch
        app, clouds, suppliers = self.app, self.clouds, self.suppliers
        app.update_demand()  # 1. demand
        # 2. contracting: the deals signed in fact, then the app company's own
        self.contracting.sign_scheduled(t)
        for deal in self.contracting.equity_due(t):  # dated equity purchases
            investor = self.firms_by_name.get(deal.parties[0])
            (investor or self.equity_investors).buy_dated_equity(deal)
        app.sign_contracts()
        for cloud in clouds:  # 3. capex
            cloud.invest()
        self.contracting.measure_deployment(t)
        for supplier in suppliers:  # 4. milestones
            supplier.unlock_milestones()
        for supplier in suppliers:
            supplier.vest_warrants()
        self.lenders.mature_loans(t, self.firms)  # 5. credit due, then service
        self.contracting.let_idle_capacity(t)  # capacity out of contract: backstop, then rented
        for cloud in clouds:
            cloud.deliver_service()
        app.pay_running_costs()
        for supplier in suppliers:
            supplier.settle_month()
        self.lenders.pay_funding()
        self.equity_investors.form_views()  # 6. capital market
        self.market.clear(self.equity_investors.price_pressure())
        app.raise_capital()
        for cloud in clouds:
            cloud.raise_equity()
        self.solvency.end_of_month(t, self.firms)  # 7. solvency: firms, then lenders
        self.lenders.end_of_month(t)
        self.contracting.end_month(t)
        if self.check_invariants:  # 8. books and indicators
            self.ledger.check()
        self.observation.record_month()
        if self.collect:
            self.datacollector.collect(self)

    def run_for(self, duration: float | int) -> None:
        """Run ``duration`` months (Mesa's ``run_for``).

        While nothing but the monthly step is scheduled (the usual case), the months run in a
        plain loop that leaves Mesa's clock, step count and schedule as Mesa's event loop
        leaves them (``tests/test_run_for.py``); otherwise Mesa's event loop runs them.
        """
        schedule = self._default_schedule
        event = schedule._current_event
        if event is None or not self._only_months_scheduled(duration):
            super().run_for(duration)
            return
        heap = self._event_list._events
        until: float = self.time + duration
        heap.remove(event)  # each month's event is spent as it runs (Mesa pops it)
        when = event.time
        while when <= until:
            self.time = when
            self.steps += 1
            self._user_step()
            schedule._execution_count += 1
            when = self.time + 1.0
            if heap:  # the month scheduled an event: Mesa's loop runs the rest
                schedule._schedule_next(when)
                self._run_events(until)
                return
        schedule._schedule_next(when)
        self.time = until

    def _run_events(self, until: float) -> None:
        """Mesa's event loop up to ``until`` (``Model._advance_time`` less its time check)."""
        events = self._event_list
        while True:
            try:
                event = events.pop_event()
            except IndexError:
                break
            if event.time > until:
                events.add_event(event)
                break
            self.time = event.time
            event.execute()
        self.time = until

    def _only_months_scheduled(self, duration: float | int) -> bool:
        """Whether Mesa's event list holds the next monthly step and nothing else."""
        schedule = self._default_schedule
        event = schedule._current_event
        plan = schedule.schedule
        return (
            type(duration) is int
            and duration >= 1
            and event is not None
            and len(self._event_list._events) == 1
            and self._event_list._events[0] is event
            and not event.CANCELED
            and event.time == self.time + 1.0
            and self._event_generators == {schedule}
            and schedule.is_active
            and not schedule._paused
            and plan.interval == 1.0
            and plan.end is None
            and plan.count is None
            and not mesa.model._mesa_logger.isEnabledFor(logging.INFO)  # it logs each step
        )

    # ------------------------------------------------------------------ reading
    @property
    def stats(self) -> dict[str, Any]:
        """This month's value of every reported column."""
        return self.observation.stats

    def summary(self) -> dict[str, Any]:
        """The run summary (docs/model.md) of the months so far, without the data collector.

        A plain dict of ``RunSummary``'s fields (``model.observation.summary()`` gives the
        typed one), equal to ``RunSummary.from_frame`` of the collected DataFrame, so sweeps
        can run with ``collect=False``.
        """
        return self.observation.summary().as_dict()
