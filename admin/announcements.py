"""Announcements (`/quan-tri/thong-bao`, the province's administrators): maintenance and
incident notices shown on every page, withdrawn, an incident declared an outage; and the
banner every page shows (a context processor the web app's base template reads lazily)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from admin.common import administrator, bp, uow
from engine import records
from engine.core import VN_TZ, FormInvalid, ServiceError


def parse_local(text: str | None) -> datetime | None:
    """A `datetime-local` field (Vietnam's time) as an aware instant; None when blank or wrong."""
    try:
        return datetime.fromisoformat((text or "").strip()).replace(tzinfo=VN_TZ)
    except ValueError:
        return None


def _local(instant: datetime) -> str:
    """An instant as a `datetime-local` value in Vietnam's time."""
    return instant.astimezone(VN_TZ).strftime("%Y-%m-%dT%H:%M")


def _shown() -> list[dict[str, Any]]:
    with uow() as work:
        return records.current_announcements(work)


@bp.app_context_processor
def announcement_banner() -> dict[str, Callable[[], list[dict[str, Any]]]]:
    """Every page may show the notices in force (the base template asks, once per page)."""
    return {"site_announcements": _shown}


def _page(
    errors: list[dict[str, str]] | None = None, values: dict[str, str] | None = None, status: int = 200
) -> tuple[str, int]:
    actor = administrator()
    with uow() as work:
        listed = [
            {**a, "starts_input": _local(a["starts_at"]), "ends_input": _local(a["ends_at"])}
            for a in records.list_announcements(work, actor=actor)
        ]
        days = records.notice_days(work)
    return render_template(
        "admin_announcements.html",
        announcements=listed,
        days=days,
        kinds=records.ANNOUNCEMENT_KINDS,
        errors=errors or [],
        values=values or {},
    ), status


@bp.get("/thong-bao")
def announcements_page() -> tuple[str, int]:
    """The notices, newest first, and the form to publish one."""
    return _page()


@bp.post("/thong-bao")
def announcement_create() -> Response | tuple[str, int]:
    """Publish a notice; a short notice is published with a warning, a wrong field named."""
    actor = administrator()
    form = request.form
    values = records.NewAnnouncement(
        kind=form.get("kind", ""),
        title=form.get("title", ""),
        body=form.get("body", ""),
        starts_at=parse_local(form.get("starts_at")),
        ends_at=parse_local(form.get("ends_at")),
        outage=form.get("outage") == "1",
        notify_applicants=form.get("notify") == "1",
    )
    try:
        with uow() as work:
            made = records.create_announcement(work, actor=actor, values=values)
    except FormInvalid as exc:
        flash(exc.message, "error")
        return _page(list(exc.details), dict(form.items()), 422)
    except ServiceError as exc:
        flash(exc.message, "error")
        return _page(values=dict(form.items()), status=400)
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
def announcement_outage(announcement_id: int) -> Response:
    """Declare an incident an outage with the window the system was really down."""
    actor = administrator()
    start, end = parse_local(request.form.get("starts_at")), parse_local(request.form.get("ends_at"))
    try:
        if start is None or end is None:
            raise FormInvalid("Nhập thời điểm bắt đầu và kết thúc gián đoạn.")
        with uow() as work:
            made = records.declare_outage(
                work, actor=actor, announcement_id=announcement_id, starts_at=start, ends_at=end
            )
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(
            f"Đã xác nhận gián đoạn {made['window']}; Bộ phận Một cửa nhập bù hồ sơ giấy "
            "nhận trong khoảng này với thời điểm tiếp nhận thực tế.",
            "success",
        )
    return redirect(url_for("admin.announcements_page"), 303)
