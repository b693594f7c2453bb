"""Thin Celery tasks: ids and plain values in, one engine service call each, safe to run twice."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery import Task, shared_task

from engine import dossiers
from engine.applicants import forget_stale_drafts
from engine.core import VN_TZ
from engine.identity import end_expired_sessions, forget_old_hits, lock_inactive_accounts
from engine.operations import scheduled_backup
from engine.records import deliver_pending
from engine.reports import apply_retention
from integrations import deliver as deliver_to_connectors
from integrations import pull_submitted, reconcile
from integrations.payment_gateway import PaymentConnector, reconcile_day
from worker.app import context

log = logging.getLogger("motcua.worker")
SWEEP_BATCH = 50
SWEEP_BATCHES = 100  # at most 5,000 timers per sweep; the next sweep (or the loop) goes on
CONNECTOR_ROUNDS = 20  # at most 2,000 connector messages per run; the next run goes on


@shared_task(bind=True, name="motcua.sweep_timers")
def sweep_timers(self: Task) -> int:
    """Beat's safety net beside the firing loop (and the way to fire timers in a pool that
    runs no loop, e.g. threads): fire what is due now, in batches, here; returns how many
    timers were handled. A failing timer never keeps the others from firing."""
    platform = context(self.app).platform
    handled = 0
    for _ in range(SWEEP_BATCHES):
        results = dossiers.fire_due_timers(platform.uow, batch=SWEEP_BATCH)
        handled += len(results)
        if len(results) < SWEEP_BATCH:
            break
    return handled


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


@shared_task(bind=True, name="motcua.deliver_connectors")
def deliver_connectors(self: Task) -> dict[str, int]:
    """Send what is due in the connectors' outbox (national portal…), round after round while
    messages go; failures wait with back-off, dead letters wait for an administrator."""
    ctx = context(self.app)
    total = {"sent": 0, "failed": 0, "dead": 0}
    for _ in range(CONNECTOR_ROUNDS):
        done = deliver_to_connectors(ctx.platform.uow, ctx.connectors, ctx.platform.clock.now)
        total = {key: total[key] + done[key] for key in total}
        if not done["sent"]:
            break
    return total


@shared_task(bind=True, name="motcua.pull_portal")
def pull_portal(self: Task) -> dict[str, int]:
    """Take the dossiers submitted on the national portal that are not here yet."""
    ctx = context(self.app)
    pulled = pull_submitted(ctx.platform.uow, ctx.connectors, ctx.platform.clock.now)
    return {"taken": len(pulled.taken), "already": pulled.already, "refused": len(pulled.refused)}


@shared_task(bind=True, name="motcua.reconcile_portal")
def reconcile_portal(self: Task) -> int:
    """Daily: yesterday's reconciliation with the national portal, each difference logged."""
    ctx = context(self.app)
    now = ctx.platform.clock.now()
    day = (now.astimezone(VN_TZ) - timedelta(days=1)).date()
    differences = reconcile(ctx.platform.uow, ctx.connectors, day=day, now=ctx.platform.clock.now)
    for found in differences:
        log.warning("portal reconciliation %s: %s %s ours=%s portal=%s waiting=%s", day, found.code,
                    found.field, found.ours, found.portal, found.waiting)
    return len(differences)


@shared_task(bind=True, name="motcua.reconcile_payments")
def reconcile_payments(self: Task) -> int:
    """Daily: yesterday's online payments against the gateway's settlement file; payments
    recovered from a lost callback and every difference logged (issue 19)."""
    ctx = context(self.app)
    connector = ctx.connectors.get("payment")
    if not isinstance(connector, PaymentConnector) or not connector.enabled:
        return 0
    now = ctx.platform.clock.now()
    day = (now.astimezone(VN_TZ) - timedelta(days=1)).date()
    report = reconcile_day(ctx.platform.uow, connector, day=day, now=now)
    for item in report["recovered"] + report["differences"]:
        log.warning("payment reconciliation %s: %s %s %s", day, item["reference"], item["transaction"],
                    item["problem"])
    return len(report["differences"])


@shared_task(bind=True, name="motcua.backup")
def backup(self: Task) -> dict[str, Any]:
    """Daily (MOTCUA_BACKUP_DIR set): a whole backup into a dated folder, then the old ones
    beyond the retention (MOTCUA_BACKUP_KEEP_DAILY days, MOTCUA_BACKUP_KEEP_MONTHLY months)
    removed. A failure leaves no partial folder and raises, so the worker's log shows it."""
    settings: dict[str, Any] = self.app.conf.motcua_settings
    if not settings.get("BACKUP_DIR"):
        return {"skipped": "MOTCUA_BACKUP_DIR is not set"}
    platform = context(self.app).platform
    return scheduled_backup(platform.engine, Path(settings["BACKUP_DIR"]),
                            storage=platform.storage, now=platform.clock.now(),
                            keep_daily=int(settings["BACKUP_KEEP_DAILY"]),
                            keep_monthly=int(settings["BACKUP_KEEP_MONTHLY"]))


@shared_task(bind=True, name="motcua.retention")
def retention(self: Task) -> dict[str, Any]:
    """Daily (MOTCUA_RETENTION_YEARS > 0 and MOTCUA_ARCHIVE_DIR set): the archive package of
    every dossier ended more than that many years ago, written, verified and recorded once;
    nothing is deleted. An unwritable folder raises (the worker's log names it); a dossier
    that cannot be exported is logged and retried the next day."""
    settings: dict[str, Any] = self.app.conf.motcua_settings
    years = int(settings.get("RETENTION_YEARS") or 0)
    if years < 1 or not settings.get("ARCHIVE_DIR"):
        return {"skipped": "MOTCUA_RETENTION_YEARS is 0 or MOTCUA_ARCHIVE_DIR is not set"}
    run = apply_retention(context(self.app).platform.uow, years=years,
                          folder=Path(settings["ARCHIVE_DIR"]))
    for failure in run.failed:
        log.warning("retention: dossier %s not archived: %s", failure["code"], failure["problem"])
    return {"archived": len(run.archived), "failed": len(run.failed)}
