"""What was decided on a dossier, in words the applicant reads: granted, refused (with the
reason recorded), stopped, withdrawn — and the answers of the steps' forms the designer
marked told to the applicant (`forms.schemas.TOLD`: the decision, the permit's number).

A dossier is decided once its result exists: the process reached «Đã xử lý xong» (status 9,
even if the fee is asked afterwards and the status moves on to 6), a refusal was recorded,
or the process ended. From then on the applicant may no longer withdraw it nor send paper
by post (`engine.applicants.citizens.withdraw`, `engine.dossiers.postal`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import or_, select

from bpmn.compiled import CompiledProcedure
from engine.core.models import Dossier, Event, Task
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.dossiers.standing import was_refused
from forms.render import describe_told

# kind → the «Kết quả giải quyết» line (the applicant's page and the officers' alike).
OUTCOME_WORDS = {
    "granted": "Được giải quyết: cơ quan chấp thuận đề nghị",
    "refused": "Bị từ chối giải quyết",
    "not_received": "Không được tiếp nhận",
    "stopped": "Cơ quan đã dừng xử lý hồ sơ",
    "withdrawn": "Người nộp đã rút hồ sơ",
}
DECIDED_MESSAGE = ("Hồ sơ {code} đã có kết quả giải quyết: không thể {what} nữa. "
                   "Xem «Kết quả giải quyết» ở trang hồ sơ.")
_RESULT = (Status.DONE, Status.RETURNED)


class _Row(Protocol):
    id: int
    status: int
    outcome: str | None


def is_decided(uow: UnitOfWork, dossier: _Row) -> bool:
    """Whether the dossier's result exists: granted (status 9 reached, whatever came after),
    refused, or ended. `dossier` is the model or the row read with its lock."""
    if dossier.status in _RESULT or dossier.outcome is not None:
        return True
    reached = (Status.NOT_RECEIVED, *_RESULT)
    # a status change is recorded with the status it reached (`rows.record`)
    return uow.session.scalar(select(Event.id).where(
        Event.dossier_id == dossier.id,
        or_(Event.kind == "refused",
            (Event.kind == "status_changed") & Event.status.in_(reached))).limit(1)) is not None


def decision_of(uow: UnitOfWork, dossier: Dossier, compiled: CompiledProcedure,
                tasks: Sequence[Task]) -> dict[str, Any]:
    """`kind` (a key of `OUTCOME_WORDS`, None while undecided), `label` (its words),
    `reason` (of a refusal or a stop, as recorded) and `told`: [{label, value}] of the
    completed steps' answers marked told to the applicant, in the order they were given."""
    kind = _kind(uow, dossier)
    reason = ""
    if kind in ("refused", "not_received", "stopped"):
        event = "stopped" if kind == "stopped" else "refused"
        reason = uow.session.scalar(select(Event.note).where(
            Event.dossier_id == dossier.id, Event.kind == event)
            .order_by(Event.id.desc()).limit(1)) or ""
    return {"kind": kind, "label": OUTCOME_WORDS[kind] if kind else None, "reason": reason,
            "told": told_answers(compiled, tasks) if kind else []}


def _kind(uow: UnitOfWork, dossier: Dossier) -> str | None:
    if was_refused(uow, dossier):
        return "not_received" if dossier.received_at is None else "refused"
    if dossier.status == Status.NOT_RECEIVED:
        return "not_received"
    if dossier.status == Status.WITHDRAWN or dossier.outcome == "withdrawn":
        return "withdrawn"
    if dossier.status == Status.STOPPED or dossier.outcome == "stopped":
        return "stopped"
    return "granted" if is_decided(uow, dossier) else None


def told_answers(compiled: CompiledProcedure, tasks: Sequence[Task]) -> list[dict[str, str]]:
    """The marked answers of each completed step (a step done twice: its last answers)."""
    latest: dict[str, Task] = {}
    for task in tasks:
        if task.state == "completed" and isinstance(task.data, dict):
            latest.pop(task.bpmn_id, None)
            latest[task.bpmn_id] = task
    told: list[dict[str, str]] = []
    for task in latest.values():
        info = compiled.tasks.get(task.bpmn_id)
        schema = compiled.forms.get(info.form) if info is not None else None
        if info is None or not isinstance(schema, dict):
            continue
        told.extend({"label": label, "value": value} for label, value in describe_told(
            schema, compiled.ui_for(info.form), task.data or {}))
    return told
