"""The result handed back by the public postal service (QĐ 45/2016/QĐ-TTg; Tuyên Quang
art. 32.4; Đồng Tháp art. 6.1: a result may be returned «qua dịch vụ bưu chính công ích»):
the return is done when the carrier delivers it, not when the desk gives it to the post.

The carrier's final report on a result order (`engine.dossiers.postal.record_postal_status`,
in its transaction, the dossier's row locked):
- delivered: the open hand-over step (the step at status 9) is completed by the system as
  an officer's completion would be — the engine's one path (`advance_dossier`), the step's
  form filled with the postal choice and validated — so the dossier reaches «Đã trả kết
  quả» (10) with the delivery's time as its return time; a refusal letter (no step) is
  handed back the same way. The applicant is told once: the carrier's report
  (`postal_result_delivered`); the status 10 that follows a told result is not told again
  (`engine.records.notices`). A step whose form cannot take the postal choice is left to
  the desk, who is told.
  A result whose fee is not collected (`engine.dossiers.fees`) is not returned so: the
  step stays open and the desk is told to collect the fee and complete it (the delivery's
  time is then the return time, `postal.postal_hand_back`).
- returned to sender: the desk is told (an in-system notice), the hand-over stays open.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from bpmn.runtime import ProcessError, TaskNotWaiting
from engine.core.actors import SYSTEM
from engine.core.errors import Conflict
from engine.core.models import Account, Dossier, PostalOrder, RoleGrant, Task
from engine.core.permissions import DESK
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.dossiers.advance import Advance, advance_dossier
from engine.dossiers.fees import dong, unpaid_at_hand_over
from engine.dossiers.rows import DossierRow, TaskRow, lock_task, record
from engine.procedures.cache import loaded_version
from engine.records import tell_officer

CHOICE_FIELD, BY_POST = "hinh_thuc_tra", "buu_chinh"  # the hand-over form's convention


def after_final_report(uow: UnitOfWork, dossier: DossierRow, order: PostalOrder) -> None:
    """A result order reached a final state: delivered hands the result back, returned
    tells the desk. Nothing happens to a dossier that is not waiting for its hand-over."""
    if dossier.status != Status.DONE:
        return
    task = hand_over_step(uow, dossier)
    code = dossier.code
    if order.status == "returned":
        _tell_desk(uow, dossier, task, f"Bưu điện chuyển hoàn kết quả hồ sơ {code}",
                   f"Bưu điện không phát được kết quả của hồ sơ {code} (đơn {order.reference}"
                   f"{_carrier_note(order)}) và chuyển hoàn về cơ quan. Bước trả kết quả vẫn mở: "
                   "liên hệ người nộp và trả kết quả theo hình thức khác.")
        return
    at = order.status_at or uow.clock.now()
    owed = _owed(uow, dossier) if task is not None else 0
    if task is not None and owed:
        _tell_desk(uow, dossier, task, f"Bưu điện đã phát kết quả hồ sơ {code}: chưa thu phí",
                   f"Bưu điện đã phát kết quả của hồ sơ {code} (đơn {order.reference}) nhưng hồ "
                   f"sơ chưa nộp phí, lệ phí {dong(owed)}: bước «{task.name}» chưa hoàn thành. "
                   "Thu phí, lệ phí rồi hoàn thành bước này (hình thức «bưu chính»: thời điểm "
                   "bưu điện phát là thời điểm trả kết quả).")
    elif task is None and dossier.outcome == "refused":
        _hand_back_letter(uow, dossier, order, at)
    elif task is not None and not _complete_by_post(uow, task, order, at):
        _tell_desk(uow, dossier, task, f"Bưu điện đã phát kết quả hồ sơ {code}",
                   f"Bưu điện đã phát kết quả của hồ sơ {code} (đơn {order.reference}) nhưng "
                   f"bước «{task.name}» không tự hoàn thành được: hãy hoàn thành bước này.")


def _owed(uow: UnitOfWork, dossier: DossierRow) -> int:
    """What the dossier still owes before its result is returned (`fees.unpaid_at_hand_over`)."""
    found = uow.session.get(Dossier, dossier.id)
    return 0 if found is None else unpaid_at_hand_over(uow, found)


def hand_over_step(uow: UnitOfWork, dossier: DossierRow) -> Task | None:
    """The dossier's open step that hands the result back (its task declares status 9)."""
    compiled = loaded_version(uow, dossier.version_id).compiled
    return next((t for t in uow.session.scalars(select(Task).where(
        Task.dossier_id == dossier.id, Task.state == "open").order_by(Task.id))
        if t.bpmn_id in compiled.tasks and compiled.tasks[t.bpmn_id].status == Status.DONE), None)


