"""Provincial calendars: working hours and day overrides from the database, cached per
province and version. Changing them is `engine.deadlines.set_calendar_day`, which also
moves the due times of open dossiers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from threading import Lock
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select

from engine.core.clock import VN_TZ, local_iso
from engine.core.errors import Conflict, Invalid, NotFound
from engine.core.models import Agency, CalendarDay, Province
from engine.legal_clock.calendar import DEFAULT_PERIODS, BusinessCalendar, national_days

if TYPE_CHECKING:
    from engine.core.uow import UnitOfWork

DAY_KINDS = {"off": "Ngày nghỉ", "working": "Ngày làm việc"}
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
_KIND_WORDS = {"off": "ngày nghỉ", "working": "ngày làm bù"}

_AGENCY_PROVINCE = (
    select(Province.id, Province.calendar_version)
    .join(Agency, Agency.province_id == Province.id)
    .where(Agency.id == bindparam("b_agency"))
)


@dataclass(frozen=True)
class _Cached:
    version: int
    calendar: BusinessCalendar


class CalendarCache:
    """Calendars by province id, rebuilt when the province's `calendar_version` moves."""

    def __init__(self, default: BusinessCalendar | None = None) -> None:
        self.default = default or BusinessCalendar()
        self._items: dict[int, _Cached] = {}
        self._lock = Lock()

    def for_agency(self, uow: UnitOfWork, agency_id: int) -> BusinessCalendar:
        """The calendar of the agency's province (the national default without one)."""
        row = uow.connection.execute(_AGENCY_PROVINCE, {"b_agency": agency_id}).one_or_none()
        if row is None:
            return self.default
        return self.for_province(uow, row.id, row.calendar_version)

    def for_province(self, uow: UnitOfWork, province_id: int, version: int) -> BusinessCalendar:
        """The calendar of one province at `version`, read from the database when stale."""
        with self._lock:
            cached = self._items.get(province_id)
        if cached is not None and cached.version == version:
            return cached.calendar
        province = uow.session.get(Province, province_id)
        if province is None:
            return self.default
        days = uow.session.scalars(
            select(CalendarDay).where(CalendarDay.province_id == province_id)).all()
        calendar = BusinessCalendar(
            periods=tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in province.periods),
            extra_days_off=frozenset(d.day for d in days if d.kind == "off"),
            extra_working_days=frozenset(d.day for d in days if d.kind == "working"),
        )
        with self._lock:
            self._items[province_id] = _Cached(province.calendar_version, calendar)
        return calendar


def calendar_for(uow: UnitOfWork, agency_id: int) -> BusinessCalendar:
    """The business calendar of an agency's province (the cache the unit of work carries)."""
    return uow.port(CalendarCache).for_agency(uow, agency_id)


def calendar_of_province(
    uow: UnitOfWork, province_id: int | None, version: int
) -> BusinessCalendar:
    """The calendar of a province whose `calendar_version` the caller has just read (with
    its dossier's row), without a query unless it changed; None is the national default."""
    cache = uow.port(CalendarCache)
    return cache.default if province_id is None else cache.for_province(uow, province_id, version)


def default_calendar(uow: UnitOfWork) -> BusinessCalendar:
    """The national calendar, for work not tied to one agency."""
    return uow.port(CalendarCache).default


def default_periods() -> list[list[str]]:
    """The default working hours as stored (["07:00", "11:30"], ["13:30", "17:00"])."""
    return [[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in DEFAULT_PERIODS]


def province_calendar(uow: UnitOfWork, name: str) -> BusinessCalendar:
    """The calendar of a province by name (`NotFound` for an unknown province)."""
    province = uow.session.scalar(select(Province).where(Province.name == name))
    if province is None:
        raise NotFound(f"Không có tỉnh '{name}'.")
    return uow.port(CalendarCache).for_province(uow, province.id, province.calendar_version)


def list_provinces(uow: UnitOfWork) -> list[str]:
    """Names of the provinces, alphabetically."""
    return list(uow.session.scalars(select(Province.name).order_by(Province.name)))


def list_days(uow: UnitOfWork, *, province: str, year: int) -> list[dict[str, Any]]:
    """The overrides of one province in one year, in date order."""
    found = uow.session.scalar(select(Province).where(Province.name == province))
    if found is None:
        raise NotFound(f"Không có tỉnh '{province}'.")
    days = uow.session.scalars(
        select(CalendarDay)
        .where(CalendarDay.province_id == found.id,
               CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day)).all()
    return [{"day": d.day.isoformat(), "kind": d.kind, "label": DAY_KINDS[d.kind],
             "reason": d.reason, "created_at": local_iso(d.created_at)} for d in days]


def built_in_days(year: int) -> list[dict[str, str]]:
    """The national calendar's days of `year` (holidays, the government's swapped days),
    read-only: a province cannot take them back, only add its own."""
    return [{"day": d.isoformat(), "shown": d.strftime("%d/%m/%Y"), "weekday": WEEKDAYS[d.weekday()],
             "kind": kind, "label": DAY_KINDS[kind], "name": name} for d, kind, name in national_days(year)]


def check_day_change(day: date, kind: str | None, existing: str | None, *, replace: bool) -> None:
    """Refuse a working day that is not a weekend day (a make-up day replaces a Saturday or
    Sunday), and a change of an override's kind unless `replace` says it is meant."""
    shown = day.strftime("%d/%m/%Y")
    if kind == "working" and day.weekday() < 5:
        raise Invalid(f"Ngày {shown} là {WEEKDAYS[day.weekday()]}, vốn đã là ngày làm việc: ngày làm "
                      "việc (làm bù) phải là Thứ Bảy hoặc Chủ nhật.")
    if kind is not None and existing is not None and existing != kind and not replace:
        raise Conflict(f"Ngày {shown} đang là {_KIND_WORDS[existing]}; thay bằng "
                       f"{_KIND_WORDS[kind]}?")


def parse_instant(text: str) -> datetime:
    """An ISO-8601 instant; without an offset it is Vietnam time."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=VN_TZ)
