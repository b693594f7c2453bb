"""The officer's inbox: a query on the task table, with filters, counts and search.

Scope: open tasks of the roles the officer holds in each agency, plus those assigned to
them. Filters narrow it (procedure, step, dossier status, due soon, overdue, channel,
mine/unassigned, dossier code or applicant name); counts are given for the quick
filters over the whole scope. Indexes: `ix_tasks_inbox` (agency, state, role, due) and
`ix_tasks_assignee` (assignee, state, due).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import contains_eager

from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Forbidden
from engine.core.models import Dossier, Procedure, ProcedureVersion, Task
from engine.core.permissions import is_officer
from engine.core.text import fold
from engine.core.uow import UnitOfWork
from engine.dossiers.submit import task_view
from engine.legal_clock.calendars import calendar_for, default_calendar
from engine.legal_clock.lateness import urgency

INBOX_LIMIT = 200
URGENCIES = ("overdue", "due_soon")
ASSIGNED = ("me", "unassigned")


@dataclass(frozen=True)
class InboxFilter:
    """What the officer narrowed the inbox to (None: no narrowing)."""

    role: str | None = None
    procedure: str | None = None
    step: str | None = None
    status: int | None = None
    urgency: str | None = None
    channel: str | None = None
    assigned: str | None = None
    search: str | None = None
    limit: int = 50
    offset: int = 0


def _scope(actor: Actor, role: str | None) -> ColumnElement[bool]:
    by_role = [and_(Task.agency_id == agency, Task.role == grant_role)
               for agency, grant_role in sorted(actor.grants)
               if role is None or grant_role == role]
    mine = Task.assignee_id == actor.account_id
    return or_(*by_role, mine) if by_role else mine


def _soon(uow: UnitOfWork, actor: Actor, now: datetime) -> datetime:
    agencies = sorted(actor.agencies())
    calendar = calendar_for(uow, agencies[0]) if agencies else default_calendar(uow)
    return calendar.add(now, calendar.day_length)


def inbox(uow: UnitOfWork, *, actor: Actor, filters: InboxFilter = InboxFilter()) -> dict[str, Any]:
    """One page of the inbox, soonest due first, with the total and the quick-filter counts."""
    if not is_officer(actor):
        raise Forbidden("Hộp công việc dành cho cán bộ.")
    now = uow.clock.now()
    soon = _soon(uow, actor, now)
    scope = [Task.state == "open", _scope(actor, filters.role)]
    conditions = [*scope, *_narrowing(filters, actor, now, soon)]
    query = (
        select(Task).join(Task.dossier).options(contains_eager(Task.dossier))
        .where(*conditions)
        .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
        .limit(max(1, min(filters.limit, INBOX_LIMIT))).offset(max(0, filters.offset))
    )
    if filters.procedure:
        query = query.join(ProcedureVersion, Dossier.version_id == ProcedureVersion.id).join(
            Procedure, ProcedureVersion.procedure_id == Procedure.id)
    rows = list(uow.session.scalars(query).unique())
    names = _procedure_names(uow, {t.dossier.version_id for t in rows})
    calendars = {agency: calendar_for(uow, agency) for agency in {t.agency_id for t in rows}}
    tasks = [
        {**task_view(t), "applicant": t.dossier.applicant_name,
         "procedure_name": names.get(t.dossier.version_id, ""),
         "dossier_status": t.dossier.status, "channel": t.dossier.channel,
         "dossier_due_at": local_iso(t.dossier.due_at),
         "urgency": urgency(calendars[t.agency_id], now, t.due_at),
         "overdue": t.due_at is not None and t.due_at < now}
        for t in rows
    ]
    return {"tasks": tasks, "total": _total(uow, conditions, filters),
            "counts": _counts(uow, scope, actor, now, soon)}


def _narrowing(filters: InboxFilter, actor: Actor, now: datetime, soon: datetime) -> list[Any]:
    found: list[Any] = []
    if filters.step:
        found.append(Task.bpmn_id == filters.step)
    if filters.status is not None:
        found.append(Dossier.status == filters.status)
    if filters.channel:
        found.append(Dossier.channel == filters.channel)
    if filters.urgency == "overdue":
        found.append(Task.due_at < now)
    elif filters.urgency == "due_soon":
        found.extend([Task.due_at >= now, Task.due_at <= soon])
    if filters.assigned == "me":
        found.append(Task.assignee_id == actor.account_id)
    elif filters.assigned == "unassigned":
        found.append(Task.assignee_id.is_(None))
    if filters.procedure:
        found.append(Procedure.code == filters.procedure)
    if filters.search and filters.search.strip():
        needle = filters.search.strip()
        found.append(or_(Dossier.code == needle,
                         Dossier.applicant_search.contains(fold(needle), autoescape=True)))
    return found


def _total(uow: UnitOfWork, conditions: list[Any], filters: InboxFilter) -> int:
    query = select(func.count()).select_from(Task)
    if filters.status is not None or filters.channel or filters.search or filters.procedure:
        query = query.join(Task.dossier)  # only when a filter reads the dossier
    query = query.where(*conditions)
    if filters.procedure:
        query = query.join(ProcedureVersion, Dossier.version_id == ProcedureVersion.id).join(
            Procedure, ProcedureVersion.procedure_id == Procedure.id)
    return int(uow.session.scalar(query) or 0)


def _counts(
    uow: UnitOfWork, scope: list[Any], actor: Actor, now: datetime, soon: datetime
) -> dict[str, Any]:
    """How many tasks each quick filter would show, over the whole scope."""
    def count_if(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = uow.session.execute(
        select(func.count(),
               count_if(Task.due_at < now),
               count_if(and_(Task.due_at >= now, Task.due_at <= soon)),
               count_if(Task.assignee_id == actor.account_id),
               count_if(Task.assignee_id.is_(None)))
        .select_from(Task).where(*scope)
    ).one()
    by_step = uow.session.execute(
        select(Task.bpmn_id, Task.name, func.count()).where(*scope)
        .group_by(Task.bpmn_id, Task.name).order_by(Task.name)).all()
    return {
        "all": int(row[0]), "overdue": int(row[1]), "due_soon": int(row[2]),
        "mine": int(row[3]), "unassigned": int(row[4]),
        "steps": [{"step": s, "name": n, "count": int(c)} for s, n, c in by_step],
    }


def _procedure_names(uow: UnitOfWork, version_ids: set[int]) -> dict[int, str]:
    if not version_ids:
        return {}
    rows = uow.session.execute(
        select(ProcedureVersion.id, Procedure.name)
        .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
        .where(ProcedureVersion.id.in_(version_ids)))
    return {int(version_id): str(name) for version_id, name in rows}
