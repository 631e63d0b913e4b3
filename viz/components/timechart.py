"""A monthly time-series chart drawn as SVG: lines, stacked areas, bars, two axes.

Row ``i`` of the model's data is month ``i`` (January 2024 = 0); the x axis labels every
January with its year and marks the latest month, so each chart has real dates.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from viz.components.svg import GRID, INK, MUTED, esc, finite, nice_range, num, svg_open, text_width

MIN_MONTHS = 36  # the x axis spans at least three years, so early months are not stretched


@dataclass(frozen=True)
class Series:
    """One series of a chart.

    Attributes:
        label: legend text.
        values: one value per month from month 0 (NaN or None leaves a gap).
        color: CSS colour.
        kind: ``line``, ``area`` (stacked on the areas before it) or ``bar``.
        axis: ``left`` or ``right``.
        dash: SVG dash pattern for lines.
        width: line width.
        unit: suffix for the latest value in the legend.
    """

    label: str
    values: Sequence[float]
    color: str
    kind: str = "line"
    axis: str = "left"
    dash: str | None = None
    width: float = 2.0
    unit: str = ""


@dataclass(frozen=True)
class HLine:
    """A labelled horizontal reference line on the left axis."""

    y: float
    label: str
    color: str


def x_span(n: int) -> int:
    """Months the x axis spans for ``n`` months of data (ends on a year boundary)."""
    return max(MIN_MONTHS, 12 * math.ceil((n + 3) / 12))


def _paths(xs: Sequence[float], ys: Sequence[float | None]) -> str:
    """SVG path data for a line with gaps where ``ys`` is missing."""
    out: list[str] = []
    pen = False
    for x, y in zip(xs, ys, strict=True):
        if y is None or not math.isfinite(y):
            pen = False
            continue
        out.append(f"{'L' if pen else 'M'}{x:.1f} {y:.1f}")
        pen = True
    return "".join(out)


def _legend(items: list[tuple[str, str, str]], x0: float, y0: float, width: float):
    """Legend swatches laid out in rows; returns (svg, height)."""
    parts: list[str] = []
    x, y = x0, y0
    size = 11.0
    for label, color, kind in items:
        w = 16 + text_width(label, size) + 14
        if x + w > x0 + width and x > x0:
            x = x0
            y += 15
        if kind == "line":
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 12:.1f}" y2="{y - 4:.1f}" '
                f'stroke="{color}" stroke-width="2.5"/>'
            )
        elif kind == "dash":
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 12:.1f}" y2="{y - 4:.1f}" '
                f'stroke="{color}" stroke-width="2" stroke-dasharray="3 2"/>'
            )
        else:
            parts.append(
                f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="12" height="9" rx="2" fill="{color}" '
                f'fill-opacity="0.75"/>'
            )
        parts.append(
            f'<text x="{x + 16:.1f}" y="{y:.1f}" font-size="{size}" fill="{INK}">'
            f"{esc(label)}</text>"
        )
        x += w
    return "".join(parts), (y - y0) + 15


@dataclass(frozen=True)
class _Frame:
    """Where the plot area lies in the SVG and how values map onto it."""

    n: int
    span: int
    left: float
    right: float
    top: float
    bottom: float
    lticks: list[float]
    rticks: list[float]
    sy: Callable[[float], float]
    sry: Callable[[float], float]

    def sx(self, i: float) -> float:
        """The x position of month ``i``."""
        return self.left + (self.right - self.left) * i / self.span

    def scale(self, axis: str) -> Callable[[float], float]:
        """The y mapping of an axis."""
        return self.sry if axis == "right" else self.sy


def time_chart(
    dates: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    log: bool = False,
    hlines: Sequence[HLine] = (),
    right_label: str = "",
    width: float = 520,
    height: float = 230,
    empty_text: str = "",
    stale_text: str = "last {value} in {date}",
) -> str:
    """The chart as an SVG string.

    Args:
        dates: ISO date of each month (row order).
        series: what to draw, in drawing order.
        title: shown at the top left.
        log: log scale on the left axis (values <= 0 leave gaps).
        hlines: reference lines on the left axis.
        right_label: a name for the right axis (shown when a series uses it).
        width: viewBox width.
        height: viewBox height.
        empty_text: shown in the plot area before there is any data.
        stale_text: a legend's note, in the page's language, for a series with no value
            this month (``{value}``: its last defined value, ``{date}``: that month).
    """
    n = len(dates)
    has_right = any(s.axis == "right" for s in series)
    legend_svg, legend_h = _legend(_legend_items(series, dates, stale_text), 10, 34, width - 20)
    stacked = _stacked(series, n)
    top = 34 + legend_h + 4
    right = width - (46.0 if has_right else 14.0)
    f = _frame(series, stacked, hlines, n, top, right, height - 22.0, log)
    out = [svg_open(width, height, title)]
    out.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>')
    out.append(
        f'<text x="10" y="18" font-size="13.5" font-weight="600" fill="{INK}">{esc(title)}</text>'
    )
    out.append(legend_svg)
    out += _axes(f, has_right, right_label, width)
    xs = [f.sx(i) for i in range(n)]
    out += _areas(f, series, stacked, xs)
    out += _bars(f, series, xs)
    out += _reference_lines(f, hlines)
    out += _lines(f, series, xs)
    out += _latest_month(f, dates, xs, empty_text)
    out.append("</svg>")
    return "".join(out)


def _legend_items(
    series: Sequence[Series], dates: Sequence[str], stale_text: str
) -> list[tuple[str, str, str]]:
    """Each series' legend entry: label with this month's value, colour, swatch kind.

    This month's value is the series' last; where it is undefined (a ratio after the
    loop has ended), the entry says so and gives the last defined value with its month,
    never a stale value as if it were this month's.
    """
    items = []
    n = len(dates)
    for s in series:
        values = list(s.values)[:n]
        value = ""
        if values:
            now = values[-1]
            if now is not None and math.isfinite(now):
                value = f" {num(now)}{s.unit}"
            else:
                last = next(
                    (
                        (i, v)
                        for i, v in reversed(list(enumerate(values)))
                        if v is not None and math.isfinite(v)
                    ),
                    None,
                )
                if last is not None:
                    note = stale_text.format(value=f"{num(last[1])}{s.unit}", date=dates[last[0]])
                    value = f" — ({note})"
        kind = "line" if s.kind == "line" and not s.dash else ("dash" if s.dash else "box")
        items.append((f"{s.label}{value}", s.color, kind))
    return items


def _stacked(series: Sequence[Series], n: int) -> list[list[float]]:
    """The running tops of the stacked areas on the left axis, one list per area."""
    stacked: list[list[float]] = []
    acc = [0.0] * n
    for s in series:
        if s.kind == "area" and s.axis == "left":
            acc = [
                a + (v if v is not None and math.isfinite(v) else 0.0)
                for a, v in zip(acc, s.values, strict=True)
            ]
            stacked.append(list(acc))
    return stacked


def _frame(
    series: Sequence[Series],
    stacked: list[list[float]],
    hlines: Sequence[HLine],
    n: int,
    top: float,
    right: float,
    bottom: float,
    log: bool,
) -> _Frame:
    """The plot area and both axes' scales and ticks."""
    ph = bottom - top
    left_vals = finite(v for s in series if s.axis == "left" and s.kind != "area" for v in s.values)
    left_vals += [v for row in stacked for v in row]
    left_vals += [h.y for h in hlines]
    right_vals = finite(v for s in series if s.axis == "right" for v in s.values)
    lticks, sy = _log_scale(left_vals, bottom, ph) if log else _linear_scale(left_vals, bottom, ph)
    if right_vals:
        rlo, rhi, rticks = nice_range(min(0.0, *right_vals), max(right_vals) * 1.05 or 1.0, 4)
    else:
        rlo, rhi, rticks = 0.0, 1.0, []

    def sry(v: float) -> float:
        return bottom - ph * (v - rlo) / (rhi - rlo)

    return _Frame(n, x_span(n), 46.0, right, top, bottom, lticks, rticks, sy, sry)


