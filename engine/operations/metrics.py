"""The figures an operator watches, read from the database at scrape time.

Each figure is one cheap aggregate over an indexed column (dossiers by status, open tasks
by due time, pending timers by due time, the outbox by `sent_at`): a scrape every 15 s
costs a handful of index scans, whatever the number of nodes, and every node reports the
same truth because none keeps a count of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, func, select

from engine.core.models import Dossier, Notification, Task, Timer


@dataclass(frozen=True)
class Snapshot:
    """What the database holds now (`at`), as the metrics report it."""

    dossiers_by_status: dict[int, int] = field(default_factory=dict)
    tasks_open: int = 0
    tasks_overdue: int = 0
    timers_pending: int = 0
    timers_due: int = 0  # pending and already due: the firing loop is behind by these
    timers_lateness_seconds: float = 0.0  # how long the oldest due, unfired timer has waited
    timers_failed: int = 0  # gave up after their retries, waiting for an administrator
    timers_failing: int = 0  # pending, but their last firing raised
    outbox_backlog: int = 0  # notifications not yet sent
    outbox_oldest_seconds: float = 0.0


def snapshot(engine: Engine, now: datetime) -> Snapshot:
    """Read the operational figures in one read-only connection."""
    with engine.connect() as connection:
        by_status = {
            int(status): int(count)
            for status, count in connection.execute(
                select(Dossier.status, func.count()).group_by(Dossier.status)
            )
        }
        tasks_open, tasks_overdue = connection.execute(
            select(func.count(), func.count().filter(Task.due_at < now)).where(Task.state == "open")
        ).one()
        pending, due, oldest_due, failing = connection.execute(
            select(
                func.count(),
                func.count().filter(Timer.due_at <= now),
                func.min(Timer.due_at).filter(Timer.due_at <= now),
                func.count().filter(Timer.attempts > 0),
            ).where(Timer.state == "pending")
        ).one()
        failed = connection.execute(
            select(func.count()).select_from(Timer).where(Timer.state == "failed")
        ).scalar_one()
        backlog, oldest_message = connection.execute(
            select(func.count(), func.min(Notification.created_at)).where(Notification.sent_at.is_(None))
        ).one()
    return Snapshot(
        dossiers_by_status=by_status,
        tasks_open=int(tasks_open),
        tasks_overdue=int(tasks_overdue),
        timers_pending=int(pending),
        timers_due=int(due),
        timers_lateness_seconds=_age(now, oldest_due),
        timers_failed=int(failed),
        timers_failing=int(failing),
        outbox_backlog=int(backlog),
        outbox_oldest_seconds=_age(now, oldest_message),
    )


def _age(now: datetime, since: datetime | None) -> float:
    return max(0.0, (now - since).total_seconds()) if since is not None else 0.0
