"""The loop as a network: every balance-sheet holder as a node, this month's flows as edges.

The nodes are the model's roster (``economy.roster.roster`` of ``model.firms`` and
``model.investors``, and the rest of the world), placed by group: fuel (chip suppliers) in
a column on the left, gears (cloud providers) in the middle, the engine (the app company)
on the right, capital (funds, lenders, the rest of the world) in the free places around
them, in roster order. A new kind of agent therefore appears without a change here.

Edge width grows with the flow (square root, on a fixed scale, so the loop visibly fattens
month after month). The three loop flows (``LOOP_FLOWS``, through
``economy.roster.loop_payments``) are drawn in gold and animated; a milestone deal with no
tranche this month stays as a dashed gold arc; a defaulted firm is greyed out with a red
dashed border.
"""

# ruff: noqa: N802 - Solara components are named like classes (Page, NetworkPanel, ...)

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import solara

from economy.roster import Holder, Outside, loop_payments
from text import money, tr
from viz.components.parties import holders
from viz.components.parties import label as holder_label
from viz.components.svg import INK, MUTED, esc, svg_open, text_width
from viz.session import Shown

W, H = 840.0, 480.0
NODE_W, NODE_H = 128.0, 46.0
# Each group of the loop is a column of nodes: x, and the span its nodes share out.
COLUMNS: dict[str, tuple[float, float, float]] = {
    "fuel": (125.0, 102.5, 332.5),
    "gears": (400.0, 52.5, 392.5),
    "engine": (675.0, 180.0, 260.0),
}
# Capital (and any group without a column) takes these places in roster order: the funds
# above the engine, bond investors and banks under the fuel, private credit above it,
# the rest of the world under the engine.
CAPITAL_SLOTS: tuple[tuple[float, float], ...] = (
    (605.0, 48.0),
    (750.0, 48.0),
    (125.0, 395.0),
    (262.0, 440.0),
    (125.0, 40.0),
    (675.0, 365.0),
    (262.0, 40.0),
)
LEGEND_H = 48.0  # the two legend rows under the picture
GROUP_COLOR = {"fuel": "#fff7ed", "gears": "#f5f3ff", "engine": "#ecfdf5", "capital": "#f8fafc"}
GROUP_EDGE = {"fuel": "#fdba74", "gears": "#c4b5fd", "engine": "#6ee7b7", "capital": "#cbd5e1"}
GROUP_STROKE = {"fuel": "#f97316", "gears": "#8b5cf6", "engine": "#10b981", "capital": "#94a3b8"}
KIND_COLOR = {
    "chips": "#ea580c",
    "capacity": "#7c3aed",
    "cash": "#16a34a",
    "equity": "#2563eb",
    "credit": "#64748b",
    "vendor_credit": "#db2777",
}
KIND_BEND = {"chips": 0, "capacity": 0, "cash": 1, "equity": 2, "credit": 2, "vendor_credit": 3}
LABELLED_KINDS = {"capacity", "equity", "credit", "vendor_credit"}  # amounts written on the edge
PAYMENT_KINDS = {"cash", "equity"}  # money paid this month (what a loop flow is)
LOOP_GOLD = "#f59e0b"
DEFAULT_RED = "#dc2626"

CSS = (
    "<style>.aiv-flow{stroke-dasharray:7 11;animation:aivdash 1.1s linear infinite}"
    "@keyframes aivdash{to{stroke-dashoffset:-36}}"
    "@media (prefers-reduced-motion: reduce){.aiv-flow{animation:none}}</style>"
)


# ---------------------------------------------------------------------- layout
def layout(nodes: Sequence[Holder]) -> dict[str, tuple[float, float]]:
    """Where each holder's node goes: its group's column, or the next free capital place."""
    pos: dict[str, tuple[float, float]] = {}
    for group, (x, top, bottom) in COLUMNS.items():
        members = [h for h in nodes if h.group == group]
        step = (bottom - top) / max(1, len(members))
        for i, h in enumerate(members):
            pos[h.name] = (x, top + (i + 0.5) * step)
    others = [h for h in nodes if h.group not in COLUMNS]
    for i, h in enumerate(others):
        if i < len(CAPITAL_SLOTS):
            pos[h.name] = CAPITAL_SLOTS[i]
        else:  # more holders than places: rows of five under the picture
            row, k = divmod(i - len(CAPITAL_SLOTS), 5)
            pos[h.name] = (NODE_W / 2 + 14 + (NODE_W + 24) * k, H - LEGEND_H + 12 + 60 * row)
    return pos


