"""The citizen's drafts as «Hồ sơ của tôi» lists them, ready to go on, in a fixed number
of statements however many drafts there are (it used to look each draft's procedure up on
its own); and what a draft's form link says once its procedure's version is no longer in
force at its agency (`stale_draft`), with the day a version published to take effect later
applies (`upcoming_days`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import literal, or_, select, union_all

from engine.applicants.drafts import form_problems, my_drafts, open_draft
from engine.core.actors import Actor
from engine.core.errors import NotFound
from engine.core.models import Agency, Attachment, Draft, Procedure, ProcedureAgency, ProcedureVersion
from engine.core.uow import UnitOfWork
from engine.procedures.cache import LoadedVersion, loaded_version
from engine.procedures.in_force import effective_day, in_force_at, upcoming

# (procedure code, agency code) → (version in force there, the agency's name)
InForceMap = dict[tuple[str, str], tuple[int, str]]


def in_force_by_agency(uow: UnitOfWork, codes: Iterable[str]) -> InForceMap:
    """Where each of the procedure codes is received now, in one statement: its own
    agency's version in force, else the one applied at that agency (not stopped)."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    own = (select(Procedure.code, Agency.code.label("agency"), Agency.name,
                  ProcedureVersion.id.label("version"), literal(1).label("applied"))
           .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
           .join(Agency, Procedure.agency_id == Agency.id))
    applied = (select(Procedure.code, Agency.code.label("agency"), Agency.name,
                      ProcedureVersion.id.label("version"), literal(2).label("applied"))
               .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
               .join(ProcedureAgency, ProcedureAgency.procedure_id == Procedure.id)
               .join(Agency, ProcedureAgency.agency_id == Agency.id)
               .where(ProcedureAgency.stopped_at.is_(None)))
    now = uow.clock.now()
    rows = uow.session.execute(union_all(
        *(q.where(Procedure.code.in_(wanted), in_force_at(now)) for q in (own, applied))))
    found: InForceMap = {}
    for code, agency, name, version, _ in sorted(rows, key=lambda r: (r[4], r[1])):
        found.setdefault((code, agency), (version, name))
    return found


def upcoming_days(uow: UnitOfWork, code: str) -> list[dict[str, Any]]:
    """When and where the procedure `code` will be received by a version published to take
    effect later (`in_force.upcoming`), in one statement: each day (`day`,
    `in_force.effective_day`) with the agencies (its own, or one it is applied at, not
    stopped; `agencies`: code, name) where the first such version applies that day, by day."""
    now = uow.clock.now()
    applied = (select(ProcedureAgency.agency_id)
               .where(ProcedureAgency.procedure_id == Procedure.id,
                      ProcedureAgency.stopped_at.is_(None)))
    rows = uow.session.execute(
        select(ProcedureVersion, Agency.code, Agency.name)
        .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
        .join(Agency, or_(Agency.id == Procedure.agency_id, Agency.id.in_(applied)))
        .where(Procedure.code == code, ProcedureVersion.status == "published",
               ProcedureVersion.effective_from > now)
        .order_by(ProcedureVersion.effective_from, Agency.code))
    seen: set[str] = set()
    days: dict[str, list[dict[str, str]]] = {}
    for version, agency, name in rows:
        if upcoming(version, now) and agency not in seen:
            seen.add(agency)
            days.setdefault(effective_day(version), []).append({"code": agency, "name": name})
    return [{"day": day, "agencies": agencies} for day, agencies in days.items()]


def drafts_to_resume(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """`my_drafts`, each with `form` — the start form of the version in force at its
    agency (`code`, `agency`, `start_form`, `components`), None when it is no longer
    received there — and `problems`, what keeps it from being submitted on that form."""
    drafts = my_drafts(uow, actor=actor)
    if not drafts:
        return []
    in_force = in_force_by_agency(uow, (d["procedure"] for d in drafts))
    rows = uow.session.execute(select(Draft.key, Draft.data, Attachment.paper)
                               .outerjoin(Attachment, (Attachment.draft_id == Draft.id)
                                          & Attachment.replaced_at.is_(None))
                               .where(Draft.key.in_([d["key"] for d in drafts])))
    data: dict[str, dict[str, Any]] = {}
    attached: dict[str, set[str]] = {}
    for key, answers, paper in rows:
        data[key] = dict(answers or {})
        attached.setdefault(key, set()).update([paper] if paper else [])
    listed = []
    for draft in drafts:
        found = in_force.get((draft["procedure"], draft["agency"] or ""))
        if found is None:
            listed.append({**draft, "form": None, "problems": []})
            continue
        loaded = loaded_version(uow, found[0])
        listed.append({**draft, "form": _form_of(loaded, draft), "problems": form_problems(
            loaded, data.get(draft["key"], {}), attached.get(draft["key"], set()))})
    return listed


def _form_of(loaded: LoadedVersion, draft: dict[str, Any]) -> dict[str, Any]:
    compiled = loaded.compiled
    return {"code": draft["procedure"], "agency": {"code": draft["agency"]},
            "components": compiled.manifest.get("components", []),
            "start_form": {"schema": compiled.forms[compiled.start_form],
                           "ui": compiled.ui_for(compiled.start_form)}}


def stale_draft(uow: UnitOfWork, *, actor: Actor, key: str, procedure_code: str
                ) -> dict[str, Any] | None:
    """What a draft's form link says once its procedure is no longer received at its
    agency: the draft (`procedure`, `procedure_name`, `agency_name`, `updated_at`) and
    the agencies where the procedure is received now (`elsewhere`: code, name) and from
    which day a version published to take effect later will receive it where (`upcoming`). None
    when it is still received there; `NotFound`, saying nothing of it, for a draft the
    actor may not open, of another procedure, or gone."""
    draft = open_draft(uow, actor=actor, key=key, procedure_code=procedure_code)
    in_force = in_force_by_agency(uow, [procedure_code])
    if (procedure_code, draft.agency_code or "") in in_force:
        return None
    mine = next((d for d in my_drafts(uow, actor=actor) if d["key"] == key), None)
    name = uow.session.scalar(select(Procedure.name).where(Procedure.code == procedure_code)
                              .order_by(Procedure.id).limit(1))
    agency = uow.session.scalar(select(Agency.name).where(Agency.code == draft.agency_code))
    if name is None:  # cannot happen for a draft that was saved: its procedure existed
        raise NotFound("Không tìm thấy bản nháp (đường dẫn sai hoặc bản nháp của người khác).")
    return {"procedure": procedure_code, "procedure_name": mine["procedure_name"] if mine else name,
            "agency_name": agency or "", "updated_at": draft.updated_at, "listed": mine is not None,
            "elsewhere": [{"code": a, "name": n} for (_, a), (_, n) in sorted(in_force.items())],
            "upcoming": upcoming_days(uow, procedure_code)}
