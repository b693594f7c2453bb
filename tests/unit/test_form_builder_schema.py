"""The visual form builder's model becomes the JSON Schema and UI schema the forms package
reads: every kind of field, rules in words, "Chỉ hỏi khi …", and what the builder refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from forms import render_form, validate_data
from forms.builder import BuilderError, build, build_papers
from forms.builder_import import model_of

LIBRARY = Path(__file__).parents[2] / "procedures"


def _model() -> dict[str, Any]:
    return {"title": "Đơn thử", "fields": [
        {"name": "ho_ten", "label": "Họ và tên", "kind": "text", "required": True,
         "min_length": 2, "max_length": 100, "help": "Như trên thẻ căn cước"},
        {"name": "so_dinh_danh", "label": "Số định danh", "kind": "text", "required": True,
         "format": "cccd"},
        {"name": "dien_thoai", "label": "Điện thoại", "kind": "text", "format": "phone"},
        {"name": "thu", "label": "Thư điện tử", "kind": "text", "format": "email"},
        {"name": "mst", "label": "Mã số thuế", "kind": "text", "format": "tax_code"},
        {"name": "dien_tich", "label": "Diện tích", "kind": "number", "unit": "m²",
         "required": True, "positive": True, "maximum": 1000},
        {"name": "so_tang", "label": "Số tầng", "kind": "number", "integer": True, "minimum": 1,
         "maximum": 7},
        {"name": "ngay", "label": "Ngày khởi công", "kind": "date"},
        {"name": "loai", "label": "Loại nhà", "kind": "choice", "required": True, "display": "select",
         "options": [{"value": "do_thi", "label": "Đô thị"}, {"value": "nong_thon", "label": "Nông thôn"}]},
        {"name": "uy_quyen", "label": "Nộp thay", "kind": "yesno"},
        {"name": "nguoi_nop_thay", "label": "Người nộp thay", "kind": "text", "required": True,
         "show_if": {"field": "uy_quyen", "values": [True]}},
        {"name": "lo_dat", "label": "Lô đất", "kind": "group", "required": True, "fields": [
            {"name": "dia_chi", "label": "Địa chỉ", "kind": "text", "required": True,
             "multiline": True}]},
        {"name": "thiet_ke", "label": "Đơn vị thiết kế", "kind": "rows", "max_rows": 3, "fields": [
            {"name": "ten", "label": "Tên", "kind": "text", "required": True}]},
        {"name": "cam_ket", "label": "Tôi cam kết", "kind": "yesno", "required": True,
         "must_be_yes": True},
    ]}


GOOD = {"ho_ten": "Nguyễn An", "so_dinh_danh": "008090001234", "dien_tich": 80.5, "loai": "do_thi",
        "lo_dat": {"dia_chi": "Số 1"}, "cam_ket": True}


def test_every_kind_of_field_becomes_schema_and_ui() -> None:
    schema, ui = build(_model())
    props = schema["properties"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert props["so_dinh_danh"]["format"] == "cccd" and props["mst"]["format"] == "vn-tax-code"
    assert props["dien_thoai"]["format"] == "vn-phone" and props["thu"]["format"] == "email"
    assert props["dien_tich"] == {"title": "Diện tích (m²)", "type": "number", "exclusiveMinimum": 0,
                                  "maximum": 1000}
    assert props["so_tang"] == {"title": "Số tầng", "type": "integer", "minimum": 1, "maximum": 7}
    assert props["ngay"] == {"title": "Ngày khởi công", "type": "string", "format": "date"}
    assert props["loai"]["oneOf"] == [{"const": "do_thi", "title": "Đô thị"},
                                      {"const": "nong_thon", "title": "Nông thôn"}]
    assert props["cam_ket"] == {"title": "Tôi cam kết", "type": "boolean", "const": True}
    assert props["thiet_ke"]["items"]["required"] == ["ten"] and props["thiet_ke"]["maxItems"] == 3
    assert "nguoi_nop_thay" not in props
    assert schema["if"] == {"properties": {"uy_quyen": {"const": True}}, "required": ["uy_quyen"]}
    assert schema["then"]["required"] == ["nguoi_nop_thay"]
    assert schema["required"] == ["ho_ten", "so_dinh_danh", "dien_tich", "loai", "lo_dat", "cam_ket"]
    assert props["ho_ten"] == {"title": "Họ và tên", "type": "string", "minLength": 2,
                               "maxLength": 100, "description": "Như trên thẻ căn cước"}
    assert ui["order"][0] == "ho_ten" and "ho_ten" not in ui["fields"]
    assert ui["fields"]["loai"] == {"widget": "select"}
    assert ui["fields"]["lo_dat.dia_chi"] == {"widget": "textarea"}
    assert props["lo_dat"]["properties"]["dia_chi"]["maxLength"] == 2000  # a text area without UI


def test_the_rules_in_words_are_what_validation_enforces() -> None:
    schema, _ = build(_model())
    assert validate_data(schema, GOOD) == []
    bad = {**GOOD, "so_dinh_danh": "123", "dien_tich": 0, "so_tang": 9, "thu": "khong-phai-thu",
           "cam_ket": False, "loai": "khac"}
    fields = {e.field for e in validate_data(schema, bad)}
    assert {"so_dinh_danh", "dien_tich", "so_tang", "thu", "cam_ket", "loai"} <= fields
    missing = validate_data(schema, {**GOOD, "uy_quyen": True})
    assert [e.field for e in missing] == ["nguoi_nop_thay"]
    assert validate_data(schema, {**GOOD, "uy_quyen": False}) == []


def test_the_conditional_field_is_rendered_with_its_sentence_and_the_help_text() -> None:
    schema, ui = build(_model())
    html = render_form(schema, ui)
    assert "data-show-if" in html and "Chỉ điền khi «Nộp thay»" in html
    assert "Như trên thẻ căn cước" in html and "Diện tích (m²)" in html


def test_shown_when_a_choice_is_not_one_of_its_values_uses_else() -> None:
    model = {"title": "T", "fields": [
        {"name": "loai", "label": "Loại", "kind": "choice", "required": True,
         "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
        {"name": "ly_do", "label": "Lý do", "kind": "text", "required": True,
         "show_if": {"field": "loai", "values": ["a"], "negate": True}}]}
    schema, _ = build(model)
    assert schema["else"] == {"properties": {"ly_do": {"title": "Lý do", "type": "string"}},
                              "required": ["ly_do"]}
    assert [e.field for e in validate_data(schema, {"loai": "b"})] == ["ly_do"]


@pytest.mark.parametrize(("change", "message"), [
    ({"name": "Họ tên!"}, "tên trường phải bắt đầu bằng chữ"),
    ({"name": "csrf_token"}, "dành riêng cho hệ thống"),
    ({"name": "so_dinh_danh"}, "đã dùng cho trường khác"),
    ({"label": ""}, "cần nhãn"),
    ({"kind": "bang_tinh"}, "loại trường «bang_tinh» không có"),
    ({"min_length": 10, "max_length": 5}, "độ dài nhỏ nhất lớn hơn độ dài lớn nhất"),
    ({"max_length": -1}, "giới hạn độ dài phải là một số nguyên không âm"),
    ({"format": "ngay_sinh"}, "định dạng «ngay_sinh» không có"),
    ({"show_if": {"field": "ho_ten_khac", "values": ["x"]}}, "«Chỉ hỏi khi» phải dựa vào"),
    ({"show_if": {"field": "dien_tich", "values": [1]}}, "chỉ dựa vào trường lựa chọn hoặc Có/Không"),
    ({"show_if": {"field": "loai", "values": ["khac"]}}, "chọn giá trị của «Loại nhà»"),
])
def test_a_bad_model_is_refused_with_the_field_named(change: dict[str, Any], message: str) -> None:
    model = _model()
    model["fields"][0].update(change)
    with pytest.raises(BuilderError) as refused:
        build(model)
    assert any(message in p for p in refused.value.problems), refused.value.problems
    assert any(p.startswith("Trường «") for p in refused.value.problems)


def test_two_different_conditions_in_one_group_are_refused_not_half_built() -> None:
    model = _model()
    model["fields"].append({"name": "ghi_chu", "label": "Ghi chú", "kind": "text",
                            "show_if": {"field": "loai", "values": ["do_thi"]}})
    with pytest.raises(BuilderError, match="cùng một nhóm phải cùng"):
        build(model)


def test_a_choice_needs_two_options_with_distinct_values() -> None:
    model = {"title": "T", "fields": [{"name": "x", "label": "X", "kind": "choice",
                                       "options": [{"value": "a"}, {"value": "a"}]}]}
    with pytest.raises(BuilderError, match="không trùng"):
        build(model)
    with pytest.raises(BuilderError, match="ít nhất một trường"):
        build({"title": "T", "fields": []})


@pytest.mark.parametrize("path", sorted(LIBRARY.glob("*/forms/*.schema.json")), ids=lambda p: p.name)
def test_the_library_forms_open_in_the_builder_and_come_back_equal(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    ui_path = path.with_name(path.name.replace(".schema.json", ".ui.json"))
    ui = json.loads(ui_path.read_text(encoding="utf-8")) if ui_path.exists() else None
    model, why = model_of(schema, ui)
    assert model is not None, why
    rebuilt, rebuilt_ui = build(model)
    assert model_of(rebuilt, rebuilt_ui)[0] == model


def test_the_rebuilt_permit_form_takes_the_sample_case_and_refuses_a_bad_id() -> None:
    folder = LIBRARY / "cap-giay-phep-xay-dung-nha-o"
    schema = json.loads((folder / "forms" / "don_de_nghi.schema.json").read_text(encoding="utf-8"))
    ui = json.loads((folder / "forms" / "don_de_nghi.ui.json").read_text(encoding="utf-8"))
    case = json.loads((folder / "tests" / "cap-phep.json").read_text(encoding="utf-8"))["start"]
    model, _ = model_of(schema, ui)
    assert model is not None
    rebuilt, _ = build(model)
    assert validate_data(rebuilt, case) == []
    assert [e.field for e in validate_data(rebuilt, {**case, "so_dinh_danh": "12"})] == ["so_dinh_danh"]


def test_a_form_the_builder_cannot_show_says_why_and_is_left_to_the_raw_view() -> None:
    model, why = model_of({"type": "object", "properties": {"x": {"type": "string",
                                                                  "pattern": "^[A-Z]+$"}}})
    assert model is None and "pattern" in why and "Nâng cao" in why


def test_papers_become_the_components_of_procedure_json_or_are_refused_by_number() -> None:
    papers = build_papers([
        {"name": "Đơn đề nghị  cấp phép", "originals": 1, "copies": 0, "required": True,
         "accept": ["jpg", "pdf"], "max_size_mb": 2},
        {"name": "Bản vẽ thiết kế", "originals": 2, "copies": 0}])
    assert papers == [
        {"name": "Đơn đề nghị cấp phép", "originals": 1, "copies": 0, "required": True,
         "accept": ["pdf", "jpg"], "max_size_mb": 2},
        {"name": "Bản vẽ thiết kế", "originals": 2, "copies": 0, "required": False}]
    with pytest.raises(BuilderError) as refused:
        build_papers([{"name": "x"}, {"name": "Bản sao", "copies": -1, "accept": ["exe"],
                                      "max_size_mb": 50}])
    assert refused.value.problems == [
        "Giấy tờ 1 «x»: cần tên giấy tờ.",
        "Giấy tờ 2 «Bản sao»: số bản sao là số nguyên từ 0 đến 20.",
        "Giấy tờ 2 «Bản sao»: loại tệp chỉ gồm pdf, png, jpg.",
        "Giấy tờ 2 «Bản sao»: dung lượng tối đa từ trên 0 đến 10 MB."]


def _five_choices(display: str | None) -> dict[str, Any]:
    field: dict[str, Any] = {"name": "loai", "label": "Loại công trình", "kind": "choice",
                             "options": [{"value": f"v{i}", "label": f"Loại {i}"} for i in range(5)]}
    if display is not None:
        field["display"] = display
    return {"title": "T", "fields": [field]}


def test_a_choice_shown_as_radio_buttons_renders_radios_whatever_its_number_of_options() -> None:
    schema, ui = build(_five_choices("radio"))
    html = render_form(schema, ui)
    assert html.count('type="radio"') == 5 and "<select" not in html
    assert '<fieldset class="field choice"' in html and "<legend>Loại công trình</legend>" in html
    assert "<select" in render_form(*build(_five_choices("select")))


def test_a_form_without_a_widget_opens_in_the_builder_as_it_renders() -> None:
    schema, ui = build(_five_choices("select"))
    ui["fields"].pop("loai")  # a hand-written form: five options and no widget render a list
    model, _ = model_of(schema, ui)
    assert model is not None and model["fields"][0]["display"] == "select"
    few_schema, few_ui = build({"title": "T", "fields": [{**_five_choices(None)["fields"][0],
                                                         "options": [{"value": "a"}, {"value": "b"}]}]})
    few_ui["fields"].pop("loai")
    few, _ = model_of(few_schema, few_ui)
    assert few is not None and few["fields"][0]["display"] == "radio"


def test_a_choice_shown_as_a_list_is_a_list_even_with_two_options() -> None:
    model = _five_choices("select")
    model["fields"][0]["options"] = model["fields"][0]["options"][:2]
    html = render_form(*build(model))
    assert "<select" in html and 'type="radio"' not in html
