"""Import rules: the layers of pyproject.toml hold and no two project files import each other.

TYPE_CHECKING and in-function imports count; a cycle of any length between files fails.
"""

import shutil
import textwrap

import pytest

from scripts import lint_imports

pytestmark = pytest.mark.slow


def test_every_top_level_package_and_module_is_placed_in_the_layers():
    assert lint_imports.unplaced() == []


def test_the_import_contracts_hold():
    assert lint_imports.lint() == 0


def test_no_import_cycle_between_two_project_files():
    with lint_imports.shadow_tree() as tree:
        graph = lint_imports.build_graph(tree, lint_imports.root_names())
    assert len(graph.modules) > 50  # the whole project was read
    assert lint_imports.file_cycles(graph) == []


def test_the_cycle_finder_sees_a_planted_cycle():
    with lint_imports.shadow_tree() as tree:
        graph = lint_imports.build_graph(tree, lint_imports.root_names())
    graph.add_import(importer="economy.ledger", imported="economy.solvency")
    cycles = lint_imports.file_cycles(graph)
    assert any(set(c) >= {"economy.ledger", "economy.solvency"} for c in cycles)


@pytest.fixture
def project_copy(tmp_path):
    root = lint_imports.ROOT
    for name in lint_imports.root_names():
        if (root / name).is_dir():
            shutil.copytree(
                root / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy(root / f"{name}.py", tmp_path / f"{name}.py")
    shutil.copy(root / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    ("where", "code"),
    [
        # an institution reaching the model, hidden in a function
        ("economy/_planted.py", "def f():\n    import model\n"),
        # an agent reaching the model for types only
        (
            "agents/_planted.py",
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n"
            "    from model import AIBubbleModel\n",
        ),
        # a lower layer reaching a higher one
        ("params_planted_user.py", None),
    ],
)
def test_the_contracts_catch_a_planted_violation(project_copy, where, code):
    if code is None:  # params importing sweep
        target = project_copy / "params.py"
        target.write_text(target.read_text() + "\n\ndef _f():\n    import sweep\n")
    else:
        (project_copy / where).write_text(textwrap.dedent(code))
    assert lint_imports.lint(project_copy) != 0