def _complete_by_post(uow: UnitOfWork, task: Task, order: PostalOrder, at: datetime) -> bool:
    """Complete the hand-over step with the postal choice, as the system; False (nothing
    written) when its form cannot take it or its process refuses."""
    found = lock_task(uow, task.id)
    assert found is not None  # read just now, under the dossier's lock
    dossier, row = found
    data = _postal_data(uow, dossier, row, order)
    if data is None:
        return False

    def complete(step: Advance) -> None:
        try:
            step.instance.complete(row.spiff_id, data)
        except (TaskNotWaiting, ProcessError) as exc:
            raise Conflict(f"Quy trình không tiếp tục được: {exc}") from exc
        step.finish_task(row, data)
        step.synchronise(completed=row)
        if step.dossier.status == Status.RETURNED:
            step.change(returned_at=at)  # the delivery is the return

    try:  # the process refuses before anything is written or queued
        advance_dossier(uow, dossier, SYSTEM, complete, commit=False)
    except Conflict:
        return False
    return True


def _postal_data(uow: UnitOfWork, dossier: DossierRow, task: TaskRow,
                 order: PostalOrder) -> dict[str, Any] | None:
    """The step's form filled with the postal choice (and a note, where the form has one),
    or None when the form does not validate with it."""
    validator = loaded_version(uow, dossier.version_id).validator(task.form)
    note = f"Bưu điện đã phát (đơn {order.reference}{_carrier_note(order)})."
    for data in ({CHOICE_FIELD: BY_POST, "ghi_chu": note[:1000]}, {CHOICE_FIELD: BY_POST}):
        if not validator.validate_submission(data):
            return data
    return None


def _hand_back_letter(uow: UnitOfWork, dossier: DossierRow, order: PostalOrder,
                      at: datetime) -> None:
    """A refusal letter (no process step) delivered by post: handed back (9 → 10)."""
    def hand_back(step: Advance) -> None:
        step.change(status=Status.RETURNED, returned_at=at)
        record(uow, dossier, "returned", actor=SYSTEM,
               note=f"Trả văn bản từ chối qua bưu điện (đơn {order.reference})")

    advance_dossier(uow, dossier, SYSTEM, hand_back, commit=False)


def _tell_desk(uow: UnitOfWork, dossier: DossierRow, task: Task | None, subject: str,
               body: str) -> None:
    """An in-system notice to whoever holds the hand-over step, else to every desk officer
    of the dossier's agency."""
    now = uow.clock.now()
    if task is not None and task.assignee_id is not None:
        accounts = [task.assignee_id]
    else:
        grants = uow.session.scalars(select(RoleGrant).join(RoleGrant.account).where(
            RoleGrant.agency_id == dossier.agency_id, RoleGrant.role == DESK,
            Account.active.is_(True)))
        accounts = sorted({g.account_id for g in grants if g.in_force(now)})
    for account_id in accounts:
        tell_officer(uow.connection, account_id=account_id, dossier_id=dossier.id,
                     subject=subject, body=body, now=now)


def _carrier_note(order: PostalOrder) -> str:
    tracking = f", số hiệu bưu gửi {order.tracking_number}" if order.tracking_number else ""
    return tracking + (f"; bưu điện ghi: {order.note}" if order.note else "")
