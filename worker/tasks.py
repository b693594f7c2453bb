"""Thin Celery tasks: ids and plain values in, one engine service call each, safe to run twice."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task

from engine.accounts import lock_inactive_accounts
from engine.drafts import forget_stale_drafts
from engine.notifications import deliver_pending
from engine.ratelimit import forget_old_hits
from engine.sessions import end_expired_sessions
from engine.timers import due_timers, fire_timer
from worker.app import context

log = logging.getLogger("motcua.worker")


@shared_task(bind=True, name="motcua.sweep_timers")
def sweep_timers(self: Task) -> int:
    """Queue a firing for every timer that is due (beat runs this every few seconds)."""
    with context(self.app).platform.uow() as uow:
        ids = due_timers(uow)
    for timer_id in ids:
        fire.delay(timer_id)
    return len(ids)


@shared_task(bind=True, name="motcua.fire_timer")
def fire(self: Task, timer_id: int) -> str:
    """Fire one timer; a second delivery of the same message finds it fired and skips."""
    with context(self.app).platform.uow() as uow:
        result = fire_timer(uow, timer_id=timer_id)
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
