"""What the desk's decision at a reception step will do, said before it is sent.

Accepting a dossier starts its legal clock and sends the applicant the receipt (form 01);
refusing it or asking a supplement sends form 03 or 02. None of these can be taken back,
so the task page asks the desk to confirm a summary first (`webapp/reception.py`): this
module says whether a task is a reception step, checks the step's form as completing it
would, and gives the facts of the summary — the due date the receipt would promise if the
dossier were received now, and where the applicant is told.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import FormInvalid, NotFound
from engine.core.models import Account, Dossier, Task
from engine.core.permissions import may_work_task
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.legal_clock.calendars import calendar_for
from engine.legal_clock.rules import due_at_reception
from engine.procedures.cache import loaded_version

# The reception form's conventions (the sample packages', as the desk's page reads them).
DECISION_FIELD, REFUSES = "ket_qua_kiem_tra", "tu_choi"


def accepts(data: dict[str, Any]) -> bool:
    """A reception form accepts unless it says it refuses."""
    return data.get(DECISION_FIELD) != REFUSES and data.get("hop_le", True) is not False


def _contacts(uow: UnitOfWork, dossier: Dossier) -> dict[str, Any]:
    """Where the applicant is told: their account's notices page, and the e-mail and phone
    of the account, else those the desk wrote on the dossier (as `records.notices`)."""
    row = uow.session.execute(
        select(Account.id,
               func.coalesce(func.nullif(Account.email, ""), Dossier.contact_email),
               func.coalesce(func.nullif(Account.phone, ""), Dossier.contact_phone))
        .select_from(Dossier).outerjoin(Account, Dossier.owner_id == Account.id)
        .where(Dossier.id == dossier.id)).one()
    return {"account": row[0] is not None, "email": row[1] or "", "phone": row[2] or ""}


def reception_preview(
    uow: UnitOfWork, *, actor: Actor, task_id: int, data: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The summary of a reception step's decision, or None when the task is no reception
    step (its dossier already received, or the step is not the one of status 1). With
    `data`, the step's form is checked as `complete_task` would (`FormInvalid`) and
    `accepts` says whether it receives the dossier. Read only: nothing is written."""
    task = uow.session.get(Task, task_id)
    if task is None or not may_work_task(actor, task.agency_id, task.role, task.assignee_id):
        raise NotFound("Không tìm thấy công việc.")
    dossier = task.dossier
    compiled = loaded_version(uow, dossier.version_id).compiled
    step = compiled.tasks.get(task.bpmn_id)
    if (task.state != "open" or dossier.received_at is not None or step is None
            or step.status != Status.REGISTERED):
        return None
    if data is not None:
        errors = loaded_version(uow, dossier.version_id).validator(task.form).validate_submission(
            data)
        if errors:
            raise FormInvalid("Biểu mẫu chưa hợp lệ.", details=[e.as_dict() for e in errors])
    due = due_at_reception(calendar_for(uow, dossier.agency_id), uow.clock.now(),
                           compiled.manifest["processing_time"])
    return {"code": dossier.code, "task_name": task.name, "applicant": dossier.applicant_name,
            "procedure_name": compiled.manifest["name"], "accepts": accepts(data or {}),
            "due_at": local_iso(due),
            **_contacts(uow, dossier)}
