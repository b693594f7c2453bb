"""Account locks with a controllable clock (Trà Vinh seed, art. 6–7): five wrong passwords
lock until an administrator unlocks or the lockout passes, with a notice to the owner; a
year without login locks, after a warning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.core.actors import SYSTEM
from engine.core.clock import FixedClock
from engine.core.errors import Invalid
from engine.core.models import Notification
from engine.identity.accounts import authenticate, lock_inactive_accounts, unlock_account
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform

USER = "chuyenvien.minhxuan"


def _login(platform: Platform, password: str = DEMO_PASSWORD) -> str:
    try:
        with platform.uow() as uow:
            return authenticate(uow, username=USER, password=password).name
    except Invalid as exc:
        return exc.message


def _mail(platform: Platform) -> list[tuple[str, str]]:
    with platform.uow() as uow:
        return [(n.recipient, n.subject) for n in uow.session.scalars(select(Notification))]


def test_five_wrong_passwords_lock_the_account_and_tell_its_owner(
    platform: Platform, clock: FixedClock
) -> None:
    for _ in range(4):
        assert _login(platform, "sai") == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert _login(platform) == "Lê Văn Cường"  # a success resets the count
    for _ in range(5):
        _login(platform, "sai")
    assert _login(platform).startswith("Tài khoản tạm khóa do nhập sai mật khẩu 5 lần")
    assert _mail(platform) == [(f"{USER}@tuyenquang.example",
                                "[Cổng dịch vụ công một cửa] Tài khoản của bạn đã bị tạm khóa")]
    clock.advance(timedelta(minutes=29))
    assert _login(platform).startswith("Tài khoản tạm khóa")
    clock.advance(timedelta(minutes=1))
    assert _login(platform) == "Lê Văn Cường"  # the lockout has passed


def test_an_administrator_unlocks_at_once(platform: Platform) -> None:
    for _ in range(5):
        _login(platform, "sai")
    with platform.uow() as uow:
        unlock_account(uow, actor=SYSTEM, username=USER)
    assert _login(platform) == "Lê Văn Cường"


def test_a_year_without_login_locks_after_a_warning(platform: Platform, clock: FixedClock) -> None:
    assert _login(platform) == "Lê Văn Cường"  # last login: the test's start
    clock.advance(timedelta(days=352))  # within 14 days of the year
    with platform.uow() as uow:
        assert lock_inactive_accounts(uow)["warned"] >= 1
    warned = [m for m in _mail(platform) if m[0] == f"{USER}@tuyenquang.example"]
    assert warned == [(f"{USER}@tuyenquang.example",
                       "[Cổng dịch vụ công một cửa] Tài khoản sắp bị khóa do lâu không đăng nhập")]
    with platform.uow() as uow:
        lock_inactive_accounts(uow)  # warned once only
    assert len([m for m in _mail(platform) if m[0] == f"{USER}@tuyenquang.example"]) == 1
    clock.advance(timedelta(days=15))
    with platform.uow() as uow:
        assert lock_inactive_accounts(uow)["locked"] >= 1
    assert _login(platform).startswith("Tài khoản đã bị khóa do không đăng nhập trong 1 năm")
    with platform.uow() as uow:
        unlock_account(uow, actor=SYSTEM, username=USER)
    with platform.uow() as uow:
        lock_inactive_accounts(uow)  # unlocking restarts the year
    assert _login(platform) == "Lê Văn Cường"


def test_only_administrators_unlock(platform: Platform) -> None:
    with platform.uow() as uow:
        officer = authenticate(uow, username="motcua.minhxuan", password=DEMO_PASSWORD)
    from engine.core.errors import Forbidden

    with platform.uow() as uow, pytest.raises(Forbidden):
        unlock_account(uow, actor=officer, username=USER)
