"""Dossiers and what hangs on them: codes, tasks, events, timers, deadline changes,
drafts, papers and their contents, the data store, payments, ratings and feedback.

A dossier carries a version column: SQLAlchemy checks it on every UPDATE, so two
officers advancing the same dossier cannot both win. Large JSON columns (workflow state,
form data, compiled packages) are deferred: they are read only by the code that needs them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.core.models.base import Base, JsonType

if TYPE_CHECKING:  # relationships name their targets; SQLAlchemy resolves them by name
    from engine.core.models.organisation import Agency
    from engine.core.models.procedures import ProcedureVersion


class CodeSequence(Base):
    """The last daily sequence number used in dossier codes, per unit and day."""

    __tablename__ = "code_sequences"

    unit_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[str] = mapped_column(String(6), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Dossier(Base):
    """A hồ sơ: form data, national status, pinned procedure version, workflow state."""

    __tablename__ = "dossiers"
    __table_args__ = (  # the agency's dossier list (engine/dossiers/search.py), newest first
        Index("ix_dossiers_agency_submitted", "agency_id", "submitted_at", "id"),
        Index("ix_dossiers_agency_status", "agency_id", "status", "submitted_at", "id"),
        Index("ix_dossiers_agency_received", "agency_id", "received_at"),
        Index("ix_dossiers_submitted", "submitted_at", "id"),
        Index("ix_dossiers_id_number", "applicant_id_number"),
        # A dossier taken from the national portal, once (integrations/portal_sync.py).
        Index("ux_dossiers_external_code", "external_code", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    external_code: Mapped[str | None] = mapped_column(String(100), default=None)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("procedure_versions.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_search: Mapped[str] = mapped_column(String(200), default="", server_default="")
    applicant_id_number: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    # How to reach an applicant without an account (desk, post): notices go there too.
    contact_phone: Mapped[str | None] = mapped_column(String(20), default=None)
    contact_email: Mapped[str | None] = mapped_column(String(200), default=None)
    data: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    status: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(20), default=None)
    # Written only by `engine.dossiers.advance` (a test holds every other module to that);
    # a new dossier starts empty and its first advance writes the started process.
    workflow_state: Mapped[dict[str, Any]] = mapped_column(deferred=True, default=dict)
    submitted_at: Mapped[datetime]
    received_at: Mapped[datetime | None] = mapped_column(default=None)
    clock_started_at: Mapped[datetime | None] = mapped_column(default=None)
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    supplement_rounds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    supplement_requested_at: Mapped[datetime | None] = mapped_column(default=None)
    status_before_supplement: Mapped[int | None] = mapped_column(Integer, default=None)
    extended_at: Mapped[datetime | None] = mapped_column(default=None)
    due_at: Mapped[datetime | None] = mapped_column(default=None)
    original_due_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    returned_at: Mapped[datetime | None] = mapped_column(default=None)
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)

    version: Mapped[ProcedureVersion] = relationship()
    agency: Mapped[Agency] = relationship()

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012 - SQLAlchemy reads it as is


class Task(Base):
    """A user task waiting for (or done by) an officer: the inbox is a query on this table."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_inbox", "agency_id", "state", "role", "due_at"),
        Index("ix_tasks_assignee", "assignee_id", "state", "due_at"),
        Index("ix_tasks_completed_by", "completed_by_id", "agency_id", "dossier_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    spiff_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(50))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    form: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(12))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None] = mapped_column(default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    data: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)

    dossier: Mapped[Dossier] = relationship()


class Event(Base):
    """Append-only history of a dossier, with what reports need (DOMAIN.md, "Reporting")."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    status: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(10))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), default=None)
    step: Mapped[str | None] = mapped_column(String(100), default=None)
    step_due_at: Mapped[datetime | None] = mapped_column(default=None)
    due_at: Mapped[datetime | None] = mapped_column(default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    # The audit entry whose hash covers this event (`engine.core.audit`); None for events
    # written before entries covered them (each had an entry of its own then).
    audit_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)


class Timer(Base):
    """Something due at an instant: a BPMN timer event or a reminder about a task.

    The worker fires a timer by moving it from ``pending`` to ``fired`` with a guarded
    UPDATE in the same transaction as its effect, so a retry or a second worker that
    reaches the same timer does nothing. A firing that raises is counted here (attempts,
    last error, next try after a growing delay); after too many the timer is ``failed``
    and waits for an administrator.
    """

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_due", "state", "due_at"),
                      Index("ix_timers_failing", "attempts"))

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), default=None)
    spiff_id: Mapped[str | None] = mapped_column(String(36), default=None)
    bpmn_id: Mapped[str | None] = mapped_column(String(100), default=None)
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12), default="pending")
    fired_at: Mapped[datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)


class DeadlineChange(Base):
    """Every move of a dossier's due time, with its reason and actor (append-only)."""

    __tablename__ = "deadline_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    kind: Mapped[str] = mapped_column(String(30))
    old_due_at: Mapped[datetime | None] = mapped_column(default=None)
    new_due_at: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(Text, default="")


class Draft(Base):
    """A start form being filled, saved so that it can be resumed: its data and (as
    attachments pointing at it) its files. The random `key` is what opens it; a draft made
    by a signed-in citizen opens only for them."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(43), unique=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None,
                                                   index=True)
    procedure_code: Mapped[str] = mapped_column(String(40))
    agency_code: Mapped[str | None] = mapped_column(String(40), default=None)
    data: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_code: Mapped[str | None] = mapped_column(String(60), default=None)


class AttachmentContent(Base):
    """The bytes of an uploaded file, stored once per content (SHA-256), in the same
    transaction as the record that points at them: nothing is ever half-stored. With an
    object store (`store` 's3') the bytes are an object named by the digest, written
    before this row, and `content` is empty (`engine.applicants.storage`)."""

    __tablename__ = "attachment_contents"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    store: Mapped[str] = mapped_column(String(16), default="database", server_default="database")


class Attachment(Base):
    """A paper of a dossier (or of a draft not yet submitted) uploaded as a file, or taken
    from the citizen's data store (`reused_from_id`); a replaced one stays, marked, as
    history. Submitting a draft moves its files to the new dossier."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_dossier", "dossier_id"),
                      Index("ix_attachments_draft", "draft_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), default=None)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"), default=None)
    reused_from_id: Mapped[int | None] = mapped_column(ForeignKey("stored_papers.id"),
                                                       default=None)
    paper: Mapped[str] = mapped_column(String(500))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachment_contents.sha256"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    uploaded_at: Mapped[datetime]
    replaced_at: Mapped[datetime | None] = mapped_column(default=None)


