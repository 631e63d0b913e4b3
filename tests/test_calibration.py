"""The calibration report: each preset against the figures it is held to.

Targets the model meets are asserted; the ones it misses are strict xfails with the reason
(docs/scenarios.md), so a change that makes them pass is noticed too.
"""

import pytest

from calibration import evaluate, targets

KNOWN_MISSES = {
    ("seed", "H1-2025 net loss"): "uniform build lag: 2024 contracts arrive after mid-2025",
    ("seed", "capacity the app company contracts (peak)"): "the article's stall stops "
    "contracting long before 22 GW",
    ("soft-landing", "first year of positive app free cash flow"): "own contracts signed while "
    "need doubled overshoot once it levels off (users and compute per user at their "
    "ceilings): the excess capacity's bills keep free cash flow negative until 2033",
}


@pytest.fixture(scope="module")
def results():
    return {(r.target.preset, r.target.name): r for r in evaluate(seeds=3)}


def cases():
    for t in targets():
        key = (t.preset, t.name)
        marks = (
            [pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[key])]
            if key in KNOWN_MISSES
            else []
        )
        yield pytest.param(key, id=f"{t.preset}: {t.name}", marks=marks)


@pytest.mark.parametrize("key", list(cases()))
def test_target(results, key):
    r = results[key]
    assert r.passed, f"{key}: model {r.value:.4g}, goal {r.goal()}"


def test_every_target_cites_a_calibration_row():
    from params import calibration_table

    cal = calibration_table()
    for t in targets():
        assert t.row in cal, t.name


def test_every_shipped_preset_with_a_story_has_targets():
    assert {t.preset for t in targets()} == {"seed", "reported", "nortel", "soft-landing"}


def test_the_readme_states_the_counts_the_report_gives(results):
    """README: '12 of 15 are met (in sample 6 of 6, out of sample 2 of 4)', recomputed."""
    import re
    from pathlib import Path

    from calibration.targets import SAMPLES

    text = " ".join((Path(__file__).parent.parent / "README.md").read_text().split())
    m = re.search(
        r"(\d+) of (\d+) are met \(in sample (\d+) of (\d+), out of sample (\d+) of (\d+)\)", text
    )
    assert m, "the README states the calibration counts"
    got = [int(x) for x in m.groups()]
    rs = list(results.values())

    def count(sample: str | None) -> list[int]:
        group = [r for r in rs if sample is None or r.target.sample == sample]
        return [sum(r.passed for r in group), len(group)]

    assert got == count(None) + count("fitted") + count("out")
    assert {r.target.sample for r in rs} <= set(SAMPLES)
