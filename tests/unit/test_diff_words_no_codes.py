"""The version comparison speaks words, not codes (designers are administrative officers):
every key of procedure.json and every element sentence is said in Vietnamese — the level
«Toàn trình», the supplement mode by its meaning, a form by its title, a condition by its
fields' titles and choices, a status by its name — never `full`, a lane code, a file name,
an element id or raw JSON."""

from __future__ import annotations

import json
import re
from typing import Any

from bpmn.diff_words import describe
from tests.unit.test_diff_words import _texts
from tests.unit.test_diff_words_truth import _with

# What a designer must never read: snake_case codes, file names, English values, JSON.
CODE = re.compile(r"[a-z0-9]+_[a-z0-9_]+|\.json|\.bpmn|\b(full|partial|restart|pause|granted|"
                  r"refused|string|integer|maxLength|pattern|formJsonSchemaFilename)\b|[{}\[\]]|"
                  r"\(làn |\(mã ")


def _codes(said: dict[str, list[str]]) -> list[str]:
    return [s for part in said.values() for s in part if CODE.search(s)]


def _manifest(change: Any) -> list[str]:
    before = _texts()
    return describe(before, _with(before, "procedure.json", change))["manifest"]


def test_the_level_is_said_as_the_catalogue_says_it() -> None:
    assert _manifest(lambda m: m.update(level="partial")) == [
        "Mức độ trực tuyến: «Toàn trình» → «Một phần»."]


def test_a_role_relabelled_is_said_without_its_lane_code() -> None:
    said = _manifest(lambda m: m["roles"]["mot_cua"].update(label="Bộ phận tiếp nhận"))
    assert said == ["Người xử lý: «Bộ phận Một cửa» → «Bộ phận tiếp nhận»."]


def test_roles_added_removed_regrouped_and_given_to_another_agency_are_named() -> None:
    def change(manifest: dict[str, Any]) -> None:
        roles = manifest["roles"]
        del roles["lanh_dao"]
        roles["chuyen_vien"]["role"] = "chuyen_vien_kt"
        roles["pccc"] = {"role": "pccc", "label": "Cảnh sát PCCC", "agency": "000.00.05.H64"}
    before = _texts()
    after = _with(before, "procedure.json", change)
    said = describe(before, after, {"000.00.05.H64": "Công an tỉnh"})["manifest"]
    assert said == [
        "Người xử lý: thêm «Cảnh sát PCCC» do «Công an tỉnh» thực hiện (liên thông).",
        "Người xử lý: bỏ «Lãnh đạo UBND cấp xã».",
        "Người xử lý «Chuyên viên phòng Kinh tế, Hạ tầng và Đô thị»: giao cho nhóm cán bộ khác."]
    unnamed = describe(before, after)["manifest"][0]
    assert unnamed == "Người xử lý: thêm «Cảnh sát PCCC» do một cơ quan khác thực hiện (liên thông)."


def test_the_supplement_mode_and_the_extension_cap_are_said_by_their_meaning() -> None:
    said = _manifest(lambda m: m.update(supplement_mode="pause", extension_cap=0.5))
    assert said == [
        "Khi yêu cầu bổ sung hồ sơ: «Tính lại thời hạn từ đầu khi nhận đủ hồ sơ bổ sung» → "
        "«Tạm dừng thời hạn trong khi chờ bổ sung, tính tiếp khi nhận đủ».",
        "Gia hạn tối đa: 1/3 thời hạn giải quyết → 1/2 thời hạn giải quyết."]


def test_the_start_form_and_the_applicant_fields_are_said_by_their_titles() -> None:
    assert _manifest(lambda m: m.update(applicant={"name": "ho_ten", "id_number": "dien_thoai"})) == [
        "Người nộp hồ sơ: trường số định danh «Số định danh cá nhân (CCCD)» → «Số điện thoại»."]
    assert _manifest(lambda m: m.update(start_form="don_doc")) == [
        "Biểu mẫu nộp hồ sơ: «Đơn đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ» → "
        f"«{json.loads(_texts()['forms/don_doc.schema.json'])['title']}»."]


