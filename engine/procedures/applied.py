"""«Áp dụng cho cơ quan»: a procedure's published version applies at other agencies too.

Every commune carries out the same national procedure (same code): the procedure stays
designed, reviewed and published at its own agency (`procedures.agency_id`), and a row of
`procedure_agencies` makes its version in force apply at another agency as well — same
diagram and forms; the dossier belongs to that agency, so its officers holding the lanes'
roles get the tasks. «Ngừng áp dụng» stops new dossiers there; those already there go on.

Who may: whoever may design procedures both at the procedure's agency and at the target
(its designers and agency administrators, the province's administrators).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.errors import Conflict, Forbidden, Invalid, NotFound
from engine.core.models import Agency, Procedure, ProcedureAgency, ProcedureVersion, RoleGrant
from engine.core.permissions import may_design
from engine.core.uow import UnitOfWork
from engine.procedures.cache import loaded_version
from engine.procedures.in_force import effective_day, in_force_numbers, upcoming

KIND_LABELS = {"province": "Cấp tỉnh", "department": "Sở, ban, ngành",
               "commune": "Cấp xã (UBND xã, phường)", "unit": "Đơn vị khác"}
KIND_ORDER = ("commune", "department", "province", "unit")


def applied_agencies(uow: UnitOfWork, procedure_ids: set[int]) -> dict[int, list[Agency]]:
    """procedure id → the other agencies where it applies now (not stopped), by code."""
    if not procedure_ids:
        return {}
    rows = uow.session.execute(
        select(ProcedureAgency.procedure_id, Agency)
        .join(Agency, ProcedureAgency.agency_id == Agency.id)
        .where(ProcedureAgency.procedure_id.in_(procedure_ids),
               ProcedureAgency.stopped_at.is_(None))
        .order_by(Agency.code))
    found: dict[int, list[Agency]] = {}
    for procedure_id, agency in rows:
        found.setdefault(procedure_id, []).append(agency)
    return found


def offered(uow: UnitOfWork, versions: list[ProcedureVersion]
            ) -> list[tuple[ProcedureVersion, Agency]]:
    """Each version in force with each agency it applies at: its own, then the others."""
    others = applied_agencies(uow, {v.procedure_id for v in versions})
    return [(v, agency) for v in versions
            for agency in [v.procedure.agency, *others.get(v.procedure_id, [])]]


def _procedure(uow: UnitOfWork, agency_code: str, code: str) -> Procedure:
    procedure = uow.session.scalar(select(Procedure).join(Agency, Procedure.agency_id == Agency.id)
                                   .where(Agency.code == agency_code, Procedure.code == code))
    if procedure is None:
        raise NotFound(f"Không có thủ tục mã {code} của cơ quan mã {agency_code}.")
    return procedure


def _in_force(uow: UnitOfWork, procedure: Procedure) -> dict[str, Any]:
    """Whether the procedure has a version in force (`in_force.py`) and, if not, the day
    its next published version takes effect («Có hiệu lực từ dd/mm/yyyy»), or ""."""
    if procedure.id in in_force_numbers(uow, {procedure.id}):
        return {"in_force": True, "upcoming": ""}
    waiting = uow.session.scalar(
        select(ProcedureVersion).where(ProcedureVersion.procedure_id == procedure.id,
                                       ProcedureVersion.status == "published")
        .order_by(ProcedureVersion.effective_from).limit(1))
    return {"in_force": False, "upcoming": effective_day(waiting) if waiting else ""}


def _with_own_versions(uow: UnitOfWork, code: str) -> set[int]:
    """The agencies with a procedure of that code of their own that has versions (one from
    the national catalogue still awaiting a process may take another's instead)."""
    return set(uow.session.scalars(
        select(Procedure.agency_id).join(ProcedureVersion).where(Procedure.code == code)))


def applied_pairs(uow: UnitOfWork, procedure_ids: set[int]) -> set[tuple[str, int]]:
    """(code, agency id) where these procedures apply besides their own agency."""
    return {(p.code, a.id) for p_id, agencies in applied_agencies(uow, procedure_ids).items()
            for p in [uow.session.get_one(Procedure, p_id)] for a in agencies}


def _lane_roles(uow: UnitOfWork, procedure: Procedure) -> dict[str, str]:
    """role → label of the lanes worked in the agency itself (not those handed to a named
    agency: liên thông) by the versions new dossiers run: the one in force and those
    published to take effect later; the newest version only while none is published (a
    draft's lanes change nothing until it is published)."""
    now = uow.clock.now()
    published = list(uow.session.scalars(select(ProcedureVersion).where(
        ProcedureVersion.procedure_id == procedure.id, ProcedureVersion.status == "published")
        .order_by(ProcedureVersion.effective_from, ProcedureVersion.number)))
    current = in_force_numbers(uow, {procedure.id}).get(procedure.id)
    wanted = [v.id for v in published if v.number == current or upcoming(v, now)]
    if not wanted:
        newest = uow.session.scalar(select(ProcedureVersion.id).where(
            ProcedureVersion.procedure_id == procedure.id)
            .order_by(ProcedureVersion.number.desc()).limit(1))
        wanted = [newest] if newest is not None else []
    lanes: dict[str, str] = {}
    for version_id in wanted:  # the version in force names a role first
        for spec in loaded_version(uow, version_id).compiled.manifest.get("roles", {}).values():
            if isinstance(spec, dict) and spec.get("role") and not spec.get("agency"):
                lanes.setdefault(str(spec["role"]), str(spec.get("label") or spec["role"]))
    return lanes


def agencies_page(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str
                  ) -> dict[str, Any]:
    """The procedure, whether it has a version in force (or from when), and every agency grouped by
    kind: where it applies (own, applied, stopped) and whether the actor may change it."""
    procedure = _procedure(uow, agency_code, code)
    if not may_design(actor, procedure.agency_id):
        raise Forbidden("Bạn không có quyền quản lý thủ tục của cơ quan này.")
    rows = {r.agency_id: r for r in uow.session.scalars(
        select(ProcedureAgency).where(ProcedureAgency.procedure_id == procedure.id))}
    own_code = _with_own_versions(uow, code)
    lanes = _lane_roles(uow, procedure)
    held = {(g.agency_id, g.role) for g in uow.session.scalars(
        select(RoleGrant).where(RoleGrant.role.in_(lanes)))}
    groups: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KIND_ORDER}
    for agency in uow.session.scalars(select(Agency).order_by(Agency.name)):
        row = rows.get(agency.id)
        state = ("own" if agency.id == procedure.agency_id else "has_own" if agency.id in own_code
                 else "none" if row is None else "stopped" if row.stopped_at else "applied")
        groups.setdefault(agency.kind, []).append({
            "code": agency.code, "name": agency.name, "state": state,
            "closed": agency.closed_at is not None,
            "unstaffed": [{"role": role, "label": label}  # the code too: labels may repeat
                          for role, label in sorted(lanes.items(), key=lambda rl: (rl[1], rl[0]))
                          if (agency.id, role) not in held],
            "may_change": state in ("none", "stopped", "applied")
            and may_design(actor, agency.id)})
    return {"code": procedure.code, "name": procedure.name,
            "agency": {"code": procedure.agency.code, "name": procedure.agency.name},
            **_in_force(uow, procedure),
            "groups": [{"kind": k, "label": KIND_LABELS.get(k, k), "agencies": groups[k]}
                       for k in groups if groups[k]]}


