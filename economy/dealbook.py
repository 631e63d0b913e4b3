"""The deal book: every dated deal in ``data/deals.csv``, checked, and what the model does with it.

The file holds the deals and repricings since September 2025 (copied with their source and
confidence) and the earlier deals the presets and calibration rows already use (the
opening capacity, stakes, CoreWeave's contracts, NVIDIA's backstop). Where a source is
silent on a ramp, start or term, the row carries an assumed value and says why in its
``assumed`` column.

Each kind of deal maps to a model action or to "not simulated", with the reason
(:data:`KIND_ACTIONS`; ``docs/scenarios.md`` shows the table and a test checks that every
row's kind is there). A preset applies the dated deals to its vintage
(``deals_until``): ``reported`` those known by the end of October 2025, ``history`` every
row (``economy/opening.py``: ``deals_from``).
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
    "paid",
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
        "the guarantor buys the cloud's capacity out of contract each month while the "
        "agreement runs, within its limit",
        "economy/contracting.py: buy_unsold (backstop_limit_coreweave)",
    ),
    "cloud_contract": KindAction(
        Action.APPLIED,
        "a binding take-or-pay contract: one contract per quarter of its ramp, billed from "
        "each tranche's start; its chips are the named supplier's",
        "economy/contracting.py: sign_scheduled, on the deal's date, in presets whose vintage "
        "(deals_until) includes it; until then its tranches are the app company's plan",
    ),
    "milestone_investment": KindAction(
        Action.APPLIED,
        "a letter of intent: equity per whole GW of new systems with the supplier's chips, "
        "counted from the deal's start, to a cap",
        "agents/chip_supplier.py: unlock_milestones (milestone_investment_per_gw, _cap set "
        "the terms; the file gives the start)",
    ),
    "chip_supply_with_warrant": KindAction(
        Action.APPLIED,
        "the supplier's share of capacity entering service from the deal's start, and a "
        "warrant that vests by GW since then and share price",
        "economy/contracting.py: chip_split (amd_chip_share from the start); "
        "agents/chip_supplier.py: vest_warrants (amd_warrant_*)",
    ),
    "loi_lapsed": KindAction(
        Action.APPLIED,
        "the letter of intent between the same parties pays nothing from this date",
        "economy/opening.py: deals_from, in presets whose vintage includes the date",
    ),
    "equity_round": KindAction(
        Action.APPLIED,
        "a dated round: each named investor's paid part buys new shares at the market price "
        "(outside investors are the equity funds; conditional parts are not paid)",
        "agents/base.py: buy_dated_equity (firms), agents/investor.py (funds); a supplier's "
        "part is loop equity (flow_supplier_equity), not milestone equity",
    ),
    "equity_funding": KindAction(
        Action.APPLIED,
        "a dated tranche from an outside investor, bought by the equity funds",
        "agents/investor.py: buy_dated_equity; the bridge loan behind it waits for the "
        "credit issue",
    ),
    "equity_investment": KindAction(
        Action.APPLIED,
        "a supplier buying new shares of a cloud on the date",
        "agents/base.py: buy_dated_equity",
    ),
    "expansion_cancelled": KindAction(
        Action.APPLIED,
        "capacity dropped before construction: the cloud's latest contracts whose building "
        "has not started shrink by the GW, without penalty",
        "economy/contracting.py: _cut",
    ),
    "stargate_sites": KindAction(
        Action.NOT_SIMULATED,
        "planned sites: an umbrella, not a contract",
        "its binding part is Oracle's contract (4.5 GW, a row of its own); the rest has no "
        "counterparty, terms or dates, and counting it as well would count Oracle's GW twice; "
        "the app company's own contracting covers need beyond the contracts",
    ),
    "compute_plan_cut": KindAction(
        Action.APPLIED,
        "planned compute spending cut: from the date the app company signs nothing that "
        "takes its commitments (backlog) above the new plan",
        "economy/contracting.py: commitment_cap, read by agents/app_company.py: "
        "sign_contracts (commitments renegotiated down, not defaulted on)",
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
        "Broadcom stays outside the loop, not a third ChipSupplier: it invests nothing in the "
        "app company and guides no OpenAI revenue in 2026; its letter of intent has no GW "
        "schedule that binds, so the capacity it may supply from H2-2026 is in the app "
        "company's own contracts, whose chips the model splits between NVIDIA and AMD",
    ),
    "bond_issue": KindAction(
        Action.NOT_SIMULATED,
        "a cloud's bond issue",
        "not a dated input: in the model a listed firm issues bonds when its cash does not "
        "cover its bills, as far as bond investors have room (agents/lender.py: "
        "Lenders.lend); Oracle's issue of September 2025 is a figure to check what its "
        "model counterpart issues, not an action",
    ),
    "financing_plan": KindAction(
        Action.NOT_SIMULATED,
        "a cloud's plan of equity and debt issuance",
        "not a dated input: in the model a cloud short of funds sells shares at the market "
        "(agents/cloud_provider.py: raise_equity) and issues bonds (agents/lender.py: "
        "Lenders.lend); Oracle's 2026 plan is a figure to compare with, not an action",
    ),
    "spv_financing": KindAction(
        Action.NOT_SIMULATED,
        "an off-balance-sheet vehicle funded by private credit",
        "Meta is outside the loop; the structure is how private credit funds the clouds' "
        "data centres in the model (a lease secured on the buildings, agents/lender.py: "
        "PrivateCredit.finance_build) and its notes' 6.58% sets lease_premium",
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
    paid: tuple[tuple[str, float], ...]  # (investor, US$ bn paid on the date)
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


def _paid(where: schema.Where, text: str) -> tuple[tuple[str, float], ...]:
    """``Party:amount;Party:amount`` (US$ bn paid on the deal's date by each investor)."""
    if not text.strip():
        return ()
    out = []
    for part in text.split(";"):
        name, sep, amount = part.partition(":")
        if not sep:
            raise where.bad("paid", "investor:US$ bn pairs separated by ';' (e.g. NVIDIA:30)", text)
        party = schema.choice(where, "paid", name.strip(), PARTIES)
        value = _optional_number(where, "paid", amount, 0.0, 10_000.0)
        if value is None:
            raise where.bad("paid", "investor:US$ bn pairs separated by ';' (e.g. NVIDIA:30)", text)
        out.append((party, float(value)))
    if len(out) > len(PARTIES):
        raise where.bad("paid", f"at most {len(PARTIES)} investors", text)
    return tuple(out)


CLOUD_PARTIES = ("Oracle", "Microsoft", "Amazon", "CoreWeave")
NEEDS_CLOUD = ("cloud_contract", "expansion_cancelled")
EQUITY_KINDS = ("equity_round", "equity_funding", "equity_investment")


def _check_kind(
    where: schema.Where, kind: str, parties: tuple[str, ...], paid: tuple[tuple[str, float], ...]
) -> None:
    """What the model needs of a row it applies: a cloud for a contract, payers for a round."""
    if kind in NEEDS_CLOUD and not any(p in CLOUD_PARTIES for p in parties):
        raise where.bad(
            "parties",
            f"a cloud among the parties of a {kind} ({', '.join(CLOUD_PARTIES)})",
            ";".join(parties),
        )
    if kind in EQUITY_KINDS:
        payers = {name for name, _ in paid}
        if not paid:
            raise where.bad("paid", f"a {kind} says who paid what (e.g. NVIDIA:30)", "")
        if not [p for p in parties if p not in payers]:
            raise where.bad("parties", "the issuer as well as the investors", ";".join(parties))


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
    paid = _paid(where, raw["paid"])
    _check_kind(where, kind, parties, paid)
    return DealRow(
        id=ident,
        date=schema.month(where, "date", raw["date"]),
        kind=kind,
        parties=parties,
        binding=schema.choice(where, "binding", raw["binding"], ("yes", "loi", "no")),
        gw=_optional_number(where, "gw", raw["gw"], -1000.0, 1000.0),
        usd_bn=_optional_number(where, "usd_bn", raw["usd_bn"], -10_000.0, 10_000.0),
        paid=paid,
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
    try:
        header = tuple(reader.fieldnames or ())
    except csv.Error as e:  # a stray line break or quote the CSV reader cannot split
        raise DealError(f"{path}: line 1: not a CSV header: {e}") from None
    if header != COLUMNS:
        raise DealError(f"{path}: the columns must be {', '.join(COLUMNS)}")
    rows = []
    seen: set[str] = set()
    try:
        for n, raw in enumerate(reader, start=2):
            if n - 1 > MAX_ROWS:
                raise DealError(f"{path}: more than {MAX_ROWS:,} deals")
            if None in raw or any(v is None for v in raw.values()):
                raise DealError(f"{path}: row {n}: must have {len(COLUMNS)} fields")
            rows.append(_row(n, raw, seen, str(path)))
    except csv.Error as e:  # a stray line break or quote the CSV reader cannot split
        raise DealError(f"{path}: line {reader.line_num}: not a CSV row: {e}") from None
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
