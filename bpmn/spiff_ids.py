"""Element ids that SpiffWorkflow keeps for itself, renamed so designers never meet them.

SpiffWorkflow names the task specs of a process after the BPMN element ids and adds its
own: ``Start``, ``End``, ``Root``, ``<process id>.EndJoin``, and for an activity with
boundary events ``<id>.BoundaryEventSplit`` / ``<id>.BoundaryEventJoin`` (see
`SpiffWorkflow.bpmn.specs.bpmn_process_spec` and `SpiffWorkflow.bpmn.parser.TaskParser`).
A designer's element with such an id would replace one of them and break the process.

So, before the parser sees a diagram, each such id is renamed in a copy of the XML, with
every reference to it; after parsing, each renamed task spec gets the designer's id back
as its ``bpmn_id``. Everything motcua exposes (waiting tasks, timers, end events, paths,
task and end-event tables) is read from ``bpmn_id``, so the designer sees only their own
ids; only SpiffWorkflow's internal task-spec names carry the mark.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from typing import Any

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# "#" cannot occur in an XML ID (an NCName), so a renamed id never meets a designer's.
MARK = "#motcua"
RESERVED = frozenset({"Start", "End", "Root"})
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin")

# The elements SpiffWorkflow turns into task specs (named by their id).
FLOW_NODES = frozenset({
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "task", "userTask", "manualTask", "scriptTask", "serviceTask",
    "sendTask", "receiveTask", "businessRuleTask", "callActivity", "subProcess",
    "transaction", "adHocSubProcess", "exclusiveGateway", "inclusiveGateway",
    "parallelGateway", "eventBasedGateway", "complexGateway",
})
# Where a flow node's id is referred to: attributes, and elements whose text is an id.
_REF_ATTRIBUTES = ("sourceRef", "targetRef", "attachedToRef", "bpmnElement")
_REF_ELEMENTS = frozenset({"incoming", "outgoing", "flowNodeRef", "sourceRef", "targetRef"})


def is_reserved(element_id: str) -> bool:
    """True for an id SpiffWorkflow could take for one of its own task specs."""
    return element_id in RESERVED or element_id.endswith(RESERVED_SUFFIXES)


def internal(element_id: str) -> str:
    """The name SpiffWorkflow gets for a designer's id."""
    return element_id + MARK if is_reserved(element_id) else element_id


def original(name: str) -> str:
    """The designer's id behind a name SpiffWorkflow reports (inverse of `internal`)."""
    return name[: -len(MARK)] if name.endswith(MARK) else name


def shown(text: str) -> str:
    """A message of SpiffWorkflow's with the designer's ids instead of the renamed ones."""
    return text.replace(MARK, "")


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def shielded(root: etree._Element) -> etree._Element:
    """`root` itself when no flow node uses a reserved id, else a copy with them renamed."""
    renamed = {
        str(el.get("id")) for el in root.iter()
        if _local(el) in FLOW_NODES and is_reserved(str(el.get("id") or ""))
    }
    if not renamed:
        return root
    copy = deepcopy(root)
    for element in copy.iter():
        if not isinstance(element.tag, str):
            continue
        if _local(element) in FLOW_NODES and element.get("id") in renamed:
            element.set("id", internal(str(element.get("id"))))
        for name in _REF_ATTRIBUTES:
            value = element.get(name)
            if value in renamed:
                element.set(name, internal(str(value)))
        if (element.text and element.text.strip() in renamed
                and element.tag.startswith(f"{{{BPMN_NS}}}") and _local(element) in _REF_ELEMENTS):
            element.text = internal(element.text.strip())
    return copy


def restore_ids(specs: Iterable[Any]) -> None:
    """Give every renamed task spec of `specs` (parsed process specs) the designer's id."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            bpmn_id = getattr(task_spec, "bpmn_id", None)
            if isinstance(bpmn_id, str) and bpmn_id.endswith(MARK):
                task_spec.bpmn_id = original(bpmn_id)
