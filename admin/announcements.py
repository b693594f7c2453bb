"""Announcements (`/quan-tri/thong-bao`, the province's administrators): maintenance and
incident notices shown on every page, withdrawn, an incident declared an outage; and the
banner every page shows (a context processor the web app's base template reads lazily)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from admin.common import administrator, bp, uow
from engine import records
from engine.core import VN_TZ, FormInvalid, ServiceError
from forms.formats import CLOCK_HINT, DAY_HINT, read_moment

# The window's typed parts: a day (15/01/2027) and a time (08:30), Vietnam time; the
# engine's problems about `starts_at`/`ends_at` are shown at the day's field.
BOUNDS = (("starts", "Bắt đầu"), ("ends", "Kết thúc"))
OUTAGE_BOUNDS = (("starts", "Hệ thống ngừng từ"), ("ends", "Đến"))  # the outage form's words
ENGINE_FIELDS = {"starts_at": "starts_day", "ends_at": "ends_day"}


def read_bound(form: Mapping[str, str], prefix: str, label: str) -> datetime | None:
    """The instant typed in `<prefix>_day` and `<prefix>_time` (Vietnam time); None when
    both are blank; ValueError with what to type, and what was typed, when either is wrong."""
    day, clock = form.get(f"{prefix}_day", "")[:40], form.get(f"{prefix}_time", "")[:40]
    if not day.strip() and not clock.strip():
        return None
    return read_moment(day, clock, label).replace(tzinfo=VN_TZ)


def read_window(
    form: Mapping[str, str], labels: tuple[tuple[str, str], ...] = BOUNDS
) -> tuple[dict[str, datetime | None], list[dict[str, str]]]:
    """The window's bounds as typed (`starts`, `ends`; None when blank or wrong) and the
    problems of those typed wrong, each at its day field, named by the form's `labels`."""
    bounds: dict[str, datetime | None] = {}
    problems = []
    for prefix, label in labels:
        try:
            bounds[prefix] = read_bound(form, prefix, label)
        except ValueError as exc:
            bounds[prefix] = None
            problems.append({"field": f"{prefix}_day", "message": str(exc)})
    return bounds, problems


def typed_parts(instant: datetime) -> tuple[str, str]:
    """An instant as its day and time are typed (15/01/2027, 08:30), in Vietnam's time."""
    local = instant.astimezone(VN_TZ)
    return local.strftime("%d/%m/%Y"), local.strftime("%H:%M")


def _shown() -> list[dict[str, Any]]:
    with uow() as work:
        return records.current_announcements(work)


@bp.app_context_processor
def announcement_banner() -> dict[str, Callable[[], list[dict[str, Any]]]]:
    """Every page may show the notices in force (the base template asks, once per page)."""
    return {"site_announcements": _shown}


def _page(
    errors: list[dict[str, str]] | None = None,
    values: Mapping[str, str] | None = None,
    status: int = 200,
    outage: dict[str, Any] | None = None,
) -> tuple[str, int]:
    """The page; `errors` and `values` are the publish form's, `outage` an outage form
    refused: {id, values as typed, error}."""
    actor = administrator()
    with uow() as work:
        listed = [{**a, "typed": _typed_window(a)} for a in records.list_announcements(work, actor=actor)]
        days = records.notice_days(work)
    return render_template(
        "admin_announcements.html",
        announcements=listed,
        days=days,
        kinds=records.ANNOUNCEMENT_KINDS,
        errors=errors or [],
        values=values or {},
        outage=outage or {},
        outage_labels=OUTAGE_BOUNDS,
        day_hint=DAY_HINT,
        clock_hint=CLOCK_HINT,
    ), status


def _typed_window(announcement: Mapping[str, Any]) -> dict[str, str]:
    """An announcement's window as its outage form shows it to be typed again."""
    typed = {}
    for prefix, _ in BOUNDS:
        typed[f"{prefix}_day"], typed[f"{prefix}_time"] = typed_parts(announcement[f"{prefix}_at"])
    return typed


@bp.get("/thong-bao")
def announcements_page() -> tuple[str, int]:
    """The notices, newest first, and the form to publish one."""
    return _page()


@bp.post("/thong-bao")
def announcement_create() -> Response | tuple[str, int]:
    """Publish a notice; a short notice is published with a warning, a wrong field named
    (a day or time typed wrong with what was typed), everything typed shown again."""
    actor = administrator()
    form = {key: value[:4000] for key, value in request.form.items()}
    bounds, typed_wrong = read_window(form)
    values = records.NewAnnouncement(
        kind=form.get("kind", ""),
        title=form.get("title", ""),
        body=form.get("body", ""),
        starts_at=bounds["starts"],
        ends_at=bounds["ends"],
        outage=form.get("outage") == "1",
        notify_applicants=form.get("notify") == "1",
    )
    try:
        with uow() as work:
            made = records.create_announcement(work, actor=actor, values=values)
    except FormInvalid as exc:
        flash(exc.message, "error")
        wrong = {p["field"] for p in typed_wrong}
        named = [{**p, "field": ENGINE_FIELDS.get(p["field"], p["field"])} for p in exc.details]
        return _page([*typed_wrong, *(p for p in named if p["field"] not in wrong)], form, 422)
    except ServiceError as exc:
        flash(exc.message, "error")
        return _page(values=form, status=400)
    if made["warning"]:
        flash(made["warning"], "error")
    told = f"; đã gửi cho {made['applicants_notified']} người nộp hồ sơ" if values.notify_applicants else ""
    flash(f"Đã đăng thông báo «{made['title']}»{told}.", "success")
    return redirect(url_for("admin.announcements_page"), 303)


@bp.post("/thong-bao/<int:announcement_id>/go")
def announcement_withdraw(announcement_id: int) -> Response:
    """Stop showing a notice."""
    actor = administrator()
    try:
        with uow() as work:
            records.withdraw_announcement(work, actor=actor, announcement_id=announcement_id)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash("Đã gỡ thông báo.", "success")
    return redirect(url_for("admin.announcements_page"), 303)


@bp.post("/thong-bao/<int:announcement_id>/gian-doan")
def announcement_outage(announcement_id: int) -> Response | tuple[str, int]:
    """Declare an incident an outage with the window the system was really down; refused,
    the page is shown again with that form open, what was typed and why."""
    actor = administrator()
    typed = {f"{prefix}_{part}": request.form.get(f"{prefix}_{part}", "")[:40]
             for prefix, _ in BOUNDS for part in ("day", "time")}
    bounds, typed_wrong = read_window(typed, OUTAGE_BOUNDS)
    start, end = bounds["starts"], bounds["ends"]
    try:
        if typed_wrong:
            raise FormInvalid(" ".join(p["message"] for p in typed_wrong))
        if start is None or end is None:
            raise FormInvalid("Nhập ngày và giờ bắt đầu, ngày và giờ kết thúc gián đoạn.")
        with uow() as work:
            made = records.declare_outage(
                work, actor=actor, announcement_id=announcement_id, starts_at=start, ends_at=end
            )
    except ServiceError as exc:
        flash(exc.message, "error")
        return _page(outage={"id": announcement_id, "values": typed, "error": exc.message}, status=422)
    flash(
        f"Đã xác nhận gián đoạn {made['window']}; Bộ phận Một cửa nhập bù hồ sơ giấy "
        "nhận trong khoảng này với thời điểm tiếp nhận thực tế.",
        "success",
    )
    return redirect(url_for("admin.announcements_page"), 303)
