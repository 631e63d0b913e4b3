"""The loop as a network: firms and investors as nodes, this month's flows as edges.

Fuel (chip suppliers) sits on the left, gears (cloud providers) in the middle, the engine
(the app company) on the right and capital (investors, the rest of the world) around them.
Edge width grows with the flow (square root, on a fixed scale, so the loop visibly fattens
month after month); the circular path NVIDIA -> OpenAI -> clouds -> NVIDIA is drawn in gold
and animated, and a defaulted firm is greyed out with a red dashed border.
"""

# ruff: noqa: N802 - Solara components are named like classes (Page, NetworkPanel, ...)

from __future__ import annotations

import math
from typing import Any

import solara

from viz.components.svg import INK, MUTED, esc, svg_open, text_width
from viz.i18n import money, tr

W, H = 800.0, 470.0
NODE_W, NODE_H = 128.0, 46.0
APP = "openai"
LOOP_SUPPLIER = "nvidia"  # the supplier whose milestone deal closes the loop

POS: dict[str, tuple[float, float]] = {
    "nvidia": (125, 160),
    "amd": (125, 275),
    "oracle": (400, 95),
    "microsoft": (400, 180),
    "amazon": (400, 265),
    "coreweave": (400, 350),
    "openai": (675, 220),
    "equity_funds": (675, 85),
    "rest_of_world": (675, 365),
    "lenders": (125, 395),
}
GROUP_BOX: dict[str, tuple[float, float, float, float]] = {  # x0, y0, x1, y1
    "fuel": (50, 105, 200, 305),
    "gears": (326, 50, 474, 380),
    "engine": (600, 173, 750, 255),
}
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
LOOP_GOLD = "#f59e0b"
DEFAULT_RED = "#dc2626"
CONTEXT_NODES = {"rest_of_world", "lenders"}  # their edges are drawn faint: context, not loop

CSS = (
    "<style>.aiv-flow{stroke-dasharray:7 11;animation:aivdash 1.1s linear infinite}"
    "@keyframes aivdash{to{stroke-dashoffset:-36}}"
    "@media (prefers-reduced-motion: reduce){.aiv-flow{animation:none}}</style>"
)


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


def _is_loop(flow: dict[str, Any], clouds: set[str]) -> bool:
    src, dst, kind = flow["source"], flow["target"], flow["kind"]
    if kind == "equity" and src == LOOP_SUPPLIER and dst == APP:
        return True
    if kind == "cash" and src == APP and dst in clouds:
        return True
    return kind == "cash" and src in clouds and dst == LOOP_SUPPLIER


def _curve(src: str, dst: str, bend: float) -> tuple[tuple[float, ...], tuple[float, float]]:
    """Start, control and end points of the edge ``src -> dst``, and its mid point."""
    x0, y0 = POS[src]
    x1, y1 = POS[dst]
    if src == LOOP_SUPPLIER and dst == APP:  # the milestone arc over the top
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


def node_label(model: Any, name: str, lang: str) -> str:
    """The display name of a node (firm brand names are kept in every language)."""
    firm = model.firms_by_name.get(name)
    if firm is not None:
        return firm.label
    return tr(f"node_{name}", lang)


def flow_label(amount: float, unit: str, lang: str) -> str:
    """An edge's amount as text."""
    return f"{amount:.2f} GW" if unit == "GW" else money(amount, lang)


