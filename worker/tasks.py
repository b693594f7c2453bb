"""Thin Celery tasks: ids and plain values in, one engine service call each, safe to run twice."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task

from engine import dossiers
from engine.applicants import forget_stale_drafts
from engine.identity import end_expired_sessions, forget_old_hits, lock_inactive_accounts
from engine.records import deliver_pending
from worker.app import context

log = logging.getLogger("motcua.worker")


@shared_task(bind=True, name="motcua.sweep_timers")
def sweep_timers(self: Task) -> int:
    """Queue a firing for every timer that is due (beat runs this every few seconds); one
    timer that cannot be queued never keeps the others from being queued."""
    with context(self.app).platform.uow() as uow:
        ids = dossiers.due_timers(uow)
    queued = 0
    for timer_id in ids:
        try:
            fire.delay(timer_id)
        except Exception:  # a broker hiccup on one message: the next sweep queues it again
            log.exception("timer=%s could not be queued", timer_id)
        else:
            queued += 1
    return queued


@shared_task(bind=True, name="motcua.fire_timer")
def fire(self: Task, timer_id: int) -> str:
    """Fire one timer in its own transaction; a failure is rolled back and recorded (tried
    again later, given up after a few tries); a second delivery finds it fired and skips."""
    result = dossiers.fire_timer(context(self.app).platform.uow, timer_id=timer_id)
    log.info("timer=%s result=%s", timer_id, result)
    return result


@shared_task(bind=True, name="motcua.lock_inactive_accounts")
def lock_inactive(self: Task) -> dict[str, int]:
    """Daily: warn accounts nearing a year without login, lock those past it."""
    with context(self.app).platform.uow() as uow:
        return lock_inactive_accounts(uow)


@shared_task(bind=True, name="motcua.housekeeping")
def housekeeping(self: Task) -> dict[str, int]:
    """Daily: end timed-out sessions, forget rate-limit hits no window looks at, delete
    drafts left untouched for 30 days."""
    with context(self.app).platform.uow() as uow:
        return {"sessions_ended": end_expired_sessions(uow), "hits_forgotten": forget_old_hits(uow),
                "drafts_forgotten": forget_stale_drafts(uow)}


@shared_task(bind=True, name="motcua.deliver_notifications")
def deliver(self: Task) -> dict[str, Any]:
    """Send what is due in the notification outbox."""
    ctx = context(self.app)
    return deliver_pending(ctx.platform.uow, ctx.gateways)
