"""Forms: validation messages in Vietnamese, parsing of posted fields, accessible HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from forms import FieldError, check_schema, parse_submission, render_form, validate_data

FORMS = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o" / "forms"
SCHEMA: dict[str, Any] = json.loads((FORMS / "don_de_nghi.schema.json").read_text(encoding="utf-8"))
UI: dict[str, Any] = json.loads((FORMS / "don_de_nghi.ui.json").read_text(encoding="utf-8"))
S = "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize(("schema", "data", "errors"), [
    ({"type": "object", "required": ["a"], "properties": {"a": {"type": "string", "title": "Họ tên"}}},
     {}, [("a", "Vui lòng nhập «Họ tên».")]),
    ({"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}},
     {"n": 0}, [("n", "Giá trị nhỏ nhất là 1.")]),
    ({"type": "object", "properties": {"n": {"type": "integer"}}},
     {"n": "ba"}, [("n", "Chỉ nhập số, ví dụ: 3")]),
    ({"type": "object", "properties": {"e": {"type": "string", "format": "email"}}},
     {"e": "khong-phai-thu"}, [("e", "Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn.")]),
    ({"type": "object", "properties": {"d": {"type": "string", "format": "date"}}},
     {"d": "2026-02-30"}, [("d", "Ngày chưa đúng: nhập theo dạng ngày/tháng/năm, ví dụ 15/01/2027.")]),
    ({"type": "object", "properties": {"s": {"type": "string", "maxLength": 3}}},
     {"s": "dài quá"}, [("s", "Tối đa 3 ký tự.")]),
    ({"type": "object", "properties": {"k": {"enum": ["a", "b"]}}},
     {"k": "c"}, [("k", "Vui lòng chọn một giá trị trong danh sách.")]),
    ({"type": "object", "properties": {"rows": {"type": "array", "items": {
        "type": "object", "required": ["ten"], "properties": {"ten": {"type": "string", "title": "Tên"}}}}}},
     {"rows": [{"ten": "A"}, {}]}, [("rows.1.ten", "Vui lòng nhập «Tên».")]),
    ({"type": "object", "properties": {"x": {"type": "string"}, "y": {"type": "string", "title": "Lý do"}},
      "if": {"properties": {"x": {"const": "no"}}, "required": ["x"]}, "then": {"required": ["y"]}},
     {"x": "no"}, [("y", "Vui lòng nhập «Lý do».")]),
    ({"type": "object", "properties": {"p": {"type": "string", "format": "vn-phone"}}},
     {"p": "12345"}, [("p", "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.")]),
])
def test_validation_messages_name_the_field_in_vietnamese(
    schema: dict[str, Any], data: dict[str, Any], errors: list[tuple[str, str]]
) -> None:
    assert [(e.field, e.message) for e in validate_data(schema, data)] == errors


def test_valid_data_has_no_errors() -> None:
    data = {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": "008090001234", "dien_thoai": "0912345678",
            "dia_chi_lien_he": "Tổ 5", "lo_dat": {"dia_chi": "Số 12", "dien_tich": 100},
            "cong_trinh": {"loai_cong_trinh": "nha_o_rieng_le_do_thi", "dien_tich_xay_dung": 80,
                           "so_tang": 3, "chieu_cao": 12}, "cam_ket": True}
    assert validate_data(SCHEMA, data) == []


@pytest.mark.parametrize(("schema", "fragment"), [
    ({"$schema": S, "type": "object", "properties": {"a": {"type": "strin"}}}, "JSON Schema không hợp lệ"),
    ({"$schema": "http://json-schema.org/draft-04/schema#", "type": "object"}, "draft 2020-12"),
    ({"$schema": S, "type": "array"}, '"type": "object"'),
    ([1, 2], "đối tượng JSON Schema"),
])
def test_unusable_schemas_are_explained(schema: Any, fragment: str) -> None:
    problems = check_schema(schema)
    assert problems and fragment in problems[0].message


def test_posted_fields_become_typed_nested_data() -> None:
    posted = [("ho_ten", "An"), ("lo_dat.dien_tich", "120,5"), ("cong_trinh.so_tang", "3"),
              ("cam_ket", "true"), ("don_vi_thiet_ke.0.ten", "Công ty A"),
              ("don_vi_thiet_ke.1.ten", ""), ("khong_co_trong_bieu_mau", "x"), ("csrf_token", "t")]
    parsed = parse_submission(SCHEMA, posted)
    assert parsed.data == {"ho_ten": "An", "lo_dat": {"dien_tich": 120.5},
                           "cong_trinh": {"so_tang": 3}, "cam_ket": True,
                           "don_vi_thiet_ke": [{"ten": "Công ty A"}]}
    assert not parsed.is_row_action


def test_unparseable_numbers_are_kept_so_validation_can_name_them() -> None:
    parsed = parse_submission(SCHEMA, [("cong_trinh.so_tang", "ba tầng")])
    assert parsed.data == {"cong_trinh": {"so_tang": "ba tầng"}}
    assert FieldError("cong_trinh.so_tang", "Chỉ nhập số, ví dụ: 3") in validate_data(SCHEMA, parsed.data)


def test_add_and_remove_row_without_javascript() -> None:
    added = parse_submission(SCHEMA, [("don_vi_thiet_ke.0.ten", "A"), ("_add_row", "don_vi_thiet_ke")])
    assert added.is_row_action and added.data["don_vi_thiet_ke"] == [{"ten": "A"}, {}]
    removed = parse_submission(SCHEMA, [("don_vi_thiet_ke.0.ten", "A"), ("don_vi_thiet_ke.1.ten", "B"),
                                        ("_remove_row", "don_vi_thiet_ke.0")])
    assert removed.data["don_vi_thiet_ke"] == [{"ten": "B"}]


def test_rendered_form_labels_every_input_and_links_errors() -> None:
    errors = [FieldError("so_dinh_danh", "Không đúng định dạng yêu cầu.")]
    html = render_form(SCHEMA, UI, {"ho_ten": "Nguyễn <An>", "so_dinh_danh": "12"}, errors)
    assert 'class="error-summary"' in html and 'href="#f-so_dinh_danh"' in html
    assert ('id="f-so_dinh_danh" name="so_dinh_danh" value="12" inputmode="numeric" '
            'spellcheck="false" pattern="^[0-9]{12}$" '
            'aria-describedby="f-so_dinh_danh-help f-so_dinh_danh-error" aria-invalid="true"') in html
    assert '<p class="error" id="f-so_dinh_danh-error">Không đúng định dạng yêu cầu.</p>' in html
    assert 'value="Nguyễn &lt;An&gt;"' in html  # values are escaped
    assert '<label for="f-lo_dat-dien_tich">' in html  # nested object field
    assert 'name="don_vi_thiet_ke.0.ten"' in html
    assert 'value="don_vi_thiet_ke" formnovalidate>Thêm «' in html
    assert 'type="radio" id="f-cong_trinh-loai_cong_trinh-0"' in html  # ui widget radio
    assert "Nhà ở riêng lẻ tại đô thị" in html  # label from the UI schema
    assert '<input type="text" id="f-ngay_khoi_cong"' in html  # typed dd/mm/yyyy
    assert 'type="checkbox" id="f-cam_ket"' in html
    order = [html.index(f'id="f-{name}"') for name in ("ho_ten", "so_dinh_danh", "lo_dat-dia_chi")]
    assert order == sorted(order)
    controls = re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', html)
    assert len(controls) > 15
    assert [c for c in controls if f'<label for="{c}"' not in html] == []