def _log_scale(
    values: list[float], bottom: float, ph: float
) -> tuple[list[float], Callable[[float], float]]:
    pos = [v for v in values if v > 0]
    lo_e = math.floor(math.log10(min(pos))) if pos else 0
    hi_e = math.ceil(math.log10(max(pos))) if pos else 1
    hi_e = max(hi_e, lo_e + 1)

    def sy(v: float) -> float:
        if v <= 0:
            return math.nan
        return bottom - ph * (math.log10(v) - lo_e) / (hi_e - lo_e)

    return [10.0**e for e in range(lo_e, hi_e + 1)], sy


def _linear_scale(
    values: list[float], bottom: float, ph: float
) -> tuple[list[float], Callable[[float], float]]:
    lo = min([0.0, *values])
    hi = max([0.0, *values]) * 1.05 if values else 1.0
    if hi <= lo:
        hi = lo + 1.0
    lo, hi, lticks = nice_range(lo, hi, 4)

    def sy(v: float) -> float:
        return bottom - ph * (v - lo) / (hi - lo)

    return lticks, sy


def _axes(f: _Frame, has_right: bool, right_label: str, width: float) -> list[str]:
    """Grid, tick labels, the right axis' name and the years along the bottom."""
    out = []
    left, right, top, bottom = f.left, f.right, f.top, f.bottom
    for t in f.lticks:
        y = f.sy(t)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(
            f'<text x="{left - 5}" y="{y + 3.5:.1f}" font-size="10" fill="{MUTED}" '
            f'text-anchor="end">{num(t)}</text>'
        )
    for t in f.rticks:
        y = f.sry(t)
        out.append(
            f'<text x="{right + 5}" y="{y + 3.5:.1f}" font-size="10" fill="{MUTED}">{num(t)}</text>'
        )
    if has_right and right_label:
        out.append(
            f'<text x="{width - 4}" y="{top - 4:.1f}" font-size="9.5" fill="{MUTED}" '
            f'text-anchor="end">{esc(right_label)}</text>'
        )
    year_step = 1 if f.span <= 72 else 2
    for m in range(0, f.span + 1, 12):
        x = f.sx(m)
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}"/>')
        if (m // 12) % year_step == 0 and m < f.span:
            out.append(
                f'<text x="{x + 3:.1f}" y="{bottom + 14:.1f}" font-size="10.5" fill="{MUTED}">'
                f"{2024 + m // 12}</text>"
            )
    out.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#9ca3af"/>')
    return out


def _areas(
    f: _Frame, series: Sequence[Series], stacked: list[list[float]], xs: list[float]
) -> list[str]:
    """The stacked areas, each from the top of the one below."""
    out = []
    sy = f.sy
    k = 0
    base = [0.0] * f.n
    for s in series:
        if s.kind != "area" or f.n == 0:
            continue
        topv = stacked[k]
        k += 1
        pts = [f"{x:.1f},{sy(v):.1f}" for x, v in zip(xs, topv, strict=True)]
        pts += [f"{x:.1f},{sy(v):.1f}" for x, v in reversed(list(zip(xs, base, strict=True)))]
        if f.n == 1:
            pts = [
                f"{xs[0]:.1f},{sy(topv[0]):.1f}",
                f"{xs[0] + 3:.1f},{sy(topv[0]):.1f}",
                f"{xs[0] + 3:.1f},{sy(0):.1f}",
                f"{xs[0]:.1f},{sy(0):.1f}",
            ]
        out.append(
            f'<polygon points="{" ".join(pts)}" fill="{s.color}" fill-opacity="0.55" '
            f'stroke="{s.color}" stroke-width="1"><title>{esc(s.label)}</title></polygon>'
        )
        base = topv
    return out


def _bars(f: _Frame, series: Sequence[Series], xs: list[float]) -> list[str]:
    """Bar series, one bar a month from zero."""
    out = []
    bw = max(1.5, (f.right - f.left) / f.span * 0.7)
    for s in series:
        if s.kind != "bar":
            continue
        scale = f.scale(s.axis)
        zero = scale(0.0)
        for x, v in zip(xs, s.values, strict=True):
            if v is None or not math.isfinite(v) or v == 0:
                continue
            y = scale(v)
            out.append(
                f'<rect x="{x - bw / 2:.1f}" y="{min(y, zero):.1f}" width="{bw:.1f}" '
                f'height="{abs(zero - y):.1f}" fill="{s.color}" fill-opacity="0.8"/>'
            )
    return out


def _reference_lines(f: _Frame, hlines: Sequence[HLine]) -> list[str]:
    """Labelled dashed lines on the left axis, where they fall inside the plot."""
    out = []
    for h in hlines:
        y = f.sy(h.y)
        if not math.isfinite(y) or y < f.top - 1 or y > f.bottom + 1:
            continue
        out.append(
            f'<line x1="{f.left}" y1="{y:.1f}" x2="{f.right}" y2="{y:.1f}" stroke="{h.color}" '
            f'stroke-dasharray="5 4" stroke-width="1.3"/>'
        )
        out.append(
            f'<text x="{f.right - 4}" y="{y - 4:.1f}" font-size="10" fill="{h.color}" '
            f'text-anchor="end" paint-order="stroke" stroke="#fff" stroke-width="3">'
            f"{esc(h.label)}</text>"
        )
    return out


def _lines(f: _Frame, series: Sequence[Series], xs: list[float]) -> list[str]:
    """Line series (with gaps where a value is missing) and a dot on the latest value."""
    out = []
    for s in series:
        if s.kind != "line":
            continue
        scale = f.scale(s.axis)
        ys = [scale(v) if v is not None and math.isfinite(v) else math.nan for v in s.values]
        d = _paths(xs, ys)
        if not d:
            continue
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        out.append(
            f'<path d="{d}" fill="none" stroke="{s.color}" stroke-width="{s.width}" '
            f'stroke-linejoin="round" stroke-linecap="round"{dash}><title>{esc(s.label)}</title>'
            "</path>"
        )
        if f.n and math.isfinite(ys[-1]):
            out.append(
                f'<circle cx="{xs[-1]:.1f}" cy="{ys[-1]:.1f}" r="3" fill="{s.color}" '
                f'stroke="#fff" stroke-width="1"/>'
            )
    return out


def _latest_month(f: _Frame, dates: Sequence[str], xs: list[float], empty_text: str) -> list[str]:
    """A marker at the latest month, or the empty chart's text."""
    if f.n:
        x = xs[-1]
        return [
            f'<line x1="{x:.1f}" y1="{f.top}" x2="{x:.1f}" y2="{f.bottom}" stroke="#9ca3af" '
            f'stroke-dasharray="2 3"/>',
            f'<text x="{x:.1f}" y="{f.top - 3:.1f}" font-size="9.5" fill="{MUTED}" '
            f'text-anchor="middle">{esc(dates[-1][:7])}</text>',
        ]
    if empty_text:
        return [
            f'<text x="{(f.left + f.right) / 2:.1f}" y="{(f.top + f.bottom) / 2:.1f}" '
            f'font-size="12" fill="{MUTED}" text-anchor="middle">{esc(empty_text)}</text>'
        ]
    return []
