"""The one duration grammar (bpmn/durations.py): what validation accepts is what the
engine's calendar computes, every refusal is named, and nothing is unbounded."""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from bpmn.durations import (
    MAX_CALENDAR_MONTHS,
    MAX_WORKING_DAYS,
    Duration,
    DurationError,
    parse_duration,
    parse_instant,
)
from bpmn.validation import validate_path
from engine.core.clock import VN_TZ
from engine.legal_clock.calendar import BusinessCalendar, add_months

SAMPLE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
CAL = BusinessCalendar()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.mark.parametrize(("text", "parsed"), [
    ("P2D", Duration(days=2)),
    ("PT4H", Duration(hours=4)),
    ("PT30M", Duration(minutes=30)),
    ("PT30S", Duration(seconds=30)),
    ("P1W", Duration(weeks=1)),
    ("P1WT2H", Duration(weeks=1, hours=2)),
    ("P1M", Duration(months=1)),
    ("P1Y", Duration(years=1)),
    ("P1M2DT3H", Duration(months=1, days=2, hours=3)),
    ("P1Y2M3DT4H5M6S", Duration(1, 2, 0, 3, 4, 5, 6)),
    ("P0D", Duration()),
    (" P10D ", Duration(days=10)),
])
def test_every_unit_of_the_grammar_is_accepted(text: str, parsed: Duration) -> None:
    assert parse_duration(text) == parsed


@pytest.mark.parametrize(("text", "named"), [
    ('"PT1H"', "không được đặt trong dấu ngoặc kép (viết PT1H)"),
    ("'P2D'", "không được đặt trong dấu ngoặc kép (viết P2D)"),
    ("PT1.5H", "Không dùng số lẻ"),
    ("P1,5D", "Không dùng số lẻ"),
    ("-P1D", "không được âm"),
    ("R3/P1D", "Hẹn giờ lặp lại"),
    ("p2d", "chữ in hoa: P2D"),
    ("P1W2D", "Tuần (W) không kết hợp"),
    ("P1M1W", "Tuần (W) không kết hợp"),
    ("P4H", "phải đứng sau chữ T"),
    ("15D", "bắt đầu bằng chữ P: viết P15D"),
    ("P", "không phải khoảng thời gian ISO-8601"),
    ("PT", "không phải khoảng thời gian ISO-8601"),
    ("", "rỗng"),
    ("10 ngày", "không phải khoảng thời gian ISO-8601"),
    ("2026-12-31", "là một thời điểm"),
    ("P99999D", "quá dài"),
    ("P99999999Y", "quá dài"),
    ("P99999999999D", "quá dài"),
    ("P1" + "0" * 5000 + "D", "quá dài"),
    (f"P{MAX_WORKING_DAYS + 1}D", "quá dài"),
    (f"P{MAX_WORKING_DAYS // 5 + 1}W", "quá dài"),
    (f"PT{MAX_WORKING_DAYS * 8 + 1}H", "quá dài"),
    (f"P{MAX_CALENDAR_MONTHS + 1}M", "quá dài"),
    ("P6Y", "quá dài"),
])
def test_every_refused_form_is_named_in_the_message(text: str, named: str) -> None:
    with pytest.raises(DurationError) as refused:
        parse_duration(text)
    assert named in refused.value.message


def test_the_ceiling_itself_is_accepted_and_computed() -> None:
    assert parse_duration(f"P{MAX_WORKING_DAYS}D").working_days == MAX_WORKING_DAYS
    assert parse_duration(f"P{MAX_CALENDAR_MONTHS // 12}Y").calendar_months == MAX_CALENDAR_MONTHS
    due = CAL.after(at("2026-11-25 08:00"), f"P{MAX_WORKING_DAYS}D")
    assert CAL.measure(at("2026-11-25 08:00"), due) == MAX_WORKING_DAYS * CAL.day_length
    assert CAL.after(at("2026-11-25 08:00"), "P5Y") == at("2031-11-25 08:00")


def test_a_huge_timer_is_refused_at_once_instead_of_freezing_the_server() -> None:
    begun = time.monotonic()
    for text in ("P99999999Y", "P99999999999D", "PT99999999999999S"):
        with pytest.raises(DurationError):
            CAL.after(at("2026-11-25 08:00"), text)
    assert time.monotonic() - begun < 1.0


