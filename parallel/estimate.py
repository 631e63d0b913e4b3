"""How long a batch of runs will take, as text: what sweeps and ensembles state before work.

A batch above :data:`CONFIRM_RUNS` runs needs ``--large`` to confirm, with the estimate.
"""

from __future__ import annotations

RATE = 800  # simulated months a second per worker (a 120-month run of reported: 130-170 ms)
CONFIRM_RUNS = 100_000  # above this, --large must confirm (hours of work)


def duration_text(seconds: float) -> str:
    """A wall time in the unit a reader expects: seconds, minutes, hours or days."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 86400:,.0f} days"


def estimate_text(runs: int, months: int, workers: int) -> str:
    """Rough wall time of ``runs`` runs of ``months`` months on ``workers`` processes."""
    seconds = runs * months / (RATE * max(1, workers))
    return f"about {duration_text(seconds)} on {workers} worker{'s' if workers != 1 else ''}"


def too_large(runs: int, months: int, workers: int, what: str, allowed: bool) -> str | None:
    """The message asking for ``--large`` above :data:`CONFIRM_RUNS` runs, or None."""
    if runs <= CONFIRM_RUNS or allowed:
        return None
    return (
        f"this {what} makes {runs:,} runs of {months} months, "
        f"{estimate_text(runs, months, workers)} (at about {RATE:,} simulated months a second "
        f"per worker); above {CONFIRM_RUNS:,} runs add --large to confirm"
    )