def height(pos: dict[str, tuple[float, float]]) -> float:
    """The picture's height: room for every node and the legend under them."""
    bottom = max((y for _, y in pos.values()), default=0.0) + NODE_H / 2 + 10
    return max(H, bottom + LEGEND_H)


def group_boxes(
    nodes: Sequence[Holder], pos: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, float, float, float]]:
    """Each column group's box (x0, y0, x1, y1) around its nodes."""
    boxes = {}
    for group, (x, _, _) in COLUMNS.items():
        ys = [pos[h.name][1] for h in nodes if h.group == group]
        if ys:
            boxes[group] = (x - 75.0, min(ys) - 50.0, x + 75.0, max(ys) + 32.0)
    return boxes


def _curve(
    p0: tuple[float, float], p1: tuple[float, float], bend: float, over_the_top: bool
) -> tuple[tuple[float, ...], tuple[float, float]]:
    """Start, control and end points of an edge between two nodes, and its mid point."""
    x0, y0 = p0
    x1, y1 = p1
    if over_the_top:  # fuel straight to the engine: an arc over the clouds
        cx, cy = (x0 + x1) / 2, -88.0
    else:
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy) or 1.0
        off = bend * min(length, 320.0)
        cx, cy = mx - dy / length * off, my + dx / length * off
    sx, sy = _border(x0, y0, cx, cy)
    ex, ey = _border(x1, y1, cx, cy)
    midx = 0.25 * sx + 0.5 * cx + 0.25 * ex
    midy = 0.25 * sy + 0.5 * cy + 0.25 * ey
    return (sx, sy, cx, cy, ex, ey), (midx, midy)


# ---------------------------------------------------------------------- what is drawn
@dataclass(frozen=True)
class Picture:
    """What one month's network shows: nodes, their places, edges and the loop."""

    nodes: tuple[Holder, ...]
    pos: dict[str, tuple[float, float]]
    names: dict[str, str]  # display names in the page's language
    flows: list[dict[str, Any]]  # this month's flows with a node at both ends
    loop: dict[tuple[str, str], str]  # payer -> payee pairs of the loop flows this month
    milestones: list[tuple[str, str]]  # investor -> investee of the milestone deals

    def group(self, name: str) -> str:
        """The group of a node."""
        return next((h.group for h in self.nodes if h.name == name), "capital")

    def is_loop(self, flow: dict[str, Any]) -> bool:
        """Whether a flow is one of the three loop flows."""
        return flow["kind"] in PAYMENT_KINDS and (flow["source"], flow["target"]) in self.loop

    def is_context(self, flow: dict[str, Any]) -> bool:
        """Context, not loop (drawn faint): the rest of the world, credit and its servicing."""
        ends = [h for h in self.nodes if h.name in (flow["source"], flow["target"])]
        if any(isinstance(h, Outside) for h in ends):
            return True
        if flow["kind"] == "credit":
            return True
        return flow["kind"] == "cash" and self.group(flow["target"]) == "capital"

    def over_the_top(self, src: str, dst: str) -> bool:
        """An edge from fuel straight to the engine arcs over the gears."""
        return self.group(src) == "fuel" and self.group(dst) == "engine"

    def curve(self, src: str, dst: str, bend: float):
        """The edge's curve (see :func:`_curve`)."""
        return _curve(self.pos[src], self.pos[dst], bend, self.over_the_top(src, dst))


def picture(model: Any, lang: str) -> Picture:
    """What the network of the model's current month shows."""
    nodes = holders(model)
    pos = layout(nodes)
    started = model.month >= 0
    flows = model.observation.flows_this_month() if started else []
    present = [f for f in flows if f["amount"] > 1e-6 and f["source"] in pos and f["target"] in pos]
    loop = loop_payments(model.ledger.period_cash) if started else {}
    deals = [(d.investor, d.investee) for d in model.contracting.milestones]
    names = {h.name: holder_label(h, lang) for h in nodes}
    return Picture(nodes, pos, names, present, loop, deals)