@pytest.mark.parametrize(("start", "duration", "due", "why"), [
    ("2026-11-25 08:00", "P1W", "2026-12-02 08:00", "a week is five working days"),
    ("2026-11-25 08:00", "P2W", "2026-12-09 08:00", "two weeks = P10D"),
    ("2026-02-13 08:00", "P1W", "2026-02-27 08:00", "a week over Tết counts working days"),
    ("2026-11-25 08:00", "PT30S", "2026-11-25 08:00:30", "seconds in working time"),
    ("2026-11-25 11:29:45", "PT30S", "2026-11-25 13:30:15", "seconds cross the lunch break"),
    ("2026-11-25 08:00", "P1M", "2026-12-25 08:00", "a calendar month"),
    ("2026-12-31 09:00", "P1M", "2027-02-01 09:00", "31 Jan 2027 is a Sunday: next working day"),
    ("2027-01-30 09:00", "P1M", "2027-03-01 09:00", "no 30 Feb: last day (Sun 28) → Monday"),
    ("2026-01-15 09:00", "P1M", "2026-02-23 09:00", "15 Feb 2026 falls in Tết: after it"),
    ("2026-11-25 08:00", "P1Y", "2027-11-25 08:00", "a calendar year"),
    ("2027-02-27 10:00", "P1Y", "2028-02-28 10:00", "a year from a Saturday ends on Monday"),
    ("2026-11-25 08:00", "P1M2DT3H", "2026-12-29 11:00", "calendar part, then working part"),
    ("2026-11-25 08:00", "P1WT2H", "2026-12-02 10:00", "a week and hours"),
])
def test_weeks_months_years_and_seconds_are_computed_on_the_calendar(
    start: str, duration: str, due: str, why: str
) -> None:
    assert CAL.after(at(start), duration) == at(due), why


def test_the_working_part_agrees_with_adding_working_time() -> None:
    for text in ("P15D", "PT4H", "P1DT2H30M", "P2W", "PT90S"):
        parsed = parse_duration(text)
        expected = CAL.add(at("2026-11-25 08:00"), timedelta(seconds=parsed.working_seconds()))
        assert CAL.after(at("2026-11-25 08:00"), text) == expected, text


def test_months_keep_the_day_or_take_the_last_day_of_a_shorter_month() -> None:
    assert add_months(at("2026-01-31 08:00"), 1) == at("2026-02-28 08:00")
    assert add_months(at("2028-01-31 08:00"), 1) == at("2028-02-29 08:00")
    assert add_months(at("2026-11-30 08:00"), 3) == at("2027-02-28 08:00")
    assert add_months(at("2026-12-15 08:00"), 12) == at("2027-12-15 08:00")


def test_calendar_days_ending_in_tet_end_on_the_next_working_day() -> None:
    """Civil Code 2015 art. 148.5: Fri 6 Feb 2026 + 10 calendar days is Mon 16 Feb, in Tết."""
    assert CAL.due(at("2026-02-06 08:00"), 10, "calendar_days") == at("2026-02-23 08:00")
    assert CAL.calendar_after(at("2026-02-06 08:00"), "P10D") == at("2026-02-23 08:00")


def test_calendar_days_ending_on_a_weekend_end_on_monday() -> None:
    # Wed 25 Nov 2026 + 10 calendar days = Sat 5 Dec → Mon 7 Dec.
    assert CAL.due(at("2026-11-25 09:00"), 10, "calendar_days") == at("2026-12-07 09:00")
    assert CAL.calendar_after(at("2026-11-25 09:00"), "P10D") == at("2026-12-07 09:00")
    # Ending on a working day, nothing moves.
    assert CAL.due(at("2026-11-25 09:00"), 15, "calendar_days") == at("2026-12-10 09:00")


def test_a_province_extra_day_off_moves_a_calendar_period_too() -> None:
    province = BusinessCalendar(extra_days_off=frozenset({at("2026-12-10 00:00").date()}))
    assert province.due(at("2026-11-25 09:00"), 15, "calendar_days") == at("2026-12-11 09:00")


@pytest.mark.parametrize(("text", "named"), [
    ("2026-12-31T08:00", None),
    ("2026-12-31T08:00:00+07:00", None),
    ("2026-12-31", None),
    ('"2026-12-31T08:00"', "dấu ngoặc kép (viết 2026-12-31T08:00)"),
    ("P2D", "là một khoảng thời gian"),
    ("2026-02-30T08:00", "không có thật"),
    ("9999-12-31T08:00", "ngoài khoảng năm"),
    ("1970-01-01", "ngoài khoảng năm"),
    ("ngày mai", "không phải thời điểm"),
])
def test_timer_instants_are_real_dates_within_a_sane_window(text: str, named: str | None) -> None:
    if named is None:
        assert parse_instant(text).year == 2026
        return
    with pytest.raises(DurationError) as refused:
        parse_instant(text)
    assert named in refused.value.message


# Packages with each duration found broken: accepted and computed (the service test
# checks the due times on a real engine), or refused at validation naming the element.

@pytest.fixture
def package(tmp_path: Path) -> Path:
    target = tmp_path / "pkg"
    shutil.copytree(SAMPLE, target)
    return target


def _set_timer(package: Path, text: str, tag: str = "timeDuration") -> None:
    bpmn = package / "process.bpmn"
    old = "<bpmn:timeDuration>P10D</bpmn:timeDuration>"
    source = bpmn.read_text(encoding="utf-8")
    assert old in source
    bpmn.write_text(source.replace(old, f"<bpmn:{tag}>{text}</bpmn:{tag}>"), encoding="utf-8")


