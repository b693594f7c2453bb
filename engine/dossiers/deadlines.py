"""The legal clock of a dossier: due times, supplements, the one extension, lateness.

Rules (DOMAIN.md, "Deadlines" and "The dossier lifecycle"; sources in the seeds):
- The clock starts at valid reception (NĐ 61/2018 art. 18), not at submission.
- A supplement request (form 02) stops the clock. In ``restart`` mode the legal time
  restarts from zero when the complete dossier arrives (NĐ 61/2018 art. 19.4); in
  ``pause`` mode the waiting time is added back (QĐ 766 statistics). Asking later than
  3 working days after reception is allowed but flagged.
- An extension (form 04, apology and new date) is granted at most once (NĐ 61/2018
  art. 19.9), requested at least one working day before the due time, and moves the
  due time by no more than ``extension_cap`` × the processing time (Tuyên Quang seed,
  art. 25: 1/3).
- Every move of a due time is kept with its reason and actor (`DeadlineChange`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.clock import VN_TZ, local_iso
from engine.core.errors import Conflict, Forbidden, FormInvalid, Invalid, NotFound
from engine.core.models import Agency, CalendarDay, DeadlineChange, Dossier, Event, Province, Task
from engine.core.text import fold
from engine.core.uow import UnitOfWork
from engine.dossiers.advance import record
from engine.dossiers.submit import find_visible, pick
from engine.legal_clock.calendar import BusinessCalendar
from engine.legal_clock.calendars import DAY_KINDS, CalendarCache, calendar_for
from engine.procedures.cache import loaded_version

SUPPLEMENT_STATUS = 5
PAYMENT_STATUS = 6
SUPPLEMENT_WARNING_DAYS = 3
DEFAULT_EXTENSION_CAP = 1 / 3


def compute_due(
    calendar: BusinessCalendar, *, started: datetime, paused: timedelta, time: dict[str, Any]
) -> datetime:
    """The due time of a clock started at `started`, with `paused` working time added back."""
    return calendar.due(started, float(time["value"]), str(time["unit"]), paused)


def move_due(
    uow: UnitOfWork, dossier: Dossier, new_due: datetime | None, *, kind: str, actor: Actor,
    reason: str,
) -> None:
    uow.session.add(DeadlineChange(
        dossier_id=dossier.id, at=uow.clock.now(), actor_id=actor.account_id, kind=kind,
        old_due_at=dossier.due_at, new_due_at=new_due, reason=reason,
    ))
    dossier.due_at = new_due


def hold(uow: UnitOfWork, dossier: Dossier, status: int) -> None:
    """The dossier waits for its applicant (supplement 5, payment 6): its open steps are
    held, the status it had is kept for `release`."""
    dossier.status_before_supplement = dossier.status
    dossier.status = status
    for task in uow.session.scalars(
        select(Task).where(Task.dossier_id == dossier.id, Task.state == "open")
    ):
        task.state = "suspended"


def release(uow: UnitOfWork, dossier: Dossier) -> None:
    """The applicant answered: back to the status before `hold`, the held steps open."""
    dossier.status = dossier.status_before_supplement or 1
    for task in uow.session.scalars(
        select(Task).where(Task.dossier_id == dossier.id, Task.state == "suspended")
    ):
        task.state = "open"


def _locked(uow: UnitOfWork, actor: Actor, code: str) -> Dossier:
    dossier = find_visible(uow, actor=actor, code=code)
    uow.session.refresh(dossier, with_for_update=True)
    return dossier


def _officer_of(actor: Actor, dossier: Dossier) -> None:
    if actor.kind != "officer" or dossier.agency_id not in actor.agencies():
        raise Forbidden("Chỉ cán bộ của cơ quan giải quyết được thực hiện thao tác này.")


def _open(dossier: Dossier) -> None:
    if dossier.ended_at is not None:
        raise Conflict("Hồ sơ đã kết thúc.")


@dataclass(frozen=True)
class SupplementRequest:
    """What the citizen must add or correct, listed all at once (form 02)."""

    missing: list[str]
    note: str = ""


def request_supplement(
    uow: UnitOfWork, *, actor: Actor, code: str, request: SupplementRequest
) -> dict[str, Any]:
    """Ask the citizen for a supplement (form 02): the clock stops, the dossier's tasks wait.

    NĐ 61/2018 art. 19.4: asked within 3 working days of reception; later requests are
    accepted but answered with a warning, kept in the event.
    """
    dossier = _locked(uow, actor, code)
    _officer_of(actor, dossier)
    _open(dossier)
    if dossier.status == SUPPLEMENT_STATUS:
        raise Conflict("Hồ sơ đang chờ bổ sung.")
    if dossier.status == PAYMENT_STATUS:
        raise Conflict("Hồ sơ đang chờ nộp phí, lệ phí; yêu cầu bổ sung sau khi người dân nộp.")
    items = [m.strip() for m in request.missing if m.strip()]
    if not items:
        raise FormInvalid("Cần liệt kê các giấy tờ, nội dung phải bổ sung.",
                          details=[{"field": "missing", "message": "Vui lòng nhập nội dung cần bổ sung."}])
    calendar = calendar_for(uow, dossier.agency_id)
    now = uow.clock.now()
    warning = None
    if dossier.received_at is not None and calendar.measure(dossier.received_at, now) > (
        SUPPLEMENT_WARNING_DAYS * calendar.day_length
    ):
        warning = ("Yêu cầu bổ sung sau 3 ngày làm việc kể từ khi tiếp nhận "
                   "(NĐ 61/2018, Điều 19 khoản 4).")
    hold(uow, dossier, SUPPLEMENT_STATUS)
    dossier.supplement_requested_at = now
    if dossier.received_at is not None:
        dossier.supplement_rounds += 1
    uow.session.flush()
    uow.add_event({
        "dossier_id": dossier.id, "kind": "supplement_requested", "at": now,
        "actor_id": actor.account_id, "status": dossier.status, "channel": dossier.channel,
        "due_at": dossier.due_at, "note": warning or "",
        "details": {"missing": items, "note": request.note, "warning": warning},
    })
    uow.commit()
    return {"code": dossier.code, "status": dossier.status, "warning": warning,
            "supplement_rounds": dossier.supplement_rounds}


def open_request(uow: UnitOfWork, dossier_id: int) -> dict[str, Any] | None:
    """The supplement request the dossier waits on: what is missing, the note, when."""
    dossier = uow.session.get(Dossier, dossier_id)
    if dossier is None or dossier.status != SUPPLEMENT_STATUS:
        return None
    asked = uow.session.scalar(select(Event).where(
        Event.dossier_id == dossier_id, Event.kind == "supplement_requested")
        .order_by(Event.id.desc()).limit(1))
    details = (asked.details or {}) if asked else {}
    return {"missing": details.get("missing", []), "note": details.get("note", ""),
            "at": local_iso(asked.at) if asked else None}


def supplement(
    uow: UnitOfWork, *, actor: Actor, code: str, data: dict[str, Any]
) -> dict[str, Any]:
    """The citizen (or the desk on their behalf) answers a supplement request.

    The new data replaces the form data, keeping the old one in the event; the code never
    changes. The clock restarts (``restart``) or resumes with the waiting time added back
    (``pause``), as the procedure's `supplement_mode` says.
    """
    dossier = _locked(uow, actor, code)
    is_owner = actor.account_id is not None and dossier.owner_id == actor.account_id
    if not is_owner and not actor.has_role(dossier.agency_id, "mot_cua"):
        raise Forbidden("Chỉ người nộp hoặc Bộ phận Một cửa được bổ sung hồ sơ.")
    if dossier.status != SUPPLEMENT_STATUS:
        raise Conflict("Hồ sơ không ở trạng thái chờ bổ sung.")
    loaded = loaded_version(uow, dossier.version_id)
    compiled = loaded.compiled
    errors = loaded.validator(compiled.start_form).validate_submission(data)
    if errors:
        raise FormInvalid("Tờ khai bổ sung chưa hợp lệ.", details=[e.as_dict() for e in errors])
    now = uow.clock.now()
    previous_data = dossier.data
    dossier.data = data
    applicant = compiled.manifest.get("applicant", {})
    name = pick(data, applicant.get("name", "ho_ten"))
    if name:
        dossier.applicant_name, dossier.applicant_search = str(name), fold(str(name))
    release(uow, dossier)
    if dossier.received_at is not None and dossier.supplement_requested_at is not None:
        calendar = calendar_for(uow, dossier.agency_id)
        mode = compiled.manifest.get("supplement_mode", "restart")
        time = compiled.manifest["processing_time"]
        if mode == "pause":
            waited = calendar.measure(dossier.supplement_requested_at, now)
            dossier.paused_seconds += int(waited.total_seconds())
            reason = "Bổ sung xong: cộng lại thời gian chờ bổ sung"
        else:
            dossier.clock_started_at = now
            dossier.paused_seconds = 0
            reason = "Bổ sung xong: tính lại thời hạn từ đầu (NĐ 61/2018, Điều 19 khoản 4)"
        if dossier.extended_at is None and dossier.clock_started_at is not None:
            new_due = compute_due(calendar, started=dossier.clock_started_at,
                                  paused=timedelta(seconds=dossier.paused_seconds), time=time)
            move_due(uow, dossier, new_due, kind="supplemented", actor=actor, reason=reason)
    dossier.supplement_requested_at = None
    uow.session.flush()
    uow.add_event({
        "dossier_id": dossier.id, "kind": "supplemented", "at": now, "actor_id": actor.account_id,
        "status": dossier.status, "channel": dossier.channel, "due_at": dossier.due_at,
        "note": "", "details": {"previous_data": previous_data},
    })
    uow.commit()
    return {"code": dossier.code, "status": dossier.status, "due_at": local_iso(dossier.due_at)}


def extend(
    uow: UnitOfWork, *, actor: Actor, code: str, new_due: datetime, reason: str
) -> dict[str, Any]:
    """Grant the one extension (form 04: apology letter and new date), or refuse citing the rule."""
    dossier = _locked(uow, actor, code)
    _officer_of(actor, dossier)
    _open(dossier)
    if not reason.strip():
        raise Invalid("Cần nêu lý do trễ hạn trong văn bản xin lỗi (Mẫu 04).")
    if dossier.due_at is None:
        raise Conflict("Hồ sơ chưa được tiếp nhận nên chưa có hạn giải quyết.")
    if dossier.extended_at is not None:
        raise Conflict("Hồ sơ đã được hẹn lại một lần; chỉ được hẹn lại ngày trả kết quả "
                       "không quá một lần (NĐ 61/2018, Điều 19 khoản 9).")
    calendar = calendar_for(uow, dossier.agency_id)
    now = uow.clock.now()
    if calendar.add(now, calendar.day_length) > dossier.due_at:
        raise Conflict("Phải đề nghị gia hạn chậm nhất 01 ngày làm việc trước ngày hết hạn "
                       "(NĐ 61/2018, Điều 19 khoản 9; Quy chế Tuyên Quang, Điều 25).")
    if new_due <= dossier.due_at:
        raise Invalid("Ngày hẹn mới phải sau ngày hẹn hiện tại.")
    compiled = loaded_version(uow, dossier.version_id).compiled
    cap = float(compiled.manifest.get("extension_cap", DEFAULT_EXTENSION_CAP))
    time = compiled.manifest["processing_time"]
    limit = calendar.extension_limit(dossier.due_at, float(time["value"]), str(time["unit"]), cap)
    if new_due > limit:
        share = Fraction(cap).limit_denominator(12)
        raise Invalid(f"Ngày hẹn mới vượt quá {share} tổng thời gian giải quyết; muộn nhất là "
                      f"{limit.astimezone(VN_TZ).strftime('%H:%M ngày %d/%m/%Y')} "
                      "(Quy chế Tuyên Quang, Điều 25).")
    old = dossier.due_at
    move_due(uow, dossier, new_due, kind="extended", actor=actor, reason=reason)
    dossier.extended_at = now
    uow.session.flush()
    record(uow, dossier, "extended", actor=actor, note=reason)
    uow.commit()
    return {"code": dossier.code, "old_due_at": local_iso(old), "due_at": local_iso(new_due)}


def deadline_history(uow: UnitOfWork, *, actor: Actor, code: str) -> list[dict[str, Any]]:
    """Every move of the dossier's due time: original, supplements, extension, calendar."""
    dossier = find_visible(uow, actor=actor, code=code)
    changes = uow.session.scalars(
        select(DeadlineChange).where(DeadlineChange.dossier_id == dossier.id)
        .order_by(DeadlineChange.id)).all()
    return [{"at": local_iso(c.at), "kind": c.kind, "old_due_at": local_iso(c.old_due_at),
             "new_due_at": local_iso(c.new_due_at), "reason": c.reason} for c in changes]


