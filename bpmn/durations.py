"""The one grammar of the durations and instants a procedure diagram holds.

Step deadlines (the user task property ``deadline``) and BPMN timers (``timeDuration``,
``timeDate``) are read here, by validation and by the engine's legal clock alike, so
what validation accepts is exactly what the engine computes. Pure: no Flask, no
SQLAlchemy, no wall clock.

A duration is ISO-8601 ``PnYnMnWnDTnHnMnS`` with whole numbers, counted the way a
Vietnamese one-stop-shop officer counts a step's time:

- ``D`` a working day (``P2D`` = two working days of the province's calendar);
- ``W`` a working week = 5 working days (``P1W`` = ``P5D``); a week is not combined
  with ``Y``, ``M`` or ``D`` (write ``P12D`` for ``P2W2D``);
- ``H``, ``M`` after ``T``, ``S`` working hours, minutes and seconds (lunch, nights,
  weekends and holidays do not count);
- ``M`` before ``T`` a calendar month and ``Y`` a calendar year: the period ends on the
  corresponding day of the last month (the last day of a month that has none) at the
  same clock time, and when that day is not a working day it ends on the next working
  day (Civil Code 2015 art. 147–148).
- Mixed forms (``P1M2DT3H``) are computed calendar part first (years and months, moved
  to a working day), then the working part (weeks, days, hours, minutes, seconds)
  counted in working time from there.

Refused, each by name: fractions (``PT1.5H``: write ``PT1H30M``), negative durations,
repetitions (``R3/P1D``), lower case, a duration in quotes (``"PT1H"``: write ``PT1H``),
a week combined with years, months or days, a missing ``T`` (``P2H``), and anything
beyond the ceiling: `MAX_WORKING_DAYS` working days (about two years of working time)
in the working part, `MAX_CALENDAR_MONTHS` months (five calendar years) in the calendar
part. The ceiling keeps every computation a bounded walk over days.

An instant (``timeDate``) is ISO-8601 ``YYYY-MM-DD[THH:MM[:SS][offset]]`` (Vietnam time
without an offset) between `MIN_YEAR` and `MAX_YEAR`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

HOURS_PER_DAY = 8
DAYS_PER_WEEK = 5
MAX_WORKING_DAYS = 500
MAX_CALENDAR_MONTHS = 60
MAX_DIGITS = 6
# Only to compare a duration with a procedure's legal time at validation: a calendar
# month holds at most 23 working days, 22 on most months.
WORKING_DAYS_PER_MONTH = 22
MIN_YEAR, MAX_YEAR = 2000, 2100
EXAMPLES = "ví dụ P2D = 2 ngày làm việc, PT4H = 4 giờ làm việc, P1W = 5 ngày làm việc, P1M = 1 tháng"

_GRAMMAR = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)
_INSTANT = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


class DurationError(ValueError):
    """A duration or instant was refused; `message` says why, in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Duration:
    """A parsed duration: a calendar part (years, months) and a working part."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0
    seconds: int = 0

    @property
    def calendar_months(self) -> int:
        """Years and months, in calendar months."""
        return self.years * 12 + self.months

    @property
    def working_days(self) -> int:
        """Weeks and days, in working days."""
        return self.weeks * DAYS_PER_WEEK + self.days

    def working_seconds(self, day_seconds: int = HOURS_PER_DAY * 3600) -> int:
        """The working part in seconds, a working day holding `day_seconds`."""
        return self.working_days * day_seconds + self.hours * 3600 + self.minutes * 60 + self.seconds

    def nominal_hours(self) -> float:
        """Working hours, a month counted as 22 working days: only to compare with a legal time."""
        days = self.calendar_months * WORKING_DAYS_PER_MONTH
        return days * HOURS_PER_DAY + self.working_seconds() / 3600


@lru_cache(maxsize=512)  # a diagram's few durations are read at every step
def parse_duration(text: str) -> Duration:
    """The duration `text` stands for; raises `DurationError` naming what is refused."""
    value = text.strip()
    if not value:
        raise DurationError(f"Khoảng thời gian rỗng ({EXAMPLES}).")
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1].strip()
        hint = f"viết {inner}" if _GRAMMAR.match(inner) else EXAMPLES
        raise DurationError(f"Khoảng thời gian không được đặt trong dấu ngoặc kép ({hint}).")
    if value != value.upper() and _GRAMMAR.match(value.upper()):
        raise DurationError(f"Khoảng thời gian viết chữ in hoa: {value.upper()}.")
    if value.startswith("R"):
        raise DurationError("Hẹn giờ lặp lại (R…) không được hỗ trợ; dùng một khoảng thời gian "
                            "như P2D.")
    if value.startswith("-"):
        raise DurationError("Khoảng thời gian không được âm.")
    if "." in value or "," in value:
        raise DurationError("Không dùng số lẻ trong khoảng thời gian (PT1.5H): viết PT1H30M "
                            "hoặc P1DT4H.")
    if _INSTANT.match(value):
        raise DurationError("Đây là một thời điểm, không phải khoảng thời gian: dùng timeDate "
                            "cho thời điểm.")
    match = _GRAMMAR.match(value)
    if match is None or value in ("P", "PT"):
        raise DurationError(_malformed(value))
    parts = {name: (digits or "0") for name, digits in match.groupdict().items()}
    if any(len(digits) > MAX_DIGITS for digits in parts.values()):
        raise DurationError(_too_long(value))
    duration = Duration(**{name: int(digits) for name, digits in parts.items()})
    if match["weeks"] is not None and any(match[n] is not None for n in ("years", "months", "days")):
        raise DurationError(f"Tuần (W) không kết hợp với năm, tháng hay ngày: viết "
                            f"P{duration.working_days}D (1 tuần = {DAYS_PER_WEEK} ngày làm việc).")
    if (duration.calendar_months > MAX_CALENDAR_MONTHS
            or duration.working_seconds() > MAX_WORKING_DAYS * HOURS_PER_DAY * 3600):
        raise DurationError(_too_long(value))
    return duration


def _malformed(value: str) -> str:
    if re.match(r"^P(?:\d+[YMWD])*\d+[HS]", value):
        return f"Giờ, phút, giây phải đứng sau chữ T: viết PT… (ví dụ PT4H thay cho P4H), không phải {value}."
    if re.match(r"^\d", value):
        return f"Khoảng thời gian bắt đầu bằng chữ P: viết P{value}." if _GRAMMAR.match(
            f"P{value}") else f"'{value}' không phải khoảng thời gian ISO-8601 ({EXAMPLES})."
    return f"'{value}' không phải khoảng thời gian ISO-8601 ({EXAMPLES})."


def _too_long(value: str) -> str:
    return (f"Khoảng thời gian {value} quá dài: tối đa {MAX_WORKING_DAYS} ngày làm việc (khoảng "
            f"2 năm) và {MAX_CALENDAR_MONTHS // 12} năm theo lịch.")


def parse_instant(text: str) -> datetime:
    """The instant of a ``timeDate`` (naive when written without an offset: Vietnam time);
    raises `DurationError` naming what is refused."""
    value = text.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1].strip()
        hint = f"viết {inner}" if _INSTANT.match(inner) else "ví dụ 2026-12-31T08:00"
        raise DurationError(f"Thời điểm không được đặt trong dấu ngoặc kép ({hint}).")
    if value.startswith("P"):
        raise DurationError("Đây là một khoảng thời gian, không phải thời điểm: dùng timeDuration "
                            "cho khoảng thời gian.")
    if not _INSTANT.match(value):
        raise DurationError(f"'{value[:60]}' không phải thời điểm ISO-8601 (ví dụ "
                            "2026-12-31T08:00 hoặc 2026-12-31T08:00:00+07:00).")
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as exc:
        raise DurationError(f"Thời điểm {value} không có thật trên lịch.") from exc
    if not MIN_YEAR <= instant.year <= MAX_YEAR:
        raise DurationError(f"Thời điểm {value} nằm ngoài khoảng năm {MIN_YEAR}–{MAX_YEAR}.")
    return instant
