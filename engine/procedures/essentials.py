"""What a reviewer approves, at the top of a version's page («Tóm tắt phiên bản»): the
procedure's name, code, agency, field and level, its time limit, its fees in words with
their amounts, its papers with their copies, its legal basis and its steps in the order a
dossier meets them with who does each; and which version of the procedure is in force
(«đang áp dụng») with the others to compare against, offered first — a procedure's first
version is compared with nothing («so với bản trống»: everything in it listed)."""

from __future__ import annotations

from collections import deque
from typing import Any

from sqlalchemy import select

from bpmn.diff_manifest import Context, fee_words
from bpmn.diff_tables import fee_tables
from bpmn.words import LEVELS
from engine.core.actors import Actor
from engine.core.models import ProcedureVersion
from engine.core.permissions import may_design
from engine.core.uow import UnitOfWork
from engine.procedures.cache import loaded_version
from engine.procedures.catalogue import VERSION_STATUS_LABELS, processing_time_label
from engine.procedures.in_force import effective_day, in_force_numbers, standing_label, upcoming
from engine.procedures.starter import json_object
from engine.procedures.versions import _visible, role_labels


def essentials(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str,
               number: int) -> dict[str, Any]:
    """The summary of version `number` and the versions to compare it with."""
    version = _visible(uow, actor, agency_code, code, number)
    compiled = loaded_version(uow, version.id).compiled
    manifest = compiled.manifest
    texts = dict(version.package or {})
    forms = {name.removeprefix("forms/"): json_object(text) for name, text in texts.items()
             if name.startswith("forms/") and name.endswith(".schema.json")}
    labels = role_labels(manifest)
    order = _flow_order(compiled.spec, list(compiled.tasks))
    return {
        "name": manifest.get("name", ""), "code": version.procedure.code,
        "agency": version.procedure.agency.name if version.procedure.agency else "",
        "field": manifest.get("field", ""), "level": LEVELS.get(str(manifest.get("level")), ""),
        "time": processing_time_label(manifest),
        "fees": fee_words(manifest.get("fees"), Context(manifest, forms, {}, fee_tables(texts), {})),
        "papers": [{"name": str(p.get("name") or ""), "originals": int(p.get("originals") or 0),
                    "copies": int(p.get("copies") or 0), "required": bool(p.get("required"))}
                   for p in manifest.get("components") or [] if isinstance(p, dict)],
        "legal_basis": [str(b) for b in manifest.get("legal_basis") or []],
        "steps": [{"name": compiled.tasks[t].name or t,
                   "who": labels.get(compiled.tasks[t].lane, compiled.tasks[t].lane)}
                  for t in order],
        **_compare_with(uow, actor, version),
    }


def _flow_order(spec: dict[str, Any], steps: list[str]) -> list[str]:
    """The officers' steps in the order the flow reaches them from the start (breadth
    first, the main path before the ways back); steps it never reaches last, as drawn."""
    specs = (spec.get("process") or {}).get("task_specs") or {}
    seen, found, todo = {"Start"}, [], deque(["Start"])
    while todo:
        here = todo.popleft()
        if here in steps:
            found.append(here)
        for after in (specs.get(here) or {}).get("outputs") or []:
            if after not in seen:
                seen.add(after)
                todo.append(after)
    return found + [s for s in steps if s not in found]


def _compare_with(uow: UnitOfWork, actor: Actor, version: ProcedureVersion) -> dict[str, Any]:
    """The version in force (`in_force.py`: its number, or None when it is this one or there
    is none), whether this one is in force or not yet («Có hiệu lực từ …»: `upcoming`), and
    the others to compare with, the one in force first; drafts only for the procedure's
    designers (a reviewer sees the versions that were sent for review or are published)."""
    rows = list(uow.session.scalars(
        select(ProcedureVersion)
        .where(ProcedureVersion.procedure_id == version.procedure_id,
               ProcedureVersion.status != "discarded",
               ProcedureVersion.number != version.number)
        .order_by(ProcedureVersion.number.desc())))
    designer = may_design(actor, version.procedure.agency_id)
    in_force = in_force_numbers(uow, {version.procedure_id}).get(version.procedure_id)
    now = uow.clock.now()
    others = [{"number": v.number, "label": standing_label(v, in_force, now, VERSION_STATUS_LABELS)}
              for v in rows if v.number != in_force and (
                  designer or v.status != "draft" or v.submitted_at is not None)]
    return {"in_force": None if in_force == version.number else in_force, "compare": others,
            "this_in_force": in_force == version.number,
            "upcoming": effective_day(version) if upcoming(version, now) else ""}
