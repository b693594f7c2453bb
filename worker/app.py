"""The Celery application factory and the worker's per-process context.

Embedded mode (`make run`) needs no broker server: kombu's SQLAlchemy transport keeps
the queue in a SQLite file beside the database (polled every `POLL_SECONDS`). Production
sets `MOTCUA_BROKER_URL` (Redis or RabbitMQ) and runs the worker and beat as separate
processes.

Timers do not travel through the broker: every process that runs tasks also runs a
`TimerLoop` (started by Celery's `worker_process_init`) that fires due timers in batches
and wakes at the next due time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

from celery import Celery, current_app
from celery.schedules import crontab
from celery.signals import (
    after_setup_logger,
    after_setup_task_logger,
    worker_process_init,
    worker_process_shutdown,
)
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport.sqlalchemy import Transport as SqlTransport

from engine.operations import JsonFormatter
from engine.records import Gateway, Gateways, NullGateway, SmtpEmail
from engine.wiring import Platform
from integrations import Connectors, connectors_from
from worker.timer_loop import RECHECK_SECONDS, WARM_LIMIT, TimerLoop

SWEEP_SECONDS = 30.0
POLL_SECONDS = 0.1  # the embedded broker's polling interval (kombu's default is 1 s)
TIMER_BATCH = 50
CONNECTOR_SECONDS = 5.0  # how often beat drains the connectors' outbox (portal lag ≤ 60 s)


class EmbeddedTransport(SqlTransport):
    """kombu's SQLAlchemy transport polling every `POLL_SECONDS`: its 1 s default let a burst
    of messages through at one a second, and its transport options all go to
    `create_engine`, so the interval cannot be set there."""

    polling_interval = POLL_SECONDS


TRANSPORT_ALIASES.setdefault("motcua-sqla", "worker.app:EmbeddedTransport")


@dataclass
class WorkerContext:
    """What the tasks of one worker process use: the platform, the gateways, the connectors."""

    platform: Platform
    gateways: Gateways
    connectors: Connectors = field(default_factory=lambda: connectors_from(""))  # all null
    timer_loop: TimerLoop | None = None


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The worker's settings from MOTCUA_* variables, with embedded defaults."""
    env = os.environ if environ is None else environ
    instance = Path(env.get("MOTCUA_INSTANCE") or Path.cwd() / "instance")
    return {
        "INSTANCE": str(instance),
        "DATABASE_URL": env.get("MOTCUA_DATABASE_URL") or f"sqlite:///{instance / 'motcua.db'}",
        "BROKER_URL": env.get("MOTCUA_BROKER_URL") or f"sqla+sqlite:///{instance / 'broker.sqlite'}",
        "SMTP_HOST": env.get("MOTCUA_SMTP_HOST", ""),
        "SMTP_PORT": env.get("MOTCUA_SMTP_PORT", "25"),
        "MAIL_FROM": env.get("MOTCUA_MAIL_FROM", "motcua@localhost"),
        "SWEEP_SECONDS": env.get("MOTCUA_SWEEP_SECONDS", str(SWEEP_SECONDS)),
        "TIMER_LOOP": env.get("MOTCUA_TIMER_LOOP", "1"),
        "TIMER_BATCH": env.get("MOTCUA_TIMER_BATCH", str(TIMER_BATCH)),
        "TIMER_RECHECK_SECONDS": env.get("MOTCUA_TIMER_RECHECK_SECONDS", str(RECHECK_SECONDS)),
        "TIMER_WARM": env.get("MOTCUA_TIMER_WARM", str(WARM_LIMIT)),
        "CONNECTORS": env.get("MOTCUA_CONNECTORS", ""),
        "CONNECTOR_SECONDS": env.get("MOTCUA_CONNECTOR_SECONDS", str(CONNECTOR_SECONDS)),
        # The daily backup (off unless a folder is named) and its retention.
        "BACKUP_DIR": env.get("MOTCUA_BACKUP_DIR", ""),
        "BACKUP_AT": env.get("MOTCUA_BACKUP_AT", "01:30"),
        "BACKUP_KEEP_DAILY": env.get("MOTCUA_BACKUP_KEEP_DAILY", "7"),
        "BACKUP_KEEP_MONTHLY": env.get("MOTCUA_BACKUP_KEEP_MONTHLY", "12"),
        # Retention of closed dossiers (off at 0 years): archive packages written daily.
        "RETENTION_YEARS": env.get("MOTCUA_RETENTION_YEARS", "0"),
        "ARCHIVE_DIR": env.get("MOTCUA_ARCHIVE_DIR", ""),
        "RETENTION_AT": env.get("MOTCUA_RETENTION_AT", "02:30"),
        "LOG_FORMAT": env.get("MOTCUA_LOG_FORMAT", "text"),
    }


