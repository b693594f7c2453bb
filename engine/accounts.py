"""Accounts: password hashing (argon2), authentication, and building actors."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from engine.actors import Actor
from engine.errors import Invalid, NotFound
from engine.models import Account, Agency, RoleGrant
from engine.uow import UnitOfWork

_HASHER = PasswordHasher()
KINDS = ("citizen", "officer", "admin")


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _HASHER.hash(password)


def actor_of(account: Account) -> Actor:
    """The actor an account acts as."""
    return Actor(
        account_id=account.id,
        kind=account.kind,
        name=account.full_name,
        grants=frozenset((g.agency_id, g.role) for g in account.grants),
        id_number=account.id_number,
    )


def authenticate(uow: UnitOfWork, *, username: str, password: str) -> Actor:
    """The actor for valid credentials; `Invalid` with one message for every failure."""
    account = uow.session.scalar(select(Account).where(Account.username == username))
    refused = Invalid("Tên đăng nhập hoặc mật khẩu không đúng.")
    if account is None or not account.active:
        _HASHER.hash(password)  # same cost either way: no username probing by timing
        raise refused
    try:
        _HASHER.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise refused from None
    account.last_login_at = uow.clock.now()
    uow.commit()
    return actor_of(account)


def load_actor(uow: UnitOfWork, account_id: int) -> Actor:
    """The actor of a logged-in session (`NotFound` once the account is gone or disabled)."""
    account = uow.session.get(Account, account_id)
    if account is None or not account.active:
        raise NotFound("Tài khoản không còn hoạt động.")
    return actor_of(account)


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
