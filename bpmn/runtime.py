"""A small facade over SpiffWorkflow: start a process, list waiting user tasks,
complete one with data, run until waiting, and store state without the spec.

The process spec of a version is serialized once at import (`serialize_specs`) and
restored once per process (`ProcessModel`, cached by the engine). A dossier's state
(`ProcessInstance.state()`) holds only its task tree and data, never the spec, so
each step writes a small document. Conditions run in `SafeEnvironment`, never in
Python's `eval`/`exec`.

History stays flat: SpiffWorkflow grows its task tree by every task a dossier passes,
so a rework loop taken a few hundred times broke it (it walks at most 1000 levels) and
each step cost more. After every step `_prune` keeps only what execution needs — the
live tasks, the structure they wait on, and the last completed steps a send-back may
return to — and hangs that from the root. What it drops is kept in `_History`: the
completed user tasks (`path()`) and end events (`ends_reached()`, `end_event()`), in
full in memory, and only their last `_STORED_TAIL` entries in the stored state (the
engine keeps a dossier's full history in its events table).
"""

from __future__ import annotations

import json
from bisect import insort
from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.control import _EndJoin
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import TaskState

from bpmn.expressions import ExpressionError, compile_expression
from bpmn.spiff_ids import shown
from bpmn.state_codec import registry as _registry

STATE_FORMAT = 2
# Format 1 (before flat history) had no "history"; such a state restores and is pruned
# at its next step.
_READABLE_FORMATS = (1, 2)
# Completed user tasks kept above the live part of the tree: what a send-back resets to
# (the engine sends back to the last completed step; one more for safety).
_KEEP_USER_TASKS = 2
# At most this many completed tasks kept above what execution needs (a loop of automatic
# tasks has no user task to stop at).
_KEEP_AT_MOST = 64
# Entries of the path and of the ends reached written to the stored state.
_STORED_TAIL = 50


class ProcessError(RuntimeError):
    """The process could not advance (a condition failed, no path matched, ...)."""


class TaskNotWaiting(LookupError):
    """The task does not exist or is no longer waiting for a person."""


class SafeEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """Evaluates designer expressions with the allow-listed evaluator; runs no scripts."""

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: Any = None
    ) -> Any:
        # A decision table's `?` arrives as `external_context` (`bpmn.dmn`).
        data = {**context, **external_context} if external_context else context
        return compile_expression(expression).evaluate(data)

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> Any:
        raise ProcessError("Quy trình chứa script; motcua không chạy script.")

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise ProcessError("Quy trình gọi dịch vụ; motcua chưa hỗ trợ tác vụ dịch vụ.")


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


def _pending_timer(task: Any) -> PendingTimer | None:
    """The timer event a waiting task is, if it is one (cycles are not supported)."""
    definition = getattr(task.task_spec, "event_definition", None)
    if not isinstance(definition, TimerEventDefinition) or isinstance(
        definition, CycleTimerEventDefinition
    ):
        return None
    return PendingTimer(
        id=str(task.id), bpmn_id=str(task.task_spec.bpmn_id),
        expression=str(definition.expression).strip(),
        kind="date" if isinstance(definition, TimeDateEventDefinition) else "duration",
        held="motcua_due" in task.internal_data,
    )


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

    def restore(self, state: Mapping[str, Any], *, owned: bool = False) -> ProcessInstance:
        """Rebuild an instance from `ProcessInstance.state()`. The workflow is built from a
        private copy of `state`, unless the caller hands it over (`owned`: just decoded from
        the database, used for nothing else), which spares the copy."""
        if state.get("format") not in _READABLE_FORMATS:
            raise ProcessError("Trạng thái quy trình có định dạng không hỗ trợ.")
        workflow = _registry().restore(
            # a private copy, faster than deepcopy
            state["workflow"] if owned else json.loads(json.dumps(state["workflow"])),
            spec=self.spec,
            subprocess_specs=self.subprocess_specs,
        )
        workflow.script_engine = self.script_engine
        return ProcessInstance(workflow, _History.from_state(state.get("history")))


