"""The legal clock: calendar arithmetic, provincial calendars, lateness and the legal rules.

Everything but the provincial calendars (`calendars`) is pure: no database (import-linter
holds `calendar`, `rules` and `lateness` to it). The public face of `engine.legal_clock`:
entry points import from here only.
"""

from __future__ import annotations

from engine.legal_clock.calendar import (
    HOURS_PER_DAY,
    PAPER_CUTOFF,
    BusinessCalendar,
    add_months,
    load_holidays,
    parse_working_duration,
)
from engine.legal_clock.calendars import (
    WEEKDAYS,
    CalendarCache,
    built_in_days,
    calendar_for,
    check_day_change,
    default_calendar,
    list_days,
    list_provinces,
    parse_instant,
    province_calendar,
)
from engine.legal_clock.lateness import CLASS_LABELS, classify, due_soon_margin, urgency
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

__all__ = [
    "CLASS_LABELS", "DEFAULT_EXTENSION_CAP", "HOURS_PER_DAY", "LATE_SUPPLEMENT_WARNING",
    "PAPER_CHANNELS", "PAPER_CUTOFF", "SUPPLEMENT_WINDOW_DAYS", "WEEKDAYS", "BusinessCalendar",
    "CalendarCache", "Resumed", "add_months", "built_in_days", "calendar_for", "check_day_change",
    "check_extension", "classify",
    "default_calendar", "due_at_reception", "due_soon_margin", "extension_asked_in_time",
    "extension_limit", "late_supplement_request", "legal_due", "list_days", "list_provinces",
    "load_holidays", "parse_instant",
    "parse_working_duration", "province_calendar",
    "resume_after_supplement", "steps_start", "urgency",
]
