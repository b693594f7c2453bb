"""Passwords: the policy every new password meets, changing one, and resetting a
forgotten one by a link sent to the account's e-mail (usable once, expiring).

Changing or resetting a password ends the account's other sessions: whoever knew the old
password is logged out everywhere.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from engine.core.actors import Actor
from engine.core.errors import FormInvalid, Invalid, RateLimited, Unauthenticated
from engine.core.models import Account, PasswordReset
from engine.core.text import fold
from engine.core.uow import UnitOfWork
from engine.identity.accounts import LOCKED_FAILED, check_password, hash_password
from engine.identity.ratelimit import hit
from engine.identity.sessions import end_all_sessions
from engine.records.mail_words import mail_subject
from engine.records.outbox import enqueue

# The most common choices, refused whatever their length or mix (folded, lower case).
COMMON = frozenset({
    "12345678", "123456789", "1234567890", "password", "password1", "matkhau", "matkhau123",
    "qwerty123", "abc12345", "11111111", "88888888", "iloveyou", "admin123", "motcua123",
    "vietnam123", "123456aa", "a123456789", "quantri123",
})


@dataclass(frozen=True)
class PasswordPolicy:
    """What a new password must be: long enough, of at least `classes` of the four kinds
    (lower case, upper case, digits, symbols), not a common one, not containing the
    username; and how long a reset link lasts."""

    min_length: int = 10
    max_length: int = 200  # argon2 hashes anything, but a megabyte "password" is an attack
    classes: int = 3
    reset_valid: timedelta = timedelta(minutes=30)
    resets_per_hour: int = 5


POLICY = PasswordPolicy()


def problems(password: str, *, username: str = "", policy: PasswordPolicy = POLICY) -> list[str]:
    """Every way `password` breaks the policy, in Vietnamese (empty when it is fine)."""
    found: list[str] = []
    if len(password) < policy.min_length:
        found.append(f"Mật khẩu phải có ít nhất {policy.min_length} ký tự.")
    if len(password) > policy.max_length:
        found.append(f"Mật khẩu dài quá {policy.max_length} ký tự.")
    kinds = sum((any(c.islower() for c in password), any(c.isupper() for c in password),
                 any(c.isdigit() for c in password),
                 any(not c.isalnum() for c in password)))
    if kinds < policy.classes:
        found.append(f"Mật khẩu phải có ít nhất {policy.classes} trong 4 loại ký tự: chữ thường, "
                     "chữ hoa, chữ số, ký tự đặc biệt.")
    folded = fold(password).lower()
    if folded in COMMON:
        found.append("Mật khẩu này quá phổ biến, hãy chọn mật khẩu khác.")
    if username and len(username) >= 3 and fold(username).lower() in folded:
        found.append("Mật khẩu không được chứa tên đăng nhập.")
    return found


def _require_good(password: str, confirm: str | None, username: str,
                  policy: PasswordPolicy) -> None:
    details = [{"field": "new_password", "message": m}
               for m in problems(password, username=username, policy=policy)]
    if confirm is not None and confirm != password:
        details.append({"field": "confirm", "message": "Hai lần nhập mật khẩu mới không khớp."})
    if details:
        raise FormInvalid("Mật khẩu mới chưa đạt yêu cầu.", details)


def change_password(
    uow: UnitOfWork, *, actor: Actor, current: str, new: str, confirm: str | None = None,
    keep_token: str | None = None, policy: PasswordPolicy = POLICY,
) -> dict[str, Any]:
    """The owner changes their password (the current one proves it is them); every
    other session of the account ends."""
    if actor.account_id is None:
        raise Unauthenticated("Cần đăng nhập.")
    account = uow.session.get(Account, actor.account_id)
    assert account is not None  # a logged-in actor has an account
    try:
        check_password(uow, username=account.username, password=current)
    except Invalid:
        raise FormInvalid("Mật khẩu hiện tại không đúng.", [
            {"field": "current", "message": "Mật khẩu hiện tại không đúng."}]) from None
    _require_good(new, confirm, account.username, policy)
    if new == current:
        raise FormInvalid("Mật khẩu mới phải khác mật khẩu hiện tại.", [
            {"field": "new_password", "message": "Mật khẩu mới phải khác mật khẩu hiện tại."}])
    ended = _set_password(uow, account, new, keep_token=keep_token)
    uow.audit("account.password_changed", actor_id=account.id, object_type="account",
              object_id=account.username, summary={"sessions_ended": ended})
    uow.commit()
    return {"sessions_ended": ended}


def _set_password(uow: UnitOfWork, account: Account, new: str, *, keep_token: str | None) -> int:
    account.password_hash = hash_password(new)
    account.password_changed_at = uow.clock.now()
    return end_all_sessions(uow, account_id=account.id, reason="password", keep_token=keep_token)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(
    uow: UnitOfWork, *, login: str, link_base: str, client: str, policy: PasswordPolicy = POLICY
) -> None:
    """Send a reset link to the e-mail of the account named by username or e-mail.

    The answer is the same whether or not such an account exists (no probing for
    accounts); requests are limited per client and per account. A new link replaces
    any earlier one.
    """
    hit(uow, bucket=f"reset:{client}", limit=policy.resets_per_hour, window=timedelta(hours=1),
        message="Quá nhiều yêu cầu đặt lại mật khẩu; vui lòng thử lại sau.")
    login = login.strip()[:200]
    account = uow.session.scalar(select(Account).where(
        or_(Account.username == login, func.lower(Account.email) == login.lower()),
        Account.active))
    if account is None or not account.email:
        uow.commit()
        return
    try:
        hit(uow, bucket=f"reset-account:{account.id}", limit=policy.resets_per_hour,
            window=timedelta(hours=1), message="")
    except RateLimited:
        uow.commit()  # quietly: the owner's mailbox is not to be flooded
        return
    now = uow.clock.now()
    uow.session.execute(update(PasswordReset).where(
        PasswordReset.account_id == account.id, PasswordReset.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(32)
    uow.session.add(PasswordReset(token_hash=_digest(token), account_id=account.id,
                                  created_at=now, expires_at=now + policy.reset_valid))
    minutes = int(policy.reset_valid.total_seconds() // 60)
    enqueue(uow, channel="email", recipient=account.email,
            subject=mail_subject("Đặt lại mật khẩu"),
            body=(f"Có yêu cầu đặt lại mật khẩu cho tài khoản {account.username}.\n"
                  f"Mở liên kết sau trong {minutes} phút để đặt mật khẩu mới:\n"
                  f"{link_base.rstrip('/')}/{token}\n"
                  "Nếu không phải bạn yêu cầu, hãy bỏ qua thư này; mật khẩu không thay đổi."))
    uow.audit("account.reset_requested", actor_id=None, object_type="account",
              object_id=account.username)
    uow.commit()


def _live_reset(uow: UnitOfWork, token: str) -> PasswordReset:
    reset = uow.session.get(PasswordReset, _digest(token))
    if reset is None or reset.used_at is not None:
        raise Invalid("Liên kết đặt lại mật khẩu không hợp lệ hoặc đã được dùng.")
    if uow.clock.now() >= reset.expires_at:
        raise Invalid("Liên kết đặt lại mật khẩu đã hết hạn; hãy yêu cầu liên kết mới.")
    return reset


def check_reset(uow: UnitOfWork, *, token: str) -> str:
    """The username a live reset link is for (`Invalid` when expired or used)."""
    reset = _live_reset(uow, token)
    account = uow.session.get(Account, reset.account_id)
    assert account is not None  # foreign key
    return account.username


def first_password(account: Account) -> bool:
    """Whether the account has never had a password of its own: never logged in, never
    changed one (an invitation's link activates it rather than resets it)."""
    return account.last_login_at is None and account.password_changed_at is None


def is_invitation(uow: UnitOfWork, *, token: str) -> bool:
    """Whether a live link is an invitation (the account's first password), not a reset."""
    account = uow.session.get(Account, _live_reset(uow, token).account_id)
    assert account is not None  # foreign key
    return first_password(account)


def reset_password(
    uow: UnitOfWork, *, token: str, new: str, confirm: str | None = None,
    policy: PasswordPolicy = POLICY,
) -> dict[str, Any]:
    """Set a new password through a live reset link; the link is spent, every session of
    the account ends, and a lock for wrong passwords is lifted (the mailbox proved the
    owner). A lock for inactivity stays: that one an administrator lifts."""
    reset = _live_reset(uow, token)
    account = uow.session.get(Account, reset.account_id)
    assert account is not None  # foreign key
    _require_good(new, confirm, account.username, policy)  # a weak password spends nothing
    now = uow.clock.now()
    # Spend the link by a guarded update before touching the password: of two uses in
    # parallel the second waits on the row, then finds it spent and changes nothing.
    spent = uow.session.execute(
        update(PasswordReset).where(PasswordReset.token_hash == reset.token_hash,
                                    PasswordReset.used_at.is_(None),
                                    PasswordReset.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False))
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise Invalid("Liên kết đặt lại mật khẩu không hợp lệ hoặc đã được dùng.")
    uow.session.refresh(account)  # as it stands now: the lock may have changed meanwhile
    activated = first_password(account)
    ended = _set_password(uow, account, new, keep_token=None)
    if account.locked_reason in (LOCKED_FAILED, "self"):  # "self": self_service.py
        account.locked_at, account.locked_reason = None, ""
    account.failed_logins = 0
    if activated:  # an invitation: no password to reset, no session to end
        uow.audit("account.activated", actor_id=account.id, object_type="account",
                  object_id=account.username)
    else:
        uow.audit("account.password_reset", actor_id=account.id, object_type="account",
                  object_id=account.username, summary={"sessions_ended": ended})
    uow.commit()
    return {"username": account.username, "sessions_ended": ended}
