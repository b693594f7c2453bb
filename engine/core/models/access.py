"""How people and integrations get in: API keys and their calls, login sessions,
password resets, the one-time codes that hand a dossier to its applicant's account, and the
per-client rate limit counters.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.core.models.base import Base, JsonType


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


class DossierClaim(Base):
    """A one-time code sent to the contact written on a dossier submitted without an account,
    to prove that the account asking to take the dossier is its applicant's: stored as a
    hash, usable once, until it expires (`engine.applicants.claims`)."""

    __tablename__ = "dossier_claims"
    __table_args__ = (Index("ix_dossier_claims_dossier_account", "dossier_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    code_hash: Mapped[str] = mapped_column(String(64))
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
