"""Dossier codes (NĐ 61/2018 art. 26, TT 01/2018 art. 19): unit code, YYMMDD, daily number.

`000.00.12.H57-251124-0007`: the seventh dossier received by that unit on 24 Nov 2025.
The daily counter is one row per unit and day, incremented with a single atomic
upsert, so concurrent submissions never share a number.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite

from engine.core.clock import VN_TZ
from engine.core.models import CodeSequence
from engine.core.uow import UnitOfWork

_TABLE = cast(Table, CodeSequence.__table__)


def _upsert(insert: Any) -> Any:
    return (
        insert(_TABLE)
        .values(unit_code=bindparam("b_unit"), day=bindparam("b_day"), last=1)
        .on_conflict_do_update(
            index_elements=[_TABLE.c.unit_code, _TABLE.c.day], set_={"last": _TABLE.c.last + 1}
        )
        .returning(_TABLE.c.last)
    )


# Both dialects spell the upsert the same way (INSERT … ON CONFLICT DO UPDATE … RETURNING).
_UPSERT = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}


def next_dossier_code(uow: UnitOfWork, *, unit_code: str, at: datetime) -> str:
    """Allocate the next code of `unit_code` for the local (Vietnam) day of `at`."""
    day = at.astimezone(VN_TZ).strftime("%y%m%d")
    number = uow.connection.execute(
        _UPSERT[uow.dialect], {"b_unit": unit_code, "b_day": day}
    ).scalar_one()
    return f"{unit_code}-{day}-{number:04d}"
