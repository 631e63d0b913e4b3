"""Check the project's import rules with import-linter, top-level modules included.

    uv run python scripts/lint_imports.py          # the contracts in pyproject.toml
    uv run python scripts/lint_imports.py --cycles # also list any cycle between two files

import-linter (and grimp, which builds its graph) take packages only, and the design card
puts ``model.py``, ``run.py`` (and ``params.py``, ``errors.py``) at the top level. So this
script builds a shadow tree of symbolic links in a temporary folder, where each top-level
module ``x.py`` appears as the package ``x/__init__.py`` and each package as itself: every
module keeps its name, its file and its line numbers, and ``lint-imports`` checks the
contracts of ``pyproject.toml`` on it. ``tests/test_import_rules.py`` uses the same tree to
refuse import cycles between any two files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"


def root_names(root: Path = ROOT) -> list[str]:
    """The top-level packages and modules the import rules cover (pyproject.toml)."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["importlinter"]["root_packages"])


def unplaced(root: Path = ROOT) -> list[str]:
    """Top-level packages and modules of the project that no import rule covers."""
    covered = set(root_names(root))
    found = {p.stem for p in root.glob("*.py")}
    found |= {p.parent.name for p in root.glob("*/__init__.py")}
    not_product = {"tests", "benchmarks"}  # test and timing code may import anything
    return sorted(found - covered - not_product)


@contextmanager
def shadow_tree(root: Path = ROOT) -> Iterator[Path]:
    """A temporary folder where every covered top-level module is a package of the same name."""
    with tempfile.TemporaryDirectory(prefix="import-rules-") as tmp:
        dest = Path(tmp)
        for name in root_names(root):
            if (root / name).is_dir():
                (dest / name).symlink_to(root / name, target_is_directory=True)
            elif (root / f"{name}.py").is_file():
                (dest / name).mkdir()
                (dest / name / "__init__.py").symlink_to(root / f"{name}.py")
            else:
                raise SystemExit(f"pyproject.toml names {name!r}, which is not in {root}")
        yield dest


def lint(root: Path = ROOT) -> int:
    """Run ``lint-imports`` with ``root``'s contracts on its shadow tree; its exit status."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    with shadow_tree(root) as tree:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        return subprocess.call(  # noqa: S603 - our own tool, fixed arguments
            [exe, str(root / "pyproject.toml"), "--no-cache"], cwd=tree, env=env
        )


def build_graph(tree: Path, names: list[str]):
    """The grimp import graph of a shadow tree (in-function and TYPE_CHECKING imports too)."""
    import grimp

    # grimp finds each root with importlib, which answers from sys.modules first: set the
    # already imported top-level modules aside, so the shadow packages are found instead
    imported = {n: sys.modules.pop(n) for n in names if n in sys.modules}
    sys.path.insert(0, str(tree))
    try:
        return grimp.build_graph(*names, cache_dir=None)
    finally:
        sys.path.remove(str(tree))
        sys.modules.update(imported)


def file_cycles(graph) -> list[list[str]]:
    """Cycles between two or more modules (files) of a grimp graph, shortest first."""
    import networkx as nx

    g: nx.DiGraph[str] = nx.DiGraph()
    for m in graph.modules:
        g.add_node(m)
        for imported in graph.find_modules_directly_imported_by(m):
            if imported != m:
                g.add_edge(m, imported)
    cycles = [c for c in nx.simple_cycles(g) if len(c) > 1]
    return sorted(cycles, key=lambda c: (len(c), c))


def main(argv: list[str] | None = None) -> int:
    """Run lint-imports on the shadow tree; with ``--cycles``, also look for cycles."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cycles", action="store_true", help="also list cycles between files")
    args = ap.parse_args(argv)
    missing = unplaced()
    if missing:
        print(
            f"import rules: {', '.join(missing)} not placed in the layers of pyproject.toml "
            "([tool.importlinter] root_packages and the layers contract)",
            file=sys.stderr,
        )
        return 1
    rc = lint()
    if args.cycles:
        with shadow_tree() as tree:
            cycles = file_cycles(build_graph(tree, root_names()))
        for c in cycles:
            print("import cycle: " + " -> ".join([*c, c[0]]))
        rc = rc or (1 if cycles else 0)
    return rc


if __name__ == "__main__":
    sys.exit(main())
