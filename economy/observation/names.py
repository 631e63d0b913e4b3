"""Display names of the firms and funds, and the calendar of months (month 0 = January 2024)."""

from __future__ import annotations

LABELS = {
    "nvidia": "NVIDIA",
    "amd": "AMD",
    "oracle": "Oracle",
    "microsoft": "Microsoft",
    "amazon": "Amazon",
    "coreweave": "CoreWeave",
    "openai": "OpenAI",
    "equity_funds": "Equity funds",
    "momentum_funds": "Momentum funds",
    "bond_investors": "Bond investors",
    "banks": "Banks",
    "private_credit": "Private credit",
    "rest_of_world": "Rest of world",
}


_DATES: dict[int, str] = {}


def month_date(month: int) -> str:
    """ISO date of the first day of ``month`` (month 0 = 2024-01-01)."""
    date = _DATES.get(month)
    if date is None:
        year, m = divmod(month, 12)
        date = f"{2024 + year:04d}-{m + 1:02d}-01"
        if len(_DATES) < 10_000:  # months of any run worth remembering
            _DATES[month] = date
    return date
