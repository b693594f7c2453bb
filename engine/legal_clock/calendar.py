"""The business calendar: working days and working hours in Vietnam.

Working days are Monday to Friday, minus public holidays (Labour Code 2019 art. 112,
from the `holidays` package, which knows the lunar dates, compensatory days and the
government's swapped days), plus the Saturdays the government swaps in as working days.
A province adds its own overrides (an extra day off, an extra working Saturday) and sets
its working hours; the default is 07:00–11:30 and 13:30–17:00, the sum of the periods
making one working day (eight hours). Everything is in Asia/Ho_Chi_Minh time.

Durations in working time are ISO-8601, read by the one grammar of `bpmn.durations`:
``P2D`` is two working days, ``PT4H`` four working hours, ``P1W`` five working days;
``P1M``/``P1Y`` are calendar months/years. A submission out of hours counts from the
next working period. A period counted on the calendar (calendar days, months, years)
that ends on a day off ends on the next working day (Civil Code 2015 art. 148.5).
Every walk over days stops after `MAX_SCAN_DAYS` with a `ValueError`, never hangs.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

import holidays

from bpmn.durations import Duration, DurationError, parse_duration
from engine.core.clock import VN_TZ

HOURS_PER_DAY = 8
DEFAULT_PERIODS: tuple[tuple[time, time], ...] = (
    (time(7, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)
PAPER_CUTOFF = time(15, 0)
MAX_SCAN_DAYS = 3 * 366
NO_WORKING_TIME = "Không có ngày làm việc nào trong vòng ba năm: thời hạn quá dài."


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> tuple[frozenset[date], frozenset[date]]:
    found = holidays.country_holidays("VN", years=year)
    swapped_in = frozenset(d for d in getattr(found, "weekend_workdays", ()) if d.year == year)
    return frozenset(found.keys()), swapped_in


def load_holidays(*years: int) -> None:
    """Read the national holiday tables of `years` now: the first reading in a process
    imports the `holidays` package's country tables, which a worker should not do in the
    middle of a burst of due timers."""
    for year in years:
        _public_holidays(year)


def national_days(year: int) -> list[tuple[date, str, str]]:
    """The national calendar's own days of `year` in date order: (day, "off" or "working",
    name), the holidays of the Labour Code and the Saturdays the government swaps in."""
    found = holidays.country_holidays("VN", years=year, language="vi")
    swapped_in = [(d, "working", "Ngày làm việc bù (Chính phủ hoán đổi)")
                  for d in getattr(found, "weekend_workdays", ()) if d.year == year]
    return sorted([(d, "off", str(name)) for d, name in found.items()] + swapped_in)


def _whole(allowance: timedelta, day: timedelta) -> timedelta:
    """`allowance` cut down to whole days of length `day`, or under one day to whole hours
    (under one hour it stays in minutes): what «no more than» a share of a time allows."""
    for unit in (day, timedelta(hours=1)):
        if allowance >= unit:
            return (allowance // unit) * unit
    return allowance


def parse_working_duration(text: str, day_length: timedelta = timedelta(hours=HOURS_PER_DAY)) -> timedelta:
    """Working time of a duration: `P2D` → two working days (16 h by default), `PT4H` → 4 h.

    Months and years are calendar periods, not an amount of working time: a duration
    holding them is refused here (`BusinessCalendar.after` computes it)."""
    parsed = parse_duration(text)
    if parsed.calendar_months:
        raise DurationError(f"{text.strip()} tính theo tháng, năm dương lịch, không quy được ra "
                            "giờ làm việc.")
    return parsed.working_days * day_length + timedelta(
        hours=parsed.hours, minutes=parsed.minutes, seconds=parsed.seconds)


def add_months(instant: datetime, months: int) -> datetime:
    """`instant` moved by calendar months, the day kept or, when the month has no such
    day, the month's last day (Civil Code 2015 art. 148.3)."""
    year, month = divmod(instant.month - 1 + months, 12)
    year += instant.year
    return instant.replace(year=year, month=month + 1,
                           day=min(instant.day, monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class BusinessCalendar:
    """Working time of one province."""

    periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS
    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)
    tz: ZoneInfo = VN_TZ
    # Days already answered (a step's deadline walks over dozens of them at every step).
    _known: dict[date, bool] = field(default_factory=dict, init=False, compare=False,
                                     repr=False)

    def __post_init__(self) -> None:
        if not self.periods or any(begin >= end for begin, end in self.periods) or any(
            a[1] > b[0] for a, b in zip(self.periods, self.periods[1:], strict=False)
        ):
            raise ValueError("working periods must be ordered, non-empty and not overlap")

    @cached_property
    def day_length(self) -> timedelta:
        """How much working time one working day holds (8 h by default)."""
        return sum(
            (datetime.combine(date.min, end) - datetime.combine(date.min, begin)
             for begin, end in self.periods),
            timedelta(0),
        )

    def duration(self, text: str) -> timedelta:
        """Working time of an ISO-8601 duration on this calendar (`P1D` = one working day)."""
        return parse_working_duration(text, self.day_length)

    def after(self, start: datetime, duration: str | Duration) -> datetime:
        """When a diagram's duration (a step deadline, a timer) counted from `start` is due.

        The calendar part (years, months) comes first and ends on a working day; the
        working part (weeks, days, hours, minutes, seconds) is then counted in working
        time (`bpmn.durations`). Raises `DurationError` on a malformed or too long one."""
        parsed = parse_duration(duration) if isinstance(duration, str) else duration
        working = timedelta(seconds=parsed.working_seconds(int(self.day_length.total_seconds())))
        if not parsed.calendar_months:
            return self.add(start, working)
        landed = self.roll_to_working_day(add_months(start.astimezone(self.tz), parsed.calendar_months))
        return self.add(landed, working) if working else landed

    def calendar_after(self, start: datetime, duration: str) -> datetime:
        """`duration` counted on the calendar (a day is 24 h, a week 7 days), ending on the
        next working day when it ends on a day off (Civil Code 2015 art. 148.5)."""
        parsed = parse_duration(duration)
        moved = add_months(start.astimezone(self.tz), parsed.calendar_months) + timedelta(
            days=parsed.weeks * 7 + parsed.days, hours=parsed.hours, minutes=parsed.minutes,
            seconds=parsed.seconds)
        return self.roll_to_working_day(moved)

    def roll_to_working_day(self, instant: datetime) -> datetime:
        """`instant` itself on a working day, else the same clock time of the next working
        day: a period ending on a day off ends on the next working day (Civil Code 2015
        art. 148.5)."""
        local = instant.astimezone(self.tz)
        for offset in range(MAX_SCAN_DAYS):
            day = local.date() + timedelta(days=offset)
            if self.is_working_day(day):
                return local if offset == 0 else datetime.combine(day, local.time(), self.tz)
        raise ValueError(NO_WORKING_TIME)

    def is_working_day(self, day: date) -> bool:
        """True on a day when offices are open."""
        known = self._known.get(day)
        if known is None:
            if len(self._known) > MAX_SCAN_DAYS * 4:  # bounded: a few years of days
                self._known.clear()
            known = self._known[day] = self._is_working_day(day)
        return known

    def _is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        if day in self.extra_days_off:
            return False
        off, swapped_in = _public_holidays(day.year)
        if day in swapped_in:
            return True
        return day.weekday() < 5 and day not in off

    def _windows(self, start_day: date) -> Iterator[tuple[datetime, datetime]]:
        for offset in range(MAX_SCAN_DAYS):
            day = start_day + timedelta(days=offset)
            if not self.is_working_day(day):
                continue
            for begin, end in self.periods:
                yield (datetime.combine(day, begin, self.tz), datetime.combine(day, end, self.tz))
        raise ValueError(NO_WORKING_TIME)

    def is_working_time(self, instant: datetime) -> bool:
        """True when offices are open at `instant`."""
        local = instant.astimezone(self.tz)
        return self.is_working_day(local.date()) and any(
            begin <= local.time() < end for begin, end in self.periods
        )

    def next_working_instant(self, instant: datetime) -> datetime:
        """`instant` itself when offices are open then, else the start of the next period."""
        local = instant.astimezone(self.tz)
        for begin, end in self._windows(local.date()):
            if local < end:
                return max(local, begin)
        raise AssertionError("unreachable")

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when `duration` of working time has passed since `start`.

        A result that falls exactly at the close of a period stays there (17:00 of the
        due day), so "due by close of business" reads as people say it. A working day
        that the remaining time outlasts is stepped over whole, without its periods.
        """
        remaining = duration
        local = start.astimezone(self.tz)
        if remaining <= timedelta(0):
            return self.next_working_instant(local)
        first, day_length = local.date(), self.day_length
        for offset in range(MAX_SCAN_DAYS):
            day = first + timedelta(days=offset)
            if not self.is_working_day(day):
                continue
            if offset and remaining > day_length:  # the whole day passes
                remaining -= day_length
                continue
            for begin, end in self.periods:
                window_end = datetime.combine(day, end, self.tz)
                if local >= window_end:
                    continue
                cursor = max(local, datetime.combine(day, begin, self.tz))
                available = window_end - cursor
                if remaining <= available:
                    return cursor + remaining
                remaining -= available
        raise ValueError(NO_WORKING_TIME)

    def subtract(self, end: datetime, duration: timedelta) -> datetime:
        """The instant from which `duration` of working time runs until `end`."""
        remaining = duration
        local = end.astimezone(self.tz)
        day = local.date()
        for offset in range(MAX_SCAN_DAYS):
            current = day - timedelta(days=offset)
            if not self.is_working_day(current):
                continue
            for begin, finish in reversed(self.periods):
                window_begin = datetime.combine(current, begin, self.tz)
                window_end = min(datetime.combine(current, finish, self.tz), local)
                if window_end <= window_begin:
                    continue
                available = window_end - window_begin
                if remaining <= available:
                    return window_end - remaining
                remaining -= available
        raise ValueError(NO_WORKING_TIME)

    def measure(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two instants (zero when `end` is not after `start`)."""
        begin_local, end_local = start.astimezone(self.tz), end.astimezone(self.tz)
        if end_local <= begin_local:
            return timedelta(0)
        total = timedelta(0)
        for window_begin, window_end in self._windows(begin_local.date()):
            if window_begin >= end_local:
                return total
            overlap = min(window_end, end_local) - max(window_begin, begin_local)
            if overlap > timedelta(0):
                total += overlap
        raise AssertionError("unreachable")

    def end_of_working_day(self, instant: datetime) -> datetime:
        """Close of business of the working day on or after `instant`."""
        opened = self.next_working_instant(instant)
        return datetime.combine(opened.date(), self.periods[-1][1], self.tz)

    def forwarding_instant(self, received: datetime, cutoff: time = PAPER_CUTOFF) -> datetime:
        """When the desk forwards a paper dossier: at once, or at the start of the next
        working day when received after 15:00 (NĐ 61/2018 art. 20.1, as amended)."""
        local = received.astimezone(self.tz)
        if self.is_working_day(local.date()) and local.time() < cutoff:
            return self.next_working_instant(local)
        next_day = datetime.combine(local.date() + timedelta(days=1), time(0), self.tz)
        return self.next_working_instant(next_day)

    def due(
        self, start: datetime, value: float, unit: str, paused: timedelta = timedelta(0)
    ) -> datetime:
        """The legal due time of a processing time (`value`, `unit`) counted from `start`,
        with `paused` (working time a supplement request stopped the clock) added back."""
        if unit == "same_day":
            return self.end_of_working_day(self.add(start, paused))
        if unit == "calendar_days":
            return self.roll_to_working_day(start.astimezone(self.tz) + timedelta(days=value) + paused)
        return self.add(start, self.processing_time(value, unit) + paused)

    def extension_limit(self, due: datetime, value: float, unit: str, share: float) -> datetime:
        """The latest due time an extension of no more than `share` × the processing time
        may set: the whole working days that fit in it (a third of 10 working days is 3,
        not 3 days 2 h 40 min ending at an odd minute), or for a calendar-day procedure the
        whole calendar days, ending on a working day (Civil Code 2015 art. 148.5); a share
        under one day counts whole hours (whole minutes under one hour)."""
        if unit == "calendar_days":
            moved = due.astimezone(self.tz) + _whole(
                timedelta(minutes=round(share * value * 24 * 60)), timedelta(days=1))
            return self.roll_to_working_day(moved)
        allowance = share * self.processing_time(value, unit)
        return self.add(due, _whole(timedelta(minutes=round(allowance.total_seconds() / 60)),
                                    self.day_length))

    def processing_time(self, value: float, unit: str) -> timedelta:
        """A processing time as working time (calendar days count 24 h; same day one day)."""
        if unit == "working_days":
            return value * self.day_length
        if unit == "working_hours":
            return timedelta(hours=value)
        if unit == "calendar_days":
            return timedelta(days=value)
        if unit == "same_day":
            return self.day_length
        raise ValueError(f"unknown processing time unit: {unit!r}")
