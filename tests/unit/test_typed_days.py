"""Days and times typed on officers' and administrators' pages (forms.formats.read_day,
read_moment, parse_clock): read as Vietnamese write them, refused in words that say what
to type and what was typed."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from forms.formats import parse_clock, read_day, read_moment


@pytest.mark.parametrize("typed", ["15/01/2027", "15-1-2027", "15.01.2027", "2027-01-15", " 15/1/2027 "])
def test_a_day_reads_day_first_or_iso(typed: str) -> None:
    assert read_day(typed, "Ngày") == date(2027, 1, 15)


@pytest.mark.parametrize("typed", ["17:00", "17h", "17g00", "17 : 00"])
def test_a_time_of_day_reads_in_24_hours(typed: str) -> None:
    assert parse_clock(typed) == "17:00"


@pytest.mark.parametrize("typed", ["5:00 PM", "25:00", "17:60", "chiều", ""])
def test_what_is_not_a_time_of_day_is_refused(typed: str) -> None:
    assert parse_clock(typed) is None


def test_a_month_first_day_is_refused_with_what_was_typed() -> None:
    with pytest.raises(ValueError) as refused:
        read_day("01/15/2027", "Ngày hẹn mới")
    assert str(refused.value) == ("«Ngày hẹn mới» chưa đúng: nhập ngày/tháng/năm, ví dụ 15/01/2027 "
                                  "(đã nhập «01/15/2027»).")


def test_a_moment_is_a_day_and_a_separate_time() -> None:
    assert read_moment("28/12/2026", "8g30", "Ngày hẹn mới") == datetime(2026, 12, 28, 8, 30)
    with pytest.raises(ValueError, match="Giờ của «Ngày hẹn mới» chưa đúng: nhập giờ:phút, ví dụ 17:00 "
                                         r"\(đã nhập «5:00 PM»\)"):
        read_moment("28/12/2026", "5:00 PM", "Ngày hẹn mới")
