"""Organisations and businesses (Tuyên Quang seed, art. 5.2): an organisation's own login
is its tax code; several people act for it — its legal representative, who registers it,
and the people it authorises (ủy quyền) by a written authorisation for a period. A member
acts for the organisation: its dossiers are the organisation's (`acting_for`), and each act
names the person in the audit trail."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.errors import Forbidden, FormInvalid, NotFound, Unauthenticated
from engine.core.models import Account, Organisation, OrganisationMember
from engine.core.permissions import Kind, holds_roles, is_citizen
from engine.core.uow import UnitOfWork
from engine.identity.accounts import actor_of, hash_password
from engine.identity.passwords import problems as password_problems

TAX_CODE = re.compile(r"\d{10}(-\d{3})?")  # 10 digits; a branch adds -NNN
REPRESENTATIVE, AUTHORISED = "representative", "authorised"
ROLE_LABELS = {REPRESENTATIVE: "Người đại diện theo pháp luật", AUTHORISED: "Người được ủy quyền"}
REFUSED = "Thông tin tổ chức chưa hợp lệ."


def _person(actor: Actor) -> int:
    if actor.account_id is None:
        raise Unauthenticated("Cần đăng nhập.")
    if not is_citizen(actor):
        raise Forbidden("Chỉ công dân đăng nhập bằng tài khoản cá nhân được đăng ký, đại diện "
                        "cho tổ chức.")
    return actor.account_id


def register_organisation(
    uow: UnitOfWork, *, actor: Actor, tax_code: str, name: str, address: str, email: str,
    password: str,
) -> dict[str, Any]:
    """A citizen registers the organisation they represent by law: its account (the tax code
    as login, its own password) and the citizen as its legal representative. Commits."""
    person = _person(actor)
    tax_code, name, address, email = (tax_code.strip(), name.strip(), address.strip(),
                                      email.strip())
    found = []
    if not TAX_CODE.fullmatch(tax_code):
        found.append({"field": "tax_code", "message": "Mã số thuế gồm 10 chữ số (chi nhánh: "
                      "10 chữ số, gạch ngang, 3 chữ số)."})
    elif uow.session.scalar(select(Account.id).where(Account.username == tax_code)):
        found.append({"field": "tax_code", "message": f"Mã số thuế {tax_code} đã được đăng ký."})
    if not name or len(name) > 300:
        found.append({"field": "name", "message": "Cần nhập tên tổ chức (tối đa 300 ký tự)."})
    if len(address) > 300:
        found.append({"field": "address", "message": "Địa chỉ dài quá 300 ký tự."})
    if len(email) > 200 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        found.append({"field": "email", "message": "Thư điện tử không đúng dạng."})
    found += [{"field": "password", "message": m}
              for m in password_problems(password, username=tax_code)]
    if found:
        raise FormInvalid(REFUSED, found)
    now = uow.clock.now()
    account = Account(username=tax_code, password_hash=hash_password(password), full_name=name,
                      kind=Kind.CITIZEN, email=email, created_at=now)
    uow.session.add(account)
    uow.session.flush()
    organisation = Organisation(tax_code=tax_code, name=name, address=address,
                                account_id=account.id, created_at=now)
    uow.session.add(organisation)
    uow.session.flush()
    uow.session.add(OrganisationMember(organisation_id=organisation.id, account_id=person,
                                       role=REPRESENTATIVE, added_by_id=person, created_at=now))
    uow.audit("organisation.registered", actor_id=person, object_type="organisation",
              object_id=tax_code, summary={"name": name})
    uow.commit()
    return organisation_detail(uow, actor=actor, tax_code=tax_code)


def _organisation(uow: UnitOfWork, tax_code: str) -> Organisation:
    found = uow.session.scalar(select(Organisation).where(Organisation.tax_code == tax_code))
    if found is None:
        raise NotFound(f"Không có tổ chức mã số thuế {tax_code}.")
    return found


def _membership(uow: UnitOfWork, organisation: Organisation, actor: Actor
                ) -> OrganisationMember | None:
    """The actor's membership in force (None for the organisation's own login too)."""
    member = uow.session.scalar(select(OrganisationMember).where(
        OrganisationMember.organisation_id == organisation.id,
        OrganisationMember.account_id == actor.account_id))
    return member if member is not None and member.in_force(uow.clock.now()) else None


def _require_member(uow: UnitOfWork, actor: Actor, tax_code: str, *, manage: bool
                    ) -> Organisation:
    """The organisation, if the actor acts for it (its own login, or a member in force); to
    `manage` members: its own login or its legal representative. Strangers get NotFound:
    whether an organisation is registered is nobody else's business."""
    organisation = _organisation(uow, tax_code)
    if actor.account_id is not None and actor.account_id == organisation.account_id:
        return organisation
    member = _membership(uow, organisation, actor)
    if member is None:
        raise NotFound(f"Không có tổ chức mã số thuế {tax_code}.")
    if manage and member.role != REPRESENTATIVE:
        raise Forbidden("Chỉ người đại diện theo pháp luật quản lý người được ủy quyền.")
    return organisation


