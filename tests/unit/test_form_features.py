"""The JSON Schema features real Vietnamese e-forms need, one row each: the schema, data
the validator accepts, data it refuses, and the Vietnamese message the citizen reads beside
the field. Then how the renderer shows each feature."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from forms import FieldError, PaperSlot, keep_read_only, parse_submission, render_form, validate_data
from forms.validation import field_schema


def obj(properties: dict[str, Any], **rest: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, **rest}


CHOICE = obj(
    {"loai": {"type": "string", "title": "Người nộp là"}},
    required=["loai"],
    oneOf=[
        {"title": "Cá nhân", "properties": {"loai": {"const": "ca_nhan"},
                                            "ho_ten": {"type": "string", "title": "Họ tên"}},
         "required": ["ho_ten"]},
        {"title": "Tổ chức", "properties": {"loai": {"const": "to_chuc"},
                                            "ten_to_chuc": {"type": "string", "title": "Tên tổ chức"}},
         "required": ["ten_to_chuc"]},
    ],
)
CONDITIONAL = obj(
    {"uy_quyen": {"type": "boolean", "title": "Nộp thay theo ủy quyền"}},
    **{"if": {"properties": {"uy_quyen": {"const": True}}, "required": ["uy_quyen"]},
       "then": {"properties": {"nguoi_uy_quyen": {"type": "string", "title": "Người ủy quyền"}},
                "required": ["nguoi_uy_quyen"]},
       "else": {"properties": {"ly_do": {"type": "string", "title": "Ghi chú"}}}},
)
DEPENDENT = obj(
    {"so_gp_cu": {"type": "string", "title": "Số giấy phép cũ"},
     "ngay_cap_cu": {"type": "string", "format": "date", "title": "Ngày cấp giấy phép cũ"}},
    dependentRequired={"so_gp_cu": ["ngay_cap_cu"]},
)
ROWS = obj({"thanh_vien": {
    "type": "array", "title": "Thành viên", "minItems": 1, "maxItems": 2,
    "items": obj({"ten": {"type": "string", "title": "Tên"},
                  "tuoi": {"type": "integer", "title": "Tuổi", "minimum": 0}}, required=["ten"])}},
    required=["thanh_vien"])

FEATURES = [
    # (feature, schema, valid data, invalid data, field, message)
    ("nested object", obj({"lo_dat": obj({"dien_tich": {"type": "number", "title": "Diện tích",
                                                        "exclusiveMinimum": 0}},
                                         required=["dien_tich"])}),
     {"lo_dat": {"dien_tich": 50}}, {"lo_dat": {}}, "lo_dat.dien_tich",
     "Vui lòng nhập «Diện tích»."),
    ("array of objects: row field", ROWS, {"thanh_vien": [{"ten": "An", "tuoi": 30}]},
     {"thanh_vien": [{"ten": "An"}, {"tuoi": 3}]}, "thanh_vien.1.ten", "Vui lòng nhập «Tên»."),
    ("array of objects: too few rows", ROWS, {"thanh_vien": [{"ten": "An"}]},
     {"thanh_vien": []}, "thanh_vien", "Cần ít nhất 1 dòng."),
    ("array of objects: too many rows", ROWS, {"thanh_vien": [{"ten": "An"}, {"ten": "Bình"}]},
     {"thanh_vien": [{"ten": "A"}, {"ten": "B"}, {"ten": "C"}]}, "thanh_vien", "Tối đa 2 dòng."),
    ("oneOf choice: nothing chosen", CHOICE, {"loai": "ca_nhan", "ho_ten": "An"}, {},
     "loai", "Vui lòng nhập «Người nộp là»."),
    ("oneOf choice: chosen branch's field", CHOICE, {"loai": "to_chuc", "ten_to_chuc": "Công ty A"},
     {"loai": "to_chuc"}, "ten_to_chuc", "Vui lòng nhập «Tên tổ chức»."),
    ("oneOf choice: unknown option", CHOICE, {"loai": "ca_nhan", "ho_ten": "An"},
     {"loai": "khac"}, "loai", "Vui lòng chọn một trường hợp cho «Người nộp là»."),
    ("anyOf choice", {k: v for k, v in CHOICE.items() if k != "oneOf"} | {"anyOf": CHOICE["oneOf"]},
     {"loai": "ca_nhan", "ho_ten": "An"}, {"loai": "ca_nhan"}, "ho_ten", "Vui lòng nhập «Họ tên»."),
    ("if/then", CONDITIONAL, {"uy_quyen": True, "nguoi_uy_quyen": "Bình"}, {"uy_quyen": True},
     "nguoi_uy_quyen", "Vui lòng nhập «Người ủy quyền»."),
    ("dependentRequired", DEPENDENT, {"so_gp_cu": "12/GPXD", "ngay_cap_cu": "2020-01-02"},
     {"so_gp_cu": "12/GPXD"}, "ngay_cap_cu",
     "Vui lòng nhập «Ngày cấp giấy phép cũ» khi đã nhập «Số giấy phép cũ»."),
    ("format date", obj({"d": {"type": "string", "format": "date", "title": "Ngày"}}),
     {"d": "2026-11-25"}, {"d": "25/11/2026"}, "d",
     "Ngày chưa đúng: nhập theo dạng ngày/tháng/năm, ví dụ 15/01/2027."),
    ("format email", obj({"e": {"type": "string", "format": "email"}}),
     {"e": "an@example.vn"}, {"e": "an.example.vn"}, "e",
     "Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn."),
    ("format vn-phone", obj({"p": {"type": "string", "format": "vn-phone"}}),
     {"p": "0912345678"}, {"p": "091234"}, "p", "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0."),
    ("format cccd (12-digit citizen ID)", obj({"c": {"type": "string", "format": "cccd"}}),
     {"c": "008090001234"}, {"c": "00809000123"}, "c", "Số định danh cá nhân gồm 12 chữ số."),
    ("minimum", obj({"n": {"type": "integer", "minimum": 1}}), {"n": 1}, {"n": 0}, "n",
     "Giá trị nhỏ nhất là 1."),
    ("maximum", obj({"n": {"type": "integer", "maximum": 7}}), {"n": 7}, {"n": 8}, "n",
     "Giá trị lớn nhất là 7."),
    ("exclusiveMinimum", obj({"n": {"type": "number", "exclusiveMinimum": 0}}), {"n": 0.5},
     {"n": 0}, "n", "Giá trị phải lớn hơn 0."),
    ("minLength", obj({"s": {"type": "string", "minLength": 2}}), {"s": "An"}, {"s": "A"}, "s",
     "Cần ít nhất 2 ký tự."),
    ("maxLength", obj({"s": {"type": "string", "maxLength": 3}}), {"s": "abc"}, {"s": "abcd"},
     "s", "Tối đa 3 ký tự."),
    ("pattern", obj({"s": {"type": "string", "pattern": "^[0-9]{5}$"}}), {"s": "12345"},
     {"s": "12a45"}, "s", "Không đúng định dạng yêu cầu."),
    ("enum", obj({"k": {"enum": ["III", "IV"]}}), {"k": "IV"}, {"k": "V"}, "k",
     "Vui lòng chọn một giá trị trong danh sách."),
    ("confirmation box (const true)", obj({"cam_ket": {"type": "boolean", "const": True}},
                                          required=["cam_ket"]),
     {"cam_ket": True}, {}, "cam_ket", "Bạn cần đánh dấu xác nhận mục này."),
    ("type integer", obj({"n": {"type": "integer"}}), {"n": 3}, {"n": "ba"}, "n",
     "Chỉ nhập số, ví dụ: 3"),
]


@pytest.mark.parametrize(("feature", "schema", "valid", "invalid", "field", "message"), FEATURES,
                         ids=[f[0] for f in FEATURES])
def test_each_feature_accepts_good_data_and_names_the_problem_in_vietnamese(
    feature: str, schema: dict[str, Any], valid: dict[str, Any], invalid: dict[str, Any],
    field: str, message: str,
) -> None:
    assert validate_data(schema, valid) == []
    found = {e.field: e.message for e in validate_data(schema, invalid)}
    assert found.get(field) == message, found


class _Ids(HTMLParser):
    """Collects every element's attributes, to check labels and descriptions."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def parsed(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Ids()
    parser.feed(html)
    return parser.elements


