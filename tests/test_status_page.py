"""The benchmarks write their figures into docs/status.md between markers, never by hand."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from status_page import SECTION, provenance, write_block  # noqa: E402


def test_a_block_is_added_under_the_speed_section_then_replaced_in_place(tmp_path):
    page = tmp_path / "status.md"
    page.write_text(f"# Status\n\n{SECTION}\n\nintro\n\n## Still weak\n\n- x\n", "utf-8")
    write_block("bench_x", "first figures", page)
    text = page.read_text("utf-8")
    assert text.index("<!-- bench_x:begin -->") < text.index("## Still weak")
    assert "first figures" in text
    write_block("bench_x", "second figures", page)
    text = page.read_text("utf-8")
    assert "second figures" in text and "first figures" not in text
    assert text.count("<!-- bench_x:begin -->") == 1 and "- x" in text


def test_a_page_without_the_section_gets_one(tmp_path):
    page = tmp_path / "status.md"
    page.write_text("# Status\n", "utf-8")
    write_block("bench_y", "figures", page)
    text = page.read_text("utf-8")
    assert SECTION in text and text.index(SECTION) < text.index("<!-- bench_y:begin -->")


def test_the_provenance_names_the_command_the_commit_and_the_machine():
    line = provenance("uv run python benchmarks/bench_run.py")
    assert line.startswith("`uv run python benchmarks/bench_run.py` at commit `")
    assert "cores (" in line and "load average" in line