def set_calendar_day(
    uow: UnitOfWork, *, actor: Actor, province: str, day: date, kind: str | None, reason: str
) -> dict[str, Any]:
    """Declare `day` an extra day off or working day (`kind` None removes the override),
    then move the due times of the province's open dossiers and tasks, recording why."""
    if actor.kind not in ("admin", "system"):
        raise Forbidden("Chỉ quản trị hệ thống được sửa lịch làm việc.")
    if kind is not None and kind not in DAY_KINDS:
        raise Invalid(f"Loại ngày không hợp lệ: {kind} (off hoặc working).")
    if not reason.strip():
        raise Invalid("Cần ghi lý do thay đổi lịch làm việc.")
    found = uow.session.scalar(select(Province).where(Province.name == province))
    if found is None:
        raise NotFound(f"Không có tỉnh '{province}'.")
    existing = uow.session.scalar(
        select(CalendarDay).where(CalendarDay.province_id == found.id, CalendarDay.day == day))
    if kind is None:
        if existing is None:
            raise NotFound(f"Ngày {day.isoformat()} không có điều chỉnh nào.")
        uow.session.delete(existing)
    elif existing is None:
        uow.session.add(CalendarDay(province_id=found.id, day=day, kind=kind, reason=reason,
                                    created_by_id=actor.account_id, created_at=uow.clock.now()))
    else:
        existing.kind, existing.reason = kind, reason
    found.calendar_version += 1
    uow.session.flush()
    calendar = uow.port(CalendarCache).for_province(uow, found.id, found.calendar_version)
    label = DAY_KINDS[kind] if kind else "bỏ điều chỉnh"
    moved = _recompute_province(
        uow, province_id=found.id, calendar=calendar, actor=actor,
        reason=f"Lịch làm việc {province} thay đổi: {day.strftime('%d/%m/%Y')} — {label} ({reason})",
    )
    uow.audit("calendar.day", actor_id=actor.account_id, object_type="province",
              object_id=province, summary={"day": day.isoformat(), "kind": kind, "reason": reason})
    uow.commit()
    return {"province": province, "day": day.isoformat(), "kind": kind, "moved_dossiers": moved}


