"""The formats a form field may have, in one table: what each accepts, the message when it
does not, how a person may type it and how it is shown back.

Vietnamese write dates day first (15/01/2027) and numbers with a decimal comma and dot
thousands (1.234,5); the data keeps ISO dates (2027-01-15) and JSON numbers. So a typed
value is read as typed (`parse_date`, `parse_number`) before the schema judges it, an
input shows it back the way it is typed (`input_text`) and a summary shows it the
Vietnamese way (`display_text`: "15/01/2027", "120,5", "75.000 đồng").

`FORMATS` is the table: each format's checker, the message a person reads when a value is
refused (precise: what the value must look like, with an example), the examples that pass
and fail (the unit tests run through them), and the regular expressions that mean the same
format when a designer wrote a `pattern` instead of a `format` (their message is the
format's, not "không đúng định dạng").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

# One "@" between a local part and a dotted domain, no space nor control character: the
# address becomes an e-mail header, where a line break is an injection or a refused message.
_EMAIL = re.compile(r"[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f.]+(\.[^@\x00-\x20\x7f.]+)+")
_SEPARATORS = re.compile(r"[\s.\-()]")  # what people type inside an ID or phone number


@dataclass(frozen=True)
class Format:
    """One field format: `check` says whether a stored value is right, `message` what a
    refused value must look like, `valid`/`invalid` are examples (tested), `patterns` the
    designers' regular expressions that mean this format, `tidy` what is removed from a
    typed value before it is checked (spaces in "0912 345 678")."""

    name: str
    message: str
    check: Callable[[str], bool]
    valid: tuple[str, ...]
    invalid: tuple[str, ...]
    patterns: tuple[str, ...] = ()
    tidy: Callable[[str], str] | None = None
    hint: str = ""


def _iso_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _iso_moment(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _without_separators(value: str) -> str:
    return _SEPARATORS.sub("", value)


def _phone_tidy(value: str) -> str:
    plus = value.strip().startswith("+")
    digits = _without_separators(value).lstrip("+")
    return f"+{digits}" if plus else digits


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("cccd", "Số định danh cá nhân gồm 12 chữ số.",
           lambda v: re.fullmatch(r"[0-9]{12}", v) is not None,
           valid=("001099012345", "079203000001"),
           invalid=("12345", "00109901234a", "0010990123456"),
           patterns=("^[0-9]{12}$", r"^\d{12}$", "[0-9]{12}", r"\d{12}"),
           tidy=_without_separators, hint="12 chữ số, ví dụ 001099012345."),
    Format("vn-phone", "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.",
           lambda v: re.fullmatch(r"(0|\+84)[0-9]{9,10}", v) is not None,
           valid=("0912345678", "+84912345678", "02433123456"),
           invalid=("12345", "912345678", "09123456789012", "0912abc678"),
           patterns=("^(0|\\+84)[0-9]{9,10}$", "^0[0-9]{9}$", r"^0\d{9}$", r"^(0|\+84)\d{9,10}$"),
           tidy=_phone_tidy),
    Format("email", "Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn.",
           lambda v: len(v) <= 254 and _EMAIL.fullmatch(v) is not None,
           valid=("an@example.vn", "nguyen.an@so-xay-dung.tuyenquang.gov.vn"),
           invalid=("an@", "an.example.vn", "an@example", "an @example.vn", "a@b@c.vn"),
           tidy=str.strip),
    Format("vn-tax-code", "Mã số thuế gồm 10 chữ số (tổ chức), 12 chữ số (cá nhân: số định danh "
                          "cá nhân) hoặc 10 chữ số, gạch ngang và 3 chữ số (đơn vị phụ thuộc), "
                          "ví dụ 0101234567.",
           lambda v: re.fullmatch(r"[0-9]{10}(-[0-9]{3})?|[0-9]{12}", v) is not None,
           valid=("0101234567", "0101234567-001", "001099012345"),
           invalid=("12345", "0101234567-1", "01012345678"),
           patterns=("^[0-9]{10}(-[0-9]{3})?$", r"^\d{10}(-\d{3})?$"),
           tidy=lambda v: re.sub(r"\s", "", v)),
    Format("date", "Ngày chưa đúng: nhập theo dạng ngày/tháng/năm, ví dụ 15/01/2027.",
           _iso_date, valid=("2027-01-15", "2028-02-29"),
           invalid=("2027-02-30", "15/01/2027", "hôm nay", "2027-1-5"),
           hint="Nhập theo dạng ngày/tháng/năm, ví dụ 15/01/2027."),
    Format("date-time", "Thời điểm chưa đúng: nhập theo dạng ngày/tháng/năm giờ:phút, "
                        "ví dụ 15/01/2027 08:30.",
           _iso_moment, valid=("2027-01-15T08:30", "2027-01-15T08:30:00+07:00"),
           invalid=("15/01/2027 25:00", "sáng mai"),
           hint="Nhập theo dạng ngày/tháng/năm giờ:phút, ví dụ 15/01/2027 08:30."),
)}


def field_format(schema: Mapping[str, Any]) -> Format | None:
    """The format of a field: named by `format`, or meant by a `pattern` in the table."""
    named = schema.get("format")
    if isinstance(named, str) and named in FORMATS:
        return FORMATS[named]
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        return next((f for f in FORMATS.values() if pattern in f.patterns), None)
    return None


_DAY_FIRST = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_TIME = re.compile(r"(\d{1,2})\s*[:hg]\s*(\d{2})?")


def parse_date(text: str) -> str | None:
    """``15/01/2027`` (also 15-1-2027, 15.01.2027) or ISO ``2027-01-15`` → ``2027-01-15``;
    None when it is not a real date written so."""
    text = text.strip()
    if _iso_date(text):
        return text
    found = _DAY_FIRST.fullmatch(text)
    if found is None:
        return None
    day, month, year = (int(g) for g in found.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_moment(text: str) -> str | None:
    """``15/01/2027 08:30`` or ISO → ``2027-01-15T08:30``; None when it does not read."""
    text = text.strip()
    if "T" in text and _iso_moment(text):
        return text
    day_part, _, time_part = text.partition(" ")
    day = parse_date(day_part)
    clock = _TIME.fullmatch(time_part.strip())
    if day is None or clock is None:
        return None
    hour, minute = int(clock.group(1)), int(clock.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return f"{day}T{hour:02d}:{minute:02d}"


_VN_GROUPED = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?")  # 1.234,5
_EN_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+\.\d+")  # 1,234.5
_COMMA = re.compile(r"[+-]?\d+(,\d+)?")  # 120,5
_POINT = re.compile(r"[+-]?\d+(\.\d+)?")  # 120.5
_MONEY_WORDS = re.compile(r"\s*(đồng|đ|vnđ|vnd)\s*$", re.IGNORECASE)


def parse_number(text: str) -> Decimal | None:
    """A number as Vietnamese type it → its exact value, None when it does not read.
    ``120,5`` and ``1.234,5`` (decimal comma, dot thousands) are Vietnamese; ``120.5`` and
    ``1,234.5`` are read too. ``1.500`` is one thousand five hundred (dot thousands), as the
    summary shows it. Spaces and a trailing ``đồng`` are ignored."""
    clean = re.sub(r"\s", "", _MONEY_WORDS.sub("", text))
    if _VN_GROUPED.fullmatch(clean):
        clean = clean.replace(".", "").replace(",", ".")
    elif _EN_GROUPED.fullmatch(clean):
        clean = clean.replace(",", "")
    elif _COMMA.fullmatch(clean):
        clean = clean.replace(",", ".")
    elif not _POINT.fullmatch(clean):
        return None
    try:
        number = Decimal(clean)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def vn_number(value: int | float | Decimal, grouped: bool = True) -> str:
    """``1234.5`` → ``1.234,5`` (``1234,5`` without `grouped`, as an input shows it)."""
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    sign, digits = ("-", -number) if number < 0 else ("", number)
    whole, _, fraction = f"{digits:f}".partition(".")
    shown = f"{int(whole):,}".replace(",", ".") if grouped else whole
    return f"{sign}{shown},{fraction}" if fraction else f"{sign}{shown}"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_money(schema: Mapping[str, Any], ui: Mapping[str, Any]) -> bool:
    """A number field shown as an amount of đồng (UI ``"widget": "money"``)."""
    return ui.get("widget") == "money" and schema.get("type") in ("number", "integer")


def display_text(schema: Mapping[str, Any], ui: Mapping[str, Any], value: Any) -> str:
    """A stored value as a summary shows it: ``15/01/2027``, ``1.234,5``, ``75.000 đồng``;
    anything else (or a value that is not what the field expects) unchanged."""
    kind = schema.get("format")
    if _is_number(value):
        if is_money(schema, ui):
            return f"{vn_number(round(Decimal(str(value))))} đồng"
        return vn_number(value)
    if isinstance(value, str) and kind == "date" and _iso_date(value):
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    if isinstance(value, str) and kind == "date-time" and _iso_moment(value):
        moment = datetime.fromisoformat(value)
        return f"{moment:%d/%m/%Y %H:%M}"
    return str(value)


def input_text(schema: Mapping[str, Any], value: Any) -> str:
    """A stored value as an input shows it to be typed again: ``15/01/2027``, ``120,5``
    (no thousands dots: what is typed back reads the same); text as it was typed."""
    if value is None:
        return ""
    if _is_number(value) and schema.get("type") in ("number", "integer"):
        return vn_number(value, grouped=False)
    kind = schema.get("format")
    if isinstance(value, str) and kind == "date" and _iso_date(value):
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    if isinstance(value, str) and kind == "date-time" and _iso_moment(value):
        return f"{datetime.fromisoformat(value):%d/%m/%Y %H:%M}"
    return str(value)


def typed_value(schema: Mapping[str, Any], text: str) -> str:
    """A typed string as the schema should judge it: a date or moment in ISO when it reads
    as one, an ID or phone number without its spaces when that makes it right; otherwise
    as typed (so the refusal shows what was typed)."""
    kind = schema.get("format")
    if kind == "date":
        return parse_date(text) or text
    if kind == "date-time":
        return parse_moment(text) or text
    known = field_format(schema)
    if known is not None and known.tidy is not None:
        tidied = known.tidy(text)
        return tidied if known.check(tidied) else text  # refused: shown back as typed
    return text


DAY_HINT = "ví dụ 15/01/2027"
CLOCK_HINT = "giờ:phút, ví dụ 17:00"


def parse_clock(text: str) -> str | None:
    """``17:00`` (also 17h, 8g30, 8:30) → ``17:00``; None when it is not a time of day."""
    found = _TIME.fullmatch(text.strip())
    if found is None:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    return f"{hour:02d}:{minute:02d}" if hour <= 23 and minute <= 59 else None


def read_day(text: str, label: str) -> date:
    """A day typed in a page's field named `label` (15/01/2027 or ISO); ValueError with the
    message a person reads — what to type, and what they typed — when it does not read."""
    read = parse_date(text)
    if read is None:
        typed = f" (đã nhập «{text.strip()}»)" if text.strip() else ""
        raise ValueError(f"«{label}» chưa đúng: nhập ngày/tháng/năm, {DAY_HINT}{typed}.")
    return date.fromisoformat(read)


def read_moment(day_text: str, clock_text: str, label: str) -> datetime:
    """A day and a time of day typed in two fields (15/01/2027, 17:00) → a naive local
    moment; ValueError with the message a person reads when either does not read."""
    day = read_day(day_text, label)
    clock = parse_clock(clock_text)
    if clock is None:
        typed = f" (đã nhập «{clock_text.strip()}»)" if clock_text.strip() else ""
        raise ValueError(f"Giờ của «{label}» chưa đúng: nhập {CLOCK_HINT}{typed}.")
    return datetime.fromisoformat(f"{day.isoformat()}T{clock}")
