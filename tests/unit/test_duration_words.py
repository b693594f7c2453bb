"""Durations in words (bpmn/duration_words.py): a designer reads and types "10 ngày làm
việc", the diagram keeps ``P10D`` — both ways, for every unit the engine computes."""

from __future__ import annotations

import pytest

from bpmn.duration_words import (
    UNITS,
    from_words,
    parse_words,
    single_unit,
    to_words,
    words_or_text,
)
from bpmn.durations import DurationError, parse_duration

EVERY_UNIT = [
    ("P10D", 10, "working_days", "10 ngày làm việc"),
    ("P2W", 2, "working_weeks", "2 tuần làm việc"),
    ("PT4H", 4, "working_hours", "4 giờ làm việc"),
    ("PT30M", 30, "working_minutes", "30 phút làm việc"),
    ("PT45S", 45, "working_seconds", "45 giây làm việc"),
    ("P3M", 3, "months", "3 tháng"),
    ("P1Y", 1, "years", "1 năm"),
]


def test_every_unit_of_the_grammar_has_words() -> None:
    assert {u.key for u in UNITS} == {key for _, _, key, _ in EVERY_UNIT}
    assert {u.field for u in UNITS} == {"years", "months", "weeks", "days", "hours", "minutes", "seconds"}


@pytest.mark.parametrize(("iso", "number", "unit", "words"), EVERY_UNIT)
def test_iso_reads_as_words_and_back(iso: str, number: int, unit: str, words: str) -> None:
    assert to_words(iso) == words
    assert parse_words(words) == iso
    assert from_words(number, unit) == iso
    assert single_unit(iso) == (number, unit)


@pytest.mark.parametrize(("iso", "number", "unit", "words"), EVERY_UNIT)
def test_words_of_a_unit_may_be_its_key_its_words_or_a_number_as_text(
    iso: str, number: int, unit: str, words: str
) -> None:
    label = words.split(" ", 1)[1]
    assert from_words(str(number), label) == iso
    assert from_words(f" {number} ", unit) == iso


def test_mixed_durations_read_as_their_parts_and_back() -> None:
    assert to_words("P1M2DT3H") == "1 tháng, 2 ngày làm việc và 3 giờ làm việc"
    assert parse_words("1 tháng, 2 ngày làm việc và 3 giờ làm việc") == "P1M2DT3H"
    assert to_words("PT1H30M") == "1 giờ làm việc và 30 phút làm việc"
    assert parse_words("1 giờ làm việc và 30 phút làm việc") == "PT1H30M"
    assert single_unit("P1M2DT3H") is None


def test_short_words_a_designer_types_are_read_as_the_engine_counts() -> None:
    assert parse_words("3 ngày") == "P3D"  # a day in a duration is a working day
    assert parse_words("2 Tuần") == "P2W"
    assert parse_words("  4   giờ ") == "PT4H"


def test_the_same_duration_written_two_ways_reads_the_same() -> None:
    assert to_words("P0D") == "0 ngày làm việc"
    assert parse_words(to_words("P1Y2M")) == "P1Y2M"
    assert parse_duration(parse_words("1 năm và 2 tháng")) == parse_duration("P1Y2M")


@pytest.mark.parametrize(
    ("number", "unit", "said"),
    [
        ("1,5", "working_days", "số nguyên"),
        ("-2", "working_days", "số nguyên"),
        ("abc", "working_hours", "số nguyên"),
        ("10", "ngày lịch", "Đơn vị «ngày lịch» không có"),
        ("10", "fortnights", "Đơn vị"),
        ("501", "working_days", "quá dài"),
        ("61", "months", "quá dài"),
        ("٣", "working_days", "số nguyên"),
    ],
)
def test_a_bad_number_or_unit_is_refused_in_vietnamese(number: str, unit: str, said: str) -> None:
    with pytest.raises(DurationError) as refused:
        from_words(number, unit)
    assert said in refused.value.message


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "Chưa nhập"),
        ("mười ngày", "không phải thời hạn"),
        ("10", "không phải thời hạn"),
        ("10 ngày lịch", "Đơn vị"),
        ("2 ngày và 3 ngày", "hai lần"),
        ("2 tuần và 3 ngày", "Tuần (W) không kết hợp"),
        ("9999999 ngày", "quá dài"),
    ],
)
def test_words_that_are_not_a_duration_are_refused(text: str, said: str) -> None:
    with pytest.raises(DurationError) as refused:
        parse_words(text)
    assert said in refused.value.message


def test_a_page_shows_words_or_the_text_it_cannot_read() -> None:
    assert words_or_text("P8D") == "8 ngày làm việc"
    assert words_or_text("P2H") == "P2H"
    assert words_or_text("") == ""
    assert single_unit("P2H") is None


def test_an_unknown_unit_lists_only_the_units_a_designer_picks_yet_old_units_still_read() -> None:
    offered = "chọn một trong: ngày làm việc, giờ làm việc."
    with pytest.raises(DurationError) as typed:
        parse_words("10 ngày lịch")
    assert typed.value.message == f"Đơn vị «ngày lịch» không có; {offered}"
    with pytest.raises(DurationError) as picked:
        from_words("10", "fortnights")
    assert picked.value.message == f"Đơn vị «fortnights» không có; {offered}"
    # an older diagram's units are still read, words or key
    assert parse_words("1 năm, 2 tháng và 3 giờ làm việc") == "P1Y2MT3H"
    assert parse_words("2 tuần làm việc") == "P2W"
    assert from_words("30", "phút làm việc") == "PT30M"
    assert from_words("2", "working_weeks") == "P2W"
