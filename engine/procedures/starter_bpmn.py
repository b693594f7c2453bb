"""The diagram of a procedure from scratch (`engine.procedures.starter`): a pool, one lane per
chosen role (the lane's name is the role code, as the modeler expects) and the legal frame
every procedure needs, the shipped samples' way:

    start → «Tiếp nhận hồ sơ» (Một cửa, status 1) → «Trả kết quả» (Một cửa, status 9) → end
    «Đã trả kết quả» (status 10, granted)

The hand-over step is the desk's (its form asks «Hình thức trả kết quả», `hinh_thuc_tra`,
the packages' convention the postal order, the electronic result and the documents read);
the engine lets it be completed only once the procedure's fee is collected, and the fee is
asked («Yêu cầu nộp phí, lệ phí», status 6) before it. The designer inserts the agency's
own steps between reception and hand-over with the modeler's «Thêm bước sau».
"""

from __future__ import annotations

from typing import Protocol
from xml.sax.saxutils import quoteattr

FIRST_STEP, HAND_OVER, END = "tiep_nhan", "tra_ket_qua", "ket_thuc"
OFFICER_FORM, HAND_OVER_FORM = "xu_ly", "tra_ket_qua"
LANE_HEIGHT, POOL_X, POOL_Y, POOL_WIDTH = 150, 100, 50, 900
NAMESPACES = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
              'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
              'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
              'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
              'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"')


class StarterFacts(Protocol):
    """What the diagram reads of the designer's facts (`starter.Facts`)."""

    @property
    def name(self) -> str: ...
    @property
    def time_value(self) -> float: ...
    @property
    def time_unit(self) -> str: ...
    @property
    def roles(self) -> list[tuple[str, str]]: ...


def _props(**values: str) -> str:
    inner = "".join(f'<spiffworkflow:property name="{k}" value="{v}" />'
                    for k, v in values.items())
    return f"<bpmn:extensionElements><spiffworkflow:properties>{inner}" \
           "</spiffworkflow:properties></bpmn:extensionElements>"


def _deadline(facts: StarterFacts) -> str:
    """The reception's deadline: a working day, or 4 working hours for short procedures."""
    short = facts.time_unit in ("working_hours", "same_day") or (
        facts.time_unit != "working_hours" and facts.time_value < 2)
    return "PT4H" if short else "P1D"


DESK_NODES = ("bat_dau", FIRST_STEP, HAND_OVER, END)


def _lanes(facts: StarterFacts) -> tuple[str, str]:
    """The lane set (Một cửa's lane holds the four elements) and the lanes' shapes."""
    lanes, shapes = [], []
    for index, (role, _label) in enumerate(facts.roles):
        refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>"
                       for n in DESK_NODES) if index == 0 else ""
        lanes.append(f'<bpmn:lane id="lane_{role}" name="{role}">{refs}</bpmn:lane>')
        shapes.append(_shape(f"lane_{role}", POOL_X + 30, POOL_Y + index * LANE_HEIGHT,
                             POOL_WIDTH - 30, LANE_HEIGHT, ' isHorizontal="true"'))
    return "".join(lanes), "".join(shapes)


def _shape(element: str, x: int, y: int, width: int, height: int, more: str = "") -> str:
    return (f'<bpmndi:BPMNShape id="{element}_di" bpmnElement="{element}"{more}>'
            f'<dc:Bounds x="{x}" y="{y}" width="{width}" height="{height}" /></bpmndi:BPMNShape>')


def _edge(flow: str, x1: int, x2: int, y: int) -> str:
    return (f'<bpmndi:BPMNEdge id="{flow}_di" bpmnElement="{flow}"><di:waypoint x="{x1}" y="{y}" />'
            f'<di:waypoint x="{x2}" y="{y}" /></bpmndi:BPMNEdge>')


def _elements(facts: StarterFacts) -> str:
    """Reception (a deadline), hand-over (none: the applicant's coming back decides, the
    dossier's own due time stands), the end, the flows."""
    reception = (f'<bpmn:userTask id="{FIRST_STEP}" name="Tiếp nhận hồ sơ">'
                 + _props(formJsonSchemaFilename=f"{OFFICER_FORM}.schema.json",
                          deadline=_deadline(facts), status="1")
                 + "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"
                 "</bpmn:userTask>")
    hand_over = (f'<bpmn:userTask id="{HAND_OVER}" name="Trả kết quả">'
                 + _props(formJsonSchemaFilename=f"{HAND_OVER_FORM}.schema.json", status="9")
                 + "<bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>"
                 "</bpmn:userTask>")
    end = (f'<bpmn:endEvent id="{END}" name="Đã trả kết quả">'
           + _props(status="10", outcome="granted")
           + "<bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>")
    return "\n    ".join([
        '<bpmn:startEvent id="bat_dau" name="Nộp hồ sơ"><bpmn:outgoing>f1</bpmn:outgoing>'
        "</bpmn:startEvent>", reception, hand_over, end,
        f'<bpmn:sequenceFlow id="f1" sourceRef="bat_dau" targetRef="{FIRST_STEP}" />',
        f'<bpmn:sequenceFlow id="f2" sourceRef="{FIRST_STEP}" targetRef="{HAND_OVER}" />',
        f'<bpmn:sequenceFlow id="f3" sourceRef="{HAND_OVER}" targetRef="{END}" />'])


def process_bpmn(facts: StarterFacts) -> str:
    """The diagram: a pool, one lane per role, start → «Tiếp nhận hồ sơ» → «Trả kết quả» →
    end, all in Một cửa's lane."""
    lanes, lane_shapes = _lanes(facts)
    name, height, mid = quoteattr(facts.name), LANE_HEIGHT * len(facts.roles), POOL_Y + 75
    shapes = "\n    ".join([
        _shape("be_xu_ly", POOL_X, POOL_Y, POOL_WIDTH, height, ' isHorizontal="true"'), lane_shapes,
        _shape("bat_dau", 180, mid - 18, 36, 36), _shape(FIRST_STEP, 260, mid - 40, 100, 80),
        _shape(HAND_OVER, 460, mid - 40, 100, 80), _shape(END, 612, mid - 18, 36, 36),
        _edge("f1", 216, 260, mid), _edge("f2", 360, 460, mid), _edge("f3", 560, 612, mid)])
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NAMESPACES} id="defs" targetNamespace="https://motcua.example/procedures">
  <bpmn:collaboration id="hop_tac">
    <bpmn:participant id="be_xu_ly" name={name} processRef="quy_trinh" />
  </bpmn:collaboration>
  <bpmn:process id="quy_trinh" name={name} isExecutable="true">
    <bpmn:laneSet id="cac_lan">{lanes}</bpmn:laneSet>
    {_elements(facts)}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="so_do"><bpmndi:BPMNPlane id="mat_phang" bpmnElement="hop_tac">
    {shapes}
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>
"""
