"""The optional second factor (TOTP) of officers and administrators: enrol by scanning a
secret and typing one code back, turn it off with a current code. Logging in with it is
`engine.accounts.authenticate` / `engine.sessions.confirm_second_factor`."""

from __future__ import annotations

from typing import Any

from engine.core.actors import Actor
from engine.core.errors import Forbidden, Invalid, Unauthenticated
from engine.core.models import Account
from engine.core.permissions import uses_second_factor
from engine.core.uow import UnitOfWork
from engine.identity import totp
from engine.identity.accounts import second_factor_matches

ISSUER = "motcua"


def _account(uow: UnitOfWork, actor: Actor) -> Account:
    if actor.account_id is None:
        raise Unauthenticated("Cần đăng nhập.")
    if not uses_second_factor(actor):
        raise Forbidden("Xác thực hai bước dành cho tài khoản cán bộ và quản trị.")
    account = uow.session.get(Account, actor.account_id)
    assert account is not None  # a logged-in actor has an account
    return account


def status(uow: UnitOfWork, *, actor: Actor) -> dict[str, Any]:
    """Whether the actor's second factor is on (and since when)."""
    account = _account(uow, actor)
    return {"enabled": account.totp_enabled_at is not None, "since": account.totp_enabled_at}


def begin_enrolment(uow: UnitOfWork, *, actor: Actor) -> dict[str, str]:
    """A new secret to scan (not yet in force: `confirm_enrolment` turns it on)."""
    account = _account(uow, actor)
    if account.totp_enabled_at is not None:
        raise Invalid("Xác thực hai bước đang bật; hãy tắt trước khi đăng ký lại.")
    account.totp_secret, account.totp_last_step = totp.new_secret(), 0
    uow.commit()
    return {"secret": account.totp_secret,
            "uri": totp.provisioning_uri(account.totp_secret, account=account.username,
                                         issuer=ISSUER)}


def confirm_enrolment(uow: UnitOfWork, *, actor: Actor, code: str) -> dict[str, Any]:
    """Turn the second factor on once the app shows a matching code."""
    account = _account(uow, actor)
    if account.totp_enabled_at is not None:
        raise Invalid("Xác thực hai bước đã bật.")
    if not account.totp_secret:
        raise Invalid("Chưa tạo mã bí mật; hãy bắt đầu đăng ký.")
    second_factor_matches(uow, account, code)
    account.totp_enabled_at = uow.clock.now()
    uow.audit("account.totp_enabled", actor_id=account.id, object_type="account",
              object_id=account.username)
    uow.commit()
    return {"enabled": True}


def disable(uow: UnitOfWork, *, actor: Actor, code: str) -> dict[str, Any]:
    """Turn the second factor off (a current code proves the device is at hand)."""
    account = _account(uow, actor)
    if account.totp_enabled_at is None:
        raise Invalid("Xác thực hai bước chưa bật.")
    second_factor_matches(uow, account, code)
    account.totp_enabled_at, account.totp_secret = None, None
    uow.audit("account.totp_disabled", actor_id=account.id, object_type="account",
              object_id=account.username)
    uow.commit()
    return {"enabled": False}
