"""The legal clock of a dossier: supplements, the one extension, calendar changes, and
every move of a due time, kept with its reason and actor (`DeadlineChange`).

The rules themselves (restart or pause, the 3-working-day supplement window, the extension
at most once, asked a working day ahead, within its cap) are the pure functions of
`engine.legal_clock.rules`; this module keeps the transactions, locks, rows and events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Conflict, Forbidden, FormInvalid, Invalid, NotFound
from engine.core.models import Agency, CalendarDay, DeadlineChange, Dossier, Province, Task
from engine.core.permissions import is_administrator, is_officer_of, may_answer_supplement
from engine.core.statuses import Status
from engine.core.text import fold
from engine.core.uow import UnitOfWork
from engine.dossiers.fee_rows import FeeDossier
from engine.dossiers.held_steps import hold, release
from engine.dossiers.rows import record
from engine.dossiers.statements import INSERT_DEADLINE_CHANGE
from engine.dossiers.submit import find_visible, pick
from engine.dossiers.supplement_answer import (
    answer_problems,
    asked_papers,
    files_so_far,
    last_request,
)
from engine.legal_clock.calendar import BusinessCalendar
from engine.legal_clock.calendars import DAY_KINDS, CalendarCache, calendar_for, check_day_change
from engine.legal_clock.rules import (
    DEFAULT_EXTENSION_CAP,
    LATE_SUPPLEMENT_WARNING,
    check_extension,
    extension_limit,
    late_supplement_request,
    legal_due,
    resume_after_supplement,
)
from engine.procedures.cache import loaded_version

OFFICERS_ONLY = "Chỉ cán bộ của cơ quan giải quyết được thực hiện thao tác này."

def compute_due(
    calendar: BusinessCalendar, *, started: datetime, paused: timedelta, time: dict[str, Any]
) -> datetime:
    """The due time of a clock started at `started`, with `paused` working time added back
    (`engine.legal_clock.rules.legal_due`)."""
    return legal_due(calendar, started=started, paused=paused, processing_time=time)


# Changes of the due time recorded only when they move it.
MOVES_ONLY = frozenset({"paid", "calendar"})


def move_due(
    uow: UnitOfWork, dossier: Dossier | FeeDossier, new_due: datetime | None, *, kind: str,
    actor: Actor, reason: str,
) -> None:
    """Move the due time, kept with its reason. A payment or a calendar change that leaves
    the due time where it was is no change and leaves no line in the dossier's history; a
    supplement answered always does (the round itself belongs in the dossier's history), even
    when no time passed while the dossier waited. An ORM `Dossier`'s line is written by the
    flush, a locked row's (`FeeDossier`, whose caller writes the row) at once."""
    if new_due == dossier.due_at and kind in MOVES_ONLY:
        return
    line = {"dossier_id": dossier.id, "at": uow.clock.now(), "actor_id": actor.account_id,
            "kind": kind, "old_due_at": dossier.due_at, "new_due_at": new_due, "reason": reason}
    if isinstance(dossier, Dossier):
        uow.session.add(DeadlineChange(**line))
    else:
        INSERT_DEADLINE_CHANGE.run(uow.connection, line)
    dossier.due_at = new_due


def _locked(uow: UnitOfWork, actor: Actor, code: str) -> Dossier:
    return find_visible(uow, actor=actor, code=code, lock=True)


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
    if not is_officer_of(actor, dossier.agency_id):
        raise Forbidden(OFFICERS_ONLY)
    _open(dossier)
    if dossier.status == Status.SUPPLEMENT:
        raise Conflict("Hồ sơ đang chờ bổ sung.")
    if dossier.status == Status.DONE:
        raise Conflict("Hồ sơ đã có kết quả giải quyết, chỉ còn trả kết quả; không yêu cầu "
                       "bổ sung được nữa.")
    if dossier.status == Status.PAYMENT:
        raise Conflict("Hồ sơ đang chờ nộp phí, lệ phí; yêu cầu bổ sung sau khi người dân nộp.")
    items = [m.strip() for m in request.missing if m.strip()]
    if not items:
        raise FormInvalid("Cần liệt kê các giấy tờ, nội dung phải bổ sung.",
                          details=[{"field": "missing", "message": "Vui lòng nhập nội dung cần bổ sung."}])
    calendar = calendar_for(uow, dossier.agency_id)
    now = uow.clock.now()
    late = late_supplement_request(calendar, dossier.received_at, now)
    warning = LATE_SUPPLEMENT_WARNING if late else None
    hold(uow, dossier, Status.SUPPLEMENT)
    dossier.supplement_requested_at = now
    if dossier.received_at is not None:
        dossier.supplement_rounds += 1
    uow.session.flush()
    uow.add_event({
        "dossier_id": dossier.id, "kind": "supplement_requested", "at": now,
        "actor_id": actor.account_id, "status": dossier.status, "channel": dossier.channel,
        "due_at": dossier.due_at, "note": warning or "",
        "details": {"missing": items, "note": request.note, "warning": warning,
                    "files_before": files_so_far(uow, dossier.id)},
    })
    uow.commit()
    return {"code": dossier.code, "status": dossier.status, "warning": warning,
            "supplement_rounds": dossier.supplement_rounds}


def open_request(uow: UnitOfWork, dossier_id: int) -> dict[str, Any] | None:
    """The supplement request the dossier waits on: what is missing, the note, when, the
    procedure's papers it names (`papers`) and what happens to the clock (`mode`)."""
    dossier = uow.session.get(Dossier, dossier_id)
    if dossier is None or dossier.status != Status.SUPPLEMENT:
        return None
    asked = last_request(uow, dossier_id)
    details = (asked.details or {}) if asked else {}
    manifest = loaded_version(uow, dossier.version_id).compiled.manifest
    names = [str(c["name"]) for c in manifest.get("components", [])]
    return {"missing": details.get("missing", []), "note": details.get("note", ""),
            "at": local_iso(asked.at) if asked else None,
            "papers": asked_papers(details.get("missing", []), names),
            "mode": manifest.get("supplement_mode", "restart"),
            "received": dossier.received_at is not None}


def supplement(
    uow: UnitOfWork, *, actor: Actor, code: str, data: dict[str, Any],
    confirmed_unchanged: bool = False, refused: Sequence[dict[str, str]] = (),
) -> dict[str, Any]:
    """The citizen (or the desk on their behalf) answers a supplement request.

    The answer gives what was asked (`supplement_answer.answer_problems`): a new file of
    each paper the request names; for a request naming none, a change or
    `confirmed_unchanged`. Every problem comes at once, with the `refused` ones the caller
    found first (a refused file's paper is not also said missing); the caller's transaction
    is left uncommitted, so whatever it stored for the answer goes with the refusal.

    The new data replaces the form data, keeping the old one in the event; the code never
    changes. The clock restarts (``restart``) or resumes with the waiting time added back
    (``pause``), as the procedure's `supplement_mode` says.
    """
    dossier = _locked(uow, actor, code)
    if not may_answer_supplement(actor, dossier.agency_id, dossier.owner_id):
        raise Forbidden("Chỉ người nộp hoặc Bộ phận Một cửa được bổ sung hồ sơ.")
    if dossier.status != Status.SUPPLEMENT:
        raise Conflict("Hồ sơ không ở trạng thái chờ bổ sung.")
    loaded = loaded_version(uow, dossier.version_id)
    compiled = loaded.compiled
    errors = [e.as_dict() for e in loaded.validator(compiled.start_form).validate_submission(data)]
    told = {p["field"] for p in refused}
    lacking = [p for p in answer_problems(uow, dossier, compiled.manifest.get("components", []),
                                          data, confirmed_unchanged=confirmed_unchanged)
               if p["field"] not in told]
    if errors or lacking or refused:
        raise FormInvalid("Chưa gửi bổ sung được: có tệp không được chấp nhận." if refused else
                          "Chưa gửi bổ sung được: còn thiếu giấy tờ cơ quan yêu cầu."
                          if lacking and not errors else "Tờ khai bổ sung chưa hợp lệ.",
                          details=[*refused, *errors, *lacking])
    now = uow.clock.now()
    previous_data = dossier.data
    dossier.data = data
    applicant = compiled.manifest.get("applicant", {})
    name = pick(data, applicant.get("name", "ho_ten"))
    if name:
        dossier.applicant_name, dossier.applicant_search = str(name), fold(str(name))
    release(uow, dossier)
    _resume_clock(uow, dossier, compiled.manifest, actor=actor, now=now)
    uow.session.flush()
    uow.add_event({
        "dossier_id": dossier.id, "kind": "supplemented", "at": now, "actor_id": actor.account_id,
        "status": dossier.status, "channel": dossier.channel, "due_at": dossier.due_at,
        "note": "", "details": {"previous_data": previous_data},
    })
    uow.commit()
    return {"code": dossier.code, "status": dossier.status, "due_at": local_iso(dossier.due_at)}


def _resume_clock(
    uow: UnitOfWork, dossier: Dossier, manifest: dict[str, Any], *, actor: Actor, now: datetime
) -> None:
    """The complete dossier arrived: restart or resume its clock (`resume_after_supplement`)
    and move its due time, unless it was never received or asked for nothing."""
    requested, dossier.supplement_requested_at = dossier.supplement_requested_at, None
    if dossier.received_at is None or requested is None:
        return
    resumed = resume_after_supplement(
        calendar_for(uow, dossier.agency_id), mode=manifest.get("supplement_mode", "restart"),
        started=dossier.clock_started_at, paused=timedelta(seconds=dossier.paused_seconds),
        requested=requested, answered=now, extended=dossier.extended_at is not None,
        processing_time=manifest["processing_time"])
    dossier.clock_started_at = resumed.started
    dossier.paused_seconds = int(resumed.paused.total_seconds())
    if resumed.due is not None:
        move_due(uow, dossier, resumed.due, kind="supplemented", actor=actor,
                 reason=resumed.reason)


def extend(
    uow: UnitOfWork, *, actor: Actor, code: str, new_due: datetime, reason: str
) -> dict[str, Any]:
    """Grant the one extension (form 04: apology letter and new date), or refuse citing the rule."""
    dossier = _locked(uow, actor, code)
    if not is_officer_of(actor, dossier.agency_id):
        raise Forbidden(OFFICERS_ONLY)
    _open(dossier)
    manifest = loaded_version(uow, dossier.version_id).compiled.manifest
    now = uow.clock.now()
    checked = check_extension(
        calendar_for(uow, dossier.agency_id), now=now, due=dossier.due_at,
        extended=dossier.extended_at is not None, new_due=new_due, reason=reason,
        processing_time=manifest["processing_time"],
        cap=float(manifest.get("extension_cap", DEFAULT_EXTENSION_CAP)))
    if not isinstance(checked, datetime):
        raise checked
    old = dossier.due_at
    move_due(uow, dossier, new_due, kind="extended", actor=actor, reason=reason)
    dossier.extended_at = now
    uow.session.flush()
    record(uow, dossier, "extended", actor=actor, note=reason)
    uow.commit()
    return {"code": dossier.code, "old_due_at": local_iso(old), "due_at": local_iso(new_due)}


def latest_extension(uow: UnitOfWork, *, actor: Actor, code: str) -> str | None:
    """The latest new due time an extension could set now (local ISO), for the form to
    say up front; None when the dossier has none to give (not received, already extended)."""
    dossier = find_visible(uow, actor=actor, code=code)
    if dossier.due_at is None or dossier.extended_at is not None:
        return None
    manifest = loaded_version(uow, dossier.version_id).compiled.manifest
    limit = extension_limit(
        calendar_for(uow, dossier.agency_id), dossier.due_at, manifest["processing_time"],
        float(manifest.get("extension_cap", DEFAULT_EXTENSION_CAP)))
    return local_iso(limit)


def deadline_history(uow: UnitOfWork, *, actor: Actor, code: str) -> list[dict[str, Any]]:
    """Every move of the dossier's due time: original, supplements, extension, calendar."""
    dossier = find_visible(uow, actor=actor, code=code)
    changes = uow.session.scalars(
        select(DeadlineChange).where(DeadlineChange.dossier_id == dossier.id)
        .order_by(DeadlineChange.id)).all()
    return [{"at": local_iso(c.at), "kind": c.kind, "old_due_at": local_iso(c.old_due_at),
             "new_due_at": local_iso(c.new_due_at), "reason": c.reason} for c in changes]


def set_calendar_day(
    uow: UnitOfWork, *, actor: Actor, province: str, day: date, kind: str | None, reason: str,
    replace: bool = False,
) -> dict[str, Any]:
    """Declare `day` an extra day off or working day (`kind` None removes the override),
    then move the due times of the province's open dossiers and tasks, recording why.

    A working day must be a Saturday or Sunday; an override of the other kind is changed
    only with `replace` (`Conflict` asking to confirm otherwise)."""
    if not is_administrator(actor):
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
    check_day_change(day, kind, existing.kind if existing else None, replace=replace)
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
    )  # {"moved_dossiers": n, "moved_steps": m}
    uow.audit("calendar.day", actor_id=actor.account_id, object_type="province",
              object_id=province, summary={"day": day.isoformat(), "kind": kind, "reason": reason})
    uow.commit()
    return {"province": province, "day": day.isoformat(), "kind": kind, **moved}


def set_working_hours(
    uow: UnitOfWork, *, actor: Actor, province: str, periods: list[list[str]], reason: str
) -> dict[str, Any]:
    """Set a province's working periods (e.g. [["07:30", "11:30"], ["13:30", "17:00"]]),
    then recompute its open dossiers' due times, recording why."""
    if not is_administrator(actor):
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
    return {"province": province, "periods": found.periods, **moved}


def _recompute_province(
    uow: UnitOfWork, *, province_id: int, calendar: BusinessCalendar, actor: Actor, reason: str
) -> dict[str, int]:
    """Recompute due times of the province's running dossiers and their open tasks: how many
    dossiers' and steps' due times moved (a dossier not yet received has only its step's)."""
    dossiers = uow.session.scalars(
        select(Dossier).join(Agency, Dossier.agency_id == Agency.id)
        .where(Agency.province_id == province_id, Dossier.ended_at.is_(None))
        .with_for_update(of=Dossier)
    ).all()
    moved = steps = 0
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
            if deadline and task.due_at != (due := calendar.after(task.created_at, deadline)):
                task.due_at, steps = due, steps + 1
    return {"moved_dossiers": moved, "moved_steps": steps}
