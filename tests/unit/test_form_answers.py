"""`forms.answers.answered_fields` and the views built on it (`describe_data`,
`render_summary`): an answer to a conditional question is listed, titled, right after the
answer that brought it, and only while its branch applies."""

from __future__ import annotations

from typing import Any

from forms import describe_data, render_summary
from forms.answers import answered_fields
from forms.builder import build

YES_NO = {"type": "boolean"}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "uy_quyen": {**YES_NO, "title": "Nộp thay"},
        "loai": {"type": "string", "title": "Loại", "enum": ["a", "b"]},
        "email": {"type": "string", "title": "Thư điện tử"},
        "ghi_chu": {"type": "string", "title": "Ghi chú"},
    },
    "allOf": [
        {"if": {"properties": {"uy_quyen": {"const": True}}, "required": ["uy_quyen"]},
         "then": {"properties": {"nguoi_nop_thay": {"type": "string", "title": "Người nộp thay"}}},
         "else": {"properties": {"ly_do": {"type": "string", "title": "Lý do tự nộp"}}}},
        {"if": {"properties": {"loai": {"const": "b"}}, "required": ["loai"]},
         "then": {"properties": {"so_b": {"type": "integer", "title": "Số loại B"}}}},
    ],
    "dependentSchemas": {"email": {"properties": {
        "nhan_thu": {"type": "boolean", "title": "Nhận thông báo qua thư"}}}},
}


def _names(data: dict[str, Any]) -> list[str]:
    return [name for name, _ in answered_fields(SCHEMA, data)]


def test_fields_of_branches_that_apply_follow_their_trigger() -> None:
    data = {"uy_quyen": True, "loai": "b", "email": "an@example.vn"}
    assert _names(data) == ["uy_quyen", "nguoi_nop_thay", "loai", "so_b", "email", "nhan_thu",
                            "ghi_chu"]


def test_fields_of_branches_that_do_not_apply_are_left_out() -> None:
    assert _names({"uy_quyen": False, "loai": "a"}) == ["uy_quyen", "ly_do", "loai", "email",
                                                        "ghi_chu"]
    # an unanswered trigger applies neither branch (as the form shows it)
    assert _names({}) == ["uy_quyen", "loai", "email", "ghi_chu"]


def test_the_ui_order_comes_first_and_brings_the_conditional_fields_along() -> None:
    names = [n for n, _ in answered_fields(SCHEMA, {"uy_quyen": True}, ["ghi_chu", "uy_quyen"])]
    assert names == ["ghi_chu", "uy_quyen", "nguoi_nop_thay", "loai", "email"]


def test_a_choice_lists_the_fields_of_the_chosen_branch() -> None:
    schema = {"type": "object", "properties": {"ten": {"type": "string"}},
              "oneOf": [{"properties": {"kieu": {"const": "ca_nhan"},
                                        "cccd": {"type": "string", "title": "CCCD"}}},
                        {"properties": {"kieu": {"const": "to_chuc"},
                                        "mst": {"type": "string", "title": "MST"}}}]}
    assert [n for n, _ in answered_fields(schema, {"kieu": "to_chuc"})] == ["ten", "kieu", "mst"]


def test_words_and_summary_of_a_builder_form_show_the_conditional_answer() -> None:
    schema, ui = build({"title": "Tờ khai", "fields": [
        {"name": "ho_ten", "kind": "text", "label": "Họ và tên"},
        {"name": "uy_quyen", "kind": "yesno", "label": "Có ủy quyền"},
        {"name": "nguoi_nop_thay", "kind": "text", "label": "Người nộp thay",
         "show_if": {"field": "uy_quyen", "values": [True]}},
        {"name": "ghi_chu", "kind": "text", "label": "Ghi chú"}]})
    data = {"ho_ten": "An", "uy_quyen": True, "nguoi_nop_thay": "Bình", "ghi_chu": "x"}
    assert describe_data(schema, ui, data) == [
        ("Họ và tên", "An"), ("Có ủy quyền", "Có"), ("Người nộp thay", "Bình"), ("Ghi chú", "x")]
    html = render_summary(schema, ui, data)
    assert "<dt>Có ủy quyền</dt><dd>Có</dd><dt>Người nộp thay</dt><dd>Bình</dd>" in html
    stale = {**data, "uy_quyen": False}
    assert ("Người nộp thay", "Bình") not in describe_data(schema, ui, stale)
    assert "Bình" not in render_summary(schema, ui, stale)


def test_a_groups_conditional_field_is_shown_inside_the_group() -> None:
    schema, ui = build({"title": "Tờ khai", "fields": [{"name": "lo_dat", "kind": "group", "label": "Lô đất",
                                    "fields": [
        {"name": "co_so_do", "kind": "yesno", "label": "Đã có sổ đỏ"},
        {"name": "so_so", "kind": "text", "label": "Số sổ",
         "show_if": {"field": "co_so_do", "values": [True]}}]}]})
    data = {"lo_dat": {"co_so_do": True, "so_so": "CS-01"}}
    assert describe_data(schema, ui, data) == [("Lô đất › Đã có sổ đỏ", "Có"),
                                               ("Lô đất › Số sổ", "CS-01")]
