"""The About tab, in the order of NetLogo's Info tab.

What is it, how it works, how to use it, things to notice, things to try, extending the
model, related models, credits and how to cite. The texts are ``about_*`` entries of
``text/strings.toml`` (both languages), written as plain text with paragraphs and bullet points.
"""

# ruff: noqa: N802 - Solara components are named like classes (Page, NetworkPanel, ...)

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import solara

from text import tr
from viz.components.svg import esc
from viz.components.text import rich

# NetLogo's Info tab: WHAT IS IT, HOW IT WORKS, HOW TO USE IT, THINGS TO NOTICE, THINGS TO TRY,
# EXTENDING THE MODEL, (NETLOGO FEATURES), RELATED MODELS, CREDITS AND REFERENCES / HOW TO CITE.
ABOUT_SECTIONS = ("what", "how", "use", "notice", "try", "extend", "related", "cite")
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


@functools.cache
def version() -> str:
    """The project's version, from ``pyproject.toml``."""
    try:
        return str(tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "(unknown version)"


def about_html(lang: str) -> str:
    """The About tab as HTML, one section per Info-tab heading."""
    parts = []
    for key in ABOUT_SECTIONS:
        body = tr(f"about_{key}", lang)
        if key == "cite":
            body = body.replace("{version}", version())
        parts.append(
            f'<section class="aiv-about-{key}"><h4>{esc(tr(f"about_{key}_h", lang))}</h4>'
            f"{rich(body)}</section>"
        )
    return f'<div class="aiv-about" data-testid="about">{"".join(parts)}</div>'


@solara.component
def AboutPanel(lang: str):
    """The About tab.

    Args:
        lang: language code.
    """
    solara.HTML(tag="div", unsafe_innerHTML=about_html(lang))
