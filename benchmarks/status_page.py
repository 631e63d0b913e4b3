"""Write a benchmark's figures into ``docs/status.md`` between its markers.

The page types no measured figures: each benchmark regenerates its own block, between
``<!-- NAME:begin -->`` and ``<!-- NAME:end -->`` (added at the end of the page's speed
section the first time), with the command, the commit and the machine it ran on.
"""

from __future__ import annotations

import os
import platform
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATUS = ROOT / "docs" / "status.md"
SECTION = "## Speed, as last measured"


def provenance(command: str) -> str:
    """One line: the command, the commit, the date and the machine."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"`{command}` at commit `{commit or '?'}`, {time.strftime('%Y-%m-%d')}, "
        f"{os.cpu_count()} cores ({platform.machine()}), load average {load:.1f} at the start"
    )


def write_block(name: str, text: str, path: Path = STATUS) -> None:
    """Replace the block ``name`` in ``path`` with ``text`` (added under SECTION if new)."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = f"{begin}\n{text.rstrip()}\n{end}"
    page = path.read_text(encoding="utf-8")
    if begin in page and end in page:
        head, rest = page.split(begin, 1)
        _, tail = rest.split(end, 1)
        page = head + block + tail
    elif SECTION in page:
        head, tail = page.split(SECTION, 1)
        nxt = tail.find("\n## ")
        if nxt < 0:
            page = head + SECTION + tail.rstrip() + "\n\n" + block + "\n"
        else:
            page = head + SECTION + tail[:nxt].rstrip() + "\n\n" + block + "\n" + tail[nxt:]
    else:
        page = page.rstrip() + f"\n\n{SECTION}\n\n{block}\n"
    path.write_text(page, encoding="utf-8")
