"""Advancing a dossier: the one path that moves its process.

`advance_dossier` is the only function that changes a dossier's process and what mirrors
it — task rows, timers, the national status, the legal clock, events — and the only one
that writes the process state. Every caller (completing a task, refusing, sending back,
withdrawing, a timer firing, a submission) has locked the dossier row first
(`engine.dossiers.rows`) and passes a *move*: a function that receives the `Advance` and
changes it — restores the live instance when it needs it (`step.instance`), completes,
cancels or fires, and says what followed (`synchronise`, `stop`, `finish_task`, `change`).
`advance_dossier` then writes the dossier with `UPDATE … WHERE row_version = :seen` (a
writer that slipped through gets `Conflict`), commits, and keeps the live instance for the
next step.

This is the hot path of the engine: its statements are built once and prepared
(`engine.core.prepared`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import bindparam, select

from bpmn.compiled import TaskInfo
from bpmn.durations import parse_instant
from bpmn.runtime import ProcessInstance
from engine.core.actors import Actor
from engine.core.errors import Conflict, Invalid
from engine.core.permissions import is_system
from engine.core.prepared import Prepared
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.dossiers import statements as sql
from engine.dossiers.handed_over import at_the_end
from engine.dossiers.instances import InstanceCache, hold_in_transaction, read_current
from engine.dossiers.papers import keep_accepted
from engine.dossiers.postal_choice import NO_RESULT, cancel_orders_for_no_result
from engine.dossiers.rows import DOSSIERS, DossierRow, TaskRow, record
from engine.dossiers.status_projection import project_status
from engine.legal_clock.calendar import BusinessCalendar
from engine.legal_clock.calendars import calendar_for, calendar_of_province
from engine.legal_clock.lateness import due_soon_margin
from engine.legal_clock.rules import due_at_reception, steps_start
from engine.procedures.cache import LoadedVersion, loaded_version

Move = Callable[["Advance"], None]

_WORKFLOW_STATE = Prepared(
    select(DOSSIERS.c.workflow_state).where(DOSSIERS.c.id == bindparam("b_id")))
_STATES_TO_WARM = select(
    DOSSIERS.c.id, DOSSIERS.c.version_id, DOSSIERS.c.row_version, DOSSIERS.c.workflow_state,
).where(DOSSIERS.c.id.in_(bindparam("b_ids", expanding=True)), DOSSIERS.c.ended_at.is_(None))
# Where a step's form writes the reasons of a refusal (the packages' convention, form 03).
REFUSAL_FIELD = "ly_do_tu_choi"
_SAVED_COLUMNS = ("status", "outcome", "row_version", "received_at", "clock_started_at",
                  "due_at", "original_due_at", "ended_at", "returned_at")


def advance_dossier(
    uow: UnitOfWork,
    dossier: DossierRow,
    actor: Actor,
    move: Move,
    *,
    instance: ProcessInstance | None = None,
    commit: bool = True,
) -> Advance:
    """Move a locked dossier's process by `move`, save it, commit, keep the live instance.

    `instance` is a process the caller just started (a submission); otherwise the live
    instance is restored on first use. With `commit=False` the caller commits (it adds to
    the same transaction); the instance is kept once that commit succeeds.
    """
    step = Advance(uow, dossier, loaded_version(uow, dossier.version_id), actor, instance)
    move(step)
    if step.changed and step.dossier.status in NO_RESULT:
        cancel_orders_for_no_result(uow, actor=actor, dossier=step.dossier)
    step.save()
    uow.after_commit(step.keep)
    if commit:
        uow.commit()
    return step


def warm_instances(uow: UnitOfWork, dossier_ids: list[int], *,
                   until: Callable[[], bool] = lambda: False) -> int:
    """Restore the live instances of dossiers about to advance (a timer firer's idle time
    before a burst falls due) and keep them in the instance cache, so the advance that
    follows finds them; returns how many were restored. Stops early when `until()` says so.

    Nothing is locked or written: an instance kept here is used only if the dossier's row
    version is still the one read here, exactly as with an instance a step left behind."""
    cache = uow.port(InstanceCache)
    todo = [i for i in dossier_ids if not cache.holds(i)]
    warmed = 0
    for start in range(0, len(todo), 100):
        for row in uow.connection.execute(_STATES_TO_WARM, {"b_ids": todo[start:start + 100]}):
            if until():
                return warmed
            if not row.workflow_state:
                continue
            model = loaded_version(uow, row.version_id).model
            instance = model.restore(row.workflow_state, owned=True)
            timers = frozenset(t.id for t in instance.pending_timers())
            cache.put(row.id, row.row_version, instance, timers)
            warmed += 1
    return warmed


def decided_value(uow: UnitOfWork, dossier_id: int, version_id: int, name: str) -> Any:
    """A value the dossier's process holds (what a decision table decided, e.g. the fee):
    read from the live instance if this process holds the stored version, else from the
    stored state; nothing is locked, changed or cached; None without a state."""
    row_version = sql.ROW_VERSION.run(uow.connection, {"b_id": dossier_id}).scalar_one()
    live = read_current(uow.session, uow.port(InstanceCache), dossier_id, row_version,
                        lambda i: (i.value(name),), None)
    if live is not None:
        return live[0]
    state = _WORKFLOW_STATE.run(uow.connection, {"b_id": dossier_id}).scalar_one_or_none()
    return loaded_version(uow, version_id).model.restore(state, owned=True).value(name) if state else None


class Advance:
    """One step of one dossier: collects the changes and writes them in a few statements.

    Only `advance_dossier` constructs it (a test holds every other module to that).
    """

    def __init__(
        self, uow: UnitOfWork, dossier: DossierRow, loaded: LoadedVersion, actor: Actor,
        instance: ProcessInstance | None,
    ) -> None:
        self.uow = uow
        self.dossier = dossier
        self.compiled = loaded.compiled
        self.actor = actor
        self.now = uow.clock.now()
        self.seen_version = dossier.row_version
        self.opened: list[int] = []
        self.before: set[str] = set()
        self.timers_before: set[str] = set()
        self._timers_now: frozenset[str] | None = None  # pending after this step's synchronise
        self._new_timers: list[dict[str, Any]] = []  # rows for the timers table, one insert
        self.steps_start = self.now
        self.changed = False
        self.stopped = False
        self._loaded = loaded
        self._instance = instance
        self._finished_data: dict[str, Any] = {}

    @cached_property
    def calendar(self) -> BusinessCalendar:
        """The business calendar of the dossier's agency (only when a step needs it; its
        province and calendar version were read with the row's lock)."""
        dossier = self.dossier
        if dossier.calendar_version is None:
            return calendar_for(self.uow, dossier.agency_id)
        return calendar_of_province(self.uow, dossier.province_id, dossier.calendar_version)

    @property
    def instance(self) -> ProcessInstance:
        """The dossier's process: the live instance this process left, if the dossier's row
        version says it is current, else restored from the stored state. What waits in it
        is noted before the move changes it (the tables mirror it, so no query is needed)."""
        if self._instance is None:
            cached = self.uow.port(InstanceCache).take(self.dossier.id, self.seen_version)
            if cached is not None:
                self._instance, timers = cached
            else:  # the state was just decoded: restore may keep it instead of copying it
                self._instance, timers = self._loaded.model.restore(
                    self._stored_state(), owned=True), None
            self.before = {w.id for w in self._instance.waiting()}
            self.timers_before = set(timers if timers is not None else
                                     (t.id for t in self._instance.pending_timers()))
        return self._instance

    def _stored_state(self) -> dict[str, Any]:
        state: dict[str, Any] | None = _WORKFLOW_STATE.run(
            self.uow.connection, {"b_id": self.dossier.id}).scalar_one_or_none()
        return state or {}

    def change(self, **values: Any) -> None:
        """Set columns of the dossier row (status, outcome, times); saved by the advance."""
        for name, value in values.items():
            setattr(self.dossier, name, value)
        self.changed = True

    def finish_task(self, task: TaskRow, data: dict[str, Any]) -> None:
        """Mark the task completed — only if it is still open and not someone else's (else
        `Conflict`); the system (a carrier's delivery report) completes it whoever holds it."""
        holder = task.assignee_id if is_system(self.actor) else self.actor.account_id
        result = sql.FINISH_TASK.run(self.uow.connection, {
            "b_id": task.id, "b_actor": holder,
            "state": "completed", "completed_at": self.now,
            "completed_by_id": self.actor.account_id,
            "assignee_id": task.assignee_id or self.actor.account_id, "data": data,
        })
        if result.rowcount != 1:
            raise Conflict("Công việc này đã được hoàn thành hoặc không còn hiệu lực.")
        self._finished_data = data
        if task.due_at is not None:  # only a step with a due time has reminders
            sql.CANCEL_TASK_TIMERS.run(self.uow.connection, {"b_task": task.id})
        record(self.uow, self.dossier, "task_completed", actor=self.actor, task=task)

    def stop(self, status: Status, outcome: str) -> None:
        """End the process here (a refusal, a withdrawal): it is cancelled, its open and
        suspended steps leave the inboxes and its pending timers are cancelled."""
        self.instance.cancel()
        sql.CANCEL_OPEN_TASKS.run(self.uow.connection, {"b_dossier": self.dossier.id})
        sql.CANCEL_DOSSIER_TIMERS.run(self.uow.connection, {"b_dossier": self.dossier.id})
        self.change(status=status, outcome=outcome, ended_at=self.now)
        self.stopped = True

    def synchronise(self, completed: TaskRow | None = None) -> None:
        """Open rows for tasks that started waiting, cancel those that stopped, schedule
        timers, move the status and the clock. `completed` is the task this step finished."""
        instance = self.instance
        waiting = instance.waiting()
        gone = self.before - {w.id for w in waiting} - ({completed.spiff_id} if completed else set())
        if gone:
            self._cancel_tasks(gone)
        self._schedule_timers(instance)
        previous = self.dossier.status
        self.change(status=project_status(instance, self.compiled, [w.bpmn_id for w in waiting]))
        info: TaskInfo | None = self.compiled.tasks[completed.bpmn_id] if completed else None
        if info is not None and info.status == Status.REGISTERED and (
            self.dossier.status not in (Status.REGISTERED, Status.NOT_RECEIVED)
        ):
            self._start_clock()
        for item in waiting:
            if item.id not in self.before:
                self._open(item.id, item.bpmn_id)
        if instance.completed:
            self._finish(instance)
        if self.dossier.status != previous:
            record(self.uow, self.dossier, "status_changed", actor=self.actor,
                   note=f"{previous} → {self.dossier.status}")
        if completed is not None and (instance.completed or self.opened):
            self._note_refusal(instance, completed)
        if instance.completed:
            record(self.uow, self.dossier, "finished", actor=self.actor,
                   note=self.dossier.outcome or "")

    def _note_refusal(self, instance: ProcessInstance, completed: TaskRow) -> None:
        """The step just completed refused the dossier — its process ended at a refusal's
        end, or can now reach nothing else (the letter waits for the desk): record
        `refused` with the step's reasons once, as refusing by `actions.refuse` does, so
        every way of refusing leaves the same facts (the applicant's notice and documents,
        the officers' page, public tracking)."""
        ends = self.compiled.end_events
        if instance.completed:
            decided = self.dossier.outcome == "refused"
        else:
            ahead = instance.ends_ahead()
            decided = bool(ahead) and all(
                e in ends and ends[e].outcome == "refused" for e in ahead)
        if not decided or sql.REFUSED_BEFORE.run(
                self.uow.connection, {"b_id": self.dossier.id}).first() is not None:
            return
        reason = str(self._finished_data.get(REFUSAL_FIELD) or "").strip()
        if not reason and instance.completed:
            end = ends.get(instance.end_event() or "")
            reason = end.name if end else ""
        record(self.uow, self.dossier, "refused", actor=self.actor, task=completed,
               note=reason[:2000])

    def _finish(self, instance: ProcessInstance) -> None:
        """The process reached an end event: its outcome, at status 10 the hand-over time."""
        sql.CANCEL_DOSSIER_TIMERS.run(self.uow.connection, {"b_dossier": self.dossier.id})
        end = self.compiled.end_events.get(instance.end_event() or "")
        self.change(ended_at=self.now, outcome=end.outcome if end else None)
        if self.dossier.status == Status.RETURNED:  # handed over, unless no step did it
            self.change(**at_the_end(self.uow, self.dossier.id, self.compiled, end, self.now))

    def _cancel_tasks(self, gone: set[str]) -> None:
        values = [{"b_dossier": self.dossier.id, "b_gone": spiff_id} for spiff_id in sorted(gone)]
        sql.CANCEL_TIMERS_OF_TASK.run(self.uow.connection, values)
        sql.CANCEL_TASK.run(self.uow.connection, values)

    def _schedule_timers(self, instance: ProcessInstance) -> None:
        """BPMN timer events get absolute due times from the business calendar (a duration
        counts working time) and a row in the timers table; the worker fires them."""
        pending = instance.pending_timers()
        self._timers_now = frozenset(t.id for t in pending)
        gone = self.timers_before - self._timers_now
        if gone:
            sql.CANCEL_BPMN_TIMER.run(self.uow.connection, [
                {"b_dossier": self.dossier.id, "b_gone": spiff_id} for spiff_id in sorted(gone)])
        for timer in pending:
            if timer.held:
                continue
            due = self._due(timer.bpmn_id, timer.expression, date=timer.kind == "date")
            instance.hold_timer(timer.id, due.isoformat())
            self._new_timers.append({
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
        """Reminders about a step: to its officers from its last quarter, at most its last
        working day (when the inbox says «Sắp đến hạn»), to the leaders when it is overdue."""
        soon = self.calendar.subtract(due, due_soon_margin(self.calendar, self.now, due))
        rows = [{"dossier_id": self.dossier.id, "kind": "overdue", "task_id": task_id,
                 "spiff_id": None, "bpmn_id": None, "due_at": due, "state": "pending"}]
        if soon > self.now:
            rows.append({**rows[0], "kind": "due_soon", "due_at": soon})
        self._new_timers.extend(rows)

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
        opened.id = sql.INSERT_TASK.run(self.uow.connection, values).scalar_one()
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
        found = sql.AGENCY_BY_CODE.run(self.uow.connection, {"b_code": code}).scalar_one_or_none()
        if found is None:
            raise Conflict(f"Không có cơ quan mã {code} để chuyển hồ sơ liên thông.")
        return int(found)

    def _start_clock(self) -> None:
        """Reception starts the legal clock (NĐ 61/2018 art. 18): due = reception + processing
        time. A paper dossier received after 15:00 reaches the agency the next working day:
        the steps it opens are counted from then."""
        due = due_at_reception(self.calendar, self.now, self.compiled.manifest["processing_time"])
        self.change(received_at=self.now, clock_started_at=self.now, due_at=due,
                    original_due_at=due)
        self.steps_start = steps_start(self.calendar, self.now, self.dossier.channel)
        sql.INSERT_DEADLINE_CHANGE.run(self.uow.connection, {
            "dossier_id": self.dossier.id, "at": self.now, "actor_id": self.actor.account_id,
            "kind": "received", "old_due_at": None, "new_due_at": due,
            "reason": "Tiếp nhận hồ sơ: bắt đầu tính thời hạn giải quyết",
        })
        record(self.uow, self.dossier, "received", actor=self.actor, status=Status.RECEIVED)
        keep_accepted(self.uow, self.dossier.id)

    def save(self) -> None:
        """Write the dossier (with its process state, when the move used it), if the move
        changed it and nobody else changed it since we read it. The step's new timers are
        written here, in one insert."""
        if self._new_timers:
            sql.INSERT_TIMER.run(self.uow.connection, self._new_timers)
            self._new_timers = []
        if not self.changed:
            return
        d = self.dossier
        d.row_version = self.seen_version + 1
        values: dict[str, Any] = {"b_id": d.id, "b_seen": self.seen_version}
        values.update((name, getattr(d, name)) for name in _SAVED_COLUMNS)
        values["status"] = int(d.status)  # the bare national code, whatever named it
        if self._instance is not None:
            values["workflow_state"] = self._instance.state()
        if sql.SAVE_DOSSIER.run(self.uow.connection, values).rowcount != 1:
            raise Conflict("Hồ sơ vừa được người khác cập nhật; hãy tải lại.")
        if self._instance is not None:
            hold_in_transaction(self.uow.session, d.id, d.row_version, self._instance)

    def keep(self) -> None:
        """After the commit: keep the live instance for the dossier's next step — unless the
        process ended or was stopped: a finished dossier has no next step, so it leaves the
        cache instead of holding memory until evicted."""
        if (self._instance is not None and self.changed and not self.stopped
                and not self._instance.completed):
            self.uow.port(InstanceCache).put(self.dossier.id, self.dossier.row_version,
                                             self._instance, self._timers_now)

