"""SQLAlchemy 2.0 models of the engine.

Times are stored in UTC (timezone-naive columns, so SQLite and PostgreSQL agree) and
come back timezone-aware. A dossier carries a version column: SQLAlchemy checks it
on every UPDATE, so two officers advancing the same dossier cannot both win. Large JSON
columns (workflow state, form data, compiled packages) are deferred: they are read only
by the code that needs them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

JsonType = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as naive UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not accepted; pass an aware instant")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base of every engine table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime, dict[str, Any]: JsonType}


class Province(Base):
    """A province: its working hours and its calendar overrides (see `CalendarDay`).

    `calendar_version` moves on every change, so every process knows its cached
    calendar is stale.
    """

    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    periods: Mapped[list[list[str]]] = mapped_column(JsonType)
    calendar_version: Mapped[int] = mapped_column(Integer, default=1)


class CalendarDay(Base):
    """A province's override of one date: an extra day off or an extra working day."""

    __tablename__ = "calendar_days"
    __table_args__ = (UniqueConstraint("province_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    created_at: Mapped[datetime]


class Agency(Base):
    """A cơ quan/đơn vị, with its unit code (mã định danh) used in dossier codes."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), default=None)
    # A sub-unit (phòng, đơn vị trực thuộc) names its parent: reports of the parent include it.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), default=None)


class Account(Base):
    """A person who logs in: citizen, officer, designer, administrator."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    id_number: Mapped[str | None] = mapped_column(String(20), default=None)
    email: Mapped[str | None] = mapped_column(String(200), default=None)
    phone: Mapped[str | None] = mapped_column(String(20), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_at: Mapped[datetime | None] = mapped_column(default=None)
    locked_reason: Mapped[str] = mapped_column(String(20), default="", server_default="")
    inactivity_warned_at: Mapped[datetime | None] = mapped_column(default=None)
    unlocked_at: Mapped[datetime | None] = mapped_column(default=None)
    password_changed_at: Mapped[datetime | None] = mapped_column(default=None)
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(default=None)
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    grants: Mapped[list[RoleGrant]] = relationship(back_populates="account", lazy="selectin")


class RoleGrant(Base):
    """A role held in one agency (roles are always scoped to an agency)."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("account_id", "agency_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    role: Mapped[str] = mapped_column(String(50))

    account: Mapped[Account] = relationship(back_populates="grants")


class Procedure(Base):
    """A national procedure offered by one agency; its versions hold the diagrams."""

    __tablename__ = "procedures"
    __table_args__ = (UniqueConstraint("code", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    name: Mapped[str] = mapped_column(String(500))
    field: Mapped[str] = mapped_column(String(200))

    agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)


class ProcedureVersion(Base):
    """One version of a procedure: draft → in_review → approved → published → retired.

    `compiled` is the parsed package (manifest, forms, serialized process spec), stored
    once; published versions are never modified.
    """

    __tablename__ = "procedure_versions"
    __table_args__ = (UniqueConstraint("procedure_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    compiled: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    # The package as uploaded (path → text), for export and diffs; its test results.
    package: Mapped[dict[str, str] | None] = mapped_column(JsonType, deferred=True, default=None)
    test_results: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)
    # Four eyes: who moved it along, each a different person from the author.
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(default=None)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    effective_from: Mapped[datetime | None] = mapped_column(default=None)
    review_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    procedure: Mapped[Procedure] = relationship(lazy="joined", innerjoin=True)


class CodeSequence(Base):
    """The last daily sequence number used in dossier codes, per unit and day."""

    __tablename__ = "code_sequences"

    unit_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[str] = mapped_column(String(6), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Dossier(Base):
    """A hồ sơ: form data, national status, pinned procedure version, workflow state."""

    __tablename__ = "dossiers"

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


class Notification(Base):
    """The outbox: a message written with the change that caused it, delivered later."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), default=None)
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


class ApiKey(Base):
    """A key for one integration: scoped to an agency and to actions, stored as a hash."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    scopes: Mapped[list[str]] = mapped_column(JsonType)
    rate_per_minute: Mapped[int] = mapped_column(Integer, default=60)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class ApiCall(Base):
    """Every call made with an API key (Tuyên Quang seed, art. 8: all access logged)."""

    __tablename__ = "api_calls"
    __table_args__ = (Index("ix_api_calls_key_at", "key_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    at: Mapped[datetime]
    method: Mapped[str] = mapped_column(String(10))
    route: Mapped[str] = mapped_column(String(300))
    status: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(64))


class LoginSession(Base):
    """A login on one browser: the cookie holds the token, the database its hash and its
    clock (idle and absolute timeouts, logout everywhere end it here, not in the cookie)."""

    __tablename__ = "login_sessions"
    __table_args__ = (Index("ix_login_sessions_account", "account_id", "ended_at"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    pending_second_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_reason: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    agent: Mapped[str] = mapped_column(String(200), default="")


class PasswordReset(Base):
    """A password-reset link sent by e-mail: usable once, until it expires."""

    __tablename__ = "password_resets"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class RateHit(Base):
    """One request counted against a per-client limit (public tracking, reset requests)."""

    __tablename__ = "rate_hits"
    __table_args__ = (Index("ix_rate_hits_bucket_at", "bucket", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime]


class SandboxRun(Base):
    """A test run of a procedure version by a designer: the process state only. Never a
    dossier — no code, no tasks in any inbox, no events in any report."""

    __tablename__ = "sandbox_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("procedure_versions.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    state: Mapped[dict[str, Any]] = mapped_column(JsonType)
    log: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AttachmentContent(Base):
    """The bytes of an uploaded file, stored once per content (SHA-256), in the same
    transaction as the record that points at them: nothing is ever half-stored."""

    __tablename__ = "attachment_contents"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


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


class AuditEntry(Base):
    """The audit trail: append-only, each entry holding the hash of the one before it."""

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
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    requested_at: Mapped[datetime]
    paid_at: Mapped[datetime | None] = mapped_column(default=None)
    paid_online: Mapped[bool] = mapped_column(Boolean, default=False)


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
