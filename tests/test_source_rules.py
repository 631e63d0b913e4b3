"""Rules the code must keep: only the ledger touches balances; no global randomness."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = [p for d in ("agents", "economy", "viz", "sweep") for p in (ROOT / d).rglob("*.py")] + [
    ROOT / "model.py",
    ROOT / "params.py",
    ROOT / "run.py",
]


def test_only_the_ledger_touches_balances():
    private = re.compile(r"\._(claims|real|net_worth|price|holders|issued|held)\b")
    offenders = [
        str(p.relative_to(ROOT))
        for p in CODE
        if p.name != "ledger.py" and p.exists() and private.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_global_random_generators_in_model_code():
    bad = re.compile(
        r"^\s*(import random|from random import)|np\.random\.(rand|normal|seed|choice)",
        re.MULTILINE,
    )
    offenders = [
        str(p.relative_to(ROOT))
        for p in CODE
        if p.exists() and bad.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
