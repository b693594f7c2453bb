"""Login and password-reset races on real databases with real threads and separate
connections: parallel wrong passwords count exactly up to the lock, and one reset link
changes the password exactly once."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from engine.core.errors import FormInvalid, Invalid
from engine.core.models import Account, AuditEntry, PasswordReset
from engine.identity import accounts, passwords
from engine.identity.accounts import authenticate
from engine.identity.passwords import _digest
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from tests.service.test_concurrency import _race

USER = "chuyenvien.minhxuan"
LOCKED = "Tài khoản tạm khóa do nhập sai mật khẩu 5 lần"


class _CountingHasher(PasswordHasher):
    """The real hasher, counting how many passwords it was asked to verify."""

    verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        type(self).verified += 1
        return super().verify(hash, password)


def _failures_logged(platform: Platform) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "account.login_failed", AuditEntry.object_id == USER)) or 0


def test_forty_parallel_wrong_passwords_check_only_five_before_the_lock(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_CountingHasher, "verified", 0)
    monkeypatch.setattr(accounts, "_HASHER", _CountingHasher())

    def wrong(_: int) -> Any:
        with platform.uow() as uow:
            return authenticate(uow, username=USER, password="sai-mat-khau")

    results = _race(40, wrong)
    assert all(isinstance(r, Invalid) for r in results), results
    assert _CountingHasher.verified == 5  # the other 35 were refused without a check
    assert _failures_logged(platform) == 5
    refused = [r.message for r in results if r.message.startswith(LOCKED)]
    assert len(refused) == 35
    with platform.uow() as uow:
        account = uow.session.scalar(select(Account).where(Account.username == USER))
        assert account is not None
        assert account.failed_logins == 5 and account.locked_at is not None
    # the right password does not open it now
    with pytest.raises(Invalid, match=LOCKED), platform.uow() as uow:
        authenticate(uow, username=USER, password=DEMO_PASSWORD)
    assert _CountingHasher.verified == 5


def test_a_right_password_is_not_counted_as_a_failure(platform: Platform) -> None:
    for _ in range(4):
        with pytest.raises(Invalid), platform.uow() as uow:
            authenticate(uow, username=USER, password="sai")
    with platform.uow() as uow:
        assert authenticate(uow, username=USER, password=DEMO_PASSWORD).name == "Lê Văn Cường"
    for _ in range(4):  # the count restarted at zero: four more do not lock
        with pytest.raises(Invalid, match="không đúng"), platform.uow() as uow:
            authenticate(uow, username=USER, password="sai")
    with platform.uow() as uow:
        assert authenticate(uow, username=USER, password=DEMO_PASSWORD).name == "Lê Văn Cường"


def test_an_expired_lock_opens_for_the_next_five_attempts_only(
    platform: Platform, clock: Any
) -> None:
    for _ in range(5):
        with pytest.raises(Invalid), platform.uow() as uow:
            authenticate(uow, username=USER, password="sai")
    clock.advance(timedelta(minutes=30))

    def wrong(_: int) -> Any:
        with platform.uow() as uow:
            return authenticate(uow, username=USER, password="sai")

    results = _race(12, wrong)
    messages = [r.message for r in results if isinstance(r, Invalid)]
    assert len(messages) == 12, results
    assert sum(m.startswith(LOCKED) for m in messages) == 7
    assert _failures_logged(platform) == 10


def _reset_token(platform: Platform) -> str:
    """A live reset link for USER, made as `request_reset` makes it."""
    token = secrets.token_urlsafe(32)
    with platform.uow() as uow:
        account = uow.session.scalar(select(Account).where(Account.username == USER))
        assert account is not None
        now = uow.clock.now()
        uow.session.add(PasswordReset(token_hash=_digest(token), account_id=account.id,
                                      created_at=now, expires_at=now + timedelta(minutes=30)))
        uow.commit()
    return token


def test_one_reset_link_used_twice_in_parallel_changes_the_password_once(
    platform: Platform
) -> None:
    token = _reset_token(platform)
    new = ["Mat-khau-moi-so-1!", "Mat-khau-moi-so-2!", "Mat-khau-moi-so-3!",
           "Mat-khau-moi-so-4!"]

    def reset(index: int) -> Any:
        with platform.uow() as uow:
            return passwords.reset_password(uow, token=token, new=new[index])

    results = _race(len(new), reset)
    wins = [i for i, r in enumerate(results) if isinstance(r, dict)]
    losses = [r for r in results if isinstance(r, Invalid)]
    assert len(wins) == 1 and len(losses) == len(new) - 1, results
    assert all("đã được dùng" in r.message for r in losses)
    with platform.uow() as uow:
        # one password set, whichever name it goes by (a seeded account that never logged
        # in is activated by its first link: «Kích hoạt tài khoản»)
        assert uow.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.in_(("account.password_reset", "account.activated")))) == 1
    with platform.uow() as uow:  # the winner's password is the one that stands
        assert authenticate(uow, username=USER, password=new[wins[0]]).name == "Lê Văn Cường"


def test_a_weak_new_password_does_not_spend_the_reset_link(platform: Platform) -> None:
    token = _reset_token(platform)
    with pytest.raises(FormInvalid, match="chưa đạt"), platform.uow() as uow:
        passwords.reset_password(uow, token=token, new="123")
    with platform.uow() as uow:
        assert passwords.reset_password(uow, token=token, new="Mat-khau-moi-so-1!")[
            "username"] == USER
