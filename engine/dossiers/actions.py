"""What an officer may do at a step besides completing it (NĐ 61/2018 art. 19): refuse the
dossier with reasons, consult another unit with a deadline for its opinion, send the
dossier back to the previous step with a note; and what the agency's leader may do to the
whole dossier: stop processing it (dừng xử lý, NĐ 118/2025 art. 21). Each is recorded
with actor and time.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from sqlalchemy import select, update

from bpmn.runtime import TaskNotWaiting
from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Conflict, Forbidden, FormInvalid, Invalid, NotFound
from engine.core.models import Agency, Payment, Task, Timer
from engine.core.permissions import SPECIALIST, is_desk_of, may_stop_processing, may_work_task
from engine.core.statuses import STATUS_LABELS, Status
from engine.core.uow import UnitOfWork
from engine.dossiers.advance import Advance, advance_dossier
from engine.dossiers.rows import DossierRow, TaskRow, lock_task, record
from engine.dossiers.submit import find_visible
from engine.legal_clock.calendars import calendar_for
from engine.legal_clock.lateness import due_soon_margin
from forms import FormValidator

CONSULT_STEP = "__y_kien__"
CONSULT_FORM = "__y_kien__.schema.json"
OPINION_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object", "title": "Ý kiến",
    "required": ["y_kien"],
    "properties": {"y_kien": {"type": "string", "title": "Ý kiến của đơn vị", "minLength": 2,
                              "maxLength": 4000}},
}


# Once the result exists (status 9) only its hand-over is left.
DECIDED = ("Hồ sơ đã có kết quả giải quyết, chỉ còn trả kết quả; không từ chối hay yêu cầu "
           "bổ sung được nữa.")


def _locked_step(uow: UnitOfWork, actor: Actor, task_id: int) -> tuple[DossierRow, TaskRow]:
    found = lock_task(uow, task_id)
    if found is None:
        raise NotFound("Không tìm thấy công việc.")
    dossier, task = found
    if not may_work_task(actor, task.agency_id, task.role, task.assignee_id):
        raise NotFound("Không tìm thấy công việc.")
    if task.state != "open":
        raise Conflict("Công việc này đã được hoàn thành hoặc không còn hiệu lực.")
    return dossier, task


def refuse(uow: UnitOfWork, *, actor: Actor, task_id: int, reasons: str) -> dict[str, Any]:
    """Refuse the dossier with written reasons (form 03): the process stops; a dossier
    already received waits for its refusal letter to be handed back (status 9)."""
    if not reasons.strip():
        raise FormInvalid("Cần nêu lý do từ chối.", details=[
            {"field": "reasons", "message": "Vui lòng nhập lý do từ chối."}])
    dossier, task = _locked_step(uow, actor, task_id)
    if task.assignee_id not in (None, actor.account_id):  # the step is someone else's now
        raise Conflict("Công việc đã được cán bộ khác nhận xử lý.")
    if dossier.status == Status.DONE:
        raise Conflict(DECIDED)
    previous = dossier.status

    def refuse_here(step: Advance) -> None:
        step.finish_task(task, {"ly_do_tu_choi": reasons})
        # The process is cancelled, not ended at an end event, and the letter waits for
        # the desk (no hand-over time yet).
        step.stop(Status.DONE if dossier.received_at else Status.NOT_RECEIVED, "refused")
        record(uow, dossier, "status_changed", actor=actor,
               note=f"{previous} → {dossier.status}")
        record(uow, dossier, "refused", actor=actor, task=task, note=reasons)

    advance_dossier(uow, dossier, actor, refuse_here)
    return {"code": dossier.code, "status": dossier.status, "outcome": "refused"}


def hand_back_refusal(uow: UnitOfWork, *, actor: Actor, dossier: DossierRow) -> dict[str, Any]:
    """The desk hands a refusal letter back: status 9 → 10 without a process step; so too
    a result whose process ended with no hand-over step (`engine.dossiers.handed_over`)."""
    if dossier.status != Status.DONE or (dossier.outcome != "refused" and dossier.ended_at is None):
        raise Conflict("Hồ sơ không ở bước trả kết quả.")
    if not is_desk_of(actor, dossier.agency_id):
        raise Forbidden("Chỉ Bộ phận Một cửa trả kết quả.")

    def hand_back(step: Advance) -> None:
        step.change(status=Status.RETURNED, returned_at=step.now)
        record(uow, dossier, "returned", actor=actor,
               note="Trả văn bản từ chối" if dossier.outcome == "refused" else "Trả kết quả")

    advance_dossier(uow, dossier, actor, hand_back)
    return {"dossier": {"code": dossier.code, "status": dossier.status,
                        "due_at": local_iso(dossier.due_at)}}


def consult(
    uow: UnitOfWork, *, actor: Actor, task_id: int, agency_code: str, question: str,
    days: int, role: str = SPECIALIST,
) -> dict[str, Any]:
    """Ask another unit for its opinion by a deadline: a step in that unit's inbox, with
    reminders (its leaders when late); the dossier keeps waiting at the current step."""
    if not question.strip():
        raise Invalid("Cần nêu nội dung xin ý kiến.")
    if not 1 <= days <= 30:
        raise Invalid("Thời hạn cho ý kiến từ 1 đến 30 ngày làm việc.")
    dossier, _ = _locked_step(uow, actor, task_id)
    other = uow.session.scalar(select(Agency).where(Agency.code == agency_code))
    if other is None:
        raise NotFound(f"Không có cơ quan mã {agency_code}.")
    calendar = calendar_for(uow, other.id)
    now = uow.clock.now()
    due = calendar.add(now, days * calendar.day_length)
    consultation = Task(
        dossier_id=dossier.id, spiff_id=str(uuid4()), bpmn_id=CONSULT_STEP,
        name=f"Cho ý kiến: {question.strip()[:250]}", role=role, agency_id=other.id,
        form=CONSULT_FORM, state="open", created_at=now, due_at=due)
    uow.session.add(consultation)
    uow.session.flush()
    uow.session.add_all([
        Timer(dossier_id=dossier.id, kind="overdue", task_id=consultation.id, due_at=due),
        Timer(dossier_id=dossier.id, kind="due_soon", task_id=consultation.id,
              due_at=calendar.subtract(due, due_soon_margin(calendar, now, due))),
    ])
    record(uow, dossier, "consultation_requested", actor=actor, task=consultation,
           note=f"{other.name}: {question}")
    uow.commit()
    return {"task_id": consultation.id, "agency": other.code, "due_at": local_iso(due)}


def answer_consultation(
    uow: UnitOfWork, *, actor: Actor, dossier: DossierRow, task: TaskRow, data: dict[str, Any]
) -> dict[str, Any]:
    """The consulted unit gives its opinion (the caller locked the dossier and checked
    the task); the asking step sees it in the history."""
    errors = FormValidator(OPINION_SCHEMA).validate_submission(data)
    if errors:
        raise FormInvalid("Ý kiến chưa hợp lệ.", details=[e.as_dict() for e in errors])

    def answer(step: Advance) -> None:
        step.finish_task(task, data)
        record(uow, dossier, "consultation_answered", actor=actor, task=task,
               note=str(data.get("y_kien", ""))[:500])

    advance_dossier(uow, dossier, actor, answer)
    return {"task": {"id": task.id, "step": task.bpmn_id, "name": task.name,
                     "state": "completed"},
            "dossier": {"code": dossier.code, "status": dossier.status,
                        "due_at": local_iso(dossier.due_at)}, "opened": []}


def send_back(uow: UnitOfWork, *, actor: Actor, task_id: int, note: str) -> dict[str, Any]:
    """Return the dossier to the previous step with a note: that step waits again."""
    if not note.strip():
        raise Invalid("Cần ghi chú lý do trả lại bước trước.")
    dossier, task = _locked_step(uow, actor, task_id)
    previous = uow.session.scalar(
        select(Task).where(Task.dossier_id == dossier.id, Task.state == "completed",
                           Task.bpmn_id != CONSULT_STEP)
        .order_by(Task.completed_at.desc(), Task.id.desc()).limit(1))
    if previous is None:
        raise Conflict("Đây là bước đầu tiên, không có bước trước để trả lại.")
    back_to = previous

    def send_back_here(step: Advance) -> None:
        try:
            step.instance.reset_to(back_to.spiff_id)
        except TaskNotWaiting as exc:
            raise Conflict("Không trả lại được bước trước.") from exc
        step.synchronise()
        record(uow, dossier, "sent_back", actor=actor, task=task,
               note=f"Trả lại bước «{back_to.name}»: {note}")

    step = advance_dossier(uow, dossier, actor, send_back_here)
    return {"code": dossier.code, "status": dossier.status, "opened": step.opened}


# Processing may stop once the dossier was received and until its result exists; a
# withdrawal request (7) waits for the leader to confirm the stop.
STOPPABLE = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT)


def stop_processing(uow: UnitOfWork, *, actor: Actor, code: str, reasons: str) -> dict[str, Any]:
    """Stop processing a dossier (status 8) with written reasons, by a leader of the agency
    processing it: the process is cancelled, its steps leave the inboxes, its timers and a
    fee still asked are cancelled, the legal clock ends, the applicant is told and the stop
    notice can be printed. After a withdrawal request (7) this confirms the stop."""
    if not reasons.strip():
        raise FormInvalid("Cần nêu lý do dừng xử lý hồ sơ.", details=[
            {"field": "reasons", "message": "Vui lòng nhập lý do dừng xử lý."}])
    found = find_visible(uow, actor=actor, code=code)
    if not may_stop_processing(actor, found.agency_id):
        raise Forbidden("Chỉ lãnh đạo cơ quan đang giải quyết hồ sơ được dừng xử lý hồ sơ; "
                        "hãy đề xuất với lãnh đạo.")
    dossier = DossierRow.lock(uow, found.id)
    assert dossier is not None  # found just above, and dossiers are never deleted
    previous = dossier.status
    withdrawn = previous == Status.WITHDRAWN and dossier.outcome == "withdrawn"
    if not withdrawn and (dossier.ended_at is not None or previous not in STOPPABLE):
        raise Conflict("Không dừng xử lý được hồ sơ ở trạng thái "
                       f"«{STATUS_LABELS[previous]}»: chỉ hồ sơ đã tiếp nhận, chưa có kết quả "
                       "(hoặc đang đề nghị rút) mới dừng xử lý được.")

    def stop_here(step: Advance) -> None:
        if withdrawn:  # the withdrawal already cancelled the process and ended the clock
            step.change(status=Status.STOPPED)
        else:
            step.stop(Status.STOPPED, "stopped")
        uow.connection.execute(update(Payment).where(
            Payment.dossier_id == dossier.id, Payment.state == "requested")
            .values(state="cancelled"))
        record(uow, dossier, "status_changed", actor=actor, note=f"{previous} → {dossier.status}")
        record(uow, dossier, "stopped", actor=actor, note=reasons.strip()[:2000])

    advance_dossier(uow, dossier, actor, stop_here)
    return {"code": dossier.code, "status": dossier.status,
            "status_label": STATUS_LABELS[dossier.status], "outcome": dossier.outcome}
