"""The business calendar on real 2025–2026 dates, and its properties (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.core.clock import VN_TZ
from engine.legal_clock.calendar import BusinessCalendar, parse_working_duration

CAL = BusinessCalendar()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.mark.parametrize(("start", "duration", "due", "why"), [
    ("2026-11-25 08:00", "P15D", "2026-12-16 08:00", "weekends skipped"),
    ("2026-11-23 10:00", "P1D", "2026-11-25 10:00", "24 Nov 2026 is a day off"),
    ("2026-11-25 11:00", "PT1H", "2026-11-25 14:00", "lunch break 11:30–13:30"),
    ("2026-11-25 11:30", "PT30M", "2026-11-25 14:00", "submitted at noon, counts from 13:30"),
    ("2026-11-28 09:00", "PT4H", "2026-11-30 11:00", "Saturday submission counts from Monday"),
    ("2026-11-25 18:30", "PT2H", "2026-11-26 09:00", "after hours: next morning"),
    ("2026-11-25 06:00", "PT1H", "2026-11-25 08:00", "before opening: from 07:00"),
    ("2026-11-25 16:00", "PT1H", "2026-11-25 17:00", "due exactly at close of business"),
    ("2026-11-25 07:00", "P3D", "2026-11-27 17:00", "whole days end at close, not next morning"),
    ("2026-11-20 13:30", "P10D", "2026-12-07 11:30", "whole days stepped over, then half a day"),
    ("2026-02-13 16:00", "PT2H", "2026-02-23 08:00", "Lunar New Year 2026, 16–20 Feb"),
    ("2026-02-13 07:00", "P2D", "2026-02-23 17:00", "Tết inside a two-day span"),
    ("2026-04-24 16:00", "PT2H", "2026-04-28 08:00", "Hùng Kings Sun 26 Apr → Mon 27 Apr off"),
    ("2026-04-29 16:00", "PT2H", "2026-05-04 08:00", "30 Apr and 1 May off"),
    ("2026-08-21 16:00", "PT2H", "2026-08-22 08:00", "Saturday 22 Aug 2026 is worked (swap)"),
    ("2026-08-28 16:00", "PT2H", "2026-09-03 08:00", "31 Aug, 1–2 Sep off (National Day)"),
    ("2025-12-31 16:00", "PT2H", "2026-01-02 08:00", "1 Jan off"),
    ("2025-04-29 16:30", "PT1H", "2025-05-05 07:30", "2025: 30 Apr, 1–2 May off"),
])
def test_working_time_is_added_across_weekends_holidays_and_breaks(
    start: str, duration: str, due: str, why: str
) -> None:
    assert CAL.add(at(start), parse_working_duration(duration)) == at(due), why


@pytest.mark.parametrize(("received", "forwarded"), [
    ("2026-11-25 14:59", "2026-11-25 14:59"),   # before the cut-off: forwarded at once
    ("2026-11-25 15:00", "2026-11-26 07:00"),   # at 15:00 or later: next working day
    ("2026-11-27 16:00", "2026-11-30 07:00"),   # Friday afternoon: Monday morning
    ("2026-11-23 15:30", "2026-11-25 07:00"),   # Monday late, Tuesday 24 Nov is off
    ("2026-11-25 12:00", "2026-11-25 13:30"),   # lunch break: when the afternoon opens
])
def test_paper_dossiers_received_after_15h_are_forwarded_the_next_working_day(
    received: str, forwarded: str
) -> None:
    assert CAL.forwarding_instant(at(received)) == at(forwarded)


def test_a_province_override_moves_the_due_time() -> None:
    province = BusinessCalendar(extra_days_off=frozenset({date(2026, 11, 26)}),
                                extra_working_days=frozenset({date(2026, 11, 28)}))
    assert province.add(at("2026-11-25 16:00"), timedelta(hours=2)) == at("2026-11-27 08:00")
    assert province.add(at("2026-11-27 16:00"), timedelta(hours=2)) == at("2026-11-28 08:00")


def test_provincial_working_hours_change_the_length_of_a_day() -> None:
    short = BusinessCalendar(periods=((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0))))
    assert short.day_length == timedelta(hours=7, minutes=30)
    assert short.add(at("2026-11-25 07:30"), short.duration("P1D")) == at("2026-11-25 17:00")
    with pytest.raises(ValueError):
        BusinessCalendar(periods=((time(13, 0), time(17, 0)), (time(7, 0), time(11, 0))))


def test_durations_count_working_days_of_the_calendar() -> None:
    assert parse_working_duration("P2D") == timedelta(hours=16)
    assert parse_working_duration("P1DT2H30M") == timedelta(hours=10, minutes=30)
    for wrong in ("P1W2D", "P1M", "P", "PT", "15D", "P1.5D"):
        with pytest.raises(ValueError):
            parse_working_duration(wrong)


def test_measuring_counts_only_working_time() -> None:
    assert CAL.measure(at("2026-11-25 11:00"), at("2026-11-25 14:00")) == timedelta(hours=1)
    assert CAL.measure(at("2026-11-27 16:00"), at("2026-11-30 08:00")) == timedelta(hours=2)
    assert CAL.measure(at("2026-11-30 08:00"), at("2026-11-27 16:00")) == timedelta(0)


def test_same_day_procedures_are_due_at_close_of_business() -> None:
    assert CAL.due(at("2026-11-25 09:00"), 1, "same_day") == at("2026-11-25 17:00")
    assert CAL.due(at("2026-11-27 18:00"), 1, "same_day") == at("2026-11-30 17:00")
    assert CAL.due(at("2026-11-25 09:00"), 15, "calendar_days") == at("2026-12-10 09:00")


instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 20)).map(
    lambda d: d.replace(tzinfo=VN_TZ, microsecond=0, second=0))
working_time = st.integers(min_value=1, max_value=8 * 60 * 30).map(lambda m: timedelta(minutes=m))


@settings(max_examples=300, deadline=None)
@given(start=instants, duration=working_time)
def test_adding_then_measuring_returns_the_duration(start: datetime, duration: timedelta) -> None:
    due = CAL.add(start, duration)
    assert CAL.measure(start, due) == duration


@settings(max_examples=300, deadline=None)
@given(start=instants, duration=working_time)
def test_results_never_land_outside_working_time(start: datetime, duration: timedelta) -> None:
    due = CAL.add(start, duration)
    before = due - timedelta(minutes=1)
    # A due time is inside working time, or the close of a period that was working time.
    assert CAL.is_working_time(due) or CAL.is_working_time(before)


@settings(max_examples=300, deadline=None)
@given(start=instants, duration=working_time)
def test_a_due_time_is_never_the_opening_of_a_period(start: datetime, duration: timedelta) -> None:
    # Time that ends with a period ends at its close (17:00), not at the next opening.
    due = CAL.add(start, duration).astimezone(VN_TZ)
    assert due.time() not in {begin for begin, _ in CAL.periods}


@settings(max_examples=200, deadline=None)
@given(start=instants, duration=working_time)
def test_subtracting_undoes_adding(start: datetime, duration: timedelta) -> None:
    due = CAL.add(start, duration)
    back = CAL.subtract(due, duration)
    assert CAL.measure(back, due) == duration
    assert back <= due


def test_an_extension_of_a_calendar_day_procedure_is_counted_on_the_calendar() -> None:
    """A third of 15 calendar days is 5 calendar days, not 5 × 24 hours of working time
    (which reached 31 Dec); one ending in Tết ends after it (Civil Code 2015 art. 148.5)."""
    assert CAL.extension_limit(at("2026-12-10 09:00"), 15, "calendar_days", 1 / 3) == at(
        "2026-12-15 09:00")
    assert CAL.extension_limit(at("2026-02-09 09:00"), 15, "calendar_days", 1 / 3) == at(
        "2026-02-23 09:00")
    # Working-time procedures are unchanged: a third of 15 working days is 5 working days.
    assert CAL.extension_limit(at("2026-12-16 08:00"), 15, "working_days", 1 / 3) == at(
        "2026-12-23 08:00")


def test_an_extension_limit_is_whole_working_days_never_an_odd_minute() -> None:
    """«không quá 1/3 tổng thời gian giải quyết»: the limit is the whole working days that
    fit in the third (10 working days → 3, not 3 days 2 h 40 min, which fell at 10:40 or
    16:37), whatever the processing time; under a day, whole working hours."""
    due = at("2026-12-16 08:00")
    assert CAL.extension_limit(due, 10, "working_days", 1 / 3) == at("2026-12-21 08:00")
    for days in range(3, 61):
        limit = CAL.extension_limit(due, days, "working_days", 1 / 3)
        assert CAL.measure(due, limit) == (days // 3) * CAL.day_length, days
    assert CAL.measure(due, CAL.extension_limit(due, 2, "working_days", 1 / 3)) == timedelta(
        hours=5)  # two thirds of a day: 5 h 20 min → 5 whole hours
    assert CAL.extension_limit(due, 16, "working_hours", 1 / 3) == CAL.add(due, timedelta(hours=5))
    # A calendar-day procedure: whole calendar days (10 → 3, not 3 days 8 hours).
    assert CAL.extension_limit(at("2026-12-10 09:00"), 10, "calendar_days", 1 / 3) == at(
        "2026-12-14 09:00")  # 13 Dec is a Sunday: the next working day
