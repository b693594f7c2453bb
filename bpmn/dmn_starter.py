"""A starter decision table for a designer who types no XML, and the business rule task
that calls it: pure text builders behind «Tạo bảng quyết định» (admin/decisions.py).

- `start_fields` lists the start form's required fields a table may read (numbers,
  choices, yes/no) with their labels, nested groups included;
- `safe_id` derives an XML id (also a file name and a variable name) from a label:
  lower-case ASCII letters, digits and `_`, never empty, bounded, unique among `taken`;
- `starter_table` writes a `.dmn` with one UNIQUE table of one input and one output and a
  single row «mọi giá trị» → a default of the output's type (0, "", False), which passes
  the static checks of `bpmn.dmn` as it is;
- `insert_rule_task` puts a business rule task calling a decision right after the start
  event of the main process: the start's one outgoing flow now ends at the task, a new
  flow leads from the task to where it used to go, and the drawing makes room for it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from lxml import etree

from bpmn.xmlsafe import UnsafeXml, parse_xml

DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
MAX_ID = 40
MAX_LABEL = 200
# Output kinds a designer picks: the DMN type and the row's default (empty-safe) value.
OUTPUT_KINDS: dict[str, tuple[str, str]] = {
    "so": ("number", "0"),
    "chu": ("string", '""'),
    "co_khong": ("boolean", "False"),
}
FEE_KIND = ("integer", "0")
TASK_WIDTH, TASK_HEIGHT, ROOM = 100, 80, 150


class StarterError(ValueError):
    """Why the table or the task could not be built, in Vietnamese."""


@dataclass(frozen=True)
class Field:
    """A start form field a table may read: its path (`cong_trinh.so_tang`), label, DMN type."""

    path: str
    label: str
    type_ref: str


def safe_id(label: str, taken: set[str] | frozenset[str] = frozenset(), prefix: str = "bang") -> str:
    """`Lệ phí theo diện tích` → `le_phi_theo_dien_tich`; `prefix` when nothing is left or it
    would start with a digit; `_2`, `_3`… when already taken."""
    folded = unicodedata.normalize("NFD", label.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in folded if unicodedata.category(c) != "Mn").lower()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")[:MAX_ID].strip("_")
    if not base or base[0].isdigit():
        base = f"{prefix}_{base}".strip("_")[:MAX_ID].strip("_")
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"_{n}"
        candidate, n = base[: MAX_ID - len(suffix)] + suffix, n + 1
    return candidate


def start_fields(schema: Any, prefix: tuple[str, ...] = (), group: str = "") -> list[Field]:
    """The fields of a form schema a decision may read: numbers, integers, choices (`enum`)
    and yes/no, in groups (nested objects) too; lists (arrays) are left out, and so are
    fields not required (with their group): a dossier without the value would stop the
    table ("Không so sánh thứ tự được giá trị rỗng"), which the static checks cannot see."""
    found: list[Field] = []
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return found
    required = schema.get("required") if isinstance(schema.get("required"), list) else []
    for name, sub in properties.items():
        if not isinstance(sub, dict) or name not in required:
            continue
        title = str(sub.get("title") or name)
        label = f"{group} › {title}" if group else title
        kind = sub.get("type")
        if kind == "object":
            found += start_fields(sub, (*prefix, name), label)
            continue
        type_ref = {"number": "number", "integer": "integer", "boolean": "boolean"}.get(str(kind))
        if kind == "string" and isinstance(sub.get("enum"), list):
            type_ref = "string"
        if type_ref:
            found.append(Field(".".join((*prefix, name)), label, type_ref))
    return found


def _sub(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{DMN_NS}}}{tag}", attrib=attributes)


def starter_table(*, decision_id: str, name: str, field: Field, output_label: str,
                  output_name: str, output_type: str, default: str) -> str:
    """A `.dmn` text: one UNIQUE table, `field` as its input, one output, one row matching
    every value and giving `default`. Labels are attribute values: lxml escapes them."""
    nsmap: Any = {None: DMN_NS}
    root = etree.Element(f"{{{DMN_NS}}}definitions", nsmap=nsmap,
                         attrib={"id": f"defs_{decision_id}", "name": name[:MAX_LABEL],
                                 "namespace": "https://motcua.example/procedures"})
    decision = _sub(root, "decision", id=decision_id, name=name[:MAX_LABEL])
    table = _sub(decision, "decisionTable", id=f"bang_{decision_id}", hitPolicy="UNIQUE")
    column = _sub(table, "input", id=f"dau_vao_{decision_id}", label=field.label[:MAX_LABEL])
    expression = _sub(column, "inputExpression", id=f"bieu_thuc_{decision_id}",
                      typeRef=field.type_ref)
    _sub(expression, "text").text = field.path
    _sub(table, "output", id=f"ket_qua_{decision_id}", label=output_label[:MAX_LABEL],
         name=output_name, typeRef=output_type)
    rule = _sub(table, "rule", id=f"dong_{decision_id}_1")
    _sub(rule, "description").text = "Mọi giá trị"
    _sub(_sub(rule, "inputEntry", id=f"dong_{decision_id}_1_vao"), "text").text = "-"
    _sub(_sub(rule, "outputEntry", id=f"dong_{decision_id}_1_ra"), "text").text = default
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                          pretty_print=True).decode("utf-8")


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def _main_start(root: etree._Element) -> tuple[etree._Element, etree._Element]:
    """The first executable process with a start event, and that start event."""
    for process in root.iterfind(_q(BPMN, "process")):
        start = process.find(_q(BPMN, "startEvent"))
        if start is not None:
            return process, start
    raise StarterError("Sơ đồ không có sự kiện bắt đầu: không chèn được bước «Xác định lệ phí».")


def calls_decision(bpmn_text: str, decision_id: str) -> bool:
    """Whether a business rule task of the diagram already calls `decision_id`."""
    try:
        root = parse_xml(bpmn_text.encode("utf-8"))
    except UnsafeXml:
        return False
    return any((n.text or "").strip() == decision_id
               for n in root.iter(_q(SPIFF, "calledDecisionId")))


def insert_rule_task(bpmn_text: str, decision_id: str, name: str = "Xác định lệ phí") -> str:
    """The diagram with a business rule task calling `decision_id` between the start event
    of the main process and what followed it (exactly one flow rewired, one added)."""
    try:
        root = parse_xml(bpmn_text.encode("utf-8"))
    except UnsafeXml as exc:
        raise StarterError(f"Sơ đồ không đọc được: {exc.message}") from exc
    process, start = _main_start(root)
    flows = [f for f in process.iterfind(_q(BPMN, "sequenceFlow")) if f.get("sourceRef") == start.get("id")]
    if len(flows) != 1:
        raise StarterError("Sự kiện bắt đầu cần đúng một luồng đi ra để chèn bước «Xác định lệ phí» "
                           "sau nó; hãy thêm bước trong trình vẽ sơ đồ.")
    flow = flows[0]
    taken = {e.get("id", "") for e in root.iter() if isinstance(e.tag, str)}
    task_id = safe_id(f"xac_dinh_{decision_id}", taken)
    new_flow = safe_id(f"f_{task_id}", taken | {task_id})
    task = etree.Element(_q(BPMN, "businessRuleTask"), attrib={"id": task_id, "name": name})
    extensions = etree.SubElement(task, _q(BPMN, "extensionElements"))
    etree.SubElement(extensions, _q(SPIFF, "calledDecisionId"),
                     nsmap={"spiffworkflow": SPIFF}).text = decision_id
    etree.SubElement(task, _q(BPMN, "incoming")).text = flow.get("id")
    etree.SubElement(task, _q(BPMN, "outgoing")).text = new_flow
    start.addnext(task)
    target = flow.get("targetRef", "")
    for node in process.iter():
        if node.get("id") == target:
            for incoming in node.iterfind(_q(BPMN, "incoming")):
                if incoming.text == flow.get("id"):
                    incoming.text = new_flow
    etree.SubElement(process, _q(BPMN, "sequenceFlow"),
                     attrib={"id": new_flow, "sourceRef": task_id, "targetRef": target})
    flow.set("targetRef", task_id)
    for lane in process.iter(_q(BPMN, "lane")):
        if any(ref.text == start.get("id") for ref in lane.iterfind(_q(BPMN, "flowNodeRef"))):
            etree.SubElement(lane, _q(BPMN, "flowNodeRef")).text = task_id
    _draw(root, start.get("id", ""), task_id, (flow.get("id", ""), new_flow), target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def _bounds(shape: etree._Element | None) -> etree._Element | None:
    return None if shape is None else shape.find(_q(DC, "Bounds"))


Box = tuple[float, float, float, float]  # x, y, width, height


def _box(shape: etree._Element | None) -> Box | None:
    bounds = _bounds(shape)
    if bounds is None:
        return None
    return (float(bounds.get("x", 0)), float(bounds.get("y", 0)), float(bounds.get("width", 0)),
            float(bounds.get("height", 0)))


def _draw(root: etree._Element, start: str, task: str, flows: tuple[str, str], target: str) -> None:
    """Make room right of the start event (everything further right moves by `ROOM`, pools
    and lanes widen), then draw the task in the gap and both flows to and from it."""
    shapes = {s.get("bpmnElement"): s for s in root.iter(_q(BPMNDI, "BPMNShape"))}
    edges = {e.get("bpmnElement"): e for e in root.iter(_q(BPMNDI, "BPMNEdge"))}
    box, plane = _box(shapes.get(start)), shapes[start].getparent() if start in shapes else None
    if box is None or plane is None:
        return
    left, mid = box[0] + box[2], box[1] + box[3] / 2
    containers = {e.get("id") for e in root.iter(_q(BPMN, "participant"), _q(BPMN, "lane"))}
    for element, shape in shapes.items():
        bounds = _bounds(shape)
        if bounds is not None and element in containers:
            bounds.set("width", _num(float(bounds.get("width", 0)) + ROOM))
    for point in root.iter(_q(DC, "Bounds"), _q(DI, "waypoint")):
        parent = point.getparent()
        if parent is not None and parent.get("bpmnElement") in containers:
            continue
        if float(point.get("x", 0)) > left:
            point.set("x", _num(float(point.get("x", 0)) + ROOM))
    placed: Box = (left + (ROOM - TASK_WIDTH) / 2, mid - TASK_HEIGHT / 2, TASK_WIDTH, TASK_HEIGHT)
    shape = etree.SubElement(plane, _q(BPMNDI, "BPMNShape"),
                             attrib={"id": f"{task}_di", "bpmnElement": task})
    etree.SubElement(shape, _q(DC, "Bounds"), attrib=dict(zip(
        ("x", "y", "width", "height"), (_num(v) for v in placed), strict=True)))
    old = edges.get(flows[0])
    if old is not None:
        _points(old, [(left, mid), (placed[0], mid)])
    edge = etree.SubElement(plane, _q(BPMNDI, "BPMNEdge"),
                            attrib={"id": f"{flows[1]}_di", "bpmnElement": flows[1]})
    _points(edge, _path(placed, _box(shapes.get(target))))


def _path(task: Box, target: Box | None) -> list[tuple[float, float]]:
    """Right angles from the task to the target: to its left side when it lies further right,
    else down (or up) to its top (or bottom)."""
    right, mid = task[0] + task[2], task[1] + task[3] / 2
    if target is None:
        return [(right, mid), (right + 50, mid)]
    x, y, width, height = target
    middle = y + height / 2
    if x >= right:
        bend = (right + x) / 2
        return [(right, mid), (x, mid)] if middle == mid else \
            [(right, mid), (bend, mid), (bend, middle), (x, middle)]
    centre, own = x + width / 2, task[0] + task[2] / 2
    below = y >= task[1] + task[3]
    leave, reach = (task[1] + task[3], y) if below else (task[1], y + height)
    gap = (leave + reach) / 2
    return [(own, leave), (own, gap), (centre, gap), (centre, reach)]


def _points(edge: etree._Element, points: list[tuple[float, float]]) -> None:
    for point in edge.findall(_q(DI, "waypoint")):
        edge.remove(point)
    anchor = edge.find(_q(BPMNDI, "BPMNLabel"))
    for x, y in points:
        node = etree.Element(_q(DI, "waypoint"), attrib={"x": _num(x), "y": _num(y)})
        if anchor is not None:
            anchor.addprevious(node)
        else:
            edge.append(node)


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"