class StoredPaper(Base):
    """A paper in a citizen's personal data store (kho dữ liệu): a result issued to them or
    a paper of theirs that an agency accepted; reusable in later dossiers."""

    __tablename__ = "stored_papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "paper" or "result"
    name: Mapped[str] = mapped_column(String(500))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachment_contents.sha256"))
    dossier_code: Mapped[str] = mapped_column(String(60))
    stored_at: Mapped[datetime]


class Payment(Base):
    """A fee asked of a dossier and how it was paid (through a gateway, or at the desk)."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(500))
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(12))  # requested, paid, cancelled
    gateway: Mapped[str] = mapped_column(String(30), default="")
    gateway_reference: Mapped[str] = mapped_column(String(100), default="")
    # When the applicant last opened the gateway's checkout (`payment_request.in_flight`).
    checkout_started_at: Mapped[datetime | None] = mapped_column(default=None)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    requested_at: Mapped[datetime]
    paid_at: Mapped[datetime | None] = mapped_column(default=None)
    paid_online: Mapped[bool] = mapped_column(Boolean, default=False)
    # Paid in cash at the desk: the numbered receipt (biên lai), who paid, who collected.
    receipt_number: Mapped[str | None] = mapped_column(String(30), default=None)
    payer: Mapped[str] = mapped_column(String(200), default="", server_default="")
    collected_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)


class PaymentRefund(Base):
    """Money a gateway took that no fee is owed for (the request withdrawn, or a second
    transaction for a fee paid already), to be paid back to the applicant: what came in, and
    once done, who recorded the refund, when, how and why (`engine.applicants.refunds`)."""

    __tablename__ = "payment_refunds"
    __table_args__ = (UniqueConstraint("payment_id", "transaction", name="uq_payment_refunds_transaction"),
                      Index("ix_payment_refunds_agency_open", "agency_id", "refunded_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"))
    reason: Mapped[str] = mapped_column(String(12))  # cancelled, double
    amount: Mapped[int] = mapped_column(Integer)
    gateway: Mapped[str] = mapped_column(String(30))
    transaction: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime]
    refunded_at: Mapped[datetime | None] = mapped_column(default=None)
    refunded_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    method: Mapped[str] = mapped_column(String(20), default="", server_default="")
    voucher: Mapped[str] = mapped_column(String(100), default="", server_default="")
    note: Mapped[str] = mapped_column(String(1000), default="", server_default="")


class Rating(Base):
    """The applicant's satisfaction with a dossier's service, on three levels (one per
    dossier; rating again replaces it)."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    level: Mapped[int] = mapped_column(Integer)  # 3 very satisfied, 2 satisfied, 1 not
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class Feedback(Base):
    """Phản ánh, kiến nghị: a citizen's complaint or suggestion about a dossier or a
    procedure, answered by the agency; answered ones are published (without the sender)."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_agency_answered", "agency_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), default=None)
    procedure_code: Mapped[str | None] = mapped_column(String(40), default=None)
    kind: Mapped[str] = mapped_column(String(12))  # phan_anh, kien_nghi
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(Text, default=None)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
