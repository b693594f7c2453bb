"""The audit trail: written with each change, chained by hashes, and `motcua audit verify`
names the first entry edited directly in the database — or the entry covering an event
edited, deleted or slipped in. Reads of personal data are in the append-only access log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from engine.core.audit import verify
from engine.core.clock import FixedClock
from engine.core.models import AccessEntry, AuditEntry, Event
from engine.wiring import Platform
from tests.service.test_legal_clock import Desk

MOTCUA = Path(sys.executable).with_name("motcua")


def _verify_cli(platform: Platform) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": platform.database_url}
    return subprocess.run([str(MOTCUA), "audit", "verify"], env=env, capture_output=True,  # noqa: S603
                          text=True, timeout=60, check=False)


def _entry_of(platform: Platform, kind: str) -> tuple[int, int]:
    """(event id, id of the audit entry covering it) of the first event of that kind."""
    with platform.uow() as uow:
        event_id, audit_id = uow.session.execute(
            select(Event.id, Event.audit_id).where(Event.kind == kind).order_by(Event.id)).first()
    return event_id, audit_id


def test_each_transaction_is_one_entry_covering_its_events(
    platform: Platform, clock: FixedClock
) -> None:
    desk = Desk(platform, clock)
    desk.receive()
    with platform.uow() as uow:
        entries = uow.session.execute(
            select(AuditEntry.id, AuditEntry.action, AuditEntry.summary)
            .where(AuditEntry.object_type == "dossier").order_by(AuditEntry.id)).all()
        events = uow.session.execute(select(Event.kind, Event.audit_id).order_by(Event.id)).all()
    assert [e.action for e in entries] == ["dossier.submitted", "dossier.task_completed"]
    submitted, received = entries
    assert submitted.summary["events"] == ["submitted", "task_opened"]
    assert "received" in received.summary["events"] and received.summary["step"] == "tiep_nhan"
    assert all(len(e.summary["events_sha256"]) == 64 for e in entries)
    assert {audit_id for _, audit_id in events} == {submitted.id, received.id}
    assert [kind for kind, audit_id in events if audit_id == received.id] == received.summary["events"]


def test_changes_are_chained_and_tampering_is_named(platform: Platform, clock: FixedClock) -> None:
    desk = Desk(platform, clock)
    desk.receive()
    desk.view()  # an officer reads personal data: the access log, not the chain
    with platform.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert "dossier.submitted" in actions and "account.login" in actions
    assert "dossier.read" not in actions
    with platform.engine.connect() as connection:
        checked, broken = verify(connection)
    assert broken is None and checked == len(actions)
    ok = _verify_cli(platform)
    assert ok.returncode == 0 and f"nguyên vẹn: {checked} mục" in ok.stdout

    with platform.engine.begin() as connection:
        target = connection.execute(
            select(AuditEntry.id).where(AuditEntry.action == "dossier.submitted")).scalar_one()
        connection.execute(text("UPDATE audit_log SET actor_id = 7 WHERE id = :id"),
                           {"id": target})
    with platform.engine.connect() as connection:
        assert verify(connection)[1] == target
    tampered = _verify_cli(platform)
    assert tampered.returncode == 1 and f"mục {target} không khớp" in tampered.stderr


@pytest.mark.parametrize("tamper", [
    "UPDATE events SET note = 'sửa lén' WHERE id = :event",
    "UPDATE events SET at = '2020-01-01 00:00:00' WHERE id = :event",
    "DELETE FROM events WHERE id = :event",
    "UPDATE events SET audit_id = NULL WHERE id = :event",
])
def test_editing_or_deleting_an_event_names_the_entry_covering_it(
    platform: Platform, clock: FixedClock, tamper: str
) -> None:
    Desk(platform, clock).receive()
    event_id, audit_id = _entry_of(platform, "received")
    with platform.engine.begin() as connection:
        connection.execute(text(tamper), {"event": event_id})
    with platform.engine.connect() as connection:
        assert verify(connection)[1] == audit_id


def test_an_event_slipped_under_an_entry_is_detected(platform: Platform, clock: FixedClock) -> None:
    Desk(platform, clock).receive()
    _, audit_id = _entry_of(platform, "received")
    with platform.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO events (dossier_id, kind, at, actor_id, status, channel, task_id, step, "
            "step_due_at, due_at, note, details, audit_id) SELECT dossier_id, 'refused', at, "
            "actor_id, status, channel, task_id, step, step_due_at, due_at, '', details, audit_id "
            "FROM events WHERE audit_id = :audit LIMIT 1"), {"audit": audit_id})
    with platform.engine.connect() as connection:
        assert verify(connection)[1] == audit_id


def test_deleting_the_newest_entry_is_detected_too(platform: Platform, clock: FixedClock) -> None:
    Desk(platform, clock).receive()
    with platform.engine.begin() as connection:
        newest = connection.execute(select(func.max(AuditEntry.id))).scalar_one()
        connection.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": newest})
    with platform.engine.connect() as connection:
        assert verify(connection)[1] == newest


def test_reads_of_personal_data_are_logged_and_the_log_is_append_only(
    platform: Platform, clock: FixedClock
) -> None:
    desk = Desk(platform, clock)
    officer = desk.actor("motcua.minhxuan")
    desk.view()
    desk.view()
    with platform.uow() as uow:
        reads = uow.session.execute(
            select(AccessEntry.action, AccessEntry.actor_id, AccessEntry.object_id)
            .order_by(AccessEntry.id)).all()
        dossier_id = uow.session.scalar(select(Event.dossier_id).limit(1))
    assert [tuple(r) for r in reads] == [
        ("dossier.read", officer.account_id, str(dossier_id))] * 2
    for statement in ("UPDATE access_log SET actor_id = NULL", "DELETE FROM access_log"):
        with pytest.raises(DBAPIError), platform.engine.begin() as connection:
            connection.execute(text(statement))
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(AccessEntry)) == 2
