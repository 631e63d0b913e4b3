"""Analysis tools get finite outcomes; docs/analysis.md's EMA Workbench example runs as shown."""

import math
import re
from pathlib import Path

import pytest

from economy.observation import CARRIED, COLUMN_NAMES
from model import AIBubbleModel

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("preset", "seed"), [("seed", 0), ("nortel", 1), ("reported", 1)])
def test_every_column_of_a_collapsed_run_is_finite(preset, seed):
    m = AIBubbleModel(rng=seed, preset=preset)
    m.run_for(120)
    df = m.datacollector.get_model_vars_dataframe()
    assert df["defaults_total"].iloc[-1] > 0, "the run should collapse"
    numeric = df.select_dtypes("number")
    assert numeric.notna().all().all()
    assert all(math.isfinite(v) for v in numeric.iloc[-1])


def test_an_undefined_month_carries_the_last_defined_value_and_says_so():
    m = AIBubbleModel(rng=0, preset="seed")
    m.run_for(120)
    df = m.datacollector.get_model_vars_dataframe()
    for c in CARRIED:
        assert c.flag in COLUMN_NAMES
        flags = df[c.flag]
        assert set(flags.unique()) <= {0, 1}
        last = 0.0
        for v, f in zip(df[c.name], flags, strict=True):
            if f:
                last = v
            else:
                assert v == last, c.name
    # after the app company's default, circularity is undefined: the flag says so
    default = int(df.index[df["defaults_total"] > 0][0])
    assert (df["circularity_nvidia_defined"].iloc[default:] == 0).all()


def test_the_ema_workbench_example_in_the_docs_runs(monkeypatch, capsys):
    pytest.importorskip("ema_workbench")
    text = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) == 1
    monkeypatch.setenv("EMA_RUNS", "12")
    monkeypatch.setenv("EMA_MONTHS", "36")
    scope: dict = {}
    exec(compile(blocks[0], "docs/analysis.md", "exec"), scope)  # noqa: S102 - our own docs
    outcomes = scope["outcomes"]
    assert set(outcomes) == set(scope["OUTCOMES"])
    assert all(len(v) == 12 for v in outcomes.values())
