"""What is kept as a consequence: notices for applicants (the outbox), the hash-chained
audit trail and the access log of personal data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.core.models.base import Base


class Notification(Base):
    """The outbox: a message written with the change that caused it, delivered later."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), default=None,
                                                   index=True)
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # The account the message is for, when it is one: its notices page lists them.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None,
                                                   index=True)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    # What the provider reported (issue 19): its message id, then "sending" → "delivered"
    # or "failed" through its signed status callback, and when.
    provider_id: Mapped[str | None] = mapped_column(String(100), default=None, unique=True,
                                                    index=True)
    delivery_status: Mapped[str] = mapped_column(String(20), default="", server_default="")
    status_at: Mapped[datetime | None] = mapped_column(default=None)


class AuditEntry(Base):
    """The audit trail: append-only, each entry holding the hash of the one before it.

    Ids are given by the writer holding the `audit_head` lock (the head's last id + 1), so
    the events an entry covers can name it (`Event.audit_id`) before it is written.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(Integer, default=None)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(100))
    summary: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The single row holding the newest audit hash: writers take turns on its lock."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class AccessEntry(Base):
    """The access log: who read whose personal data (a dossier, its papers, a document), when
    (NĐ 13/2023). Append-only (the database refuses updates and deletes), but outside the
    hash chain: a read never waits for the chain's lock."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, default=None)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(100))
    summary: Mapped[dict[str, Any]]
