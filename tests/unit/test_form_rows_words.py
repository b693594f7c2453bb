"""A citizen's form read as people write (citizen's walk): «3 bản» in a number of copies says
what to type, not «Phải là số nguyên.»; repeatable rows are named by what they hold — «Thêm
«Tổ chức, cá nhân thiết kế»», «Xóa mục 1», «Tổ chức, cá nhân thiết kế thứ 1» — on the form and
on the check page, not «Dòng 1», «Xóa dòng 1», «Thêm dòng»."""

from __future__ import annotations

from typing import Any

from forms import FieldError, describe_data, parse_submission, render_form, validate_data

COPIES: dict[str, Any] = {"type": "object", "properties": {
    "so_ban": {"title": "Số bản", "type": "integer", "minimum": 1},
    "dien_tich": {"title": "Diện tích", "type": "number"}}}
DESIGNERS: dict[str, Any] = {"type": "object", "properties": {"thiet_ke": {
    "title": "Tổ chức, cá nhân thiết kế", "type": "array",
    "items": {"type": "object", "properties": {"ten": {"title": "Tên tổ chức/cá nhân", "type": "string"}}}}}}


def test_a_unit_typed_after_a_number_says_to_type_the_number_only() -> None:
    parsed = parse_submission(COPIES, [("so_ban", "3 bản"), ("dien_tich", "chừng 80")])
    errors = validate_data(COPIES, parsed.data)
    assert FieldError("so_ban", "Chỉ nhập số, ví dụ: 3") in errors
    assert FieldError("dien_tich", "Chỉ nhập số, ví dụ: 120,5") in errors
    assert 'value="3 bản"' in render_form(COPIES, None, parsed.data, errors)  # kept as typed


def test_rows_are_named_by_what_they_hold_on_the_form_and_the_check_page() -> None:
    html = render_form(DESIGNERS, None, {"thiet_ke": [{"ten": "A"}, {"ten": "B"}]})
    assert "Tổ chức, cá nhân thiết kế thứ 1" in html and "Tổ chức, cá nhân thiết kế thứ 2" in html
    assert ">Xóa mục 2</button>" in html and ">Thêm «Tổ chức, cá nhân thiết kế»</button>" in html
    assert "Dòng 1" not in html and "Thêm dòng" not in html and "Xóa dòng" not in html
    titles = [title for title, _ in describe_data(DESIGNERS, None, {"thiet_ke": [{"ten": "A"}]})]
    assert titles == ["Tổ chức, cá nhân thiết kế thứ 1 › Tên tổ chức/cá nhân"]
