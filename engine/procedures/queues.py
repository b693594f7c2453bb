"""Who sees which versions: the versions list of the agencies one configures, the review
queues — the versions waiting for a reviewer ("Chờ xem xét") or an approver ("Chờ phê
duyệt", then "Chờ công bố") — and the notice to the next person in line.

Four eyes (Tuyên Quang seed, art. 16) shapes both: a version is never in its author's
queue, nor in the approval queue of the person who reviewed it, and nobody is told to act
on a version they may not act on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, insert, or_, select

from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Forbidden
from engine.core.models import Account, Notification, Procedure, ProcedureVersion, RoleGrant
from engine.core.permissions import (
    APPROVER,
    REVIEWER,
    is_admin_account,
    process_agencies,
    queue_agencies,
)
from engine.core.uow import UnitOfWork
from engine.procedures.cache import loaded_version
from engine.procedures.catalogue import VERSION_STATUS_LABELS, version_summary
from engine.procedures.in_force import in_force_numbers, standing_label

__all__ = ["VERSION_STATUS_LABELS", "list_versions", "queue_counts", "review_queues", "tell_next"]

# Where the menu's «Chờ xem xét» / «Chờ phê duyệt» lead (`admin.queues_page`), told in a notice.
QUEUE_PATH = "/quan-tri/hang-cho"
WAITING = {"in_review": "Chờ xem xét", "reviewed": "Chờ phê duyệt", "approved": "Chờ công bố"}


def _not_mine(actor: Actor, *columns: Any) -> ColumnElement[bool]:
    """Rows none of `columns` (author, reviewer) names the actor in."""
    if actor.account_id is None:
        return and_(True)
    return and_(*[or_(column.is_(None), column != actor.account_id) for column in columns])


def _in(agencies: set[int] | None) -> ColumnElement[bool]:
    if agencies is None:
        return and_(True)
    return Procedure.agency_id.in_(agencies) if agencies else false()


def _conditions(actor: Actor) -> dict[str, ColumnElement[bool]]:
    """The review and approval queues as WHERE clauses over versions joined to procedures."""
    return {
        "review": and_(ProcedureVersion.status == "in_review",
                       _in(queue_agencies(actor, REVIEWER)),
                       _not_mine(actor, ProcedureVersion.created_by_id)),
        "approve": and_(ProcedureVersion.status.in_(("reviewed", "approved")),
                        _in(queue_agencies(actor, APPROVER)),
                        _not_mine(actor, ProcedureVersion.created_by_id,
                                  ProcedureVersion.reviewed_by_id)),
    }


def queue_counts(uow: UnitOfWork, *, actor: Actor) -> dict[str, int]:
    """How many versions wait for the actor: {"review": n, "approve": n} (for the menu)."""
    if actor.account_id is None or (not actor.grants and not is_admin_account(actor)):
        return {"review": 0, "approve": 0}
    counts = {}
    for name, where in _conditions(actor).items():
        counts[name] = uow.session.scalar(
            select(func.count()).select_from(ProcedureVersion).join(Procedure).where(where)) or 0
    return counts


def review_queues(uow: UnitOfWork, *, actor: Actor) -> dict[str, list[dict[str, Any]]]:
    """The versions waiting for the actor, oldest first: {"review": [...], "approve": [...]}."""
    queues: dict[str, list[dict[str, Any]]] = {}
    for name, where in _conditions(actor).items():
        rows = uow.session.scalars(select(ProcedureVersion).join(Procedure).where(where)
                                   .order_by(ProcedureVersion.submitted_at, ProcedureVersion.id))
        queues[name] = [{
            "agency": v.procedure.agency.code, "agency_name": v.procedure.agency.name,
            "code": v.procedure.code, "name": v.procedure.name, "number": v.number,
            "status": v.status, "waiting": WAITING[v.status],
            "since": local_iso(v.reviewed_at if v.status == "reviewed" else
                               v.approved_at if v.status == "approved" else v.submitted_at),
        } for v in rows]
    return queues


def _people(uow: UnitOfWork, agency_id: int, role: str, *, besides: set[int | None]) -> list[Account]:
    """The active accounts holding `role` in the agency today, but those in `besides`."""
    now = uow.clock.now()
    return list(uow.session.scalars(
        select(Account).join(RoleGrant, RoleGrant.account_id == Account.id)
        .where(RoleGrant.agency_id == agency_id, RoleGrant.role == role, Account.active,
               or_(RoleGrant.valid_from.is_(None), RoleGrant.valid_from <= now),
               or_(RoleGrant.valid_until.is_(None), RoleGrant.valid_until > now),
               Account.id.not_in({i for i in besides if i is not None} or {0}))
        .distinct().order_by(Account.id)))


def tell_next(uow: UnitOfWork, version: ProcedureVersion, action: str, decision: str = "",
              note: str = "") -> None:
    """Write the notice of a move to whoever acts next: the agency's reviewers after a
    submission, its approvers after an acceptance, the author after an approval, a
    publication or a sending back. An in-system notice, and an e-mail when they have an
    address; written in the move's transaction (the outbox delivers the e-mail)."""
    what = f"phiên bản {version.number} của thủ tục {version.procedure.code}"
    name = version.procedure.name
    agency_id = version.procedure.agency_id
    author = uow.session.get(Account, version.created_by_id) if version.created_by_id else None
    if action == "submit":
        people, subject = (_people(uow, agency_id, REVIEWER, besides={version.created_by_id}),
                           f"Chờ xem xét: {what}")
        body = (f"{name}: {what} đã được gửi xem xét. Mời anh/chị xem xét tại mục "
                f"«Chờ xem xét» trên menu: {QUEUE_PATH}#cho-xem-xet")
    elif action == "review" and decision == "accept":
        people = _people(uow, agency_id, APPROVER,
                         besides={version.created_by_id, version.reviewed_by_id})
        subject = f"Chờ phê duyệt: {what}"
        body = (f"{name}: {what} đã được xem xét, đồng ý. Mời anh/chị phê duyệt tại "
                f"mục «Chờ phê duyệt» trên menu: {QUEUE_PATH}#cho-phe-duyet")
    elif action in ("reject", "review"):
        people, subject = [author] if author else [], f"Bị trả lại: {what}"
        body = f"{name}: {what} bị trả lại để sửa. Lý do: {note.strip()[:1000]}"
    elif action in ("approve", "publish"):
        done = "được phê duyệt" if action == "approve" else "được công bố"
        people, subject = [author] if author else [], f"Đã {done.removeprefix('được ')}: {what}"
        body = f"{name}: {what} đã {done}."
    else:
        return
    now = uow.clock.now()
    rows: list[dict[str, Any]] = []
    for person in people:
        base = {"dossier_id": None, "account_id": person.id, "subject": subject[:300],
                "body": body, "created_at": now, "next_attempt_at": now, "attempts": 0,
                "last_error": ""}
        rows.append({**base, "channel": "web", "recipient": str(person.id), "sent_at": now})
        if person.email:
            rows.append({**base, "channel": "email", "recipient": person.email, "sent_at": None})
    if rows:
        uow.session.execute(insert(Notification), rows)


def list_versions(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """Every version of the procedures of the agencies the actor configures (newest first
    per procedure; `submitted`: ever sent for review; `in_force`: the one new dossiers run)."""
    query = select(ProcedureVersion).join(Procedure).where(
        ProcedureVersion.status != "discarded").order_by(
        Procedure.code, Procedure.agency_id, ProcedureVersion.number.desc()
    )
    if not is_admin_account(actor):
        agencies = process_agencies(actor)
        if not agencies:
            raise Forbidden("Bạn không có quyền cấu hình thủ tục.")
        query = query.where(Procedure.agency_id.in_(agencies))
    versions = list(uow.session.scalars(query))
    in_force = in_force_numbers(uow, {v.procedure_id for v in versions})
    now = uow.clock.now()
    return [
        {**version_summary(v, v.procedure), "name": loaded_version(uow, v.id).compiled.manifest["name"],
         "status_label": standing_label(v, in_force.get(v.procedure_id), now, VERSION_STATUS_LABELS),
         "in_force": in_force.get(v.procedure_id) == v.number,
         "agency_name": v.procedure.agency.name, "created_at": local_iso(v.created_at),
         "submitted": v.submitted_at is not None}
        for v in versions
    ]
