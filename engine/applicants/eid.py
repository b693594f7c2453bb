"""A citizen's login through the national electronic identity (VNeID): the ID number the
provider vouched for opens the citizen's account, or creates it.

NĐ 69/2024 art. 12–13: a level-2 electronic identity account logs its holder in to public
services. The platform's citizen accounts already use the 12-digit ID number as their login
name, so the provider's ID number links a VNeID login to an account registered here with a
password, and the first VNeID login of anyone else creates the account (with no usable
password: they may set one through «Quên mật khẩu»). Officers, designers and administrators
keep their local passwords and second factor: their ID number never logs them in here.

The dossiers that ID number submitted without an account become the citizen's at that
login (`claims.take_vouched`): the provider proved who they are, so no code is sent.
"""

from __future__ import annotations

import secrets

from sqlalchemy import or_, select

from engine.applicants.claims import take_vouched
from engine.core.actors import Actor
from engine.core.errors import Forbidden, Invalid
from engine.core.models import Account
from engine.core.permissions import is_citizen, may_sign_in_with_eid
from engine.core.uow import UnitOfWork
from engine.identity.accounts import LOCKED_INACTIVE, create_account, finish_login, hash_password
from engine.identity.sessions import end_all_sessions

__all__ = ["citizen_login"]

OFFICERS_REFUSED = (
    "Tài khoản cán bộ, công chức không đăng nhập bằng VNeID; hãy đăng nhập bằng tên đăng nhập và mật khẩu."
)


def citizen_login(
    uow: UnitOfWork,
    *,
    id_number: str,
    full_name: str,
    phone: str | None = None,
    email: str | None = None,
    subject: str = "",
    taken: list[str] | None = None,
    retired: list[str] | None = None,
) -> Actor:
    """The citizen actor for an identity the VNeID provider vouched for (the caller checked
    the ID token): their account found by ID number, or created. Commits.

    The dossiers submitted without an account under that ID number become the citizen's;
    their codes are added to `taken` when given. The first VNeID login into an account
    registered here with a password takes it over (`_take_over`); its login name is added
    to `retired` when given.

    Refused (`Forbidden`) when the ID number belongs to any other kind of account, and for a
    closed account or one locked for a year without login (an administrator opens it)."""
    if not (len(id_number) == 12 and id_number.isdigit()):
        raise Invalid("Số định danh cá nhân phải gồm 12 chữ số.")
    account = _account_of(uow, id_number)
    if account is None:
        account = _create(uow, id_number, full_name, phone, email, subject)
    elif account.closed_at is not None or not account.active:
        raise Forbidden("Tài khoản này đã đóng; liên hệ Bộ phận Một cửa nếu cần mở lại.")
    elif account.locked_at is not None and account.locked_reason == LOCKED_INACTIVE:
        raise Forbidden(
            "Tài khoản đã bị khóa do không đăng nhập trong 1 năm; liên hệ quản trị hệ thống để mở khóa."
        )
    elif account.eid_verified_at is None:
        _take_over(uow, account, id_number, phone, email)
        if retired is not None:
            retired.append(account.username)
    else:
        account.phone = account.phone or phone
        account.email = account.email or email
    uow.audit("account.eid_login", actor_id=account.id, object_type="account",
              object_id=account.username, summary={"provider": "vneid"})
    actor = finish_login(uow, account)
    _take_dossiers(uow, actor, id_number, taken)
    return actor


def _account_of(uow: UnitOfWork, id_number: str) -> Account | None:
    """The account of an ID number (by login name first, then by the ID number it holds);
    refused when any account holding it is not a citizen's."""
    accounts = list(
        uow.session.scalars(
            select(Account)
            .where(or_(Account.username == id_number, Account.id_number == id_number))
            .order_by(Account.id)
        )
    )
    if not all(may_sign_in_with_eid(a.kind) for a in accounts):
        raise Forbidden(OFFICERS_REFUSED)
    return next((a for a in accounts if a.username == id_number), None) or next(iter(accounts), None)


def _take_over(
    uow: UnitOfWork, account: Account, id_number: str, phone: str | None, email: str | None
) -> None:
    """The first VNeID login into an account registered here: registration never checked
    the ID number, so whoever registered may not be its holder, and the holder, now proven,
    takes the account over before its dossiers are joined to it. The password and every
    open session end, and the contacts a password reset is sent to become those VNeID gave
    (none when it gave none: the holder adds them in «Tài khoản»); the name stays."""
    ended = end_all_sessions(uow, account_id=account.id, reason="eid_linked")
    account.password_hash = hash_password(secrets.token_urlsafe(32))
    account.id_number = id_number
    account.phone, account.email = phone, email
    account.eid_verified_at = uow.clock.now()
    uow.audit("account.eid_linked", actor_id=account.id, object_type="account",
              object_id=account.username, summary={"sessions_ended": ended})


def _take_dossiers(uow: UnitOfWork, actor: Actor, id_number: str, taken: list[str] | None) -> None:
    """The ID number is vouched for: its dossiers without an account become the citizen's
    (their codes added to `taken`). Commits."""
    if is_citizen(actor):
        codes = take_vouched(uow, actor=actor, id_number=id_number)
        uow.commit()
        if taken is not None:
            taken.extend(codes)


def _create(
    uow: UnitOfWork, id_number: str, full_name: str, phone: str | None, email: str | None, subject: str
) -> Account:
    """A citizen's account made at their first VNeID login, without a usable password."""
    account_id = create_account(
        uow,
        username=id_number,
        password=secrets.token_urlsafe(32),
        full_name=full_name.strip() or f"Công dân {id_number}",
        kind="citizen",
        id_number=id_number,
        phone=phone,
        email=email,
    )
    made = uow.session.get(Account, account_id)
    assert made is not None  # just created
    made.eid_verified_at = uow.clock.now()
    uow.audit(
        "account.register",
        actor_id=account_id,
        object_type="account",
        object_id=str(account_id),
        summary={"via": "vneid", "subject": subject[:100]},
    )
    return made
