"""The formats-and-messages table of `forms.formats`, row by row: every format accepts its
good examples, refuses its bad ones with its own precise message (through `format` and
through the designers' `pattern` that means the same), and the Vietnamese ways of typing
dates and numbers read as typed and show back the same way."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from forms import parse_submission, render_form, render_summary, validate_data
from forms.formats import FORMATS, display_text, input_text, parse_date, parse_number

ROWS = [(name, value, True) for name, f in FORMATS.items() for value in f.valid] + [
    (name, value, False) for name, f in FORMATS.items() for value in f.invalid]


def _schema(**field: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"x": {"type": "string", "title": "Trường", **field}}}


@pytest.mark.parametrize(("name", "value", "good"), ROWS, ids=[f"{n}:{v}" for n, v, _ in ROWS])
def test_every_format_accepts_its_good_examples_and_names_what_is_wrong_with_bad_ones(
        name: str, value: str, good: bool) -> None:
    errors = validate_data(_schema(format=name), {"x": value})
    if good:
        assert errors == []
    else:
        assert [(e.field, e.message) for e in errors] == [("x", FORMATS[name].message)]


PATTERNED = [(name, pattern) for name, f in FORMATS.items() for pattern in f.patterns]


@pytest.mark.parametrize(("name", "pattern"), PATTERNED, ids=[p for _, p in PATTERNED])
def test_a_pattern_meaning_a_known_format_gets_that_formats_message(name: str, pattern: str) -> None:
    errors = validate_data(_schema(pattern=pattern), {"x": "12a"})
    assert [e.message for e in errors] == [FORMATS[name].message]


def test_the_messages_the_issue_asks_for_word_for_word() -> None:
    assert FORMATS["cccd"].message.startswith("Số định danh cá nhân gồm 12 chữ số")
    assert FORMATS["vn-phone"].message.startswith("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0")
    assert FORMATS["email"].message.startswith(
        "Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn")
    assert "Mã số thuế" in FORMATS["vn-tax-code"].message
    assert "15/01/2027" in FORMATS["date"].message


def test_an_unknown_pattern_keeps_the_general_message() -> None:
    errors = validate_data(_schema(pattern="^[A-Z]{2}$"), {"x": "abc"})
    assert [e.message for e in errors] == ["Không đúng định dạng yêu cầu."]


@pytest.mark.parametrize(("field", "message"), [
    ({"type": "string", "enum": ["a", "b"]}, "Vui lòng chọn «Loại»."),
    ({"type": "boolean"}, "Vui lòng chọn «Loại»."),
    ({"oneOf": [{"const": "a"}, {"const": "b"}]}, "Vui lòng chọn «Loại»."),
    ({"type": "array", "items": {"enum": ["a", "b"]}}, "Vui lòng chọn «Loại»."),
    ({"type": "string"}, "Vui lòng nhập «Loại»."),
    ({"type": "number"}, "Vui lòng nhập «Loại»."),
])
def test_a_missing_choice_asks_to_choose_and_missing_text_to_type(
        field: dict[str, Any], message: str) -> None:
    schema = {"type": "object", "required": ["k"], "properties": {"k": {**field, "title": "Loại"}}}
    assert [e.message for e in validate_data(schema, {})] == [message]


@pytest.mark.parametrize(("typed", "stored"), [
    ("15/01/2027", "2027-01-15"), ("5/1/2027", "2027-01-05"), ("15-01-2027", "2027-01-15"),
    ("15.01.2027", "2027-01-15"), ("2027-01-15", "2027-01-15"), (" 15/01/2027 ", "2027-01-15"),
])
def test_a_date_typed_day_first_is_stored_iso(typed: str, stored: str) -> None:
    assert parse_date(typed) == stored
    schema = _schema(format="date")
    assert parse_submission(schema, [("x", typed)]).data == {"x": stored}


@pytest.mark.parametrize("typed", ["31/02/2027", "15/13/2027", "hôm nay", "15/01/27"])
def test_a_date_that_is_not_one_stays_as_typed_and_is_refused(typed: str) -> None:
    schema = _schema(format="date")
    data = parse_submission(schema, [("x", typed)]).data
    assert data == {"x": typed.strip()}
    assert [e.message for e in validate_data(schema, data)] == [FORMATS["date"].message]


@pytest.mark.parametrize(("typed", "number"), [
    ("120,5", Decimal("120.5")), ("120.5", Decimal("120.5")), ("1.234,5", Decimal("1234.5")),
    ("1.500", Decimal("1500")), ("1,234.5", Decimal("1234.5")), ("75.000 đồng", Decimal("75000")),
    ("-3,25", Decimal("-3.25")), ("1 500", Decimal("1500")), ("12", Decimal("12")),
])
def test_a_number_reads_as_vietnamese_type_it(typed: str, number: Decimal) -> None:
    assert parse_number(typed) == number


@pytest.mark.parametrize("typed", ["ba", "1,2,3", "1.2.3", "nan", "inf", "1e999", "12abc", ","])
def test_what_is_not_a_number_does_not_read(typed: str) -> None:
    assert parse_number(typed) is None


def test_posted_numbers_become_json_numbers_and_integers_stay_integers() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "number"}, "i": {"type": "integer"}}}
    data = parse_submission(schema, [("n", "120,5"), ("i", "1.000")]).data
    assert data == {"n": 120.5, "i": 1000} and isinstance(data["i"], int)
    assert parse_submission(schema, [("i", "3,5")]).data == {"i": 3.5}  # refused as not whole
    assert validate_data(schema, {"i": 3.5})[0].message == "Phải là số nguyên."


def test_an_id_or_phone_typed_with_spaces_is_kept_without_them() -> None:
    schema = {"type": "object", "properties": {
        "c": {"type": "string", "pattern": "^[0-9]{12}$"},
        "p": {"type": "string", "format": "vn-phone"},
        "e": {"type": "string", "format": "email"}}}
    data = parse_submission(schema, [("c", "0010 9901 2345"), ("p", "0912.345.678"),
                                     ("e", " an@example.vn ")]).data
    assert data == {"c": "001099012345", "p": "0912345678", "e": "an@example.vn"}
    assert validate_data(schema, data) == []
    wrong = parse_submission(schema, [("c", "0010 9901"), ("p", "0912 345")]).data
    assert wrong == {"c": "0010 9901", "p": "0912 345"}  # refused: kept as typed


@pytest.mark.parametrize(("field", "ui", "value", "shown", "typed"), [
    ({"type": "number"}, {}, 120.5, "120,5", "120,5"),
    ({"type": "number"}, {}, 1234.5, "1.234,5", "1234,5"),
    ({"type": "integer"}, {}, 1500, "1.500", "1500"),
    ({"type": "integer"}, {"widget": "money"}, 75000, "75.000 đồng", "75000"),
    ({"type": "string", "format": "date"}, {}, "2027-01-15", "15/01/2027", "15/01/2027"),
    ({"type": "string", "format": "date-time"}, {}, "2027-01-15T08:30", "15/01/2027 08:30",
     "15/01/2027 08:30"),
    ({"type": "string", "format": "date"}, {}, "31/02/2027", "31/02/2027", "31/02/2027"),
    ({"type": "number"}, {}, "ba", "ba", "ba"),
])
def test_values_are_shown_the_vietnamese_way_and_inputs_show_what_reads_back(
        field: dict[str, Any], ui: dict[str, Any], value: Any, shown: str, typed: str) -> None:
    assert display_text(field, ui, value) == shown
    assert input_text(field, value) == typed
    if parse_number(typed) is not None and field["type"] in ("number", "integer"):
        assert parse_number(typed) == Decimal(str(value))  # what the input shows reads back


def test_the_summary_of_answers_shows_dates_numbers_and_money_as_vietnamese_read_them() -> None:
    schema = {"type": "object", "properties": {
        "d": {"type": "string", "format": "date", "title": "Ngày"},
        "n": {"type": "number", "title": "Diện tích"},
        "m": {"type": "integer", "title": "Giá trị"}}}
    html = render_summary(schema, {"fields": {"m": {"widget": "money"}}},
                          {"d": "2027-01-15", "n": 120.5, "m": 75000})
    assert "<dd>15/01/2027</dd>" in html and "<dd>120,5</dd>" in html
    assert "<dd>75.000 đồng</dd>" in html and "2027-01-15" not in html and "120.5" not in html


def test_the_error_summary_lists_errors_in_the_order_the_fields_appear() -> None:
    schema = {"type": "object", "required": ["z_ten", "a_loai"], "properties": {
        "z_ten": {"type": "string", "title": "Họ tên"},
        "nhom": {"type": "object", "title": "Nhóm", "required": ["b"], "properties": {
            "b": {"type": "string", "title": "Bê"}}},
        "a_loai": {"type": "string", "enum": ["x", "y"], "title": "Loại"}}}
    errors = validate_data(schema, {"nhom": {}})
    assert [e.field for e in errors] != ["z_ten", "nhom.b", "a_loai"]  # validation sorts by name
    html = render_form(schema, None, {"nhom": {}}, errors)
    summary = html[:html.index("</ul>")]
    places = [summary.index(f'href="#{target}"') for target in ("f-z_ten", "f-nhom-b", "f-a_loai")]
    assert places == sorted(places)


def test_a_date_field_renders_as_text_with_how_to_type_it() -> None:
    html = render_form(_schema(format="date"), None, {"x": "2027-01-15"})
    assert 'type="text"' in html and 'value="15/01/2027"' in html
    assert "Nhập theo dạng ngày/tháng/năm, ví dụ 15/01/2027." in html
