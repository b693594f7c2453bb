"""Procedures, their versions (the compiled package, its life with four eyes) and the
sandbox's test runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.core.models.base import Base, JsonType

if TYPE_CHECKING:  # relationships name their targets; SQLAlchemy resolves them by name
    from engine.core.models.organisation import Agency


class Procedure(Base):
    """A national procedure offered by one agency; its versions hold the diagrams."""

    __tablename__ = "procedures"
    __table_args__ = (UniqueConstraint("code", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    name: Mapped[str] = mapped_column(String(500))
    field: Mapped[str] = mapped_column(String(200))
    # The national catalogue's facts when imported from its export (agency level, legal
    # time, fees, papers, legal basis); such a procedure awaits a process until published.
    national: Mapped[dict[str, Any] | None] = mapped_column(JsonType, default=None)

    agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)


class ProcedureAgency(Base):
    """Another agency (cơ quan thực hiện) where a procedure's published version applies
    too: same diagram and forms, its roles held by that agency's officers. The procedure's
    own agency (`procedures.agency_id`) always applies and has no row here. Stopped
    («Ngừng áp dụng»): no new dossier there; the ones already there continue."""

    __tablename__ = "procedure_agencies"
    __table_args__ = (UniqueConstraint("procedure_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    applied_at: Mapped[datetime]
    stopped_at: Mapped[datetime | None] = mapped_column(default=None)


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
    # SHA-256 of the package's files (path → text): saving the same files again makes no
    # new draft.
    content_hash: Mapped[str | None] = mapped_column(String(64), default=None)

    procedure: Mapped[Procedure] = relationship(lazy="joined", innerjoin=True)


class ProcedureDraft(Base):
    """A designer's work that did not pass validation, kept so nothing is lost: the files
    as sent (an upload or a modeler save) and the problems found, opened again in the
    modeler; saved again in place until valid, then it becomes a version's draft."""

    __tablename__ = "procedure_drafts"
    __table_args__ = (Index("ix_procedure_drafts_agency_hash", "agency_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), default="")
    name: Mapped[str] = mapped_column(String(500), default="")
    package: Mapped[dict[str, str]] = mapped_column(JsonType)
    report: Mapped[dict[str, Any]] = mapped_column(JsonType)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The version it was edited from in the modeler, if any.
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_versions.id"),
                                                    default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Set when discarded or when it became a valid version's draft (which `version_id` names).
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_versions.id"),
                                                   default=None)

    agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)


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
