"""Firing what is due: BPMN timer events and reminders about steps.

A timer fires by moving from ``pending`` to ``fired`` with a guarded UPDATE, in the same
transaction as its effect (the process advanced, reminders written to the outbox). A
second worker that reaches the same timer finds the update matching no row and does
nothing; a failure rolls the claim back, so the timer is tried again later.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, select, update

from bpmn.runtime import ProcessError
from engine.actors import SYSTEM
from engine.calendar import local_iso
from engine.models import Account, Dossier, RoleGrant, Task, Timer
from engine.notifications import enqueue
from engine.progress import Advance, DossierRow, live_instance, record
from engine.uow import UnitOfWork

TIMERS = cast(Table, Timer.__table__)
LEADER_ROLE = "lanh_dao"

_DUE = (
    select(TIMERS.c.id).where(TIMERS.c.state == "pending", TIMERS.c.due_at <= bindparam("b_now"))
    .order_by(TIMERS.c.due_at).limit(bindparam("b_limit"))
)
_CLAIM = update(TIMERS).where(TIMERS.c.id == bindparam("b_id"), TIMERS.c.state == "pending")


def due_timers(uow: UnitOfWork, *, limit: int = 200) -> list[int]:
    """Ids of pending timers whose time has come, soonest first."""
    rows = uow.connection.execute(_DUE, {"b_now": uow.clock.now(), "b_limit": limit})
    return [int(r.id) for r in rows]


def fire_timer(uow: UnitOfWork, *, timer_id: int) -> str:
    """Fire one timer; returns "fired", or "skipped" when it is not (or no longer) due."""
    timer = uow.session.get(Timer, timer_id)
    if timer is None or timer.state != "pending" or timer.due_at > uow.clock.now():
        return "skipped"
    if timer.kind == "bpmn":
        return _fire_bpmn(uow, timer)
    return _remind(uow, timer)


def _claim(uow: UnitOfWork, timer: Timer) -> bool:
    result = uow.connection.execute(
        _CLAIM, {"b_id": timer.id, "state": "fired", "fired_at": uow.clock.now()})
    return result.rowcount == 1


def _fire_bpmn(uow: UnitOfWork, timer: Timer) -> str:
    dossier = DossierRow.lock(uow, timer.dossier_id)
    if dossier is None or not _claim(uow, timer):
        return "skipped"
    if dossier.ended_at is not None or timer.spiff_id is None:
        uow.commit()
        return "skipped"
    loaded = uow.version(dossier.version_id)
    instance = live_instance(uow, dossier, loaded.model)
    step = Advance(uow, dossier, loaded.compiled, SYSTEM)
    step.track(instance)
    try:
        fired = instance.fire_timer(timer.spiff_id)
    except ProcessError as exc:
        record(uow, dossier, "timer_failed", actor=SYSTEM, note=str(exc)[:500])
        uow.commit()
        return "skipped"
    if fired:
        step.synchronise(instance)
        step.save(instance)
        record(uow, dossier, "timer_fired", actor=SYSTEM, note=timer.bpmn_id or "")
    uow.commit()
    if fired:
        uow.instances.put(dossier.id, dossier.row_version, instance)
    return "fired" if fired else "skipped"


def _remind(uow: UnitOfWork, timer: Timer) -> str:
    """A reminder about a step: re-aimed if the step's due time moved, dropped if it ended."""
    task = uow.session.get(Task, timer.task_id) if timer.task_id else None
    if task is None or task.state not in ("open", "suspended") or task.due_at is None:
        timer.state = "cancelled"
        uow.commit()
        return "skipped"
    calendar = uow.calendar_for(task.agency_id)
    aimed = task.due_at if timer.kind == "overdue" else calendar.subtract(
        task.due_at, calendar.day_length)
    if task.state == "suspended" or aimed > uow.clock.now():
        timer.due_at = aimed if aimed > uow.clock.now() else calendar.add(uow.clock.now(),
                                                                          calendar.day_length)
        uow.commit()
        return "skipped"
    if not _claim(uow, timer):
        return "skipped"
    dossier = uow.session.get(Dossier, task.dossier_id)
    assert dossier is not None  # foreign key
    recipients = _recipients(uow, task, leaders=timer.kind == "overdue")
    subject, body = _message(task, dossier, timer.kind)
    for account in recipients:
        if account.email:
            enqueue(uow, channel="email", recipient=account.email, subject=subject, body=body,
                    dossier_id=dossier.id)
        if account.phone:
            enqueue(uow, channel="sms", recipient=account.phone, subject=subject, body=subject,
                    dossier_id=dossier.id)
    uow.add_event({
        "dossier_id": dossier.id, "kind": f"reminder_{timer.kind}", "at": uow.clock.now(),
        "actor_id": None, "status": dossier.status, "channel": dossier.channel,
        "task_id": task.id, "step": task.bpmn_id, "step_due_at": task.due_at,
        "due_at": dossier.due_at, "note": ", ".join(a.username for a in recipients),
    })
    uow.commit()
    return "fired"


def _holders(uow: UnitOfWork, agency_id: int, role: str) -> list[Account]:
    query = select(Account).join(RoleGrant).where(
        RoleGrant.agency_id == agency_id, RoleGrant.role == role, Account.active)
    return list(uow.session.scalars(query).unique())


def _recipients(uow: UnitOfWork, task: Task, *, leaders: bool) -> list[Account]:
    """The step's assignee (or, unassigned, everyone holding its role); the agency's
    leaders too when the step is overdue."""
    assignee = uow.session.get(Account, task.assignee_id) if task.assignee_id else None
    people = [assignee] if assignee is not None else _holders(uow, task.agency_id, task.role)
    if leaders:
        people += _holders(uow, task.agency_id, LEADER_ROLE)
    return sorted({a.id: a for a in people}.values(), key=lambda a: a.id)


def _message(task: Task, dossier: Dossier, kind: str) -> tuple[str, str]:
    when = (local_iso(task.due_at) or "").replace("T", " ")[:16]
    agency = dossier.agency
    if kind == "overdue":
        subject = f"[motcua] Hồ sơ {dossier.code} quá hạn ở bước «{task.name}»"
        lead = f"Bước «{task.name}» của hồ sơ {dossier.code} đã quá hạn xử lý ({when})."
    else:
        subject = f"[motcua] Hồ sơ {dossier.code} sắp đến hạn bước «{task.name}»"
        lead = f"Bước «{task.name}» của hồ sơ {dossier.code} còn không quá 01 ngày làm việc ({when})."
    body = (f"{lead}\n\nNgười nộp: {dossier.applicant_name}\n"
            f"Cơ quan: {agency.name}\n"
            "Vui lòng vào Hộp công việc để xử lý.\n\n— Hệ thống một cửa motcua")
    return subject, body
