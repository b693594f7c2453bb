"""The agencies' tree (province → departments and communes → units): create, edit, move
without cycles, close and reopen, and the public directory (Tuyên Quang seed, art. 4.1a:
address, phone, hotline of every agency).

Who may: administrators everywhere; a quản trị đơn vị within the subtree of its agency
(`engine.core.permissions.may_administer_agency`), never its own agency's place in the tree.
Every change is audited.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.errors import Conflict, Forbidden, FormInvalid, NotFound
from engine.core.models import Agency, Province
from engine.core.permissions import (
    is_administrator,
    may_administer_agency,
    may_open_agency_admin,
)
from engine.core.uow import UnitOfWork

KINDS = {"province": "UBND tỉnh", "department": "Sở, ban, ngành",
         "commune": "UBND xã, phường, đặc khu", "unit": "Phòng, đơn vị trực thuộc"}
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
PHONE = re.compile(r"[0-9+(][0-9 .()+-]{2,19}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
REFUSED = "Thông tin cơ quan chưa hợp lệ."


@dataclass(frozen=True)
class AgencyFields:
    """What an administrator writes about an agency (a form, an API body or a file row)."""

    code: str
    name: str
    kind: str = "unit"
    parent: str = ""  # the parent's code; empty for a top of the tree
    address: str = ""
    phone: str = ""
    email: str = ""
    hotline: str = ""
    province: str = ""  # the province whose working hours apply; empty: the parent's

    def cleaned(self) -> AgencyFields:
        """Every field stripped of surrounding blanks (no kind: a unit)."""
        values = {k: str(v or "").strip() for k, v in asdict(self).items()}
        return AgencyFields(**{**values, "kind": values["kind"] or "unit"})


def problems(fields: AgencyFields) -> list[dict[str, str]]:
    """Every field that is wrong, with its Vietnamese message (empty when all are fine)."""
    found: list[dict[str, str]] = []

    def bad(field: str, message: str) -> None:
        found.append({"field": field, "message": message})

    if not CODE.fullmatch(fields.code):
        bad("code", "Mã định danh phải có 1–40 ký tự: chữ, số, dấu chấm, gạch ngang.")
    if not fields.name:
        bad("name", "Cần nhập tên cơ quan.")
    elif len(fields.name) > 300:
        bad("name", "Tên cơ quan dài quá 300 ký tự.")
    if fields.kind not in KINDS:
        bad("kind", "Loại cơ quan phải là một trong: " + ", ".join(KINDS) + ".")
    if len(fields.address) > 300:
        bad("address", "Địa chỉ dài quá 300 ký tự.")
    for name, label in (("phone", "Số điện thoại"), ("hotline", "Đường dây nóng")):
        value = getattr(fields, name)
        if value and not PHONE.fullmatch(value):
            bad(name, f"{label} chỉ gồm chữ số, dấu cách, +, -, dấu chấm, ngoặc (3–20 ký tự).")
    if fields.email and (len(fields.email) > 200 or not EMAIL.fullmatch(fields.email)):
        bad("email", "Thư điện tử không đúng dạng ten@mien.vn.")
    if fields.kind == "province" and fields.parent:
        bad("parent", "UBND tỉnh là gốc của cây, không có cơ quan cấp trên.")
    return found


def lineage(uow: UnitOfWork, agency_id: int | None) -> list[int]:
    """The agency and every agency above it, nearest first (empty for None)."""
    parents = dict(uow.session.execute(select(Agency.id, Agency.parent_id)).all())
    return chain(parents, agency_id)


def chain(parents: dict[int, int | None], agency_id: int | None) -> list[int]:
    """`lineage` over a loaded id → parent map (cycle-proof: a loop stops the walk)."""
    found: list[int] = []
    while agency_id is not None and agency_id not in found:
        found.append(agency_id)
        agency_id = parents.get(agency_id)
    return found


def subtree(uow: UnitOfWork, agency_id: int) -> set[int]:
    """The agency and every agency below it."""
    parents = dict(uow.session.execute(select(Agency.id, Agency.parent_id)).all())
    return {a for a in parents if agency_id in chain(parents, a)}


def by_code(uow: UnitOfWork, code: str) -> Agency:
    """The agency with that unit code (`NotFound` otherwise)."""
    agency = uow.session.scalar(select(Agency).where(Agency.code == code.strip()))
    if agency is None:
        raise NotFound(f"Không có cơ quan mã {code}.")
    return agency


def gate(actor: Actor) -> None:
    """Refuse at once whoever administers no agency (before looking at what was sent)."""
    if not (is_administrator(actor) or may_open_agency_admin(actor)):
        raise Forbidden("Chỉ quản trị hệ thống hoặc quản trị đơn vị được quản lý cơ quan.")


def _require(uow: UnitOfWork, actor: Actor, agency_id: int | None, *, what: str) -> None:
    if agency_id is None:
        if not is_administrator(actor):
            raise Forbidden(f"Chỉ quản trị hệ thống được {what} ở gốc của cây cơ quan.")
        return
    if not may_administer_agency(actor, lineage(uow, agency_id)):
        raise Forbidden(f"Bạn không quản trị cơ quan này nên không được {what}.")


def _province_id(uow: UnitOfWork, fields: AgencyFields, parent: Agency | None) -> int | None:
    if fields.province:
        found = uow.session.scalar(select(Province.id).where(Province.name == fields.province))
        if found is None:
            raise FormInvalid(REFUSED, [{"field": "province",
                                         "message": f"Không có tỉnh «{fields.province}»."}])
        return found
    if parent is not None:
        return parent.province_id
    provinces = list(uow.session.scalars(select(Province.id)))
    if len(provinces) == 1:
        return provinces[0]
    raise FormInvalid(REFUSED, [{"field": "province", "message": "Cần chọn tỉnh."}])


def _parent(uow: UnitOfWork, code: str) -> Agency | None:
    if not code:
        return None
    parent = uow.session.scalar(select(Agency).where(Agency.code == code))
    if parent is None:
        raise FormInvalid(REFUSED, [{"field": "parent",
                                     "message": f"Không có cơ quan cấp trên mã {code}."}])
    if parent.closed_at is not None:
        raise FormInvalid(REFUSED, [{"field": "parent",
                                     "message": f"Cơ quan cấp trên {parent.name} đã đóng."}])
    return parent


def add_agency(uow: UnitOfWork, *, actor: Actor, fields: AgencyFields) -> dict[str, Any]:
    """`create_agency` without the commit (the seed and imports add several at once)."""
    gate(actor)
    fields = fields.cleaned()
    found = problems(fields)
    if found:
        raise FormInvalid(REFUSED, found)
    parent = _parent(uow, fields.parent)
    _require(uow, actor, parent.id if parent else None, what="thêm cơ quan")
    if uow.session.scalar(select(Agency.id).where(Agency.code == fields.code)) is not None:
        raise FormInvalid(REFUSED, [{"field": "code",
                                     "message": f"Mã định danh {fields.code} đã có."}])
    agency = Agency(code=fields.code, name=fields.name, kind=fields.kind,
                    parent_id=parent.id if parent else None,
                    province_id=_province_id(uow, fields, parent), address=fields.address,
                    phone=fields.phone, email=fields.email, hotline=fields.hotline)
    uow.session.add(agency)
    uow.session.flush()
    uow.audit("agency.created", actor_id=actor.account_id, object_type="agency",
              object_id=agency.code, summary=_shown(agency))
    return describe(uow, agency)


def create_agency(uow: UnitOfWork, *, actor: Actor, fields: AgencyFields) -> dict[str, Any]:
    """A new agency under `fields.parent` (administrators only at the top). Commits."""
    created = add_agency(uow, actor=actor, fields=fields)
    uow.commit()
    return created


def change_agency(
    uow: UnitOfWork, *, actor: Actor, code: str, fields: AgencyFields
) -> dict[str, Any]:
    """`edit_agency` without the commit."""
    gate(actor)
    agency = by_code(uow, code)
    fields = fields.cleaned()
    found = problems(fields)
    if found:
        raise FormInvalid(REFUSED, found)
    _require(uow, actor, agency.id, what="sửa cơ quan")
    if fields.code != agency.code:
        raise FormInvalid(REFUSED, [{"field": "code", "message":
                                     "Mã định danh không đổi được (đã có trong mã hồ sơ)."}])
    before = _shown(agency)
    parent = _parent(uow, fields.parent)
    if (parent.id if parent else None) != agency.parent_id:
        _move(uow, actor, agency, parent)
    agency.name, agency.kind, agency.address = fields.name, fields.kind, fields.address
    agency.phone, agency.email, agency.hotline = fields.phone, fields.email, fields.hotline
    if fields.province:
        agency.province_id = _province_id(uow, fields, parent)
    after = _shown(agency)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        uow.audit("agency.updated", actor_id=actor.account_id, object_type="agency",
                  object_id=agency.code, summary=changed)
    return describe(uow, agency)


def edit_agency(uow: UnitOfWork, *, actor: Actor, code: str, fields: AgencyFields) -> dict[str, Any]:
    """Change an agency's name, kind, contact details or parent (a move). Commits."""
    changed = change_agency(uow, actor=actor, code=code, fields=fields)
    uow.commit()
    return changed