def flow_label(amount: float, unit: str, lang: str) -> str:
    """An edge's amount as text."""
    return f"{amount:.2f} GW" if unit == "GW" else money(amount, lang)


# ---------------------------------------------------------------------- drawing
def _group_boxes_svg(pic: Picture, lang: str) -> list[str]:
    """The column groups' boxes; the labels go below the boxes, clear of the milestone arc."""
    out = []
    for g, (x0, y0, x1, y1) in group_boxes(pic.nodes, pic.pos).items():
        out.append(
            f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="14" '
            f'fill="{GROUP_COLOR[g]}" stroke="{GROUP_EDGE[g]}" stroke-dasharray="4 3"/>'
        )
        out.append(
            f'<text x="{(x0 + x1) / 2}" y="{y1 + 15}" font-size="12" font-weight="600" '
            f'fill="{GROUP_STROKE[g]}" text-anchor="middle">{esc(tr(f"group_{g}", lang))}</text>'
        )
    return out


def _no_tranche_arcs(pic: Picture, lang: str) -> tuple[list[str], list[str]]:
    """A dashed gold arc (and its note) for each milestone deal with no tranche this month."""
    paid = {(f["source"], f["target"]) for f in pic.flows if f["kind"] == "equity"}
    out: list[str] = []
    labels: list[str] = []
    for investor, investee in pic.milestones:
        if (investor, investee) in paid or investor not in pic.pos or investee not in pic.pos:
            continue
        (sx, sy, cx, cy, ex, ey), (mx, my) = pic.curve(investor, investee, 0.0)
        out.append(
            f'<path d="M{sx:.1f} {sy:.1f} Q{cx:.1f} {cy:.1f} {ex:.1f} {ey:.1f}" fill="none" '
            f'stroke="{LOOP_GOLD}" stroke-width="2" stroke-dasharray="6 6" opacity="0.8">'
            f"<title>{esc(tr('no_tranche', lang))}</title></path>"
        )
        labels.append(
            f'<text x="{mx:.1f}" y="{my + 4:.1f}" font-size="11" fill="#b45309" '
            f'text-anchor="middle" paint-order="stroke" stroke="#fff" stroke-width="4">'
            f"{esc(tr('flow_equity', lang))}: {esc(tr('no_tranche', lang))}</text>"
        )
    return out, labels


def _edge_svg(pic: Picture, f: dict[str, Any], lang: str) -> tuple[list[str], str]:
    """One flow as a curved arrow (with a gold halo if it is a loop flow), and its label."""
    src, dst, kind, amount = f["source"], f["target"], f["kind"], f["amount"]
    unit = f.get("unit", "US$ bn")
    loop = pic.is_loop(f)
    context = pic.is_context(f)
    width = edge_width(amount, unit)
    color = KIND_COLOR.get(kind, MUTED)
    op = 0.22 if context else 0.85
    (sx, sy, cx, cy, ex, ey), (mx, my) = pic.curve(src, dst, 0.12 + 0.05 * KIND_BEND.get(kind, 0))
    d = f"M{sx:.1f} {sy:.1f} Q{cx:.1f} {cy:.1f} {ex:.1f} {ey:.1f}"
    title = (
        f"{pic.names[src]} → {pic.names[dst]} · {tr(f'flow_{kind}', lang)} · "
        f"{flow_label(amount, unit, lang)} {tr('this_month', lang)}"
    )
    out = []
    if loop:
        out.append(
            f'<path d="{d}" fill="none" stroke="{LOOP_GOLD}" stroke-width="{width + 9:.1f}" '
            f'stroke-opacity="0.35" stroke-linecap="round"/>'
        )
    out.append(
        f'<path class="aiv-edge" data-edge="{esc(src)}-{esc(dst)}-{esc(kind)}" d="{d}" '
        f'fill="none" stroke="{color}" stroke-width="{width:.1f}" stroke-opacity="{op}" '
        f'stroke-linecap="round"><title>{esc(title)}</title></path>'
    )
    if loop:
        out.append(
            f'<path class="aiv-flow" d="{d}" fill="none" stroke="#fde68a" '
            f'stroke-width="{max(1.5, width * 0.35):.1f}" stroke-linecap="round"/>'
        )
    out.append(_arrow(cx, cy, ex, ey, width, color, min(1.0, op + 0.1)))
    text = ""
    if not context and (loop or kind in LABELLED_KINDS):
        text = (
            f'<text x="{mx:.1f}" y="{my + 4:.1f}" font-size="10.5" fill="{color}" '
            f'font-weight="600" text-anchor="middle" paint-order="stroke" stroke="#fff" '
            f'stroke-width="3.5">{esc(flow_label(amount, unit, lang))}</text>'
        )
    return out, text