@dataclass
class _History:
    """What pruning removed from the tree: (time, BPMN id) of completed user tasks and of
    end events reached (with whether the top process ended there), oldest first.
    `*_before` count the earlier entries a restored state no longer holds."""

    path: list[tuple[float, str]] = field(default_factory=list)
    path_before: int = 0
    ends: list[tuple[float, str, bool]] = field(default_factory=list)
    ends_before: int = 0

    def keep(self, task: Any, top: BpmnWorkflow) -> None:
        """Record a completed task about to leave the tree, if callers will ask about it."""
        if task.state != TaskState.COMPLETED:
            return
        spec = task.task_spec
        if isinstance(spec, UserTask):
            _append(self.path, (task.last_state_change, str(spec.bpmn_id)))
        elif isinstance(spec, EndEvent):
            _append(self.ends, (task.last_state_change, str(spec.bpmn_id), task.workflow is top))

    def to_state(self) -> dict[str, Any]:
        """A bounded tail of the history: the stored state must not grow with it."""
        return {
            "path": [list(entry) for entry in self.path[-_STORED_TAIL:]],
            "path_before": self.path_before + max(0, len(self.path) - _STORED_TAIL),
            "ends": [list(entry) for entry in self.ends[-_STORED_TAIL:]],
            "ends_before": self.ends_before + max(0, len(self.ends) - _STORED_TAIL),
        }

    @classmethod
    def from_state(cls, dct: Mapping[str, Any] | None) -> _History:
        """The history of a stored state (none in format 1)."""
        if not dct:
            return cls()
        return cls(
            path=[(float(at), str(bpmn_id)) for at, bpmn_id in dct["path"]],
            path_before=int(dct["path_before"]),
            ends=[(float(at), str(bpmn_id), bool(top)) for at, bpmn_id, top in dct["ends"]],
            ends_before=int(dct["ends_before"]),
        )


def _append(entries: list[Any], entry: Any) -> None:
    # Removed tasks arrive nearly in time order: appending is the usual case.
    if not entries or entry >= entries[-1]:
        entries.append(entry)
    else:
        insort(entries, entry)