def _move(uow: UnitOfWork, actor: Actor, agency: Agency, parent: Agency | None) -> None:
    """Hang `agency` under `parent`: whoever moves it administers its old place (its parent)
    and its new one; an agency never goes under itself or its own sub-units."""
    _require(uow, actor, agency.parent_id, what="chuyển cơ quan khỏi vị trí hiện tại")
    _require(uow, actor, parent.id if parent else None, what="chuyển cơ quan đến vị trí mới")
    if parent is not None and agency.id in lineage(uow, parent.id):
        raise FormInvalid(REFUSED, [{"field": "parent", "message":
                                     "Không thể chuyển cơ quan vào chính nó hoặc đơn vị cấp dưới của nó."}])
    if agency.kind == "province" and parent is not None:
        raise FormInvalid(REFUSED, [{"field": "parent",
                                     "message": "UBND tỉnh là gốc của cây, không có cơ quan cấp trên."}])
    agency.parent_id = parent.id if parent else None


def close_agency(uow: UnitOfWork, *, actor: Actor, code: str, reason: str) -> dict[str, Any]:
    """Close an agency (sáp nhập, giải thể): it takes no new dossier, its dossiers and
    history stay. Who administers its place above closes it; a quản trị đơn vị never closes
    its own agency. Commits."""
    gate(actor)
    agency = by_code(uow, code)
    _require(uow, actor, agency.parent_id, what="đóng cơ quan")
    reason = reason.strip()
    if not reason:
        raise FormInvalid("Cần ghi lý do đóng cơ quan.", [
            {"field": "reason", "message": "Cần ghi lý do (sáp nhập, giải thể…)."}])
    if agency.closed_at is not None:
        raise Conflict(f"{agency.name} đã đóng.")
    agency.closed_at, agency.closed_reason = uow.clock.now(), reason[:300]
    uow.audit("agency.closed", actor_id=actor.account_id, object_type="agency",
              object_id=agency.code, summary={"reason": agency.closed_reason})
    uow.commit()
    return describe(uow, agency)


