"""Provinces (working hours, calendar overrides), agencies, accounts and their
agency-scoped roles.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.core.models.base import Base, JsonType


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
    # Days a maintenance must be announced ahead (Tiền Giang 2025 art. 9); less is warned.
    maintenance_notice_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")


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
    # province (UBND tỉnh), department (sở, ban, ngành), commune (UBND xã, phường), unit.
    kind: Mapped[str] = mapped_column(String(20), default="unit", server_default="unit")
    # The public directory (Tuyên Quang seed, art. 4.1a): where and how to reach it.
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(20), default="", server_default="")
    email: Mapped[str] = mapped_column(String(200), default="", server_default="")
    hotline: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # A closed agency takes no new dossier; its history stays.
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")


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
    # Closed by its owner (Trà Vinh seed, art. 6.4): no login any more, history kept.
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    # When VNeID first vouched for this citizen's ID number (`applicants.eid`): until then
    # the ID number is what whoever registered typed.
    eid_verified_at: Mapped[datetime | None] = mapped_column(default=None)

    grants: Mapped[list[RoleGrant]] = relationship(back_populates="account", lazy="selectin",
                                                  foreign_keys="RoleGrant.account_id")


class RoleGrant(Base):
    """A role held in one agency (roles are always scoped to an agency)."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("account_id", "agency_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    role: Mapped[str] = mapped_column(String(50))
    # The grant counts from `valid_from` until just before `valid_until` (None: open-ended).
    valid_from: Mapped[datetime | None] = mapped_column(default=None)
    valid_until: Mapped[datetime | None] = mapped_column(default=None)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    granted_at: Mapped[datetime | None] = mapped_column(default=None)

    account: Mapped[Account] = relationship(back_populates="grants", foreign_keys=[account_id])

    def in_force(self, at: datetime) -> bool:
        """The grant counts at `at`: from `valid_from` until just before `valid_until`."""
        return (self.valid_from is None or self.valid_from <= at) and (
            self.valid_until is None or at < self.valid_until)


class Organisation(Base):
    """A business or organisation (tổ chức, doanh nghiệp, Tuyên Quang seed art. 5.2): its own
    login is an account whose username is the tax code; people act for it as members."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    tax_code: Mapped[str] = mapped_column(String(14), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    created_at: Mapped[datetime]


class OrganisationMember(Base):
    """A person acting for an organisation: its legal representative, or someone it
    authorised (ủy quyền) by a written authorisation for a period."""

    __tablename__ = "organisation_members"
    __table_args__ = (UniqueConstraint("organisation_id", "account_id"),
                      Index("ix_organisation_members_account", "account_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    role: Mapped[str] = mapped_column(String(20))  # representative | authorised
    authorisation: Mapped[str] = mapped_column(String(200), default="", server_default="")
    valid_from: Mapped[datetime | None] = mapped_column(default=None)
    valid_until: Mapped[datetime | None] = mapped_column(default=None)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    created_at: Mapped[datetime]

    def in_force(self, at: datetime) -> bool:
        """The member acts for the organisation at `at`."""
        return (self.valid_from is None or self.valid_from <= at) and (
            self.valid_until is None or at < self.valid_until)
