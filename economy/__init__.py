"""Institutions that do not act: ledger, contracts, demand, indicators, regimes, contagion."""
