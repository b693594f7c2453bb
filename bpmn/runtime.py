"""A small facade over SpiffWorkflow: start a process, list waiting user tasks,
complete one with data, run until waiting, and store state without the spec.

The process spec of a version is serialized once at import (`serialize_specs`) and
restored once per process (`ProcessModel`, cached by the engine). A dossier's state
(`ProcessInstance.state()`) holds only its task tree and data, never the spec, so
each step writes a small document. Conditions run in `SafeEnvironment`, never in
Python's `eval`/`exec`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import TaskState

from bpmn.expressions import ExpressionError, compile_expression
from bpmn.spiff_ids import shown

STATE_FORMAT = 1


class ProcessError(RuntimeError):
    """The process could not advance (a condition failed, no path matched, ...)."""


class TaskNotWaiting(LookupError):
    """The task does not exist or is no longer waiting for a person."""


class SafeEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """Evaluates designer expressions with the allow-listed evaluator; runs no scripts."""

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: Any = None
    ) -> Any:
        return compile_expression(expression).evaluate(context)

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> Any:
        raise ProcessError("Quy trình chứa script; motcua không chạy script.")

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise ProcessError("Quy trình gọi dịch vụ; motcua chưa hỗ trợ tác vụ dịch vụ.")


class _StateConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Serializes a workflow's task tree and data without its spec (restored from the cache)."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(
        self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None
    ) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.get("bpmn_events", []))
        return workflow


@lru_cache(maxsize=1)
def _registry() -> Any:
    config = deepcopy(SPIFF_CONFIG)
    config[BpmnWorkflow] = _StateConverter
    return BpmnWorkflowSerializer.configure(config)


def serialize_specs(parser: Any, process_id: str) -> dict[str, Any]:
    """The parsed specs of a process (and its call activities) as a JSON-ready dict."""
    registry = _registry()
    return {
        "process": registry.convert(parser.get_spec(process_id)),
        "subprocesses": {
            name: registry.convert(spec)
            for name, spec in parser.get_subprocess_specs(process_id).items()
        },
    }


@dataclass(frozen=True)
class PendingTimer:
    """A BPMN timer event waiting to fire; `expression` is the designer's ISO-8601 text."""

    id: str
    bpmn_id: str
    expression: str
    kind: str  # "duration" or "date"
    held: bool  # True once the engine owns its due time (see ProcessInstance.hold_timer)


# A timer the engine holds never fires on SpiffWorkflow's wall clock: its own due time is
# set out of reach, and the engine fires it when its row in the timers table comes due.
_OUT_OF_REACH = "9999-12-31T00:00:00+00:00"


@dataclass(frozen=True)
class WaitingTask:
    """A user task waiting for a person."""

    id: str
    bpmn_id: str
    name: str
    lane: str | None
    properties: Mapping[str, str]


class ProcessModel:
    """The restored specs of one procedure version; build once, share between dossiers."""

    def __init__(self, specs: Mapping[str, Any]) -> None:
        registry = _registry()
        self.spec = registry.restore(deepcopy(specs["process"]))
        self.subprocess_specs = {
            name: registry.restore(deepcopy(spec)) for name, spec in specs["subprocesses"].items()
        }
        self.script_engine = PythonScriptEngine(environment=SafeEnvironment())

    def start(self, data: Mapping[str, Any]) -> ProcessInstance:
        """Start a new instance with the start form's data and run it until it waits."""
        workflow = BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=self.script_engine)
        workflow.task_tree.data.update(deepcopy(dict(data)))
        instance = ProcessInstance(workflow)
        instance.run()
        return instance

    def restore(self, state: Mapping[str, Any]) -> ProcessInstance:
        """Rebuild an instance from `ProcessInstance.state()`."""
        if state.get("format") != STATE_FORMAT:
            raise ProcessError("Trạng thái quy trình có định dạng không hỗ trợ.")
        workflow = _registry().restore(
            json.loads(json.dumps(state["workflow"])),  # a private copy, faster than deepcopy
            spec=self.spec,
            subprocess_specs=self.subprocess_specs,
        )
        workflow.script_engine = self.script_engine
        return ProcessInstance(workflow)


