"""The version comparison tells the truth (designer's walk, finding 8): test cases replaced
or edited are named, a fee a decision table decides says so, papers added or removed are
named, a decision table step has no «người xử lý», a table's rows are described in words,
and a conditional question's condition is told."""

from __future__ import annotations

import json
from typing import Any

from bpmn.diff_words import describe
from tests.unit.test_diff_words import _texts

TABLE = "Lệ phí cấp phép và lấy ý kiến PCCC theo tổng diện tích sàn"


def _with(texts: dict[str, str], path: str, change: Any) -> dict[str, str]:
    data = json.loads(texts[path])
    change(data)
    return {**texts, path: json.dumps(data, ensure_ascii=False)}


def test_a_replaced_test_case_and_an_edited_one_are_named() -> None:
    before = _texts()
    replaced = json.loads(before["tests/tu-choi.json"])
    after = {k: v for k, v in before.items() if k != "tests/tu-choi.json"}
    after["tests/tu-choi-moi.json"] = json.dumps({**replaced, "name": "Từ chối vì sai quy hoạch"},
                                                 ensure_ascii=False)
    after = _with(after, "tests/cap-phep.json",
                  lambda case: case["expect"].update(end="ket_thuc_khac"))
    said = describe(before, after)["tests"]
    assert "Thêm ca kiểm thử «Từ chối vì sai quy hoạch»." in said
    assert f"Bỏ ca kiểm thử «{replaced['name']}»." in said
    assert "Sửa ca kiểm thử «Đủ điều kiện: cấp giấy phép và trả kết quả» (kết quả mong đợi)." in said
    # a file saved again under the same name with another case replaces that case
    same_file = {**before, "tests/tu-choi.json": after["tests/tu-choi-moi.json"]}
    assert describe(before, same_file)["tests"] == [
        "Thêm ca kiểm thử «Từ chối vì sai quy hoạch».", f"Bỏ ca kiểm thử «{replaced['name']}»."]


def test_a_fee_from_a_table_is_described_as_such_not_as_zero() -> None:
    before = _with(_texts(), "procedure.json", lambda m: m.update(fees=[]))
    after = _with(before, "procedure.json", lambda m: m.update(
        fees=[{"name": "Phí thẩm định hồ sơ", "amount": 0, "from": "le_phi"}]))
    said = describe(before, after)["manifest"]
    assert said == [f"Phí, lệ phí: không thu → «Phí thẩm định hồ sơ» tính theo bảng quyết định "
                    f"«{TABLE}»."]
    assert "0 đồng" not in said[0]


def test_papers_added_removed_and_changed_are_named() -> None:
    before = _texts()

    def change(manifest: dict[str, Any]) -> None:
        papers = manifest["components"]
        first, removed = papers[0], papers.pop(1)
        first["copies"] = 2
        papers.append({"name": "Giấy xác nhận của UBND xã", "originals": 1, "copies": 0,
                       "required": True})
        change.removed = removed["name"]  # type: ignore[attr-defined]

    after = _with(before, "procedure.json", change)
    said = describe(before, after)["manifest"]
    first = json.loads(before["procedure.json"])["components"][0]["name"]
    assert said == [
        "Thành phần hồ sơ: thêm «Giấy xác nhận của UBND xã» (bắt buộc).",
        f"Thành phần hồ sơ: bỏ «{change.removed}».",  # type: ignore[attr-defined]
        f"Thành phần hồ sơ: «{first}» số bản sao 0 → 2."]
    assert "Thành phần hồ sơ thay đổi." not in said


def test_a_decision_table_step_has_no_handler() -> None:
    after = _texts()
    before = {**after, "process.bpmn": after["process.bpmn"].replace("xac_dinh_le_phi", "buoc_cu")}
    said = describe(before, after)["diagram"]
    added = [s for s in said if s.startswith("Thêm bảng quyết định")]
    assert added == ["Thêm bảng quyết định «Xác định lệ phí và việc lấy ý kiến PCCC»."]


def test_table_rows_added_removed_and_changed_are_told_in_words() -> None:
    before = _texts()
    dmn = before["le_phi.dmn"]
    after = {**before, "le_phi.dmn": dmn
             .replace("<text>75000</text>", "<text>80000</text>")
             .replace("<text>&gt;= 500</text>", "<text>&gt;= 1000</text>")}
    said = describe(before, after)["tables"]
    table = f"Bảng quyết định «{TABLE}»"
    area = "«Tổng diện tích sàn (m²)»"
    fee, fire = "«Lệ phí (đồng)»", "«Cần lấy ý kiến cảnh sát PCCC»"
    assert said == [
        f"{table}: dòng khi {area} từ 100 đến dưới 500: {fee} 75.000 đồng, {fire} Không → "
        f"{fee} 80.000 đồng, {fire} Không.",
        f"{table}: thêm dòng khi {area} từ 1.000 trở lên → {fee} 150.000 đồng, {fire} Có.",
        f"{table}: bỏ dòng khi {area} từ 500 trở lên → {fee} 150.000 đồng, {fire} Có."]
    assert describe(before, before)["tables"] == []


def test_a_conditional_question_is_listed_with_its_condition() -> None:
    before = _texts()
    path = "forms/don_de_nghi.schema.json"
    after = _with(before, path, lambda s: s["then"]["properties"].update(
        giay_uy_quyen={"type": "string", "title": "Số văn bản ủy quyền"}))
    assert describe(before, after)["forms"] == [
        "Biểu mẫu «Đơn đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ»: thêm trường "
        "«Số văn bản ủy quyền» (chỉ hỏi khi «Nộp thay chủ đầu tư theo văn bản ủy quyền» là «Có»)."]


def test_the_legal_basis_added_and_removed_is_named() -> None:
    before = _texts()
    old = json.loads(before["procedure.json"])["legal_basis"]
    after = _with(before, "procedure.json", lambda m: m.update(
        legal_basis=[*m["legal_basis"][1:], "Nghị quyết số 12/2026/NQ-HĐND"]))
    assert describe(before, after)["manifest"] == [
        "Căn cứ pháp lý: thêm «Nghị quyết số 12/2026/NQ-HĐND».",
        f"Căn cứ pháp lý: bỏ «{old[0]}»."]


def test_a_fixed_fee_keeps_the_commas_of_its_name() -> None:
    before = _texts()
    after = _with(before, "procedure.json", lambda m: m.update(
        fees=[{"name": "Phí, lệ phí cấp phép", "amount": 1500000}]))
    said = describe(before, after)["manifest"]
    assert said[0].endswith("→ «Phí, lệ phí cấp phép» 1.500.000 đồng.")
