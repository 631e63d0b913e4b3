"""Plain text with a little structure, as HTML: paragraphs, bullet lists and `code`.

Lesson files and the About texts are written as plain text: a blank line starts a new
paragraph, lines starting with ``- `` are bullet points, and text between backticks is code.
Everything else is escaped, so a lesson file cannot inject HTML into the page.
"""

from __future__ import annotations

import re

from viz.components.svg import esc

_CODE = re.compile(r"`([^`]+)`")


def inline(text: str) -> str:
    """One line: escaped, with `code` spans."""
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", esc(text))


def rich(text: str) -> str:
    """Paragraphs and bullet lists as HTML."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        para: list[str] = []
        items: list[str] = []
        for ln in lines:
            if ln.startswith("- "):
                if para:
                    out.append(f"<p>{inline(' '.join(para))}</p>")
                    para = []
                items.append(f"<li>{inline(ln[2:])}</li>")
            else:
                if items:
                    out.append(f"<ul>{''.join(items)}</ul>")
                    items = []
                para.append(ln)
        if para:
            out.append(f"<p>{inline(' '.join(para))}</p>")
        if items:
            out.append(f"<ul>{''.join(items)}</ul>")
    return "".join(out)


def bullets(items: list[str] | tuple[str, ...]) -> str:
    """A bullet list of plain-text items."""
    return "<ul>" + "".join(f"<li>{inline(i)}</li>" for i in items) + "</ul>"
