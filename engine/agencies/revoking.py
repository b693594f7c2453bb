"""What taking a role away would leave behind, asked before it is done: the open work the
officer holds in that role at that agency (a leader gives it to someone else at «Việc của
đơn vị»), and whether anyone else there still holds the role (else its steps reach nobody's
inbox). `officers.revoke_role` does it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from engine.agencies.officers import _parents, account_by_name, require_manager
from engine.agencies.role_names import role_names
from engine.agencies.tree import by_code, chain, gate
from engine.core.actors import Actor
from engine.core.errors import Forbidden, NotFound
from engine.core.models import Account, RoleGrant, Task
from engine.core.permissions import may_administer_agency
from engine.core.uow import UnitOfWork


def revoke_preview(
    uow: UnitOfWork, *, actor: Actor, username: str, agency: str, role: str
) -> dict[str, Any]:
    """The role, the officer, the agency, `held_tasks` (open or suspended tasks of that role
    there assigned to the officer) and `others` (other active accounts holding the role there
    now). Refused as `revoke_role` would be."""
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
    now = uow.clock.now()
    others = sum(1 for grant in uow.session.scalars(
        select(RoleGrant).join(Account, RoleGrant.account_id == Account.id).where(
            RoleGrant.agency_id == target.id, RoleGrant.role == role,
            RoleGrant.account_id != account.id, Account.active.is_(True)))
        if grant.in_force(now))
    return {"username": account.username, "full_name": account.full_name,
            "agency": target.code, "agency_name": target.name, "role": role,
            "role_label": label, "held_tasks": held, "others": others}
