"""Golden outputs: every preset x seeds 1, 2, 42 over 120 months, recorded byte for byte.

    uv run python scripts/goldens.py            # compare the model with the recorded goldens
    uv run python scripts/goldens.py --update   # record them again (a change of numbers)

Each run is kept as two gzipped CSV files under ``tests/data/golden/``: the monthly columns
(``<preset>-<seed>.csv.gz``) and the event list (``<preset>-<seed>.events.csv.gz``: month,
kind, firm, English text). ``tests/test_goldens.py`` compares them. A change that moves
numbers regenerates them in its own commit, whose message names the columns that moved and
the mechanism that moved them.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOLDEN_DIR = ROOT / "tests" / "data" / "golden"
SEEDS = (1, 2, 42)
MONTHS = 120
EVENT_COLUMNS = ("month", "kind", "firm", "text")


def presets() -> list[str]:
    """The shipped presets."""
    from params import preset_names

    return preset_names()


def record(preset: str, seed: int, months: int = MONTHS) -> tuple[str, str]:
    """The monthly CSV and the event CSV of one run, as text."""
    import pandas as pd

    from model import AIBubbleModel

    m = AIBubbleModel(rng=seed, preset=preset)
    m.run_for(months)
    df = m.datacollector.get_model_vars_dataframe()
    monthly = df.to_csv(index=False, lineterminator="\n")
    events = pd.DataFrame(
        [{k: e[k] for k in EVENT_COLUMNS} for e in event_rows(m)], columns=list(EVENT_COLUMNS)
    ).to_csv(index=False, lineterminator="\n")
    return monthly, events


def event_rows(model) -> list[dict]:
    """The run's events as (month, kind, firm, English text) rows."""
    return [e.row() for e in model.observation.events]


def paths(preset: str, seed: int) -> tuple[Path, Path]:
    """Where one run's goldens live."""
    stem = GOLDEN_DIR / f"{preset}-{seed}"
    return stem.with_name(stem.name + ".csv.gz"), stem.with_name(stem.name + ".events.csv.gz")


def _write_gz(path: Path, text: str) -> None:
    buf = io.BytesIO()
    # mtime=0 and no file name: the same text gives the same bytes
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as f:
        f.write(text.encode("utf-8"))
    path.write_bytes(buf.getvalue())


def read(path: Path) -> str:
    """A golden file's text."""
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def first_difference(expected: str, got: str) -> str | None:
    """Where two CSV texts first differ (row, column and both values), or None if equal."""
    if expected == got:
        return None
    a, b = expected.splitlines(), got.splitlines()
    header = a[0].split(",") if a else []
    if a and b and a[0] != b[0]:
        new = b[0].split(",")
        added = [c for c in new if c not in header]
        removed = [c for c in header if c not in new]
        moved = "" if added or removed else " (same columns, another order)"
        return f"columns added {added}, removed {removed}{moved}"
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            xs, ys = x.split(","), y.split(",")
            for j, (u, v) in enumerate(zip(xs, ys, strict=False)):
                if u != v:
                    col = header[j] if j < len(header) else f"#{j}"
                    return f"line {i + 1}, column {col!r}: expected {u!r}, got {v!r}"
            return f"line {i + 1}: expected {x!r}, got {y!r}"
    return f"{len(a)} lines expected, {len(b)} got"


def compare(preset: str, seed: int) -> list[str]:
    """Differences between one run and its goldens (empty when identical)."""
    monthly, events = record(preset, seed)
    out = []
    for path, text in zip(paths(preset, seed), (monthly, events), strict=True):
        if not path.is_file():
            out.append(f"{path.name}: missing (run scripts/goldens.py --update)")
            continue
        diff = first_difference(read(path), text)
        if diff:
            out.append(f"{path.name}: {diff}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Compare with, or (``--update``) record, the goldens."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--update", action="store_true", help="record the goldens again")
    args = ap.parse_args(argv)
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    bad = 0
    for preset in presets():
        for seed in SEEDS:
            if args.update:
                monthly, events = record(preset, seed)
                for path, text in zip(paths(preset, seed), (monthly, events), strict=True):
                    _write_gz(path, text)
                print(f"recorded {preset} seed {seed}")
                continue
            diffs = compare(preset, seed)
            print(f"{preset} seed {seed}: {'identical' if not diffs else 'DIFFERS'}")
            for d in diffs:
                print(f"  {d}")
            bad += bool(diffs)
    if not args.update:
        print("all goldens identical" if not bad else f"{bad} runs differ from their goldens")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
