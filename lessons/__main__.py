"""Validate lesson files and, with ``--check``, run them and check their claims.

Usage::

    uv run python -m lessons                       # validate every lesson and the glossary
    uv run python -m lessons --check               # ... and check every claim on seeds 1,2,3,42
    uv run python -m lessons --check --seeds 0-24 lessons/10-my-lesson.toml

Exit status 0 when every file is valid (and every claim holds), 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from errors import OneLineArgumentParser
from lessons.claims import describe_result, evaluate
from lessons.loader import EN, LessonError, load_glossary, load_lesson, load_lessons

MAX_SEEDS = 1000  # each seed runs every lesson: more adds hours, not confidence


def parse_seeds(text: str) -> list[int]:
    """``1,2,3`` or ``0-24`` (or a mix) as a list of at most :data:`MAX_SEEDS` seeds.

    Raises:
        argparse.ArgumentTypeError: not whole numbers >= 0, a range running backwards, or
            more than :data:`MAX_SEEDS` seeds (counted before any list is made).
    """
    allowed = f"seeds such as 1,2,3 or 0-24 (whole numbers >= 0, at most {MAX_SEEDS:,} seeds)"
    spans: list[tuple[int, int]] = []
    for part in text.split(","):
        lo, _, hi = part.strip().partition("-")
        if not lo.isdigit() or (hi and not hi.isdigit()) or len(part) > 40:
            raise argparse.ArgumentTypeError(f"must be {allowed}, got {part.strip()[:40]!r}")
        span = (int(lo), int(hi) if hi else int(lo))
        if span[1] < span[0]:
            raise argparse.ArgumentTypeError(f"{part.strip()!r} runs backwards")
        spans.append(span)
    if sum(b - a + 1 for a, b in spans) > MAX_SEEDS:
        raise argparse.ArgumentTypeError(f"must be {allowed}, got more")
    return [seed for a, b in spans for seed in range(a, b + 1)]


def main(argv: list[str] | None = None) -> int:
    """Validate (and check) lessons; print one line per problem."""
    ap = OneLineArgumentParser(prog="python -m lessons", description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="lesson files (default: all)")
    ap.add_argument("--check", action="store_true", help="run the lessons and check the claims")
    ap.add_argument(
        "--seeds",
        type=parse_seeds,
        default="1,2,3,42",
        help=f"seeds for --check: 1,2,3 or 0-24 (at most {MAX_SEEDS:,})",
    )
    ap.add_argument(
        "--values", action="store_true", help="with --check: print every check's measured values"
    )
    args = ap.parse_args(argv)
    try:
        glossary = load_glossary()
    except LessonError as e:
        print(e)
        return 1
    if args.files:
        lessons, errors = [], []
        for path in args.files:
            try:
                lessons.append(load_lesson(path, glossary))
            except LessonError as e:
                errors.append(str(e))
    else:
        lessons, errors = load_lessons(strict=False)
    for message in errors:
        print(message)
    print(f"{len(lessons)} lesson(s) valid, {len(errors)} invalid; {len(glossary)} glossary terms")
    failed = 0
    if args.check:
        cache: dict = {}
        for lesson in lessons:
            for seed in args.seeds:
                outcome = evaluate(lesson, seed, cache)
                for r in outcome.results:
                    what, left, right = describe_result(r, EN)
                    if args.values:
                        mark = "holds" if r.holds else "FAILS"
                        print(f"{lesson.path.name}: seed {seed}: {mark}: {what}: {left} vs {right}")
                    elif not r.holds:
                        failed += 1
                        print(f"{lesson.path.name}: seed {seed}: FAILS: {what}: {left} vs {right}")
            print(f"{lesson.path.name}: checked on {len(args.seeds)} seeds")
        print("every claim holds" if not failed else f"{failed} check(s) failed")
    return 1 if errors or failed else 0


if __name__ == "__main__":
    sys.exit(main())
