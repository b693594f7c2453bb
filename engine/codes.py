"""Dossier codes (NĐ 61/2018 art. 26, TT 01/2018 art. 19): unit code, YYMMDD, daily number.

`000.00.12.H57-251124-0007`: the seventh dossier received by that unit on 24 Nov 2025.
The daily counter is one row per unit and day, incremented with a single atomic
upsert, so concurrent submissions never share a number.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

from engine.calendar import VN_TZ
from engine.models import CodeSequence
from engine.uow import UnitOfWork


def next_dossier_code(uow: UnitOfWork, *, unit_code: str, at: datetime) -> str:
    """Allocate the next code of `unit_code` for the local (Vietnam) day of `at`."""
    day = at.astimezone(VN_TZ).strftime("%y%m%d")
    table = cast(Table, CodeSequence.__table__)
    insert = postgresql.insert if uow.dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(unit_code=unit_code, day=day, last=1)
        .on_conflict_do_update(
            index_elements=[table.c.unit_code, table.c.day], set_={"last": table.c.last + 1}
        )
        .returning(table.c.last)
    )
    number = uow.session.execute(statement).scalar_one()
    return f"{unit_code}-{day}-{number:04d}"
