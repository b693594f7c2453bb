"""The builders behind «Tạo bảng quyết định»: the starter table passes the static checks as
it is, the business rule task is inserted after the start event by rewiring exactly one
flow (and drawn), ids stay safe whatever the designer types, and the package so changed
validates, passes its tests and runs the new table."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest
from lxml import etree

from bpmn.dmn_starter import (
    MAX_ID,
    Field,
    StarterError,
    insert_rule_task,
    safe_id,
    start_fields,
    starter_table,
)
from bpmn.package import Package, read_package
from bpmn.package_tests import run_package_tests
from bpmn.runtime import ProcessModel
from bpmn.validation import validate_package
from engine.core.errors import Invalid
from engine.procedures.new_decision import starter_changes

SAMPLE = Path(__file__).parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}
AREA = "cong_trinh.dien_tich_xay_dung"
HOSTILE = '"><script>alert(1)</script>'


def _texts() -> dict[str, str]:
    return {k: v.decode("utf-8") for k, v in read_package(SAMPLE).files.items()}


def _validated(texts: dict[str, str]) -> tuple[list[str], list[str], object]:
    report, compiled = validate_package(Package("mau", {k: v.encode() for k, v in texts.items()}))
    errors = [p.message for p in report.problems if p.severity == "error"]
    warnings = [p.message for p in report.problems if p.severity != "error"]
    return errors, warnings, compiled


def _fee_form(**extra: str) -> dict[str, str]:
    return {"ten_bang": "Lệ phí theo diện tích xây dựng", "dau_vao": AREA, "ket_qua": "le_phi",
            "dung_lam_le_phi": "1", "ten_le_phi": "Lệ phí cấp giấy phép", **extra}


@pytest.mark.parametrize(("label", "expected"), [
    ("Lệ phí theo diện tích sàn", "le_phi_theo_dien_tich_san"),
    ("Đường đi", "duong_di"),
    ("100 m² trở lên", "bang_100_m_tro_len"),
    ("", "bang"),
    ("«»!!", "bang"),
])
def test_ids_are_ascii_words_from_the_label(label: str, expected: str) -> None:
    assert safe_id(label) == expected


def test_ids_stay_safe_and_unique_for_hostile_and_long_labels() -> None:
    for label in (HOSTILE, "Đ" * 300, "x" * 300, "a b " * 150):
        ident = safe_id(label, {"le_phi"})
        assert ident and len(ident) <= MAX_ID and ident[0].isalpha()
        assert set(ident) <= set("abcdefghijklmnopqrstuvwxyz0123456789_")
    assert safe_id("Lệ phí", {"le_phi"}) == "le_phi_2"
    assert safe_id("x" * 300, {"x" * MAX_ID}) == "x" * (MAX_ID - 2) + "_2"


def test_the_start_form_fields_a_table_may_read_have_their_labels() -> None:
    schema = json.loads((SAMPLE / "forms" / "don_de_nghi.schema.json").read_text(encoding="utf-8"))
    fields = {f.path: f for f in start_fields(schema)}
    assert fields[AREA] == Field(AREA, "Nội dung đề nghị cấp phép › Diện tích xây dựng tầng 1 (m²)",
                                 "number")
    assert fields["cong_trinh.so_tang"].type_ref == "integer"
    assert fields["cong_trinh.loai_cong_trinh"].type_ref == "string"  # a choice
    assert fields["cam_ket"].type_ref == "boolean"
    assert "ho_ten" not in fields and "lo_dat.dia_chi" not in fields  # free text
    # Not required: a dossier without it would stop the table at run time.
    assert "cong_trinh.tong_dien_tich_san" not in fields and "uy_quyen" not in fields


def test_a_starter_table_with_a_hostile_label_passes_the_checks_and_keeps_the_label() -> None:
    texts = _texts()
    field = Field(AREA, HOSTILE, "number")
    texts["moi.dmn"] = starter_table(decision_id="moi", name=HOSTILE * 20, field=field,
                                     output_label=HOSTILE, output_name="gia_tri_moi",
                                     output_type="boolean", default="False")
    root = etree.fromstring(texts["moi.dmn"].encode())
    assert root.find(".//{*}input").get("label") == HOSTILE
    assert root.find(".//{*}decisionTable").get("hitPolicy") == "UNIQUE"
    errors, warnings, _ = _validated(texts)
    assert errors == []
    assert any("không tác vụ luật nghiệp vụ nào gọi bảng này" in w for w in warnings), warnings


def test_insertion_rewires_exactly_one_flow_and_draws_the_task() -> None:
    before = (SAMPLE / "process.bpmn").read_text(encoding="utf-8")
    after = etree.fromstring(insert_rule_task(before, "bang_moi").encode())
    old = etree.fromstring(before.encode())
    flows = {f.get("id"): (f.get("sourceRef"), f.get("targetRef"))
             for f in old.iterfind(".//bpmn:sequenceFlow", NS)}
    now = {f.get("id"): (f.get("sourceRef"), f.get("targetRef"))
           for f in after.iterfind(".//bpmn:sequenceFlow", NS)}
    changed = {k for k in flows if flows[k] != now[k]}
    [task] = [t for t in after.iterfind(".//bpmn:businessRuleTask", NS)
              if t.findtext(".//{*}calledDecisionId") == "bang_moi"]
    ident = task.get("id")
    assert changed == {"f_nop"} and now["f_nop"] == ("bat_dau", ident)
    [added] = set(now) - set(flows)
    assert now[added] == (ident, "xac_dinh_le_phi") and task.get("name") == "Xác định lệ phí"
    assert after.find(f".//bpmndi:BPMNShape[@bpmnElement='{ident}']", NS) is not None
    assert after.find(f".//bpmndi:BPMNEdge[@bpmnElement='{added}']", NS) is not None
    points = [(float(p.get("x")), float(p.get("y"))) for p in after.find(
        f".//bpmndi:BPMNEdge[@bpmnElement='{added}']", NS).iterfind("{*}waypoint")]
    assert all(a[0] == b[0] or a[1] == b[1] for a, b in pairwise(points))  # right angles
    fee = after.find(".//bpmndi:BPMNShape[@bpmnElement='xac_dinh_le_phi']/{*}Bounds", NS)
    x, y, w, h = (float(fee.get(k)) for k in ("x", "y", "width", "height"))
    end = points[-1]  # on the old next step's outline (its left side, in the same lane)
    assert (end[0] in (x, x + w) and y <= end[1] <= y + h) or (end[1] in (y, y + h) and x <= end[0] <= x + w)
    assert end == (x, y + h / 2)
    lane = after.find(".//bpmn:lane[@id='lane_mot_cua']", NS)
    assert ident in [r.text for r in lane.iterfind("bpmn:flowNodeRef", NS)]


def test_a_start_event_with_two_ways_out_is_refused_in_words() -> None:
    diagram = (SAMPLE / "process.bpmn").read_text(encoding="utf-8").replace(
        'sourceRef="xac_dinh_le_phi"', 'sourceRef="bat_dau"', 1)
    with pytest.raises(StarterError, match="đúng một luồng"):
        insert_rule_task(diagram, "bang_moi")


def test_a_fee_table_changes_the_package_into_one_that_validates_runs_and_passes_its_tests() -> None:
    texts, path = starter_changes(_texts(), _fee_form())
    assert path == "le_phi_theo_dien_tich_xay_dung.dmn"
    fees = json.loads(texts["procedure.json"])["fees"]
    assert [f.get("from") for f in fees] == ["le_phi", "le_phi_2"]  # le_phi: the old table's
    assert fees[1] == {"name": "Lệ phí cấp giấy phép", "amount": 0, "from": "le_phi_2"}
    errors, _, compiled = _validated(texts)
    assert errors == [] and compiled is not None
    suite = run_package_tests(compiled, {k: v.encode() for k, v in texts.items()})  # type: ignore[arg-type]
    assert suite.passed, suite
    start = json.loads((SAMPLE / "tests" / "cap-phep.json").read_text(encoding="utf-8"))["start"]
    instance = ProcessModel(compiled.spec).start(start)  # type: ignore[attr-defined]
    assert instance.value("le_phi_2") == 0 and instance.value("le_phi") == 75000


def test_an_existing_fee_named_takes_its_amount_from_the_new_table() -> None:
    texts = _texts()
    name = json.loads(texts["procedure.json"])["fees"][0]["name"]
    changed, _ = starter_changes(texts, _fee_form(ten_le_phi=f"  {name} "))
    assert [f["from"] for f in json.loads(changed["procedure.json"])["fees"]] == ["le_phi_2"]


def test_unticked_the_fee_and_the_diagram_stay_as_they_were() -> None:
    texts = _texts()
    changed, path = starter_changes(texts, {
        "ten_bang": "Cần lấy ý kiến PCCC", "dau_vao": "cong_trinh.so_tang", "ket_qua": "gia_tri",
        "ten_ket_qua": "Cần lấy ý kiến", "kieu_ket_qua": "co_khong"})
    assert set(changed) - set(texts) == {path}
    assert all(changed[k] == texts[k] for k in texts)
    assert 'name="can_lay_y_kien" typeRef="boolean"' in changed[path]
    assert _validated(changed)[0] == []


@pytest.mark.parametrize(("change", "message"), [
    ({"ten_bang": "  "}, "Đặt tên cho bảng"),
    ({"ten_bang": "x" * 201}, "dài quá"),
    ({"dau_vao": "ho_ten"}, "Chọn trường"),
    ({"dau_vao": "khong_co"}, "Chọn trường"),
    ({"ten_le_phi": ""}, "Ghi tên khoản lệ phí"),
    ({"ket_qua": "gia_tri", "ten_ket_qua": "Ghi chú", "kieu_ket_qua": "chu"}, "kiểu số"),
    ({"ket_qua": "gia_tri", "ten_ket_qua": "Mức", "kieu_ket_qua": "ngay"}, "Chọn kiểu"),
    ({"ket_qua": "gia_tri", "ten_ket_qua": ""}, "Đặt tên cho giá trị"),
])
def test_bad_input_is_refused_in_vietnamese(change: dict[str, str], message: str) -> None:
    with pytest.raises(Invalid, match=message):
        starter_changes(_texts(), _fee_form(**change))


def test_a_value_named_like_a_form_field_gets_its_own_name() -> None:
    changed, path = starter_changes(_texts(), {
        "ten_bang": "Bảng", "dau_vao": AREA, "ket_qua": "gia_tri", "ten_ket_qua": "Họ tên",
        "kieu_ket_qua": "chu"})
    assert 'name="ho_ten_2"' in changed[path]  # ho_ten: the applicant's name


def test_with_two_rows_added_the_new_table_sets_the_fee_by_area() -> None:
    """What the designer then does in dmn-js (< 100 → 50000, >= 100 → 100000), by text."""
    texts, path = starter_changes(_texts(), _fee_form())
    xml = texts[path]
    start, end = xml.index("<rule"), xml.index("</rule>") + len("</rule>")
    rule = xml[start:end]
    rows = [rule.replace("<text>-</text>", f"<text>{cell}</text>").replace(
        "<text>0</text>", f"<text>{fee}</text>").replace("_1", f"_{n}")
        for n, (cell, fee) in enumerate([("&lt; 100", 50000), ("&gt;= 100", 100000)], 1)]
    texts[path] = xml[:start] + "".join(rows) + xml[end:]
    errors, _, compiled = _validated(texts)
    assert errors == [] and compiled is not None
    assert run_package_tests(compiled, {k: v.encode() for k, v in texts.items()}).passed  # type: ignore[arg-type]
    start_data = json.loads((SAMPLE / "tests" / "cap-phep.json").read_text(encoding="utf-8"))["start"]
    for area, fee in ((80, 50000), (120, 100000)):
        start_data["cong_trinh"]["dien_tich_xay_dung"] = area
        instance = ProcessModel(compiled.spec).start(start_data)  # type: ignore[attr-defined]
        assert instance.value("le_phi_2") == fee
