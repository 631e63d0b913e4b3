"""The Books tab: every balance sheet this month and the month's transaction-flow matrix.

Both come straight from the ledger; the totals and sums shown are there so a reader can
check, by eye, that each balance sheet balances and that every row and column of the flow
matrix adds up to zero.
"""

# ruff: noqa: N802 - Solara components are named like classes (Page, NetworkPanel, ...)

from __future__ import annotations

from typing import Any

import solara

from economy.roster import Holder, Outside
from text import month_label, tr
from viz.components.network import GROUP_STROKE
from viz.components.parties import holders, labels
from viz.components.svg import esc
from viz.session import Shown

SECTORS = ("chip_suppliers", "cloud_providers", "app_company", "investors", "rest_of_world")
ROW = "rest_of_world"
TOL = 1e-6  # sums smaller than this (US$ bn) are shown as zero, with a tick


def _fmt(v: float, digits: int = 1) -> str:
    if abs(v) < 0.5 * 10**-digits:
        v = 0.0
    return f"{v:,.{digits}f}".replace("-", "−")


def account_label(names: dict[str, str], key: str, lang: str) -> str:
    """A ledger account as words: ``loan:lenders`` -> ``Loans · Lenders``.

    ``names`` are the holders' display names (``viz.components.parties.labels``).
    """
    kind, _, other = key.partition(":")
    name = tr(f"acct_{kind}", lang)
    if not other or (kind == "cash" and other == ROW):
        return name
    return f"{name} · {names.get(other, other)}"


def _section(
    names: dict[str, str], title: str, items: dict[str, float], lang: str
) -> tuple[str, float]:
    total = sum(items.values())
    rows = [f'<tr class="aiv-sec"><th>{esc(title)}</th><th class="num">{_fmt(total)}</th></tr>']
    for key, v in sorted(items.items(), key=lambda kv: -abs(kv[1])):
        label = esc(account_label(names, key, lang))
        rows.append(f'<tr><td>{label}</td><td class="num">{_fmt(v)}</td></tr>')
    return "".join(rows), total


def balance_sheet_html(model: Any, holder: Holder, names: dict[str, str], lang: str) -> str:
    """One holder's balance sheet as an HTML card."""
    bs = model.ledger.balance_sheet(holder.name)
    group = holder.group
    dead = holder.defaulted
    assets, ta = _section(names, tr("assets", lang), bs["assets"], lang)
    liabs, tl = _section(names, tr("liabilities", lang), bs["liabilities"], lang)
    worth, tn = _section(names, tr("net_worth", lang), bs["net_worth"], lang)
    gap = ta - tl - tn
    ok = abs(gap) <= TOL * max(1.0, abs(ta))
    check = (
        f'<tr class="aiv-check {"ok" if ok else "bad"}"><td>{esc(tr("check_bs", lang))}</td>'
        f'<td class="num">{_fmt(gap, 3)} {"✓" if ok else "✗"}</td></tr>'
    )
    tag = f' <span class="aiv-dead">{esc(tr("defaulted", lang))}</span>' if dead else ""
    return (
        f'<div class="aiv-bs" style="border-top:4px solid {GROUP_STROKE.get(group, "#94a3b8")}">'
        f'<div class="aiv-bs-h">{esc(names[holder.name])}{tag}</div>'
        f'<table class="aiv-table">{assets}{liabs}{worth}{check}</table></div>'
    )


def flow_matrix_html(model: Any, lang: str) -> str:
    """The month's transaction-flow matrix with its row and column sums."""
    tfm = model.ledger.flow_matrix()
    sectors = list(SECTORS) + sorted({s for _, s in tfm} - set(SECTORS))
    rows = sorted({r for r, _ in tfm}, key=lambda r: (r.startswith("d_"), r))
    head = "".join(f'<th class="num">{esc(tr(f"sector_{s}", lang))}</th>' for s in sectors)
    out = [
        f'<table class="aiv-table aiv-tfm"><thead><tr><th>{esc(tr("flow", lang))}</th>{head}'
        f'<th class="num aiv-sum">{esc(tr("row_sum", lang))}</th></tr></thead><tbody>'
    ]
    col_sums = dict.fromkeys(sectors, 0.0)
    for r in rows:
        cells = []
        total = 0.0
        for s in sectors:
            v = tfm.get((r, s))
            if v is None:
                cells.append('<td class="num aiv-nil">·</td>')
                continue
            total += v
            col_sums[s] += v
            cells.append(f'<td class="num">{_fmt(v, 3)}</td>')
        ok = abs(total) <= TOL
        out.append(
            f"<tr><td>{esc(tr(f'acct_{r}', lang))}</td>{''.join(cells)}"
            f'<td class="num aiv-sum {"ok" if ok else "bad"}">{_fmt(total, 3)}'
            f" {'✓' if ok else '✗'}</td></tr>"
        )
    sums = "".join(
        f'<td class="num aiv-sum {"ok" if abs(v) <= TOL else "bad"}">{_fmt(v, 3)}'
        f" {'✓' if abs(v) <= TOL else '✗'}</td>"
        for v in col_sums.values()
    )
    out.append(
        f'<tr class="aiv-sumrow"><td>{esc(tr("col_sum", lang))}</td>{sums}<td></td></tr>'
        "</tbody></table>"
    )
    return "".join(out)


def books_html(model: Any, lang: str) -> str:
    """The whole Books tab as HTML."""
    if model.month < 0:
        return f'<div class="aiv-empty">{esc(tr("books_empty", lang))}</div>'
    when = month_label(model.stats["date"], lang)
    names = labels(model, lang)
    cards = "".join(
        balance_sheet_html(model, h, names, lang)
        for h in holders(model)
        if not isinstance(h, Outside)  # the rest of the world keeps no books here
    )
    return (
        f'<div class="aiv-h">{esc(tr("flow_matrix", lang))} · {esc(when)}</div>'
        f'<div class="aiv-scroll">{flow_matrix_html(model, lang)}</div>'
        f'<div class="aiv-h">{esc(tr("balance_sheets", lang))} · {esc(when)}</div>'
        f'<div class="aiv-cap">{esc(tr("books_net_worth_note", lang))}</div>'
        f'<div class="aiv-bs-grid">{cards}</div>'
    )


@solara.component
def BooksPanel(shown: Shown, lang: str):
    """The Books tab (built only while the tab is open).

    Args:
        shown: the model the page shows (read under the simulation's lock).
        lang: language code.
    """
    html = solara.use_memo(lambda: shown.read(books_html, lang), [*shown.key, lang])
    solara.HTML(tag="div", unsafe_innerHTML=html, attributes={"data-testid": "books"})
