"""The deal book: every dated deal in ``data/deals.csv``, checked, and what the model does with it.

The file holds the deals and repricings since September 2025 (copied with their source and
confidence) and the earlier deals the presets and calibration rows already use (the
opening capacity, stakes, CoreWeave's contracts, NVIDIA's backstop). Where a source is
silent on a ramp, start or term, the row carries an assumed value and says why in its
``assumed`` column.

Each kind of deal maps to a model action or to "not simulated", with the reason
(:data:`KIND_ACTIONS`; ``docs/scenarios.md`` shows the table and a test checks that every
row's kind is there). This is the first slice of the deal-book issue: the file is read and
checked, and the table says, kind by kind, what the model does today. The presets still
take their dated contracts from their ``[[contracts]]``; reading them from this file, with
ramps, delivery and the vintage of each preset, is the next slice (docs/status.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path

import schema
from errors import InputError
from fileio import read_text

DEALS_CSV = Path(__file__).resolve().parent.parent / "data" / "deals.csv"
COLUMNS = (
    "id",
    "date",
    "kind",
    "parties",
    "binding",
    "gw",
    "usd_bn",
    "start",
    "term_months",
    "ramp",
    "supplier",
    "lapses",
    "terms",
    "confidence",
    "source",
    "note",
    "assumed",
)
PARTIES = (
    "NVIDIA",
    "AMD",
    "Broadcom",
    "Oracle",
    "Microsoft",
    "Amazon",
    "CoreWeave",
    "OpenAI",
    "SoftBank",
    "Meta",
    "Blue Owl",
    "equity funds",
)
MAX_ROWS = 1000
MAX_FILE_BYTES = 1 << 20


class DealError(InputError):
    """A deal file that cannot be used (one line naming the file, the row and the field)."""


class Action(Enum):
    """What the model does with a kind of deal."""

    APPLIED = "applied"  # the model acts on it today
    NEXT_SLICE = "next slice"  # the deal-book issue's next slice applies it from this file
    PENDING_CREDIT = "pending the credit issue"
    NOT_SIMULATED = "not simulated"


@dataclass(frozen=True)
class KindAction:
    """A kind of deal, the model action it maps to, and why."""

    action: Action
    does: str  # what the model does (or would do)
    why: str  # the reason, or where it happens


KIND_ACTIONS: dict[str, KindAction] = {
    "opening_capacity": KindAction(
        Action.APPLIED,
        "the opening capacity in service in January 2024 and its pre-2024 pipeline",
        "economy/opening.py: _opening_contracts (opening_capacity_gw, opening_pipeline_share)",
    ),
    "stake": KindAction(
        Action.APPLIED,
        "an opening shareholding",
        "economy/opening.py: open_books (the *_stake_* parameters)",
    ),
    "revenue_share": KindAction(
        Action.APPLIED,
        "a share of the app company's revenue paid to Microsoft each month",
        "agents/app_company.py: pay_running_costs (microsoft_revenue_share)",
    ),
    "backstop": KindAction(
        Action.APPLIED,
        "a guarantee called when the app company's contracts with the cloud are cancelled",
        "economy/contracting.py: cancel_contracts_of (backstop_limit_coreweave)",
    ),
    "cloud_contract": KindAction(
        Action.APPLIED,
        "a binding take-or-pay contract, billed from its start",
        "today from the presets' [[contracts]] (reported: Oracle, Amazon and CoreWeave's "
        "total); read from this file by its date, ramp and term in the next slice",
    ),
    "milestone_investment": KindAction(
        Action.APPLIED,
        "a letter of intent: equity per whole GW deployed with the supplier's chips, to a cap",
        "today counted from month 0 (milestone_investment_per_gw, _cap); the next slice counts "
        "new systems from the deal's start and lets the letter lapse on its dated event",
    ),
    "chip_supply_with_warrant": KindAction(
        Action.APPLIED,
        "a supplier's share of new capacity, and a warrant that vests by GW and share price",
        "today AMD's share applies from 2024 (amd_chip_share, amd_warrant_*); the next slice "
        "starts it at the deal's start, by its ramp",
    ),
    "loi_lapsed": KindAction(
        Action.NEXT_SLICE,
        "the named letter of intent stops paying from this date",
        "the history preset (deals after the reported vintage) applies it",
    ),
    "equity_round": KindAction(
        Action.NEXT_SLICE,
        "a dated funding round with named investors (suppliers and clouds among them)",
        "the history preset applies it; today rounds are endogenous only",
    ),
    "equity_funding": KindAction(
        Action.NEXT_SLICE,
        "a dated tranche of a round from an outside investor",
        "the history preset applies it as equity from the equity funds; the bridge loan "
        "behind it waits for the credit issue",
    ),
    "equity_investment": KindAction(
        Action.NEXT_SLICE,
        "a supplier buying more of a cloud's shares",
        "the history preset applies it as a dated purchase of new shares",
    ),
    "expansion_cancelled": KindAction(
        Action.NEXT_SLICE,
        "planned capacity dropped before construction",
        "planned GW (the capacity plan) shrink on the date",
    ),
    "stargate_sites": KindAction(
        Action.NEXT_SLICE,
        "planned sites: capacity planned, not contracted",
        "planned GW count against the app company's own contracting until they lapse",
    ),
    "compute_plan_cut": KindAction(
        Action.NEXT_SLICE,
        "planned compute spending cut",
        "planned GW shrink on the date (commitments renegotiated, not defaulted on)",
    ),
    "recapitalisation": KindAction(
        Action.APPLIED,
        "Microsoft's stake, revenue share and Azure commitment",
        "the stake and revenue share are parameters; the 250bn Azure commitment sets "
        "Microsoft's weight in new contracts (weight_microsoft), it has no dated schedule",
    ),
    "chip_supply": KindAction(
        Action.NOT_SIMULATED,
        "Broadcom's custom accelerators",
        "a letter of intent whose supplier is outside the loop (no investment in the app "
        "company, no OpenAI revenue in 2026 by Broadcom's own guidance): capacity built with "
        "them pays the rest of the world",
    ),
    "bond_issue": KindAction(
        Action.PENDING_CREDIT,
        "a cloud's bond issue",
        "clouds cannot issue bonds yet (credit supply and pricing, issue 18)",
    ),
    "financing_plan": KindAction(
        Action.PENDING_CREDIT,
        "a cloud's plan of equity and debt issuance",
        "issuance waits for the credit issue",
    ),
    "spv_financing": KindAction(
        Action.PENDING_CREDIT,
        "an off-balance-sheet vehicle funded by private credit",
        "special-purpose vehicles and private credit come with the credit issue; Meta is "
        "outside the loop",
    ),
    "capex_guidance": KindAction(
        Action.NOT_SIMULATED,
        "a firm's capex guidance",
        "a figure to check the model against (out of sample), not an action",
    ),
    "contract_amended": KindAction(
        Action.NOT_SIMULATED,
        "licence terms and revenue-share direction",
        "the reported cap on OpenAI's revenue share has no figure; Microsoft's share of "
        "OpenAI's revenue continues unchanged in the model",
    ),
}


@dataclass(frozen=True)
class DealRow:
    """One checked row of the deal file."""

    id: str
    date: int  # month index (0 = January 2024)
    kind: str
    parties: tuple[str, ...]
    binding: str  # yes, loi, no
    gw: float | None
    usd_bn: float | None
    start: int | None
    term_months: int | None
    ramp: tuple[float, ...]
    supplier: str | None
    lapses: int | None
    terms: str
    confidence: str
    source: str
    note: str
    assumed: str


def _optional_number(where: schema.Where, field: str, text: str, lo: float, hi: float):
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise where.bad(field, schema.range_text(lo, hi), text) from None
    return schema.number(where, field, value, lo=lo, hi=hi)


def _optional_month(where: schema.Where, field: str, text: str) -> int | None:
    return schema.month(where, field, text) if text.strip() else None


def _ramp(where: schema.Where, text: str) -> tuple[float, ...]:
    if not text.strip():
        return ()
    parts = text.split(";")
    if len(parts) > 40:
        raise where.bad("ramp", "at most 40 quarters", text)
    weights = tuple(float(_optional_number(where, "ramp", p, 0.0, 1e6) or 0.0) for p in parts)
    total = sum(weights)
    if total <= 0.0:
        raise where.bad("ramp", "relative GW per quarter, not all zero (e.g. 1;1;1;1)", text)
    return tuple(w / total for w in weights)


def _row(n: int, raw: dict[str, str], seen: set[str], where_file: str) -> DealRow:
    where = schema.Where(where_file, f"row {n}", error=DealError)
    ident = schema.text(where, "id", raw["id"], max_chars=schema.MAX_NAME_CHARS)
    if ident in seen:
        raise where.bad("id", "unique in the file", ident)
    seen.add(ident)
    where = schema.Where(where_file, f"deal {ident!r}", error=DealError)
    kind = schema.choice(where, "kind", raw["kind"], KIND_ACTIONS)
    parties = tuple(p.strip() for p in raw["parties"].split(";"))
    for p in parties:
        schema.choice(where, "parties", p, PARTIES)
    supplier = raw["supplier"].strip() or None
    if supplier is not None:
        schema.choice(where, "supplier", supplier, ("NVIDIA", "AMD", "Broadcom"))
    term = _optional_number(where, "term_months", raw["term_months"], 1, 240)
    return DealRow(
        id=ident,
        date=schema.month(where, "date", raw["date"]),
        kind=kind,
        parties=parties,
        binding=schema.choice(where, "binding", raw["binding"], ("yes", "loi", "no")),
        gw=_optional_number(where, "gw", raw["gw"], -1000.0, 1000.0),
        usd_bn=_optional_number(where, "usd_bn", raw["usd_bn"], -10_000.0, 10_000.0),
        start=_optional_month(where, "start", raw["start"]),
        term_months=int(term) if term is not None else None,
        ramp=_ramp(where, raw["ramp"]),
        supplier=supplier,
        lapses=_optional_month(where, "lapses", raw["lapses"]),
        terms=raw["terms"].strip(),
        confidence=schema.choice(where, "confidence", raw["confidence"], ("H", "M", "L")),
        source=schema.text(where, "source", raw["source"]),
        note=raw["note"].strip(),
        assumed=raw["assumed"].strip(),
    )


def read_deals(path: Path = DEALS_CSV) -> tuple[DealRow, ...]:
    """Every row of a deal file, checked (the file's columns, kinds, parties, months...).

    Raises:
        DealError: one line naming the file, the row and the field.
    """
    import csv
    import io

    text = read_text(path, max_bytes=MAX_FILE_BYTES, error=DealError, what="deal file")
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise DealError(f"{path}: the columns must be {', '.join(COLUMNS)}")
    rows = []
    seen: set[str] = set()
    for n, raw in enumerate(reader, start=2):
        if n - 1 > MAX_ROWS:
            raise DealError(f"{path}: more than {MAX_ROWS:,} deals")
        if None in raw or any(v is None for v in raw.values()):
            raise DealError(f"{path}: row {n}: must have {len(COLUMNS)} fields")
        rows.append(_row(n, raw, seen, str(path)))
    return tuple(rows)


@cache
def deal_book() -> tuple[DealRow, ...]:
    """The project's deal file (``data/deals.csv``), read once."""
    return read_deals()


def kind_table_markdown() -> str:
    """The kind -> model action table as Markdown (``docs/scenarios.md`` holds it verbatim)."""
    lines = [
        "| kind of deal | what it is in the model | status | where, or why not |",
        "|---|---|---|---|",
    ]
    for kind, a in KIND_ACTIONS.items():
        lines.append(f"| `{kind}` | {a.does} | {a.action.value} | {a.why} |")
    return "\n".join(lines) + "\n"
