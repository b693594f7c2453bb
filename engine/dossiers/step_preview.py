"""Where a step's completion sends the dossier, said before it is sent.

Completing a step (an appraisal's proposal, the leader's decision to grant a permit) cannot
be taken back, so the task page asks the officer to confirm first (`webapp/step_confirm.py`).
This module checks the step's form as completing it would and runs the dossier's process
in memory from its stored state with the form's data, to name the steps that would open
next or the end the process would reach. Read only: nothing is written or cached.
"""

from __future__ import annotations

from typing import Any

from bpmn.runtime import ProcessError, TaskNotWaiting
from engine.core.actors import Actor
from engine.core.errors import Conflict, FormInvalid, NotFound
from engine.core.models import Task
from engine.core.permissions import may_work_task
from engine.core.uow import UnitOfWork
from engine.dossiers.fees import check_fee_collected
from engine.dossiers.offered import check_delivery
from engine.procedures.cache import loaded_version


def step_preview(uow: UnitOfWork, *, actor: Actor, task_id: int,
                 data: dict[str, Any]) -> dict[str, Any]:
    """The summary of completing an open step with `data`: the dossier, the step, and
    `next` — the names of the steps that would open after it (a list, perhaps empty), or
    `end`, the name of the end reached. `FormInvalid` for a form completing would refuse
    (an electronic hand-over without its file too), `FeeNotCollected` for a hand-over
    before the fee, `Conflict` for a step no longer waiting. Neither `next` nor `end` is promised when the
    process cannot tell (a decision made later, a timer): both are then empty."""
    task = uow.session.get(Task, task_id)
    if task is None or not may_work_task(actor, task.agency_id, task.role, task.assignee_id):
        raise NotFound("Không tìm thấy công việc.")
    if task.state != "open":
        raise Conflict("Công việc này đã được hoàn thành hoặc không còn hiệu lực.")
    dossier = task.dossier
    loaded = loaded_version(uow, dossier.version_id)
    errors = loaded.validator(task.form).validate_submission(data)
    if errors:
        raise FormInvalid("Biểu mẫu chưa hợp lệ.", details=[e.as_dict() for e in errors])
    check_delivery(uow, dossier.id, data)  # what completing refuses is said before asking
    check_fee_collected(uow, dossier, task.bpmn_id)
    compiled = loaded.compiled
    summary: dict[str, Any] = {
        "code": dossier.code, "task_name": task.name, "applicant": dossier.applicant_name,
        "procedure_name": compiled.manifest["name"], "next": [], "end": ""}
    if not dossier.workflow_state:
        return summary
    instance = loaded.model.restore(dossier.workflow_state)  # a private copy
    before = {w.id for w in instance.waiting()}
    try:
        instance.complete(task.spiff_id, data)
    except (TaskNotWaiting, ProcessError):
        return summary  # completing names the problem itself
    if instance.completed:
        end = compiled.end_events.get(instance.end_event() or "")
        summary["end"] = end.name if end is not None else ""
        return summary
    names = [compiled.tasks[w.bpmn_id].name if w.bpmn_id in compiled.tasks else w.name
             for w in instance.waiting() if w.id not in before]
    summary["next"] = list(dict.fromkeys(n for n in names if n))
    return summary
