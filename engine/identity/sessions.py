"""Login sessions kept in the database: the browser's cookie holds a random token, the
database its SHA-256 and its clock.

A session ends when it has been idle too long, when it is too old whatever its use, when
its owner logs out (here or everywhere), changes or resets the password, or loses the
account. A session waiting for its second factor (TOTP) grants nothing until the code is
given, and then is replaced by a fresh one (no fixation across the step).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import joinedload

from engine.core.actors import Actor
from engine.core.errors import Invalid, Unauthenticated
from engine.core.models import Account, LoginSession
from engine.core.uow import UnitOfWork
from engine.identity.accounts import actor_of, finish_login, second_factor_matches


@dataclass(frozen=True)
class SessionPolicy:
    """How long a login lasts: `idle` without a request, `absolute` from the login
    whatever the activity, `second_factor` to type the TOTP code after the password."""

    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)
    second_factor: timedelta = timedelta(minutes=5)
    touch_every: timedelta = timedelta(minutes=1)  # last_seen_at is written at most this often


POLICY = SessionPolicy()
EXPIRED = "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."


@dataclass(frozen=True)
class Resumed:
    """What a session token stands for: a full login, or one awaiting its second factor."""

    actor: Actor | None
    pending_account_id: int | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    uow: UnitOfWork, *, account_id: int, address: str = "", agent: str = "",
    pending_second_factor: bool = False,
) -> str:
    """A new session for an account whose password was checked; returns the token for
    the cookie (stored only as a hash). Commits."""
    token = secrets.token_urlsafe(32)
    now = uow.clock.now()
    uow.session.add(LoginSession(
        token_hash=_digest(token), account_id=account_id, created_at=now, last_seen_at=now,
        pending_second_factor=pending_second_factor, address=address[:64], agent=agent[:200]))
    uow.commit()
    return token


# Every signed-in request resumes its session: one query for the session, its account and
# the account's grants (three before).
_RESUME = (select(LoginSession, Account)
           .outerjoin(Account, Account.id == LoginSession.account_id)
           .where(LoginSession.token_hash == bindparam("b_hash"))
           .options(joinedload(Account.grants)))


def resume_session(uow: UnitOfWork, *, token: str, policy: SessionPolicy = POLICY) -> Resumed:
    """The login a token stands for; `Unauthenticated` once it has ended or timed out
    (recording why, so the owner's session list tells the truth)."""
    found = uow.session.execute(_RESUME, {"b_hash": _digest(token)}).unique().first()
    if found is None or found[0].ended_at is not None:
        raise Unauthenticated(EXPIRED)
    row, account = found
    now = uow.clock.now()
    reason = _ending_reason(row, account, now, policy)
    if reason:
        _end(uow, row, reason)
        uow.commit()
        raise Unauthenticated(EXPIRED)
    assert account is not None  # _ending_reason ends sessions of missing accounts
    if row.pending_second_factor:
        return Resumed(actor=None, pending_account_id=account.id)
    if now - row.last_seen_at >= policy.touch_every:
        row.last_seen_at = now
        uow.commit()
    return Resumed(actor=actor_of(account, now))  # roles in force now, every request


def _ending_reason(row: LoginSession, account: Account | None, now: Any,
                   policy: SessionPolicy) -> str:
    if account is None or not account.active or account.locked_at is not None:
        return "account"
    if row.pending_second_factor:
        return "second_factor" if now >= row.created_at + policy.second_factor else ""
    if now >= row.created_at + policy.absolute:
        return "absolute"
    if now >= row.last_seen_at + policy.idle:
        return "idle"
    return ""


def confirm_second_factor(
    uow: UnitOfWork, *, token: str, code: str, policy: SessionPolicy = POLICY
) -> tuple[str, Actor]:
    """Check the TOTP code of a session waiting for it; on success the waiting session
    ends and a full one starts (new token). A wrong code counts as a wrong password."""
    resumed = resume_session(uow, token=token, policy=policy)
    if resumed.pending_account_id is None:
        raise Invalid("Phiên này không chờ mã xác thực.")
    row = uow.session.get(LoginSession, _digest(token))
    assert row is not None  # resume_session found it
    account = uow.session.get(Account, resumed.pending_account_id)
    assert account is not None
    second_factor_matches(uow, account, code)  # raises and counts the failure when wrong
    address, agent = row.address, row.agent
    _end(uow, row, "second_factor_done")
    actor = finish_login(uow, account)  # commits
    return start_session(uow, account_id=account.id, address=address, agent=agent), actor


def end_session(uow: UnitOfWork, *, token: str) -> None:
    """Log out this browser."""
    row = uow.session.get(LoginSession, _digest(token))
    if row is not None and row.ended_at is None:
        _end(uow, row, "logout")
        uow.audit("account.logout", actor_id=row.account_id, object_type="account",
                  object_id=str(row.account_id))
        uow.commit()


def end_all_sessions(
    uow: UnitOfWork, *, account_id: int, reason: str, keep_token: str | None = None
) -> int:
    """End every open session of an account (but `keep_token`'s); returns how many.
    The caller commits."""
    statement = update(LoginSession).where(
        LoginSession.account_id == account_id, LoginSession.ended_at.is_(None))
    if keep_token is not None:
        statement = statement.where(LoginSession.token_hash != _digest(keep_token))
    ended = uow.session.execute(
        statement.values(ended_at=uow.clock.now(), ended_reason=reason)
        .execution_options(synchronize_session=False))
    return int(getattr(ended, "rowcount", 0) or 0)


def log_out_everywhere(uow: UnitOfWork, *, actor: Actor, token: str | None) -> dict[str, int]:
    """The owner ends all their other sessions (keeping this one when `token` is given)."""
    if actor.account_id is None:
        raise Unauthenticated("Cần đăng nhập.")
    count = end_all_sessions(uow, account_id=actor.account_id, reason="everywhere",
                             keep_token=token)
    uow.audit("account.logout_everywhere", actor_id=actor.account_id, object_type="account",
              object_id=str(actor.account_id), summary={"ended": count})
    uow.commit()
    return {"ended": count}


def open_sessions(
    uow: UnitOfWork, *, actor: Actor, token: str | None = None, policy: SessionPolicy = POLICY
) -> list[dict[str, Any]]:
    """The owner's live logins, newest first (this browser marked)."""
    if actor.account_id is None:
        raise Unauthenticated("Cần đăng nhập.")
    current = _digest(token) if token else None
    account = uow.session.get(Account, actor.account_id)
    now = uow.clock.now()
    rows = uow.session.scalars(
        select(LoginSession).where(LoginSession.account_id == actor.account_id,
                                   LoginSession.ended_at.is_(None),
                                   LoginSession.pending_second_factor.is_(False))
        .order_by(LoginSession.created_at.desc()))
    return [{"created_at": row.created_at, "last_seen_at": row.last_seen_at,
             "address": row.address, "agent": row.agent, "current": row.token_hash == current}
            for row in rows if not _ending_reason(row, account, now, policy)]


def _end(uow: UnitOfWork, row: LoginSession, reason: str) -> None:
    row.ended_at, row.ended_reason = uow.clock.now(), reason


def end_expired_sessions(uow: UnitOfWork, *, policy: SessionPolicy = POLICY) -> int:
    """The daily job: mark sessions past their idle or absolute limit as ended (they are
    refused anyway; this keeps the record true and the table small). Commits."""
    now = uow.clock.now()
    ended = update(LoginSession).where(LoginSession.ended_at.is_(None), or_(
        LoginSession.created_at <= now - policy.absolute,
        LoginSession.last_seen_at <= now - policy.idle,
        LoginSession.pending_second_factor & (LoginSession.created_at <= now - policy.second_factor),
    )).values(ended_at=now, ended_reason="expired").execution_options(synchronize_session=False)
    count = int(getattr(uow.session.execute(ended), "rowcount", 0) or 0)
    uow.commit()
    return count