def set_working_hours(
    uow: UnitOfWork, *, actor: Actor, province: str, periods: list[list[str]], reason: str
) -> dict[str, Any]:
    """Set a province's working periods (e.g. [["07:30", "11:30"], ["13:30", "17:00"]]),
    then recompute its open dossiers' due times, recording why."""
    if actor.kind not in ("admin", "system"):
        raise Forbidden("Chỉ quản trị hệ thống được sửa giờ làm việc.")
    if not reason.strip():
        raise Invalid("Cần ghi lý do thay đổi giờ làm việc.")
    try:
        parsed = tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in periods)
        BusinessCalendar(periods=parsed)
    except (TypeError, ValueError) as exc:
        raise Invalid("Giờ làm việc phải là các khoảng [\"HH:MM\", \"HH:MM\"] tăng dần, "
                      "không chồng nhau.") from exc
    found = uow.session.scalar(select(Province).where(Province.name == province))
    if found is None:
        raise NotFound(f"Không có tỉnh '{province}'.")
    found.periods = [[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in parsed]
    found.calendar_version += 1
    uow.session.flush()
    calendar = uow.port(CalendarCache).for_province(uow, found.id, found.calendar_version)
    hours = ", ".join(f"{a}–{b}" for a, b in found.periods)
    moved = _recompute_province(uow, province_id=found.id, calendar=calendar, actor=actor,
                                reason=f"Giờ làm việc {province} đổi thành {hours} ({reason})")
    uow.audit("calendar.hours", actor_id=actor.account_id, object_type="province",
              object_id=province, summary={"periods": found.periods, "reason": reason})
    uow.commit()
    return {"province": province, "periods": found.periods, "moved_dossiers": moved}


def _recompute_province(
    uow: UnitOfWork, *, province_id: int, calendar: BusinessCalendar, actor: Actor, reason: str
) -> int:
    """Recompute due times of the province's running dossiers and their open tasks."""
    dossiers = uow.session.scalars(
        select(Dossier).join(Agency, Dossier.agency_id == Agency.id)
        .where(Agency.province_id == province_id, Dossier.ended_at.is_(None))
        .with_for_update(of=Dossier)
    ).all()
    moved = 0
    for dossier in dossiers:
        compiled = loaded_version(uow, dossier.version_id).compiled
        running = dossier.clock_started_at is not None and dossier.extended_at is None
        if running and dossier.clock_started_at is not None:
            new_due = compute_due(calendar, started=dossier.clock_started_at,
                                  paused=timedelta(seconds=dossier.paused_seconds),
                                  time=compiled.manifest["processing_time"])
            if new_due != dossier.due_at:
                move_due(uow, dossier, new_due, kind="calendar", actor=actor, reason=reason)
                moved += 1
        for task in uow.session.scalars(
            select(Task).where(Task.dossier_id == dossier.id, Task.state.in_(("open", "suspended")))
        ):
            deadline = compiled.tasks[task.bpmn_id].deadline
            if deadline:
                task.due_at = calendar.after(task.created_at, deadline)
    return moved
