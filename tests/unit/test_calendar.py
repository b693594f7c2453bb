"""The business calendar on real dates (the legal clock issue extends this table)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine.calendar import VN_TZ, BusinessCalendar, parse_working_duration

CAL = BusinessCalendar()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.mark.parametrize(("start", "duration", "due"), [
    ("2026-11-25 08:00", "P15D", "2026-12-16 08:00"),   # weekends skipped
    ("2026-11-23 10:00", "P1D", "2026-11-25 10:00"),    # 24 Nov 2026 is a day off
    ("2026-11-25 11:00", "PT1H", "2026-11-25 14:00"),   # lunch break 11:30–13:30
    ("2026-11-28 09:00", "PT4H", "2026-11-30 11:00"),   # Saturday submission counts from Monday
    ("2026-11-25 18:30", "PT2H", "2026-11-26 09:00"),   # after hours: next morning
    ("2026-02-13 16:00", "PT2H", "2026-02-23 08:00"),   # Lunar New Year 2026 (16–20 Feb)
    ("2026-08-21 16:00", "PT2H", "2026-08-22 08:00"),   # Saturday 22 Aug 2026 is worked (swap)
    ("2026-08-28 16:00", "PT2H", "2026-09-03 08:00"),   # 31 Aug, 1–2 Sep off
])
def test_working_time_is_added_across_weekends_holidays_and_breaks(
    start: str, duration: str, due: str
) -> None:
    assert CAL.add(at(start), parse_working_duration(duration)) == at(due)


def test_durations_count_eight_hours_a_day() -> None:
    assert parse_working_duration("P2D") == timedelta(hours=16)
    assert parse_working_duration("P1DT2H30M") == timedelta(hours=10, minutes=30)
    with pytest.raises(ValueError):
        parse_working_duration("P1W")


def test_same_day_procedures_are_due_at_close_of_business() -> None:
    assert CAL.due(at("2026-11-25 09:00"), 1, "same_day") == at("2026-11-25 17:00")
    assert CAL.due(at("2026-11-27 18:00"), 1, "same_day") == at("2026-11-30 17:00")
