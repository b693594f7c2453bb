"""A field's code (the key its answers are stored under) is made from its label when the
designer gives none: ascii, unique among the fields beside it, never a reserved name; a code
given is kept whatever the label says."""

from __future__ import annotations

from forms.builder import build, code_from_label


def test_a_field_sent_by_its_label_only_gets_an_ascii_code() -> None:
    schema, ui = build({"title": "Đơn", "fields": [
        {"label": "Họ và tên người đề nghị", "kind": "text", "required": True},
        {"label": "Địa chỉ thường trú", "kind": "text"}]})
    assert list(schema["properties"]) == ["ho_va_ten_nguoi_de_nghi", "dia_chi_thuong_tru"]
    assert schema["required"] == ["ho_va_ten_nguoi_de_nghi"]
    assert ui["order"] == ["ho_va_ten_nguoi_de_nghi", "dia_chi_thuong_tru"]


def test_two_fields_with_the_same_label_get_distinct_codes_in_groups_too() -> None:
    schema, _ = build({"title": "Đơn", "fields": [
        {"label": "Ghi chú", "kind": "text"}, {"label": "Ghi chú", "kind": "text"},
        {"label": "Agency", "kind": "text"},  # a name the form page posts itself
        {"label": "Lô đất", "kind": "group", "fields": [
            {"label": "Ghi chú", "kind": "text"}, {"label": "Ghi chú", "kind": "number"}]}]})
    assert list(schema["properties"]) == ["ghi_chu", "ghi_chu_2", "agency_2", "lo_dat"]
    assert list(schema["properties"]["lo_dat"]["properties"]) == ["ghi_chu", "ghi_chu_2"]


def test_a_saved_code_stays_when_the_label_changes() -> None:
    schema, _ = build({"title": "Đơn", "fields": [
        {"name": "ho_ten", "label": "Họ, chữ đệm và tên khai sinh", "kind": "text"},
        {"label": "Ho ten", "kind": "text"}]})  # would be ho_ten: the saved one keeps it
    assert list(schema["properties"]) == ["ho_ten", "ho_ten_2"]
    assert schema["properties"]["ho_ten"]["title"] == "Họ, chữ đệm và tên khai sinh"


def test_codes_start_with_a_letter_and_fit_the_name_rule() -> None:
    assert code_from_label("2. Số tờ bản đồ", set()) == "truong_2_so_to_ban_do"
    assert code_from_label("", set()) == "truong"
    assert code_from_label("Đường, phố", set()) == "duong_pho"
    assert len(code_from_label("Tên " * 40, set())) <= 64
