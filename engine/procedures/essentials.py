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
    """The version in force (its number, or None), and the others to compare with: the one
    in force first; drafts only for the procedure's designers (a reviewer sees the versions
    that were sent for review or are in force)."""
    rows = list(uow.session.execute(
        select(ProcedureVersion.number, ProcedureVersion.status, ProcedureVersion.submitted_at)
        .where(ProcedureVersion.procedure_id == version.procedure_id,
               ProcedureVersion.status != "discarded",
               ProcedureVersion.number != version.number)
        .order_by(ProcedureVersion.number.desc())))
    designer = may_design(actor, version.procedure.agency_id)
    in_force = next((n for n, status, _ in rows if status == "published"), None)
    others = [{"number": n, "label": VERSION_STATUS_LABELS.get(status, status)}
              for n, status, sent in rows if n != in_force and (
                  designer or status != "draft" or sent is not None)]
    return {"in_force": in_force, "compare": others,
            "this_in_force": version.status == "published"}
