"""Where a dossier's process stands, as a national status (DOMAIN.md): what the advance
writes to the dossier row after each move."""

from __future__ import annotations

from bpmn.compiled import CompiledProcedure
from bpmn.runtime import ProcessInstance
from engine.core.statuses import Status


def project_status(
    instance: ProcessInstance, compiled: CompiledProcedure, waiting: list[str]
) -> int:
    """The national status (DOMAIN.md) where the process stands now.

    Finished: the end event's status. Waiting: the lowest status declared by a waiting
    task (e.g. 1 at reception, 9 when the result awaits hand-over), else 4 (processing).
    """
    if instance.completed:
        end = compiled.end_events.get(instance.end_event() or "")
        return int(end.status) if end else int(Status.RETURNED)
    declared = [compiled.tasks[b].status for b in waiting if compiled.tasks[b].status is not None]
    return min(s for s in declared if s is not None) if declared else int(Status.PROCESSING)