def _target(uow: UnitOfWork, actor: Actor, procedure: Procedure, target_code: str) -> Agency:
    agency = uow.session.scalar(select(Agency).where(Agency.code == target_code))
    if agency is None:
        raise NotFound(f"Không có cơ quan mã {target_code}.")
    if agency.id == procedure.agency_id:
        raise Invalid(f"Thủ tục vốn do {agency.name} thực hiện.")
    if not may_design(actor, agency.id):
        raise Forbidden(f"Bạn không có quyền áp dụng thủ tục cho {agency.name}.")
    return agency


def apply_procedure(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
                    targets: list[str]) -> list[str]:
    """Make the procedure's version in force apply at each target agency (again, if it
    had stopped) — one not yet published there from its publication on; the names of the
    agencies it now applies at. Audited per agency; committed here."""
    procedure = _procedure(uow, agency_code, code)
    if not may_design(actor, procedure.agency_id):
        raise Forbidden("Bạn không có quyền quản lý thủ tục của cơ quan này.")
    if not targets:
        raise Invalid("Hãy chọn ít nhất một cơ quan.")
    names = []
    for target_code in dict.fromkeys(targets):
        agency = _target(uow, actor, procedure, target_code)
        if agency.id in _with_own_versions(uow, code):
            raise Conflict(f"{agency.name} đã có thủ tục riêng mã {code}.")
        row = uow.session.scalar(select(ProcedureAgency).where(
            ProcedureAgency.procedure_id == procedure.id, ProcedureAgency.agency_id == agency.id))
        if row is None:
            uow.session.add(ProcedureAgency(procedure_id=procedure.id, agency_id=agency.id,
                                            applied_by_id=actor.account_id,
                                            applied_at=uow.clock.now()))
        elif row.stopped_at is None:
            continue
        else:
            row.stopped_at, row.applied_at = None, uow.clock.now()
            row.applied_by_id = actor.account_id
        uow.audit("procedure.apply", actor_id=actor.account_id, object_type="procedure",
                  object_id=f"{agency_code}/{code}", summary={"agency": agency.code})
        names.append(agency.name)
    uow.commit()
    return names


def stop_procedure(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
                   target: str) -> str:
    """«Ngừng áp dụng» at one agency: no new dossier there; the name of the agency."""
    procedure = _procedure(uow, agency_code, code)
    if not may_design(actor, procedure.agency_id):
        raise Forbidden("Bạn không có quyền quản lý thủ tục của cơ quan này.")
    agency = _target(uow, actor, procedure, target)
    row = uow.session.scalar(select(ProcedureAgency).where(
        ProcedureAgency.procedure_id == procedure.id, ProcedureAgency.agency_id == agency.id,
        ProcedureAgency.stopped_at.is_(None)))
    if row is None:
        raise Conflict(f"Thủ tục không đang áp dụng tại {agency.name}.")
    row.stopped_at = uow.clock.now()
    uow.audit("procedure.stop_applying", actor_id=actor.account_id, object_type="procedure",
              object_id=f"{agency_code}/{code}", summary={"agency": agency.code})
    uow.commit()
    return agency.name
