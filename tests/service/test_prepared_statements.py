"""Prepared statements (`engine.core.prepared`) give what the SQLAlchemy connection gives —
on both databases, in the unit of work's transaction — or refuse clearly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from engine.core.clock import FixedClock
from engine.core.errors import Invalid
from engine.core.models import Dossier, Event, Task
from engine.core.prepared import Prepared
from engine.wiring import Platform
from tests.service.test_legal_clock import Desk

EVENTS = Event.__table__
TASKS = Task.__table__
_INSERT_EVENT = Prepared(insert(EVENTS).returning(EVENTS.c.id))
_EVENTS_OF = Prepared(
    select(EVENTS.c.id, EVENTS.c.kind, EVENTS.c.at, EVENTS.c.details, EVENTS.c.note)
    .where(EVENTS.c.dossier_id == bindparam("b_dossier"), EVENTS.c.kind == "checked")
    .order_by(EVENTS.c.id))
_RENAME = Prepared(update(TASKS).where(
    TASKS.c.dossier_id == bindparam("b_dossier"),
    or_(TASKS.c.state == "open", TASKS.c.state == "suspended")).values(name=bindparam("b_name")))


def _dossier_id(platform: Platform, clock: FixedClock) -> int:
    Desk(platform, clock).receive()
    with platform.uow() as uow:
        found = uow.session.scalar(select(Dossier.id).order_by(Dossier.id.desc()).limit(1))
    assert found is not None
    return found


def _event(dossier_id: int, **values: object) -> dict[str, object]:
    return {"dossier_id": dossier_id, "kind": "checked", "at": datetime(2026, 11, 2, 3, tzinfo=UTC),
            "status": 2, "channel": "online", **values}


def test_rows_come_back_typed_as_the_connection_gives_them(platform: Platform, clock: FixedClock) -> None:
    dossier_id = _dossier_id(platform, clock)
    local = datetime(2026, 11, 2, 10, 30).astimezone()  # an aware time in another zone
    with platform.uow() as uow:
        made = _INSERT_EVENT.run(uow.connection, _event(
            dossier_id, at=local, details={"tên": "Nguyễn Văn An", "số": [1, 2]})).scalar_one()
        _INSERT_EVENT.run(uow.connection, _event(dossier_id, note="hai"))
        uow.commit()
    with platform.uow() as uow:
        prepared = _EVENTS_OF.run(uow.connection, {"b_dossier": dossier_id}).all()
        plain = uow.connection.execute(_EVENTS_OF.statement, {"b_dossier": dossier_id}).all()
    assert [tuple(r) for r in prepared] == [tuple(r) for r in plain]
    first = prepared[0]
    assert first.id == made and first.details == {"tên": "Nguyễn Văn An", "số": [1, 2]}
    assert first.at == local and first.at.utcoffset() == timedelta(0)  # stored in UTC
    assert first._asdict()["note"] == "" and prepared[1].note == "hai"  # the default, then given


def test_updates_count_rows_and_roll_back_with_the_unit(platform: Platform, clock: FixedClock) -> None:
    dossier_id = _dossier_id(platform, clock)
    with platform.uow() as uow:
        renamed = _RENAME.run(uow.connection, {"b_dossier": dossier_id, "b_name": "Đổi tên"})
        assert renamed.rowcount == 1  # the one open step
    # not committed: nothing changed
    with platform.uow() as uow:
        names = uow.session.scalars(select(Task.name).where(Task.dossier_id == dossier_id)).all()
    assert "Đổi tên" not in names


def test_many_rows_in_one_call(platform: Platform, clock: FixedClock) -> None:
    dossier_id = _dossier_id(platform, clock)
    insert_many = Prepared(insert(EVENTS))
    with platform.uow() as uow:
        insert_many.run(uow.connection, [_event(dossier_id, note=str(n)) for n in range(3)])
        uow.commit()
    with platform.uow() as uow:
        notes = _EVENTS_OF.run(uow.connection, {"b_dossier": dossier_id}).scalars()
    assert len(notes) == 3


def test_a_nul_character_is_refused_and_nothing_is_written(platform: Platform, clock: FixedClock) -> None:
    dossier_id = _dossier_id(platform, clock)
    with platform.uow() as uow, pytest.raises(Invalid, match="NUL"):
        _INSERT_EVENT.run(uow.connection, _event(dossier_id, note="a\x00b"))
    with platform.uow() as uow:
        assert _EVENTS_OF.run(uow.connection, {"b_dossier": dossier_id}).all() == []


def test_what_it_cannot_run_is_refused_by_name(platform: Platform) -> None:
    listed = Prepared(select(TASKS.c.id).where(TASKS.c.state.in_(("open", "suspended"))))
    with platform.uow() as uow, pytest.raises(TypeError, match="IN list"):
        listed.run(uow.connection)
    missing = Prepared(select(TASKS.c.id).where(TASKS.c.id == bindparam("b_id")))
    with platform.uow() as uow, pytest.raises(KeyError, match="b_id"):
        missing.run(uow.connection, {})


def test_a_refused_write_raises_as_sqlalchemy_would_and_loses_nothing(
        platform: Platform, clock: FixedClock) -> None:
    dossier_id = _dossier_id(platform, clock)
    with platform.uow() as uow:
        made = _INSERT_EVENT.run(uow.connection, _event(dossier_id, note="một")).scalar_one()
        uow.commit()
    with platform.uow() as uow, pytest.raises(IntegrityError):  # its id is taken
        _INSERT_EVENT.run(uow.connection, _event(dossier_id, id=made, note="hai"))
    with platform.uow() as uow:  # the transaction rolled back; the connection serves on
        notes = [row.note for row in _EVENTS_OF.run(uow.connection, {"b_dossier": dossier_id})]
    assert notes == ["một"]