class ProcessInstance:
    """One running process: a dossier's workflow."""

    def __init__(self, workflow: BpmnWorkflow) -> None:
        self.workflow = workflow
        self._waiting: list[WaitingTask] | None = None

    def run(self) -> None:
        """Advance every automatic step (gateways, events) until people must act."""
        self._waiting = None
        try:
            self.workflow.do_engine_steps()
        except ExpressionError as exc:
            raise ProcessError(exc.message) from exc
        except SpiffWorkflowException as exc:
            raise ProcessError(_explain(exc)) from exc

    def waiting(self) -> list[WaitingTask]:
        """User tasks ready for a person, in a stable order."""
        if self._waiting is None:
            tasks = self.workflow.get_tasks(state=TaskState.READY, manual=True)
            self._waiting = [_waiting(t) for t in tasks if isinstance(t.task_spec, UserTask)]
        return list(self._waiting)

    def complete(self, task_id: str, data: Mapping[str, Any]) -> None:
        """Complete a waiting user task with its form data, then run until waiting again."""
        try:
            task = self.workflow.get_task_from_id(UUID(task_id))
        except (ValueError, SpiffWorkflowException) as exc:
            raise TaskNotWaiting(task_id) from exc
        if task is None or task.state != TaskState.READY or not isinstance(task.task_spec, UserTask):
            raise TaskNotWaiting(task_id)
        task.data.update(deepcopy(dict(data)))
        self._waiting = None
        try:
            task.run()
        except ExpressionError as exc:
            raise ProcessError(exc.message) from exc
        except SpiffWorkflowException as exc:
            raise ProcessError(_explain(exc)) from exc
        self.run()

    def pending_timers(self) -> list[PendingTimer]:
        """Timer events (boundary or intermediate) waiting in this process."""
        found = []
        for task in self.workflow.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            if isinstance(definition, TimerEventDefinition) and not isinstance(
                definition, CycleTimerEventDefinition
            ):
                kind = "date" if isinstance(definition, TimeDateEventDefinition) else "duration"
                found.append(PendingTimer(
                    id=str(task.id), bpmn_id=str(task.task_spec.bpmn_id),
                    expression=str(definition.expression).strip(), kind=kind,
                    held="motcua_due" in task.internal_data,
                ))
        return found

    def hold_timer(self, timer_id: str, due: str) -> None:
        """Take a waiting timer out of SpiffWorkflow's wall-clock check; `due` is for display."""
        task = self.workflow.get_task_from_id(UUID(timer_id))
        task._set_internal_data(event_value=_OUT_OF_REACH, motcua_due=due)

    def fire_timer(self, timer_id: str) -> bool:
        """Fire a held timer now and run on; False when it no longer waits (nothing done)."""
        try:
            task = self.workflow.get_task_from_id(UUID(timer_id))
        except (ValueError, SpiffWorkflowException):
            return False
        if task is None or task.state != TaskState.WAITING:
            return False
        task._set_internal_data(event_fired=True)
        self._waiting = None
        try:
            self.workflow.refresh_timers()
        except SpiffWorkflowException as exc:
            raise ProcessError(_explain(exc)) from exc
        self.run()
        return True

    def reset_to(self, task_id: str) -> None:
        """Send the process back to a completed user task, which waits again (its data kept)."""
        try:
            self.workflow.reset_from_task_id(UUID(task_id))
        except (ValueError, SpiffWorkflowException) as exc:
            raise TaskNotWaiting(task_id) from exc
        # SpiffWorkflow drops the reset branch's tasks but keeps waiting events (a boundary
        # timer of a dropped task) registered; forget those before running on.
        manager = self.workflow.event_manager
        for waiting_id in list(manager.tasks):
            if not self._exists(waiting_id):
                del manager.tasks[waiting_id]
        self._waiting = None
        self.run()

    def _exists(self, task_id: UUID) -> bool:
        try:
            return self.workflow.get_task_from_id(task_id) is not None
        except SpiffWorkflowException:
            return False

    def cancel(self) -> None:
        """Stop the process: nothing waits any more (refusal, withdrawal, stop)."""
        self.workflow.cancel()
        self._waiting = None

    @property
    def completed(self) -> bool:
        """True once the process reached an end."""
        return bool(self.workflow.is_completed())

    def end_event(self) -> str | None:
        """The BPMN id of the end event the top process finished at, if it finished."""
        if not self.completed:
            return None
        ends = [
            t for t in self.workflow.get_tasks(state=TaskState.COMPLETED)
            if isinstance(t.task_spec, EndEvent) and t.workflow is self.workflow
        ]
        ends.sort(key=lambda t: t.last_state_change)
        return str(ends[-1].task_spec.bpmn_id) if ends else None

    def ends_reached(self) -> list[str]:
        """BPMN ids of every end event reached so far (any branch, any process), in order."""
        ends = [t for t in self.workflow.get_tasks(state=TaskState.COMPLETED)
                if isinstance(t.task_spec, EndEvent)]
        ends.sort(key=lambda t: t.last_state_change)
        return [str(t.task_spec.bpmn_id) for t in ends]

    def path(self) -> list[str]:
        """BPMN ids of completed user tasks, in the order they were completed."""
        done = [
            t for t in self.workflow.get_tasks(state=TaskState.COMPLETED)
            if isinstance(t.task_spec, UserTask)
        ]
        done.sort(key=lambda t: t.last_state_change)
        return [str(t.task_spec.bpmn_id) for t in done]

    def state(self) -> dict[str, Any]:
        """The instance's state as JSON-ready data, without the spec."""
        return {"format": STATE_FORMAT, "workflow": _registry().convert(self.workflow)}


def _explain(exc: SpiffWorkflowException) -> str:
    """SpiffWorkflow wraps our evaluator's refusal; surface its Vietnamese message."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ExpressionError):
            return seen.message
        seen = seen.__cause__ or seen.__context__
    return shown(str(exc))  # a renamed id (`bpmn.spiff_ids`) is shown as the designer's


def _waiting(task: Any) -> WaitingTask:
    spec = task.task_spec
    props = (getattr(spec, "extensions", None) or {}).get("properties", {})
    return WaitingTask(
        id=str(task.id),
        bpmn_id=str(spec.bpmn_id),
        name=str(spec.bpmn_name or spec.bpmn_id),
        lane=spec.lane,
        properties=dict(props),
    )
