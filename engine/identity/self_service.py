"""A citizen locks or closes their own account (Trà Vinh seed, art. 6.4).

Locking stops every login at once (all sessions end) until the owner sets a new password
through an e-mailed reset link, or an administrator unlocks it — for a lost phone or a
password seen by someone else. Closing is for good: no login any more, every session and
link ends; the dossiers and their history stay (they are records of the State, not the
account's), and the username is never given to anyone else.
"""

from __future__ import annotations

from typing import Any

from engine.core.actors import Actor
from engine.core.errors import Forbidden, FormInvalid, Invalid
from engine.core.models import Account
from engine.core.permissions import may_close_own_account
from engine.core.uow import UnitOfWork
from engine.identity.accounts import check_password
from engine.identity.invitations import spend_links
from engine.identity.sessions import end_all_sessions

LOCKED_SELF = "self"


def _owner(uow: UnitOfWork, actor: Actor, password: str, field: str) -> Account:
    if not may_close_own_account(actor):
        raise Forbidden("Chỉ công dân, tổ chức tự khóa hoặc đóng tài khoản của mình; tài khoản "
                        "cán bộ do quản trị đơn vị quản lý.")
    account = uow.session.get(Account, actor.account_id)
    assert account is not None  # a signed-in actor has an account
    try:
        check_password(uow, username=account.username, password=password)
    except Invalid:
        uow.commit()  # the wrong attempt stays counted
        raise FormInvalid("Mật khẩu không đúng.", [
            {"field": field, "message": "Mật khẩu không đúng."}]) from None
    return account


def lock_own_account(uow: UnitOfWork, *, actor: Actor, password: str) -> dict[str, Any]:
    """The owner locks the account at once (the password proves it is them); every session
    ends. A reset link or an administrator opens it again. Commits."""
    account = _owner(uow, actor, password, "lock_password")
    account.locked_at, account.locked_reason = uow.clock.now(), LOCKED_SELF
    ended = end_all_sessions(uow, account_id=account.id, reason="locked")
    uow.audit("account.self_locked", actor_id=account.id, object_type="account",
              object_id=account.username, summary={"sessions": ended})
    uow.commit()
    return {"username": account.username, "sessions_ended": ended}


def close_own_account(
    uow: UnitOfWork, *, actor: Actor, password: str, confirmed: bool
) -> dict[str, Any]:
    """The owner closes the account for good (password and an explicit confirmation);
    sessions and links end, dossiers and history stay. Commits."""
    if not confirmed:
        raise FormInvalid("Cần xác nhận đóng tài khoản.", [
            {"field": "close_confirm", "message": "Đánh dấu ô xác nhận để đóng tài khoản."}])
    account = _owner(uow, actor, password, "close_password")
    account.active, account.closed_at = False, uow.clock.now()
    ended = end_all_sessions(uow, account_id=account.id, reason="account")
    spend_links(uow, account.id)
    uow.audit("account.closed", actor_id=account.id, object_type="account",
              object_id=account.username, summary={"sessions": ended})
    uow.commit()
    return {"username": account.username, "sessions_ended": ended}
