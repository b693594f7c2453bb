"""Invitations: a new (or reactivated) account chooses its own password through a
single-use link e-mailed to it — the password-reset machinery (`PasswordReset` rows, the
reset page) with a longer validity and its own wording. Nobody, not even the administrator
who created the account, ever knows the password."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from engine.core.models import Account, PasswordReset
from engine.core.uow import UnitOfWork
from engine.identity.accounts import hash_password
from engine.records.mail_words import PORTAL_NAME, mail_subject
from engine.records.outbox import enqueue

INVITATION_VALID = timedelta(days=3)


def unusable_password() -> str:
    """A hash no one can log in with (of a random secret forgotten at once)."""
    return hash_password(secrets.token_urlsafe(32))


def spend_links(uow: UnitOfWork, account_id: int) -> None:
    """Spend every live reset or invitation link of the account."""
    uow.session.execute(update(PasswordReset).where(
        PasswordReset.account_id == account_id, PasswordReset.used_at.is_(None))
        .values(used_at=uow.clock.now()).execution_options(synchronize_session=False))


def awaits_first_password(uow: UnitOfWork, account: Account) -> bool:
    """Whether the account was sent a link and has not yet chosen its first password (never
    logged in, never changed one): an invitation worth sending again. Demo accounts made
    with a password, never sent a link, are not."""
    if account.last_login_at is not None or account.password_changed_at is not None:
        return False
    return uow.session.scalar(select(PasswordReset.token_hash).where(
        PasswordReset.account_id == account.id).limit(1)) is not None


def send_invitation(
    uow: UnitOfWork, account: Account, *, link_base: str, again: bool = False,
    valid: timedelta = INVITATION_VALID,
) -> None:
    """E-mail the account a link to choose its password (spending any earlier link), in the
    caller's transaction. The link is the password-reset page's; only its hash is kept."""
    if not account.email:
        return
    spend_links(uow, account.id)
    token = secrets.token_urlsafe(32)
    now = uow.clock.now()
    uow.session.add(PasswordReset(token_hash=hashlib.sha256(token.encode()).hexdigest(),
                                  account_id=account.id, created_at=now, expires_at=now + valid))
    days = int(valid.total_seconds() // 86400)
    opening = (f"Tài khoản của bạn trên {PORTAL_NAME} đã được mở lại."
               if again else f"Bạn được cấp tài khoản cán bộ trên {PORTAL_NAME}.")
    enqueue(uow, channel="email", recipient=account.email,
            subject=mail_subject("Kích hoạt tài khoản: tạo mật khẩu"),
            body=(f"{opening}\nTên đăng nhập: {account.username}\n"
                  f"Mở liên kết sau trong {days} ngày để tự đặt mật khẩu (dùng được một lần):\n"
                  f"{link_base.rstrip('/')}/{token}\n"
                  "Không chuyển thư này cho người khác."))
