"""Officer work: the inbox, claiming and completing tasks, desk reception and return."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, or_, select, update

from bpmn.runtime import ProcessError, TaskNotWaiting
from engine.core.actors import Actor
from engine.core.clock import instant_words, local_iso
from engine.core.errors import Conflict, Forbidden, FormInvalid, Invalid, NotFound
from engine.core.models import Account, Task
from engine.core.permissions import leads, may_release_task, may_see_task, may_work_task
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.dossiers.actions import (
    CONSULT_FORM,
    CONSULT_STEP,
    OPINION_SCHEMA,
    answer_consultation,
    hand_back_refusal,
)
from engine.dossiers.advance import Advance, advance_dossier
from engine.dossiers.appraisal import appraisal
from engine.dossiers.assigned import mail_assignee
from engine.dossiers.fees import check_fee_collected
from engine.dossiers.offered import check_delivery, offered_actions
from engine.dossiers.postal import HANDOVER_FIELD, cancel_for_other_way, postal_hand_back
from engine.dossiers.ready_at_desk import tell_if_ready
from engine.dossiers.rows import DOSSIERS, TASKS, DossierRow, TaskRow, lock_task, record
from engine.dossiers.submit import find_visible, task_view
from engine.dossiers.team import assignable_officers
from engine.legal_clock.calendars import calendar_for
from engine.legal_clock.lateness import urgency
from engine.procedures.cache import loaded_version
from engine.records import tell_officer

INBOX_LIMIT = 200


TAKEN = "Công việc đã được cán bộ khác nhận xử lý."

# Taking a task is a compare-and-set: it lands only while the task is open and free (or
# already the taker's), so a claim racing a completion can never take a finished task.
_TAKE_TASK = update(TASKS).where(
    TASKS.c.id == bindparam("b_id"), TASKS.c.state == "open",
    or_(TASKS.c.assignee_id.is_(None), TASKS.c.assignee_id == bindparam("b_actor")),
)
_TASK_STATE = select(TASKS.c.state).where(TASKS.c.id == bindparam("b_id"))
# Several dossiers are locked in one order (by id) so that two leaders assigning
# overlapping tasks queue instead of deadlocking.
_LOCK_DOSSIERS = (
    select(DOSSIERS.c.id)
    .where(DOSSIERS.c.id.in_(select(TASKS.c.dossier_id).where(
        TASKS.c.id.in_(bindparam("b_ids", expanding=True)))))
    .order_by(DOSSIERS.c.id)
    .with_for_update()
)


def _facts(task: Task | TaskRow) -> tuple[int, str, int | None]:
    """What the task permissions look at: its agency, its role, its assignee."""
    return task.agency_id, task.role, task.assignee_id


def _visible_task(uow: UnitOfWork, actor: Actor, task_id: int) -> Task:
    task = uow.session.get(Task, task_id)
    if task is None or not may_see_task(actor, *_facts(task)):
        raise NotFound("Không tìm thấy công việc.")
    return task


def _locked_task(uow: UnitOfWork, actor: Actor, task_id: int) -> Task:
    """A visible task, read after its dossier row is locked: the lock order of every
    writer (dossier, then its tasks and timers), and a read that sees the last winner."""
    _lock_dossiers(uow, [task_id])
    return _visible_task(uow, actor, task_id)


def _lock_dossiers(uow: UnitOfWork, task_ids: list[int]) -> None:
    uow.connection.execute(_LOCK_DOSSIERS, {"b_ids": task_ids}).all()


def get_task(uow: UnitOfWork, *, actor: Actor, task_id: int) -> dict[str, Any]:
    """A task with its form and the dossier's data, the papers, the earlier steps and the
    history in words (`appraisal`), for an officer who may work on it."""
    task = _visible_task(uow, actor, task_id)
    compiled = loaded_version(uow, task.dossier.version_id).compiled
    form = OPINION_SCHEMA if task.form == CONSULT_FORM else compiled.forms[task.form]
    return {
        **task_view(task),
        "form": {"schema": form, "ui": compiled.ui_for(task.form)},
        "consultation": task.bpmn_id == CONSULT_STEP,
        **appraisal(uow, task, compiled),  # papers, earlier steps, history in words
        "dossier_data": task.dossier.data,
        "start_form": compiled.forms[compiled.start_form],
        "start_ui": compiled.ui_for(compiled.start_form),
        "procedure_name": compiled.manifest["name"],
        "applicant": task.dossier.applicant_name,
        "dossier_status": task.dossier.status,
        "dossier_due_at": local_iso(task.dossier.due_at),
        "dossier_received": task.dossier.received_at is not None,
        **offered_actions(uow, task),
        "urgency": urgency(calendar_for(uow, task.agency_id), uow.clock.now(), task.due_at,
                           task.created_at),
        **_holding(uow, actor, task),
    }


def _holding(uow: UnitOfWork, actor: Actor, task: Task) -> dict[str, Any]:
    """Who holds the task by name, whether the actor may work on it now, and — for a
    leader of its agency — the officers it may be given to, with their load."""
    holder = uow.session.get(Account, task.assignee_id) if task.assignee_id else None
    return {
        "assignee_name": holder.full_name if holder else "",
        "may_work": may_work_task(actor, *_facts(task))
        and task.assignee_id in (None, actor.account_id),
        "may_release": task.assignee_id is not None
        and may_release_task(actor, task.agency_id, task.assignee_id),
        "officers": assignable_officers(uow, [(task.agency_id, task.role, task.name)])[0][
            "officers"] if leads(actor, task.agency_id) else [],
    }


def release_task(uow: UnitOfWork, *, actor: Actor, task_id: int) -> dict[str, Any]:
    """Give a claimed task back to the shared inbox (its assignee or a leader of the agency)."""
    task = _locked_task(uow, actor, task_id)
    if task.state != "open":
        raise Conflict("Công việc đã được xử lý.")
    if not may_release_task(actor, task.agency_id, task.assignee_id):
        raise Forbidden("Chỉ người đang nhận hoặc lãnh đạo được trả lại công việc.")
    task.assignee_id = None
    task.claimed_at = None
    record(uow, task.dossier, "task_released", actor=actor, task=task)
    view = task_view(task)
    uow.commit()
    return view


def assign_tasks(
    uow: UnitOfWork, *, actor: Actor, task_ids: list[int], assignee_id: int,
    task_link: str = "",
) -> list[dict[str, Any]]:
    """A leader assigns one or many open tasks of their agency to an officer holding the
    step's role there, in one transaction (all or none). The officer is told in the system
    for each task and, with an e-mail address, by one e-mail listing them all, each with a
    link `task_link`/<task id> (the task page's address without its id) — not when the
    leader takes the tasks himself."""
    if not task_ids:
        raise Invalid("Chưa chọn công việc nào.")
    assignee = uow.session.get(Account, assignee_id)
    if assignee is None or not assignee.active:
        raise NotFound("Không có cán bộ được giao.")
    _lock_dossiers(uow, list(dict.fromkeys(task_ids)))
    views: list[dict[str, Any]] = []
    given: list[Task] = []  # the tasks given to someone else than the leader: told
    for task_id in dict.fromkeys(task_ids):
        task = _visible_task(uow, actor, task_id)
        if not leads(actor, task.agency_id):
            raise Forbidden("Chỉ lãnh đạo của cơ quan được phân công công việc.")
        if task.state != "open":
            raise Conflict(f"Công việc {task_id} đã được xử lý.")
        if not any(g.agency_id == task.agency_id and g.role == task.role
                   and g.in_force(uow.clock.now()) for g in assignee.grants):
            raise Invalid(f"{assignee.full_name} không giữ vai trò của bước «{task.name}».")
        task.assignee_id = assignee.id
        task.claimed_at = uow.clock.now()
        record(uow, task.dossier, "task_assigned", actor=actor, task=task,
               note=assignee.full_name)
        if assignee.id != actor.account_id:
            _tell_assignee(uow, actor, task, assignee.id)
            given.append(task)
        views.append({**task_view(task), "assignee_name": assignee.full_name})
    if given and assignee.email:
        mail_assignee(uow, actor, given, assignee, task_link=task_link)
    uow.commit()
    return views


def _tell_assignee(uow: UnitOfWork, leader: Actor, task: Task, assignee_id: int) -> None:
    """The officer a leader gave a step to is told in the system (their inbox page); the
    applicant is not (`task_assigned` is not a notice of theirs)."""
    code = task.dossier.code
    due = f" Hạn của bước: {instant_words(local_iso(task.due_at) or '')}." if task.due_at else ""
    tell_officer(uow.connection, account_id=assignee_id, dossier_id=task.dossier_id,
                 subject=f"Bạn được giao: «{task.name}» — hồ sơ {code}",
                 body=f"{leader.name} đã giao cho bạn bước «{task.name}» của hồ sơ {code}.{due}",
                 now=uow.clock.now())


def claim_task(uow: UnitOfWork, *, actor: Actor, task_id: int) -> dict[str, Any]:
    """Take an open task for oneself; `Conflict` when someone else already has it or it is
    no longer open. Only holders of the step's role take it (a leader assigns it instead).

    The dossier row is locked first, as every writer of the dossier does, then the task is
    taken with a guarded UPDATE: a claim racing a completion or a refusal either lands
    before it (and the other gets `Conflict`) or gets `Conflict` itself.
    """
    found = lock_task(uow, task_id)
    if found is None or not may_see_task(actor, *_facts(found[1])):
        raise NotFound("Không tìm thấy công việc.")
    dossier, row = found
    if not may_work_task(actor, *_facts(row)):
        raise Forbidden("Bạn không giữ vai trò của bước này; lãnh đạo có thể phân công.")
    if row.state != "open":
        raise Conflict("Công việc đã được xử lý.")
    if row.assignee_id not in (None, actor.account_id):
        raise Conflict(TAKEN)
    taken = uow.connection.execute(_TAKE_TASK, {
        "b_id": task_id, "b_actor": actor.account_id,
        "assignee_id": actor.account_id, "claimed_at": uow.clock.now()})
    if taken.rowcount != 1:
        state = uow.connection.execute(_TASK_STATE, {"b_id": task_id}).scalar_one()
        raise Conflict("Công việc đã được xử lý." if state != "open" else TAKEN)
    record(uow, dossier, "task_claimed", actor=actor, task=row)
    task = uow.session.get(Task, task_id)
    assert task is not None  # it was just updated
    view = task_view(task)
    uow.commit()
    return view


def _check_workable(actor: Actor, task: TaskRow) -> None:
    """`Conflict` unless the step waits for the actor: open, and free or theirs."""
    if task.state == "suspended":
        raise Conflict("Hồ sơ đang chờ công dân bổ sung; chưa xử lý tiếp được.")
    if task.state != "open":
        raise Conflict("Công việc này đã được hoàn thành hoặc không còn hiệu lực.")
    if task.assignee_id not in (None, actor.account_id):
        raise Conflict(TAKEN)


def complete_task(
    uow: UnitOfWork, *, actor: Actor, task_id: int, data: dict[str, Any],
    confirm_other_delivery: bool = False,
) -> dict[str, Any]:
    """Complete a task with its form data and advance the dossier, in one transaction.

    Workflow state, task rows, status, clock and events commit together or not at all.
    The dossier row is locked and version-checked (see `engine.progress`), so of two
    officers completing the same task exactly one succeeds; the other gets `Conflict`.
    A hand-over another way than the post while a result order is open: `Conflict` unless
    `confirm_other_delivery`, which cancels the order (`cancel_for_other_way`). Returns the
    task, the dossier's new status, the tasks opened, the cancelled order's reference."""
    if not isinstance(data, dict):
        raise Invalid("Dữ liệu biểu mẫu phải là một đối tượng JSON.")
    found = lock_task(uow, task_id)
    if found is None or not may_work_task(actor, *_facts(found[1])):
        raise NotFound("Không tìm thấy công việc.")
    dossier, task = found
    if task.bpmn_id == CONSULT_STEP and task.state == "open":
        if task.assignee_id not in (None, actor.account_id):
            raise Conflict(TAKEN)
        return answer_consultation(uow, actor=actor, dossier=dossier, task=task, data=data)
    _check_workable(actor, task)
    errors = loaded_version(uow, dossier.version_id).validator(task.form).validate_submission(data)
    if errors:
        raise FormInvalid("Biểu mẫu chưa hợp lệ.", details=[e.as_dict() for e in errors])
    cancelled, delivered_at = _hand_over_checks(uow, actor, dossier, task, data, confirm_other_delivery)

    def complete(step: Advance) -> None:
        try:
            step.instance.complete(task.spiff_id, data)
        except TaskNotWaiting as exc:
            raise Conflict("Công việc không còn chờ xử lý.") from exc
        except ProcessError as exc:
            raise Invalid(f"Quy trình không tiếp tục được: {exc}") from exc
        step.finish_task(task, data)
        step.synchronise(completed=task)
        if delivered_at is not None and step.dossier.status == Status.RETURNED:
            step.change(returned_at=delivered_at)  # the carrier's delivery is the return

    step = advance_dossier(uow, dossier, actor, complete, commit=False)
    tell_if_ready(uow, dossier)  # the result now waits at the desk: the applicant is invited
    uow.commit()
    return {
        "task": {"id": task.id, "step": task.bpmn_id, "name": task.name, "state": "completed"},
        "dossier": {"code": dossier.code, "status": dossier.status,
                    "due_at": local_iso(dossier.due_at)},
        "opened": step.opened, "cancelled_postal_order": cancelled,
    }


def _hand_over_checks(uow: UnitOfWork, actor: Actor, dossier: DossierRow, task: TaskRow,
                      data: dict[str, Any], confirmed: bool) -> tuple[str | None, datetime | None]:
    """A hand-over's conditions (an online result attached, the fee collected, the post's
    order): the postal order cancelled for another way, and the carrier's delivery time
    when the desk records a result the post delivered (`postal_hand_back`)."""
    check_delivery(uow, dossier.id, data)
    check_fee_collected(uow, dossier, task.bpmn_id)
    choice = data.get(HANDOVER_FIELD)
    cancelled = cancel_for_other_way(uow, actor=actor, dossier=dossier, choice=choice,
                                     confirmed=confirmed)
    return cancelled, postal_hand_back(uow, dossier, choice)


def complete_stage(
    uow: UnitOfWork, *, actor: Actor, code: str, stage: str, data: dict[str, Any],
    confirm_other_delivery: bool = False,
) -> dict[str, Any]:
    """Desk actions by dossier code: `receive` completes the reception step, `return` the
    hand-over of the result (national status 9 → 10)."""
    dossier = find_visible(uow, actor=actor, code=code)
    compiled = loaded_version(uow, dossier.version_id).compiled
    wanted = Status.REGISTERED if stage == "receive" else Status.DONE
    open_tasks = uow.session.scalars(
        select(Task).where(Task.dossier_id == dossier.id, Task.state == "open")
    ).all()
    matching = [t for t in open_tasks
                if t.bpmn_id in compiled.tasks and compiled.tasks[t.bpmn_id].status == wanted]
    if not matching and stage == "return" and (dossier.outcome == "refused"
                                               or dossier.ended_at is not None):
        row = DossierRow.lock(uow, dossier.id)
        assert row is not None  # it was just read
        return hand_back_refusal(uow, actor=actor, dossier=row)
    if not matching:
        label = "tiếp nhận" if stage == "receive" else "trả kết quả"
        raise Conflict(f"Hồ sơ không ở bước {label}.")
    return complete_task(uow, actor=actor, task_id=matching[0].id, data=data,
                         confirm_other_delivery=confirm_other_delivery)
