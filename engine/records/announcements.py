"""Announcements of maintenance and incidents, shown on every page (Tiền Giang 2025 art. 9;
Đồng Tháp art. 21; Tuyên Quang art. 11.1), and the outages they declare.

A notice is shown from the moment it is published until the end of its window (an
upcoming maintenance says when it will start). A maintenance announced later than the
province's minimum notice (`Province.maintenance_notice_days`, 3 calendar days unless the
province sets more: Tiền Giang 2025 art. 9.2 asks 8 working hours, Đồng Tháp art. 21.2 five
working days) is published anyway, with a warning kept on the notice. An incident may be
declared an outage: its window bounds the dossiers the desk enters afterwards with their
true reception time (`engine.applicants.back_entry`). Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from engine.core.actors import Actor
from engine.core.clock import VN_TZ
from engine.core.errors import Forbidden, FormInvalid, Invalid, NotFound
from engine.core.models import Account, Announcement, Dossier, Province
from engine.core.permissions import is_admin_account
from engine.core.statuses import OPEN_STATUSES
from engine.core.uow import UnitOfWork
from engine.records.mail_words import SIGNATURE, mail_subject
from engine.records.outbox import enqueue

KINDS = {"maintenance": "Bảo trì, nâng cấp hệ thống", "incident": "Sự cố hệ thống"}
DEFAULT_NOTICE_DAYS = 3
TITLE_MAX, BODY_MAX = 200, 2000
LONGEST = timedelta(days=31)  # a window longer than a month is a typing mistake


@dataclass(frozen=True)
class NewAnnouncement:
    """What the administrator writes: kind, title, body, the window (aware instants)."""

    kind: str
    title: str
    body: str
    starts_at: datetime | None
    ends_at: datetime | None
    outage: bool = False
    notify_applicants: bool = False


def _require_admin(actor: Actor) -> None:
    if not is_admin_account(actor):
        raise Forbidden("Chỉ quản trị hệ thống của tỉnh được đăng thông báo.")


def _problems(values: NewAnnouncement) -> list[dict[str, str]]:
    """Each wrong field named, in Vietnamese."""
    problems = []
    if values.kind not in KINDS:
        problems.append({"field": "kind", "message": "Chọn loại thông báo: bảo trì hoặc sự cố."})
    if not values.title.strip() or len(values.title) > TITLE_MAX:
        problems.append({"field": "title", "message": f"Nhập tiêu đề (tối đa {TITLE_MAX} ký tự)."})
    if not values.body.strip() or len(values.body) > BODY_MAX:
        problems.append({"field": "body", "message": f"Nhập nội dung (tối đa {BODY_MAX} ký tự)."})
    if values.starts_at is None:
        problems.append({"field": "starts_at", "message": "Nhập thời điểm bắt đầu."})
    if values.ends_at is None:
        problems.append({"field": "ends_at", "message": "Nhập thời điểm kết thúc."})
    if values.starts_at and values.ends_at:
        if values.ends_at <= values.starts_at:
            problems.append({"field": "ends_at", "message": "Thời điểm kết thúc phải sau thời điểm bắt đầu."})
        elif values.ends_at - values.starts_at > LONGEST:
            problems.append({"field": "ends_at", "message": "Khoảng thời gian dài quá 31 ngày."})
    if values.outage and values.kind != "incident":
        problems.append({"field": "outage", "message": "Chỉ thông báo sự cố mới được xác nhận là gián đoạn."})
    return problems


def notice_days(uow: UnitOfWork) -> int:
    """The minimum notice for a maintenance, in calendar days: the strictest province's."""
    days = uow.session.scalar(select(func.max(Province.maintenance_notice_days)))
    return int(days) if days is not None else DEFAULT_NOTICE_DAYS