def reopen_agency(uow: UnitOfWork, *, actor: Actor, code: str) -> dict[str, Any]:
    """Open a closed agency again (closed by mistake). Commits."""
    gate(actor)
    agency = by_code(uow, code)
    _require(uow, actor, agency.parent_id, what="mở lại cơ quan")
    if agency.closed_at is None:
        raise Conflict(f"{agency.name} đang hoạt động.")
    agency.closed_at, agency.closed_reason = None, ""
    uow.audit("agency.reopened", actor_id=actor.account_id, object_type="agency",
              object_id=agency.code)
    uow.commit()
    return describe(uow, agency)


def agency_detail(uow: UnitOfWork, *, actor: Actor, code: str) -> dict[str, Any]:
    """One agency for its edit page: who administers it, or the place above it."""
    gate(actor)
    agency = by_code(uow, code)
    _require(uow, actor, agency.id, what="xem cơ quan")
    detail = describe(uow, agency)
    place = lineage(uow, agency.parent_id)
    detail["may_close"] = is_administrator(actor) if not place else may_administer_agency(
        actor, place)
    return detail


def _shown(agency: Agency) -> dict[str, Any]:
    return {"name": agency.name, "kind": agency.kind, "parent_id": agency.parent_id,
            "address": agency.address, "phone": agency.phone, "email": agency.email,
            "hotline": agency.hotline, "province_id": agency.province_id}


def describe(uow: UnitOfWork, agency: Agency) -> dict[str, Any]:
    """An agency as the pages and the API show it."""
    parent = uow.session.get(Agency, agency.parent_id) if agency.parent_id else None
    province = uow.session.get(Province, agency.province_id) if agency.province_id else None
    return {"code": agency.code, "name": agency.name, "kind": agency.kind,
            "kind_label": KINDS.get(agency.kind, agency.kind),
            "parent": parent.code if parent else "", "parent_name": parent.name if parent else "",
            "province": province.name if province else "", "address": agency.address,
            "phone": agency.phone, "email": agency.email, "hotline": agency.hotline,
            "closed": agency.closed_at is not None, "closed_at": agency.closed_at,
            "closed_reason": agency.closed_reason}
