"""docs/model.md's "where each mechanism lives" table names files and functions that exist."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def table_rows() -> list[tuple[str, str]]:
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    section = text.split("### Where each mechanism lives", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[1].startswith("`") and not cells[0].startswith("---"):
            rows.append((cells[0], cells[1]))
    return rows


def defined_names(path: Path) -> set[str]:
    """Top-level functions, classes, constants and every method (as Class.method and method)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    names |= {item.name, f"{node.name}.{item.name}"}
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def references(cell: str) -> list[tuple[str, list[str]]]:
    """(file, [names]) pairs of a cell such as "`a.py`: `f`, `g`; `b.py`: `h`"."""
    out = []
    for part in cell.split(";"):
        m = re.match(r"\s*`([^`]+\.py)`:\s*(.*)", part)
        assert m, f"not `file`: `name` form: {part!r}"
        out.append((m.group(1), re.findall(r"`([^`]+)`", m.group(2))))
    return out


def test_the_table_is_there_and_long():
    assert len(table_rows()) >= 30


def test_every_file_and_function_in_the_table_exists():
    missing = []
    for mechanism, cell in table_rows():
        for file, names in references(cell):
            path = ROOT / file
            if not path.is_file():
                missing.append(f"{mechanism}: {file}")
                continue
            defined = defined_names(path)
            # a bare method name after Class.method in the same cell names the same class
            last_class = None
            for name in names:
                if "." in name:
                    last_class = name.split(".")[0]
                ok = name in defined or (last_class and f"{last_class}.{name}" in defined)
                if not ok:
                    missing.append(f"{mechanism}: {file}: {name}")
    assert missing == []
