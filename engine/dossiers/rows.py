"""The rows a dossier's advance reads and writes, and the statements of the hot path.

Written with SQLAlchemy Core: a handful of prebuilt statements instead of the ORM's flush
(building a statement costs more than running it). Every writer of a dossier, its tasks
and its timers takes the dossier's row lock first (`DossierRow.lock`, `lock_task`): one
lock order, so no deadlock. `record` queues a dossier event with the facts reports need.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Protocol, cast

from sqlalchemy import ColumnElement, Table, bindparam, select

from engine.core.actors import Actor
from engine.core.models import Agency, Dossier, Event, Province, Task, Timer
from engine.core.prepared import Prepared
from engine.core.uow import UnitOfWork

DOSSIERS: Table = Dossier.__table__  # type: ignore[assignment]
TASKS: Table = Task.__table__  # type: ignore[assignment]
EVENTS: Table = Event.__table__  # type: ignore[assignment]
TIMERS = cast(Table, Timer.__table__)


class DossierFacts(Protocol):
    """What an event needs to know of its dossier (an ORM object or a `DossierRow`)."""

    id: int
    status: int
    channel: str
    due_at: datetime | None
    owner_id: int | None
    contact_phone: str | None
    contact_email: str | None


class TaskFacts(Protocol):
    """What an event needs to know of its task."""

    id: int
    bpmn_id: str
    due_at: datetime | None


def record(
    uow: UnitOfWork,
    dossier: DossierFacts,
    kind: str,
    *,
    actor: Actor,
    task: TaskFacts | None = None,
    note: str = "",
    status: int | None = None,
) -> None:
    """Queue one event with the facts reports need (status, channel, times, step). A
    dossier without an applicant account nor a contact has nobody to send notices to."""
    if dossier.owner_id is None and not (dossier.contact_phone or dossier.contact_email):
        uow.without_notices(dossier.id)
    uow.add_event({
        "dossier_id": dossier.id,
        "kind": kind,
        "at": uow.clock.now(),
        "actor_id": actor.account_id,
        "status": dossier.status if status is None else status,
        "channel": dossier.channel,
        "task_id": task.id if task else None,
        "step": task.bpmn_id if task else None,
        "step_due_at": task.due_at if task else None,
        "due_at": dossier.due_at,
        "note": note,
    })


@dataclass
class DossierRow:
    """The dossier columns an advance reads and writes (not the large JSON ones)."""

    id: int
    code: str
    agency_id: int
    version_id: int
    channel: str
    status: int
    outcome: str | None
    row_version: int
    received_at: datetime | None
    clock_started_at: datetime | None
    due_at: datetime | None
    original_due_at: datetime | None
    ended_at: datetime | None
    returned_at: datetime | None
    owner_id: int | None
    contact_phone: str | None = None  # a desk or post applicant's, for notices
    contact_email: str | None = None
    # Read with the lock, so the step's calendar needs no query of its own: the agency's
    # province (None: none, the national calendar applies) and its calendar version
    # (0 without a province; None when the row was not read with them).
    province_id: int | None = None
    calendar_version: int | None = None

    @classmethod
    def lock(cls, uow: UnitOfWork, dossier_id: int) -> DossierRow | None:
        """Read the dossier, holding its row lock until the transaction ends."""
        row = _LOCK_DOSSIER.run(uow.connection, {"b_id": dossier_id}).one_or_none()
        if row is None:
            return None
        found = cls(**row._asdict())
        found.calendar_version = found.calendar_version or 0
        return found


@dataclass
class TaskRow:
    """A task row as the advance sees it."""

    id: int
    dossier_id: int
    spiff_id: str
    bpmn_id: str
    name: str
    role: str
    agency_id: int
    form: str
    state: str
    assignee_id: int | None
    created_at: datetime
    due_at: datetime | None


# The hot path's statements, built once (building a statement costs more than running it).
_PROVINCE_ID = (select(Agency.province_id).where(Agency.id == DOSSIERS.c.agency_id)
                .correlate(DOSSIERS).scalar_subquery())
_CALENDAR_VERSION = (select(Province.calendar_version)
                     .join(Agency, Agency.province_id == Province.id)
                     .where(Agency.id == DOSSIERS.c.agency_id)
                     .correlate(DOSSIERS).scalar_subquery())


def _dossier_columns() -> list[ColumnElement[object]]:
    """The dossier row's columns, then its province and that province's calendar version."""
    columns: list[ColumnElement[object]] = [
        DOSSIERS.c[f.name] for f in fields(DossierRow)
        if f.name not in ("province_id", "calendar_version")]
    return [*columns, _PROVINCE_ID.label("province_id"),
            _CALENDAR_VERSION.label("calendar_version")]


_LOCK_DOSSIER = Prepared(
    select(*_dossier_columns())
    .where(DOSSIERS.c.id == bindparam("b_id"))
    .with_for_update(of=DOSSIERS)
)
# A task with its dossier, locking the dossier row: every writer of a dossier, its tasks
# and its timers takes this lock first (one lock order, so no deadlock). On PostgreSQL the
# task columns of a row that waited for the lock are from before the winner's commit, so
# `lock_task` reads the task again once the lock is held; the advance's guarded UPDATEs
# (task still open and not someone else's, dossier version unchanged) are the last line.
_LOCK_TASK = Prepared(
    select(*[column.label("d_" + f.name) for f, column in zip(fields(DossierRow),
                                                              _dossier_columns(), strict=True)],
           *[TASKS.c[f.name].label("t_" + f.name) for f in fields(TaskRow)])
    .join_from(TASKS, DOSSIERS, TASKS.c.dossier_id == DOSSIERS.c.id)
    .where(TASKS.c.id == bindparam("b_id"))
    .with_for_update(of=DOSSIERS)
)
_TASK_ROW = Prepared(select(*[TASKS.c[f.name] for f in fields(TaskRow)]).where(
    TASKS.c.id == bindparam("b_id")))


def lock_task(uow: UnitOfWork, task_id: int) -> tuple[DossierRow, TaskRow] | None:
    """A task and its dossier, the dossier row locked until the transaction ends."""
    row = _LOCK_TASK.run(uow.connection, {"b_id": task_id}).one_or_none()
    if row is None:
        return None
    values = row._asdict()
    dossier = DossierRow(**{f.name: values["d_" + f.name] for f in fields(DossierRow)})
    dossier.calendar_version = dossier.calendar_version or 0
    if uow.dialect == "postgresql":  # a new statement sees what the lock's holder committed
        fresh = _TASK_ROW.run(uow.connection, {"b_id": task_id}).one()
        return dossier, TaskRow(**fresh._asdict())
    return dossier, TaskRow(**{f.name: values["t_" + f.name] for f in fields(TaskRow)})
