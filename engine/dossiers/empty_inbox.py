"""Why an officer's inbox is empty, so the page can say it and what to do.

Checked in this order, the first that holds is the answer (`EmptyInbox.reason`):

- ``no_role``: the officer holds no role at any agency (an administrator grants one);
- ``no_procedure``: no procedure is received at any of their agencies — no published
  version in force there (`procedures.in_force`), neither the agency's own procedure nor
  one applied to it («Áp dụng cho cơ quan», `procedures.applied`) — and no step ever
  reached them from elsewhere (a liên thông lane), so no dossier can arrive;
- ``no_step``: procedures are received there, but no lane of their versions in force is
  held by the officer's roles at that agency (a lane naming another agency counts for that
  agency) and no step ever reached them: their roles are named;
- ``no_work``: there simply is no open step for them now; `in_progress` counts the
  dossiers of their agencies with a step open for someone else.

At most four small statements whatever the number of roles and agencies: the agencies'
names, the task table's two answers (ever a step for one of their roles there; dossiers
with an open step there), the versions in force received at the officer's agencies with
their lanes (read from the stored manifest, no package loaded) and, only when a lane hands
over to an agency named by its code, those agencies' ids.

`narrowed` says whether a filter narrows the inbox: then the page says the filter found
nothing and offers to clear it, and none of this is asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, distinct, exists, func, or_, select

from engine.core.actors import Actor
from engine.core.errors import Forbidden
from engine.core.models import Agency, Procedure, ProcedureAgency, ProcedureVersion, Task
from engine.core.permissions import is_officer
from engine.core.uow import UnitOfWork
from engine.dossiers.inbox import InboxFilter
from engine.procedures.in_force import in_force_at

REASONS = ("no_role", "no_procedure", "no_step", "no_work")


@dataclass(frozen=True)
class EmptyInbox:
    """Why the unfiltered inbox is empty: `reason` (one of `REASONS`), the officer's
    agencies by name, the role codes they hold (sorted), and how many dossiers of their
    agencies have a step open with someone else."""

    reason: str
    agencies: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    in_progress: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "agencies": list(self.agencies),
                "roles": list(self.roles), "in_progress": self.in_progress}


def narrowed(filters: InboxFilter) -> bool:
    """A filter, a search or a later page narrows the inbox (the team view is no filter)."""
    return bool(filters.role or filters.procedure or filters.step or filters.status is not None
                or filters.urgency or filters.channel or filters.assigned
                or (filters.search or "").strip() or filters.assignee is not None
                or filters.offset > 0)


def empty_inbox(uow: UnitOfWork, *, actor: Actor) -> EmptyInbox:
    """Why this officer's inbox (no filter) is empty, checked in the module's order; asked
    only when the inbox shows nothing."""
    if not is_officer(actor):
        raise Forbidden("Hộp công việc dành cho cán bộ.")
    mine = sorted(actor.agencies())
    if not mine:
        return EmptyInbox("no_role")
    roles = tuple(sorted({role for _, role in actor.grants}))
    names = tuple(str(name) for name in uow.session.scalars(
        select(Agency.name).where(Agency.id.in_(mine)).order_by(Agency.name)))
    reached, in_progress = _task_answers(uow, actor, mine)
    if reached:
        return EmptyInbox("no_work", names, roles, in_progress)
    lanes = _received_lanes(uow, mine)
    if not lanes:
        return EmptyInbox("no_procedure", names, roles)
    named = {code for _, _, code in lanes if code}
    codes = dict(uow.session.execute(select(Agency.code, Agency.id).where(
        Agency.code.in_(named))).all()) if named else {}
    held = {(codes.get(code) if code else agency, role) for agency, role, code in lanes}
    if not held & set(actor.grants):
        return EmptyInbox("no_step", names, roles)
    return EmptyInbox("no_work", names, roles, in_progress)


def _task_answers(uow: UnitOfWork, actor: Actor, mine: list[int]) -> tuple[bool, int]:
    """(a step was ever opened for one of the officer's roles at its agency, the dossiers of
    their agencies with a step open now): one statement on the task table."""
    theirs = or_(*[and_(Task.agency_id == agency, Task.role == role)
                   for agency, role in sorted(actor.grants)])
    row = uow.session.execute(select(
        exists().where(theirs),
        select(func.count(distinct(Task.dossier_id)))
        .where(Task.agency_id.in_(mine), Task.state == "open").scalar_subquery())).one()
    return bool(row[0]), int(row[1] or 0)


def _received_lanes(uow: UnitOfWork, mine: list[int]) -> list[tuple[int, str, str]]:
    """(receiving agency, lane role, lane agency code or "") of every version in force
    received at one of the officer's agencies, own or applied: one statement."""
    applied = and_(ProcedureAgency.procedure_id == Procedure.id,
                   ProcedureAgency.stopped_at.is_(None), ProcedureAgency.agency_id.in_(mine))
    rows = uow.session.execute(
        select(Procedure.agency_id, ProcedureAgency.agency_id,
               ProcedureVersion.compiled["manifest"]["roles"])
        .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
        .outerjoin(ProcedureAgency, applied)
        .where(in_force_at(uow.clock.now()),
               or_(Procedure.agency_id.in_(mine), ProcedureAgency.agency_id.is_not(None))))
    found: list[tuple[int, str, str]] = []
    for own, other, lanes in rows:
        receiving = {int(a) for a in (own, other) if a is not None and a in mine}
        for lane in (lanes.values() if isinstance(lanes, dict) else []):
            if isinstance(lane, dict) and lane.get("role"):
                found.extend((agency, str(lane["role"]), str(lane.get("agency") or ""))
                             for agency in receiving)
    return found
