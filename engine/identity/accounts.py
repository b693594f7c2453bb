"""Accounts: password hashing (argon2), authentication, and building actors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select, update

from engine.core.actors import Actor
from engine.core.clock import VN_TZ
from engine.core.errors import Forbidden, Invalid, NotFound, SecondFactorRequired
from engine.core.models import Account, Agency, RoleGrant
from engine.core.permissions import is_administrator
from engine.core.uow import UnitOfWork
from engine.identity import totp
from engine.records.mail_words import mail_subject
from engine.records.outbox import enqueue

# OWASP's minimum for argon2id (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane —
# about 25 ms of one core on the project's 2-core machine, where argon2-cffi's default
# (64 MiB, 3 passes, 4 lanes) took ~330 ms and both cores, queueing every other request
# behind a login under load. Hashes made with other parameters are rehashed at their
# owner's next successful login.
ARGON2_TIME_COST, ARGON2_MEMORY_KIB, ARGON2_PARALLELISM = 2, 19 * 1024, 1
_HASHER = PasswordHasher(time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB,
                         parallelism=ARGON2_PARALLELISM, type=Type.ID)
KINDS = ("citizen", "officer", "admin")


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _HASHER.hash(password)


def actor_of(account: Account, at: datetime | None = None) -> Actor:
    """The actor an account acts as: with the roles in force at `at` (a grant's validity
    period, Tiền Giang 2025 art. 6), every grant when no instant is given."""
    return Actor(
        account_id=account.id,
        kind=account.kind,
        name=account.full_name,
        grants=frozenset((g.agency_id, g.role) for g in account.grants
                         if at is None or g.in_force(at)),
        id_number=account.id_number,
    )


@dataclass(frozen=True)
class AccountPolicy:
    """Locking rules (Trà Vinh seed, art. 6–7): 5 consecutive wrong passwords lock the
    account until an administrator unlocks it or `lockout` passes; a year without a
    successful login locks it too, after a warning `warn_before` ahead."""

    max_failed: int = 5
    lockout: timedelta = timedelta(minutes=30)
    inactivity: timedelta = timedelta(days=365)
    warn_before: timedelta = timedelta(days=14)


POLICY = AccountPolicy()
LOCKED_FAILED, LOCKED_INACTIVE = "failed", "inactive"
# One attempt is counted BEFORE its password is checked, by a guarded single statement:
# parallel attempts queue on the row it locks (PostgreSQL) or on the write lock (SQLite),
# so exactly `max_failed` wrong passwords are ever checked before the lock.
_ATTEMPT = update(Account).where(
    Account.id == bindparam("b_id"), Account.locked_at.is_(None),
    Account.failed_logins < bindparam("b_max"),
).values(failed_logins=Account.failed_logins + 1).returning(Account.failed_logins)
# A lock for wrong passwords that has run its time opens once, whoever comes first.
_REOPEN = update(Account).where(
    Account.id == bindparam("b_id"), Account.locked_reason == LOCKED_FAILED,
    Account.locked_at <= bindparam("b_before"),
).values(locked_at=None, locked_reason="", failed_logins=0)


def authenticate(
    uow: UnitOfWork, *, username: str, password: str, totp_code: str | None = None,
    policy: AccountPolicy = POLICY,
) -> Actor:
    """The actor for valid credentials; `Invalid` with one message for every wrong
    password, and a clear one when the account is locked.

    The fifth consecutive wrong password locks the account and tells its owner. An
    account with a second factor needs its TOTP code too: without one the answer is
    `SecondFactorRequired` (the password was right), a wrong one counts as a failure.
    """
    account = check_password(uow, username=username, password=password, policy=policy)
    if account.totp_enabled_at is not None:
        if totp_code is None:
            uow.commit()
            raise SecondFactorRequired("Nhập mã xác thực 6 số từ ứng dụng xác thực.", account.id)
        second_factor_matches(uow, account, totp_code, policy=policy)
    return finish_login(uow, account)


def check_password(
    uow: UnitOfWork, *, username: str, password: str, policy: AccountPolicy = POLICY
) -> Account:
    """The account these credentials open (not yet logged in: see `finish_login`)."""
    account = uow.session.scalar(select(Account).where(Account.username == username))
    refused = Invalid("Tên đăng nhập hoặc mật khẩu không đúng.")
    if account is None or not account.active:
        _HASHER.hash(password)  # same cost either way: no username probing by timing
        raise refused
    attempt = _take_attempt(uow, account, policy)
    try:
        _HASHER.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        _count_failure(uow, account, attempt, policy)
        raise refused from None
    account.failed_logins = attempt - 1  # a right password is no failure: give it back
    if _HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = _HASHER.hash(password)  # committed with the login
    return account


def _take_attempt(uow: UnitOfWork, account: Account, policy: AccountPolicy) -> int:
    """Count one more attempt (its number) or refuse a locked account without checking
    anything; the account row stays locked by this transaction until it ends."""
    uow.session.flush()  # the statements below bypass the ORM: pending changes go first
    if account.locked_at is not None:
        expired = (account.locked_reason == LOCKED_FAILED
                   and uow.clock.now() >= account.locked_at + policy.lockout)
        if not expired:
            raise Invalid(_locked_message(account))
        uow.connection.execute(_REOPEN, {"b_id": account.id,
                                         "b_before": uow.clock.now() - policy.lockout})
    attempt = uow.connection.execute(
        _ATTEMPT, {"b_id": account.id, "b_max": policy.max_failed}).scalar_one_or_none()
    uow.session.refresh(account)  # the row as it stands now that this transaction holds it
    if attempt is None:
        if account.locked_at is None:  # the failures were counted but no lock recorded
            account.locked_at, account.locked_reason = uow.clock.now(), LOCKED_FAILED
            uow.commit()
        raise Invalid(_locked_message(account))
    return int(attempt)


def second_factor_matches(
    uow: UnitOfWork, account: Account, code: str, *, policy: AccountPolicy = POLICY
) -> None:
    """Accept a TOTP code once (a code already used cannot log in again); a wrong code
    counts towards the lock like a wrong password."""
    attempt = _take_attempt(uow, account, policy)
    step = totp.matching_step(account.totp_secret or "", code, uow.clock.now())
    if step is None or step <= account.totp_last_step:
        _count_failure(uow, account, attempt, policy)
        raise Invalid("Mã xác thực không đúng hoặc đã được dùng.")
    account.totp_last_step = step
    account.failed_logins = attempt - 1


def finish_login(uow: UnitOfWork, account: Account) -> Actor:
    """Record a successful login (all factors given) and return its actor. Commits."""
    account.last_login_at = uow.clock.now()
    account.failed_logins = 0
    account.inactivity_warned_at = None
    uow.audit("account.login", actor_id=account.id, object_type="account",
              object_id=account.username)
    uow.commit()
    return actor_of(account, uow.clock.now())


def _locked_message(account: Account) -> str:
    if account.locked_reason == "self":  # engine.identity.self_service
        return ("Bạn đã tự khóa tài khoản; dùng «Quên mật khẩu» để đặt mật khẩu mới và mở "
                "lại tài khoản.")
    if account.locked_reason in ("admin", "emergency"):  # engine.agencies.access
        return "Tài khoản đã bị quản trị khóa; liên hệ quản trị của đơn vị để được mở lại."
    if account.locked_reason == LOCKED_INACTIVE:
        return ("Tài khoản đã bị khóa do không đăng nhập trong 1 năm; "
                "liên hệ quản trị hệ thống để mở khóa.")
    return ("Tài khoản tạm khóa do nhập sai mật khẩu 5 lần liên tiếp; thử lại sau hoặc "
            "liên hệ quản trị hệ thống.")


def _count_failure(
    uow: UnitOfWork, account: Account, failures: int, policy: AccountPolicy
) -> None:
    """Keep a wrong attempt counted (`failures` so far, see `_take_attempt`) and lock the
    account at the limit. Commits."""
    uow.audit("account.login_failed", actor_id=None, object_type="account",
              object_id=account.username, summary={"failures": failures})
    if failures >= policy.max_failed and account.locked_at is None:
        account.locked_at, account.locked_reason = uow.clock.now(), LOCKED_FAILED
        _tell(uow, account, mail_subject("Tài khoản của bạn đã bị tạm khóa"),
              f"Tài khoản {account.username} vừa bị nhập sai mật khẩu {failures} lần liên tiếp "
              "và đã bị tạm khóa. Nếu không phải bạn, hãy báo quản trị hệ thống.")
    uow.commit()


def _tell(uow: UnitOfWork, account: Account, subject: str, body: str) -> None:
    if account.email:
        enqueue(uow, channel="email", recipient=account.email, subject=subject, body=body)


def unlock_account(uow: UnitOfWork, *, actor: Actor, username: str) -> dict[str, str]:
    """An administrator unlocks an account (and resets its failure count)."""
    if not is_administrator(actor):
        raise Forbidden("Chỉ quản trị hệ thống được mở khóa tài khoản.")
    account = uow.session.scalar(select(Account).where(Account.username == username))
    if account is None:
        raise NotFound("Không có tài khoản này.")
    account.locked_at, account.locked_reason, account.failed_logins = None, "", 0
    account.unlocked_at = uow.clock.now()  # the year without login counts from here again
    uow.audit("account.unlock", actor_id=actor.account_id, object_type="account",
              object_id=username)
    uow.commit()
    return {"username": username, "state": "unlocked"}


def locked_accounts(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """Accounts locked now (wrong passwords or inactivity), for administrators."""
    if not is_administrator(actor):
        raise Forbidden("Chỉ quản trị hệ thống xem tài khoản bị khóa.")
    rows = uow.session.scalars(select(Account).where(Account.locked_at.is_not(None))
                               .order_by(Account.locked_at.desc()))
    return [{"username": a.username, "full_name": a.full_name, "kind": a.kind,
             "locked_at": a.locked_at, "reason": a.locked_reason,
             "reason_label": LOCK_LABELS.get(a.locked_reason, a.locked_reason)} for a in rows]


LOCK_LABELS = {"failed": "Nhập sai mật khẩu 5 lần", "inactive": "Không đăng nhập 1 năm"}


def lock_inactive_accounts(uow: UnitOfWork, *, policy: AccountPolicy = POLICY) -> dict[str, int]:
    """The daily job: warn accounts nearing a year without a successful login, lock those
    past it (Trà Vinh seed, art. 7)."""
    now = uow.clock.now()
    warned = locked = 0
    for account in uow.session.scalars(
        select(Account).where(Account.active, Account.locked_at.is_(None))
    ):
        since = max(d for d in (account.last_login_at, account.unlocked_at, account.created_at)
                    if d is not None)
        if now >= since + policy.inactivity:
            account.locked_at, account.locked_reason = now, LOCKED_INACTIVE
            uow.audit("account.lock_inactive", actor_id=None, object_type="account",
                      object_id=account.username)
            locked += 1
        elif now >= since + policy.inactivity - policy.warn_before and (
            account.inactivity_warned_at is None
        ):
            account.inactivity_warned_at = now
            _tell(uow, account, mail_subject("Tài khoản sắp bị khóa do lâu không đăng nhập"),
                  f"Tài khoản {account.username} chưa đăng nhập từ "
                  f"{since.astimezone(VN_TZ).strftime('%d/%m/%Y')} và sẽ bị khóa sau 1 năm "
                  "không sử dụng. Hãy đăng nhập để giữ tài khoản.")
            warned += 1
    uow.commit()
    return {"warned": warned, "locked": locked}


def create_account(
    uow: UnitOfWork,
    *,
    username: str,
    password: str,
    full_name: str,
    kind: str,
    id_number: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    roles: tuple[tuple[str, str], ...] = (),
) -> int:
    """Create an account with (agency code, role) grants; returns its id. Caller commits."""
    if kind not in KINDS:
        raise Invalid(f"Loại tài khoản không hợp lệ: {kind}")
    if uow.session.scalar(select(Account.id).where(Account.username == username)):
        raise Invalid(f"Tên đăng nhập '{username}' đã tồn tại.")
    account = Account(
        username=username,
        password_hash=hash_password(password),
        full_name=full_name,
        kind=kind,
        id_number=id_number,
        email=email,
        phone=phone,
        created_at=uow.clock.now(),
    )
    uow.session.add(account)
    uow.session.flush()
    for agency_code, role in roles:
        agency = uow.session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            raise NotFound(f"Không có cơ quan mã {agency_code}.")
        uow.session.add(RoleGrant(account_id=account.id, agency_id=agency.id, role=role))
    uow.session.flush()
    return account.id
