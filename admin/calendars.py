"""The provincial calendar (`/quan-tri/lich`, administrators): days off and working days
that differ from the national calendar, year by year."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from admin.common import administrator, bp, uow
from engine import dossiers, legal_clock
from engine.core import Conflict, ServiceError
from forms.formats import read_day


def _page(province: str, year: int | None, confirm: dict[str, str] | None = None,
          kept: dict[str, str] | None = None) -> str:
    """The calendar page of `province` (the first one without) for `year` (this year without),
    with the national days and, when a change needs it, the question to confirm it."""
    with uow() as work:
        provinces = legal_clock.list_provinces(work)
        province = province or (provinces[0] if provinces else "")
        year = min(max(year or work.clock.now().year, 1900), 2200)
        days = legal_clock.list_days(work, province=province, year=year) if province else []
    for d in days:  # 2026-12-31 → 31/12/2026, Thứ Năm
        shown = date.fromisoformat(d["day"])
        d["shown"], d["weekday"] = shown.strftime("%d/%m/%Y"), legal_clock.WEEKDAYS[shown.weekday()]
    return render_template("admin_calendar.html", provinces=provinces, province=province,
                           year=year, days=days, national=legal_clock.built_in_days(year),
                           confirm=confirm, kept=kept or {"day": request.args.get("ngay", "")[:40],
                                                          "kind": "off", "reason": ""})


def moved_words(result: dict[str, Any]) -> str:
    """What a calendar change moved, in words: the dossiers' due times (from reception) and
    the open steps' (a dossier not yet received has only its reception step's)."""
    return (f"tính lại hạn giải quyết của {result['moved_dossiers']} hồ sơ và hạn xử lý của "
            f"{result.get('moved_steps', 0)} bước đang chờ xử lý.")


@bp.get("/lich")
def calendar_page() -> str:
    """A province's calendar overrides for a year, with forms to add and remove days."""
    administrator()
    return _page(request.args.get("tinh", ""), request.args.get("nam", type=int))


@bp.post("/lich")
def calendar_change() -> Response | str:
    """Add, change or remove one day's override; due times of open dossiers follow. Changing
    a day off into a working day (or back) asks first: the page again with the question."""
    actor = administrator()
    province = request.form.get("province", "")
    kind = request.form.get("kind") or None
    reason = request.form.get("reason", "")
    year = None
    try:
        day = read_day(request.form.get("day", "")[:40], "Ngày")
        year = day.year
        with uow() as work:
            result = dossiers.set_calendar_day(work, actor=actor, province=province, day=day,
                                               kind=kind, reason=reason,
                                               replace=request.form.get("replace") == "1")
    except Conflict as exc:
        return _page(province, year, {"question": exc.message, "day": day.strftime("%d/%m/%Y"),
                                      "kind": kind or "", "reason": reason})
    except (ValueError, ServiceError) as exc:  # the form again with what was typed, and why
        return _page(province, year, kept={
            "day": request.form.get("day", "")[:40], "kind": kind or "off", "reason": reason,
            "error": exc.message if isinstance(exc, ServiceError) else str(exc),
            "field": "day" if reason.strip() else "reason"})
    flash(f"Đã cập nhật lịch ngày {day.strftime('%d/%m/%Y')}; {moved_words(result)}", "success")
    return redirect(url_for("admin.calendar_page", tinh=province, nam=year), 303)  # the day's year


def _override(province: str, text: str) -> dict[str, Any]:
    """The override of one day (404 when there is none), with the day as 31/12/2026."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(404)
    with uow() as work:
        days = legal_clock.list_days(work, province=province, year=day.year) if province else []
    found = next((d for d in days if d["day"] == day.isoformat()), None)
    if found is None:
        abort(404)
    return {**found, "shown": day.strftime("%d/%m/%Y")}


@bp.route("/lich/bo", methods=["GET", "POST"])
def calendar_remove() -> Response | str:
    """Confirm removing a day's override, with the reason recorded (the audit, and each open
    dossier whose due time moves)."""
    actor = administrator()
    source = request.form if request.method == "POST" else request.args
    province, text = source.get("tinh", ""), source.get("ngay", "")
    day = _override(province, text)
    reason = request.form.get("reason", "").strip()
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if not reason:
            errors.append({"field": "reason", "message": "Nhập lý do bỏ điều chỉnh ngày này."})
        else:
            try:
                with uow() as work:
                    result = dossiers.set_calendar_day(work, actor=actor, province=province,
                                                       day=date.fromisoformat(text), kind=None, reason=reason)
            except ServiceError as exc:
                errors.append({"field": "reason", "message": exc.message})
            else:
                flash(f"Đã bỏ điều chỉnh ngày {day['shown']}; {moved_words(result)}", "success")
                return redirect(url_for("admin.calendar_page", tinh=province, nam=text[:4]), 303)
    return render_template("admin_calendar_remove.html", province=province, day=day, reason=reason,
                           errors=errors)