def network_svg(model: Any, lang: str) -> str:
    """The network of the model's current month as an SVG string."""
    started = model.month >= 0
    flows = model.observation.flows_this_month() if started else []
    clouds = {c.name for c in model.clouds}
    groups: dict[str, str] = {f.name: f.group for f in model.firms}
    groups.update({i.name: "capital" for i in model.investors})
    groups["rest_of_world"] = "capital"
    defaulted = {f.name for f in model.firms if f.defaulted}
    out = [svg_open(W, H, tr("network_title", lang)), CSS]
    out.append(f'<rect x="0" y="0" width="{W}" height="{H}" fill="#ffffff"/>')
    # group boxes; the labels go below the boxes, clear of the milestone arc
    for g, (x0, y0, x1, y1) in GROUP_BOX.items():
        out.append(
            f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="14" '
            f'fill="{GROUP_COLOR[g]}" stroke="{GROUP_EDGE[g]}" stroke-dasharray="4 3"/>'
        )
        out.append(
            f'<text x="{(x0 + x1) / 2}" y="{y1 + 15}" font-size="12" font-weight="600" '
            f'fill="{GROUP_STROKE[g]}" text-anchor="middle">{esc(tr(f"group_{g}", lang))}</text>'
        )
    # edges: context first, then the rest, loop on top
    present = [f for f in flows if f["amount"] > 1e-6 and f["source"] in POS and f["target"] in POS]
    present.sort(
        key=lambda f: (
            _is_loop(f, clouds),
            f["source"] not in CONTEXT_NODES and f["target"] not in CONTEXT_NODES,
        )
    )
    labels: list[str] = []
    have_equity = any(
        f["kind"] == "equity" and f["source"] == LOOP_SUPPLIER and f["target"] == APP
        for f in present
    )
    if not have_equity:  # keep the loop visible: a dashed gold arc with a note
        (sx, sy, cx, cy, ex, ey), (mx, my) = _curve(LOOP_SUPPLIER, APP, 0.0)
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
    kind_index = {
        "chips": 0,
        "capacity": 0,
        "cash": 1,
        "equity": 2,
        "credit": 2,
        "vendor_credit": 3,
    }
    for f in present:
        src, dst, kind, amount = f["source"], f["target"], f["kind"], f["amount"]
        unit = f.get("unit", "US$ bn")
        loop = _is_loop(f, clouds)
        context = src in CONTEXT_NODES or dst in CONTEXT_NODES
        width = edge_width(amount, unit)
        color = KIND_COLOR.get(kind, MUTED)
        op = 0.22 if context else 0.85
        bend = 0.12 + 0.05 * kind_index.get(kind, 0)
        (sx, sy, cx, cy, ex, ey), (mx, my) = _curve(src, dst, bend)
        d = f"M{sx:.1f} {sy:.1f} Q{cx:.1f} {cy:.1f} {ex:.1f} {ey:.1f}"
        title = (
            f"{node_label(model, src, lang)} → {node_label(model, dst, lang)} · "
            f"{tr(f'flow_{kind}', lang)} · {flow_label(amount, unit, lang)} "
            f"{tr('this_month', lang)}"
        )
        if loop:
            out.append(
                f'<path d="{d}" fill="none" stroke="{LOOP_GOLD}" stroke-width="{width + 9:.1f}" '
                f'stroke-opacity="0.35" stroke-linecap="round"/>'
            )
        out.append(
            f'<path d="{d}" fill="none" stroke="{color}" stroke-width="{width:.1f}" '
            f'stroke-opacity="{op}" stroke-linecap="round"><title>{esc(title)}</title></path>'
        )
        if loop:
            out.append(
                f'<path class="aiv-flow" d="{d}" fill="none" stroke="#fde68a" '
                f'stroke-width="{max(1.5, width * 0.35):.1f}" stroke-linecap="round"/>'
            )
        out.append(_arrow(cx, cy, ex, ey, width, color, min(1.0, op + 0.1)))
        if not context and (loop or kind in ("capacity", "equity", "credit", "vendor_credit")):
            labels.append(
                f'<text x="{mx:.1f}" y="{my + 4:.1f}" font-size="10.5" fill="{color}" '
                f'font-weight="600" text-anchor="middle" paint-order="stroke" stroke="#fff" '
                f'stroke-width="3.5">{esc(flow_label(amount, unit, lang))}</text>'
            )
    # nodes
    for name, (x, y) in POS.items():
        group = groups.get(name, "capital")
        dead = name in defaulted
        fill = "#f3f4f6" if dead else ("#f8fafc" if group == "capital" else "#ffffff")
        stroke = DEFAULT_RED if dead else GROUP_STROKE[group]
        dash = ' stroke-dasharray="5 3"' if dead else ""
        label = node_label(model, name, lang)
        sub = ""
        if name != "rest_of_world":
            cash = model.ledger.cash(name)
            sub = f"{tr('cash_short', lang)} {money(cash, lang)}"
        out.append(
            f"<g><title>{esc(label)}{' · ' + esc(tr('defaulted', lang)) if dead else ''}</title>"
            f'<rect x="{x - NODE_W / 2}" y="{y - NODE_H / 2}" width="{NODE_W}" height="{NODE_H}" '
            f'rx="10" fill="{fill}" stroke="{stroke}" stroke-width="{2.5 if dead else 1.8}"{dash}/>'
        )
        color = "#9ca3af" if dead else INK
        weight = "700" if name in (LOOP_SUPPLIER, APP) else "600"
        out.append(
            f'<text x="{x}" y="{y - 3}" font-size="14" font-weight="{weight}" fill="{color}" '
            f'text-anchor="middle">{esc(label)}</text>'
        )
        if sub:
            out.append(
                f'<text x="{x}" y="{y + 13}" font-size="10.5" fill="{MUTED}" '
                f'text-anchor="middle">{esc(sub)}</text>'
            )
        if dead:
            tag = tr("defaulted", lang)
            tw = text_width(tag, 10) + 12
            out.append(
                f'<line x1="{x - NODE_W / 2 + 6}" y1="{y - NODE_H / 2 + 6}" '
                f'x2="{x + NODE_W / 2 - 6}" y2="{y + NODE_H / 2 - 6}" stroke="{DEFAULT_RED}" '
                f'stroke-opacity="0.35" '
                f'stroke-width="2"/>'
                f'<rect x="{x - tw / 2:.1f}" y="{y - NODE_H / 2 - 13}" width="{tw:.1f}" '
                f'height="15" '
                f'rx="7" fill="{DEFAULT_RED}"/>'
                f'<text x="{x}" y="{y - NODE_H / 2 - 2}" font-size="10" font-weight="700" '
                f'fill="#fff" text-anchor="middle">{esc(tag)}</text>'
            )
        out.append("</g>")
    out.extend(labels)
    out.append(_legend(lang))
    out.append("</svg>")
    return "".join(out)


def _legend(lang: str) -> str:
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
        x, y = 14.0, H - 30 + 18 * r
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
def NetworkPanel(model: Any, months: int, lang: str):
    """The network picture, rebuilt when the month or the language changes.

    Args:
        model: the session's model.
        months: months simulated (a change means a new picture).
        lang: language code.
    """
    svg = solara.use_memo(lambda: network_svg(model, lang), [id(model), months, lang])
    with solara.Column(gap="4px", style={"padding": "0"}):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<div class="aiv-h">{esc(tr("network_title", lang))}</div>'
                f'<div class="aiv-cap">{esc(tr("network_caption", lang))}</div>{svg}'
            ),
            attributes={"data-testid": "network"},
        )