def make_celery(config: Mapping[str, str] | None = None) -> Celery:
    """A Celery app for `config` (defaults from the environment); tasks in `worker.tasks`."""
    settings = {**settings_from_env(), **(config or {})}
    connectors_from(settings.get("CONNECTORS"))  # a wrong configuration stops the start, named
    # SpiffWorkflow logs every task's state change at INFO: under the worker's INFO logging
    # that formatting and writing cost ten times the firing itself.
    logging.getLogger("spiff").setLevel(logging.WARNING)
    Path(settings["INSTANCE"]).mkdir(parents=True, exist_ok=True)
    broker = settings["BROKER_URL"]
    if broker.startswith("sqla+"):  # the embedded broker: the same queue, polled fast
        broker = "motcua-sqla+" + broker.removeprefix("sqla+")
    app = Celery("motcua", broker=broker, include=["worker.tasks"])
    every = timedelta(seconds=float(settings["SWEEP_SECONDS"]))
    app.conf.update(
        task_ignore_result=True,
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        timezone="Asia/Ho_Chi_Minh",
        beat_schedule_filename=str(Path(settings["INSTANCE"]) / "celerybeat-schedule"),
        beat_schedule={
            "sweep-timers": {"task": "motcua.sweep_timers", "schedule": every},
            "deliver-notifications": {"task": "motcua.deliver_notifications", "schedule": every},
            "deliver-connectors": {"task": "motcua.deliver_connectors",
                                   "schedule": timedelta(seconds=float(
                                       settings.get("CONNECTOR_SECONDS", CONNECTOR_SECONDS)))},
            "pull-portal": {"task": "motcua.pull_portal", "schedule": timedelta(minutes=1)},
            "reconcile-portal": {"task": "motcua.reconcile_portal", "schedule": timedelta(days=1)},
            "reconcile-payments": {"task": "motcua.reconcile_payments",  # yesterday's, at 06:00
                                   "schedule": crontab(hour=6, minute=0)},
            "lock-inactive-accounts": {"task": "motcua.lock_inactive_accounts",
                                       "schedule": timedelta(days=1)},
            "housekeeping": {"task": "motcua.housekeeping", "schedule": timedelta(days=1)},
        },
    )
    if settings.get("BACKUP_DIR"):  # beat runs it once a day, Vietnam time
        hour, _, minute = settings.get("BACKUP_AT", "01:30").partition(":")
        app.conf.beat_schedule["daily-backup"] = {
            "task": "motcua.backup", "schedule": crontab(hour=int(hour), minute=int(minute or 0))}
    if int(settings.get("RETENTION_YEARS") or 0) > 0 and settings.get("ARCHIVE_DIR"):
        hour, _, minute = settings.get("RETENTION_AT", "02:30").partition(":")
        app.conf.beat_schedule["daily-retention"] = {
            "task": "motcua.retention", "schedule": crontab(hour=int(hour), minute=int(minute or 0))}
    if settings.get("LOG_FORMAT", "text") == "json":
        after_setup_logger.connect(_json_logs, weak=False)
        after_setup_task_logger.connect(_json_logs, weak=False)
    app.conf.motcua_settings = settings
    return app


def _json_logs(logger: logging.Logger, **_: Any) -> None:
    """MOTCUA_LOG_FORMAT=json: Celery's handlers write one JSON object per line."""
    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter())


def context(app: Celery) -> WorkerContext:
    """The worker process's context, made on first use (never at import time)."""
    found = cast(WorkerContext | None, getattr(app, "_motcua_context", None))
    if found is None:
        settings: dict[str, Any] = app.conf.motcua_settings
        email = (SmtpEmail(settings["SMTP_HOST"], int(settings["SMTP_PORT"]),
                           sender=settings["MAIL_FROM"])
                 if settings["SMTP_HOST"] else NullGateway("email"))
        connectors = connectors_from(settings.get("CONNECTORS"))
        sms = connectors.get("sms")  # the HTTP SMS connector when configured
        found = WorkerContext(Platform(settings["DATABASE_URL"]),
                              Gateways(email=email, sms=cast(Gateway, sms)
                                       if sms.implementation == "real" else NullGateway("sms")),
                              connectors)
        app._motcua_context = found
    return found


def _start_timer_loop(**_: Any) -> None:
    """In each process that runs tasks: start the firing loop (unless MOTCUA_TIMER_LOOP=0)."""
    app = current_app._get_current_object()
    settings: dict[str, Any] | None = app.conf.get("motcua_settings")
    if not settings or settings.get("TIMER_LOOP", "1") in ("0", "", "false", "no"):
        return
    ctx = context(app)
    if ctx.timer_loop is None:
        warm = int(settings.get("TIMER_WARM", WARM_LIMIT))
        ctx.platform.instances.reserve(warm)  # the warmed burst must fit beside the rest
        ctx.timer_loop = TimerLoop(ctx.platform.uow, batch=int(settings["TIMER_BATCH"]),
                                   recheck=float(settings["TIMER_RECHECK_SECONDS"]),
                                   warm=warm).start()


def _stop_timer_loop(**_: Any) -> None:
    found = cast(WorkerContext | None, getattr(current_app, "_motcua_context", None))
    if found is not None and found.timer_loop is not None:
        found.timer_loop.stop()


worker_process_init.connect(_start_timer_loop, weak=False)
worker_process_shutdown.connect(_stop_timer_loop, weak=False)
