"""Static checks on the shape of a process, the ones a designer needs before a dossier
ever runs: every element reachable from a start, every path able to end, every choice
of a gateway decided, and every field a condition reads filled in — by a form completed
before that gateway on *every* path — with a type the comparison makes sense for.

Each scope (a process, or a sub-process inside one) is a graph of its flow nodes and
sequence flows; a boundary event hangs off the activity it is attached to.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from lxml import etree

from bpmn.expressions import ExpressionError, compile_expression
from bpmn.problems import Problem, Report, Severity

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}
FLOW_NODES = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "task", "userTask", "manualTask", "callActivity", "subProcess",
    "businessRuleTask", "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway",
}
DECIDING = {"exclusiveGateway", "inclusiveGateway"}
FORM_PROPERTY = "formJsonSchemaFilename"


@dataclass
class Scope:
    """The flow nodes and flows directly inside one process or sub-process."""

    file: str
    kinds: dict[str, str] = field(default_factory=dict)
    elements: dict[str, etree._Element] = field(default_factory=dict)
    successors: dict[str, list[str]] = field(default_factory=dict)
    predecessors: dict[str, list[str]] = field(default_factory=dict)
    flows: dict[str, etree._Element] = field(default_factory=dict)
    attached: dict[str, str] = field(default_factory=dict)  # boundary event → its activity

    def edge(self, source: str, target: str) -> None:
        self.successors.setdefault(source, []).append(target)
        self.predecessors.setdefault(target, []).append(source)


def scopes_of(name: str, root: etree._Element) -> list[Scope]:
    """Every process and sub-process of one diagram, as graphs."""
    found = []
    for container in [*root.iterfind(".//bpmn:process", NS), *root.iterfind(".//bpmn:subProcess", NS)]:
        scope = Scope(name)
        for child in container:
            if not isinstance(child.tag, str):
                continue
            local = etree.QName(child).localname
            if local in FLOW_NODES and child.get("id"):
                scope.kinds[child.get("id", "")] = local
                scope.elements[child.get("id", "")] = child
            elif local == "sequenceFlow":
                scope.flows[child.get("id", "")] = child
        for flow in scope.flows.values():
            scope.edge(flow.get("sourceRef", ""), flow.get("targetRef", ""))
        for node_id, kind in scope.kinds.items():
            if kind == "boundaryEvent":
                host = scope.elements[node_id].get("attachedToRef", "")
                scope.attached[node_id] = host
                scope.edge(host, node_id)
        found.append(scope)
    return found


def _reach(starts: Iterable[str], step: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(step.get(node, []))
    return seen


def line_of(element: etree._Element) -> int | None:
    """The source line of an element (lxml's stubs type it loosely)."""
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def check_structure(scope: Scope, report: Report) -> None:
    """Implicit starts, unreachable elements, dead ends, undecided gateways."""
    def problem(code: str, message: str, node: str, severity: Severity = "error") -> None:
        element = scope.elements.get(node, scope.flows.get(node))
        report.add(Problem(code, message, scope.file, line_of(element) if element is not None
                           else None, node, severity))

    starts = [n for n, k in scope.kinds.items() if k == "startEvent"]
    implicit = [n for n, k in scope.kinds.items() if k not in ("startEvent", "boundaryEvent")
                and not scope.predecessors.get(n)]
    for node in implicit:
        problem("bpmn.implicit_start", f"'{node}' không có luồng vào: bắt đầu ngầm định không "
                "được hỗ trợ; mọi bước phải đi từ một sự kiện bắt đầu.", node)
    reached = _reach(starts, scope.successors)
    for node in scope.kinds:
        if node not in reached and node not in implicit:
            problem("flow.unreachable", f"Không đến được '{node}' từ sự kiện bắt đầu nào.", node)
    ends = [n for n, k in scope.kinds.items() if k == "endEvent"]
    can_end = _reach(ends, scope.predecessors)
    for node, kind in scope.kinds.items():
        if node in can_end or node not in reached:
            continue
        if not scope.successors.get(node) and kind != "endEvent":
            problem("flow.dead_end", f"'{node}' không có luồng ra và không phải sự kiện kết thúc: "
                    "hồ sơ sẽ dừng ở đây mãi.", node)
        else:
            problem("flow.dead_end", f"Từ '{node}' không có đường nào đến sự kiện kết thúc "
                    "(vòng lặp không lối ra).", node)
    _check_parallel_joins(scope, problem)
    for node, kind in scope.kinds.items():
        if kind not in DECIDING:
            continue
        outgoing = [f for f in scope.flows.values() if f.get("sourceRef") == node]
        if len(outgoing) < 2:
            continue
        default = scope.elements[node].get("default")
        bare = [f.get("id", "") for f in outgoing if f.get("id") != default
                and f.find("bpmn:conditionExpression", NS) is None]
        if bare and not default:
            problem("gateway.no_condition", f"Cổng '{node}' có luồng ra không điều kiện "
                    f"({', '.join(bare)}) và không có luồng mặc định: không quyết định được.", node)
        elif bare:
            problem("gateway.unconditioned", f"Luồng {', '.join(bare)} của cổng '{node}' không có "
                    "điều kiện và không phải luồng mặc định: luôn được chọn.", node, "warning")


def _check_parallel_joins(scope: Scope, problem: Any) -> None:
    """A parallel join waits for a token on every incoming flow: a branch that can leave the
    parallel part for an end without coming back (an interrupting boundary event, a gateway
    in the branch) leaves the join waiting for ever and the dossier never ends."""
    for join, kind in scope.kinds.items():
        if kind != "parallelGateway" or len(scope.predecessors.get(join, [])) < 2:
            continue
        upstream = _reach(scope.predecessors.get(join, []), scope.predecessors)
        splits = [n for n in upstream if scope.kinds.get(n) == "parallelGateway"
                  and len(scope.successors.get(n, [])) > 1]
        inside = _reach_until(
            [s for split in splits for s in scope.successors.get(split, [])], scope.successors,
            stop=join) & upstream
        for node in sorted(inside):
            for target in scope.successors.get(node, []):
                if target == join or target in upstream or _adds_a_token(scope, target):
                    continue
                problem("flow.parallel_starved",
                        f"Từ '{node}' hồ sơ có thể rời nhánh song song qua '{target}' mà không đến "
                        f"cổng hợp '{join}': cổng hợp sẽ chờ nhánh đó mãi và hồ sơ không bao giờ "
                        "kết thúc. Hãy nối nhánh đó về cổng hợp (hoặc dùng hẹn giờ không ngắt).",
                        target)


def _reach_until(starts: Iterable[str], step: dict[str, list[str]], *, stop: str) -> set[str]:
    """Like `_reach`, without going past `stop`."""
    seen: set[str] = set()
    todo = [n for n in starts if n != stop]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(n for n in step.get(node, []) if n != stop)
    return seen


def _adds_a_token(scope: Scope, node: str) -> bool:
    """A non-interrupting boundary event starts an extra path; the activity goes on."""
    return (scope.kinds.get(node) == "boundaryEvent"
            and scope.elements[node].get("cancelActivity", "true") == "false")


@dataclass(frozen=True)
class FormFields:
    """The forms of a package (file name → JSON Schema) and which is the start form."""

    forms: dict[str, dict[str, Any]]
    start_form: str | None


def check_conditions(scope: Scope, fields: FormFields, report: Report) -> None:
    """Each gateway condition reads fields that forms completed on every path to the
    gateway provide, and compares them with values of their type."""
    ready = _completed_forms(scope, fields)
    every = set(fields.forms)
    for flow_id, flow in scope.flows.items():
        condition = flow.find("bpmn:conditionExpression", NS)
        source = flow.get("sourceRef", "")
        if condition is None or source not in scope.kinds:
            continue
        text = (condition.text or "").strip()
        try:
            expression = compile_expression(text)
        except ExpressionError:
            continue  # reported by the expression check
        if expression.tree is None:
            continue
        before = ready.get(source, set())
        found = _Finder(report, scope.file, line_of(condition), flow_id)
        for path, compared in _field_uses(expression.tree):
            schema = _field(fields.forms, before, path)
            dotted = ".".join(path)
            if schema is None:
                elsewhere = sorted(f for f in every - before if _field(fields.forms, {f}, path))
                if elsewhere:
                    found("condition.field_not_ready", f"Điều kiện đọc trường '{dotted}' của biểu "
                          f"mẫu {', '.join(elsewhere)}, nhưng không phải mọi đường đến cổng "
                          f"'{source}' đều đi qua bước có biểu mẫu đó.")
                else:
                    found("condition.unknown_field", f"Điều kiện đọc trường '{dotted}' không có "
                          f"trong biểu mẫu nào được hoàn thành trước cổng '{source}'.")
                continue
            for value in compared:
                mismatch = _type_mismatch(schema, value)
                if mismatch:
                    found("condition.type", f"Điều kiện so sánh trường '{dotted}' ({mismatch}) "
                          f"với {value!r}.")
                elif isinstance(value, str) and (choices := _choices(schema)) and (
                        value not in choices):
                    found("condition.enum", f"Trường '{dotted}' không bao giờ bằng {value!r} "
                          f"(giá trị cho phép: {', '.join(map(str, choices))}).", "warning")


@dataclass(frozen=True)
class _Finder:
    """Adds findings about one condition."""

    report: Report
    file: str
    line: int | None
    element: str

    def __call__(self, code: str, message: str, severity: Severity = "error") -> None:
        self.report.add(Problem(code, message, self.file, self.line, self.element, severity))


def _form_of(element: etree._Element) -> str | None:
    node = element.find(f".//spiffworkflow:property[@name='{FORM_PROPERTY}']", NS)
    return node.get("value") if node is not None else None


def _decision_form(element: etree._Element) -> str:
    """A business rule task fills in its table's outputs, a pseudo form (`bpmn.dmn`)."""
    node = element.find(".//spiffworkflow:calledDecisionId", NS)
    return f"dmn:{(node.text or '').strip() if node is not None else ''}"


def _completed_forms(scope: Scope, fields: FormFields) -> dict[str, set[str]]:
    """For each node, the forms completed on every path reaching it (a must-analysis:
    the intersection over predecessors, iterated to a fixed point)."""
    universe = set(fields.forms)
    entry: dict[str, set[str]] = {n: set(universe) for n in scope.kinds}
    done: dict[str, set[str]] = {n: set(universe) for n in scope.kinds}
    changed = True
    while changed:
        changed = False
        for node, kind in scope.kinds.items():
            if kind == "startEvent":
                incoming = {fields.start_form} if fields.start_form in universe else set()
            elif kind == "boundaryEvent":
                incoming = set(entry.get(scope.attached.get(node, ""), set()))
            else:
                sources = [done[p] for p in scope.predecessors.get(node, []) if p in done]
                incoming = set.intersection(*sources) if sources else set()
            form = (_form_of(scope.elements[node]) if kind == "userTask" else
                    _decision_form(scope.elements[node]) if kind == "businessRuleTask" else None)
            finished = incoming | ({form} if form in universe else set())
            if incoming != entry[node] or finished != done[node]:
                entry[node], done[node], changed = incoming, finished, True
    return entry


def _path(node: ast.AST) -> list[str] | None:
    """`a`, `a.b`, `a["b"]` as ["a", "b"]; None for anything else."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        inner = _path(node.value)
        return None if inner is None else [*inner, node.attr]
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(
            node.slice.value, str):
        inner = _path(node.value)
        return None if inner is None else [*inner, node.slice.value]
    return None


def _field_uses(tree: ast.Expression) -> list[tuple[list[str], list[Any]]]:
    """Every field path the expression reads, with the constants it is compared to."""
    compared: dict[tuple[str, ...], list[Any]] = {}
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            inside.add(id(node.func))
        if isinstance(node, ast.Attribute | ast.Subscript):
            inside.add(id(node.value))
    for node in ast.walk(tree):
        if id(node) in inside:
            continue
        path = _path(node)
        if path is not None and path[0] not in ("True", "False", "None"):
            compared.setdefault(tuple(path), [])
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for left, right in pairwise(sides):
                for one, other in ((left, right), (right, left)):
                    path = _path(one)
                    if path is not None and isinstance(other, ast.Constant):
                        compared.setdefault(tuple(path), []).append(other.value)
                    elif path is not None and isinstance(other, ast.List | ast.Tuple):
                        compared.setdefault(tuple(path), []).extend(
                            e.value for e in other.elts if isinstance(e, ast.Constant))
    return [(list(p), values) for p, values in compared.items()]


def _field(forms: dict[str, dict[str, Any]], names: set[str], path: list[str]) -> dict[str, Any] | None:
    for name in sorted(names):
        schema: Any = forms.get(name, {})
        for part in path:
            properties = schema.get("properties") if isinstance(schema, dict) else None
            schema = properties.get(part) if isinstance(properties, dict) else None
            if schema is None:
                break
        if isinstance(schema, dict):
            return schema
    return None


def _choices(schema: dict[str, Any]) -> list[Any]:
    """The values a field may take: its `enum`, or the `const` of each `oneOf`/`anyOf`."""
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    options = schema.get("oneOf") or schema.get("anyOf") or []
    consts = [o["const"] for o in options if isinstance(o, dict) and "const" in o]
    return consts if consts and len(consts) == len(options) else []


def _type_mismatch(schema: dict[str, Any], value: Any) -> str | None:
    kinds = schema.get("type")
    allowed = set(kinds) if isinstance(kinds, list) else {kinds} if kinds else set()
    if not allowed or value is None:
        return None
    if isinstance(value, bool):
        fits = "boolean" in allowed
    elif isinstance(value, int | float):
        fits = bool(allowed & {"number", "integer"})
    elif isinstance(value, str):
        fits = "string" in allowed
    else:
        return None
    return None if fits else f"kiểu {'/'.join(sorted(str(k) for k in allowed))}"
