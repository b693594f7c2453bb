"""Formatting for pages: Vietnamese dates and labels."""

from __future__ import annotations

from datetime import datetime

from engine.core import VN_TZ

URGENCY_LABELS = {"overdue": "quá hạn", "due_soon": "sắp đến hạn"}


def vn_datetime(value: str | datetime | None) -> str:
    """"2026-12-14T17:00:00+07:00" (or that instant) → "17:00 ngày 14/12/2026" (Vietnam time)."""
    if not value:
        return ""
    moment = (value if isinstance(value, datetime) else datetime.fromisoformat(value)).astimezone(VN_TZ)
    return moment.strftime("%H:%M ngày %d/%m/%Y")
