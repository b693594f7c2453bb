"""Advancing a dossier: after its process moved, bring task rows, national status, the
legal clock and events in line with it — all inside the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bpmn.compiled import CompiledProcedure, TaskInfo
from bpmn.runtime import ProcessInstance
from engine.actors import Actor
from engine.calendar import parse_working_duration
from engine.models import Dossier, Event, Task
from engine.uow import UnitOfWork

RECEPTION_STATUS = 1
REFUSED_AT_RECEPTION = 3
PROCESSING_STATUS = 4
RETURNED_STATUS = 10


def record(
    uow: UnitOfWork,
    dossier: Dossier,
    kind: str,
    *,
    actor: Actor,
    task: Task | None = None,
    note: str = "",
) -> None:
    """Append one event with the facts reports need (status, channel, times, step)."""
    uow.session.add(Event(
        dossier_id=dossier.id,
        kind=kind,
        at=uow.clock.now(),
        actor_id=actor.account_id,
        status=dossier.status,
        channel=dossier.channel,
        task_id=task.id if task else None,
        step=task.bpmn_id if task else None,
        step_due_at=task.due_at if task else None,
        due_at=dossier.due_at,
        note=note,
    ))


def synchronise(
    uow: UnitOfWork,
    dossier: Dossier,
    instance: ProcessInstance,
    compiled: CompiledProcedure,
    *,
    actor: Actor,
    completed: TaskInfo | None = None,
) -> None:
    """Open rows for new waiting tasks, move the status and the clock, store the state."""
    now = uow.clock.now()
    open_rows = {
        t.spiff_id: t
        for t in uow.session.scalars(
            select(Task).where(Task.dossier_id == dossier.id, Task.state == "open")
        )
    }
    waiting = instance.waiting()
    for gone in set(open_rows) - {w.id for w in waiting}:
        open_rows[gone].state = "cancelled"
    new_rows = []
    for item in waiting:
        if item.id in open_rows:
            continue
        info = compiled.tasks[item.bpmn_id]
        role = compiled.manifest["roles"][info.lane]["role"]
        due = (
            uow.calendar.add(now, parse_working_duration(info.deadline)) if info.deadline else None
        )
        row = Task(
            dossier_id=dossier.id, spiff_id=item.id, bpmn_id=item.bpmn_id, name=info.name,
            role=role, agency_id=dossier.agency_id, form=info.form, state="open",
            created_at=now, due_at=due,
        )
        uow.session.add(row)
        new_rows.append(row)
    previous = dossier.status
    dossier.status = _project_status(instance, compiled, [w.bpmn_id for w in waiting])
    if completed is not None and completed.status == RECEPTION_STATUS and dossier.status not in (
        RECEPTION_STATUS, REFUSED_AT_RECEPTION
    ):
        _start_clock(uow, dossier, compiled, now, actor)
    if instance.completed:
        dossier.ended_at = now
        end = compiled.end_events.get(instance.end_event() or "")
        dossier.outcome = end.outcome if end else None
        if dossier.status == RETURNED_STATUS:
            dossier.returned_at = now
    dossier.workflow_state = instance.state()
    uow.session.flush()
    for row in new_rows:
        record(uow, dossier, "task_opened", actor=actor, task=row)
    if dossier.status != previous:
        record(uow, dossier, "status_changed", actor=actor,
               note=f"{previous} → {dossier.status}")
    if instance.completed:
        record(uow, dossier, "finished", actor=actor, note=dossier.outcome or "")


def _start_clock(
    uow: UnitOfWork, dossier: Dossier, compiled: CompiledProcedure, now: datetime, actor: Actor
) -> None:
    """Reception starts the legal clock (NĐ 61/2018 art. 18): due = reception + processing time."""
    time = compiled.manifest["processing_time"]
    dossier.received_at = now
    dossier.due_at = uow.calendar.due(now, float(time["value"]), str(time["unit"]))
    dossier.original_due_at = dossier.due_at
    saved = dossier.status
    dossier.status = 2
    uow.session.flush()
    record(uow, dossier, "received", actor=actor)
    dossier.status = saved


def _project_status(
    instance: ProcessInstance, compiled: CompiledProcedure, waiting: list[str]
) -> int:
    """The national status (DOMAIN.md) where the process stands now.

    Finished: the end event's status. Waiting: the lowest status declared by a waiting
    task (e.g. 1 at reception, 9 when the result awaits hand-over), else 4 (processing).
    """
    if instance.completed:
        end = compiled.end_events.get(instance.end_event() or "")
        return end.status if end else RETURNED_STATUS
    declared = [compiled.tasks[b].status for b in waiting if compiled.tasks[b].status is not None]
    return min(s for s in declared if s is not None) if declared else PROCESSING_STATUS
