"""The seed's three dashboard indicators, loop throughput and the run summary.

Definitions (docs/model.md §7.13):

* ``engine_user_growth``: year-on-year growth of weekly active users.
* ``gears_capex_to_revenue``: the cloud providers' trailing-12-month capex for the loop
  over their trailing-12-month revenue from the app company (compute bills and revenue
  share). Early months use the months available.
* ``fuel_capex_per_compute``: trailing-12-month capex ordered per unit of effective
  compute ordered (GW x chip efficiency, 2024 chips = 1), so it falls as chips improve.
* ``loop_throughput``: the smallest of the three loop flows (supplier -> app company
  equity, app company -> clouds payments, clouds -> suppliers chip payments), each
  averaged over the trailing 3 months.
* Two runways, both in months of cash: ``loss_runway`` (the app company's: accrual losses,
  non-cash items excluded) and ``cash_flow_runway`` (every firm's column: operating cash
  outflow). They differ on purpose; which one a regime should read is the regimes' choice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

THROUGHPUT_WINDOW = 3
TRAILING_YEAR = 12
RUNWAY_WINDOW = 3  # months of losses or cash outflows a runway averages
NO_BURN_RUNWAY = 120.0  # runway reported when a firm is not burning cash


def money_bn(x: float, digits: int = 1) -> str:
    """US$ billions as text: ``$2.1B``, ``-$2.1B``; rounding never shows ``$-0.0B``."""
    if abs(x) < 0.5 * 10**-digits:
        x = 0.0
    sign = "-" if x < 0 else ""
    return f"{sign}${abs(x):,.{digits}f}B"


def trailing_sum(series: Sequence[float], n: int) -> float:
    """Sum of the last ``n`` values (fewer at the start)."""
    return float(sum(series[-n:]))


def trailing_mean(series: Sequence[float], n: int) -> float:
    """Mean of the last ``n`` values (fewer at the start; 0 for an empty series)."""
    tail = series[-n:]
    return float(sum(tail) / len(tail)) if tail else 0.0


def ratio(num: float, den: float) -> float:
    """Num / den, NaN when the denominator is zero."""
    return num / den if den > 0.0 else math.nan


def loop_throughput(
    equity: Sequence[float],
    app_to_clouds: Sequence[float],
    clouds_to_suppliers: Sequence[float],
    window: int = THROUGHPUT_WINDOW,
) -> float:
    """The thinnest of the three loop flows, each as a trailing ``window``-month mean."""
    return min(
        trailing_mean(equity, window),
        trailing_mean(app_to_clouds, window),
        trailing_mean(clouds_to_suppliers, window),
    )


def months_of_cash(cash: float, burn: float) -> float:
    """Months ``cash`` lasts at ``burn`` a month (``NO_BURN_RUNWAY`` when not burning)."""
    if burn <= 0.0:
        return NO_BURN_RUNWAY
    return min(NO_BURN_RUNWAY, max(0.0, cash) / burn)


def loss_burn(net_incomes: Sequence[float]) -> float:
    """Average monthly loss over the last ``RUNWAY_WINDOW`` months (0 when profitable)."""
    return max(0.0, -trailing_mean(net_incomes, RUNWAY_WINDOW))


def loss_runway(cash: float, net_incomes: Sequence[float]) -> float:
    """Months the cash lasts at the average monthly loss of the last 3 months."""
    return months_of_cash(cash, loss_burn(net_incomes))


def cash_flow_runway(cash: float, operating_cash_flows: Sequence[float]) -> float:
    """Months the cash lasts at the average operating cash outflow of the last 3 months.

    Operating cash flow is cash received from customers, outside business and bills others
    pay, minus the bills paid (financing excluded).
    """
    return months_of_cash(cash, -trailing_mean(operating_cash_flows, RUNWAY_WINDOW))
