"""The legal rules of the clock, as pure functions over a `BusinessCalendar` and plain values.

No database, no unit of work: the caller (`engine.dossiers.deadlines`, `advance`, payments)
reads the rows, calls these, and writes what they return. A processing time is the
manifest's dict, ``{"value": 15, "unit": "working_days"}``.

- Reception starts the clock (NĐ 61/2018 art. 18): due = reception + processing time. A
  paper dossier received at or after 15:00 reaches the agency the next working day, so
  its steps count from then (art. 20.1) — the legal due time does not move.
- A supplement request should come within 3 working days of reception (art. 19.4); a
  later one is allowed but flagged.
- When the supplement arrives the legal time restarts from zero (``restart``, art. 19.4)
  or resumes with the waiting working time added back (``pause``, QĐ 766 statistics).
  After the one extension the due time set by it stands.
- An extension (form 04) states its reason, is granted at most once (art. 19.9), is asked
  at least one working day before the due time, and sets a new due time no later than
  ``cap`` × the processing time after the old one (Tuyên Quang seed, art. 25: 1/3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from engine.core.clock import VN_TZ
from engine.core.errors import Conflict, Invalid
from engine.legal_clock.calendar import PAPER_CUTOFF, BusinessCalendar

__all__ = [
    "DEFAULT_EXTENSION_CAP", "LATE_SUPPLEMENT_WARNING", "PAPER_CHANNELS", "PAPER_CUTOFF",
    "SUPPLEMENT_WINDOW_DAYS", "Resumed", "check_extension", "due_at_reception",
    "extension_asked_in_time", "extension_limit", "late_supplement_request", "legal_due",
    "resume_after_supplement", "steps_start",
]

ProcessingTime = Mapping[str, Any]

PAPER_CHANNELS = ("desk", "post")
SUPPLEMENT_WINDOW_DAYS = 3
DEFAULT_EXTENSION_CAP = 1 / 3

LATE_SUPPLEMENT_WARNING = ("Yêu cầu bổ sung sau 3 ngày làm việc kể từ khi tiếp nhận "
                           "(NĐ 61/2018, Điều 19 khoản 4).")
RESTARTED = "Bổ sung xong: tính lại thời hạn từ đầu (NĐ 61/2018, Điều 19 khoản 4)"
PAUSED = "Bổ sung xong: cộng lại thời gian chờ bổ sung"
NO_REASON = "Cần nêu lý do trễ hạn trong văn bản xin lỗi (Mẫu 04)."
NOT_RECEIVED = "Hồ sơ chưa được tiếp nhận nên chưa có hạn giải quyết."
ONCE_ONLY = ("Hồ sơ đã được hẹn lại một lần; chỉ được hẹn lại ngày trả kết quả "
             "không quá một lần (NĐ 61/2018, Điều 19 khoản 9).")
TOO_LATE_TO_ASK = ("Phải đề nghị gia hạn chậm nhất 01 ngày làm việc trước ngày hết hạn "
                   "(NĐ 61/2018, Điều 19 khoản 9; Quy chế Tuyên Quang, Điều 25).")
NOT_LATER = "Ngày hẹn mới phải sau ngày hẹn hiện tại."


def legal_due(
    calendar: BusinessCalendar, *, started: datetime, processing_time: ProcessingTime,
    paused: timedelta = timedelta(0),
) -> datetime:
    """The due time of a clock started at `started`, with `paused` working time added back."""
    return calendar.due(started, float(processing_time["value"]), str(processing_time["unit"]),
                        paused)


def due_at_reception(
    calendar: BusinessCalendar, received: datetime, processing_time: ProcessingTime
) -> datetime:
    """The due time issued on the receipt (form 01): the processing time from reception,
    whatever the channel."""
    return legal_due(calendar, started=received, processing_time=processing_time)


def steps_start(calendar: BusinessCalendar, received: datetime, channel: str) -> datetime:
    """When the steps opened by reception start counting: at once, or for a paper dossier
    received at or after 15:00, the start of the next working day."""
    if channel in PAPER_CHANNELS:
        return calendar.forwarding_instant(received)
    return received


def late_supplement_request(
    calendar: BusinessCalendar, received: datetime | None, asked: datetime
) -> bool:
    """True when a supplement is asked more than 3 working days after reception."""
    return received is not None and calendar.measure(received, asked) > (
        SUPPLEMENT_WINDOW_DAYS * calendar.day_length)


@dataclass(frozen=True)
class Resumed:
    """The clock after a supplement: where it counts from, the working time it stood
    still, the new due time (None: the due time does not move) and why."""

    started: datetime | None
    paused: timedelta
    due: datetime | None
    reason: str


def resume_after_supplement(
    calendar: BusinessCalendar, *, mode: str, started: datetime | None, paused: timedelta,
    requested: datetime, answered: datetime, extended: bool, processing_time: ProcessingTime,
) -> Resumed:
    """The clock once the complete dossier arrives at `answered` (asked at `requested`):
    ``pause`` adds the waiting working time (whole seconds) to `paused`; any other mode
    restarts the legal time from zero at `answered`. An extended dossier keeps its due."""
    if mode == "pause":
        waited = calendar.measure(requested, answered)
        paused += timedelta(seconds=int(waited.total_seconds()))
        reason = PAUSED
    else:
        started, paused, reason = answered, timedelta(0), RESTARTED
    due = None
    if not extended and started is not None:
        due = legal_due(calendar, started=started, paused=paused, processing_time=processing_time)
    return Resumed(started=started, paused=paused, due=due, reason=reason)


def extension_asked_in_time(calendar: BusinessCalendar, now: datetime, due: datetime) -> bool:
    """True when at least one working day is left before `due`."""
    return calendar.add(now, calendar.day_length) <= due


def extension_limit(
    calendar: BusinessCalendar, due: datetime, processing_time: ProcessingTime, cap: float
) -> datetime:
    """The latest new due time: `cap` × the processing time after `due`."""
    return calendar.extension_limit(due, float(processing_time["value"]),
                                    str(processing_time["unit"]), cap)


def over_cap(cap: float, limit: datetime) -> str:
    """Why a new due time after `limit` is refused, citing the share as a fraction."""
    share = Fraction(cap).limit_denominator(12)
    return (f"Ngày hẹn mới vượt quá {share} tổng thời gian giải quyết; muộn nhất là "
            f"{limit.astimezone(VN_TZ).strftime('%H:%M ngày %d/%m/%Y')} "
            "(Quy chế Tuyên Quang, Điều 25).")


def check_extension(
    calendar: BusinessCalendar, *, now: datetime, due: datetime | None, extended: bool,
    new_due: datetime, reason: str, processing_time: ProcessingTime, cap: float,
) -> datetime | Conflict | Invalid:
    """The allowed limit when `new_due` may be granted at `now`, else the refusal to raise:
    `Conflict` when the dossier's state forbids it, `Invalid` when the request is wrong."""
    if not reason.strip():
        return Invalid(NO_REASON)
    if due is None:
        return Conflict(NOT_RECEIVED)
    if extended:
        return Conflict(ONCE_ONLY)
    if not extension_asked_in_time(calendar, now, due):
        return Conflict(TOO_LATE_TO_ASK)
    if new_due <= due:
        return Invalid(NOT_LATER)
    limit = extension_limit(calendar, due, processing_time, cap)
    if new_due > limit:
        return Invalid(over_cap(cap, limit))
    return limit
