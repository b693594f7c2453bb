"""A dossier's workflow state to and from JSON-ready dicts: SpiffWorkflow's serializer
with two converters of our own.

- The workflow's: the task tree and data without the spec (a version's spec is restored
  once and shared, `runtime.ProcessModel`), tasks restored in tree order.
- The task's: the same dict as SpiffWorkflow's, but each task id is turned into text or
  parsed from it once, however often it occurs. A task's id is written three times in
  a state — as its own id, as its children's parent, in its parent's children — and
  parsing or printing a UUID is the largest single cost of a restore, which a step pays
  whenever the dossier's live instance is not in this process's cache.
"""

from __future__ import annotations

from copy import deepcopy
from functools import lru_cache
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task, TaskState
from SpiffWorkflow.util.deep_merge import DeepMerge

# Ids of the states restored or written lately (a few dozen per state): enough for one
# state's repeats, small enough to forget a dossier soon after it is done.
_IDS_KEPT = 4096


@lru_cache(maxsize=_IDS_KEPT)
def task_id(text: str) -> UUID:
    """The task id written as `text` (the same object for the same text, while kept)."""
    return UUID(text)


@lru_cache(maxsize=_IDS_KEPT)
def id_text(value: UUID) -> str:
    """`value` as text, `str(value)`."""
    return str(value)


class _TaskConverter(TaskConverter):  # type: ignore[misc]
    """A task as SpiffWorkflow stores it (its data as the difference from its parent's),
    each id through `task_id` / `id_text`."""

    def to_dict(self, task: Task) -> dict[str, Any]:
        parent = task.parent
        if parent is None:
            data, delta = task.data, {}
        else:
            data, delta = {}, {
                "updates": DeepMerge.get_updated_keys(parent.data, task.data),
                "deletions": DeepMerge.get_deleted_keys(parent.data, task.data),
            }
        return {
            "id": id_text(task.id),
            "parent": None if parent is None else id_text(task._parent),
            "children": [id_text(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self.registry.convert(task.internal_data),
            "data": data,
            "delta": delta,
        }

    def from_dict(self, dct: dict[str, Any], workflow: Any) -> Task:
        spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = self.target_class(workflow, spec, state=dct["state"], id=task_id(dct["id"]))
        task._parent = None if dct["parent"] is None else task_id(dct["parent"])
        task._children = [task_id(child) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        task.internal_data = self.registry.restore(dct["internal_data"])
        if isinstance(spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            workflow.top_workflow.event_manager.add_task(task)
        # The parent was restored first (tree order): the data is its data and the change.
        delta, parent = dct.get("delta"), task.parent
        if delta and parent is not None:
            data = DeepMerge.merge({}, parent.data)
            data.update(self.registry.restore(delta.get("updates", {})))
            for key in delta.get("deletions", {}):
                data.pop(key, None)
        else:
            data = self.registry.restore(dct["data"])
        task.data = data
        return task


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
        # A task's data is stored as a difference from its parent's and restored from the
        # parent restored before it: restore in tree order, whatever order the stored keys
        # came back in (PostgreSQL's jsonb sorts them).
        workflow.tasks = self.mapping_from_dict(_tree_order(dct["tasks"], dct["root"]), task_id,
                                                workflow=workflow)
        for sub in dct["subprocesses"].values():
            sub["tasks"] = _tree_order(sub["tasks"], sub["root"])
        workflow.task_tree = workflow.tasks.get(task_id(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.get("bpmn_events", []))
        return workflow


def _tree_order(tasks: dict[str, Any], root: str) -> dict[str, Any]:
    """Stored tasks with every parent before its children (depth first from the root)."""
    ordered: dict[str, Any] = {}
    stack = [root]
    while stack:
        key = stack.pop()
        if key in ordered or key not in tasks:
            continue
        ordered[key] = tasks[key]
        stack.extend(reversed(tasks[key].get("children", [])))
    for key, task in tasks.items():  # anything not under the root keeps its place after
        ordered.setdefault(key, task)
    return ordered


@lru_cache(maxsize=1)
def registry() -> Any:
    """The serializer's registry with our converters (built once)."""
    config = deepcopy(SPIFF_CONFIG)
    config[BpmnWorkflow] = _StateConverter
    config[Task] = _TaskConverter
    return BpmnWorkflowSerializer.configure(config)
