"""Early, on time or late: how a step or a dossier is classified against its due time.

QĐ 766 and the process control slip (TT 01/2018) speak of finishing before the due date
(trước hạn), on it (đúng hạn) or after it (quá hạn). Here "on time" means on the due day
and not after the due time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from engine.core.clock import VN_TZ
from engine.legal_clock.calendar import BusinessCalendar

__all__ = ["CLASS_LABELS", "classify", "due_soon_margin", "urgency"]


def classify(done: datetime, due: datetime | None) -> str | None:
    """Early (a day or more ahead), on time (on the due day, not after the due time), late."""
    if due is None:
        return None
    if done > due:
        return "late"
    if done.astimezone(VN_TZ).date() == due.astimezone(VN_TZ).date():
        return "on_time"
    return "early"


CLASS_LABELS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}


def due_soon_margin(calendar: BusinessCalendar, started: datetime | None, due: datetime) -> timedelta:
    """How little working time left makes a step due soon: a quarter of the step's own
    time (from `started`, when it opened, to `due`), and never more than one working day.

    One working day is the law's own warning: the agency must write to the applicant at
    least a working day before a due date it will miss (NĐ 61/2018 art. 19.9), and the step
    reminder goes out then. A step shorter than four working days would be flagged from its
    first hours with that day alone — the desk's four-hour reception of every new online
    dossier was «sắp đến hạn» from the moment it arrived — so it is flagged in its last
    quarter instead (the last hour of a four-hour step). Without `started`: one working day.
    """
    if started is None:
        return calendar.day_length
    return min(calendar.day_length, calendar.measure(started, due) / 4)


def urgency(
    calendar: BusinessCalendar, now: datetime, due: datetime | None,
    started: datetime | None = None,
) -> str | None:
    """"overdue" after the due time; "due_soon" when the working time left is at most
    `due_soon_margin` (a quarter of the step's time, at most one working day)."""
    if due is None:
        return None
    if now > due:
        return "overdue"
    if calendar.measure(now, due) <= due_soon_margin(calendar, started, due):
        return "due_soon"
    return None
