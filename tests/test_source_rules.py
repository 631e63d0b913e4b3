"""Rules the code must keep: only the ledger touches balances and flow statistics.

And randomness comes from the model's generator, never a global one.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("agents", "calibration", "economy", "lessons", "scripts", "sweep", "viz")
CODE = [p for d in PACKAGES for p in (ROOT / d).rglob("*.py")] + [
    ROOT / f"{m}.py" for m in ("model", "params", "run", "errors")
]
FLOW_STATS = frozenset({"period_cash", "period_flows", "period_tagged", "period_accounts", "tags"})


def test_only_the_ledger_touches_balances():
    private = re.compile(r"\._(claims|real|net_worth|price|holders|issued|held)\b")
    offenders = [
        str(p.relative_to(ROOT))
        for p in CODE
        if p.name != "ledger.py" and p.exists() and private.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def flow_stat_writes(source: str) -> list[int]:
    """Lines that write one of the ledger's flow statistics (directly or through a name)."""
    tree = ast.parse(source)
    aliases = set()
    for node in ast.walk(tree):  # names bound to a statistic: pc = ledger.period_cash
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Attribute):
            continue
        if node.value.attr in FLOW_STATS:
            aliases |= {t.id for t in node.targets if isinstance(t, ast.Name)}

    def is_stat(expr: ast.expr) -> bool:
        if isinstance(expr, ast.Attribute):
            return expr.attr in FLOW_STATS
        return isinstance(expr, ast.Name) and expr.id in aliases

    lines = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for t in targets:
            writes_item = isinstance(t, ast.Subscript) and is_stat(t.value)
            rebinds = isinstance(t, ast.Attribute) and t.attr in FLOW_STATS
            if writes_item or rebinds:
                lines.append(t.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"update", "setdefault", "pop", "clear", "__setitem__"}
            and is_stat(node.func.value)
        ):
            lines.append(node.lineno)
    return sorted(lines)


def test_only_the_ledger_writes_flow_statistics():
    offenders = {
        str(p.relative_to(ROOT)): lines
        for p in CODE
        if p.name != "ledger.py" and (lines := flow_stat_writes(p.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_flow_statistics_rule_sees_every_kind_of_write():
    code = (
        "ledger.period_cash[k] += 1\n"  # 1
        "model.ledger.period_flows[k] = 2\n"  # 2
        "pc = ledger.period_cash\n"
        "pc[k] += 3\n"  # 4
        "ledger.period_tagged.setdefault(k, {})\n"  # 5
        "self.tags = {}\n"  # 6
        "x = ledger.period_cash.get(k, 0.0)\n"  # a read: allowed
    )
    assert flow_stat_writes(code) == [1, 2, 4, 5, 6]


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
