"""The starter package of «Tạo thủ tục mới» (`engine.procedures.starter`): whatever roles, fee
and processing time the designer chose, the package validates, its own test passes through
the desk's hand-over, its forms open in the visual builder, and each lane is a chosen role
(named by its code)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import etree

from bpmn.package import read_zip
from bpmn.package_tests import run_package_tests
from bpmn.validation import validate_package
from engine.core.errors import Invalid
from engine.procedures.drafts import zip_of
from engine.procedures.starter import check_facts, starter_texts
from forms.builder_import import model_of

KNOWN = [("mot_cua", "Bộ phận Một cửa"), ("chuyen_vien", "Chuyên viên phòng Kinh tế"),
         ("ho_tich", "Công chức Tư pháp - Hộ tịch"), ("lanh_dao", "Lãnh đạo UBND xã")]
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _answers(**overrides: Any) -> dict[str, Any]:
    return {"code": "9.000001", "name": "Thủ tục <thử> & \"mới\"", "field": "Xây dựng",
            "level": "partial", "time_value": "15", "time_unit": "working_days",
            "roles": ["chuyen_vien"], "fee": "", "papers": "Đơn đề nghị\n\n  Bản vẽ  \n",
            **overrides}


@pytest.mark.parametrize("overrides", [
    {},
    {"roles": ["chuyen_vien", "ho_tich", "lanh_dao"], "fee": "75.000"},
    {"roles": [], "time_unit": "same_day", "time_value": ""},
    {"time_unit": "working_hours", "time_value": "4", "fee": "8000"},
    {"time_unit": "calendar_days", "time_value": "1,5", "papers": ""},
])
def test_the_starter_validates_and_its_own_test_passes(overrides: dict[str, Any]) -> None:
    facts = check_facts(_answers(**overrides), KNOWN, "UBND xã Minh Xuân")
    texts = starter_texts(facts)
    package = read_zip(zip_of(texts), "moi.zip")
    report, compiled = validate_package(package)
    assert report.valid and not report.warnings, report.as_dict()
    assert compiled is not None
    suite = run_package_tests(compiled, package.files)
    assert suite.passed and len(suite.results) == 1, suite.as_dict()
    lanes = [lane.get("name") for lane in etree.fromstring(texts["process.bpmn"].encode()).iter(
        f"{BPMN}lane")]
    assert lanes == ["mot_cua", *[r for r, _ in KNOWN[1:] if r in overrides.get("roles", ["chuyen_vien"])]]
    manifest = json.loads(texts["procedure.json"])
    assert list(manifest["roles"]) == lanes and manifest["roles"]["mot_cua"]["label"] == "Bộ phận Một cửa"
    assert manifest["applicant"] == {"name": "ho_ten", "id_number": "so_dinh_danh"}


def test_the_facts_become_the_manifest_in_words_given() -> None:
    texts = starter_texts(check_facts(_answers(fee="1.250.000", time_value="2"), KNOWN, "UBND"))
    manifest = json.loads(texts["procedure.json"])
    assert manifest["name"] == "Thủ tục <thử> & \"mới\""
    assert manifest["processing_time"] == {"value": 2, "unit": "working_days"}
    assert manifest["fees"][0]["amount"] == 1_250_000
    assert [c["name"] for c in manifest["components"]] == ["Đơn đề nghị", "Bản vẽ"]
    assert manifest["level"] == "partial"


def test_the_process_ends_by_the_desks_hand_over_and_its_case_runs_through_it() -> None:
    """start → «Tiếp nhận hồ sơ» → «Trả kết quả» (the desk's, status 9, the samples' form
    asking «Hình thức trả kết quả») → «Đã trả kết quả»; the test case hands the result over."""
    texts = starter_texts(check_facts(_answers(fee="20.000"), KNOWN, "UBND"))
    root = etree.fromstring(texts["process.bpmn"].encode())
    steps = {t.get("id"): t.get("name") for t in root.iter(f"{BPMN}userTask")}
    assert steps == {"tiep_nhan": "Tiếp nhận hồ sơ", "tra_ket_qua": "Trả kết quả"}
    desk = next(lane for lane in root.iter(f"{BPMN}lane") if lane.get("name") == "mot_cua")
    assert [r.text for r in desk] == ["bat_dau", "tiep_nhan", "tra_ket_qua", "ket_thuc"]
    compiled = validate_package(read_zip(zip_of(texts), "moi.zip"))[1]
    assert compiled is not None
    assert compiled.tasks["tra_ket_qua"].status == 9 and compiled.tasks["tiep_nhan"].status == 1
    assert (compiled.end_events["ket_thuc"].status, compiled.end_events["ket_thuc"].outcome) == (
        10, "granted")
    choices = json.loads(texts["forms/tra_ket_qua.schema.json"])["properties"]["hinh_thuc_tra"]
    assert [c["const"] for c in choices["oneOf"]] == ["truc_tiep", "buu_chinh", "truc_tuyen"]
    [case] = json.loads(texts["tests/ho-so-hop-le.json"])
    assert case["expect"] == {"path": ["tiep_nhan", "tra_ket_qua"], "end": "ket_thuc"}


def test_a_copy_is_asked_as_a_copy_and_the_fee_reads_as_a_sentence() -> None:
    texts = starter_texts(check_facts(_answers(
        name="Xác nhận tình trạng nhà ở", fee="20.000",
        papers="Đơn đề nghị\nBản sao giấy chứng nhận quyền sử dụng đất\nbản sao CCCD"),
        KNOWN, "UBND"))
    manifest = json.loads(texts["procedure.json"])
    assert [(c["originals"], c["copies"]) for c in manifest["components"]] == [
        (1, 0), (0, 1), (0, 1)]
    assert manifest["fees"] == [{"name": "Lệ phí xác nhận tình trạng nhà ở", "amount": 20000}]


def test_the_forms_open_in_the_visual_builder() -> None:
    texts = starter_texts(check_facts(_answers(), KNOWN, "UBND"))
    for form in ("to_khai", "xu_ly", "tra_ket_qua"):
        schema = json.loads(texts[f"forms/{form}.schema.json"])
        ui = json.loads(texts[f"forms/{form}.ui.json"])
        model, why = model_of(schema, ui)
        assert model is not None and model["fields"], (form, why)
    start = json.loads(texts["forms/to_khai.schema.json"])
    assert {"ho_ten", "so_dinh_danh"} <= set(start["required"])


@pytest.mark.parametrize(("overrides", "field"), [
    ({"name": " "}, "name"), ({"field": ""}, "field"), ({"code": "có dấu"}, "code"),
    ({"fee": "-1"}, "fee"), ({"fee": "năm mươi"}, "fee"), ({"fee": "3.000.000.000"}, "fee"),
    ({"time_value": "0"}, "time_value"), ({"time_value": "-3"}, "time_value"),
    ({"time_value": "400"}, "time_value"), ({"time_value": "nan"}, "time_value"),
    ({"time_unit": "P10D"}, "time_unit"), ({"level": "x"}, "level"),
    ({"roles": ["quan_tri"]}, "roles"), ({"papers": "x"}, "papers"),
])
def test_bad_answers_are_refused_by_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_facts(_answers(**overrides), KNOWN, "UBND")
    assert isinstance(refused.value.details, dict) and field in refused.value.details