def test_every_input_has_a_label_and_its_error_is_linked_by_aria_describedby() -> None:
    html = render_form(ROWS, None, {"thanh_vien": [{"tuoi": -1}]},
                       validate_data(ROWS, {"thanh_vien": [{"tuoi": -1}]}))
    elements = parsed(html)
    ids = {a.get("id") for _, a in elements}
    labelled = {a.get("for") for t, a in elements if t == "label"}
    for tag, attrs in elements:
        if tag in ("input", "select", "textarea"):
            assert attrs["id"] in labelled, attrs
    age = next(a for t, a in elements if a.get("id") == "f-thanh_vien-0-tuoi")
    assert age["aria-invalid"] == "true"
    assert "f-thanh_vien-0-tuoi-error" in str(age["aria-describedby"])
    assert "f-thanh_vien-0-tuoi-error" in ids
    summary = html[:html.index("</div>")]
    assert 'href="#f-thanh_vien-0-ten"' in summary and ">Vui lòng nhập «Tên».<" in summary
    assert "Có 2 lỗi cần sửa" in summary


def test_if_then_else_fields_carry_their_condition_and_a_sentence_for_no_script() -> None:
    html = render_form(CONDITIONAL)
    rules = [json.loads(m.replace("&quot;", '"'))
             for m in re.findall(r'data-show-if="([^"]+)"', html)]
    assert {"field": "uy_quyen", "negate": False, "in": ["true"]} in rules
    assert {"field": "uy_quyen", "negate": True, "in": ["true"]} in rules
    assert "Chỉ điền khi «Nộp thay theo ủy quyền» là «Có»." in html
    assert "Chỉ điền khi «Nộp thay theo ủy quyền» không phải «Có»." in html
    then_part = html[html.index("Nộp thay theo ủy quyền» là"):]
    assert 'id="f-nguoi_uy_quyen"' in then_part and "(bắt buộc)" in then_part


