"""What a step may do, said before it is tried: the actions a task page offers only where
they can succeed, and the checks a step's own form cannot express — an electronic result
chosen at the hand-over needs the result's file.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.core.errors import FormInvalid
from engine.core.models import Attachment, Dossier, Event, Task
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.dossiers.actions import CONSULT_STEP
from engine.dossiers.search import DOCUMENTS, document_entry

# The packages' convention for the hand-over step's form: how the result is handed back,
# and the choice that hands it back online (the procedures' `tra_ket_qua` forms).
DELIVERY_FIELD = "hinh_thuc_tra"
ELECTRONIC = "truc_tuyen"
# The paper name of the electronic result (`engine.applicants.RESULT_PAPER`, the same words:
# applicants import dossiers, not the other way round).
RESULT_PAPER = "Kết quả giải quyết"
NO_RESULT_FILE = ("Trả kết quả trực tuyến cần bản điện tử của kết quả: hãy đính kèm tệp kết "
                  "quả (mục «Đính kèm kết quả điện tử») rồi hoàn thành bước, hoặc chọn hình "
                  "thức trả khác.")


def has_result_file(uow: UnitOfWork, dossier_id: int) -> bool:
    """The dossier has a current electronic result."""
    return uow.session.scalar(select(Attachment.id).where(
        Attachment.dossier_id == dossier_id, Attachment.paper == RESULT_PAPER,
        Attachment.replaced_at.is_(None)).limit(1)) is not None


def check_delivery(uow: UnitOfWork, dossier_id: int, data: dict[str, Any]) -> None:
    """An electronic result is handed back only once its file is attached (else the
    applicant reads «Đã trả kết quả» with nothing to download)."""
    if data.get(DELIVERY_FIELD) == ELECTRONIC and not has_result_file(uow, dossier_id):
        raise FormInvalid(NO_RESULT_FILE, details=[
            {"field": DELIVERY_FIELD, "message": NO_RESULT_FILE}])


def offered_actions(uow: UnitOfWork, task: Task) -> dict[str, Any]:
    """Which of the step's other actions can succeed now: no supplement nor refusal once
    the result exists (status 9: the desk hands it back), no «Trả về bước trước» on the
    first step (nothing completed before it); and the dossier's documents to print."""
    decided = task.dossier.status == Status.DONE
    earlier = uow.session.scalar(select(Task.id).where(
        Task.dossier_id == task.dossier_id, Task.state == "completed",
        Task.bpmn_id != CONSULT_STEP).limit(1)) is not None
    return {"may_request_supplement": not decided, "may_refuse": not decided,
            "may_send_back": earlier, "documents": step_documents(uow, task.dossier)}


def step_documents(uow: UnitOfWork, dossier: Dossier) -> list[dict[str, str]]:
    """The legal documents of the dossier a step works with (kind, form, title): the
    receipt once received, the supplement request, the refusal (the desk's form 03 or the
    agency's notice), the apology with its new date, the control slip — what the desk
    hands back at the return step."""
    happened = set(uow.session.scalars(select(Event.kind).where(
        Event.dossier_id == dossier.id, Event.kind.in_(("supplement_requested", "refused")))))
    available = {"receipt": dossier.received_at is not None,
                 "supplement": "supplement_requested" in happened,
                 "refusal": "refused" in happened or dossier.outcome == "refused",
                 "apology": dossier.extended_at is not None, "control_slip": True}
    return [document_entry(kind, form, title, dossier) for kind, form, title in DOCUMENTS
            if available.get(kind)]
