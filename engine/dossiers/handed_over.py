"""Whether a dossier's result was handed over: an end event «Đã trả kết quả» (status 10) of
a granted result records the hand-over time only when a hand-over step (a step declared at
status 9, the desk's «Trả kết quả») was completed on the way. A version approved before
validation refused such a path (`bpmn.handover_checks`) could still end there: the dossier
then stays «Đã xử lý xong» (9), ended, with no hand-over time, so nobody reads «đã trả kết
quả» for a result nobody handed over; the desk hands it back by the dossier's `return`
action (`actions.hand_back_refusal`, `tasks.complete_stage`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from bpmn.compiled import CompiledProcedure, EndInfo
from engine.core.prepared import Prepared
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.dossiers.rows import TASKS

_COMPLETED_STEPS = Prepared(select(TASKS.c.bpmn_id).where(
    TASKS.c.dossier_id == bindparam("b_id"), TASKS.c.state == "completed").distinct())


def handed_over(uow: UnitOfWork, dossier_id: int, compiled: CompiledProcedure) -> bool:
    """A hand-over step of the dossier's procedure was completed."""
    steps = _COMPLETED_STEPS.run(uow.connection, {"b_id": dossier_id}).scalars()
    return any(getattr(compiled.tasks.get(b), "status", None) == Status.DONE for b in steps)


def at_the_end(uow: UnitOfWork, dossier_id: int, compiled: CompiledProcedure,
               end: EndInfo | None, now: datetime) -> dict[str, Any]:
    """The dossier's columns once its process reached `end` at status 10: the hand-over
    time, or — a granted result never handed over — status 9 and none."""
    if end is not None and end.outcome == "granted" and not handed_over(uow, dossier_id, compiled):
        return {"status": Status.DONE}
    return {"returned_at": now}
