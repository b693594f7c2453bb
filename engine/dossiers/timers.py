"""Firing what is due: BPMN timer events and reminders about steps.

A timer fires by moving from ``pending`` to ``fired`` with a guarded UPDATE, in the same
transaction as its effect (the process advanced, reminders written to the outbox). A
second worker that reaches the same timer finds the update matching no row and does
nothing. The dossier row is locked before the timer is touched, as every writer of a
dossier does (one lock order, so a firing never deadlocks with an officer's step).

A firing that raises is rolled back; `fire` then records the failure in a new short
transaction (attempts, last error, next try after a delay doubling from one minute,
capped at six hours) and, after `MAX_ATTEMPTS`, marks the timer ``failed`` for an
administrator to look at (`failing_timers`, `retry_timer`). `due_timers` skips timers
waiting for their next try and puts never-failed timers first, so poisoned timers never
crowd out healthy ones.

The worker fires in batches (`fire_due`): one transaction claims up to a batch of due
timers — on PostgreSQL by locking their dossiers with ``FOR UPDATE SKIP LOCKED``, so
concurrent firers share the work and never wait for each other or for an officer's step
(one lock order: the dossiers first) — fires each and commits them together. If any
firing raises, the whole batch is rolled back and its timers are fired one by one with
`fire`, so the failure is recorded and the others fire. `next_due` tells the worker when
to wake.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, or_, select, update

from engine.core.actors import SYSTEM, Actor
from engine.core.clock import local_iso
from engine.core.errors import Conflict, Forbidden, NotFound
from engine.core.models import Account, Dossier, RoleGrant, Task, Timer
from engine.core.permissions import LEADER, is_administrator
from engine.core.prepared import Prepared
from engine.core.uow import UnitOfWork
from engine.dossiers.advance import Advance, advance_dossier, warm_instances
from engine.dossiers.rows import DOSSIERS, DossierRow, record
from engine.legal_clock.calendars import calendar_for
from engine.legal_clock.lateness import due_soon_margin
from engine.records.mail_words import SIGNATURE, mail_subject
from engine.records.outbox import enqueue

log = logging.getLogger("motcua.timers")
TIMERS = cast(Table, Timer.__table__)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
ERROR_CHARS = 1000
KIND_LABELS = {"bpmn": "Sự kiện hẹn giờ của quy trình", "due_soon": "Nhắc việc sắp đến hạn",
               "overdue": "Cảnh báo bước quá hạn"}
STATE_LABELS = {"pending": "Đang thử lại", "failed": "Đã dừng thử"}

_DUE = (
    select(TIMERS.c.id)
    .where(TIMERS.c.state == "pending", TIMERS.c.due_at <= bindparam("b_now"),
           or_(TIMERS.c.next_attempt_at.is_(None), TIMERS.c.next_attempt_at <= bindparam("b_now")))
    .order_by(TIMERS.c.attempts, TIMERS.c.due_at, TIMERS.c.id).limit(bindparam("b_limit"))
)
# A batch's claim: due timers whose dossier nobody holds, the dossiers locked (PostgreSQL;
# SQLite's writer lock already makes the transaction the only writer).
_CLAIM_DUE = (
    _DUE.with_only_columns(*TIMERS.c)
    .join_from(TIMERS, DOSSIERS, DOSSIERS.c.id == TIMERS.c.dossier_id)
    .with_for_update(of=DOSSIERS, skip_locked=True)
)
# Dossiers whose process timers fall due soon, soonest first (warmed before they fire).
_DUE_SOON = (
    select(TIMERS.c.dossier_id, func.min(TIMERS.c.due_at).label("due_at"))
    .where(TIMERS.c.state == "pending", TIMERS.c.kind == "bpmn",
           TIMERS.c.due_at <= bindparam("b_until"), TIMERS.c.next_attempt_at.is_(None))
    .group_by(TIMERS.c.dossier_id).order_by("due_at").limit(bindparam("b_limit"))
)
_TIMER = select(TIMERS).where(TIMERS.c.id == bindparam("b_id"))
_SET_PENDING = update(TIMERS).where(TIMERS.c.id == bindparam("b_id"), TIMERS.c.state == "pending")
_NEXT_DUE = select(
    select(func.min(TIMERS.c.due_at)).where(
        TIMERS.c.state == "pending", TIMERS.c.next_attempt_at.is_(None)).scalar_subquery(),
    select(func.min(TIMERS.c.next_attempt_at)).where(
        TIMERS.c.state == "pending", TIMERS.c.next_attempt_at.is_not(None)).scalar_subquery(),
)
_STAMP = update(TIMERS).where(TIMERS.c.id.in_(bindparam("b_ids", expanding=True)),
                              TIMERS.c.state == "fired")
_DOSSIER_OF = select(TIMERS.c.dossier_id).where(TIMERS.c.id == bindparam("b_id"))
_CLAIM = Prepared(update(TIMERS).where(TIMERS.c.id == bindparam("b_id"),
                                       TIMERS.c.state == "pending"))
# Only a timer that failed may be retried by hand: one failed for good, or one waiting
# for its next try.
_RETRY = update(TIMERS).where(
    TIMERS.c.id == bindparam("b_id"), TIMERS.c.attempts > 0,
    TIMERS.c.state.in_(("pending", "failed")),
).values(state="pending", next_attempt_at=None)


def due_timers(uow: UnitOfWork, *, limit: int = 200) -> list[int]:
    """Ids of pending timers whose time (and next try, after a failure) has come; those that
    never failed first, then soonest first."""
    now = uow.clock.now()
    rows = uow.connection.execute(_DUE, {"b_now": now, "b_limit": limit})
    return [int(r.id) for r in rows]


def next_due(uow: UnitOfWork) -> datetime | None:
    """When the next pending timer is due (or its next try comes, after a failure); None
    when nothing waits."""
    first, retry = uow.connection.execute(_NEXT_DUE).one()
    found = [t for t in (first, retry) if t is not None]
    return min(found) if found else None


def fire_due(new_uow: Callable[[], UnitOfWork], *, batch: int = 50) -> list[str]:
    """Fire up to `batch` due timers in one transaction (their fired time is the commit's);
    returns each one's result, [] when none is due or free. If any firing raises, the
    batch is rolled back and its timers fired one by one with `fire` (failures recorded,
    the others fired)."""
    ids: list[int] = []
    try:
        with new_uow() as uow:
            now = uow.clock.now()
            claimed = uow.connection.execute(_CLAIM_DUE, {"b_now": now, "b_limit": batch}).all()
            ids = [int(t.id) for t in claimed]
            # The claim read each timer with its dossier's lock held; the dossier is read
            # again (already ours) for its current row, which an earlier firing may have moved.
            results = [_fire_locked(uow, t, DossierRow.lock(uow, t.dossier_id)) for t in claimed]
            fired = [i for i, r in zip(ids, results, strict=True) if r == "fired"]
            if fired:  # the effect is visible from the commit on: stamp that time
                uow.connection.execute(_STAMP, {"b_ids": fired, "fired_at": uow.clock.now()})
            uow.commit()
            return results
    except Exception:
        if not ids:
            raise  # the claim itself failed (the database is away): nothing to isolate
        log.info("a batch of %s timers failed; firing them one by one", len(ids))
    return [fire(new_uow, timer_id=i) for i in ids]


def warm_due(new_uow: Callable[[], UnitOfWork], *, within: timedelta, limit: int,
             until: Callable[[], bool] = lambda: False) -> int:
    """Restore ahead of time the processes of up to `limit` dossiers whose BPMN timers fall
    due within `within`, so that firing them is a cache hit (see `warm_instances`); returns
    how many were restored. `until()` stops it (a timer fell due: fire instead)."""
    with new_uow() as uow:
        horizon = uow.clock.now() + within
        ids = [int(r.dossier_id) for r in uow.connection.execute(
            _DUE_SOON, {"b_until": horizon, "b_limit": limit})]
        return warm_instances(uow, ids, until=until) if ids else 0


def fire(new_uow: Callable[[], UnitOfWork], *, timer_id: int) -> str:
    """Fire one timer in its own transaction; if the firing raises, it is rolled back and
    the failure recorded in a new transaction. Returns "fired", "skipped", "retry" (to be
    tried again later) or "failed" (given up)."""
    try:
        with new_uow() as uow:
            return fire_timer(uow, timer_id=timer_id)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    with new_uow() as uow:
        return record_failure(uow, timer_id=timer_id, error=error)


def fire_timer(uow: UnitOfWork, *, timer_id: int) -> str:
    """Fire one timer and commit; returns "fired", or "skipped" when it is not (or no
    longer) due. Raises whatever the firing raises (the transaction is then rolled back)."""
    result = _fire_one(uow, timer_id=timer_id)
    uow.commit()
    return result


def _fire_one(uow: UnitOfWork, *, timer_id: int) -> str:
    """Fire one timer in the caller's transaction (the caller commits)."""
    dossier_id = uow.connection.execute(_DOSSIER_OF, {"b_id": timer_id}).scalar_one_or_none()
    if dossier_id is None:
        return "skipped"
    dossier = DossierRow.lock(uow, dossier_id)  # before the timer: the one lock order
    timer = uow.connection.execute(_TIMER, {"b_id": timer_id}).one_or_none()  # the last winner's
    return _fire_locked(uow, timer, dossier)


def _fire_locked(uow: UnitOfWork, timer: Row[Any] | None, dossier: DossierRow | None) -> str:
    """Fire `timer` (a row of the timers table read with its dossier's lock held)."""
    now = uow.clock.now()
    if dossier is None or timer is None or timer.state != "pending" or timer.due_at > now or (
        timer.next_attempt_at is not None and timer.next_attempt_at > now
    ):
        return "skipped"
    if timer.kind == "bpmn":
        return _fire_bpmn(uow, timer, dossier)
    return _remind(uow, timer)


def retry_delay(attempts: int) -> timedelta:
    """How long a timer that failed `attempts` times waits before its next try."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 20)), LONGEST_RETRY)


def record_failure(uow: UnitOfWork, *, timer_id: int, error: str) -> str:
    """Count a failed firing: "retry" with the next try set, or "failed" after
    `MAX_ATTEMPTS` (the dossier's history says so); "skipped" if the timer was fired or
    cancelled meanwhile."""
    dossier_id = uow.connection.execute(_DOSSIER_OF, {"b_id": timer_id}).scalar_one_or_none()
    if dossier_id is None:
        return "skipped"
    dossier = DossierRow.lock(uow, dossier_id)
    timer = uow.session.get(Timer, timer_id)
    if dossier is None or timer is None or timer.state != "pending":
        return "skipped"
    now = uow.clock.now()
    timer.attempts += 1
    timer.last_error = error[:ERROR_CHARS]
    if timer.attempts >= MAX_ATTEMPTS:
        timer.state, timer.next_attempt_at, result = "failed", None, "failed"
        record(uow, dossier, "timer_failed", actor=SYSTEM,
               note=f"{timer.bpmn_id or timer.kind}: {error}"[:500])
    else:
        timer.next_attempt_at, result = now + retry_delay(timer.attempts), "retry"
    attempts, next_try = timer.attempts, timer.next_attempt_at
    uow.commit()
    log.warning(
        "timer firing failed: timer=%s dossier=%s kind=%s attempts=%s result=%s next=%s "
        "error=%r", timer_id, dossier_id, timer.kind, attempts, result,
        next_try.isoformat() if next_try else None, error[:ERROR_CHARS],
        extra={"event": "timer_failed", "timer_id": timer_id, "dossier_id": dossier_id,
               "attempts": attempts, "result": result, "error": error[:ERROR_CHARS]},
    )
    return result


def failing_timers(uow: UnitOfWork, *, actor: Actor, limit: int = 500) -> list[dict[str, Any]]:
    """Timers whose firing failed, for administrators: given up first, then those
    waiting for their next try, soonest first."""
    if not is_administrator(actor):
        raise Forbidden("Chỉ quản trị hệ thống xem các hẹn giờ bị lỗi.")
    rows = uow.session.execute(
        select(Timer, Dossier.code).join(Dossier, Timer.dossier_id == Dossier.id)
        .where(Timer.attempts > 0, Timer.state.in_(("pending", "failed")))
        .order_by(Timer.state, Timer.next_attempt_at, Timer.id).limit(limit)  # "failed" first
    ).all()
    return [{
        "id": t.id, "dossier": code, "kind": t.kind, "kind_label": KIND_LABELS.get(t.kind, t.kind),
        "element": t.bpmn_id or "", "due_at": t.due_at, "attempts": t.attempts,
        "last_error": t.last_error or "", "next_attempt_at": t.next_attempt_at,
        "state": t.state, "state_label": STATE_LABELS.get(t.state, t.state),
    } for t, code in rows]


def retry_timer(uow: UnitOfWork, *, actor: Actor, timer_id: int) -> dict[str, Any]:
    """An administrator has a failing timer tried again at the next sweep: its wait for
    the next try is dropped, and a timer given up is pending again (audited)."""
    if not is_administrator(actor):
        raise Forbidden("Chỉ quản trị hệ thống được chạy lại hẹn giờ.")
    dossier_id = uow.connection.execute(_DOSSIER_OF, {"b_id": timer_id}).scalar_one_or_none()
    if dossier_id is None:
        raise NotFound("Không có hẹn giờ này.")
    DossierRow.lock(uow, dossier_id)
    timer = uow.session.get(Timer, timer_id)
    assert timer is not None  # it was just found
    before, attempts = timer.state, timer.attempts
    if uow.connection.execute(_RETRY, {"b_id": timer_id}).rowcount != 1:
        raise Conflict("Hẹn giờ này không ở trạng thái lỗi; không cần chạy lại.")
    code = uow.session.scalar(select(Dossier.code).where(Dossier.id == dossier_id))
    uow.audit("timer.retry", actor_id=actor.account_id, object_type="timer",
              object_id=str(timer_id),
              summary={"dossier": code, "state": before, "attempts": attempts})
    uow.commit()
    return {"id": timer_id, "dossier": code, "state": "pending"}


def _claim(uow: UnitOfWork, timer: Row[Any]) -> bool:
    return _CLAIM.run(uow.connection, {"b_id": timer.id, "state": "fired",
                                       "fired_at": uow.clock.now()}).rowcount == 1


def _fire_bpmn(uow: UnitOfWork, timer: Row[Any], dossier: DossierRow) -> str:
    if not _claim(uow, timer):
        return "skipped"
    if dossier.ended_at is not None or timer.spiff_id is None:
        return "skipped"
    spiff_id, fired = timer.spiff_id, False

    def fire_here(step: Advance) -> None:
        # A process that cannot go on (ProcessError, or anything else) raises out of here:
        # the claim is rolled back with the rest, and `fire` records the failure.
        nonlocal fired
        fired = step.instance.fire_timer(spiff_id)
        if fired:
            step.timers_before.discard(spiff_id)  # its row is claimed (fired): none to cancel
            step.synchronise()
            record(uow, dossier, "timer_fired", actor=SYSTEM, note=timer.bpmn_id or "")

    advance_dossier(uow, dossier, SYSTEM, fire_here, commit=False)
    return "fired" if fired else "skipped"


def _remind(uow: UnitOfWork, timer: Row[Any]) -> str:
    """A reminder about a step: re-aimed if the step's due time moved, dropped if it ended."""
    task = uow.session.get(Task, timer.task_id) if timer.task_id else None
    if task is None or task.state not in ("open", "suspended") or task.due_at is None:
        uow.connection.execute(_SET_PENDING, {"b_id": timer.id, "state": "cancelled"})
        return "skipped"
    calendar = calendar_for(uow, task.agency_id)
    # The due-soon reminder: the step's last quarter, at most its last working day (when
    # the inbox says «Sắp đến hạn»), from where its due time is now.
    margin = due_soon_margin(calendar, task.created_at, task.due_at)
    aimed = task.due_at if timer.kind == "overdue" else calendar.subtract(task.due_at, margin)
    if task.state == "suspended" or aimed > uow.clock.now():
        later = aimed if aimed > uow.clock.now() else calendar.add(uow.clock.now(),
                                                                   calendar.day_length)
        uow.connection.execute(_SET_PENDING, {"b_id": timer.id, "due_at": later})
        return "skipped"
    if not _claim(uow, timer):
        return "skipped"
    dossier = uow.session.get(Dossier, task.dossier_id)
    assert dossier is not None  # foreign key
    recipients = _recipients(uow, task, leaders=timer.kind == "overdue")
    subject, body = _message(task, dossier, timer.kind, short=margin < calendar.day_length)
    for account in recipients:
        if account.email:
            enqueue(uow, channel="email", recipient=account.email, subject=subject, body=body,
                    dossier_id=dossier.id)
        if account.phone:
            enqueue(uow, channel="sms", recipient=account.phone, subject=subject, body=subject,
                    dossier_id=dossier.id)
    uow.add_event({
        "dossier_id": dossier.id, "kind": f"reminder_{timer.kind}", "at": uow.clock.now(),
        "actor_id": None, "status": dossier.status, "channel": dossier.channel,
        "task_id": task.id, "step": task.bpmn_id, "step_due_at": task.due_at,
        "due_at": dossier.due_at, "note": ", ".join(a.username for a in recipients),
    })
    return "fired"


def _holders(uow: UnitOfWork, agency_id: int, role: str) -> list[Account]:
    query = select(Account).join(RoleGrant, RoleGrant.account_id == Account.id).where(
        RoleGrant.agency_id == agency_id, RoleGrant.role == role, Account.active)
    return list(uow.session.scalars(query).unique())


def _recipients(uow: UnitOfWork, task: Task, *, leaders: bool) -> list[Account]:
    """The step's assignee (or, unassigned, everyone holding its role); the agency's
    leaders too when the step is overdue."""
    assignee = uow.session.get(Account, task.assignee_id) if task.assignee_id else None
    people = [assignee] if assignee is not None else _holders(uow, task.agency_id, task.role)
    if leaders:
        people += _holders(uow, task.agency_id, LEADER)
    return sorted({a.id: a for a in people}.values(), key=lambda a: a.id)


def _message(task: Task, dossier: Dossier, kind: str, *, short: bool = False) -> tuple[str, str]:
    """The reminder's subject and body; `short`: a step reminded less than a working day
    before its due time (it is shorter than four working days)."""
    when = (local_iso(task.due_at) or "").replace("T", " ")[:16]
    agency = dossier.agency
    if kind == "overdue":
        subject = mail_subject(f"Hồ sơ {dossier.code} quá hạn ở bước «{task.name}»")
        lead = f"Bước «{task.name}» của hồ sơ {dossier.code} đã quá hạn xử lý ({when})."
    else:
        subject = mail_subject(f"Hồ sơ {dossier.code} sắp đến hạn bước «{task.name}»")
        left = "sắp đến hạn xử lý" if short else "còn không quá 01 ngày làm việc"
        lead = f"Bước «{task.name}» của hồ sơ {dossier.code} {left} ({when})."
    body = (f"{lead}\n\nNgười nộp: {dossier.applicant_name}\n"
            f"Cơ quan: {agency.name}\n"
            f"Vui lòng vào Hộp công việc để xử lý.\n\n{SIGNATURE}")
    return subject, body
