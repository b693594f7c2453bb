"""A problem as a designer reads it (`bpmn.problem_words`): the field by its question inside
its group, a flow without a name by the steps it joins, a file named in a message by what it
is — and the codes kept only in the technical detail."""

from __future__ import annotations

from bpmn.package_names import field_words
from bpmn.problem_words import report_in_words

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:userTask id="Activity_0x1" name="Thẩm định" />
    <bpmn:exclusiveGateway id="Gateway_1" />
    <bpmn:sequenceFlow id="Flow_1ab" sourceRef="Activity_0x1" targetRef="Gateway_1" />
  </bpmn:process>
</bpmn:definitions>"""
SCHEMA = {"type": "object", "properties": {"chu_dau_tu": {"type": "object", "title": "Chủ đầu tư",
          "properties": {"ten": {"type": "chuoi", "title": "Họ và tên"}}}}}


def test_a_nested_field_is_named_by_its_question_inside_its_group() -> None:
    assert field_words(SCHEMA, "/properties/chu_dau_tu/properties/ten/type") == \
        "Trường «Họ và tên» trong nhóm «Chủ đầu tư»"
    assert field_words(SCHEMA, "/type") == ""


def test_an_unnamed_flow_and_a_file_in_a_message_are_said_in_words() -> None:
    told = report_in_words({"process.bpmn": DIAGRAM}, {"problems": [
        {"code": "flow.other", "message": "Luồng Flow_1ab đi vào Gateway_1 (process.bpmn).",
         "file": "process.bpmn", "line": 5, "element": "Flow_1ab", "severity": "error"}]})
    problem = told["problems"][0]
    assert problem["where"] == "Luồng từ bước «Thẩm định» đến cổng rẽ nhánh chưa đặt tên"
    assert problem["file_words"] == "Sơ đồ quy trình" and told["files"]["process.bpmn"] == "Sơ đồ quy trình"
    assert "Flow_1ab" not in problem["words"] and "process.bpmn" not in problem["words"]
    assert "Cổng rẽ nhánh chưa đặt tên" in problem["words"]
    assert "Flow_1ab" in problem["technical"] and "dòng 5" in problem["technical"]
