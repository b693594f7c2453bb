"""What taking a role away would leave behind, asked before it is done: the open work the
officer holds in that role at that agency (a leader of the agency gives it to someone else at
«Việc của đơn vị»: who leads it now is named, or that nobody does), and whether anyone else
there still holds the role (else its steps reach nobody's inbox). `officers.revoke_role` does
it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from engine.agencies.officers import _parents, account_by_name, require_manager
from engine.agencies.role_names import ROLE_LABELS, role_names
from engine.agencies.tree import by_code, chain, gate
from engine.core.actors import Actor
from engine.core.errors import Forbidden, NotFound
from engine.core.models import Account, RoleGrant, Task
from engine.core.permissions import LEADER, may_administer_agency
from engine.core.uow import UnitOfWork


def revoke_preview(
    uow: UnitOfWork, *, actor: Actor, username: str, agency: str, role: str
) -> dict[str, Any]:
    """The role, the officer, the agency, `held_tasks` (open or suspended tasks of that role
    there assigned to the officer), `others` (other active accounts holding the role there
    now) and `leaders` (the names of those who lead the agency now, and so may give the held
    tasks to someone else — the officer too, unless the role taken away is the leader's).
    Refused as `revoke_role` would be."""
    gate(actor)
    account = account_by_name(uow, username)
    require_manager(uow, actor, account)
    target = by_code(uow, agency)
    if not may_administer_agency(actor, chain(_parents(uow), target.id)):
        raise Forbidden(f"Bạn không quản trị {target.name} nên không thu hồi vai trò ở đó.")
    label = role_names(uow).get(role, role)
    if not any(g.agency_id == target.id and g.role == role for g in account.grants):
        raise NotFound(f"{account.full_name} không giữ vai trò «{label}» tại {target.name}.")
    held = uow.session.scalar(select(func.count(Task.id)).where(
        Task.assignee_id == account.id, Task.agency_id == target.id, Task.role == role,
        Task.state.in_(("open", "suspended")))) or 0
    others = len(_holders(uow, target.id, role, but=account.id))
    leaders = _holders(uow, target.id, LEADER, but=account.id if role == LEADER else None)
    return {"username": account.username, "full_name": account.full_name,
            "agency": target.code, "agency_name": target.name, "role": role,
            "role_label": label, "held_tasks": held, "others": others,
            "leaders": leaders, "leader_role": LEADER,
            "leader_label": ROLE_LABELS[LEADER]}


def _holders(uow: UnitOfWork, agency_id: int, role: str, *, but: int | None) -> list[str]:
    """The names of the active accounts holding the role at the agency now (but one)."""
    now = uow.clock.now()
    rows = uow.session.execute(
        select(RoleGrant, Account.full_name).join(Account, RoleGrant.account_id == Account.id)
        .where(RoleGrant.agency_id == agency_id, RoleGrant.role == role,
               Account.active.is_(True)).order_by(Account.full_name))
    return [name for grant, name in rows if grant.account_id != but and grant.in_force(now)]
