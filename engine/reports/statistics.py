"""Statistics of dossiers for a period, in the standard layout of Vietnamese one-stop
systems (Tuyên Quang seed art. 28, 33; Đồng Tháp art. 19, 34; Trà Vinh art. 5.3–5.6):

    received   = carried over + new online + new at the desk + new by post
    resolved   = early + on time + late          (ended within the period)
    in progress= within deadline + past deadline (received, not ended at the period's end)
    paused     = waiting for a supplement at the period's end
    plus refused, withdrawn, returned (handed back), the supplement rounds of the dossiers
    resolved, extensions granted within the period.

"On time" follows `engine.lateness.classify` (end ≤ due time; early = an earlier day),
with QĐ 766's rule that more than one supplement request makes a dossier late.
Everything is computed from each dossier's own timestamps (submitted, received, due,
ended, returned, supplement, extension), so a past period reads the same tomorrow.
Resolution time is in calendar days from reception to the end, without paused time.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal_column, or_, select

from engine.core.actors import Actor
from engine.core.clock import VN_TZ
from engine.core.errors import Forbidden, Invalid, NotFound
from engine.core.models import Agency, Dossier, Procedure, ProcedureVersion, Task
from engine.core.permissions import is_administrator, led_agencies, may_read_reports, may_see_step_times
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.procedures.versions import find_version

CHANNELS = ("online", "desk", "post")
# Not received (refusals after processing end with outcome "refused").
REFUSED_STATUSES = (Status.NOT_RECEIVED,)
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included, in Vietnam time."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start or (self.end - self.start).days >= MAX_DAYS:
            raise Invalid("Khoảng thời gian không hợp lệ (từ ngày ≤ đến ngày, tối đa một năm).")

    @property
    def opens(self) -> datetime:
        """The first instant of the period."""
        return datetime.combine(self.start, time(), VN_TZ)

    @property
    def closes(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), time(), VN_TZ)


# The whole-number counts of a row, each summed in the database under its own name.
COUNTS = ("carried_over", "early", "on_time", "late", "within", "past", "paused", "refused",
          "withdrawn", "returned", "extensions", "supplement_rounds")


@dataclass
class Row:
    """The counts of one agency (or one procedure, or the whole scope)."""

    carried_over: int = 0
    new: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    early: int = 0
    on_time: int = 0
    late: int = 0
    within: int = 0
    past: int = 0
    paused: int = 0
    refused: int = 0
    withdrawn: int = 0
    returned: int = 0
    supplement_rounds: int = 0
    extensions: int = 0
    days_total: float = 0.0
    days_count: int = 0
    days_median: float | None = None

    @property
    def received(self) -> int:
        """Carried over plus new."""
        return self.carried_over + sum(self.new.values())

    @property
    def resolved(self) -> int:
        """Ended within the period."""
        return self.early + self.on_time + self.late

    @property
    def in_progress(self) -> int:
        """Not ended at the period's end."""
        return self.within + self.past

    def add(self, other: Row) -> None:
        """Add another row's counts (a total of agencies; the median is not additive)."""
        for name in (*COUNTS, "days_total", "days_count"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for channel in CHANNELS:
            self.new[channel] += other.new[channel]

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers for pages, exports and the API."""
        return {
            "received": {"total": self.received, "carried_over": self.carried_over,
                         **{f"new_{c}": n for c, n in self.new.items()},
                         "new": sum(self.new.values())},
            "resolved": {"total": self.resolved, "early": self.early, "on_time": self.on_time,
                         "late": self.late},
            "in_progress": {"total": self.in_progress, "within": self.within, "past": self.past},
            "paused": self.paused, "refused": self.refused, "withdrawn": self.withdrawn,
            "returned": self.returned, "supplement_rounds": self.supplement_rounds,
            "extensions": self.extensions,
            "resolution_days": {
                "count": self.days_count,
                "total": round(self.days_total, 2),
                "average": round(self.days_total / self.days_count, 2) if self.days_count else None,
                "median": None if self.days_median is None else round(self.days_median, 2),
            },
        }


def reportable_agencies(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, str]]:
    """The agencies whose reports an actor may read (code and name)."""
    query = select(Agency).order_by(Agency.code)
    if not is_administrator(actor):
        query = query.where(Agency.id.in_(led_agencies(actor)))
    return [{"code": a.code, "name": a.name} for a in uow.session.scalars(query)]


def tracking_book_agencies(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, str]]:
    """The agencies whose tracking book (Mẫu 06) an actor may read (code and name): the
    agencies it holds a role in, every agency for administrators (`may_read_tracking_book`)."""
    query = select(Agency).order_by(Agency.code)
    if not is_administrator(actor):
        query = query.where(Agency.id.in_(actor.agencies()))
    return [{"code": a.code, "name": a.name} for a in uow.session.scalars(query)]


def scope_of(uow: UnitOfWork, actor: Actor, agency_code: str | None) -> list[Agency]:
    """The agencies a report covers: the named one and its sub-units (its leaders, or
    administrators), or every agency (administrators only)."""
    if agency_code:
        agency = uow.session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            raise NotFound(f"Không có cơ quan mã {agency_code}.")
        if not may_read_reports(actor, agency.id):
            raise Forbidden("Chỉ lãnh đạo cơ quan và quản trị hệ thống xem báo cáo của cơ quan.")
        return _with_sub_units(uow, agency)
    if not is_administrator(actor):
        raise Forbidden("Chỉ quản trị hệ thống xem báo cáo toàn tỉnh.")
    return list(uow.session.scalars(select(Agency).order_by(Agency.code)))


def _with_sub_units(uow: UnitOfWork, agency: Agency) -> list[Agency]:
    """An agency, then its sub-units at every depth, each once."""
    found, frontier = [agency], [agency.id]
    while frontier:
        children = list(uow.session.scalars(select(Agency).where(Agency.parent_id.in_(frontier))
                                            .order_by(Agency.code)))
        children = [c for c in children if c not in found]
        found += children
        frontier = [c.id for c in children]
    return found


def _vn_date(uow: UnitOfWork, column: Any) -> Any:
    """The Vietnam calendar day of a stored (naive UTC) instant; Vietnam keeps UTC+7."""
    if uow.dialect == "postgresql":
        return func.date(column + literal_column("interval '7 hours'"))
    return func.date(column, "+7 hours")


def _seconds(uow: UnitOfWork, later: Any, earlier: Any) -> Any:
    if uow.dialect == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400


def _rules(uow: UnitOfWork, period: Period) -> dict[str, Any]:
    """The module docstring's rules as SQL conditions on one dossier."""
    d = Dossier
    opens, closes = period.opens, period.closes
    ended_in = and_(d.ended_at >= opens, d.ended_at < closes)
    resolved = and_(ended_in, d.status.not_in((*REFUSED_STATUSES, Status.WITHDRAWN)))
    late = and_(resolved, or_(and_(d.due_at.is_not(None), d.ended_at > d.due_at),
                              d.supplement_rounds > 1))
    early = and_(resolved, ~late, d.due_at.is_not(None),
                 _vn_date(uow, d.ended_at) < _vn_date(uow, d.due_at))
    still_open = and_(or_(d.ended_at.is_(None), d.ended_at >= closes),
                      d.received_at.is_not(None), d.received_at < closes)
    paused = and_(still_open, d.status == Status.SUPPLEMENT,
                  d.supplement_requested_at.is_not(None), d.supplement_requested_at < closes)
    past = and_(still_open, ~paused, d.due_at.is_not(None), d.due_at < closes)
    timed = and_(resolved, d.received_at.is_not(None))
    return {
        **{f"new_{c}": and_(d.submitted_at >= opens, d.channel == c) for c in CHANNELS},
        "carried_over": and_(d.submitted_at < opens, or_(d.ended_at.is_(None), d.ended_at >= opens)),
        "early": early, "late": late, "on_time": and_(resolved, ~late, ~early),
        "within": and_(still_open, ~paused, ~past), "past": past, "paused": paused,
        "refused": and_(ended_in, or_(d.status.in_(REFUSED_STATUSES),
                                      and_(resolved, d.outcome == "refused"))),
        "withdrawn": and_(ended_in, d.status == Status.WITHDRAWN),
        "returned": and_(d.returned_at >= opens, d.returned_at < closes),
        "extensions": and_(d.extended_at >= opens, d.extended_at < closes),
        "_resolved": resolved, "_timed": timed,
    }


def _in_period(period: Period) -> Any:
    """The dossiers a period looks at: submitted before its end, not over before its start."""
    return and_(Dossier.submitted_at < period.closes,
                or_(Dossier.ended_at.is_(None), Dossier.ended_at >= period.opens,
                    Dossier.returned_at >= period.opens))


def aggregate(uow: UnitOfWork, agencies: list[Agency], period: Period, *, by: str = "agency",
              procedure: str | None = None, channel: str | None = None) -> dict[Any, Row]:
    """One `Row` per agency id (`by="agency"`) or procedure code (`by="procedure"`), counted
    in the database in one pass; medians from a second, narrower query."""
    rules = _rules(uow, period)
    days = case((rules["_timed"], _seconds(uow, Dossier.ended_at, Dossier.received_at)
                 - Dossier.paused_seconds), else_=None)
    key = Dossier.agency_id if by == "agency" else Procedure.code
    counted = [func.sum(case((condition, 1), else_=0)).label(name)
               for name, condition in rules.items() if not name.startswith("_")]
    query = (select(key.label("key"), *counted,
                    func.sum(case((rules["_resolved"], Dossier.supplement_rounds), else_=0))
                    .label("supplement_rounds"),
                    func.sum(days).label("seconds"), func.count(days).label("timed"))
             .join(ProcedureVersion, Dossier.version_id == ProcedureVersion.id)
             .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
             .where(Dossier.agency_id.in_([a.id for a in agencies]), _in_period(period))
             .group_by(key))
    if procedure:
        query = query.where(Procedure.code == procedure)
    if channel:
        query = query.where(Dossier.channel == channel)
    rows: dict[Any, Row] = {}
    for found in uow.session.execute(query).mappings():
        row = Row(new={c: int(found[f"new_{c}"] or 0) for c in CHANNELS})
        for name in COUNTS:
            setattr(row, name, int(found[name] or 0))
        row.days_count = int(found["timed"] or 0)
        row.days_total = max(float(found["seconds"] or 0), 0.0) / 86400
        rows[found["key"]] = row
    return rows


def _medians(uow: UnitOfWork, agencies: list[Agency], period: Period, procedure: str | None,
             channel: str | None) -> dict[Any, float]:
    """Median resolution days per agency id, per procedure code, and "*" for all."""
    rules = _rules(uow, period)
    query = (select(Dossier.agency_id, Procedure.code,
                    _seconds(uow, Dossier.ended_at, Dossier.received_at)
                    - Dossier.paused_seconds)
             .join(ProcedureVersion, Dossier.version_id == ProcedureVersion.id)
             .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
             .where(Dossier.agency_id.in_([a.id for a in agencies]), rules["_timed"]))
    if procedure:
        query = query.where(Procedure.code == procedure)
    if channel:
        query = query.where(Dossier.channel == channel)
    days: dict[Any, list[float]] = defaultdict(list)
    for agency_id, code, seconds in uow.session.execute(query):
        value = max(float(seconds or 0), 0.0) / 86400
        for key in (agency_id, code, "*"):
            days[key].append(value)
    return {code: statistics.median(values) for code, values in days.items()}


def statistics_report(
    uow: UnitOfWork, *, actor: Actor, period: Period, agency_code: str | None = None,
    procedure: str | None = None, channel: str | None = None,
) -> dict[str, Any]:
    """The standard report: one row per agency and the total, and per procedure the
    average and median resolution time."""
    if channel is not None and channel not in CHANNELS:
        raise Invalid(f"Kênh phải là một trong: {', '.join(CHANNELS)}.")
    agencies = scope_of(uow, actor, agency_code)
    by_agency = aggregate(uow, agencies, period, procedure=procedure, channel=channel)
    by_procedure = aggregate(uow, agencies, period, by="procedure", procedure=procedure,
                             channel=channel)
    medians = _medians(uow, agencies, period, procedure, channel)
    total = Row()
    for row in by_agency.values():
        total.add(row)
    total.days_median = medians.get("*")
    names = _procedure_names(uow, list(by_procedure))
    for key, row in [*by_agency.items(), *by_procedure.items()]:
        row.days_median = medians.get(key)
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "filters": {"agency": agency_code, "procedure": procedure, "channel": channel},
        "agencies": [{"code": a.code, "name": a.name, **by_agency.get(a.id, Row()).as_dict()}
                     for a in agencies],
        "procedures": [{"code": code, "name": names.get(code, code), **row.as_dict()}
                       for code, row in sorted(by_procedure.items(),
                                               key=lambda item: (names.get(item[0], item[0]),
                                                                 item[0]))],
        "total": total.as_dict(),
    }


