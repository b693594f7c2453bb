"""What every capability stands on: the unit of work, the clock, errors, actors,
permissions, the national statuses, the audit chain.

The public face of `engine.core`: entry points import from here only (import-linter
holds them to it); the modules behind it are free to change.
"""

from __future__ import annotations

from engine.core.actors import ANONYMOUS, SYSTEM, Actor
from engine.core.audit import verify as verify_audit_chain
from engine.core.clock import VN_TZ
from engine.core.errors import (
    Conflict,
    DraftSubmitted,
    FormInvalid,
    Invalid,
    NotFound,
    RateLimited,
    SecondFactorRequired,
    ServiceError,
    Unauthenticated,
)
from engine.core.permissions import (
    SPECIALIST,
    is_admin_account,
    is_citizen,
    is_identified,
    is_officer,
    is_staff,
    may_close_own_account,
    may_list_dossiers,
    may_open_agency_admin,
    may_open_desk,
    may_open_reports,
    may_open_tracking_books,
    may_open_versions,
    may_stop_processing,
    uses_second_factor,
)
from engine.core.statuses import Status
from engine.core.text import fold
from engine.core.uow import UnitOfWork
from engine.core.word_search import rank_by_words

__all__ = [
    "ANONYMOUS",
    "SPECIALIST",
    "SYSTEM",
    "VN_TZ",
    "Actor",
    "Conflict",
    "DraftSubmitted",
    "FormInvalid",
    "Invalid",
    "NotFound",
    "RateLimited",
    "SecondFactorRequired",
    "ServiceError",
    "Status",
    "Unauthenticated",
    "UnitOfWork",
    "fold",
    "is_admin_account",
    "is_citizen",
    "is_identified",
    "is_officer",
    "is_staff",
    "may_close_own_account",
    "may_list_dossiers",
    "may_open_agency_admin",
    "may_open_desk",
    "may_open_reports",
    "may_open_tracking_books",
    "may_open_versions",
    "may_stop_processing",
    "rank_by_words",
    "uses_second_factor",
    "verify_audit_chain",
]
