"""Small SVG helpers shared by the network, the gauges and the charts.

The view draws its pictures as SVG strings on the server: the browser renders them with
its own fonts (Chinese included), no chart library or extra JavaScript is loaded, and one
picture costs well under a millisecond to build.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from html import escape

FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK TC', sans-serif"
INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"


def esc(text: object) -> str:
    """Text escaped for SVG/HTML content and attributes."""
    return escape(str(text), quote=True)


def text_width(text: str, size: float) -> float:
    """Rough rendered width of ``text`` at font ``size`` px (wide CJK glyphs counted)."""
    wide = sum(1 for ch in text if ord(ch) > 0x2E80)
    return (len(text) - wide) * size * 0.56 + wide * size * 1.0


def num(value: float) -> str:
    """A short number for axis ticks and labels (``0.25``, ``3``, ``1.2k``)."""
    if value is None or not math.isfinite(value):
        return "—"
    if abs(value) < 1e-9:
        return "0"
    a = abs(value)
    if a >= 1e4:
        return f"{value / 1e3:,.0f}k"
    if a >= 1e3:
        return f"{value / 1e3:,.1f}k".replace(".0k", "k")
    if a >= 100 or a == 0:
        return f"{value:,.0f}"
    if a >= 10:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    if a >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.3f}".rstrip("0").rstrip(".")


def nice_step(span: float, target: int = 5) -> float:
    """A 1-2-5 step that cuts ``span`` into about ``target`` pieces."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / target
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def nice_range(lo: float, hi: float, target: int = 5) -> tuple[float, float, list[float]]:
    """Axis bounds and ticks covering ``lo``..``hi``."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    if hi - lo < 1e-12:
        hi = lo + (abs(lo) if lo else 1.0)
    step = nice_step(hi - lo, target)
    start = math.floor(lo / step + 1e-9) * step
    end = math.ceil(hi / step - 1e-9) * step
    ticks = []
    v = start
    while v <= end + step * 1e-6:
        ticks.append(round(v, 12))
        v += step
    return start, end, ticks


def finite(values: Iterable[float | None]) -> list[float]:
    """The finite numbers among ``values``."""
    return [v for v in values if v is not None and isinstance(v, int | float) and math.isfinite(v)]


def svg_open(width: float, height: float, label: str, extra: str = "") -> str:
    """Opening tag of a responsive SVG (it scales to its container's width)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" role="img" aria-label="{esc(label)}" '
        f'style="font-family:{FONT};display:block;max-width:100%" {extra}>'
    )
