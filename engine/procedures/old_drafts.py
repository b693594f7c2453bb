"""Drafts that pile up: every save makes a draft version, so a procedure may hold drafts
1–6 of which only the newest matters. A draft is superseded when the procedure has a newer
draft and it was never submitted for review (one sent back keeps its reviewer's note). The
versions list groups them under the newest draft (`group_drafts`); «Bỏ N bản nháp cũ»
discards them all at once, each audited like a single discard (`discard_superseded`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.errors import Forbidden, NotFound
from engine.core.models import Agency, Procedure, ProcedureVersion
from engine.core.permissions import may_design
from engine.core.uow import UnitOfWork
from engine.procedures.queues import list_versions
from engine.procedures.versions import discard_one


def superseded(versions: list[tuple[int, str, bool]]) -> list[int]:
    """Of one procedure's versions (number, status, ever submitted), the numbers of the
    drafts older than its newest draft and never submitted, oldest first."""
    drafts = [number for number, status, _ in versions if status == "draft"]
    if len(drafts) < 2:
        return []
    newest = max(drafts)
    return sorted(number for number, status, submitted in versions
                  if status == "draft" and not submitted and number < newest)


def group_drafts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The versions list's rows (code, agency, number, status, submitted) with each
    superseded draft marked `superseded` and its procedure's newest draft holding their
    numbers (`older_drafts`)."""
    by_procedure: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_procedure[(row["agency"], row["code"])].append(row)
    for group in by_procedure.values():
        old = superseded([(r["number"], r["status"], r["submitted"]) for r in group])
        newest = max((r["number"] for r in group if r["status"] == "draft"), default=None)
        for row in group:
            row["superseded"] = row["number"] in old
            row["older_drafts"] = old if row["number"] == newest else []
    return rows


def versions_list(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """`list_versions` with the superseded drafts grouped (`group_drafts`)."""
    return group_drafts(list_versions(uow, actor=actor))


def discard_superseded(uow: UnitOfWork, *, actor: Actor, agency_code: str,
                       code: str) -> list[int]:
    """Discard the procedure's superseded drafts (each audited as `procedure.discard`);
    only its agency's designers. Returns their numbers."""
    procedure = uow.session.scalar(select(Procedure).join(Agency).where(
        Agency.code == agency_code, Procedure.code == code))
    if procedure is None:
        raise NotFound(f"Không có thủ tục {code}.")
    if not may_design(actor, procedure.agency_id):
        raise Forbidden("Chỉ người thiết kế quy trình của cơ quan được bỏ bản nháp.")
    versions = list(uow.session.scalars(select(ProcedureVersion).where(
        ProcedureVersion.procedure_id == procedure.id)))
    old = set(superseded([(v.number, v.status, v.submitted_at is not None) for v in versions]))
    for version in sorted(versions, key=lambda v: v.number):
        if version.number in old:
            discard_one(uow, actor, version)
    uow.commit()
    return sorted(old)
