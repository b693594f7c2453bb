"""A leader's view of the agency's work: who may be given a step, and how much each of them
holds already (NĐ 61/2018 art. 18: the head of the agency assigns the dossier).

The officers offered for a step are the active, unlocked accounts holding the step's role
in its agency today — exactly those `tasks.assign_tasks` accepts; their load is the open
tasks assigned to them (and how many of those are overdue), wherever they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from engine.core.models import Account, RoleGrant, Task
from engine.core.uow import UnitOfWork


def _holders(uow: UnitOfWork, pairs: set[tuple[int, str]], now: datetime) -> list[Any]:
    """(agency, role, account id, name) of every account holding one of the pairs now, open
    and unlocked (only officers' accounts hold roles: `permissions.holds_roles`)."""
    if not pairs:
        return []
    return list(uow.session.execute(
        select(RoleGrant.agency_id, RoleGrant.role, Account.id, Account.full_name)
        .join(Account, RoleGrant.account_id == Account.id)
        .where(or_(*(and_(RoleGrant.agency_id == agency, RoleGrant.role == role)
                     for agency, role in sorted(pairs))),
               Account.active.is_(True),
               Account.locked_at.is_(None), Account.closed_at.is_(None),
               or_(RoleGrant.valid_from.is_(None), RoleGrant.valid_from <= now),
               or_(RoleGrant.valid_until.is_(None), RoleGrant.valid_until > now))
        .order_by(Account.full_name, Account.id)))


def _loads(uow: UnitOfWork, account_ids: set[int], now: datetime) -> dict[int, tuple[int, int]]:
    """account id → (open tasks assigned to them, of which overdue)."""
    if not account_ids:
        return {}
    rows = uow.session.execute(
        select(Task.assignee_id, func.count(),
               func.coalesce(func.sum(case((Task.due_at < now, 1), else_=0)), 0))
        .where(Task.assignee_id.in_(sorted(account_ids)), Task.state == "open")
        .group_by(Task.assignee_id))
    return {int(account): (int(count), int(late)) for account, count, late in rows}


def assignable_officers(
    uow: UnitOfWork, steps: Iterable[tuple[int, str, str]]
) -> list[dict[str, Any]]:
    """For each (agency, role) of the given (agency, role, step name) triples: the step
    names it covers and the officers who may be given them, by name, with their load."""
    now = uow.clock.now()
    groups: dict[tuple[int, str], list[str]] = {}
    for agency, role, name in steps:
        names = groups.setdefault((agency, role), [])
        if name not in names:
            names.append(name)
    holders = _holders(uow, set(groups), now)
    loads = _loads(uow, {int(row[2]) for row in holders}, now)
    found = []
    for (agency, role), names in sorted(groups.items(), key=lambda item: item[1]):
        people = [{"id": int(account), "name": str(name),
                   "open": loads.get(int(account), (0, 0))[0],
                   "overdue": loads.get(int(account), (0, 0))[1]}
                  for grant_agency, grant_role, account, name in holders
                  if (grant_agency, grant_role) == (agency, role)]
        found.append({"agency_id": agency, "role": role, "steps": sorted(names),
                      "officers": people})
    return found
