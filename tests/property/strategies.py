"""Hypothesis strategies that build procedure packages, and the one walk through each that
its generated test case follows.

A strategy draws a `Plan` (plain data: forms, the shape of the process, the values a
case fills in); `render` turns it into package files; `derive_case` runs the plan's
data through the sandbox (`bpmn.package_tests.run_case`) and writes down the path and
end it took, so the engine run can be held to the same walk. Plans are small frozen
dataclasses so a failure found by hypothesis can be pinned as a literal.

What is drawn, on purpose: 1–6 user tasks in 1–3 lanes; forms with string, number,
integer, boolean, enum fields and nested objects; exclusive gateways over start-form
fields (comparisons, and/or/not, arithmetic, `in`, calls, and a few hostile but
syntactically valid ones); parallel gateways; rework loops left when a task says so;
boundary and intermediate timers with durations valid and not; element ids that
SpiffWorkflow uses internally; names, ids and roles at or beyond the database columns;
field names in Vietnamese or hostile; end events with a status and an outcome.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st

from bpmn.compiled import CompiledProcedure
from bpmn.expressions import ExpressionError
from bpmn.limits import applicant_problems
from bpmn.runtime import ProcessError, ProcessInstance, ProcessModel

MAX_TASKS = 6
ROLE_COLUMN = 50  # engine/models.py: RoleGrant.role, Task.role
ID_COLUMN = 100  # Task.bpmn_id, Timer.bpmn_id, Event.step
NAME_COLUMN = 300  # Task.name
# Durations of timers: valid ones, edge ones and ones that are not durations at all.
TIMER_DURATIONS = ("P2D", "PT4H", "P1D", "P1W", "P1M", "PT30S", "P99999D", "P99999999Y", '"PT1H"')
DEADLINES = ("PT4H", "P2D", "P1D", "P10D", "P1W", "P99999D", "P99999999D")
SEEDED_ROLES = ("mot_cua", "chuyen_vien", "lanh_dao", "ho_tich")
LONG_ROLE = "vai_tro_" + "x" * (ROLE_COLUMN + 2)
LANES = ("mot_cua", "chuyen_vien", "lanh_dao", "phòng_chuyên_môn", "l" * 60, 'q" onfocus="x')
PLAIN_NAMES = ("ghi_chu", "so_luong", "dong_y", "muc_do", "thong_tin", "ý_kiến", "số_tiền",
               "đồng_ý", "mức_độ", "thông_tin")
HOSTILE_NAMES = ('q" onfocus="x', "<script>alert(1)</script>")
FIELD_NAMES = PLAIN_NAMES * 6 + HOSTILE_NAMES  # a hostile name in about one field of 30
ENUM = ("một", "hai", "ba")
TEXT = "abcxyz ăâđêôơưạảấ"
OTHER_AGENCY = "000.05.00.H64"  # the seeded Sở Xây dựng, for lanes handed to another agency
KINDS = ("string", "number", "integer", "boolean", "enum", "object")


@dataclass(frozen=True)
class FieldPlan:
    """A form field and the value a case fills in (a dict of the children for an object)."""

    name: str
    kind: str
    value: Any
    children: tuple[FieldPlan, ...] = ()


@dataclass(frozen=True)
class EndPlan:
    """An end event with its national status and outcome properties."""

    id: str
    status: str = "10"
    # «Đã trả kết quả» with a result granted needs a hand-over step on every path to it
    # (bpmn/handover_checks.py): a plain end is a refusal's notice unless said otherwise.
    outcome: str = "refused"
    terminate: bool = False


@dataclass(frozen=True)
class TaskPlan:
    """A user task: its lane (a role key), its own form and the data of each visit."""

    id: str
    name: str
    lane: str
    fields: tuple[FieldPlan, ...] = ()
    deadline: str | None = None
    status: str | None = None
    boundary: TimerPlan | None = None


@dataclass(frozen=True)
class TimerPlan:
    """A timer event; on a task (boundary) it leads to an optional task and an end."""

    id: str
    duration: str
    fire: bool = True
    interrupting: bool = False
    then: TaskPlan | None = None
    end: EndPlan | None = None


@dataclass(frozen=True)
class Step:
    """One user task in the main line."""

    task: TaskPlan


@dataclass(frozen=True)
class Exit:
    """An exclusive gateway: when `condition` holds, (a task then) an end; else on."""

    gateway: str
    condition: str
    end: EndPlan
    task: TaskPlan | None = None


@dataclass(frozen=True)
class Diamond:
    """An exclusive split and merge, a task or nothing on each side."""

    gateway: str
    join: str
    condition: str
    yes: TaskPlan | None
    no: TaskPlan | None


@dataclass(frozen=True)
class Parallel:
    """A parallel split into two tasks and their join."""

    split: str
    join: str
    left: TaskPlan
    right: TaskPlan


@dataclass(frozen=True)
class Rework:
    """A task done again until its boolean field `exit_field` is true (`rounds` visits)."""

    join: str
    gateway: str
    task: TaskPlan
    exit_field: str
    condition: str
    rounds: int


@dataclass(frozen=True)
class Wait:
    """An intermediate timer in the main line (always named in the case's `fire`)."""

    timer: TimerPlan


@dataclass(frozen=True)
class Call:
    """A call activity into a process of its own (a second diagram) holding one task."""

    activity: str
    process_id: str
    task: TaskPlan
    end: str


Segment = Step | Exit | Diamond | Parallel | Rework | Wait | Call


@dataclass(frozen=True)
class Plan:
    """A whole generated package."""

    process_id: str
    roles: tuple[tuple[str, str], ...]
    start_fields: tuple[FieldPlan, ...]
    segments: tuple[Segment, ...]
    end: EndPlan
    applicant: tuple[str, str] = ("Nguyễn Văn An", "008090001234")
    start_id: str = "bat_dau"
    name: str = "Thủ tục sinh tự động để kiểm thử"
    processing_time: tuple[float, str] = (15, "working_days")
    handed: tuple[str, ...] = ()  # lanes whose steps go to another agency (liên thông)


@dataclass
class Generated:
    """Rendered package files and the raw case (no expectation yet)."""

    files: dict[str, bytes]
    case: dict[str, Any]
    tasks: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- strategies

def _values(kind: str) -> st.SearchStrategy[Any]:
    if kind == "string":
        return st.text(alphabet=TEXT, max_size=8)
    if kind == "number":
        return st.one_of(st.floats(-1000, 1000, allow_nan=False, allow_infinity=False),
                         st.integers(-1000, 1000))
    if kind == "integer":
        return st.one_of(st.integers(-1000, 1000), st.sampled_from([0, 10**9, -(10**12)]))
    if kind == "boolean":
        return st.booleans()
    return st.sampled_from(ENUM)


@st.composite
def field_plans(draw: st.DrawFn, names: tuple[str, ...], *, depth: int = 0,
                suffix: str = "") -> FieldPlan:
    """A field of any kind (objects nest once) with the value a case gives it."""
    name = draw(st.sampled_from(names)) + suffix
    kind = draw(st.sampled_from(KINDS if depth == 0 else KINDS[:-1]))
    if kind != "object":
        return FieldPlan(name, kind, draw(_values(kind)))
    children = _unique(draw(st.lists(field_plans(PLAIN_NAMES[:5], depth=1), min_size=1, max_size=2)))
    return FieldPlan(name, kind, {c.name: c.value for c in children}, children)


def _unique(fields: list[FieldPlan]) -> tuple[FieldPlan, ...]:
    seen: dict[str, FieldPlan] = {}
    for item in fields:
        seen.setdefault(item.name, item)
    return tuple(seen.values())


def _ref(path: list[str]) -> str | None:
    """How an expression reads a field path; None when the top name is not an identifier."""
    if not path[0].isidentifier() or path[0] in ("True", "False", "None", "and", "or", "not",
                                                 "in", "if", "else"):
        return None
    text = path[0]
    for part in path[1:]:
        text += f".{part}" if part.isidentifier() else f"[{json.dumps(part, ensure_ascii=False)}]"
    return text


def _leaves(fields: tuple[FieldPlan, ...], prefix: list[str] | None = None) -> list[tuple[str, FieldPlan]]:
    found = []
    for item in fields:
        path = [*(prefix or []), item.name]
        if item.kind == "object":
            found.extend(_leaves(item.children, path))
            continue
        ref = _ref(path)
        if ref is not None:
            found.append((ref, item))
    return found


HOSTILE = ("round(1, -100000000) == 0", "{p} * 1000000000 * 1000000000 * 1000000000 > 1",
           "round({p}, -100000000) == 0", "10 / {p} > 1", "{p} % 0 == 1",
           "len(str({p}) + str({p})) * 99999999 * 99999999 > 1")
BY_KIND = {
    "number": ("{p} > {k}", "{p} <= {k}", "abs({p} - {k}) < 50", "round({p}) == {k}",
               "min({p}, {k}) == {k}", "max({p}, 0) > {k}", "{p} * 2 + 1 > {k}",
               "{p} // 3 != 0", "{p} in [1, 2, {k}]"),
    "string": ("len({p}) > 3", 'lower({p}) == "abc"', '"a" in {p}', '{p} in ["a", "b"]',
               'strip({p}) != ""', 'upper({p}) + "x" != "X"'),
    "boolean": ("{p} == True", "not {p}", "{p}", "{p} != False"),
    "enum": ('{p} == "một"', '{p} in ["hai", "ba"]', '{p} not in ["ba"]'),
}
BY_KIND["integer"] = (*BY_KIND["number"], "{p} % 2 == 0", "int({p}) + 1 > {k}")


@st.composite
def conditions(draw: st.DrawFn, fields: tuple[FieldPlan, ...]) -> str:
    """A gateway condition over start-form fields (or over nothing, when none is readable)."""
    leaves = _leaves(fields)
    def one() -> str:
        if not leaves:
            return draw(st.sampled_from(("1 + 1 == 2", "max(1, 2) > 1", HOSTILE[0])))
        ref, item = draw(st.sampled_from(leaves))
        numeric = item.kind in ("number", "integer")
        pool = BY_KIND[item.kind] + (HOSTILE if numeric and draw(st.integers(0, 9)) == 7 else ())
        template = draw(st.sampled_from(pool))
        return template.format(p=ref, k=draw(st.integers(-5, 20)))
    text = one()
    if draw(st.booleans()):
        text = f"{text} {draw(st.sampled_from(('and', 'or')))} {one()}"
    if draw(st.integers(0, 4)) == 3:
        text = f"not ({text})"
    return text


class _Ids:
    """Unique element ids, sometimes the names SpiffWorkflow uses itself or long ones."""

    def __init__(self, draw: st.DrawFn, process_id: str) -> None:
        self.draw = draw
        self.used: set[str] = set()
        self.special = ["Start", "End", "Root", f"{process_id}.EndJoin", "x" * ID_COLUMN,
                        "y" * (ID_COLUMN + 20)]

    def __call__(self, prefix: str) -> str:
        wanted = (self.draw(st.sampled_from(self.special)) if self.draw(st.integers(0, 39)) == 17
                  else f"{prefix}{len(self.used) + 1}")
        while wanted in self.used:
            wanted += "_"
        self.used.add(wanted)
        return wanted


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    """A whole package plan."""
    process_id = draw(st.sampled_from(("quy_trinh",) * 6 + ("Root", "Start", "p" * ID_COLUMN)))
    ids = _Ids(draw, process_id)
    start_id = draw(st.sampled_from(("bat_dau",) * 12 + ("Start", "Root")))
    ids.used.update({start_id, process_id})
    lanes = draw(st.lists(st.sampled_from(LANES), min_size=1, max_size=3, unique=True))
    roles = tuple((lane, draw(st.sampled_from(SEEDED_ROLES * 4 + (LONG_ROLE,)))) for lane in lanes)
    start_fields = _unique(draw(st.lists(field_plans(FIELD_NAMES), min_size=0, max_size=4)))
    budget = [draw(st.integers(1, MAX_TASKS))]
    counter = [0]

    def task(*, first: bool = False) -> TaskPlan:
        budget[0] -= 1
        counter[0] += 1
        number = counter[0]
        fields = _unique(draw(st.lists(field_plans(FIELD_NAMES, suffix=f"_{number}"), max_size=3)))
        name = draw(st.sampled_from(
            (f"Xử lý bước {number}",) * 24 + ("Thẩm định " + "ạ" * (NAME_COLUMN - 10),
                                             "Thẩm định " + "ạ" * (NAME_COLUMN + 5))))
        status = "1" if first and draw(st.booleans()) else draw(
            st.sampled_from((None,) * 20 + ("4", "9", "9", "11")))
        deadline = draw(st.sampled_from((None,) * 12 + DEADLINES[:3] * 3 + DEADLINES))
        made = TaskPlan(ids("t"), name, draw(st.sampled_from(lanes)), fields, deadline, status)
        if not first and budget[0] > 0 and draw(st.integers(0, 7)) == 5:  # in a branch or loop
            made = replace(made, boundary=timer(boundary=True))
        return made

    def end(*, main: bool = False) -> EndPlan:
        status = draw(st.sampled_from(("10",) * 12 + ("3", "3", "9", "1", "11")))
        # A granted result handed back (10) is valid only behind a hand-over step (status 9):
        # the main end gets one; a side end (an exit, a timer's) is such a result now and
        # then, so the refusal is exercised too.
        granted = ("granted",) * (1 if status == "10" and not main else 10)
        return EndPlan(ids("e"), status,
                       draw(st.sampled_from(granted + ("refused",) * 6 + ("maybe",))),
                       draw(st.booleans()))

    def timer(*, boundary: bool) -> TimerPlan:
        then = task() if boundary and budget[0] > 0 and draw(st.booleans()) else None
        return TimerPlan(ids("h"), draw(st.sampled_from(TIMER_DURATIONS[:4] * 3 + TIMER_DURATIONS)),
                         fire=not boundary or draw(st.booleans()),
                         interrupting=boundary and draw(st.booleans()),
                         then=then, end=end() if boundary else None)

    segments: list[Segment] = []
    while budget[0] > 0 and len(segments) < 8:
        kind = draw(st.sampled_from(("step", "step", "exit", "diamond", "parallel", "rework", "wait",
                                     "call")))
        if kind == "parallel" and budget[0] < 2:
            kind = "step"
        if kind == "step":
            main = task(first=not segments)
            if draw(st.integers(0, 3)) == 2:
                main = TaskPlan(main.id, main.name, main.lane, main.fields, main.deadline,
                                main.status, timer(boundary=True))
            segments.append(Step(main))
        elif kind == "exit":
            gateway = ids("g")
            side = task() if draw(st.booleans()) else None
            segments.append(Exit(gateway, draw(conditions(start_fields)), end(), side))
        elif kind == "diamond":
            gateway, join = ids("g"), ids("g")
            yes: TaskPlan | None = task()
            no = task() if budget[0] > 0 and draw(st.booleans()) else None
            if draw(st.booleans()):
                yes, no = no, yes
            segments.append(Diamond(gateway, join, draw(conditions(start_fields)), yes, no))
        elif kind == "parallel":
            split, join = ids("g"), ids("g")
            segments.append(Parallel(split, join, task(), task()))
        elif kind == "rework":
            join = ids("g")
            again = task()
            gateway = ids("g")
            flag = f"xong_{len(segments) + 1}"
            condition = draw(st.sampled_from((f"{flag} == True", flag, f"not ({flag} == False)",
                                              f"{flag} != False and 1 + 1 == 2")))
            segments.append(Rework(join, gateway, again, flag, condition, draw(st.integers(1, 3))))
        elif kind == "call":
            activity = ids("c")
            called = draw(st.sampled_from(("quy_trinh_con",) * 4 + ("Root", f"{process_id}.EndJoin")))
            segments.append(Call(activity, called, task(), ids("e")))
        else:
            segments.append(Wait(timer(boundary=False)))
    # Now and then longer than the dossier's columns (name 200, ID number 20).
    applicant = (draw(st.sampled_from(("Nguyễn Văn An",) * 11 + ("Trần " + "Thị " * 70,))),
                 draw(st.sampled_from(("008090001234",) * 11 + ("0" * 25,))))
    last = end(main=True)
    if (last.status, last.outcome) == ("10", "granted") or draw(st.integers(0, 3)) == 0:
        # the desk hands the result over before «Đã trả kết quả» (bpmn/handover_checks.py)
        segments.append(Step(TaskPlan(ids("t"), "Trả kết quả", lanes[0], status="9")))
    return Plan(
        process_id=process_id, roles=roles, start_fields=start_fields, segments=tuple(segments),
        end=last, applicant=applicant,
        start_id=start_id,
        name=draw(st.sampled_from(("Thủ tục sinh tự động để kiểm thử",) * 5 + ("Thủ tục " + "ạ" * 492,))),
        handed=tuple(lane for lane in lanes if draw(st.integers(0, 5)) == 4),
        processing_time=draw(st.sampled_from(((15, "working_days"),) * 6 + (
            (1, "working_days"), (0.5, "working_hours"), (365, "calendar_days"), (1, "same_day")))),
    )


# ---------------------------------------------------------------------------- rendering

def _schema(fields: tuple[FieldPlan, ...], title: str) -> dict[str, Any]:
    def one(item: FieldPlan) -> dict[str, Any]:
        node: dict[str, Any] = {"title": item.name}
        if item.kind == "enum":
            node.update(type="string", enum=list(ENUM))
        elif item.kind == "object":
            node.update(_schema(item.children, item.name))
        else:
            node["type"] = item.kind
        return node
    return {"title": title, "type": "object", "required": [f.name for f in fields],
            "properties": {f.name: one(f) for f in fields}}


class _Diagram:
    """Collects the XML of one process: nodes, flows, lanes."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.nodes: list[str] = []
        self.flows: list[str] = []
        self.lanes: dict[str, list[str]] = {lane: [] for lane, _ in plan.roles}
        self.defaults: dict[str, str | None] = {}
        self.pending: dict[str, str] = {}  # gateway → condition of its next flow out
        self.forms: dict[str, dict[str, Any]] = {}
        self.supplies: dict[str, list[dict[str, Any]]] = {}
        self.fire: list[str] = []
        self.task_ids: list[str] = []
        self.called: list[_Diagram] = []

    def place(self, node_id: str, lane: str | None = None) -> None:
        self.lanes[lane or next(iter(self.lanes))].append(node_id)

    def flow(self, source: str, target: str, condition: str | None = None) -> None:
        flow_id = f"f{len(self.flows) + 1}"
        condition = condition if condition is not None else self.pending.pop(source, None)
        if condition is None and source in self.defaults and self.defaults[source] is None:
            self.defaults[source] = flow_id
        body = (f"<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>"
                if condition is not None else "")
        self.flows.append(f'<bpmn:sequenceFlow id="{flow_id}" sourceRef={quoteattr(source)} '
                          f'targetRef={quoteattr(target)}>{body}</bpmn:sequenceFlow>')

    def task(self, task: TaskPlan, visits: list[dict[str, Any]] | None = None) -> str:
        form = f"b{len(self.forms) + 1}.schema.json"
        self.forms[form] = _schema(task.fields, task.name[:60])
        props = [("formJsonSchemaFilename", form)]
        if task.deadline:
            props.append(("deadline", task.deadline))
        if task.status:
            props.append(("status", task.status))
        self.nodes.append(f'<bpmn:userTask id={quoteattr(task.id)} name={quoteattr(task.name)}>'
                          + _properties(props) + "</bpmn:userTask>")
        self.place(task.id, task.lane)
        self.task_ids.append(task.id)
        self.supplies[task.id] = visits or [{f.name: f.value for f in task.fields}]
        if task.boundary is not None:
            self.boundary(task.id, task.lane, task.boundary)
        return task.id

    def boundary(self, host: str, lane: str, timer: TimerPlan) -> None:
        cancel = "true" if timer.interrupting else "false"
        self.nodes.append(f'<bpmn:boundaryEvent id={quoteattr(timer.id)} cancelActivity="{cancel}" '
                          f'attachedToRef={quoteattr(host)}>{_timer(timer)}</bpmn:boundaryEvent>')
        self.place(timer.id, lane)
        if timer.fire:
            self.fire.append(timer.id)
        last = timer.id
        if timer.then is not None:
            self.flow(last, self.task(timer.then))
            last = timer.then.id
        assert timer.end is not None
        self.flow(last, self.end(timer.end))

    def end(self, end: EndPlan) -> str:
        props = _properties([("status", end.status), ("outcome", end.outcome)])
        terminate = f'<bpmn:terminateEventDefinition id={quoteattr(end.id + "_t")} />' \
            if end.terminate else ""
        self.nodes.append(f"<bpmn:endEvent id={quoteattr(end.id)}>{props}{terminate}</bpmn:endEvent>")
        self.place(end.id)
        return end.id

    def gateway(self, kind: str, gateway_id: str, *, decides: bool = False) -> str:
        self.nodes.append(f"<bpmn:{kind} id={quoteattr(gateway_id)} />")
        self.place(gateway_id)
        if decides:
            self.defaults[gateway_id] = None
        return gateway_id

    def segment(self, last: str, segment: Segment) -> str:
        if isinstance(segment, Step):
            self.flow(last, self.task(segment.task))
            return segment.task.id
        if isinstance(segment, Call):
            self.nodes.append(f"<bpmn:callActivity id={quoteattr(segment.activity)} "
                              f"calledElement={quoteattr(segment.process_id)} />")
            self.place(segment.activity)
            self.flow(last, segment.activity)
            inner = _Diagram(replace(self.plan, process_id=segment.process_id, segments=()))
            inner.forms, inner.supplies, inner.task_ids = self.forms, self.supplies, self.task_ids
            inner.fire = self.fire
            start = f"{segment.activity}_bat_dau"
            inner.nodes.append(f"<bpmn:startEvent id={quoteattr(start)} />")
            inner.place(start)
            inner.flow(start, inner.task(segment.task))
            inner.nodes.append(f"<bpmn:endEvent id={quoteattr(segment.end)} />")
            inner.place(segment.end)
            inner.flow(segment.task.id, segment.end)
            self.called.append(inner)
            return segment.activity
        if isinstance(segment, Wait):
            timer = segment.timer
            self.nodes.append(f"<bpmn:intermediateCatchEvent id={quoteattr(timer.id)}>{_timer(timer)}"
                              "</bpmn:intermediateCatchEvent>")
            self.place(timer.id)
            self.fire.append(timer.id)
            self.flow(last, timer.id)
            return timer.id
        if isinstance(segment, Exit):
            gateway = self.gateway("exclusiveGateway", segment.gateway, decides=True)
            self.flow(last, gateway)
            target = self.end(segment.end)
            if segment.task is not None:
                self.flow(gateway, self.task(segment.task), segment.condition)
                self.flow(segment.task.id, target)
            else:
                self.flow(gateway, target, segment.condition)
            return gateway
        if isinstance(segment, Diamond):
            gateway = self.gateway("exclusiveGateway", segment.gateway, decides=True)
            join = self.gateway("exclusiveGateway", segment.join)
            self.flow(last, gateway)
            for side, condition in ((segment.yes, segment.condition), (segment.no, None)):
                if side is None:
                    self.flow(gateway, join, condition)
                else:
                    self.flow(gateway, self.task(side), condition)
                    self.flow(side.id, join)
            return join
        if isinstance(segment, Parallel):
            split = self.gateway("parallelGateway", segment.split)
            join = self.gateway("parallelGateway", segment.join)
            self.flow(last, split)
            for side in (segment.left, segment.right):
                self.flow(split, self.task(side))
                self.flow(side.id, join)
            return join
        join = self.gateway("exclusiveGateway", segment.join)
        self.flow(last, join)
        visits = [{**{f.name: f.value for f in segment.task.fields},
                   segment.exit_field: n == segment.rounds} for n in range(1, segment.rounds + 1)]
        rework = TaskPlan(segment.task.id, segment.task.name, segment.task.lane,
                          (*segment.task.fields, FieldPlan(segment.exit_field, "boolean", True)),
                          segment.task.deadline, segment.task.status, segment.task.boundary)
        self.flow(join, self.task(rework, visits))
        gateway = self.gateway("exclusiveGateway", segment.gateway, decides=True)
        self.flow(rework.id, gateway)
        self.flow(gateway, join)  # the back edge is the default: done again until told
        self.pending[gateway] = segment.condition
        return gateway

    def xml(self) -> str:
        for gateway, default in self.defaults.items():
            index = next(i for i, n in enumerate(self.nodes) if f"id={quoteattr(gateway)}" in n)
            self.nodes[index] = self.nodes[index].replace(
                f"id={quoteattr(gateway)}", f"id={quoteattr(gateway)} default={quoteattr(default or '')}",
                1)
        lanes = "".join(
            f'<bpmn:lane id="lane_{i}" name={quoteattr(lane)}>'
            + "".join(f"<bpmn:flowNodeRef>{escape(n)}</bpmn:flowNodeRef>" for n in nodes)
            + "</bpmn:lane>" for i, (lane, nodes) in enumerate(self.lanes.items()))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
                'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
                'id="defs" targetNamespace="https://motcua.example/property">\n'
                f'<bpmn:process id={quoteattr(self.plan.process_id)} isExecutable="true">\n'
                f'<bpmn:laneSet id="lanes">{lanes}</bpmn:laneSet>\n'
                + "\n".join(self.nodes) + "\n" + "\n".join(self.flows)
                + "\n</bpmn:process>\n</bpmn:definitions>\n")


def _properties(props: list[tuple[str, str]]) -> str:
    return ("<bpmn:extensionElements><spiffworkflow:properties>"
            + "".join(f"<spiffworkflow:property name={quoteattr(k)} value={quoteattr(v)} />"
                      for k, v in props)
            + "</spiffworkflow:properties></bpmn:extensionElements>")


def _timer(timer: TimerPlan) -> str:
    return (f'<bpmn:timerEventDefinition id={quoteattr(timer.id + "_d")}>'
            f"<bpmn:timeDuration>{escape(timer.duration)}</bpmn:timeDuration>"
            "</bpmn:timerEventDefinition>")


def render(plan: Plan, code: str = "PROP.0") -> Generated:
    """The package files of a plan (procedure code `code`) and its case without expectation."""
    diagram = _Diagram(plan)
    diagram.nodes.append(f"<bpmn:startEvent id={quoteattr(plan.start_id)} />")
    diagram.place(plan.start_id)
    last = plan.start_id
    for segment in plan.segments:
        last = diagram.segment(last, segment)
    diagram.flow(last, diagram.end(plan.end))
    start_fields = (FieldPlan("ho_ten", "string", plan.applicant[0]),
                    FieldPlan("so_dinh_danh", "string", plan.applicant[1]), *plan.start_fields)
    start_fields = _unique(list(start_fields))
    manifest = {
        "code": code, "name": plan.name, "field": "Kiểm thử", "agency": "UBND cấp xã",
        "level": "partial",
        "processing_time": {"value": plan.processing_time[0], "unit": plan.processing_time[1]},
        "start_form": "don",
        "roles": {lane: {"role": role, "label": f"Làn {lane}"[:80],
                         **({"agency": OTHER_AGENCY} if lane in plan.handed else {})}
                  for lane, role in plan.roles},
    }
    start = _schema(start_fields, "Tờ khai")
    # A careful designer bounds the applicant's fields by the dossier's columns; an
    # overlong applicant comes with a form that does not (what the engine must survive).
    for name, width in (("ho_ten", 200), ("so_dinh_danh", 20)):
        if len(str(start_fields[[f.name for f in start_fields].index(name)].value)) <= width:
            start["properties"][name]["maxLength"] = width
    files = {"procedure.json": _json(manifest), "process.bpmn": diagram.xml().encode("utf-8"),
             "forms/don.schema.json": _json(start)}
    files.update({f"forms/{name}": _json(schema) for name, schema in diagram.forms.items()})
    for number, inner in enumerate(diagram.called, start=1):
        files[f"con_{number}.bpmn"] = inner.xml().encode("utf-8")
    case = {"name": "Ca sinh tự động", "start": {f.name: f.value for f in start_fields},
            "tasks": diagram.supplies, "fire": diagram.fire}
    return Generated(files, case, diagram.task_ids)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")


def with_code(files: dict[str, bytes], code: str) -> dict[str, bytes]:
    """The same package under another procedure code (each import a fresh procedure)."""
    manifest = json.loads(files["procedure.json"])
    manifest["code"] = code
    return {**files, "procedure.json": _json(manifest)}


MAX_WALK = 60  # steps: a generated walk is at most 6 tasks, three rounds each


class Stalled(RuntimeError):
    """The process waits for nothing the case can give, or never ends."""


@dataclass
class Walk:
    """Where the case's data leads: the tasks completed, the end reached, and what stopped
    it early — a `refusal` (a condition failed on this data: the designer's expression,
    reported in Vietnamese) or an `error` (anything else: a package validation should not
    have accepted)."""

    path: list[str]
    end: str | None
    refusal: str | None = None
    error: BaseException | None = None


def _from_expression(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ExpressionError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def walk(compiled: CompiledProcedure, case: dict[str, Any]) -> Walk:
    """Drive the case's data through the process the way the sandbox does (named timers fire
    as soon as they wait, the first ready task is worked first) and note where it went."""
    instance: ProcessInstance | None = None
    refused = applicant_problems(compiled.manifest, case["start"])
    if refused:  # the engine refuses such a submission, and so does the sandbox
        return Walk([], None, refusal="; ".join(f"{path}: {message}" for path, message in refused))
    try:
        instance = ProcessModel(compiled.spec).start(case["start"])
        supplies = {k: list(v) for k, v in case["tasks"].items()}
        to_fire = list(case["fire"])
        for _ in range(MAX_WALK):
            if instance.completed:
                return Walk(instance.path(), instance.end_event())
            fired = True
            while fired:  # a fired timer may lead to another timer, or to the end
                fired = False
                for timer in instance.pending_timers():
                    if timer.bpmn_id in to_fire:
                        to_fire.remove(timer.bpmn_id)
                        fired = instance.fire_timer(timer.id)
                        break
                    if not timer.held:
                        instance.hold_timer(timer.id, "walk")
            if instance.completed:
                continue
            ready = [t for t in instance.waiting() if supplies.get(t.bpmn_id)]
            if not ready:
                raise Stalled(f"nothing to do; waiting: {[t.bpmn_id for t in instance.waiting()]}")
            instance.complete(ready[0].id, supplies[ready[0].bpmn_id].pop(0))
        raise Stalled("no end after the walk's step limit")
    except ProcessError as exc:
        path = instance.path() if instance else []
        if _from_expression(exc):
            return Walk(path, None, refusal=str(exc))
        return Walk(path, None, error=exc)
    except Exception as exc:  # anything at all: the property reports it
        return Walk(instance.path() if instance else [], None, error=exc)


def expecting(case: dict[str, Any], walked: Walk) -> dict[str, Any]:
    """The case with the walk as its expectation."""
    return {**case, "expect": {"path": walked.path, "end": walked.end or ""}}


def case_file(case: dict[str, Any]) -> bytes:
    """A `tests/*.json` file holding one case."""
    return _json([case])
