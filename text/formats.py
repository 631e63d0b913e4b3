"""Months, money and units as the reader's language writes them."""

from __future__ import annotations

import math

from text.catalogue import ZH, has, tr

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(date: str, lang: str) -> str:
    """``2025-12-01`` as ``Dec 2025`` or ``2025年12月``."""
    year, month = int(date[:4]), int(date[5:7])
    if lang == ZH:
        return f"{year}年{month}月"
    return f"{_MONTHS_EN[month - 1]} {year}"


def money(value: float | None, lang: str) -> str:
    """US$ billions as ``$2.3B``, ``-$2.3B`` or ``23 億美元`` (millions below a billion).

    What rounds to zero is shown as zero, never as ``$-0M``.
    """
    if value is None or not math.isfinite(value):
        return "—"
    if abs(value) < 0.0005:  # under half a million dollars
        value = 0.0
    sign = "-" if value < 0 else ""
    mag = abs(value)
    if lang == ZH:
        yi = mag * 10.0  # 1 億 = 100 million
        if yi >= 10:
            return f"{sign}{yi:,.0f} 億美元"
        if yi >= 0.1:
            return f"{sign}{yi:,.1f} 億美元"
        return f"{sign}{mag * 1000:,.0f} 百萬美元"
    if mag >= 100:
        return f"{sign}${mag:,.0f}B"
    if mag >= 0.1:
        return f"{sign}${mag:,.2f}B"
    return f"{sign}${mag * 1000:,.0f}M"


def unit(raw: str, lang: str) -> str:
    """A unit from the calibration table in ``lang`` (unknown units are kept as written)."""
    key = f"unit_{raw}"
    return tr(key, lang) if has(key) else raw
