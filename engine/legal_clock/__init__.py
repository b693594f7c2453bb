"""The legal clock: calendar arithmetic, provincial calendars, lateness and the legal rules.

Everything but the provincial calendar cache is pure (no database); the cache and its
helpers (`calendars`) are loaded on first use, so importing the rules never pulls in
SQLAlchemy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from engine.legal_clock.calendar import (
    HOURS_PER_DAY,
    PAPER_CUTOFF,
    BusinessCalendar,
    add_months,
    parse_working_duration,
)
from engine.legal_clock.lateness import CLASS_LABELS, classify, urgency
from engine.legal_clock.rules import (
    DEFAULT_EXTENSION_CAP,
    LATE_SUPPLEMENT_WARNING,
    PAPER_CHANNELS,
    SUPPLEMENT_WINDOW_DAYS,
    Resumed,
    check_extension,
    due_at_reception,
    extension_asked_in_time,
    extension_limit,
    late_supplement_request,
    legal_due,
    resume_after_supplement,
    steps_start,
)

if TYPE_CHECKING:
    from engine.legal_clock.calendars import (
        CalendarCache,
        calendar_for,
        default_calendar,
        province_calendar,
    )

__all__ = [
    "CLASS_LABELS", "DEFAULT_EXTENSION_CAP", "HOURS_PER_DAY", "LATE_SUPPLEMENT_WARNING",
    "PAPER_CHANNELS", "PAPER_CUTOFF", "SUPPLEMENT_WINDOW_DAYS", "BusinessCalendar",
    "CalendarCache", "Resumed", "add_months", "calendar_for", "check_extension", "classify",
    "default_calendar", "due_at_reception", "extension_asked_in_time", "extension_limit",
    "late_supplement_request", "legal_due", "parse_working_duration", "province_calendar",
    "resume_after_supplement", "steps_start", "urgency",
]

_FROM_DATABASE = frozenset({"CalendarCache", "calendar_for", "default_calendar",
                            "province_calendar"})


def __getattr__(name: str) -> Any:
    """The database-backed names, imported from `calendars` when first asked for."""
    if name in _FROM_DATABASE:
        return getattr(import_module("engine.legal_clock.calendars"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
