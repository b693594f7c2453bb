"""Agencies and the people who work in them: the agencies' tree and its public directory,
import and export as spreadsheets; officers' accounts, their roles per agency with a
validity period, locks, transfers, delegated administrators.

The public face of `engine.agencies`: entry points import from here only.
"""

from __future__ import annotations

from engine.agencies.access import (
    deactivate,
    emergency_lock,
    lock_account,
    reactivate,
    resend_invitation,
    transfer,
    unlock,
)
from engine.agencies.listing import directory, managed_agencies
from engine.agencies.officer_sheets import export_officers, import_officers
from engine.agencies.officers import (
    FIRST_YEAR,
    LAST_YEAR,
    YEARS_REFUSED,
    Grant,
    grant_role,
    invite_officer,
    list_officers,
    officer_detail,
    revoke_role,
)
from engine.agencies.revoking import revoke_preview
from engine.agencies.role_names import (
    ROLE_LABELS,
    LaneRole,
    RoleChoice,
    lane_roles,
    role_choices,
    role_names,
)
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
from engine.agencies.tree import (
    problems as agency_problems,
)

__all__ = [
    "AGENCY_KINDS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "ROLE_LABELS",
    "YEARS_REFUSED",
    "AgencyFields",
    "Grant",
    "LaneRole",
    "RoleChoice",
    "agency_detail",
    "agency_problems",
    "close_agency",
    "create_agency",
    "deactivate",
    "directory",
    "edit_agency",
    "emergency_lock",
    "export_agencies",
    "export_officers",
    "grant_role",
    "import_agencies",
    "import_officers",
    "invite_officer",
    "lane_roles",
    "list_officers",
    "lock_account",
    "managed_agencies",
    "officer_detail",
    "reactivate",
    "reopen_agency",
    "resend_invitation",
    "revoke_preview",
    "revoke_role",
    "role_choices",
    "role_names",
    "transfer",
    "unlock",
]
