"""Early, on time or late: how a step or a dossier is classified against its due time.

QĐ 766 and the process control slip (TT 01/2018) speak of finishing before the due date
(trước hạn), on it (đúng hạn) or after it (quá hạn). Here "on time" means on the due day
and not after the due time.
"""

from __future__ import annotations

from datetime import datetime

from engine.core.clock import VN_TZ
from engine.legal_clock.calendar import BusinessCalendar

__all__ = ["CLASS_LABELS", "classify", "urgency"]


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


def urgency(calendar: BusinessCalendar, now: datetime, due: datetime | None) -> str | None:
    """"overdue" after the due time, "due_soon" with one working day or less left."""
    if due is None:
        return None
    if now > due:
        return "overdue"
    if calendar.measure(now, due) <= calendar.day_length:
        return "due_soon"
    return None
