"""Dossier codes (NĐ 61/2018 art. 26, TT 01/2018 art. 19): unit code, YYMMDD, daily number.

`000.00.12.H57-251124-0007`: the seventh dossier received by that unit on 24 Nov 2025.
The daily counter is one row per unit and day, incremented with a single atomic
upsert, so concurrent submissions never share a number.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, func
from sqlalchemy.dialects import postgresql, sqlite

from engine.core.clock import VN_TZ
from engine.core.models import CodeSequence, Dossier
from engine.core.prepared import Prepared
from engine.core.uow import UnitOfWork

_TABLE = cast(Table, CodeSequence.__table__)
# The end of a code as people type it: `261130-0003`, `H64-261130-0003`, a whole code.
_TAIL = re.compile(r"(?:^|[-.A-Za-z0-9]*-)(\d{2})(\d{2})(\d{2})-\d{4,}")


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
# Prepared (`engine.core.prepared`): one runs at every submission.
_UPSERT = {"postgresql": Prepared(_upsert(postgresql.insert)),
           "sqlite": Prepared(_upsert(sqlite.insert))}


def next_number(uow: UnitOfWork, *, series: str, period: str) -> int:
    """The next number of `series` in `period` (1 first), taken by one atomic upsert in the
    caller's transaction: dossier codes (a unit's day), receipts (an agency's year)."""
    return int(_UPSERT[uow.dialect].run(
        uow.connection, {"b_unit": series, "b_day": period}).scalar_one())


def next_dossier_code(uow: UnitOfWork, *, unit_code: str, at: datetime) -> str:
    """Allocate the next code of `unit_code` for the local (Vietnam) day of `at`."""
    day = at.astimezone(VN_TZ).strftime("%y%m%d")
    number = next_number(uow, series=unit_code, period=day)
    return f"{unit_code}-{day}-{number:04d}"


def _code_day(text: str) -> date | None:
    """The local day a typed code (or its `YYMMDD-NNNN` end) was allocated on."""
    found = _TAIL.fullmatch(text)
    if found is None:
        return None
    try:
        return date(2000 + int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def code_ending(text: str, *, whole: bool = False) -> ColumnElement[bool] | None:
    """The dossiers whose code ends with `text` (`whole`: is `text`), ignoring letter case;
    None when `text` does not end like a code (`YYMMDD-NNNN`).

    Index-friendly without a stored reversed or folded column: a code's `YYMMDD` is the
    Vietnamese day of its submission (`next_dossier_code` is called with the submission
    instant), so the condition bounds `submitted_at` to that day and compares the code
    only within it — a range of `ix_dossiers_agency_submitted` (or `ix_dossiers_submitted`
    for administrators, and for public tracking), one day of dossiers, never the table.
    """
    text = text.strip()
    day = _code_day(text)
    if day is None:
        return None
    start = datetime.combine(day, time(), VN_TZ)
    code = func.lower(Dossier.code)
    matches = code == text.lower() if whole else code.endswith(text.lower(), autoescape=True)
    return and_(Dossier.submitted_at >= start, Dossier.submitted_at < start + timedelta(days=1),
                matches)
