"""Mesa agents of the loop, one module per kind."""

from .app_company import AppCompany
from .chip_supplier import ChipSupplier
from .cloud_provider import CloudProvider
from .investor import EquityInvestors
from .lender import Bank, BondInvestors, Lenders, PrivateCredit

__all__ = [
    "AppCompany",
    "Bank",
    "BondInvestors",
    "ChipSupplier",
    "CloudProvider",
    "EquityInvestors",
    "Lenders",
    "PrivateCredit",
]
