"""The version in force — one rule, one place.

A procedure's version in force at an instant is its published version with the latest
effective date not after that instant (`effective_from <= now`, the unit of work's clock;
of two with the same date, the higher number). A version published with a later effective
date waits its turn: a dossier submitted before that date runs the earlier version, one
submitted on it the new one. The catalogue, every way a dossier starts (online, at the
desk, back-entry, feedback's agency), the national catalogue's «awaiting a process», the
designers' and reviewers' pages and «Áp dụng cho cơ quan» all ask here.

A published version is, at an instant, in force («Đang áp dụng»), not yet
(«Có hiệu lực từ dd/mm/yyyy») or overtaken by a newer one already in force («Hết hiệu lực»).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter

from engine.core.clock import VN_TZ
from engine.core.models import Procedure, ProcedureVersion
from engine.core.uow import UnitOfWork

IN_FORCE_LABEL = "Đang áp dụng"
OVERTAKEN_LABEL = "Hết hiệu lực"


def in_force_at(now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    """Where-clause: this `ProcedureVersion` row is its procedure's version in force at `now`."""
    later = aliased(ProcedureVersion)
    return and_(
        ProcedureVersion.status == "published", ProcedureVersion.effective_from <= now,
        ~exists().where(
            later.procedure_id == ProcedureVersion.procedure_id, later.status == "published",
            later.effective_from <= now,
            or_(later.effective_from > ProcedureVersion.effective_from,
                and_(later.effective_from == ProcedureVersion.effective_from,
                     later.number > ProcedureVersion.number))))


def in_force_versions(uow: UnitOfWork, *, code: str | None = None) -> list[ProcedureVersion]:
    """The version in force of every procedure (of that code, at every agency), by name."""
    query = (select(ProcedureVersion).join(Procedure)
             .where(in_force_at(uow.clock.now()))
             .order_by(Procedure.name, Procedure.code, Procedure.agency_id))
    if code is not None:
        query = query.where(Procedure.code == code)
    return list(uow.session.scalars(query))


def in_force_numbers(uow: UnitOfWork, procedure_ids: Iterable[int]) -> dict[int, int]:
    """procedure id → the number of its version in force (procedures with none left out)."""
    wanted = set(procedure_ids)
    if not wanted:
        return {}
    rows = uow.session.execute(
        select(ProcedureVersion.procedure_id, ProcedureVersion.number)
        .where(ProcedureVersion.procedure_id.in_(wanted), in_force_at(uow.clock.now())))
    return {procedure_id: number for procedure_id, number in rows}


def effective_day(version: ProcedureVersion) -> str:
    """The version's effective date as the pages write it (dd/mm/yyyy, Vietnam's time)."""
    when = version.effective_from
    return when.astimezone(VN_TZ).strftime("%d/%m/%Y") if when is not None else ""


def upcoming(version: ProcedureVersion, now: datetime) -> bool:
    """Published, its effective date still ahead."""
    return (version.status == "published" and version.effective_from is not None
            and version.effective_from > now)


def standing_label(version: ProcedureVersion, in_force_number: int | None, now: datetime,
                   labels: dict[str, str]) -> str:
    """What a page calls the version: its status's label (`labels`), except a published one:
    «Đang áp dụng» only when it is the one in force, «Có hiệu lực từ dd/mm/yyyy» before its
    date, «Hết hiệu lực» once a newer one is in force."""
    if version.status != "published":
        return labels.get(version.status, version.status)
    if upcoming(version, now):
        return f"Có hiệu lực từ {effective_day(version)}"
    return IN_FORCE_LABEL if version.number == in_force_number else OVERTAKEN_LABEL
