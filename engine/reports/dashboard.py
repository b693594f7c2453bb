"""What leaders look at rather than read, and what the public is shown.

- `dashboard`: the on-time rate of each agency month by month (with how many dossiers
  were resolved, so a month with none says so), dossiers by national status now, the
  slowest procedures of the period by name, open tasks per officer (with the account, so
  each count links to the tasks it counts).
- `public_figures`: per agency and for the province, the year so far — dossiers
  handled, the on-time rate, satisfaction (QĐ 766 5.4) — published without login, as the
  seeds require results to be (Tuyên Quang art. 28.4; Trà Vinh art. 5.6).

The on-time rate is indicator 2.1 (`engine.indicators`): not late among resolved, plus
open within deadline or paused, over resolved + open + paused.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, select

from engine.core.actors import Actor
from engine.core.models import Account, Agency, Dossier, Feedback, Procedure, Task
from engine.core.statuses import STATUS_LABELS
from engine.core.uow import UnitOfWork
from engine.reports.indicators import complained
from engine.reports.statistics import Period, Row, aggregate, scope_of


def on_time_rate(row: Row) -> float | None:
    """Indicator 2.1 of a report row."""
    handled = row.resolved + row.in_progress + row.paused
    good = row.early + row.on_time + row.within + row.paused
    return round(good / handled, 4) if handled else None


def _months(end: date, count: int) -> list[Period]:
    periods = []
    first = end.replace(day=1)
    for _ in range(count):
        last = min(end, (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1))
        periods.append(Period(first, last))
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(periods))


def dashboard(uow: UnitOfWork, *, actor: Actor, agency_code: str | None, today: date,
              months: int = 6) -> dict[str, Any]:
    """The leader's dashboard for their agency (administrators: any, or the province)."""
    agencies = scope_of(uow, actor, agency_code)
    ids = [a.id for a in agencies]
    trend = []
    for period in _months(today, months):
        rows = aggregate(uow, agencies, period)
        trend.append({"month": period.start.strftime("%m/%Y"),
                      "start": period.start.isoformat(), "end": period.end.isoformat(),
                      "agencies": {a.code: on_time_rate(rows.get(a.id, Row())) for a in agencies},
                      "resolved": {a.code: rows.get(a.id, Row()).resolved for a in agencies}})
    statuses = [{"status": status, "label": STATUS_LABELS[status], "count": n}
                for status, n in uow.session.execute(
                    select(Dossier.status, func.count()).where(Dossier.agency_id.in_(ids))
                    .group_by(Dossier.status).order_by(Dossier.status))]
    this_month = _months(today, 1)[0]
    slowest = sorted(((code, row) for code, row in aggregate(
        uow, agencies, Period(today - timedelta(days=89), today), by="procedure").items()
        if row.days_count), key=lambda item: -item[1].days_total / item[1].days_count)[:5]
    workload = [{"officer": name or "Chưa phân công", "officer_id": account, "open": n,
                 "overdue": int(late or 0)}
                for account, name, n, late in uow.session.execute(
                    select(Account.id, Account.full_name, func.count(Task.id),
                           func.sum(case((Task.due_at < uow.clock.now(), 1), else_=0)))
                    .outerjoin(Account, Task.assignee_id == Account.id)
                    .where(Task.agency_id.in_(ids), Task.state == "open")
                    .group_by(Account.id, Account.full_name)
                    .order_by(func.count(Task.id).desc(), Account.full_name))]
    names = {str(code): str(name) for code, name in uow.session.execute(
        select(Procedure.code, Procedure.name).where(
            Procedure.code.in_([code for code, _ in slowest])).distinct())}
    return {"agencies": [{"code": a.code, "name": a.name} for a in agencies],
            "trend": trend, "statuses": statuses, "month": this_month.start.strftime("%m/%Y"),
            "slowest": [{"code": code, "name": names.get(code, code),
                         "average_days": round(row.days_total / row.days_count, 1),
                         "count": row.days_count} for code, row in slowest],
            "workload": workload}


def public_figures(uow: UnitOfWork, *, today: date) -> dict[str, Any]:
    """The year so far, per agency and for the province; anyone may read it."""
    agencies = list(uow.session.scalars(select(Agency).order_by(Agency.code)))
    period = Period(today.replace(month=1, day=1), today)
    rows = aggregate(uow, agencies, period)
    answered: dict[int, int] = {agency_id: count for agency_id, count in uow.session.execute(
        select(Feedback.agency_id, func.count()).where(
            Feedback.answered_at >= period.opens, Feedback.answered_at < period.closes)
        .group_by(Feedback.agency_id))}
    complaints = complained(uow, [a.id for a in agencies], period)
    total = Row()
    figures = []
    for agency in agencies:
        row = rows.get(agency.id, Row())
        total.add(row)
        figures.append({"code": agency.code, "name": agency.name,
                        **_public(row, complaints.get(agency.id, 0), answered.get(agency.id, 0))})
    return {"period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
            "agencies": figures,
            "province": _public(total, sum(complaints.values()), sum(answered.values()))}


def _public(row: Row, complaints: int, answered: int) -> dict[str, Any]:
    """On-time rate, and satisfaction as QĐ 766 5.4 counts it: 100% − late rate −
    rate of resolved dossiers with a complaint or a "not satisfied" rating."""
    late_rate = row.late / row.resolved if row.resolved else 0.0
    complaint_rate = complaints / row.resolved if row.resolved else 0.0
    return {"received": row.received, "resolved": row.resolved, "on_time_rate": on_time_rate(row),
            "satisfaction": round(max(0.0, 1 - late_rate - complaint_rate), 4)
            if row.resolved else None,
            "answered_feedback": answered}
