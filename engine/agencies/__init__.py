"""Agencies and the people who work in them: the agencies' tree and its public directory,
import and export as spreadsheets; officers' accounts, their roles per agency with a
validity period, locks, transfers, delegated administrators.

The public face of `engine.agencies`: entry points import from here only.
"""

from __future__ import annotations

from engine.agencies.listing import directory, managed_agencies
from engine.agencies.sheets import export_agencies, import_agencies
from engine.agencies.tree import (
    KINDS as AGENCY_KINDS,
)
from engine.agencies.tree import (
    AgencyFields,
    agency_detail,
    close_agency,
    create_agency,
    edit_agency,
    reopen_agency,
)

__all__ = [
    "AGENCY_KINDS",
    "AgencyFields",
    "agency_detail",
    "close_agency",
    "create_agency",
    "directory",
    "edit_agency",
    "export_agencies",
    "import_agencies",
    "managed_agencies",
    "reopen_agency",
]
