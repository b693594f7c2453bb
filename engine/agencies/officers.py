"""Officers' accounts: create one with an invitation to choose its password, grant and
revoke roles per agency with a validity period, list and show them — administrators for
every account, a quản trị đơn vị for officers within its agency's subtree (Tuyên Quang seed,
art. 9; Tiền Giang 2025, art. 6). Every change is in the audit trail."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.agencies.role_names import role_names
from engine.agencies.tree import by_code, chain, gate
from engine.core.actors import Actor
from engine.core.errors import Forbidden, FormInvalid, NotFound
from engine.core.models import Account, Agency, AuditEntry, RoleGrant
from engine.core.permissions import (
    UNIT_ADMIN,
    Kind,
    holds_roles,
    is_administrator,
    may_administer_agency,
    may_manage_account,
)
from engine.core.text import fold
from engine.core.uow import UnitOfWork
from engine.identity.accounts import hash_password
from engine.identity.invitations import awaits_first_password, send_invitation, unusable_password

ROLE = re.compile(r"[a-z][a-z0-9_]{1,49}")  # a procedure's own lane roles (ho_tich…) too
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,99}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE = re.compile(r"[0-9+][0-9 .+-]{7,19}")
REFUSED = "Thông tin tài khoản chưa hợp lệ."
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL, a lone UTF-16 half: no database stores them
UNSTORABLE_TEXT = "Có ký tự không hợp lệ (ký tự NUL hoặc mã UTF-16 lẻ); vui lòng xóa ký tự này."
FIRST_YEAR, LAST_YEAR = 2000, 2199  # a role's period (a year 1 or 9999 overflows UTC)
YEARS_REFUSED = f"Ngày hiệu lực phải trong các năm {FIRST_YEAR}–{LAST_YEAR}."


@dataclass(frozen=True)
class Grant:
    """A role to hold in an agency (by its code), from `valid_from` until `valid_until`."""

    agency: str
    role: str
    valid_from: datetime | None = None
    valid_until: datetime | None = None


def _parents(uow: UnitOfWork) -> dict[int, int | None]:
    return dict(uow.session.execute(select(Agency.id, Agency.parent_id)).all())


def account_by_name(uow: UnitOfWork, username: str) -> Account:
    """The account with that username (`NotFound` otherwise)."""
    account = uow.session.scalar(select(Account).where(Account.username == username.strip()))
    if account is None:
        raise NotFound(f"Không có tài khoản {username}.")
    return account


def require_manager(uow: UnitOfWork, actor: Actor, account: Account) -> None:
    """Refuse unless the actor manages this account: administrators any; a quản trị đơn vị
    an officer whose every role lies within its subtree."""
    gate(actor)
    parents = _parents(uow)
    lineages = [chain(parents, g.agency_id) for g in account.grants]
    if not may_manage_account(actor, account.kind, lineages):
        raise Forbidden("Bạn không quản lý tài khoản này (có vai trò ngoài đơn vị bạn quản trị).")


def check_grant(uow: UnitOfWork, actor: Actor, grant: Grant, field: str) -> Agency:
    problems = []
    if not ROLE.fullmatch(grant.role):
        problems.append({"field": f"{field}role", "message": f"Không có vai trò «{grant.role}»; ghi "
                         "tên vai trò như trong ô «Vai trò» của trang Tài khoản cán bộ."})
    if grant.role == UNIT_ADMIN and not is_administrator(actor):
        problems.append({"field": f"{field}role",
                         "message": "Chỉ quản trị hệ thống giao vai trò quản trị đơn vị."})
    for name in ("valid_from", "valid_until"):
        moment = getattr(grant, name)
        if moment is not None and not FIRST_YEAR <= moment.year <= LAST_YEAR:
            problems.append({"field": f"{field}{name}", "message": YEARS_REFUSED})
    if grant.valid_from and grant.valid_until and grant.valid_until <= grant.valid_from:
        problems.append({"field": f"{field}valid_until",
                         "message": "Ngày hết hiệu lực phải sau ngày bắt đầu."})
    agency = uow.session.scalar(select(Agency).where(Agency.code == grant.agency.strip()))
    if not grant.agency.strip():
        problems.append({"field": f"{field}agency",
                         "message": "Chưa chọn cơ quan nơi cán bộ nhận vai trò."})
    elif agency is None:
        problems.append({"field": f"{field}agency", "message": f"Không có cơ quan mã {grant.agency}."})
    elif agency.closed_at is not None:
        problems.append({"field": f"{field}agency", "message": f"{agency.name} đã đóng."})
    if problems:
        raise FormInvalid(REFUSED, problems)
    assert agency is not None
    if not may_administer_agency(actor, chain(_parents(uow), agency.id)):
        raise Forbidden(f"Bạn không quản trị {agency.name} nên không giao vai trò ở đó.")
    return agency


def add_officer(
    uow: UnitOfWork, *, actor: Actor, username: str, full_name: str, email: str,
    phone: str = "", grants: list[Grant], link_base: str, password: str | None = None,
) -> Account:
    """`invite_officer` without the commit (a bulk import adds many in one transaction).
    Only the sample data passes a `password` (the demo logins): then no invitation."""
    gate(actor)
    username, full_name, email, phone = (username.strip().lower(), full_name.strip(),
                                         email.strip(), phone.strip())
    problems = []
    if not USERNAME.fullmatch(username):
        problems.append({"field": "username", "message": "Tên đăng nhập 3–100 ký tự: chữ thường "
                         "không dấu, số, dấu chấm, gạch ngang, gạch dưới."})
    elif uow.session.scalar(select(Account.id).where(Account.username == username)):
        problems.append({"field": "username", "message": f"Tên đăng nhập {username} đã có."})
    if not full_name or len(full_name) > 200:
        problems.append({"field": "full_name", "message": "Cần nhập họ và tên (tối đa 200 ký tự)."})
    problems += [{"field": name, "message": UNSTORABLE_TEXT}
                 for name, text in (("full_name", full_name), ("email", email)) if UNSTORABLE.search(text)]
    if len(email) > 200 or not EMAIL.fullmatch(email):
        problems.append({"field": "email", "message": "Cần thư điện tử đúng dạng để gửi thư mời "
                         "đặt mật khẩu."})
    if phone and not PHONE.fullmatch(phone):
        problems.append({"field": "phone", "message": "Số điện thoại không đúng dạng."})
    if not grants:
        problems.append({"field": "role", "message": "Cần giao ít nhất một vai trò."})
    if problems:
        raise FormInvalid(REFUSED, problems)
    agencies = [check_grant(uow, actor, g, "") for g in grants]
    now = uow.clock.now()
    secret = hash_password(password) if password is not None else unusable_password()
    account = Account(username=username, password_hash=secret, full_name=full_name,
                      kind=Kind.OFFICER, email=email, phone=phone or None, created_at=now)
    uow.session.add(account)
    uow.session.flush()
    for grant, agency in zip(grants, agencies, strict=True):
        uow.session.add(RoleGrant(account_id=account.id, agency_id=agency.id, role=grant.role,
                                  valid_from=grant.valid_from, valid_until=grant.valid_until,
                                  granted_by_id=actor.account_id, granted_at=now))
    uow.session.flush()
    uow.session.refresh(account)
    if password is None:
        send_invitation(uow, account, link_base=link_base)
    uow.audit("account.created", actor_id=actor.account_id, object_type="account",
              object_id=username, summary={"kind": Kind.OFFICER.value, "grants": [
                  _grant_summary(g) for g in grants], "invited": email if password is None
                  else None})
    return account


def invite_officer(
    uow: UnitOfWork, *, actor: Actor, username: str, full_name: str, email: str,
    phone: str = "", grants: list[Grant], link_base: str,
) -> dict[str, Any]:
    """Create an officer's account with its roles and e-mail it a single-use link to choose
    its password (no password is ever set or seen by whoever creates it). Commits."""
    account = add_officer(uow, actor=actor, username=username, full_name=full_name,
                          email=email, phone=phone, grants=grants, link_base=link_base)
    uow.commit()
    return officer_detail(uow, actor=actor, username=account.username)


def _grant_summary(grant: Grant) -> dict[str, Any]:
    return {"agency": grant.agency, "role": grant.role,
            "valid_from": grant.valid_from.isoformat() if grant.valid_from else None,
            "valid_until": grant.valid_until.isoformat() if grant.valid_until else None}


def grant_role(uow: UnitOfWork, *, actor: Actor, username: str, grant: Grant) -> dict[str, Any]:
    """Give an officer a role in an agency for a period (a role already held there gets the
    new period). Commits."""
    gate(actor)
    account = account_by_name(uow, username)
    if not holds_roles(account.kind):
        raise FormInvalid(REFUSED, [{"field": "username",
                                     "message": "Chỉ giao vai trò cho tài khoản cán bộ."}])
    require_manager(uow, actor, account)  # checked before anything changes
    if account.id == actor.account_id:
        raise Forbidden("Không tự giao vai trò cho chính mình; quản trị hệ thống giao.")
    if not account.active:
        raise FormInvalid(REFUSED, [{"field": "username", "message": f"Tài khoản {account.username} đã "
                                     "ngừng hoạt động: kích hoạt lại trước khi giao vai trò."}])
    agency = check_grant(uow, actor, grant, "")
    held = next((g for g in account.grants if g.agency_id == agency.id and g.role == grant.role),
                None)
    now = uow.clock.now()
    if held is None:
        held = RoleGrant(agency_id=agency.id, role=grant.role)
        account.grants.append(held)
    held.valid_from, held.valid_until = grant.valid_from, grant.valid_until
    held.granted_by_id, held.granted_at = actor.account_id, now
    uow.audit("account.role_granted", actor_id=actor.account_id, object_type="account",
              object_id=account.username, summary=_grant_summary(grant))
    uow.commit()
    return officer_detail(uow, actor=actor, username=account.username)


def revoke_role(
    uow: UnitOfWork, *, actor: Actor, username: str, agency: str, role: str
) -> dict[str, Any]:
    """Take a role away at once (the grant's row goes; the audit trail keeps it). Commits."""
    gate(actor)
    account = account_by_name(uow, username)
    require_manager(uow, actor, account)  # checked before anything changes
    target = by_code(uow, agency)
    if not may_administer_agency(actor, chain(_parents(uow), target.id)):
        raise Forbidden(f"Bạn không quản trị {target.name} nên không thu hồi vai trò ở đó.")
    held = next((g for g in account.grants if g.agency_id == target.id and g.role == role), None)
    if held is None:
        raise NotFound(f"{account.full_name} không giữ vai trò «{role_names(uow).get(role, role)}» "
                       f"tại {target.name}.")
    uow.session.delete(held)
    uow.audit("account.role_revoked", actor_id=actor.account_id, object_type="account",
              object_id=account.username, summary={"agency": target.code, "role": role})
    uow.commit()
    uow.session.expire(account)
    return officer_detail(uow, actor=actor, username=account.username)


def state_of(account: Account) -> str:
    """The account's state in words."""
    if not account.active:
        return "Đã đóng" if account.closed_at else "Ngừng hoạt động"
    if account.locked_at is not None:
        return {"emergency": "Khóa khẩn cấp", "admin": "Bị khóa", "failed": "Tạm khóa (sai mật khẩu)",
                "inactive": "Khóa do không sử dụng", "self": "Tự khóa"}.get(
                    account.locked_reason, "Bị khóa")
    return "Đang hoạt động"


def _agency_names(uow: UnitOfWork) -> dict[int, tuple[str, str]]:
    return {i: (code, name) for i, code, name in
            uow.session.execute(select(Agency.id, Agency.code, Agency.name)).all()}


def _grants(uow: UnitOfWork, account: Account, names: dict[int, tuple[str, str]] | None = None,
            labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
    now = uow.clock.now()
    names = names if names is not None else _agency_names(uow)
    labels = labels if labels is not None else role_names(uow)
    return [{"agency": names.get(g.agency_id, ("", ""))[0],
             "agency_name": names.get(g.agency_id, ("", ""))[1],
             "role": g.role, "role_label": labels.get(g.role, g.role),
             "valid_from": g.valid_from, "valid_until": g.valid_until,
             "in_force": g.in_force(now)}
            for g in sorted(account.grants, key=lambda g: (g.agency_id, g.role))]


def officer_detail(uow: UnitOfWork, *, actor: Actor, username: str) -> dict[str, Any]:
    """One account: who, state, roles with their periods, its last 20 audit entries."""
    account = account_by_name(uow, username)
    require_manager(uow, actor, account)
    history = uow.session.execute(
        select(AuditEntry.at, AuditEntry.action, AuditEntry.summary)
        .where(AuditEntry.object_type == "account", AuditEntry.object_id == account.username)
        .order_by(AuditEntry.id.desc()).limit(20)).all()
    return {"username": account.username, "full_name": account.full_name, "kind": account.kind,
            "email": account.email or "", "phone": account.phone or "",
            "state": state_of(account), "active": account.active,
            "locked": account.locked_at is not None, "locked_reason": account.locked_reason,
            "last_login_at": account.last_login_at, "grants": _grants(uow, account),
            "invitation_pending": account.active and awaits_first_password(uow, account),
            "history": _history(uow, history)}


def _history(uow: UnitOfWork, rows: Any) -> list[dict[str, Any]]:
    """The account's audit entries, a role granted or revoked named with its agency
    («Công chức Tư pháp - Hộ tịch tại UBND phường Minh Xuân»)."""
    entries = [{"at": at, "action": action, "summary": summary, "role": ""}
               for at, action, summary in rows]
    if any(isinstance(e["summary"], dict) and e["summary"].get("role") for e in entries):
        roles, names = role_names(uow), _agency_names_by_code(uow)
        for entry in entries:
            summary = entry["summary"]
            if isinstance(summary, dict) and summary.get("role"):
                role, agency = str(summary["role"]), str(summary.get("agency", ""))
                entry["role"] = f"{roles.get(role, role)} tại {names.get(agency, agency)}"
    return entries


def _agency_names_by_code(uow: UnitOfWork) -> dict[str, str]:
    return {code: name for code, name in uow.session.execute(select(Agency.code, Agency.name)).all()}


def list_officers(uow: UnitOfWork, *, actor: Actor, query: str = "") -> list[dict[str, Any]]:
    """The staff accounts the actor manages (officers; administrators too for administrators),
    by username; `query` filters on username or name (`_found`)."""
    gate(actor)
    parents, names, labels = _parents(uow), _agency_names(uow), role_names(uow)
    wanted = fold(query).split()
    rows = []
    for account in uow.session.scalars(select(Account).where(
            Account.kind.in_((Kind.OFFICER.value, Kind.ADMIN.value))).order_by(Account.username)):
        lineages = [chain(parents, g.agency_id) for g in account.grants]
        if not may_manage_account(actor, account.kind, lineages):
            continue
        if wanted and not _found(wanted, account.username, account.full_name):
            continue
        rows.append({"username": account.username, "full_name": account.full_name,
                     "kind": account.kind, "state": state_of(account),
                     "grants": _grants(uow, account, names, labels)})
    return rows


def _found(words: list[str], username: str, full_name: str) -> bool:
    """Each word typed, diacritics and case aside, begins a word of the name, the username or
    a part of it: «nguyen an» and «Nguyễn An» find «Nguyễn Văn An», «minhxuan» and
    «c.minhxuan» the account c.minhxuan; «an» does not find «Trần Văn Toàn» (toan.tran)."""
    user = fold(username)
    parts = [user, *re.split(r"[._\-]", user), *fold(full_name).split()]
    return all(any(part.startswith(w) for part in parts) for w in words)
