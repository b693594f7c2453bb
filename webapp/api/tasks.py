"""Tasks: the caller's inbox, assigning, claiming and releasing, refusing, consulting
another unit, sending back and completing."""

from __future__ import annotations

from flask import Response, jsonify, request

from engine import dossiers
from engine.core import SPECIALIST, Invalid
from engine.dossiers import officer_inbox as inbox
from webapp.api.common import bp, confirmed, json_body, signed_in
from webapp.context import task_link, uow
from webapp.filters import inbox_filter


@bp.get("/tasks")
def list_tasks() -> Response:
    """The caller's inbox: filters `role`, `procedure`, `step`, `status`, `urgency`
    (overdue|due_soon), `channel`, `assigned` (me|unassigned), `q` (code or applicant),
    `limit`, `offset`; with the total and the quick-filter counts, and, when the inbox is
    empty with no filter, why (`empty_reason`: `dossiers.empty_inbox`)."""
    actor = signed_in()
    filters = inbox_filter(request.args)
    with uow() as work:
        page = inbox(work, actor=actor, filters=filters)
        if not page["tasks"] and not dossiers.inbox_narrowed(filters) and filters.view != "team":
            page["empty_reason"] = dossiers.empty_inbox(work, actor=actor).as_dict()
    return jsonify(page)


@bp.post("/tasks/assign")
def assign() -> Response:
    """A leader assigns tasks (`{task_ids: [...], assignee_id}`) to an officer."""
    actor = signed_in()
    body = json_body()
    ids, assignee = body.get("task_ids"), body.get("assignee_id")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids) or not isinstance(
        assignee, int
    ):
        raise Invalid("Cần 'task_ids' (danh sách số) và 'assignee_id' (số).")
    with uow() as work:
        return jsonify({"tasks": dossiers.assign_tasks(work, actor=actor, task_ids=ids,
                                                       assignee_id=assignee,
                                                       task_link=task_link())})


@bp.get("/tasks/<int:task_id>")
def show_task(task_id: int) -> Response:
    """One task with its form and the dossier's data."""
    actor = signed_in()
    with uow() as work:
        return jsonify(dossiers.get_task(work, actor=actor, task_id=task_id))


@bp.post("/tasks/<int:task_id>/claim")
def claim(task_id: int) -> Response:
    """Take a task for oneself."""
    actor = signed_in()
    with uow() as work:
        return jsonify(dossiers.claim_task(work, actor=actor, task_id=task_id))


@bp.post("/tasks/<int:task_id>/release")
def release(task_id: int) -> Response:
    """Give a claimed task back to the shared inbox."""
    actor = signed_in()
    with uow() as work:
        return jsonify(dossiers.release_task(work, actor=actor, task_id=task_id))


@bp.post("/tasks/<int:task_id>/refuse")
def refuse(task_id: int) -> Response:
    """Refuse the dossier at this step with reasons (`{reasons}`; form 03)."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        return jsonify(dossiers.refuse(work, actor=actor, task_id=task_id,
                                       reasons=str(body.get("reasons", ""))))


@bp.post("/tasks/<int:task_id>/consult")
def consult(task_id: int) -> tuple[Response, int]:
    """Ask another unit for its opinion (`{agency, question, days, role?}`)."""
    actor = signed_in()
    body = json_body()
    days = body.get("days")
    if not isinstance(days, int) or isinstance(days, bool):
        raise Invalid("Trường 'days' phải là số ngày làm việc.")
    with uow() as work:
        return jsonify(dossiers.consult(
            work, actor=actor, task_id=task_id, agency_code=str(body.get("agency", "")),
            question=str(body.get("question", "")), days=days,
            role=str(body.get("role") or SPECIALIST))), 201


@bp.post("/tasks/<int:task_id>/send-back")
def send_back(task_id: int) -> Response:
    """Return the dossier to the previous step with a note (`{note}`)."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        return jsonify(dossiers.send_back(work, actor=actor, task_id=task_id,
                                          note=str(body.get("note", ""))))


@bp.post("/tasks/<int:task_id>/complete")
def complete(task_id: int) -> Response:
    """Complete a task with `{data}`; 409 when someone else completed it first, or when
    the hand-over records another way than the post while the applicant's result order is
    open, unless `confirm_other_delivery` is true (the order is then cancelled)."""
    actor = signed_in()
    body = json_body()
    data = body.get("data")
    if not isinstance(data, dict):
        raise Invalid("Trường 'data' phải là một đối tượng.")
    with uow() as work:
        return jsonify(dossiers.complete_task(work, actor=actor, task_id=task_id, data=data,
                                              confirm_other_delivery=confirmed(body)))