def short_notice_warning(uow: UnitOfWork, *, kind: str, starts_at: datetime) -> str | None:
    """The warning when a maintenance starts sooner than the minimum notice, else None."""
    days = notice_days(uow)
    if kind != "maintenance" or starts_at - uow.clock.now() >= timedelta(days=days):
        return None
    return (
        f"Bảo trì được báo trước chưa đủ {days} ngày theo quy chế của tỉnh; thông báo vẫn "
        "được đăng, hãy báo thêm cho các cơ quan bằng hình thức phù hợp."
    )


def create_announcement(uow: UnitOfWork, *, actor: Actor, values: NewAnnouncement) -> dict[str, Any]:
    """Publish a notice; returns it with `warning` when the notice is short (not refused).
    With `notify_applicants`, every applicant with a dossier in progress is told through the
    outbox (in-system notice, e-mail, SMS), in the same transaction."""
    _require_admin(actor)
    problems = _problems(values)
    if problems:
        raise FormInvalid("Thông báo chưa hợp lệ.", details=problems)
    assert values.starts_at is not None and values.ends_at is not None  # checked above
    warning = short_notice_warning(uow, kind=values.kind, starts_at=values.starts_at)
    row = Announcement(
        kind=values.kind,
        title=values.title.strip(),
        body=values.body.strip(),
        starts_at=values.starts_at,
        ends_at=values.ends_at,
        outage=values.outage,
        short_notice=warning is not None,
        created_by_id=actor.account_id,
        created_at=uow.clock.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    if values.notify_applicants:
        row.applicants_notified = _notify_applicants(uow, row)
    uow.audit(
        "announcement.create",
        actor_id=actor.account_id,
        object_type="announcement",
        object_id=str(row.id),
        summary={
            "kind": row.kind,
            "title": row.title,
            "starts_at": row.starts_at.isoformat(),
            "ends_at": row.ends_at.isoformat(),
            "outage": row.outage,
            "short_notice": row.short_notice,
            "notified": row.applicants_notified,
        },
    )
    view = _view(row)
    uow.commit()
    return {**view, "warning": warning}


def _notify_applicants(uow: UnitOfWork, row: Announcement) -> int:
    """Tell each applicant with a dossier in progress once: their account's notices, else
    the contact written at the desk. Returns how many applicants were told."""
    found = uow.session.execute(
        select(Dossier.owner_id, Account.email, Dossier.contact_email, Dossier.contact_phone)
        .outerjoin(Account, Account.id == Dossier.owner_id)
        .where(Dossier.status.in_([int(s) for s in OPEN_STATUSES]))
    ).all()
    subject = f"[{KINDS[row.kind]}] {row.title}"
    body = f"{row.body}\n\nThời gian: {_window_text(row)}."
    seen: set[object] = set()
    for owner_id, account_email, contact_email, phone in found:
        key = owner_id if owner_id is not None else (contact_email, phone)
        if key in seen or (owner_id is None and not contact_email and not phone):
            continue
        seen.add(key)
        if owner_id is not None:
            enqueue(
                uow,
                channel="web",
                recipient=str(owner_id),
                subject=subject,
                body=body,
                account_id=owner_id,
                delivered=True,
            )
        email = account_email or contact_email
        if email:
            enqueue(uow, channel="email", recipient=email, subject=mail_subject(subject),
                    body=f"{body}\n\n{SIGNATURE}",
                    account_id=owner_id)
        if phone and owner_id is None:
            enqueue(uow, channel="sms", recipient=phone, subject=subject, body=subject)
    return len(seen)


def _get(uow: UnitOfWork, announcement_id: int) -> Announcement:
    row = uow.session.get(Announcement, announcement_id)
    if row is None:
        raise NotFound("Không có thông báo này.")
    return row


def withdraw_announcement(uow: UnitOfWork, *, actor: Actor, announcement_id: int) -> dict[str, Any]:
    """Stop showing a notice (kept, with its outage window, for the record); audited."""
    _require_admin(actor)
    row = _get(uow, announcement_id)
    if row.withdrawn_at is None:
        row.withdrawn_at = uow.clock.now()
        uow.audit(
            "announcement.withdraw",
            actor_id=actor.account_id,
            object_type="announcement",
            object_id=str(row.id),
            summary={"title": row.title},
        )
    view = _view(row)
    uow.commit()
    return view


def declare_outage(
    uow: UnitOfWork, *, actor: Actor, announcement_id: int, starts_at: datetime, ends_at: datetime
) -> dict[str, Any]:
    """Declare an incident an outage with the window the system was really down (it may
    differ from the one announced); a paper dossier received inside it may be entered later
    with its true reception time. The window must have started already; audited."""
    _require_admin(actor)
    row = _get(uow, announcement_id)
    if row.kind != "incident":
        raise Invalid("Chỉ thông báo sự cố mới được xác nhận là gián đoạn.")
    if ends_at <= starts_at:
        raise Invalid("Thời điểm kết thúc gián đoạn phải sau thời điểm bắt đầu.")
    if starts_at > uow.clock.now():
        raise Invalid("Gián đoạn chưa bắt đầu: thời điểm bắt đầu ở tương lai.")
    if ends_at - starts_at > LONGEST:
        raise Invalid("Khoảng gián đoạn dài quá 31 ngày.")
    row.outage, row.starts_at, row.ends_at = True, starts_at, ends_at
    uow.audit(
        "announcement.outage",
        actor_id=actor.account_id,
        object_type="announcement",
        object_id=str(row.id),
        summary={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    view = _view(row)
    uow.commit()
    return view


def current_announcements(uow: UnitOfWork) -> list[dict[str, Any]]:
    """The notices every page shows now: published, not withdrawn, window not over."""
    rows = uow.session.scalars(
        select(Announcement)
        .where(
            Announcement.withdrawn_at.is_(None),
            Announcement.ends_at > uow.clock.now(),
            Announcement.created_at <= uow.clock.now(),
        )
        .order_by(Announcement.starts_at, Announcement.id)
        .limit(5)
    )
    now = uow.clock.now()
    return [{**_view(r), "ongoing": r.starts_at <= now} for r in rows]


def list_announcements(uow: UnitOfWork, *, actor: Actor, limit: int = 100) -> list[dict[str, Any]]:
    """Every notice, newest first, for the administrators' page."""
    _require_admin(actor)
    rows = uow.session.scalars(select(Announcement).order_by(Announcement.id.desc()).limit(limit))
    return [_view(r) for r in rows]


def outage_windows(uow: UnitOfWork, *, include_withdrawn: bool = True) -> list[dict[str, Any]]:
    """Declared outages, newest first: the windows a dossier may be back-entered in."""
    query = select(Announcement).where(Announcement.outage.is_(True))
    if not include_withdrawn:
        query = query.where(Announcement.withdrawn_at.is_(None))
    return [_view(r) for r in uow.session.scalars(query.order_by(Announcement.starts_at.desc()))]


def outage_window(uow: UnitOfWork, announcement_id: int) -> dict[str, Any]:
    """One declared outage, or `Invalid` naming why it cannot take back-entered dossiers."""
    row = uow.session.get(Announcement, announcement_id)
    if row is None or not row.outage:
        raise Invalid("Chỉ nhập bù hồ sơ trong một đợt gián đoạn hệ thống đã được xác nhận.")
    return _view(row)


def _window_text(row: Announcement) -> str:
    start, end = row.starts_at.astimezone(VN_TZ), row.ends_at.astimezone(VN_TZ)
    return f"từ {start:%H:%M} ngày {start:%d/%m/%Y} đến {end:%H:%M} ngày {end:%d/%m/%Y}"


def _view(row: Announcement) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "kind_label": KINDS.get(row.kind, row.kind),
        "title": row.title,
        "body": row.body,
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "window": _window_text(row),
        "outage": row.outage,
        "short_notice": row.short_notice,
        "applicants_notified": row.applicants_notified,
        "created_at": row.created_at,
        "withdrawn_at": row.withdrawn_at,
    }
