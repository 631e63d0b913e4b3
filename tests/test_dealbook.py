"""The deal book: the file reads and checks, every kind maps to an action, the docs show it."""

import csv
from pathlib import Path

import pytest

from economy.dealbook import (
    COLUMNS,
    DEALS_CSV,
    KIND_ACTIONS,
    DealError,
    deal_book,
    kind_table_markdown,
    read_deals,
)

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVENTS = ROOT.parent / "shared" / "data" / "events.csv"


def test_the_project_deal_file_reads_and_every_kind_maps_to_an_action():
    rows = deal_book()
    assert len(rows) >= 29
    assert {r.kind for r in rows} <= set(KIND_ACTIONS)
    for r in rows:
        if r.assumed:  # an assumed value names its field and says why
            fields, sep, reason = r.assumed.partition(":")
            named = [f.strip() for f in fields.split(",")]
            assert sep and reason.strip() and set(named) <= set(COLUMNS), r.id
        if r.ramp:
            assert sum(r.ramp) == pytest.approx(1.0)


def test_the_docs_show_the_kind_table_as_the_code_has_it():
    docs = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert kind_table_markdown() in docs


@pytest.mark.skipif(not SHARED_EVENTS.is_file(), reason="the shared source list is not here")
def test_every_shared_event_is_in_the_deal_file_with_its_source_and_confidence():
    shared = list(csv.DictReader(SHARED_EVENTS.open(encoding="utf-8")))
    ours = {(r.date, r.kind, r.source, r.confidence) for r in deal_book()}
    from schema import Where, month

    for e in shared:
        key = (month(Where("events.csv"), "date", e["date"][:7]), e["kind"], e["source"])
        assert (*key, e["confidence"]) in ours, e["date"]


def write(tmp_path, rows, header=COLUMNS):
    path = tmp_path / "deals.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


GOOD = dict.fromkeys(COLUMNS, "") | {
    "id": "x",
    "date": "2025-09",
    "kind": "cloud_contract",
    "parties": "OpenAI;Oracle",
    "binding": "yes",
    "usd_bn": "300",
    "confidence": "H",
    "source": "a press report",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "merger"}, "deal 'x': field 'kind' must be one of"),
        ({"date": "2025-13"}, "field 'date' must be a month"),
        ({"parties": "OpenAI;Acme"}, "field 'parties' must be one of"),
        ({"usd_bn": "inf"}, "field 'usd_bn' must be a number"),
        ({"ramp": "0;0"}, "field 'ramp'"),
        ({"confidence": "high"}, "field 'confidence'"),
        ({"source": ""}, "field 'source'"),
        ({"term_months": "9999"}, "field 'term_months'"),
        ({"parties": "OpenAI;NVIDIA"}, "field 'parties' must be a cloud among the parties"),
        ({"kind": "equity_round", "parties": "OpenAI;NVIDIA"}, "field 'paid'"),
        ({"kind": "equity_round", "paid": "NVIDIA=30"}, "field 'paid' must be investor:US"),
        ({"kind": "equity_round", "paid": "Acme:30"}, "field 'paid' must be one of"),
        ({"kind": "equity_round", "paid": "NVIDIA:-1"}, "field 'paid'"),
        (
            {"kind": "equity_round", "parties": "NVIDIA", "paid": "NVIDIA:3"},
            "the issuer as well as the investors",
        ),
    ],
)
def test_a_bad_row_is_refused_naming_the_deal_and_the_field(tmp_path, change, message):
    path = write(tmp_path, [[(GOOD | change)[c] for c in COLUMNS]])
    with pytest.raises(DealError, match=message) as err:
        read_deals(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_a_good_row_reads_and_a_duplicate_id_or_wrong_columns_are_refused(tmp_path):
    row = [GOOD[c] for c in COLUMNS]
    assert read_deals(write(tmp_path, [row]))[0].usd_bn == 300.0
    with pytest.raises(DealError, match="unique"):
        read_deals(write(tmp_path, [row, row]))
    with pytest.raises(DealError, match="the columns must be"):
        read_deals(write(tmp_path, [row], header=COLUMNS[::-1]))
    (tmp_path / "deals.csv").write_bytes(b"\xff\xfe" + "id".encode("utf-16-le"))
    with pytest.raises(DealError):
        read_deals(tmp_path / "deals.csv")


def test_the_project_file_is_the_one_read():
    assert DEALS_CSV == ROOT / "data" / "deals.csv"