class ProcessInstance:
    """One running process: a dossier's workflow."""

    def __init__(self, workflow: BpmnWorkflow, history: _History | None = None) -> None:
        self.workflow = workflow
        self._waiting: list[WaitingTask] | None = None
        self._timers: list[PendingTimer] | None = None
        self._completed: bool | None = None  # all three known until the process next moves
        self._history = history or _History()

    def run(self) -> None:
        """Advance every automatic step (gateways, events) until people must act."""
        self._waiting = self._timers = self._completed = None
        try:
            self.workflow.do_engine_steps()
        except ExpressionError as exc:
            raise ProcessError(exc.message) from exc
        except SpiffWorkflowException as exc:
            raise ProcessError(_explain(exc)) from exc
        _prune(self.workflow, self._history)

    def waiting(self) -> list[WaitingTask]:
        """User tasks ready for a person, in a stable order."""
        if self._waiting is None:
            self._scan()
        assert self._waiting is not None
        return list(self._waiting)

    def _scan(self) -> None:
        """One walk of the task tree for what waits: people's tasks and timer events."""
        waiting: list[WaitingTask] = []
        timers: list[PendingTimer] = []
        for task in self.workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
            if task.state == TaskState.READY:
                if task.task_spec.manual and isinstance(task.task_spec, UserTask):
                    waiting.append(_waiting(task))
            elif (found := _pending_timer(task)) is not None:
                timers.append(found)
        self._waiting, self._timers = waiting, timers

    def complete(self, task_id: str, data: Mapping[str, Any]) -> None:
        """Complete a waiting user task with its form data, then run until waiting again."""
        try:
            task = self.workflow.get_task_from_id(UUID(task_id))
        except (ValueError, SpiffWorkflowException) as exc:
            raise TaskNotWaiting(task_id) from exc
        if task is None or task.state != TaskState.READY or not isinstance(task.task_spec, UserTask):
            raise TaskNotWaiting(task_id)
        task.data.update(deepcopy(dict(data)))
        self._waiting = self._timers = self._completed = None
        try:
            task.run()
        except ExpressionError as exc:
            raise ProcessError(exc.message) from exc
        except SpiffWorkflowException as exc:
            raise ProcessError(_explain(exc)) from exc
        self.run()

    def value(self, name: str) -> Any:
        """A value of the process's data by name (what a decision table decided, a form
        field), as the task that changed state last holds it; None when no task has it."""
        holding = [t for t in self.workflow.tasks.values() if name in t.data]
        if not holding:
            return None
        return deepcopy(max(holding, key=lambda t: t.last_state_change).data[name])

    def pending_timers(self) -> list[PendingTimer]:
        """Timer events (boundary or intermediate) waiting in this process."""
        if self._timers is None:
            self._scan()
        assert self._timers is not None
        return list(self._timers)

    def hold_timer(self, timer_id: str, due: str) -> None:
        """Take a waiting timer out of SpiffWorkflow's wall-clock check; `due` is for display."""
        task = self.workflow.get_task_from_id(UUID(timer_id))
        task._set_internal_data(event_value=_OUT_OF_REACH, motcua_due=due)
        self._timers = None  # its `held` changed

    def fire_timer(self, timer_id: str) -> bool:
        """Fire a held timer now and run on; False when it no longer waits (nothing done)."""
        try:
            task = self.workflow.get_task_from_id(UUID(timer_id))
        except (ValueError, SpiffWorkflowException):
            return False
        if task is None or task.state != TaskState.WAITING:
            return False
        task._set_internal_data(event_fired=True)
        self._waiting = self._timers = self._completed = None
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
        self._waiting = self._timers = self._completed = None
        self.run()

    def _exists(self, task_id: UUID) -> bool:
        try:
            return self.workflow.get_task_from_id(task_id) is not None
        except SpiffWorkflowException:
            return False

    def cancel(self) -> None:
        """Stop the process: nothing waits any more (refusal, withdrawal, stop)."""
        self.workflow.cancel()
        self._waiting = self._timers = self._completed = None

    @property
    def completed(self) -> bool:
        """True once the process reached an end."""
        if self._completed is None:
            self._completed = bool(self.workflow.is_completed())
        return self._completed

    def end_event(self) -> str | None:
        """The BPMN id of the end event the top process finished at, if it finished."""
        if not self.completed:
            return None
        tops = [(at, bpmn_id) for at, bpmn_id, top in self._ends() if top]
        return tops[-1][1] if tops else None

    def ends_reached(self) -> list[str]:
        """BPMN ids of the end events reached (any branch, any process), in order.

        Complete for an instance run in memory; after a restore, the last `_STORED_TAIL`
        of those pruned before it was stored (`ends_before()` counts the others)."""
        return [bpmn_id for _, bpmn_id, _ in self._ends()]

    def ends_ahead(self) -> set[str]:
        """BPMN ids of the top process's end events that what waits now (people's steps,
        timers) can still reach by the diagram's flows — e.g. only the refusal's end once a
        leader has refused, though the letter is still to be handed back. Empty when the
        process ended, or when a waiting branch leaves the top process."""
        seen: set[int] = set()
        ends: set[str] = set()
        todo = [t.task_spec for t in self.workflow.get_tasks(
            state=TaskState.READY | TaskState.WAITING) if t.workflow is self.workflow]
        while todo:
            spec = todo.pop()
            if id(spec) in seen:
                continue
            seen.add(id(spec))
            if isinstance(spec, EndEvent):
                ends.add(str(spec.bpmn_id))
            todo.extend(spec.outputs)
        return ends

    def ends_before(self) -> int:
        """How many end events reached precede `ends_reached()` and are no longer kept."""
        return self._history.ends_before

    def path(self) -> list[str]:
        """BPMN ids of completed user tasks, in the order they were completed.

        Complete for an instance run in memory (package tests); after a restore, the last
        `_STORED_TAIL` steps pruned before it was stored and those still in the tree —
        `path_before()` counts the earlier ones (the engine's events table has them all)."""
        done = [(t.last_state_change, str(t.task_spec.bpmn_id))
                for t in self.workflow.get_tasks(state=TaskState.COMPLETED)
                if isinstance(t.task_spec, UserTask)]
        done.sort(key=lambda entry: entry[0])
        return [bpmn_id for _, bpmn_id in _merged(self._history.path, done)]

    def path_before(self) -> int:
        """How many completed user tasks precede `path()` and are no longer kept."""
        return self._history.path_before

    def _ends(self) -> list[tuple[float, str, bool]]:
        reached = [(t.last_state_change, str(t.task_spec.bpmn_id), t.workflow is self.workflow)
                   for t in self.workflow.get_tasks(state=TaskState.COMPLETED)
                   if isinstance(t.task_spec, EndEvent)]
        reached.sort(key=lambda entry: entry[0])
        return _merged(self._history.ends, reached)

    def state(self) -> dict[str, Any]:
        """The instance's state as JSON-ready data, without the spec."""
        return {"format": STATE_FORMAT, "workflow": _registry().convert(self.workflow),
                "history": self._history.to_state()}