def test_dependent_field_is_shown_once_its_trigger_is_filled() -> None:
    html = render_form(DEPENDENT)
    assert html.count('class="conditional"') == 1
    wrapper = html[html.index('class="conditional"'):]
    assert "&quot;field&quot;: &quot;so_gp_cu&quot;" in wrapper
    assert "Cần điền khi đã nhập «Số giấy phép cũ»." in wrapper
    assert 'id="f-ngay_cap_cu"' in wrapper and "ví dụ 15/01/2027" in wrapper


def test_a_choice_renders_one_radio_per_branch_and_each_branch_its_own_fields() -> None:
    html = render_form(CHOICE, None, {"loai": "to_chuc"})
    radios = [a for t, a in parsed(html) if t == "input" and a.get("type") == "radio"]
    assert [(r["value"], "checked" in r) for r in radios] == [("ca_nhan", False), ("to_chuc", True)]
    assert "Chỉ điền khi «Người nộp là» là «Tổ chức»." in html
    assert html.index('name="loai"') < html.index('name="ho_ten"')
    # posting the choice and a branch's field parses into the data the validator judges
    posted = parse_submission(CHOICE, [("loai", "to_chuc"), ("ten_to_chuc", "Công ty A")])
    assert posted.data == {"loai": "to_chuc", "ten_to_chuc": "Công ty A"}
    assert validate_data(CHOICE, posted.data) == []
    assert field_schema(CHOICE, ["ten_to_chuc"])["title"] == "Tên tổ chức"


def test_formats_bounds_and_patterns_become_input_attributes() -> None:
    schema = obj({"d": {"type": "string", "format": "date"},
                  "e": {"type": "string", "format": "email"},
                  "p": {"type": "string", "format": "vn-phone"},
                  "c": {"type": "string", "pattern": "^[0-9]{12}$", "maxLength": 12}})
    attrs = {a["id"]: a for t, a in parsed(render_form(schema)) if t == "input"}
    assert attrs["f-d"]["type"] == "text"  # typed dd/mm/yyyy, read by the server
    assert attrs["f-e"]["type"] == "email"
    assert attrs["f-p"]["type"] == "tel"
    assert attrs["f-c"]["pattern"] == "^[0-9]{12}$" and attrs["f-c"]["maxlength"] == "12"


def test_read_only_fields_show_as_read_only_and_keep_the_known_value() -> None:
    schema = obj({"so_dinh_danh": {"type": "string", "readOnly": True, "title": "Số định danh"},
                  "ho_ten": {"type": "string"}, "dia_chi": {"type": "string"}})
    ui = {"fields": {"dia_chi": {"readonly": True, "help": "Theo cơ sở dữ liệu dân cư."}}}
    html = render_form(schema, ui, {"so_dinh_danh": "008090001234"})
    field = next(a for t, a in parsed(html) if a.get("id") == "f-so_dinh_danh")
    assert "readonly" in field and field["value"] == "008090001234"
    assert '<p class="help" id="f-dia_chi-help">Theo cơ sở dữ liệu dân cư.</p>' in html
    posted = {"so_dinh_danh": "999999999999", "ho_ten": "An", "dia_chi": "Sửa trái phép"}
    kept = keep_read_only(schema, ui, posted, {"so_dinh_danh": "008090001234"})
    assert kept == {"so_dinh_danh": "008090001234", "ho_ten": "An"}


def test_papers_render_a_labelled_file_input_with_limits_the_current_file_and_the_store() -> None:
    papers = [PaperSlot(key="0", name="Bản sao giấy tờ đất", required=True,
                        limits="PDF, ảnh JPEG, ảnh PNG; tối đa 5 MB", accept=".pdf,.jpg,.png",
                        current="so-do.pdf (120 KB)", stored=[("7", "Sổ đỏ (hồ sơ 000.00.12.H64-…)")])]
    html = render_form(obj({}), None, {}, [], papers)
    file_input = next(a for t, a in parsed(html) if a.get("type") == "file")
    assert file_input["name"] == "_file.0" and file_input["accept"] == ".pdf,.jpg,.png"
    assert file_input["aria-describedby"] == "paper-0-help"
    assert "Đã đính kèm: so-do.pdf (120 KB)" in html and 'name="_stored.0"' in html
    assert '<label for="paper-0-file">Thay bằng tệp khác — Bản sao giấy tờ đất</label>' in html
    refused = render_form(obj({}), None, {}, [FieldError("_paper.0", "Tệp lớn quá 5 MB (6 MB).")],
                          papers)
    assert '<a href="#paper-0">Bản sao giấy tờ đất: Tệp lớn quá 5 MB (6 MB).</a>' in refused
    assert 'aria-describedby="paper-0-help paper-0-error"' in refused
