"""Advancing a dossier: after its process moved, bring task rows, national status, the
legal clock and events in line with it — all inside the caller's transaction.

This is the hot path of the engine (every officer step and every submission), so it
is written with SQLAlchemy Core: a handful of explicit statements instead of the ORM's
unit-of-work flush. Concurrency is explicit too: the dossier row is locked while
advancing (PostgreSQL `FOR UPDATE`; SQLite serialises writers with `BEGIN IMMEDIATE`),
the completed task is updated only while still open, and the dossier is written with
`UPDATE … WHERE row_version = :seen`, so a second writer that slipped through gets a
`Conflict` instead of doubling anything.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, insert, or_, select, update

from bpmn.compiled import CompiledProcedure, TaskInfo
from bpmn.durations import parse_instant
from bpmn.runtime import ProcessInstance, ProcessModel
from engine.applicants import datastore
from engine.core.actors import Actor
from engine.core.errors import Conflict, Invalid
from engine.core.models import Agency, DeadlineChange, Dossier, Event, Task, Timer
from engine.core.uow import UnitOfWork
from engine.dossiers.instances import InstanceCache
from engine.legal_clock.calendars import calendar_for

RECEPTION_STATUS = 1
RECEIVED_STATUS = 2
REFUSED_AT_RECEPTION = 3
PROCESSING_STATUS = 4
RETURNED_STATUS = 10
PAPER_CHANNELS = ("desk", "post")

DOSSIERS: Table = Dossier.__table__  # type: ignore[assignment]
TASKS: Table = Task.__table__  # type: ignore[assignment]
EVENTS: Table = Event.__table__  # type: ignore[assignment]
TIMERS = cast(Table, Timer.__table__)


class DossierFacts(Protocol):
    """What an event needs to know of its dossier (an ORM object or a `DossierRow`)."""

    id: int
    status: int
    channel: str
    due_at: datetime | None


class TaskFacts(Protocol):
    """What an event needs to know of its task."""

    id: int
    bpmn_id: str
    due_at: datetime | None


def record(
    uow: UnitOfWork,
    dossier: DossierFacts,
    kind: str,
    *,
    actor: Actor,
    task: TaskFacts | None = None,
    note: str = "",
    status: int | None = None,
) -> None:
    """Queue one event with the facts reports need (status, channel, times, step)."""
    uow.add_event({
        "dossier_id": dossier.id,
        "kind": kind,
        "at": uow.clock.now(),
        "actor_id": actor.account_id,
        "status": dossier.status if status is None else status,
        "channel": dossier.channel,
        "task_id": task.id if task else None,
        "step": task.bpmn_id if task else None,
        "step_due_at": task.due_at if task else None,
        "due_at": dossier.due_at,
        "note": note,
    })


@dataclass
class DossierRow:
    """The dossier columns an advance reads and writes (not the large JSON ones)."""

    id: int
    code: str
    agency_id: int
    version_id: int
    channel: str
    status: int
    outcome: str | None
    row_version: int
    received_at: datetime | None
    clock_started_at: datetime | None
    due_at: datetime | None
    original_due_at: datetime | None
    ended_at: datetime | None
    returned_at: datetime | None


    @classmethod
    def lock(cls, uow: UnitOfWork, dossier_id: int) -> DossierRow | None:
        """Read the dossier, holding its row lock until the transaction ends."""
        row = uow.connection.execute(_LOCK_DOSSIER, {"b_id": dossier_id}).one_or_none()
        return None if row is None else cls(**row._asdict())


@dataclass
class TaskRow:
    """A task row as the advance sees it."""

    id: int
    dossier_id: int
    spiff_id: str
    bpmn_id: str
    name: str
    role: str
    agency_id: int
    form: str
    state: str
    assignee_id: int | None
    created_at: datetime
    due_at: datetime | None


# The hot path's statements, built once (building a statement costs more than running it).
_LOCK_DOSSIER = (
    select(*[DOSSIERS.c[f.name] for f in fields(DossierRow)])
    .where(DOSSIERS.c.id == bindparam("b_id"))
    .with_for_update()
)
# A task with its dossier, locking the dossier row: every writer of a dossier, its tasks
# and its timers takes this lock first (one lock order, so no deadlock). On PostgreSQL the
# task columns of a row that waited for the lock are from before the winner's commit, so
# `lock_task` reads the task again once the lock is held; the guarded UPDATEs below (task
# still open and not someone else's, dossier version unchanged) are the last line.
_LOCK_TASK = (
    select(*[DOSSIERS.c[f.name].label("d_" + f.name) for f in fields(DossierRow)],
           *[TASKS.c[f.name].label("t_" + f.name) for f in fields(TaskRow)])
    .join_from(TASKS, DOSSIERS, TASKS.c.dossier_id == DOSSIERS.c.id)
    .where(TASKS.c.id == bindparam("b_id"))
    .with_for_update(of=DOSSIERS)
)
_TASK_ROW = select(*[TASKS.c[f.name] for f in fields(TaskRow)]).where(
    TASKS.c.id == bindparam("b_id"))
_FINISH_TASK = update(TASKS).where(
    TASKS.c.id == bindparam("b_id"), TASKS.c.state == "open",
    or_(TASKS.c.assignee_id.is_(None), TASKS.c.assignee_id == bindparam("b_actor")),
)
_INSERT_TASK = insert(TASKS).returning(TASKS.c.id)
_SAVE_DOSSIER = update(DOSSIERS).where(
    DOSSIERS.c.id == bindparam("b_id"), DOSSIERS.c.row_version == bindparam("b_seen")
)
_INSERT_DEADLINE_CHANGE = insert(cast(Table, DeadlineChange.__table__))
_INSERT_TIMER = insert(TIMERS)
_AGENCY_BY_CODE = select(Agency.id).where(Agency.code == bindparam("b_code"))
_CANCEL_TASK_TIMERS = update(TIMERS).where(
    TIMERS.c.task_id == bindparam("b_task"), TIMERS.c.state == "pending"
).values(state="cancelled")
_CANCEL_DOSSIER_TIMERS = update(TIMERS).where(
    TIMERS.c.dossier_id == bindparam("b_dossier"), TIMERS.c.state == "pending"
).values(state="cancelled")
_WORKFLOW_STATE = select(DOSSIERS.c.workflow_state).where(DOSSIERS.c.id == bindparam("b_id"))


def lock_task(uow: UnitOfWork, task_id: int) -> tuple[DossierRow, TaskRow] | None:
    """A task and its dossier, the dossier row locked until the transaction ends."""
    row = uow.connection.execute(_LOCK_TASK, {"b_id": task_id}).one_or_none()
    if row is None:
        return None
    values = row._asdict()
    dossier = DossierRow(**{f.name: values["d_" + f.name] for f in fields(DossierRow)})
    if uow.dialect == "postgresql":  # a new statement sees what the lock's holder committed
        fresh = uow.connection.execute(_TASK_ROW, {"b_id": task_id}).one()
        return dossier, TaskRow(**fresh._asdict())
    return dossier, TaskRow(**{f.name: values["t_" + f.name] for f in fields(TaskRow)})


def live_instance(uow: UnitOfWork, dossier: DossierRow, model: ProcessModel) -> ProcessInstance:
    """The dossier's process: the live instance this process left, if the dossier's row
    version says it is current, else restored from the stored state."""
    cached = uow.port(InstanceCache).take(dossier.id, dossier.row_version)
    return cached or model.restore(workflow_state(uow, dossier.id))


def workflow_state(uow: UnitOfWork, dossier_id: int) -> dict[str, Any]:
    """The stored process state of a dossier (read only when no live instance is cached)."""
    state: dict[str, Any] | None = uow.connection.execute(
        _WORKFLOW_STATE, {"b_id": dossier_id}
    ).scalar_one_or_none()
    return state or {}


class Advance:
    """One step of one dossier: collects the changes and writes them in a few statements."""

    def __init__(
        self,
        uow: UnitOfWork,
        dossier: DossierRow,
        compiled: CompiledProcedure,
        actor: Actor,
    ) -> None:
        self.uow = uow
        self.dossier = dossier
        self.compiled = compiled
        self.actor = actor
        self.now = uow.clock.now()
        self.seen_version = dossier.row_version
        self.opened: list[int] = []
        self.calendar = calendar_for(uow, dossier.agency_id)
        self.before: set[str] = set()
        self.timers_before: set[str] = set()
        self.steps_start = self.now

    def track(self, instance: ProcessInstance) -> None:
        """Note what waits before this step changes the process (the tables mirror it)."""
        self.before = {w.id for w in instance.waiting()}
        self.timers_before = {t.id for t in instance.pending_timers()}

    def finish_task(self, task: TaskRow, data: dict[str, Any]) -> None:
        """Mark the task completed — only if it is still open and not someone else's (else
        `Conflict`)."""
        result = self.uow.connection.execute(_FINISH_TASK, {
            "b_id": task.id, "b_actor": self.actor.account_id,
            "state": "completed", "completed_at": self.now,
            "completed_by_id": self.actor.account_id,
            "assignee_id": task.assignee_id or self.actor.account_id, "data": data,
        })
        if result.rowcount != 1:
            raise Conflict("Công việc này đã được hoàn thành hoặc không còn hiệu lực.")
        self.uow.connection.execute(_CANCEL_TASK_TIMERS, {"b_task": task.id})
        record(self.uow, self.dossier, "task_completed", actor=self.actor, task=task)

    def synchronise(self, instance: ProcessInstance, completed: TaskRow | None = None) -> None:
        """Open rows for tasks that started waiting, cancel those that stopped, schedule
        timers, move the status and the clock. What waited before comes from `track` (the
        tables mirror the process, so no query is needed); `completed` is the task this
        step finished, if any."""
        waiting = instance.waiting()
        now_waiting = {w.id for w in waiting}
        gone = self.before - now_waiting - ({completed.spiff_id} if completed else set())
        if gone:
            self._cancel_tasks(gone)
        self._schedule_timers(instance)
        previous = self.dossier.status
        self.dossier.status = _project_status(instance, self.compiled, [w.bpmn_id for w in waiting])
        info: TaskInfo | None = self.compiled.tasks[completed.bpmn_id] if completed else None
        if info is not None and info.status == RECEPTION_STATUS and (
            self.dossier.status not in (RECEPTION_STATUS, REFUSED_AT_RECEPTION)
        ):
            self._start_clock()
            if self.dossier.channel in PAPER_CHANNELS:
                # A paper dossier received after 15:00 reaches the agency the next working
                # day: the steps it opens are counted from then.
                self.steps_start = self.calendar.forwarding_instant(self.now)
        for item in waiting:
            if item.id not in self.before:
                self._open(item.id, item.bpmn_id)
        if instance.completed:
            self.uow.connection.execute(_CANCEL_DOSSIER_TIMERS, {"b_dossier": self.dossier.id})
            self.dossier.ended_at = self.now
            end = self.compiled.end_events.get(instance.end_event() or "")
            self.dossier.outcome = end.outcome if end else None
            if self.dossier.status == RETURNED_STATUS:
                self.dossier.returned_at = self.now
        if self.dossier.status != previous:
            record(self.uow, self.dossier, "status_changed", actor=self.actor,
                   note=f"{previous} → {self.dossier.status}")
        if instance.completed:
            record(self.uow, self.dossier, "finished", actor=self.actor,
                   note=self.dossier.outcome or "")

    def _cancel_tasks(self, gone: set[str]) -> None:
        ids = select(TASKS.c.id).where(TASKS.c.dossier_id == self.dossier.id,
                                       TASKS.c.spiff_id.in_(gone))
        self.uow.connection.execute(
            update(TIMERS).where(TIMERS.c.task_id.in_(ids), TIMERS.c.state == "pending")
            .values(state="cancelled"))
        self.uow.connection.execute(
            update(TASKS).where(TASKS.c.dossier_id == self.dossier.id,
                                TASKS.c.spiff_id.in_(gone), TASKS.c.state.in_(("open", "suspended")))
            .values(state="cancelled"))

    def _schedule_timers(self, instance: ProcessInstance) -> None:
        """BPMN timer events get absolute due times from the business calendar (a duration
        counts working time) and a row in the timers table; the worker fires them."""
        pending = instance.pending_timers()
        gone = self.timers_before - {t.id for t in pending}
        if gone:
            self.uow.connection.execute(
                update(TIMERS).where(TIMERS.c.dossier_id == self.dossier.id,
                                     TIMERS.c.spiff_id.in_(gone), TIMERS.c.state == "pending")
                .values(state="cancelled"))
        for timer in pending:
            if timer.held:
                continue
            due = self._due(timer.bpmn_id, timer.expression, date=timer.kind == "date")
            instance.hold_timer(timer.id, due.isoformat())
            self.uow.connection.execute(_INSERT_TIMER, {
                "dossier_id": self.dossier.id, "kind": "bpmn", "task_id": None,
                "spiff_id": timer.id, "bpmn_id": timer.bpmn_id, "due_at": due, "state": "pending",
            })

    def _due(self, bpmn_id: str, text: str, *, date: bool = False, start: datetime | None = None
             ) -> datetime:
        """The due instant of a timer or step deadline (`bpmn.durations`, the grammar
        validation checked); a refusal, never a server error, if it cannot be computed."""
        try:
            if date:
                due = parse_instant(text)
                return due if due.tzinfo else due.replace(tzinfo=self.calendar.tz)
            return self.calendar.after(start or self.now, text)
        except ValueError as exc:  # DurationError, or no working day within reach
            raise Invalid(f"Không tính được thời hạn '{text[:60]}' của phần tử {bpmn_id} trong "
                          f"quy trình: {exc}") from exc

    def _remind(self, task_id: int, due: datetime) -> None:
        """Reminders about a step: to its officers when one working day is left, to the
        leaders when it is overdue."""
        soon = self.calendar.subtract(due, self.calendar.day_length)
        rows = [{"dossier_id": self.dossier.id, "kind": "overdue", "task_id": task_id,
                 "spiff_id": None, "bpmn_id": None, "due_at": due, "state": "pending"}]
        if soon > self.now:
            rows.append({**rows[0], "kind": "due_soon", "due_at": soon})
        self.uow.connection.execute(_INSERT_TIMER, rows)

    def _open(self, spiff_id: str, bpmn_id: str) -> None:
        info = self.compiled.tasks[bpmn_id]
        due = (self._due(bpmn_id, info.deadline, start=self.steps_start)
               if info.deadline else None)
        lane = self.compiled.manifest["roles"][info.lane]
        opened = TaskRow(
            id=0, dossier_id=self.dossier.id, spiff_id=spiff_id, bpmn_id=bpmn_id, name=info.name,
            role=lane["role"], agency_id=self._agency_of(lane), form=info.form, state="open",
            assignee_id=None, created_at=self.now, due_at=due,
        )
        values = {f.name: getattr(opened, f.name) for f in fields(TaskRow) if f.name != "id"}
        opened.id = self.uow.connection.execute(_INSERT_TASK, values).scalar_one()
        self.opened.append(opened.id)
        if due is not None:
            self._remind(opened.id, due)
        record(self.uow, self.dossier, "task_opened", actor=self.actor, task=opened)

    def _agency_of(self, lane: dict[str, Any]) -> int:
        """The agency a lane's work goes to: another agency named by its unit code (liên
        thông), else the dossier's competent agency."""
        code = lane.get("agency")
        if not code:
            return self.dossier.agency_id
        found = self.uow.connection.execute(_AGENCY_BY_CODE, {"b_code": code}).scalar_one_or_none()
        if found is None:
            raise Conflict(f"Không có cơ quan mã {code} để chuyển hồ sơ liên thông.")
        return int(found)

    def _start_clock(self) -> None:
        """Reception starts the legal clock (NĐ 61/2018 art. 18): due = reception + processing time."""
        time = self.compiled.manifest["processing_time"]
        self.dossier.received_at = self.dossier.clock_started_at = self.now
        self.dossier.due_at = self.calendar.due(self.now, float(time["value"]), str(time["unit"]))
        self.dossier.original_due_at = self.dossier.due_at
        self.uow.connection.execute(_INSERT_DEADLINE_CHANGE, {
            "dossier_id": self.dossier.id, "at": self.now, "actor_id": self.actor.account_id,
            "kind": "received", "old_due_at": None, "new_due_at": self.dossier.due_at,
            "reason": "Tiếp nhận hồ sơ: bắt đầu tính thời hạn giải quyết",
        })
        record(self.uow, self.dossier, "received", actor=self.actor, status=RECEIVED_STATUS)
        datastore.keep_accepted(self.uow, self.dossier.id)

    def save(self, instance: ProcessInstance | None) -> None:
        """Write the dossier (with its process state, when given), if nobody else changed it
        since we read it."""
        d = self.dossier
        d.row_version = self.seen_version + 1
        values: dict[str, Any] = {
            "b_id": d.id, "b_seen": self.seen_version,
            "status": d.status, "outcome": d.outcome, "row_version": d.row_version,
            "received_at": d.received_at, "clock_started_at": d.clock_started_at,
            "due_at": d.due_at, "original_due_at": d.original_due_at,
            "ended_at": d.ended_at, "returned_at": d.returned_at,
        }
        if instance is not None:
            values["workflow_state"] = instance.state()
        result = self.uow.connection.execute(_SAVE_DOSSIER, values)
        if result.rowcount != 1:
            raise Conflict("Hồ sơ vừa được người khác cập nhật; hãy tải lại.")


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