def _merged(pruned: list[Any], in_tree: list[Any]) -> list[Any]:
    """Both time-ordered lists as one; on a tie, what was pruned came first."""
    if not in_tree:
        return list(pruned)
    if not pruned or pruned[-1][0] <= in_tree[0][0]:
        return [*pruned, *in_tree]
    return sorted([*pruned, *in_tree], key=lambda entry: entry[0])  # stable: pruned first


def _prune(workflow: BpmnWorkflow, history: _History) -> None:
    """Drop the completed parts of the top process's task tree that execution no longer
    needs, recording into `history` what callers still ask about.

    The skeleton is every live task (ready, waiting, started, predicted) and its ancestors.
    Along it, a chain of finished tasks each leading to one live part (the iterations of a
    loop) is cut short: its first task stays (the root, or a branch's first task, so a
    split keeps its children), then only the tail a reset needs — up to the parent of the
    `_KEEP_USER_TASKS`th completed user task above the live part (the task and its parent's
    data) — and whatever a live join needs: the split a boundary event's join looks up among
    its ancestors, the branches that already reached a waiting parallel or inclusive join.
    Cut parts leave `workflow.tasks` with the subprocesses of their call activities. A
    process that has ended is left as it is.
    """
    tasks = workflow.tasks
    root = workflow.task_tree
    pending = [t for t in tasks.values() if t.state & TaskState.NOT_FINISHED_MASK]
    # A branch that reached an end event (a reminder's) leaves the process's end join
    # waiting for every other task: it needs nothing of its ancestors, so it is re-hung
    # from the root with its end event instead of holding a loop's history in the tree.
    parked = {t.id for t in pending
              if isinstance(t.task_spec, _EndJoin) and t.state == TaskState.WAITING}
    live = [t for t in pending if t.id not in parked and t._parent not in parked]  # its End
    if not live:
        return
    live_ids = {t.id for t in live}
    skeleton: set[UUID] = set()
    for task in live:
        node = task
        while node is not None and node.id not in skeleton:
            skeleton.add(node.id)
            node = node.parent
    anchors = _anchors(tasks, live)
    pinned = {_on_skeleton(tasks, anchor, skeleton) for anchor in anchors}
    dropped: set[UUID] = set()
    # Finished side branches hung from the root (re-hung ends whose join was cancelled
    # since, by a later one) go, unless a waiting end join or a live join needs them.
    for child in list(root._children):
        if child not in skeleton and not (below := _subtree(tasks, tasks[child])) & (parked | anchors):
            dropped |= below
            root._children.remove(child)
    heads = [root]
    while heads:
        chain = [heads.pop()]
        while chain[-1].id not in live_ids:
            onward = [child for child in chain[-1]._children if child in skeleton]
            if len(onward) != 1:
                break
            chain.append(tasks[onward[0]])
        heads.extend(tasks[child] for child in chain[-1]._children if child in skeleton)
        top = _kept_from(chain, pinned)
        if top < 2:
            continue
        head, kept_top = chain[0], chain[top]
        dropped |= _subtree(tasks, chain[1]) - _subtree(tasks, kept_top)
        head._children[head._children.index(chain[1].id)] = kept_top.id
        kept_top._parent = head.id
        # The head stands in for the dropped parent: a reset of `kept_top` copies its data,
        # and the stored state writes `kept_top`'s data as a difference from it.
        head.data = chain[top - 1].data
    if not dropped:
        return
    for join_id in parked & dropped:
        join = tasks[join_id]
        end = join.parent
        dropped -= _subtree(tasks, join) | {end.id}
        end._children, end._parent = [join.id], root.id
        if end.id not in root._children:
            root._children.append(end.id)
    gone = set(dropped)
    for task_id in dropped:
        task = tasks[task_id]
        history.keep(task, workflow)
        if task_id in workflow.subprocesses:
            for inner in workflow.delete_subprocess(task):
                history.keep(inner, workflow)
                gone.add(inner.id)
    workflow.tasks = {task_id: task for task_id, task in tasks.items() if task_id not in dropped}
    if workflow.last_task is not None and workflow.last_task.id in dropped:
        workflow.last_task = None
    manager = workflow.event_manager
    for task_id in [task_id for task_id in manager.tasks if task_id in gone]:
        del manager.tasks[task_id]


