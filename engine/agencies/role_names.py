"""Roles by their names, never their codes: the built-in roles' labels, and the roles a
procedure declares for its lanes (`ho_tich`…) by the label its procedure.json gives them —
the published procedures first (the newest version wins), then any other version, so a role
an officer holds is named on the administrator's pages and offered in their forms."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.models import Procedure, ProcedureVersion, RoleGrant
from engine.core.permissions import (
    AGENCY_ADMIN,
    APPROVER,
    DESIGNER,
    DESK,
    LEADER,
    REVIEWER,
    SPECIALIST,
    UNIT_ADMIN,
    is_administrator,
)
from engine.core.uow import UnitOfWork
from engine.procedures.cache import loaded_version

WORK_ROLES = {DESK: "Bộ phận Một cửa", SPECIALIST: "Chuyên viên", LEADER: "Lãnh đạo"}
SETUP_ROLES = {DESIGNER: "Thiết kế quy trình", REVIEWER: "Xem xét quy trình",
               APPROVER: "Phê duyệt quy trình", AGENCY_ADMIN: "Cấu hình thủ tục của cơ quan",
               UNIT_ADMIN: "Quản trị đơn vị"}
ROLE_LABELS = {**WORK_ROLES, **SETUP_ROLES}
UNNAMED = "Vai trò chưa được thủ tục nào đặt tên (mã {code})"


@dataclass(frozen=True)
class RoleChoice:
    """A role an administrator may grant: its code (the form's value), its label and, for a
    procedure's own role, the procedures that use it."""

    code: str
    label: str
    procedures: tuple[str, ...] = ()


def _roles_of(manifest: Any) -> list[tuple[str, str]]:
    roles = manifest.get("roles") if isinstance(manifest, dict) else None
    return [(str(spec["role"]), str(spec.get("label") or "").strip())
            for spec in (roles.values() if isinstance(roles, dict) else [])
            if isinstance(spec, dict) and spec.get("role")]


def _published(uow: UnitOfWork) -> dict[str, tuple[str, list[str]]]:
    """role → (label, names of the published procedures using it), newest version first."""
    found: dict[str, tuple[str, list[str]]] = {}
    rows = uow.session.execute(
        select(ProcedureVersion.id, Procedure.name).join(Procedure)
        .where(ProcedureVersion.status == "published").order_by(ProcedureVersion.id.desc()))
    for version_id, name in rows:
        for role, label in _roles_of(loaded_version(uow, version_id).compiled.manifest):
            known = found.setdefault(role, (label, []))
            if not known[0] and label:
                found[role] = known = (label, known[1])
            if name not in known[1]:
                known[1].append(name)
    return found


def _from_other_versions(uow: UnitOfWork, wanted: set[str]) -> dict[str, str]:
    """Labels of roles no published procedure names, from the other versions' packages."""
    labels: dict[str, str] = {}
    for package in uow.session.scalars(
            select(ProcedureVersion.package).where(ProcedureVersion.status != "published")
            .order_by(ProcedureVersion.id.desc())):
        if not wanted - labels.keys():
            break
        try:
            manifest = json.loads((package or {}).get("procedure.json", "{}"))
        except (json.JSONDecodeError, AttributeError, TypeError):
            continue
        for role, label in _roles_of(manifest):
            if role in wanted and label:
                labels.setdefault(role, label)
    return labels


def role_names(uow: UnitOfWork) -> dict[str, str]:
    """code → label of every built-in role, every role of a published procedure and every
    role an officer holds: one no procedure names reads «Vai trò chưa được thủ tục nào đặt
    tên (mã …)»."""
    held = set(uow.session.scalars(select(RoleGrant.role).distinct()))
    names = {role: label for role, (label, _) in _published(uow).items() if label}
    names.update(ROLE_LABELS)  # a built-in role keeps its own name
    missing = {role for role in held if role not in names}
    if missing:
        names.update(_from_other_versions(uow, missing))
    for role in held - names.keys():
        names[role] = UNNAMED.format(code=role)
    return names


def role_choices(uow: UnitOfWork, *, actor: Actor) -> list[RoleChoice]:
    """The roles the actor may grant, by name: the work roles, then the procedures' own
    roles (by label, with the procedures using them), then the design and administration
    roles — «Quản trị đơn vị» to the province's administrators only."""
    published = _published(uow)
    own = sorted((RoleChoice(role, label or UNNAMED.format(code=role), tuple(names))
                  for role, (label, names) in published.items() if role not in ROLE_LABELS),
                 key=lambda c: c.label)
    setup = [RoleChoice(role, label) for role, label in SETUP_ROLES.items()
             if role != UNIT_ADMIN or is_administrator(actor)]
    return [RoleChoice(role, label) for role, label in WORK_ROLES.items()] + own + setup


@dataclass(frozen=True)
class LaneRole:
    """A role a procedure's lane names: its code, the platform's name for it (as the
    accounts page offers it: «Chuyên viên») and the procedure's own label for the lane
    («Chuyên viên phòng Kinh tế, Hạ tầng và Đô thị»)."""

    code: str
    name: str
    label: str


def lane_roles(uow: UnitOfWork, lanes: list[tuple[str, str]]) -> list[LaneRole]:
    """The procedure's lanes (role code, the procedure's label for it) with the platform's
    name of each role, as «Áp dụng cho cơ quan» lists the roles nobody holds at an agency.
    Named by the role's code, never by the label: two lanes may share a label."""
    names = role_names(uow)
    return [LaneRole(role, names.get(role, label), label) for role, label in lanes]
