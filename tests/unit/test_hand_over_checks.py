"""The legal tail (`bpmn.handover_checks`): a process whose path reaches «Đã trả kết quả»
without the desk's hand-over step is refused, in words naming the steps and the fix; so is a
fee's hand-over outside Bộ phận Một cửa. The designer's case: the starter's end deleted,
«Thẩm định hồ sơ» and «Lãnh đạo ký xác nhận» appended, then an end «Trả kết quả» — the
package check said «0 lỗi, 0 cảnh báo» and the leader's «Hoàn thành bước» wrote «Đã trả kết
quả» with nothing handed over."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from bpmn.package import read_zip
from bpmn.problems import Report
from bpmn.validation import validate_package, validate_path
from engine.procedures.drafts import zip_of
from engine.procedures.starter import check_facts, starter_texts
from tests.helpers import edit_text

ROOT = Path(__file__).resolve().parents[2]
PERMIT = ROOT / "procedures" / "cap-giay-phep-xay-dung-nha-o"
KNOWN = [("mot_cua", "Bộ phận Một cửa"), ("chuyen_vien", "Chuyên viên"),
         ("lanh_dao", "Lãnh đạo")]
STEP = ('<bpmn:userTask id="{id}" name="{name}"><bpmn:extensionElements>'
        '<spiffworkflow:properties><spiffworkflow:property name="formJsonSchemaFilename" '
        'value="xu_ly.schema.json" /></spiffworkflow:properties></bpmn:extensionElements>'
        '<bpmn:incoming>{into}</bpmn:incoming><bpmn:outgoing>{out}</bpmn:outgoing>'
        '</bpmn:userTask>')


def _starter(fee: str = "20.000") -> dict[str, str]:
    return starter_texts(check_facts({
        "code": "1.000001", "name": "Xác nhận tình trạng nhà ở", "field": "Nhà ở",
        "level": "partial", "time_value": "5", "time_unit": "working_days",
        "roles": ["chuyen_vien", "lanh_dao"], "fee": fee, "papers": "Đơn đề nghị"},
        KNOWN, "UBND xã Minh Xuân"))


def _the_designers_diagram(texts: dict[str, str]) -> dict[str, str]:
    """What the designer drew on the starter's old diagram: reception → «Thẩm định hồ sơ» →
    «Lãnh đạo ký xác nhận» → an end «Trả kết quả» (no hand-over step)."""
    bpmn = texts["process.bpmn"]
    start, end = bpmn.index('<bpmn:userTask id="tra_ket_qua"'), bpmn.index("</bpmn:userTask>",
                                                                           bpmn.index('id="tra_ket_qua"'))
    steps = (STEP.format(id="tham_dinh", name="Thẩm định hồ sơ", into="f2", out="f4")
             + STEP.format(id="ky", name="Lãnh đạo ký xác nhận", into="f4", out="f3"))
    bpmn = bpmn[:start] + steps + bpmn[end + len("</bpmn:userTask>"):]
    bpmn = bpmn.replace('name="Đã trả kết quả"', 'name="Trả kết quả"').replace(
        'targetRef="tra_ket_qua"', 'targetRef="tham_dinh"').replace(
        'sourceRef="tra_ket_qua"', 'sourceRef="ky"')
    bpmn = bpmn.replace('<bpmn:sequenceFlow id="f3"',
                        '<bpmn:sequenceFlow id="f4" sourceRef="tham_dinh" targetRef="ky" />'
                        '<bpmn:sequenceFlow id="f3"')
    bpmn = bpmn.replace("<bpmn:flowNodeRef>tra_ket_qua</bpmn:flowNodeRef>",
                        "<bpmn:flowNodeRef>tham_dinh</bpmn:flowNodeRef>"
                        "<bpmn:flowNodeRef>ky</bpmn:flowNodeRef>")
    return {**texts, "process.bpmn": bpmn}


def _report(texts: dict[str, str]) -> Report:
    return validate_package(read_zip(zip_of(texts), "moi.zip"))[0]


def _codes(report: Report) -> list[str]:
    return [p.code for p in report.errors]


def test_the_designers_process_is_refused_naming_its_steps_and_the_fix() -> None:
    report = _report(_the_designers_diagram(_starter()))
    [error] = report.errors
    assert (error.code, error.element) == ("flow.no_hand_over", "ket_thuc")
    said = error.message
    assert ("Hồ sơ đi «Tiếp nhận hồ sơ» → «Thẩm định hồ sơ» → «Lãnh đạo ký xác nhận» rồi đến "
            "kết thúc «Trả kết quả» (trạng thái «Đã trả kết quả») mà không qua bước trả kết quả "
            "tại Bộ phận Một cửa") in said
    assert "Lệ phí của thủ tục cũng không bao giờ được thu" in said
    assert "chèn các bước xử lý trước nó bằng «Thêm bước sau»" in said
    assert "granted" not in said and "status" not in said  # the designer's words, no codes


def test_without_a_fee_the_message_does_not_speak_of_one() -> None:
    [error] = _report(_the_designers_diagram(_starter(fee=""))).errors
    assert error.code == "flow.no_hand_over" and "Lệ phí" not in error.message


def test_the_starter_with_steps_inserted_before_its_hand_over_is_valid() -> None:
    texts = _starter()
    bpmn = texts["process.bpmn"].replace('targetRef="tra_ket_qua"', 'targetRef="tham_dinh"')
    bpmn = bpmn.replace('<bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3',
                        '<bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f3')
    bpmn = bpmn.replace('<bpmn:userTask id="tra_ket_qua"', STEP.format(
        id="tham_dinh", name="Thẩm định hồ sơ", into="f2", out="f4")
        + '<bpmn:userTask id="tra_ket_qua"')
    bpmn = bpmn.replace('<bpmn:sequenceFlow id="f3"', '<bpmn:sequenceFlow id="f4" '
                        'sourceRef="tham_dinh" targetRef="tra_ket_qua" /><bpmn:sequenceFlow id="f3"')
    bpmn = bpmn.replace('<bpmn:lane id="lane_chuyen_vien" name="chuyen_vien">',
                        '<bpmn:lane id="lane_chuyen_vien" name="chuyen_vien">'
                        "<bpmn:flowNodeRef>tham_dinh</bpmn:flowNodeRef>")
    report = _report({**texts, "process.bpmn": bpmn})
    assert report.valid and not report.warnings, report.as_text()


def _permit(tmp_path: Path) -> Path:
    target = tmp_path / "pkg"
    shutil.copytree(PERMIT, target)
    return target


def test_a_granted_branch_skipping_the_hand_over_is_refused(tmp_path: Path) -> None:
    """The permit's «Đồng ý» branch going straight to its end: refused at that end; the
    refusal's branch (its own hand-over) and the reminder's side branch (a non-interrupting
    timer: the main path goes on) are not named."""
    package = _permit(tmp_path)
    edit_text(package / "process.bpmn", 'targetRef="tra_giay_phep"', 'targetRef="ket_thuc_cap_phep"')
    report, compiled = validate_path(package)
    flagged = [(p.code, p.element) for p in report.errors if p.code == "flow.no_hand_over"]
    assert flagged == [("flow.no_hand_over", "ket_thuc_cap_phep")] and compiled is None
    [error] = [p for p in report.errors if p.code == "flow.no_hand_over"]
    assert "«Xem xét, ký duyệt» rồi đến kết thúc «Đã trả giấy phép»" in error.message


def test_an_interrupting_timer_to_a_granted_end_is_refused(tmp_path: Path) -> None:
    package = _permit(tmp_path)
    edit_text(package / "process.bpmn", 'name="Quá hạn thẩm định" cancelActivity="false"',
              'name="Quá hạn thẩm định" cancelActivity="true"')
    report, _ = validate_path(package)
    assert ("flow.no_hand_over", "ket_thuc_don_doc") in [(p.code, p.element) for p in report.errors]


def test_a_fee_handed_over_outside_the_desk_is_refused(tmp_path: Path) -> None:
    package = _permit(tmp_path)
    text = (package / "process.bpmn").read_text(encoding="utf-8")
    text = text.replace("<bpmn:flowNodeRef>tra_giay_phep</bpmn:flowNodeRef>", "").replace(
        "<bpmn:flowNodeRef>phe_duyet</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>phe_duyet</bpmn:flowNodeRef><bpmn:flowNodeRef>tra_giay_phep"
        "</bpmn:flowNodeRef>")
    (package / "process.bpmn").write_text(text, encoding="utf-8")
    report, _ = validate_path(package)
    [error] = report.errors
    assert (error.code, error.element) == ("fee.hand_over_not_desk", "tra_giay_phep")
    assert "«Trả giấy phép xây dựng» không do Bộ phận Một cửa" in error.message


def test_the_shipped_and_test_packages_keep_their_legal_tail() -> None:
    folders: list[Any] = [*sorted((ROOT / "procedures").glob("*/")),
                          ROOT / "tests" / "packages" / "lien-thong",
                          ROOT / "tests" / "packages" / "rework-loop"]
    for folder in folders:
        report, _ = validate_path(folder)
        assert not [p for p in report.problems if p.code in (
            "flow.no_hand_over", "fee.hand_over_not_desk")], report.as_text()
