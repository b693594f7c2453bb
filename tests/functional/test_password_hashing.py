"""Passwords are hashed with argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane), and a
hash made with other parameters (argon2-cffi's heavier default, used before) is replaced at
its owner's next successful login — over the real login API, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import select

from engine.core.models import Account
from engine.identity.accounts import hash_password
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform

USER = "chuyenvien.minhxuan"
OWASP = "$argon2id$v=19$m=19456,t=2,p=1$"
OLD = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4)  # argon2-cffi 23–25's default
# The suite hashes with argon2's smallest parameters (tests/conftest.py); these tests use the real ones.
pytestmark = pytest.mark.usefixtures("production_passwords")


def _stored_hash(platform: Platform) -> str:
    with platform.uow() as uow:
        found = uow.session.scalar(select(Account.password_hash).where(Account.username == USER))
    assert found is not None
    return found


def _set_hash(platform: Platform, value: str) -> None:
    with platform.uow() as uow:
        account = uow.session.scalar(select(Account).where(Account.username == USER))
        assert account is not None
        account.password_hash = value
        uow.commit()


def _log_in(app: Flask, password: str) -> int:
    response = app.test_client().post("/api/v1/session",
                                      json={"username": USER, "password": password})
    return response.status_code


def test_new_passwords_are_hashed_at_the_owasp_minimum() -> None:
    assert hash_password("một mật khẩu dài").startswith(OWASP)


def test_an_old_hash_is_replaced_at_the_next_successful_login(app: Flask, platform: Platform) -> None:
    old = OLD.hash(DEMO_PASSWORD)
    _set_hash(platform, old)

    assert _log_in(app, "sai-mat-khau") == 400
    assert _stored_hash(platform) == old  # a wrong password changes nothing

    assert _log_in(app, DEMO_PASSWORD) == 201
    renewed = _stored_hash(platform)
    assert renewed.startswith(OWASP)

    assert _log_in(app, DEMO_PASSWORD) == 201  # the new hash opens the account
    assert _stored_hash(platform) == renewed  # and, current, is not hashed again
    assert _log_in(app, "sai-mat-khau") == 400
