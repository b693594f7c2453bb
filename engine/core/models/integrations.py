"""What is sent to and received from outside systems (issue 19): the transactional outbox of
connector messages and the inbound calls already seen (replay refused)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.core.models.base import Base


class OutboxMessage(Base):
    """One message for one connector, written in the transaction of the change that causes
    it and sent after commit by the worker.

    `event_id` is the idempotency key the receiver sees; a message is delivered once (then
    `delivered_at` is set and it is never sent again) or, after too many failures, dead
    (`dead_at`) and shown to administrators, who may send it again. Messages with the same
    `ordering_key` (a dossier's code) leave in the order they were written.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_pending", "delivered_at", "dead_at", "next_attempt_at"),
        Index("ix_outbox_messages_order", "connector", "ordering_key", "id"),
        Index("ix_outbox_messages_dead", "dead_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    connector: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    province: Mapped[str] = mapped_column(String(100), default="")
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), default=None)
    ordering_key: Mapped[str] = mapped_column(String(100), default="")
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    dead_at: Mapped[datetime | None] = mapped_column(default=None)


class InboundCall(Base):
    """A signed call from an outside system, kept so the same call is refused the second
    time (replay) within the signature's time window."""

    __tablename__ = "inbound_calls"
    __table_args__ = (UniqueConstraint("connector", "signature", name="uq_inbound_calls_signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connector: Mapped[str] = mapped_column(String(40))
    signature: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(index=True)
