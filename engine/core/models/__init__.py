"""SQLAlchemy 2.0 models of the engine, one module per area; import them from here.

Times are stored in UTC (timezone-naive columns, so SQLite and PostgreSQL agree) and
come back timezone-aware (`base.UtcDateTime`).
"""

from __future__ import annotations

from engine.core.models.access import (
    ApiCall,
    ApiKey,
    DossierClaim,
    LoginSession,
    PasswordReset,
    RateHit,
)
from engine.core.models.announcements import Announcement
from engine.core.models.base import Base, JsonType, UtcDateTime
from engine.core.models.dossiers import (
    Attachment,
    AttachmentContent,
    CodeSequence,
    DeadlineChange,
    Dossier,
    Draft,
    Event,
    Feedback,
    Payment,
    PaymentRefund,
    Rating,
    StoredPaper,
    Task,
    Timer,
)
from engine.core.models.integrations import InboundCall, OutboxMessage
from engine.core.models.organisation import (
    Account,
    Agency,
    CalendarDay,
    Organisation,
    OrganisationMember,
    Province,
    RoleGrant,
)
from engine.core.models.post import PostalOrder
from engine.core.models.procedures import (
    Procedure,
    ProcedureAgency,
    ProcedureDraft,
    ProcedureVersion,
    SandboxRun,
)
from engine.core.models.records import AccessEntry, AuditEntry, AuditHead, Notification

__all__ = [
    "AccessEntry",
    "Account",
    "Agency",
    "Announcement",
    "ApiCall",
    "ApiKey",
    "Attachment",
    "AttachmentContent",
    "AuditEntry",
    "AuditHead",
    "Base",
    "CalendarDay",
    "CodeSequence",
    "DeadlineChange",
    "Dossier",
    "DossierClaim",
    "Draft",
    "Event",
    "Feedback",
    "InboundCall",
    "JsonType",
    "LoginSession",
    "Notification",
    "Organisation",
    "OrganisationMember",
    "OutboxMessage",
    "PasswordReset",
    "Payment",
    "PaymentRefund",
    "PostalOrder",
    "Procedure",
    "ProcedureAgency",
    "ProcedureDraft",
    "ProcedureVersion",
    "Province",
    "RateHit",
    "Rating",
    "RoleGrant",
    "SandboxRun",
    "StoredPaper",
    "Task",
    "Timer",
    "UtcDateTime",
]
