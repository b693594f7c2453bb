"""Procedure administration: the versions of my agency's procedures, upload with its
validation report, and publishing."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from engine import calendars, deadlines, procedures
from engine.actors import Actor
from engine.errors import ServiceError
from engine.platform import Platform
from engine.uow import UnitOfWork

bp = Blueprint("admin", __name__, url_prefix="/quan-tri", template_folder="templates")


def uow() -> UnitOfWork:
    """A unit of work on the platform the web app built."""
    platform: Platform = current_app.extensions["motcua"]
    return platform.uow()


def _staff() -> Actor:
    """The signed-in actor (set by the web app for every request), if staff."""
    actor: Actor = g.actor
    if actor.account_id is None:
        abort(401)
    if actor.kind not in ("officer", "admin"):
        abort(403)
    return actor


@bp.get("/thu-tuc")
def versions() -> str:
    """Versions of the procedures I configure."""
    actor = _staff()
    with uow() as work:
        rows = procedures.list_versions(work, actor=actor)
    agencies = sorted({(r["agency"], r["agency_name"]) for r in rows})
    return render_template("admin_versions.html", rows=rows, agencies=agencies, report=None)


@bp.post("/thu-tuc")
def upload() -> str | tuple[str, int]:
    """Upload a package (.zip): the report is shown; a valid package becomes a draft."""
    actor = _staff()
    package = request.files.get("package")
    agency = request.form.get("agency", "")
    if package is None or not agency:
        abort(400, description="Hãy chọn cơ quan và tệp gói thủ tục (.zip).")
    with uow() as work:
        report, version = procedures.import_package(
            work, actor=actor, agency_code=agency, zip_bytes=package.read(),
            filename=package.filename or "upload.zip")
    with uow() as work:
        rows = procedures.list_versions(work, actor=actor)
    agencies = sorted({(r["agency"], r["agency_name"]) for r in rows} | {(agency, agency)})
    page = render_template("admin_versions.html", rows=rows, agencies=agencies,
                           report=report.as_dict(), stored=version)
    return page if version else (page, 422)


@bp.post("/thu-tuc/<agency>/<code>/<int:number>/cong-bo")
def publish(agency: str, code: str, number: int) -> Response:
    """Publish a version."""
    actor = _staff()
    try:
        with uow() as work:
            procedures.publish_version(work, actor=actor, agency_code=agency, code=code,
                                       number=number)
        flash(f"Đã công bố phiên bản {number} của thủ tục {code}.", "success")
    except ServiceError as exc:
        flash(exc.message, "error")
    return redirect(url_for("admin.versions"), 303)


@bp.get("/lich")
def calendar_page() -> str:
    """A province's calendar overrides for a year, with forms to add and remove days."""
    _admin()
    with uow() as work:
        provinces = calendars.list_provinces(work)
        province = request.args.get("tinh") or (provinces[0] if provinces else "")
        year = request.args.get("nam", type=int) or work.clock.now().year
        days = calendars.list_days(work, province=province, year=year) if province else []
    return render_template("admin_calendar.html", provinces=provinces, province=province,
                           year=year, days=days)


@bp.post("/lich")
def calendar_change() -> Response:
    """Add, change or remove one day's override; due times of open dossiers follow."""
    actor = _admin()
    province = request.form.get("province", "")
    kind = request.form.get("kind") or None
    try:
        day = date.fromisoformat(request.form.get("day", ""))
        with uow() as work:
            result = deadlines.set_calendar_day(work, actor=actor, province=province, day=day,
                                                kind=kind, reason=request.form.get("reason", ""))
    except ValueError:
        flash("Ngày không hợp lệ.", "error")
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Đã cập nhật lịch ngày {day.strftime('%d/%m/%Y')}; "
              f"{result['moved_dossiers']} hồ sơ được tính lại hạn giải quyết.", "success")
    return redirect(url_for("admin.calendar_page", tinh=province), 303)


def _admin() -> Actor:
    actor: Actor = g.actor
    if actor.account_id is None:
        abort(401)
    if actor.kind != "admin":
        abort(403)
    return actor
