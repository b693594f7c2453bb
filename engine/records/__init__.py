"""What is kept and sent as a consequence: the outbox, notices, the audit search.

The public face of `engine.records`: entry points import from here only (import-linter
holds them to it); the modules behind it are free to change.
"""

from __future__ import annotations

from engine.records.audit_search import LABELS as AUDIT_LABELS
from engine.records.audit_search import AuditFilter, check_chain
from engine.records.audit_search import search as search_audit
from engine.records.outbox import Gateways, NullGateway, SmtpEmail, deliver_pending

__all__ = [
    "AUDIT_LABELS",
    "AuditFilter",
    "Gateways",
    "NullGateway",
    "SmtpEmail",
    "check_chain",
    "deliver_pending",
    "search_audit",
]
