"""An officer's access over time: lock and unlock, the emergency lock (every session and
API key of the account ends at once), deactivation and reactivation, and the transfer to
another post (the open work handed over, `engine.dossiers.hand_over`). Who may: see
`officers.require_manager`. Every action is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from engine.agencies.officers import (
    UNSTORABLE,
    UNSTORABLE_TEXT,
    Grant,
    account_by_name,
    check_grant,
    officer_detail,
    require_manager,
)
from engine.agencies.tree import by_code, chain
from engine.core.actors import Actor
from engine.core.errors import Conflict, Forbidden, FormInvalid, Invalid
from engine.core.models import Agency, ApiKey, RoleGrant
from engine.core.permissions import LEADER, may_administer_agency
from engine.core.uow import UnitOfWork
from engine.dossiers.handover import hand_over
from engine.identity.invitations import (
    awaits_first_password,
    send_invitation,
    spend_links,
    unusable_password,
)
from engine.identity.sessions import end_all_sessions

LOCKED_BY_ADMIN, LOCKED_EMERGENCY = "admin", "emergency"


def _reason(reason: str) -> str:
    reason = reason.strip()[:300]
    if not reason:
        raise FormInvalid("Cần ghi lý do.", [{"field": "reason", "message": "Cần ghi lý do."}])
    if UNSTORABLE.search(reason):  # it goes into the audit trail, hashed as UTF-8
        raise FormInvalid(UNSTORABLE_TEXT, [{"field": "reason", "message": UNSTORABLE_TEXT}])
    return reason


def _audit(uow: UnitOfWork, actor: Actor, action: str, username: str,
           summary: dict[str, Any] | None = None) -> None:
    uow.audit(action, actor_id=actor.account_id, object_type="account", object_id=username,
              summary=summary)


def lock_account(uow: UnitOfWork, *, actor: Actor, username: str, reason: str) -> dict[str, Any]:
    """Lock an account until it is unlocked (its sessions end). Commits."""
    account = account_by_name(uow, username)
    require_manager(uow, actor, account)
    reason = _reason(reason)
    if account.locked_at is not None:
        raise Conflict(f"Tài khoản {username} đang bị khóa.")
    account.locked_at, account.locked_reason = uow.clock.now(), LOCKED_BY_ADMIN
    ended = end_all_sessions(uow, account_id=account.id, reason="locked")
    _audit(uow, actor, "account.locked", account.username, {"reason": reason, "sessions": ended})
    uow.commit()
    return officer_detail(uow, actor=actor, username=account.username)


def unlock(uow: UnitOfWork, *, actor: Actor, username: str) -> dict[str, Any]:
    """Lift any lock (wrong passwords, inactivity, an administrator's). An emergency lock is
    lifted by `reactivate`, which also asks for a new password. Commits."""
    account = account_by_name(uow, username)
    require_manager(uow, actor, account)
    if account.locked_at is None:
        raise Conflict(f"Tài khoản {username} không bị khóa.")
    if account.locked_reason == LOCKED_EMERGENCY:
        raise Conflict("Tài khoản bị khóa khẩn cấp: hãy kích hoạt lại để chủ tài khoản đặt "
                       "mật khẩu mới.")
    account.locked_at, account.locked_reason, account.failed_logins = None, "", 0
    account.unlocked_at = uow.clock.now()
    _audit(uow, actor, "account.unlock", account.username)
    uow.commit()
    return officer_detail(uow, actor=actor, username=account.username)


def emergency_lock(
    uow: UnitOfWork, *, actor: Actor, username: str, reason: str
) -> dict[str, Any]:
    """Lock at once (a stolen laptop, a leaked password): every session of the account ends,
    every API key it issued is revoked, every password link it was sent is spent — in one
    transaction. Commits."""
    account = account_by_name(uow, username)
    require_manager(uow, actor, account)
    reason = _reason(reason)
    now = uow.clock.now()
    account.locked_at, account.locked_reason = now, LOCKED_EMERGENCY
    sessions = end_all_sessions(uow, account_id=account.id, reason="emergency")
    keys = uow.session.execute(
        update(ApiKey).where(ApiKey.created_by_id == account.id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False))
    spend_links(uow, account.id)
    revoked = int(getattr(keys, "rowcount", 0) or 0)
    _audit(uow, actor, "account.emergency_lock", account.username,
           {"reason": reason, "sessions": sessions, "api_keys": revoked})
    uow.commit()
    return {**officer_detail(uow, actor=actor, username=account.username),
            "sessions_ended": sessions, "api_keys_revoked": revoked}


def deactivate(uow: UnitOfWork, *, actor: Actor, username: str, reason: str) -> dict[str, Any]:
    """Stop an account (nghỉ hưu, thôi việc): no login, sessions end, roles and history
    kept for the record. Commits."""
    account = account_by_name(uow, username)
    require_manager(uow, actor, account)
    reason = _reason(reason)
    if not account.active:
        raise Conflict(f"Tài khoản {username} đã ngừng hoạt động.")
    account.active = False
    ended = end_all_sessions(uow, account_id=account.id, reason="account")
    spend_links(uow, account.id)
    _audit(uow, actor, "account.deactivated", account.username, {"reason": reason,
                                                                 "sessions": ended})
    uow.commit()
    return officer_detail(uow, actor=actor, username=account.username)


def reactivate(uow: UnitOfWork, *, actor: Actor, username: str, link_base: str) -> dict[str, Any]:
    """Open a stopped or emergency-locked account again: its old password no longer works
    and its owner is e-mailed a link to choose a new one. Commits."""
    account = account_by_name(uow, username)
    require_manager(uow, actor, account)
    if account.active and account.locked_reason != LOCKED_EMERGENCY:
        raise Conflict(f"Tài khoản {username} đang hoạt động (mở khóa thường: «Mở khóa»).")
    if account.closed_at is not None:
        raise Conflict("Chủ tài khoản đã tự đóng tài khoản này; không kích hoạt lại được.")
    if not account.email:
        raise Invalid("Tài khoản không có thư điện tử để gửi liên kết đặt mật khẩu.")
    account.active, account.locked_at, account.locked_reason = True, None, ""
    account.failed_logins, account.unlocked_at = 0, uow.clock.now()
    account.password_hash = unusable_password()
    send_invitation(uow, account, link_base=link_base, again=True)
    _audit(uow, actor, "account.reactivated", account.username, {"invited": account.email})
    uow.commit()
    return officer_detail(uow, actor=actor, username=account.username)


def resend_invitation(
    uow: UnitOfWork, *, actor: Actor, username: str, link_base: str
) -> dict[str, Any]:
    """E-mail again the invitation of an account that has never logged in (the earlier link
    no longer works). Commits."""
    account = account_by_name(uow, username)
    require_manager(uow, actor, account)
    if not account.active or not awaits_first_password(uow, account):
        raise Conflict(f"Tài khoản {username} đã đăng nhập hoặc không hoạt động: không cần thư "
                       "mời (quên mật khẩu: «Quên mật khẩu» ở trang đăng nhập).")
    if not account.email:
        raise Invalid("Tài khoản không có thư điện tử để gửi thư mời.")
    send_invitation(uow, account, link_base=link_base)
    _audit(uow, actor, "account.invitation_resent", account.username, {"invited": account.email})
    uow.commit()
    return officer_detail(uow, actor=actor, username=account.username)


def transfer(
    uow: UnitOfWork, *, actor: Actor, username: str, from_agency: str, to_agency: str,
    roles: list[str], successor: str, reason: str,
) -> dict[str, Any]:
    """Move an officer to another post (điều động, luân chuyển): the open work and the roles
    held in `from_agency` go to `successor` (the handover, Đồng Tháp seed art. 8 and 32), then
    the officer holds `roles` in `to_agency`. Everything is checked before the handover
    commits; the new roles follow in the next transaction. Commits."""
    account = account_by_name(uow, username)
    require_manager(uow, actor, account)
    if not account.active:
        raise Conflict(f"Tài khoản {username} đã ngừng hoạt động: kích hoạt lại trước khi chuyển công tác.")
    reason = _reason(reason)
    source, target = by_code(uow, from_agency), by_code(uow, to_agency)
    parents = dict(uow.session.execute(select(Agency.id, Agency.parent_id)).all())
    if not may_administer_agency(actor, chain(parents, source.id)):
        raise Forbidden(f"Bạn không quản trị {source.name}.")
    if not roles:
        raise FormInvalid("Cần chọn vai trò ở cơ quan mới.", [
            {"field": "roles", "message": "Cần chọn ít nhất một vai trò ở cơ quan mới."}])
    grants = [Grant(agency=target.code, role=role) for role in roles]
    for grant in grants:
        check_grant(uow, actor, grant, "")
    if not any(g.agency_id == source.id for g in account.grants):
        raise Invalid(f"{account.full_name} không giữ vai trò nào tại {source.name}.")
    # hand_over asks for a leader of the agency or an administrator; a quản trị đơn vị
    # who administers it (checked above) hands over as its leader would, in its own name.
    handing = Actor(account_id=actor.account_id, kind=actor.kind, name=actor.name,
                    grants=actor.grants | {(source.id, LEADER)})
    moved = hand_over(uow, actor=handing, agency_code=source.code, leaving=account.username,
                      successor=successor, reason=reason)
    uow.session.expire(account)
    now = uow.clock.now()
    for role in roles:
        if not any(g.agency_id == target.id and g.role == role for g in account.grants):
            account.grants.append(RoleGrant(agency_id=target.id, role=role,
                                            granted_by_id=actor.account_id, granted_at=now))
    _audit(uow, actor, "account.transferred", account.username, {
        "from": source.code, "to": target.code, "roles": roles, "successor": successor,
        "moved_tasks": moved["moved_tasks"], "reason": reason})
    uow.commit()
    return {**officer_detail(uow, actor=actor, username=account.username),
            "moved_tasks": moved["moved_tasks"]}
