"""The run summary: a run described by its path, not its last month (docs/model.md §7.13)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from ..regimes import Regime


@dataclass(frozen=True, eq=False)
class RunSummary(Mapping[str, Any]):
    """A run summarised by its path, not its last month (docs/model.md §7.13).

    A read-only mapping too (``summary["peak_gw"]``, ``dict(summary)``), field by field.
    """

    months: int
    months_rising: int
    months_plateau: int
    months_stalling: int
    months_collapse: int
    first_stall_month: int | None
    first_default_month: int | None
    worst_regime: str | None
    final_regime: str | None
    peak_gw: float
    total_milestone_investment: float
    peak_circularity: float
    app_cash_low: float
    first_implausible_month: int | None
    first_lender_failure_month: int | None

    @classmethod
    def from_path(
        cls,
        regimes: Sequence[str],
        *,
        first_default_month: int | None,
        peak_gw: float,
        total_milestone_investment: float,
        peak_circularity: float,
        app_cash_low: float,
        first_implausible_month: int | None = None,
        first_lender_failure_month: int | None = None,
    ) -> RunSummary:
        """The summary from the monthly regimes and a few running extremes."""
        counts = {r: sum(1 for x in regimes if x == r.value) for r in Regime}
        stall = [m for m, x in enumerate(regimes) if x == Regime.STALLING.value]
        seen = {Regime(x) for x in regimes}
        return cls(
            months=len(regimes),
            months_rising=counts[Regime.RISING],
            months_plateau=counts[Regime.PLATEAU],
            months_stalling=counts[Regime.STALLING],
            months_collapse=counts[Regime.COLLAPSE],
            first_stall_month=stall[0] if stall else None,
            first_default_month=first_default_month,
            worst_regime=max(seen, key=lambda r: r.severity).value if seen else None,
            final_regime=regimes[-1] if regimes else None,
            peak_gw=float(peak_gw),
            total_milestone_investment=float(total_milestone_investment),
            peak_circularity=float(peak_circularity),
            app_cash_low=float(app_cash_low),
            first_implausible_month=first_implausible_month,
            first_lender_failure_month=first_lender_failure_month,
        )

    @classmethod
    def from_frame(cls, df: Any) -> RunSummary:
        """The summary of a run's monthly DataFrame (months 0.. in order)."""
        default = df.index[df["defaults_total"] > 0]
        implausible = df.index[df["implausible"] > 0] if "implausible" in df else []
        failed = [c for c in df.columns if c.startswith("failed_")]
        lender = df.index[(df[failed] > 0).any(axis=1)] if failed else []
        return cls.from_path(
            list(df["regime"].astype(str)),
            first_default_month=int(df.loc[default[0], "month"]) if len(default) else None,
            peak_gw=df["deployed_gw"].max(),
            total_milestone_investment=df["milestone_investment_total"].iloc[-1],
            peak_circularity=(
                df["circularity_nvidia"].max() if "circularity_nvidia" in df else math.nan
            ),
            app_cash_low=df["cash_openai"].min(),
            first_implausible_month=(
                int(df.loc[implausible[0], "month"]) if len(implausible) else None
            ),
            first_lender_failure_month=int(df.loc[lender[0], "month"]) if len(lender) else None,
        )

    @classmethod
    def column_types(cls) -> dict[str, str]:
        """SQL column type of each field (the sweep store's ``runs`` table)."""
        out = {}
        for f in fields(cls):
            kind = str(f.type).split("|")[0].strip()
            out[f.name] = {"int": "INTEGER", "float": "DOUBLE", "str": "VARCHAR"}[kind]
        return out

    def as_dict(self) -> dict[str, Any]:
        """Every field by name, in order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __getitem__(self, key: str) -> Any:
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dataclass_fields__)

    def __len__(self) -> int:
        return len(self.__dataclass_fields__)