def _anchors(tasks: Mapping[UUID, Any], live: list[Any]) -> set[UUID]:
    """Tasks a live join needs where they are: the split a structured join (boundary
    events) finds among its ancestors; the other arrivals at a waiting parallel or
    inclusive join, and their parents (it counts them and merges their data)."""
    found: set[UUID] = set()
    for task in live:
        spec = task.task_spec
        split = getattr(spec, "split_task", None)
        if split is not None and (ancestor := _ancestor(task, split)) is not None:
            found.add(ancestor.id)
        if isinstance(spec, UnstructuredJoin) and task.state == TaskState.WAITING:
            mine = {a.id for a in _ancestors(task)}
            for other in tasks.values():
                if (other.task_spec is spec and other.id not in mine and other is not task
                        and other.state & TaskState.FINISHED_MASK):
                    found.update((other.id, other._parent))
    return found


def _ancestors(task: Any) -> list[Any]:
    found, node = [], task.parent
    while node is not None:
        found.append(node)
        node = node.parent
    return found


def _ancestor(task: Any, spec_name: str) -> Any:
    # Task.find_ancestor recurses once per level: not on a tree a loop made deep.
    return next((a for a in _ancestors(task) if a.task_spec.name == spec_name), None)


def _on_skeleton(tasks: Mapping[UUID, Any], task_id: UUID, skeleton: set[UUID]) -> UUID:
    """The task of the skeleton under which `task_id` hangs (itself if it is on it)."""
    node = tasks.get(task_id)
    while node is not None and node.id not in skeleton:
        node = node.parent
    return node.id if node is not None else task_id


def _kept_from(chain: list[Any], pinned: set[UUID]) -> int:
    """Index in `chain` (first task kept, live part last) of the highest task to keep
    above the live part; those between the first and it are dropped."""
    top = len(chain) - 1
    top = min([top, *(i for i, task in enumerate(chain) if task.id in pinned)])
    users = steps = 0
    while users < _KEEP_USER_TASKS and steps < _KEEP_AT_MOST and top > 1:
        top -= 1
        steps += 1
        if isinstance(chain[top].task_spec, UserTask) and chain[top].state == TaskState.COMPLETED:
            users += 1
    return top - 1  # the parent of the last kept user task: a reset copies its data


def _subtree(tasks: Mapping[UUID, Any], top: Any) -> set[UUID]:
    """Ids of a task and its descendants (a loop: SpiffWorkflow's iterator stops at depth 1000)."""
    found, stack = set(), [top]
    while stack:
        task = stack.pop()
        found.add(task.id)
        stack.extend(tasks[child] for child in task._children)
    return found


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