def test_other_keys_are_said_in_words() -> None:
    said = _manifest(lambda m: m.update(process="cap_gpxd_nha_o_rieng_le", x_rieng={"a": 1}))
    assert said == [
        "Quy trình chính: (tự chọn) → «Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ».",
        "Một mục khác của thông tin thủ tục thay đổi."]


def test_a_paper_s_file_types_and_size_are_said() -> None:
    def change(manifest: dict[str, Any]) -> None:
        manifest["components"][0].update(accept=["pdf"], max_size_mb=10)
    said = _manifest(change)
    first = json.loads(_texts()["procedure.json"])["components"][0]["name"]
    assert said == [f"Thành phần hồ sơ: «{first}» loại tệp nhận PDF, PNG, JPG → PDF; "
                    "dung lượng tối đa mỗi tệp 5 → 10 MB."]


def test_a_condition_is_said_with_its_fields_and_choices_titles() -> None:
    before = _texts()
    after = {**before, "process.bpmn": before["process.bpmn"]
             .replace('quyet_dinh == "cap_phep"', 'quyet_dinh != "tu_choi"')
             .replace("tham_van_pccc == True", "tham_van_pccc == True or cong_trinh.so_tang >= 3")}
    said = describe(before, after)["diagram"]
    assert said == [
        "Luồng «Từ 500 m² sàn»: điều kiện khi «Cần lấy ý kiến cảnh sát PCCC» là «Có» → "
        "khi «Cần lấy ý kiến cảnh sát PCCC» là «Có» hoặc «Số tầng» từ 3 trở lên.",
        "Luồng «Đồng ý»: điều kiện khi «Quyết định» là «Đồng ý cấp giấy phép xây dựng» → "
        "khi «Quyết định» không phải «Từ chối cấp giấy phép»."]


def test_a_step_s_form_status_and_an_end_s_outcome_are_said_by_name() -> None:
    before = _texts()
    after = {**before, "process.bpmn": before["process.bpmn"]
             .replace('value="tiep_nhan.schema.json"', 'value="tham_dinh.schema.json"')
             .replace('<spiffworkflow:property name="status" value="1" />',
                      '<spiffworkflow:property name="status" value="2" />')
             .replace('<spiffworkflow:property name="outcome" value="granted" />',
                      '<spiffworkflow:property name="outcome" value="refused" />')}
    said = describe(before, after)["diagram"]
    assert said == [
        "Kết thúc «Đã trả giấy phép»: kết quả «Giải quyết, cấp kết quả» → «Từ chối giải quyết».",
        "Bước «Tiếp nhận, kiểm tra hồ sơ»: biểu mẫu «Kết quả kiểm tra hồ sơ» → «Thẩm định hồ sơ».",
        "Bước «Tiếp nhận, kiểm tra hồ sơ»: trạng thái hồ sơ «Mới đăng ký» → «Được tiếp nhận»."]


def test_a_nameless_element_is_said_by_its_kind_and_neighbour_not_its_id() -> None:
    before = _texts()
    after = {**before, "process.bpmn": before["process.bpmn"].replace(
        'id="gw_trinh" name="Trình ký"', 'id="gw_trinh_moi"').replace(
        '"gw_trinh"', '"gw_trinh_moi"').replace(">gw_trinh<", ">gw_trinh_moi<")}
    said = describe(before, after)["diagram"]
    assert said[0] == "Thêm cổng rẽ nhánh (không tên) sau «Cần lấy ý kiến PCCC?»."
    assert _codes({"diagram": said}) == []


def test_a_field_s_checks_and_a_new_form_are_said_in_words() -> None:
    before = _texts()
    after = _with(before, "forms/don_de_nghi.schema.json",
                  lambda s: s["properties"]["ho_ten"].update(maxLength=200, format="email"))
    after["forms/moi.schema.json"] = json.dumps({"title": "Phiếu ghi chú", "type": "object"})
    said = describe(before, after)["forms"]
    assert said == [
        "Thêm biểu mẫu «Phiếu ghi chú».",
        "Biểu mẫu «Đơn đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ»: trường «Họ và tên chủ đầu tư» "
        "định dạng (không có) → thư điện tử; độ dài tối đa 100 → 200."]


