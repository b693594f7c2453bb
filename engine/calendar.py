"""The business calendar: working days and working hours in Vietnam.

Working days are Monday to Friday, minus public holidays (Labour Code 2019 art. 112,
from the `holidays` package, which knows the lunar dates and the government's swapped
days), plus the Saturdays the government swaps in as working days. Working hours
default to 07:00–11:30 and 13:30–17:00 (eight hours make a working day), in the
Asia/Ho_Chi_Minh time zone. Per-province overrides arrive as extra days off and
extra working days.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HOURS_PER_DAY = 8
DEFAULT_PERIODS: tuple[tuple[time, time], ...] = (
    (time(7, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")
MAX_SCAN_DAYS = 3 * 366


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> tuple[frozenset[date], frozenset[date]]:
    found = holidays.country_holidays("VN", years=year)
    swapped_in = frozenset(d for d in getattr(found, "weekend_workdays", ()) if d.year == year)
    return frozenset(found.keys()), swapped_in


def parse_working_duration(text: str) -> timedelta:
    """`P2D` → 16 working hours, `PT4H` → 4, `P1DT2H30M` → 10.5 (days count 8 hours)."""
    match = _DURATION.match(text.strip())
    if not match or text.strip() in ("P", "PT"):
        raise ValueError(f"not an ISO-8601 working duration: {text!r}")
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    return timedelta(hours=days * HOURS_PER_DAY + hours, minutes=minutes)


@dataclass(frozen=True)
class BusinessCalendar:
    """Working time of one province."""

    periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS
    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)
    tz: ZoneInfo = VN_TZ

    def is_working_day(self, day: date) -> bool:
        """True on a day when offices are open."""
        if day in self.extra_working_days:
            return True
        if day in self.extra_days_off:
            return False
        off, swapped_in = _public_holidays(day.year)
        if day in swapped_in:
            return True
        return day.weekday() < 5 and day not in off

    def _windows(self, start_day: date) -> Iterable[tuple[datetime, datetime]]:
        for offset in range(MAX_SCAN_DAYS):
            day = start_day + timedelta(days=offset)
            if not self.is_working_day(day):
                continue
            for begin, end in self.periods:
                yield (datetime.combine(day, begin, self.tz), datetime.combine(day, end, self.tz))
        raise ValueError("no working time within three years")

    def next_working_instant(self, instant: datetime) -> datetime:
        """`instant` itself when offices are open then, else the start of the next period."""
        local = instant.astimezone(self.tz)
        for begin, end in self._windows(local.date()):
            if local < end:
                return max(local, begin)
        raise AssertionError("unreachable")

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when `duration` of working time has passed since `start`."""
        remaining = duration
        local = start.astimezone(self.tz)
        if remaining <= timedelta(0):
            return self.next_working_instant(local)
        for begin, end in self._windows(local.date()):
            if local >= end:
                continue
            cursor = max(local, begin)
            available = end - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
        raise AssertionError("unreachable")

    def end_of_working_day(self, instant: datetime) -> datetime:
        """Close of business of the working day on or after `instant`."""
        opened = self.next_working_instant(instant)
        return datetime.combine(opened.date(), self.periods[-1][1], self.tz)

    def due(self, start: datetime, value: float, unit: str) -> datetime:
        """The legal due time of a processing time (`value`, `unit`) counted from `start`."""
        if unit == "working_days":
            return self.add(start, timedelta(hours=value * HOURS_PER_DAY))
        if unit == "working_hours":
            return self.add(start, timedelta(hours=value))
        if unit == "calendar_days":
            return start.astimezone(self.tz) + timedelta(days=value)
        if unit == "same_day":
            return self.end_of_working_day(start)
        raise ValueError(f"unknown processing time unit: {unit!r}")


def local_iso(value: datetime | None) -> str | None:
    """ISO-8601 in Vietnam time with its offset (how every view shows instants), or None."""
    return value.astimezone(VN_TZ).isoformat() if value is not None else None