def _procedure_names(uow: UnitOfWork, codes: list[str]) -> dict[str, str]:
    """The procedures' names by code (people read a report by name, not by 1.009994)."""
    if not codes:
        return {}
    return {code: name for code, name in uow.session.execute(
        select(Procedure.code, Procedure.name).where(Procedure.code.in_(codes))
        .order_by(Procedure.id))}


def step_times(uow: UnitOfWork, *, actor: Actor, agency_code: str, code: str, number: int,
               period: Period | None = None) -> dict[str, Any]:
    """Where a procedure version loses time: per user task, how many were completed, the
    median and 90th-percentile hours from creation to completion, and the share completed
    after their due time — from the task history of the version's dossiers."""
    version = find_version(uow, agency_code=agency_code, code=code, number=number)
    if not may_see_step_times(actor, version.procedure.agency_id):
        raise NotFound(f"Không có phiên bản {number} của thủ tục {code}.")
    query = (select(Task.bpmn_id, Task.created_at, Task.completed_at, Task.due_at)
             .join(Dossier, Task.dossier_id == Dossier.id)
             .where(Dossier.version_id == version.id, Task.state == "completed",
                    Task.completed_at.is_not(None)))
    if period is not None:
        query = query.where(Task.completed_at >= period.opens, Task.completed_at < period.closes)
    hours: dict[str, list[float]] = defaultdict(list)
    late: dict[str, int] = defaultdict(int)
    for bpmn_id, created, completed, due in uow.session.execute(query):
        if completed is None:
            continue  # excluded by the query; says so to the type checker
        hours[bpmn_id].append((completed - created).total_seconds() / 3600)
        late[bpmn_id] += 1 if due is not None and completed > due else 0
    steps = {}
    for bpmn_id, values in hours.items():
        values.sort()
        steps[bpmn_id] = {
            "count": len(values), "median_hours": round(statistics.median(values), 1),
            "p90_hours": round(values[math.ceil(0.9 * len(values)) - 1], 1),  # nearest rank
            "late_share": round(late[bpmn_id] / len(values), 3)}
    return {"code": code, "agency": agency_code, "number": number, "steps": steps}