def _node_svg(model: Any, pic: Picture, h: Holder, lang: str) -> str:
    """One holder as a box with its name and cash; a defaulted firm crossed out and tagged."""
    x, y = pic.pos[h.name]
    dead = h.defaulted
    group = h.group if h.group in GROUP_STROKE else "capital"
    fill = "#f3f4f6" if dead else ("#f8fafc" if group == "capital" else "#ffffff")
    stroke = DEFAULT_RED if dead else GROUP_STROKE[group]
    dash = ' stroke-dasharray="5 3"' if dead else ""
    name = pic.names[h.name]
    tag = f" · {esc(tr('defaulted', lang))}" if dead else ""
    out = [
        f'<g data-node="{esc(h.name)}"><title>{esc(name)}{tag}</title>'
        f'<rect x="{x - NODE_W / 2}" y="{y - NODE_H / 2}" width="{NODE_W}" height="{NODE_H}" '
        f'rx="10" fill="{fill}" stroke="{stroke}" stroke-width="{2.5 if dead else 1.8}"{dash}/>'
    ]
    bold = h.group == "engine" or any(h.name == investor for investor, _ in pic.milestones)
    out.append(
        f'<text x="{x}" y="{y - 3}" font-size="14" font-weight="{"700" if bold else "600"}" '
        f'fill="{"#9ca3af" if dead else INK}" text-anchor="middle">{esc(name)}</text>'
    )
    if not isinstance(h, Outside):  # an agent: its cash
        sub = f"{tr('cash_short', lang)} {money(model.ledger.cash(h.name), lang)}"
        out.append(
            f'<text x="{x}" y="{y + 13}" font-size="10.5" fill="{MUTED}" '
            f'text-anchor="middle">{esc(sub)}</text>'
        )
    if dead:
        out.append(_defaulted_mark(x, y, tr("defaulted", lang)))
    out.append("</g>")
    return "".join(out)


def _defaulted_mark(x: float, y: float, tag: str) -> str:
    """A faint cross over a node and a red tag above it."""
    tw = text_width(tag, 10) + 12
    return (
        f'<line x1="{x - NODE_W / 2 + 6}" y1="{y - NODE_H / 2 + 6}" '
        f'x2="{x + NODE_W / 2 - 6}" y2="{y + NODE_H / 2 - 6}" stroke="{DEFAULT_RED}" '
        f'stroke-opacity="0.35" stroke-width="2"/>'
        f'<rect x="{x - tw / 2:.1f}" y="{y - NODE_H / 2 - 13}" width="{tw:.1f}" height="15" '
        f'rx="7" fill="{DEFAULT_RED}"/>'
        f'<text x="{x}" y="{y - NODE_H / 2 - 2}" font-size="10" font-weight="700" '
        f'fill="#fff" text-anchor="middle">{esc(tag)}</text>'
    )


