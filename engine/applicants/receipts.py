"""Receipt numbers: one series per agency and year («BL2026-0000001»), numbered by one
atomic upsert, as dossier codes are."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite

from engine.core.clock import VN_TZ
from engine.core.models import CodeSequence
from engine.core.uow import UnitOfWork

_SEQUENCES = cast(Table, CodeSequence.__table__)


def _next_number(insert: Any) -> Any:
    return (insert(_SEQUENCES)
            .values(unit_code=bindparam("b_series"), day=bindparam("b_year"), last=1)
            .on_conflict_do_update(index_elements=[_SEQUENCES.c.unit_code, _SEQUENCES.c.day],
                                   set_={"last": _SEQUENCES.c.last + 1})
            .returning(_SEQUENCES.c.last))


# One receipt series per agency and year, numbered by one atomic upsert (as dossier codes).
_NEXT_RECEIPT = {"postgresql": _next_number(postgresql.insert),
                 "sqlite": _next_number(sqlite.insert)}


def receipt_number(uow: UnitOfWork, agency_code: str) -> str:
    year = uow.clock.now().astimezone(VN_TZ).strftime("%Y")
    number = uow.connection.execute(_NEXT_RECEIPT[uow.dialect], {
        "b_series": f"BL:{agency_code}"[:40], "b_year": year}).scalar_one()
    return f"BL{year}-{number:07d}"
