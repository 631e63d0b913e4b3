"""Write a preset's prior file by the default rule (docs/ensembles.md, "What is drawn").

    uv run python scripts/write_priors.py --scenario reported [--force]
    uv run python scripts/write_priors.py --all            # every preset without a file

Writes ``scenarios/priors/<preset>.toml``: the assumed behavioural and financial
parameters the preset does not set itself, over the calibration table's ranges
(``ensemble.prior.preset_prior``). An existing file is kept unless ``--force``: the files
are data to edit, with a reason for each range.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ensemble.prior import load_prior_file, preset_prior, prior_path, prior_toml
from fileio import write_text_atomic
from params import preset_names

HEADER = """Prior of the {name} preset for run.py ensemble (docs/ensembles.md).
Written by scripts/write_priors.py by the default rule: the assumed behavioural and
financial parameters of data/calibration.csv that {name} does not set itself, over the
table's plausible ranges; loguniform where a range spans 10x or more, else triangular with
its mode at the preset's value. Data to edit: give each range a reason."""


def write(name: str, force: bool) -> str:
    """Write one preset's file; returns what was done."""
    path = prior_path(name)
    if path.exists() and not force:
        return f"kept {path} (exists; --force replaces it)"
    text = prior_toml(preset_prior(name), HEADER.format(name=name))
    write_text_atomic(path, text, what="prior")
    load_prior_file(path)  # what was written reads back
    return f"wrote {path}"


def main() -> int:
    """Parse the command line and write."""
    parser = argparse.ArgumentParser(description=__doc__)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--scenario", action="append", help="a preset (repeatable)")
    which.add_argument("--all", action="store_true", help="every preset")
    parser.add_argument("--force", action="store_true", help="replace existing files")
    args = parser.parse_args()
    names = preset_names() if args.all else args.scenario
    unknown = sorted(set(names) - set(preset_names()))
    if unknown:
        parser.error(f"unknown preset {unknown[0]!r}; known: {', '.join(preset_names())}")
    for name in names:
        print(write(name, args.force))
    return 0


if __name__ == "__main__":
    sys.exit(main())
