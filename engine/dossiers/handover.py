"""Handover (Đồng Tháp seed, art. 8 and 32): when an officer leaves a post, their open
tasks go to a named successor in one action, and their access to those dossiers ends.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.errors import Forbidden, Invalid, NotFound
from engine.core.models import Account, Agency, RoleGrant, Task
from engine.core.permissions import may_hand_over
from engine.core.uow import UnitOfWork
from engine.dossiers.rows import DossierRow, record


def hand_over(
    uow: UnitOfWork, *, actor: Actor, agency_code: str, leaving: str, successor: str,
    reason: str,
) -> dict[str, Any]:
    """Move every open or suspended task the leaving officer holds in the agency to the
    successor, give the successor the leaving officer's roles there, and revoke the
    leaving officer's roles in that agency — one transaction, each dossier's history
    recording it."""
    agency = uow.session.scalar(select(Agency).where(Agency.code == agency_code))
    if agency is None:
        raise NotFound(f"Không có cơ quan mã {agency_code}.")
    if not may_hand_over(actor, agency.id):
        raise Forbidden("Chỉ quản trị hệ thống hoặc lãnh đạo cơ quan được bàn giao công việc.")
    if not reason.strip():
        raise Invalid("Cần ghi lý do bàn giao (quyết định điều động, nghỉ hưu…).")
    old = uow.session.scalar(select(Account).where(Account.username == leaving))
    new = uow.session.scalar(select(Account).where(Account.username == successor))
    if old is None or new is None:
        raise NotFound("Không có cán bộ với tên đăng nhập đã nhập.")
    if old.id == new.id:
        raise Invalid("Người nhận bàn giao phải khác người bàn giao.")
    roles = {g.role for g in old.grants if g.agency_id == agency.id}
    if not roles:
        raise Invalid(f"{old.full_name} không giữ vai trò nào tại {agency.name}.")
    for role in roles - {g.role for g in new.grants if g.agency_id == agency.id}:
        uow.session.add(RoleGrant(account_id=new.id, agency_id=agency.id, role=role))
    held = select(Task).where(Task.agency_id == agency.id, Task.assignee_id == old.id,
                              Task.state.in_(("open", "suspended")))
    # The lock order of every step (claim, complete, refuse, timers): each dossier first, in
    # id order, then its tasks, read again once the locks are held.
    for dossier_id in sorted({task.dossier_id for task in uow.session.scalars(held)}):
        DossierRow.lock(uow, dossier_id)
    moved = uow.session.scalars(held.execution_options(populate_existing=True)).all()
    for task in moved:
        task.assignee_id = new.id
        record(uow, task.dossier, "handed_over", actor=actor, task=task,
               note=f"{old.full_name} → {new.full_name}: {reason}")
    for grant in [g for g in old.grants if g.agency_id == agency.id]:
        uow.session.delete(grant)
    uow.audit("agency.handover", actor_id=actor.account_id, object_type="agency",
              object_id=agency.code, summary={"leaving": old.username, "successor": new.username,
                                              "tasks": len(moved), "reason": reason})
    uow.commit()
    return {"agency": agency.code, "leaving": old.username, "successor": new.username,
            "moved_tasks": len(moved), "roles": sorted(roles)}
