"""The audit trail: written with each change, chained by hashes, and `motcua audit verify`
names the first entry edited directly in the database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select, text

from engine.core.audit import verify
from engine.core.clock import FixedClock
from engine.core.models import AuditEntry
from engine.wiring import Platform
from tests.service.test_legal_clock import Desk

MOTCUA = Path(sys.executable).with_name("motcua")


def _verify_cli(platform: Platform) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": platform.database_url}
    return subprocess.run([str(MOTCUA), "audit", "verify"], env=env, capture_output=True,  # noqa: S603
                          text=True, timeout=60, check=False)


def test_changes_and_reads_are_chained_and_tampering_is_named(
    platform: Platform, clock: FixedClock
) -> None:
    desk = Desk(platform, clock)
    desk.receive()
    desk.view()  # an officer reads personal data
    with platform.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert "dossier.submitted" in actions and "dossier.received" in actions
    assert "account.login" in actions and actions[-1] == "dossier.read"
    with platform.engine.connect() as connection:
        checked, broken = verify(connection)
    assert broken is None and checked == len(actions)
    ok = _verify_cli(platform)
    assert ok.returncode == 0 and f"nguyên vẹn: {checked} mục" in ok.stdout

    with platform.engine.begin() as connection:
        target = connection.execute(
            select(AuditEntry.id).where(AuditEntry.action == "dossier.received")).scalar_one()
        connection.execute(text("UPDATE audit_log SET actor_id = NULL WHERE id = :id"),
                           {"id": target})
    with platform.engine.connect() as connection:
        assert verify(connection)[1] == target
    tampered = _verify_cli(platform)
    assert tampered.returncode == 1 and f"mục {target} không khớp" in tampered.stderr


def test_deleting_the_newest_entry_is_detected_too(platform: Platform, clock: FixedClock) -> None:
    Desk(platform, clock).receive()
    with platform.engine.begin() as connection:
        newest = connection.execute(select(func.max(AuditEntry.id))).scalar_one()
        connection.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": newest})
    with platform.engine.connect() as connection:
        assert verify(connection)[1] == newest