def network_svg(model: Any, lang: str) -> str:
    """The network of the model's current month as an SVG string."""
    pic = picture(model, lang)
    h = height(pic.pos)
    out = [svg_open(W, h, tr("network_title", lang)), CSS]
    out.append(f'<rect x="0" y="0" width="{W}" height="{h}" fill="#ffffff"/>')
    out += _group_boxes_svg(pic, lang)
    arcs, labels = _no_tranche_arcs(pic, lang)
    out += arcs
    # edges: context first, then the rest, loop on top
    for f in sorted(pic.flows, key=lambda f: (pic.is_loop(f), not pic.is_context(f))):
        parts, text = _edge_svg(pic, f, lang)
        out += parts
        if text:
            labels.append(text)
    out += [_node_svg(model, pic, node, lang) for node in pic.nodes]
    out += labels
    out.append(_legend(lang, h))
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------------- helpers
def edge_width(amount: float, unit: str) -> float:
    """Stroke width for a flow: grows with the square root, capped (fixed scale)."""
    k = 4.0 if unit == "GW" else 3.0
    return min(18.0, 1.0 + k * math.sqrt(max(amount, 0.0)))


def _border(cx: float, cy: float, tx: float, ty: float) -> tuple[float, float]:
    """Where the ray from a node's centre towards (tx, ty) leaves its box."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    sx = (NODE_W / 2 + 3) / abs(dx) if dx else math.inf
    sy = (NODE_H / 2 + 3) / abs(dy) if dy else math.inf
    s = min(sx, sy)
    return cx + dx * s, cy + dy * s


def _arrow(cx: float, cy: float, ex: float, ey: float, width: float, color: str, op: float):
    dx, dy = ex - cx, ey - cy
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    size = 7.0 + width * 0.7
    bx, by = ex - ux * size, ey - uy * size
    px, py = -uy * size * 0.55, ux * size * 0.55
    return (
        f'<polygon points="{ex:.1f},{ey:.1f} {bx + px:.1f},{by + py:.1f} '
        f'{bx - px:.1f},{by - py:.1f}" fill="{color}" fill-opacity="{op}"/>'
    )


def _legend(lang: str, height: float = H) -> str:
    """Two legend rows: the groups (node borders) and the flow kinds (edge colours)."""
    rows: list[list[tuple[str, str, str]]] = [
        [(tr(f"group_{g}", lang), GROUP_STROKE[g], "node") for g in GROUP_STROKE],
        [(tr(f"flow_{k}", lang), c, "line") for k, c in KIND_COLOR.items()]
        + [
            (tr("loop_path", lang), LOOP_GOLD, "loop"),
            (tr("defaulted", lang), DEFAULT_RED, "dead"),
        ],
    ]
    parts = []
    for r, items in enumerate(rows):
        x, y = 14.0, height - 30 + 18 * r
        for label, color, kind in items:
            if kind in ("node", "dead"):
                dash = ' stroke-dasharray="3 2"' if kind == "dead" else ""
                fill = "#f3f4f6" if kind == "dead" else "#fff"
                parts.append(
                    f'<rect x="{x}" y="{y - 10}" width="16" height="11" rx="3" fill="{fill}" '
                    f'stroke="{color}" stroke-width="1.8"{dash}/>'
                )
            else:
                w = 8 if kind == "loop" else 3
                op = 0.5 if kind == "loop" else 0.9
                parts.append(
                    f'<line x1="{x}" y1="{y - 4}" x2="{x + 16}" y2="{y - 4}" stroke="{color}" '
                    f'stroke-width="{w}" stroke-opacity="{op}" stroke-linecap="round"/>'
                )
            parts.append(
                f'<text x="{x + 21}" y="{y}" font-size="11" fill="{INK}">{esc(label)}</text>'
            )
            x += 21 + text_width(label, 11) + 16
    return "".join(parts)


@solara.component
def NetworkPanel(shown: Shown, lang: str):
    """The network picture, rebuilt when the month or the language changes.

    Args:
        shown: the model the page shows (read under the simulation's lock).
        lang: language code.
    """
    svg = solara.use_memo(lambda: shown.read(network_svg, lang), [*shown.key, lang])
    with solara.Column(gap="4px", style={"padding": "0"}):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<div class="aiv-h">{esc(tr("network_title", lang))}</div>'
                f'<div class="aiv-cap">{esc(tr("network_caption", lang))}</div>{svg}'
            ),
            attributes={"data-testid": "network"},
        )