def test_a_timer_at_an_instant_is_said_as_a_date_and_hour() -> None:
    before = _texts()
    after = {**before, "process.bpmn": before["process.bpmn"].replace(
        "<bpmn:timeDuration>P10D</bpmn:timeDuration>",
        "<bpmn:timeDate>2027-01-15T08:30:00+07:00</bpmn:timeDate>")}
    assert describe(before, after)["diagram"] == [
        "Hẹn giờ gắn với bước «Quá hạn thẩm định»: hẹn giờ 10 ngày làm việc → 08:30 ngày 15/01/2027."]


def test_a_version_changed_everywhere_reads_without_a_code() -> None:
    before = _texts()

    def change(manifest: dict[str, Any]) -> None:
        manifest.update(level="partial", supplement_mode="pause", extension_cap=0.25,
                        start_form="don_doc", process="cap_gpxd_nha_o_rieng_le",
                        applicant={"name": "dien_thoai", "id_number": "ho_ten"})
        manifest["roles"]["ho_tich"] = {"role": "ho_tich", "label": "Công chức tư pháp - hộ tịch"}
        manifest["roles"]["mot_cua"]["label"] = "Tiếp nhận"
    after = _with(before, "procedure.json", change)
    after["process.bpmn"] = (before["process.bpmn"]
                             .replace('value="tiep_nhan.schema.json"', 'value="y_kien_pccc.schema.json"')
                             .replace('quyet_dinh == "cap_phep"', 'quyet_dinh in ["cap_phep"]')
                             .replace('name="outcome" value="refused"', 'name="outcome" value="granted"')
                             .replace('id="gw_trinh" name="Trình ký"', 'id="gw_trinh"'))
    said = describe(before, after)
    assert said["manifest"] and said["diagram"]
    assert _codes(said) == []


def test_a_table_column_s_type_change_is_said_in_words() -> None:
    before = _texts()
    after = {**before, "le_phi.dmn": before["le_phi.dmn"].replace(
        'typeRef="integer"', 'typeRef="number"')}
    said = describe(before, after)["tables"]
    assert said == ["Bảng quyết định «Lệ phí cấp phép và lấy ý kiến PCCC theo tổng diện tích sàn»: "
                    "cột kết quả «Lệ phí (đồng)» kiểu «Số nguyên» → «Số»."]


def test_a_fee_per_unit_names_its_unit_and_the_field_counted() -> None:
    said = _manifest(lambda m: m.update(fees=[{"name": "Phí sao y", "amount": 2000,
                                               "per": "cong_trinh.so_tang", "unit": "tầng"}]))
    assert said[0].endswith("→ «Phí sao y» 2.000 đồng mỗi tầng theo «Số tầng».")


def test_a_lane_is_said_by_its_role_s_label_not_its_key() -> None:
    before = _texts()

    def change(manifest: dict[str, Any]) -> None:
        manifest["roles"]["tiep_nhan"] = {**manifest["roles"].pop("mot_cua"),
                                          "label": "Bộ phận tiếp nhận"}
    after = _with(before, "procedure.json", change)
    after["process.bpmn"] = before["process.bpmn"].replace(
        'id="lane_mot_cua" name="mot_cua"', 'id="lane_mot_cua" name="tiep_nhan"').replace(
        'id="lane_lanh_dao" name="lanh_dao"', 'id="lane_lanh_dao_moi" name="lanh_dao"')
    said = describe(before, after)["diagram"]
    assert "Làn «Bộ phận Một cửa»: đổi tên thành «Bộ phận tiếp nhận»." in said
    assert "Thêm làn «Lãnh đạo UBND cấp xã»." in said and "Bỏ làn «Lãnh đạo UBND cấp xã»." in said
    assert _codes({"diagram": said}) == []
