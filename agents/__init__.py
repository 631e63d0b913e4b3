"""Mesa agents of the loop, one module per kind."""

from .app_company import AppCompany
from .chip_supplier import ChipSupplier
from .cloud_provider import CloudProvider
from .investor import EquityInvestors, Lender

__all__ = ["AppCompany", "ChipSupplier", "CloudProvider", "EquityInvestors", "Lender"]
