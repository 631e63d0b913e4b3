"""Shared test set-up: Playwright uses Debian's Chromium; Solara sends no telemetry.

Taken from ``../shared/tools/README.md`` (tested there), plus a fixture that gives the
view two presets to switch between.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
import solara.server.settings

# The pytest-ipywidgets plugin imports solara before this file runs, so the env var
# SOLARA_TELEMETRY_MIXPANEL_ENABLE=False only helps if exported before pytest starts;
# the setting itself is read at call time:
solara.server.settings.telemetry.mixpanel_enable = False

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright cannot download its own browser here: use Debian's chromium.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",  # we run as root
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",  # no calls to Google's hosts
            "--disable-component-update",
            "--disable-sync",
        ],
    }


ALT_PRESET = """description = "Test preset: the seed scenario with the reported $10B per GW."
extends = "seed"

[values]
milestone_investment_per_gw = { value = 10.0, cite = "milestone_investment_per_gw" }
"""


@pytest.fixture
def two_presets(tmp_path, monkeypatch):
    """Names of two presets the view can switch between.

    While the project ships a single preset, a copy of the scenarios folder with one more
    preset (the seed with $10B per GW) stands in for it.
    """
    import params

    names = params.preset_names()
    if len(names) >= 2:
        return names[0], names[1]
    folder = tmp_path / "scenarios"
    shutil.copytree(params.SCENARIO_DIR, folder)
    (folder / "zz-test-alt.toml").write_text(ALT_PRESET, encoding="utf-8")
    monkeypatch.setattr(params, "SCENARIO_DIR", Path(folder))
    return names[0], "zz-test-alt"


@pytest.fixture
def planted(tmp_path, monkeypatch):
    """The shipped presets and two lessons, plus a malformed preset and a malformed lesson."""
    import params
    from lessons import loader

    scenarios = tmp_path / "scenarios"
    shutil.copytree(params.SCENARIO_DIR, scenarios)
    (scenarios / "broken.toml").write_text(
        'description = "x"\n[values]\n'
        'paid_growth_decay = { value = 0.5, cite = ["seed_paid_growth_decay", "x"] }\n',
        encoding="utf-8",
    )
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    for name in ("01-one-dollar.toml", "02-leaking-engine.toml"):
        shutil.copy(loader.LESSON_DIR / name, lessons / name)
    good = (loader.LESSON_DIR / "02-leaking-engine.toml").read_text(encoding="utf-8")
    bad = re.sub(r"(?m)^knob = .*$", 'knob = ["capex_per_gw", "x"]', good)
    (lessons / "03-bad.toml").write_text(bad.replace("order = 2", "order = 3"), "utf-8")
    monkeypatch.setattr(params, "SCENARIO_DIR", scenarios)
    monkeypatch.setattr(loader, "LESSON_DIR", lessons)
    return tmp_path
