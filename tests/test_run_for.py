"""``AIBubbleModel.run_for`` runs the months in a plain loop and leaves Mesa as Mesa would.

The loop (issue 16) replaces Mesa's event loop while nothing but the monthly step is
scheduled: the same months run, and Mesa's clock, step count and schedule end the same, so
later ``step``, ``run_for`` and scheduled events behave as if Mesa had run the months.
"""

import mesa
import pytest

from model import AIBubbleModel


def mesa_state(m: AIBubbleModel) -> tuple:
    schedule = m._default_schedule
    return (
        m.time,
        m.steps,
        m.month,
        schedule.execution_count,
        schedule.next_scheduled_time,
        len(m._event_list),
    )


def outputs(m: AIBubbleModel) -> tuple:
    frame = m.datacollector.get_model_vars_dataframe()
    return frame.to_csv(index=False), [e.row() for e in m.observation.events], m.summary()


def run_both(plan) -> tuple[AIBubbleModel, AIBubbleModel]:
    """The plan's calls on a model run by the plain loop and on one run by Mesa's loop."""
    fast = AIBubbleModel(rng=3, preset="reported")
    slow = AIBubbleModel(rng=3, preset="reported")
    for call in plan:
        if call == "step":
            fast.step()
            slow.step()
        else:
            fast.run_for(call)
            mesa.Model.run_for(slow, call)
        assert mesa_state(fast) == mesa_state(slow)
    return fast, slow


@pytest.mark.parametrize("plan", [[24], [5, "step", 7, 1], ["step", "step", 3]])
def test_the_plain_loop_ends_where_mesas_loop_ends(plan):
    fast, slow = run_both(plan)
    assert outputs(fast) == outputs(slow)


def test_an_event_scheduled_by_a_month_hands_over_to_mesa():
    seen: list[tuple[str, float]] = []

    class Scheduling(AIBubbleModel):
        def step(self) -> None:
            super().step()
            if self.steps == 2:
                self.schedule_event(self.note, at=self.time + 1.5)

        def note(self) -> None:
            seen.append(("note", self.time))

    fast, slow = Scheduling(rng=1), Scheduling(rng=1)
    fast.run_for(5)
    mesa.Model.run_for(slow, 5)
    assert seen == [("note", 3.5), ("note", 3.5)]
    assert mesa_state(fast) == mesa_state(slow)
    assert outputs(fast) == outputs(slow)


def test_other_events_and_fractions_go_to_mesa():
    m = AIBubbleModel(rng=1)
    m.run_for(2.5)  # Mesa's loop: two months, the clock at 2.5
    assert (m.steps, m.time) == (2, 2.5)
    m.run_for(1)  # the next month is not a whole unit away: Mesa's loop again
    assert (m.steps, m.time) == (3, 3.5)


def test_the_collector_takes_the_columns_and_any_reporter_added():
    plain = AIBubbleModel(rng=2)
    plain.run_for(4)
    m = AIBubbleModel(rng=2)
    m.datacollector._new_model_reporter("twice_users", lambda model: 2 * model.app.users)
    m.run_for(4)  # another reporter: Mesa's own collect
    frame = m.datacollector.get_model_vars_dataframe()
    assert frame["twice_users"].tolist() == (2 * frame["users_m"]).tolist()
    assert frame.drop(columns="twice_users").equals(plain.datacollector.get_model_vars_dataframe())
