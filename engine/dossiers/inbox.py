"""The officer's inbox: a query on the task table, with filters, counts and search.

Scope: open tasks of the roles the officer holds in each agency, plus those assigned to
them; a leader's «Việc của đơn vị» (`view="team"`) is every open task of the agencies
they lead, whoever holds it, with the officers each step may be given to. Filters narrow
it (procedure, step, dossier status, due soon, overdue, channel, mine/unassigned, one
officer's, dossier code or applicant name); counts are given for the quick filters over
the whole scope. Indexes: `ix_tasks_inbox` (agency, state, role, due) and
`ix_tasks_assignee` (assignee, state, due).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import contains_eager

from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Forbidden
from engine.core.models import Account, Dossier, Procedure, ProcedureVersion, Task
from engine.core.permissions import is_officer, led_agencies
from engine.core.text import fold
from engine.core.uow import UnitOfWork
from engine.dossiers.submit import task_view
from engine.dossiers.team import assignable_officers
from engine.legal_clock.calendar import BusinessCalendar
from engine.legal_clock.calendars import calendar_for, default_calendar
from engine.legal_clock.lateness import urgency
from engine.records import unread_notices

INBOX_LIMIT = 200
URGENCIES = ("overdue", "due_soon")
ASSIGNED = ("me", "unassigned")
VIEWS = ("team",)


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
    view: str | None = None
    assignee: int | None = None
    limit: int = 50
    offset: int = 0


def _scope(actor: Actor, role: str | None, view: str | None) -> ColumnElement[bool]:
    if view == "team":
        led = sorted(led_agencies(actor))
        if not led:
            raise Forbidden("«Việc của đơn vị» dành cho lãnh đạo cơ quan.")
        team = Task.agency_id.in_(led)
        return and_(team, Task.role == role) if role else team
    by_role = [and_(Task.agency_id == agency, Task.role == grant_role)
               for agency, grant_role in sorted(actor.grants)
               if role is None or grant_role == role]
    mine = Task.assignee_id == actor.account_id
    return or_(*by_role, mine) if by_role else mine


def _soon(calendar: BusinessCalendar, now: datetime) -> datetime:
    return calendar.add(now, calendar.day_length)


def _due_soon(
    uow: UnitOfWork, scope: list[Any], now: datetime, calendar: BusinessCalendar,
    calendar_of: Any,
) -> ColumnElement[bool]:
    """The tasks `lateness.urgency` calls due soon, as a condition: due within one working
    day, and either opened three or more working days ago (a quarter of their time is then
    more than the day) or, for the few shorter steps, checked one by one here."""
    window = and_(Task.due_at >= now, Task.due_at <= _soon(calendar, now))
    settled = calendar.subtract(now, 3 * calendar.day_length)
    recent = uow.session.execute(
        select(Task.id, Task.agency_id, Task.created_at, Task.due_at)
        .where(*scope, window, Task.created_at > settled)).all()
    short = [task_id for task_id, agency, created, due in recent
             if urgency(calendar_of(agency), now, due, created) == "due_soon"]
    return and_(window, or_(Task.created_at <= settled, Task.id.in_(short)))


def inbox(uow: UnitOfWork, *, actor: Actor, filters: InboxFilter = InboxFilter(),
          notices: bool = False) -> dict[str, Any]:
    """One page of the inbox, soonest due first, with the total and the quick-filter counts;
    with `notices`, the officer's unread in-system notices («Bạn được giao: …») and their
    count, left unread (read when opened, or marked: `engine.records.officer_notices`).

    Four statements: the calendar's version check, the page (its task ids chosen from the
    task table alone inside a subquery, then the rows with their dossiers and procedure
    names), the counts by step in one pass, and the total only when a filter narrows."""
    if not is_officer(actor):
        raise Forbidden("Hộp công việc dành cho cán bộ.")
    now = uow.clock.now()
    calendars: dict[int | None, BusinessCalendar] = {}

    def calendar(agency: int | None) -> BusinessCalendar:
        if agency not in calendars:
            calendars[agency] = (default_calendar(uow) if agency is None
                                 else calendar_for(uow, agency))
        return calendars[agency]

    scope = [Task.state == "open", _scope(actor, filters.role, filters.view)]
    soon = _due_soon(uow, scope, now, calendar(min(actor.agencies(), default=None)), calendar)
    narrowing = _narrowing(filters, actor, now, soon)
    conditions = [*scope, *narrowing]
    tasks = [
        {**task_view(t), "applicant": t.dossier.applicant_name, "procedure_name": name,
         "assignee_name": holder or "",
         "dossier_status": t.dossier.status, "channel": t.dossier.channel,
         "dossier_due_at": local_iso(t.dossier.due_at),
         "urgency": urgency(calendar(t.agency_id), now, t.due_at, t.created_at),
         "overdue": t.due_at is not None and t.due_at < now}
        for t, name, holder in _page(uow, conditions, filters)
    ]
    counts = _counts(uow, scope, actor, now, soon)
    total = _total(uow, conditions, filters) if narrowing else counts["all"]
    page = {"tasks": tasks, "total": total, "counts": counts,
            "team": bool(led_agencies(actor))}
    if notices and actor.account_id is not None:  # shown until read: nothing marked here
        page["notices"] = unread_notices(uow.connection, actor.account_id)
    if filters.view == "team":
        page["officers"] = assignable_officers(uow, uow.session.execute(
            select(Task.agency_id, Task.role, Task.name).where(*scope).distinct()).all())
    return page


def _reads_dossier(filters: InboxFilter) -> bool:
    return bool(filters.status is not None or filters.channel or filters.search
                or filters.procedure)


def _page(
    uow: UnitOfWork, conditions: list[Any], filters: InboxFilter
) -> list[tuple[Task, str, str | None]]:
    """The page's tasks with their dossiers, procedure names and holders, in one statement: the ids
    are chosen in a subquery on the task table alone when no filter reads the dossier (a
    bitmap scan of the scope and a top-N sort; joined, PostgreSQL chose a parallel scan
    of every task), then sorted here again (IN keeps no order)."""
    chosen = select(Task.id).where(*conditions)
    if _reads_dossier(filters):
        chosen = chosen.join(Task.dossier)
    if filters.procedure:
        chosen = chosen.join(ProcedureVersion, Dossier.version_id == ProcedureVersion.id).join(
            Procedure, ProcedureVersion.procedure_id == Procedure.id)
    chosen = (chosen.order_by(Task.due_at.is_(None), Task.due_at, Task.id)
              .limit(max(1, min(filters.limit, INBOX_LIMIT))).offset(max(0, filters.offset)))
    rows = uow.session.execute(
        select(Task, Procedure.name, Account.full_name).join(Task.dossier)
        .options(contains_eager(Task.dossier))
        .join(ProcedureVersion, Dossier.version_id == ProcedureVersion.id)
        .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
        .outerjoin(Account, Task.assignee_id == Account.id)
        .where(Task.id.in_(chosen.scalar_subquery()))).all()
    found: list[tuple[Task, str, str | None]] = [
        (task, str(name), holder) for task, name, holder in rows]
    found.sort(key=lambda row: (row[0].due_at is None, row[0].due_at or _missing_due(), row[0].id))
    return found


def _narrowing(
    filters: InboxFilter, actor: Actor, now: datetime, soon: ColumnElement[bool]
) -> list[Any]:
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
        found.append(soon)
    if filters.assigned == "me":
        found.append(Task.assignee_id == actor.account_id)
    elif filters.assigned == "unassigned":
        found.append(Task.assignee_id.is_(None))
    if filters.assignee is not None:
        found.append(Task.assignee_id == filters.assignee)
    if filters.procedure:
        found.append(Procedure.code == filters.procedure)
    if filters.search and filters.search.strip():
        needle = filters.search.strip()
        found.append(or_(Dossier.code == needle,
                         Dossier.applicant_search.contains(fold(needle), autoescape=True)))
    return found


def _total(uow: UnitOfWork, conditions: list[Any], filters: InboxFilter) -> int:
    query = select(func.count()).select_from(Task)
    if _reads_dossier(filters):
        query = query.join(Task.dossier)  # only when a filter reads the dossier
    query = query.where(*conditions)
    if filters.procedure:
        query = query.join(ProcedureVersion, Dossier.version_id == ProcedureVersion.id).join(
            Procedure, ProcedureVersion.procedure_id == Procedure.id)
    return int(uow.session.scalar(query) or 0)


def _counts(
    uow: UnitOfWork, scope: list[Any], actor: Actor, now: datetime, soon: ColumnElement[bool]
) -> dict[str, Any]:
    """How many tasks each quick filter would show, over the whole scope: one pass, by
    step, each quick filter a sum beside the step's count."""
    def count_if(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    by_step = uow.session.execute(
        select(Task.bpmn_id, Task.name, func.count(),
               count_if(Task.due_at < now),
               count_if(soon),
               count_if(Task.assignee_id == actor.account_id),
               count_if(Task.assignee_id.is_(None)))
        .where(*scope).group_by(Task.bpmn_id, Task.name).order_by(Task.name)).all()
    total = [sum(int(row[i]) for row in by_step) for i in range(2, 7)]
    return {
        "all": total[0], "overdue": total[1], "due_soon": total[2],
        "mine": total[3], "unassigned": total[4],
        "steps": [{"step": row[0], "name": row[1], "count": int(row[2])} for row in by_step],
    }


def _missing_due() -> datetime:
    """A stand-in for a missing due time when sorting (those rows sort last anyway)."""
    return datetime.min.replace(tzinfo=UTC)
