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

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, or_, select

from engine.actors import Actor
from engine.calendar import VN_TZ
from engine.errors import Forbidden, Invalid, NotFound
from engine.handover import LEADER_ROLE
from engine.lateness import classify
from engine.models import Agency, Dossier, Procedure, ProcedureVersion
from engine.uow import UnitOfWork

CHANNELS = ("online", "desk", "post")
REFUSED_STATUSES = (3,)  # not received (refusals after processing end with outcome "refused")
WITHDRAWN_STATUS = 7
SUPPLEMENT_STATUS = 5
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
    durations: list[float] = field(default_factory=list)

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
                "count": len(self.durations),
                "average": round(statistics.fmean(self.durations), 2) if self.durations else None,
                "median": round(statistics.median(self.durations), 2) if self.durations else None,
            },
        }


def scope_of(uow: UnitOfWork, actor: Actor, agency_code: str | None) -> list[Agency]:
    """The agencies an actor may report on: administrators any (all when none is named);
    an agency's leaders their own."""
    if agency_code:
        agency = uow.session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            raise NotFound(f"Không có cơ quan mã {agency_code}.")
        if actor.kind not in ("admin", "system") and not actor.has_role(agency.id, LEADER_ROLE):
            raise Forbidden("Chỉ lãnh đạo cơ quan và quản trị hệ thống xem báo cáo của cơ quan.")
        return [agency]
    if actor.kind not in ("admin", "system"):
        raise Forbidden("Chỉ quản trị hệ thống xem báo cáo toàn tỉnh.")
    return list(uow.session.scalars(select(Agency).order_by(Agency.code)))


_FACTS = (
    select(Dossier.agency_id, Procedure.code.label("procedure"), Dossier.channel,
           Dossier.status, Dossier.outcome, Dossier.submitted_at, Dossier.received_at,
           Dossier.due_at, Dossier.ended_at, Dossier.returned_at, Dossier.paused_seconds,
           Dossier.supplement_rounds, Dossier.supplement_requested_at, Dossier.extended_at)
    .join(ProcedureVersion, Dossier.version_id == ProcedureVersion.id)
    .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
)


def dossier_facts(uow: UnitOfWork, agencies: list[Agency], period: Period,
                  procedure: str | None = None, channel: str | None = None) -> list[Any]:
    """The dossiers a period's report looks at: submitted before its end and not ended
    before its start (the rest belong to other periods)."""
    query = _FACTS.where(
        Dossier.agency_id.in_([a.id for a in agencies]),
        Dossier.submitted_at < period.closes,
        or_(Dossier.ended_at.is_(None), Dossier.ended_at >= period.opens,
            and_(Dossier.returned_at.is_not(None), Dossier.returned_at >= period.opens)))
    if procedure:
        query = query.where(Procedure.code == procedure)
    if channel:
        query = query.where(Dossier.channel == channel)
    return list(uow.session.execute(query))


def count(row: Row, fact: Any, period: Period) -> None:
    """Add one dossier to a row (the rules of the module docstring)."""
    opens, closes = period.opens, period.closes
    if fact.submitted_at >= opens:
        row.new[fact.channel if fact.channel in row.new else "online"] += 1
    elif fact.ended_at is None or fact.ended_at >= opens:
        row.carried_over += 1
    ended = fact.ended_at is not None and fact.ended_at < closes
    if fact.ended_at is not None and opens <= fact.ended_at < closes:
        if fact.status in REFUSED_STATUSES:
            row.refused += 1
        elif fact.status == WITHDRAWN_STATUS:
            row.withdrawn += 1
        else:
            verdict = classify(fact.ended_at, fact.due_at) or "on_time"
            if fact.supplement_rounds > 1:
                verdict = "late"  # QĐ 766: more than one supplement request counts as late
            setattr(row, verdict, getattr(row, verdict) + 1)
            if fact.outcome == "refused":
                row.refused += 1
            row.supplement_rounds += fact.supplement_rounds
            if fact.received_at is not None:
                spent = (fact.ended_at - fact.received_at).total_seconds() - fact.paused_seconds
                row.durations.append(max(spent, 0) / 86400)
    elif not ended and fact.received_at is not None and fact.received_at < closes:
        if fact.status == SUPPLEMENT_STATUS and fact.supplement_requested_at is not None and (
                fact.supplement_requested_at < closes):
            row.paused += 1
        elif fact.due_at is not None and fact.due_at < closes:
            row.past += 1
        else:
            row.within += 1
    if fact.returned_at is not None and opens <= fact.returned_at < closes:
        row.returned += 1
    if fact.extended_at is not None and opens <= fact.extended_at < closes:
        row.extensions += 1


def statistics_report(
    uow: UnitOfWork, *, actor: Actor, period: Period, agency_code: str | None = None,
    procedure: str | None = None, channel: str | None = None,
) -> dict[str, Any]:
    """The standard report: one row per agency and the total, and per procedure the
    average and median resolution time."""
    if channel is not None and channel not in CHANNELS:
        raise Invalid(f"Kênh phải là một trong: {', '.join(CHANNELS)}.")
    agencies = scope_of(uow, actor, agency_code)
    rows: dict[int, Row] = {a.id: Row() for a in agencies}
    per_procedure: dict[str, Row] = defaultdict(Row)
    total = Row()
    for fact in dossier_facts(uow, agencies, period, procedure, channel):
        for row in (rows[fact.agency_id], per_procedure[fact.procedure], total):
            count(row, fact, period)
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "filters": {"agency": agency_code, "procedure": procedure, "channel": channel},
        "agencies": [{"code": a.code, "name": a.name, **rows[a.id].as_dict()} for a in agencies],
        "procedures": [{"code": code, **row.as_dict()}
                       for code, row in sorted(per_procedure.items())],
        "total": total.as_dict(),
    }
