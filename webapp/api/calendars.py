"""Calendars: a province's days off and working days, and its working hours."""

from __future__ import annotations

from flask import Response, jsonify, request

from engine import dossiers, legal_clock
from engine.core import Invalid
from webapp.api.common import bp, iso_date, json_body, signed_in
from webapp.context import uow


@bp.get("/calendars/<province>")
def calendar_days(province: str) -> Response:
    """A province's calendar overrides for a year (`year`, default the current one)."""
    with uow() as work:
        year = request.args.get("year", type=int) or work.clock.now().year
        if not 1900 <= year <= 2200:
            raise Invalid("Tham số 'year' phải là năm từ 1900 đến 2200.")
        return jsonify({"province": province, "year": year,
                        "days": legal_clock.list_days(work, province=province, year=year)})


@bp.put("/calendars/<province>/days/<day>")
def set_calendar_day(province: str, day: str) -> Response:
    """Declare a day off or a working day (`{kind: off|working, reason}`); administrators.
    A PUT sets the day whatever it was (a day off over a working day is no conflict here)."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        return jsonify(dossiers.set_calendar_day(
            work, actor=actor, province=province, day=iso_date(day),
            kind=str(body.get("kind", "")), reason=str(body.get("reason", "")), replace=True))


@bp.put("/calendars/<province>/hours")
def set_working_hours(province: str) -> Response:
    """Set the province's working periods (`{periods: [["07:00","11:30"], ...], reason}`)."""
    actor = signed_in()
    body = json_body()
    periods = body.get("periods")
    if not isinstance(periods, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(t, str) for t in p) for p in periods
    ):
        raise Invalid("Trường 'periods' phải là danh sách các cặp giờ [\"HH:MM\", \"HH:MM\"].")
    with uow() as work:
        return jsonify(dossiers.set_working_hours(work, actor=actor, province=province,
                                                  periods=periods,
                                                  reason=str(body.get("reason", ""))))


@bp.delete("/calendars/<province>/days/<day>")
def delete_calendar_day(province: str, day: str) -> Response:
    """Remove a day's override (`?reason=`); administrators."""
    actor = signed_in()
    with uow() as work:
        return jsonify(dossiers.set_calendar_day(
            work, actor=actor, province=province, day=iso_date(day), kind=None,
            reason=request.args.get("reason", "")))
