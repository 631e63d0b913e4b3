"""Every preset's output stays what the goldens recorded (scripts/goldens.py).

A change that moves numbers regenerates them (``scripts/goldens.py --update``) in its own
commit, whose message names the columns that moved and the mechanism that moved them.
"""

import pytest

from scripts import goldens

RUNS = [(p, s) for p in goldens.presets() for s in goldens.SEEDS]


@pytest.mark.parametrize(("preset", "seed"), RUNS, ids=[f"{p}-{s}" for p, s in RUNS])
def test_run_matches_its_goldens_byte_for_byte(preset, seed):
    assert goldens.compare(preset, seed) == []


def test_every_preset_has_goldens():
    for preset, seed in RUNS:
        for path in goldens.paths(preset, seed):
            assert path.is_file(), f"{path} missing: run scripts/goldens.py --update"


def test_the_comparison_notices_a_changed_number():
    monthly, _ = goldens.record("seed", 1, months=3)
    lines = monthly.splitlines()
    header = lines[0].split(",")
    row = lines[2].split(",")
    j = header.index("app_revenue")
    row[j] = repr(float(row[j]) * (1 + 1e-15) + 1e-15)
    changed = "\n".join([*lines[:2], ",".join(row), *lines[3:]]) + "\n"
    diff = goldens.first_difference(monthly, changed)
    assert diff is not None and "app_revenue" in diff and "line 3" in diff