def _set_deadline(package: Path, text: str) -> None:
    bpmn = package / "process.bpmn"
    old = '<spiffworkflow:property name="deadline" value="PT4H" />'
    source = bpmn.read_text(encoding="utf-8")
    assert old in source
    value = escape(text, {'"': "&quot;"})
    new = f'<spiffworkflow:property name="deadline" value="{value}" />'
    bpmn.write_text(source.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("text", ["P1W", "P1M", "PT30S", "P1M2DT3H", "P2WT4H"])
def test_a_timer_in_any_accepted_unit_validates(package: Path, text: str) -> None:
    _set_timer(package, text)
    report, compiled = validate_path(package)
    assert report.valid and compiled is not None, report.as_text()


@pytest.mark.parametrize(("text", "code", "named"), [
    ('"PT1H"', "timer.expression", "viết PT1H"),
    ("'P2D'", "timer.expression", "viết P2D"),
    ('"P" + str(so_ngay) + "D"', "timer.expression", "không dùng biểu thức"),
    ("so_ngay", "timer.expression", "không dùng biểu thức"),
    ("P99999999Y", "timer.invalid", "quá dài"),
    ("P99999D", "timer.invalid", "quá dài"),
    ("PT1.5H", "timer.invalid", "Không dùng số lẻ"),
    ("P1W2D", "timer.invalid", "Tuần (W) không kết hợp"),
    ("R3/P1D", "timer.invalid", "Hẹn giờ lặp lại"),
    ("15D", "timer.invalid", "viết P15D"),
    ("2026-12-31T08:00", "timer.invalid", "dùng timeDate"),
    # Beyond 3 × the legal time (15 working days = 120 h → at most 360 h).
    ("P46D", "timer.invalid", "tối đa 3 lần thời hạn giải quyết"),
    ("P3M", "timer.invalid", "tối đa 3 lần thời hạn giải quyết"),
    ("P1Y", "timer.invalid", "tối đa 3 lần thời hạn giải quyết"),
])
def test_a_timer_the_engine_cannot_compute_is_refused_naming_the_event(
    package: Path, text: str, code: str, named: str
) -> None:
    _set_timer(package, text)
    report, compiled = validate_path(package)
    assert compiled is None
    [error] = report.errors
    assert (error.code, error.element, error.file) == (code, "tham_dinh_qua_han", "process.bpmn")
    assert error.line is not None and named in error.message, error.message


@pytest.mark.parametrize(("text", "code", "named"), [
    ("2026-12-31T08:00", None, None),
    ('"2026-12-31T08:00"', "timer.expression", "viết 2026-12-31T08:00"),
    ("9999-12-31T00:00", "timer.invalid", "ngoài khoảng năm"),
    ("P2D", "timer.invalid", "dùng timeDuration"),
])
def test_a_timer_date_is_a_literal_instant_within_the_window(
    package: Path, text: str, code: str | None, named: str | None
) -> None:
    _set_timer(package, text, tag="timeDate")
    report, compiled = validate_path(package)
    if code is None:
        assert report.valid and compiled is not None, report.as_text()
        return
    [error] = report.errors
    assert (error.code, error.element) == (code, "tham_dinh_qua_han")
    assert named is not None and named in error.message, error.message


@pytest.mark.parametrize("text", ["P1W", "PT30S", "P1M", "P1DT4H"])
def test_a_step_deadline_in_any_accepted_unit_validates(package: Path, text: str) -> None:
    _set_deadline(package, text)
    report, compiled = validate_path(package)
    assert report.valid and compiled is not None, report.as_text()
    assert compiled.tasks["tiep_nhan"].deadline == text


@pytest.mark.parametrize(("text", "named"), [
    ("P99999D", "quá dài"),
    ("P99999999999D", "quá dài"),
    ("PT1.5H", "Không dùng số lẻ"),
    ('"PT4H"', "viết PT4H"),
    ("P46D", "tối đa 3 lần thời hạn giải quyết"),
])
def test_a_step_deadline_the_engine_cannot_compute_is_refused_naming_the_task(
    package: Path, text: str, named: str
) -> None:
    _set_deadline(package, text)
    report, compiled = validate_path(package)
    assert compiled is None
    errors = [e for e in report.errors if e.element == "tiep_nhan"]
    assert [e.code for e in errors] == ["task.deadline"], report.as_text()
    assert named in errors[0].message and errors[0].line is not None


def test_a_huge_timer_in_a_package_is_refused_quickly(package: Path) -> None:
    _set_timer(package, "P99999999Y")
    begun = time.monotonic()
    report, compiled = validate_path(package)
    assert compiled is None and report.errors[0].element == "tham_dinh_qua_han"
    assert time.monotonic() - begun < 10


@pytest.mark.parametrize(("text", "valid"), [(f"P{MAX_WORKING_DAYS}D", True),
                                             (f"P{MAX_WORKING_DAYS + 1}D", False)])
def test_a_bare_diagram_is_held_to_the_absolute_ceiling(package: Path, text: str, valid: bool) -> None:
    """A diagram checked alone has no legal time to compare with: the ceiling still holds."""
    _set_timer(package, text)
    report, _ = validate_path(package / "process.bpmn")
    assert report.valid is valid, report.as_text()
