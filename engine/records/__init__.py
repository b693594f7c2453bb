"""What is kept and sent as a consequence: the outbox, notices, the audit search.

The public face of `engine.records`: entry points import from here only (import-linter
holds them to it); the modules behind it are free to change.
"""

from __future__ import annotations

from engine.records.announcements import KINDS as ANNOUNCEMENT_KINDS
from engine.records.announcements import (
    NewAnnouncement,
    create_announcement,
    current_announcements,
    declare_outage,
    list_announcements,
    notice_days,
    outage_window,
    outage_windows,
    short_notice_warning,
    withdraw_announcement,
)
from engine.records.audit_search import LABELS as AUDIT_LABELS
from engine.records.audit_search import AuditFilter, check_chain
from engine.records.audit_search import search as search_audit
from engine.records.connector_outbox import (
    MESSAGE_MAX_ATTEMPTS,
    DeliveryError,
    OutboundMessage,
    dead_letters,
    deliver_messages,
    outbox_counts,
    remember_inbound_call,
    resend_dead_letter,
)
from engine.records.notice_delivery import dossier_notices, record_delivery_status
from engine.records.notices import tell_officer
from engine.records.officer_notices import mark_read as mark_notices_read
from engine.records.officer_notices import my_notices as officer_notices
from engine.records.officer_notices import open_notice, unread_notices
from engine.records.outbox import Gateway, Gateways, NullGateway, SmtpEmail, deliver_pending
from engine.records.portal_feed import (
    changed_between,
    dossier_with_external_code,
    expected_on_portal,
    link_external_code,
    waiting_codes,
)

__all__ = [
    "ANNOUNCEMENT_KINDS",
    "AUDIT_LABELS",
    "MESSAGE_MAX_ATTEMPTS",
    "AuditFilter",
    "DeliveryError",
    "Gateway",
    "Gateways",
    "NewAnnouncement",
    "NullGateway",
    "OutboundMessage",
    "SmtpEmail",
    "changed_between",
    "check_chain",
    "create_announcement",
    "current_announcements",
    "dead_letters",
    "declare_outage",
    "deliver_messages",
    "deliver_pending",
    "dossier_notices",
    "dossier_with_external_code",
    "expected_on_portal",
    "link_external_code",
    "list_announcements",
    "mark_notices_read",
    "notice_days",
    "officer_notices",
    "open_notice",
    "outage_window",
    "outage_windows",
    "outbox_counts",
    "record_delivery_status",
    "remember_inbound_call",
    "resend_dead_letter",
    "search_audit",
    "short_notice_warning",
    "tell_officer",
    "unread_notices",
    "waiting_codes",
    "withdraw_announcement",
]