def add_member(
    uow: UnitOfWork, *, actor: Actor, tax_code: str, username: str, authorisation: str,
    valid_from: datetime | None = None, valid_until: datetime | None = None,
) -> dict[str, Any]:
    """Authorise a person (an existing citizen account) to act for the organisation, with the
    reference of the written authorisation (giấy ủy quyền) and its period. Commits."""
    organisation = _require_member(uow, actor, tax_code, manage=True)
    person = uow.session.scalar(select(Account).where(Account.username == username.strip()))
    found = []
    if person is None or holds_roles(person.kind) or uow.session.scalar(
            select(Organisation.id).where(Organisation.account_id == person.id)) is not None:
        found.append({"field": "username", "message": "Không có tài khoản cá nhân này."})
    if not authorisation.strip():
        found.append({"field": "authorisation",
                      "message": "Cần ghi số, ngày của giấy ủy quyền."})
    if valid_from and valid_until and valid_until <= valid_from:
        found.append({"field": "valid_until", "message": "Ngày hết hạn phải sau ngày bắt đầu."})
    for name, moment in (("valid_from", valid_from), ("valid_until", valid_until)):
        if moment is not None and not 2000 <= moment.year <= 2199:  # year 1 or 9999 overflows UTC
            found.append({"field": name, "message": "Ngày ủy quyền phải trong các năm 2000–2199."})
    if found:
        raise FormInvalid(REFUSED, found)
    assert person is not None
    member = uow.session.scalar(select(OrganisationMember).where(
        OrganisationMember.organisation_id == organisation.id,
        OrganisationMember.account_id == person.id))
    if member is None:
        member = OrganisationMember(organisation_id=organisation.id, account_id=person.id,
                                    role=AUTHORISED, created_at=uow.clock.now())
        uow.session.add(member)
    member.authorisation, member.valid_from, member.valid_until = (
        authorisation.strip()[:200], valid_from, valid_until)
    member.added_by_id = actor.account_id
    uow.audit("organisation.member_added", actor_id=actor.account_id, object_type="organisation",
              object_id=tax_code, summary={"member": person.username,
                                           "authorisation": member.authorisation})
    uow.commit()
    return organisation_detail(uow, actor=actor, tax_code=tax_code)


def remove_member(uow: UnitOfWork, *, actor: Actor, tax_code: str, username: str
                  ) -> dict[str, Any]:
    """End an authorisation at once (the legal representative stays). Commits."""
    organisation = _require_member(uow, actor, tax_code, manage=True)
    member = uow.session.scalar(select(OrganisationMember).join(
        Account, Account.id == OrganisationMember.account_id).where(
        OrganisationMember.organisation_id == organisation.id, Account.username == username,
        OrganisationMember.role == AUTHORISED))
    if member is None:
        raise NotFound(f"{username} không phải người được ủy quyền của tổ chức.")
    uow.session.delete(member)
    uow.audit("organisation.member_removed", actor_id=actor.account_id,
              object_type="organisation", object_id=tax_code, summary={"member": username})
    uow.commit()
    return organisation_detail(uow, actor=actor, tax_code=tax_code)


def organisation_detail(uow: UnitOfWork, *, actor: Actor, tax_code: str) -> dict[str, Any]:
    """The organisation and the people acting for it, for those who act for it."""
    organisation = _require_member(uow, actor, tax_code, manage=False)
    now = uow.clock.now()
    rows = uow.session.execute(select(OrganisationMember, Account.username, Account.full_name)
                               .join(Account, Account.id == OrganisationMember.account_id)
                               .where(OrganisationMember.organisation_id == organisation.id)
                               .order_by(OrganisationMember.role.desc(), Account.username)).all()
    return {"tax_code": organisation.tax_code, "name": organisation.name,
            "address": organisation.address,
            "members": [{"username": username, "full_name": full_name, "role": m.role,
                         "role_label": ROLE_LABELS.get(m.role, m.role),
                         "authorisation": m.authorisation, "valid_from": m.valid_from,
                         "valid_until": m.valid_until, "in_force": m.in_force(now)}
                        for m, username, full_name in rows]}


def my_organisations(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """The organisations the actor acts for now."""
    person = _person(actor)
    now = uow.clock.now()
    rows = uow.session.execute(select(Organisation, OrganisationMember)
                               .join(OrganisationMember,
                                     OrganisationMember.organisation_id == Organisation.id)
                               .where(OrganisationMember.account_id == person)
                               .order_by(Organisation.name)).all()
    return [{"tax_code": o.tax_code, "name": o.name, "role": m.role,
             "role_label": ROLE_LABELS.get(m.role, m.role), "valid_until": m.valid_until}
            for o, m in rows if m.in_force(now)]


def acting_for(uow: UnitOfWork, *, actor: Actor, tax_code: str) -> Actor:
    """The organisation's actor, for a member in force to act with (a dossier it submits is
    the organisation's); the person is named in the audit trail, in the caller's transaction
    (written when the act commits)."""
    _person(actor)
    organisation = _require_member(uow, actor, tax_code, manage=False)
    account = uow.session.get(Account, organisation.account_id)
    assert account is not None  # foreign key
    if not account.active or account.locked_at is not None:
        raise Forbidden("Tài khoản của tổ chức đang bị khóa hoặc đã đóng.")
    uow.audit("organisation.acted_for", actor_id=actor.account_id, object_type="organisation",
              object_id=tax_code, summary={"person": actor.account_id})
    return actor_of(account, uow.clock.now())
