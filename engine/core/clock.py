"""Time as a collaborator: domain code asks a `Clock`, never the wall clock directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

# Every instant is stored in UTC and shown in Vietnam time.
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock(Protocol):
    """Something that tells the current instant (timezone-aware, UTC)."""

    def now(self) -> datetime:
        """The current instant."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current instant from the operating system."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that tests and the sandbox move by hand."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self._now = start

    def now(self) -> datetime:
        """The instant the clock was set to."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self._now += delta

    def set(self, instant: datetime) -> None:
        """Jump to an instant."""
        self._now = instant


def local_iso(value: datetime | None) -> str | None:
    """ISO-8601 in Vietnam time with its offset (how every view shows instants), or None."""
    return value.astimezone(VN_TZ).isoformat() if value is not None else None


def instant_words(text: str) -> str:
    """"08:00 ngày 15/01/2027" for an ISO-8601 instant (in Vietnam's time when it has an
    offset); the text itself when it is not an instant."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(VN_TZ)
    return moment.strftime("%H:%M ngày %d/%m/%Y")
