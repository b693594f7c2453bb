"""A timer whose firing fails never blocks the others: the failure is rolled back, recorded
(attempts, last error, next try after a growing delay), given up after a few tries, listed
for administrators and retried on their word. The failing timers here are real: their
dossier's stored process state cannot be read, so restoring the process raises."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from sqlalchemy import func, insert, select, update

from engine.core.actors import Actor
from engine.core.audit import verify
from engine.core.clock import VN_TZ, FixedClock
from engine.core.errors import Conflict, Forbidden
from engine.core.models import AuditEntry, Dossier, Event, Task, Timer
from engine.dossiers import timers
from engine.identity.accounts import authenticate
from engine.records.outbox import Gateways, NullGateway
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from tests.service.test_legal_clock import Desk

DUE = datetime(2026, 12, 9, 8, 0, tzinfo=VN_TZ)  # the received permit's escalation is due then
BROKEN = {"format": "hỏng"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def sweep(platform: Platform, limit: int = 200) -> list[str]:
    """One sweep as the worker runs it: the due timers, each fired on its own."""
    with platform.uow() as uow:
        ids = timers.due_timers(uow, limit=limit)
    return [timers.fire(platform.uow, timer_id=i) for i in ids]


def break_process(platform: Platform, code: str) -> dict[str, Any]:
    """Make a dossier's stored process unreadable (its row version moves, so no cached
    instance hides it); returns the state to mend it with."""
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        original: dict[str, Any] = dossier.workflow_state
        uow.session.execute(update(Dossier).where(Dossier.id == dossier.id).values(
            workflow_state=BROKEN, row_version=Dossier.row_version + 1))
        uow.commit()
    return original


def mend_process(platform: Platform, code: str, state: dict[str, Any]) -> None:
    with platform.uow() as uow:
        uow.session.execute(update(Dossier).where(Dossier.code == code).values(
            workflow_state=state, row_version=Dossier.row_version + 1))
        uow.commit()


def poisoned(platform: Platform, clock: FixedClock, count: int, due: datetime) -> list[int]:
    """`count` BPMN timers due one second apart from `due`, on a dossier whose process
    cannot be restored: each firing raises."""
    desk = Desk(platform, clock)
    break_process(platform, desk.code)
    with platform.uow() as uow:
        dossier_id = uow.session.scalar(select(Dossier.id).where(Dossier.code == desk.code))
        uow.session.execute(update(Timer).where(Timer.dossier_id == dossier_id)
                            .values(state="cancelled"))  # its own reminders would fire
        uow.session.execute(insert(Timer), [
            {"dossier_id": dossier_id, "kind": "bpmn", "spiff_id": str(uuid.uuid4()),
             "bpmn_id": "hen_gio_hong", "due_at": due + timedelta(seconds=i), "state": "pending"}
            for i in range(count)])
        uow.commit()
        return list(uow.session.scalars(select(Timer.id).where(
            Timer.dossier_id == dossier_id, Timer.state == "pending").order_by(Timer.id)))


def escalations(platform: Platform, code: str) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Task).join(Dossier).where(
            Dossier.code == code, Task.bpmn_id == "don_doc")) or 0


def timer(platform: Platform, timer_id: int) -> Timer:
    with platform.uow() as uow:
        found = uow.session.get(Timer, timer_id)
        assert found is not None
        uow.session.expunge(found)
        return found


def attempts_of(platform: Platform, ids: list[int]) -> list[int]:
    with platform.uow() as uow:
        return list(uow.session.scalars(select(Timer.attempts).where(Timer.id.in_(ids))
                                        .order_by(Timer.id)))


def admin(platform: Platform) -> Actor:
    with platform.uow() as uow:
        return authenticate(uow, username="quantri", password=DEMO_PASSWORD)


def test_poisoned_timers_never_crowd_out_a_healthy_one(
    platform: Platform, clock: FixedClock
) -> None:
    bad = poisoned(platform, clock, 210, at("2026-11-26 08:00"))  # all due before the healthy one
    desk = Desk(platform, clock)
    desk.receive()
    clock.set(DUE)
    first = sweep(platform)  # the 200 soonest: all poisoned, each rolled back and recorded
    assert first == ["retry"] * 200 and escalations(platform, desk.code) == 0
    sweep(platform)  # the same instant: the 200 wait for their next try, the rest fire
    assert escalations(platform, desk.code) == 1
    assert attempts_of(platform, bad) == [1] * 210  # none tried twice before its next try
    # Later the poisoned timers are all due for a retry at once, ahead (by due time) of a
    # newly due healthy timer: still one sweep fires the healthy one, never-failed first.
    later = Desk(platform, clock)
    later.receive()  # escalation due ten working days later
    clock.set(at("2026-12-23 08:00"))
    results = sweep(platform)
    assert escalations(platform, later.code) == 1
    assert results[0] == "fired" and results.count("retry") == 200 - results.index("retry")


def test_a_failing_timer_records_its_error_and_waits_for_its_next_try(
    platform: Platform, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    [bad] = poisoned(platform, clock, 1, at("2026-11-26 08:00"))
    clock.set(at("2026-11-26 09:00"))
    with caplog.at_level(logging.WARNING, logger="motcua.timers"):
        assert sweep(platform) == ["retry"]
    row = timer(platform, bad)
    assert (row.state, row.attempts, row.fired_at) == ("pending", 1, None)  # the claim rolled back
    assert row.last_error == "ProcessError: Trạng thái quy trình có định dạng không hỗ trợ."
    assert row.next_attempt_at == at("2026-11-26 09:01")
    [line] = [r for r in caplog.records if getattr(r, "event", "") == "timer_failed"]
    assert (line.timer_id, line.dossier_id) == (bad, row.dossier_id)
    assert f"timer={bad} dossier={row.dossier_id}" in line.getMessage()
    assert "định dạng không hỗ trợ" in line.getMessage()
    clock.set(at("2026-11-26 09:00:59"))
    assert sweep(platform) == []  # not before its next try
    clock.set(at("2026-11-26 09:01"))
    assert sweep(platform) == ["retry"]
    row = timer(platform, bad)
    assert (row.attempts, row.next_attempt_at) == (2, at("2026-11-26 09:03"))  # 1, 2, 4… min
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Event).where(
            Event.kind.in_(("timer_fired", "timer_failed")))) == 0


def test_the_recorded_error_is_bounded(platform: Platform, clock: FixedClock) -> None:
    [bad] = poisoned(platform, clock, 1, at("2026-11-26 08:00"))
    with platform.uow() as uow:
        assert timers.record_failure(uow, timer_id=bad, error="ư" * 50_000) == "retry"
    assert timer(platform, bad).last_error == "ư" * timers.ERROR_CHARS


def test_the_delay_between_tries_doubles_up_to_six_hours() -> None:
    assert [timers.retry_delay(n) for n in (1, 2, 3, 8)] == [
        timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=128)]
    assert timers.retry_delay(10) == timedelta(hours=6) == timers.retry_delay(10_000)


def fail_for_good(platform: Platform, clock: FixedClock) -> list[str]:
    results: list[str] = []
    for _ in range(timers.MAX_ATTEMPTS):
        results += sweep(platform)
        clock.advance(timers.LONGEST_RETRY)
    return results


def test_after_eight_failures_a_timer_is_given_up_and_listed_for_administrators(
    platform: Platform, clock: FixedClock
) -> None:
    [bad] = poisoned(platform, clock, 1, at("2026-11-26 08:00"))
    clock.set(at("2026-11-26 08:00"))
    assert fail_for_good(platform, clock) == ["retry"] * 7 + ["failed"]
    row = timer(platform, bad)
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", 8, None)
    clock.advance(timedelta(days=30))
    assert sweep(platform) == []  # given up: no more tries
    boss = admin(platform)
    with platform.uow() as uow:
        [note] = uow.session.scalars(select(Event.note).where(Event.kind == "timer_failed"))
        code = uow.session.scalar(select(Dossier.code).where(Dossier.id == row.dossier_id))
        listed = timers.failing_timers(uow, actor=boss)
    assert note.startswith("hen_gio_hong: ProcessError")
    assert [(t["id"], t["dossier"], t["element"], t["kind"], t["attempts"], t["state"])
            for t in listed] == [(bad, code, "hen_gio_hong", "bpmn", 8, "failed")]
    assert listed[0]["last_error"].startswith("ProcessError")
    with platform.uow() as uow:
        officer = authenticate(uow, username="lanhdao.minhxuan", password=DEMO_PASSWORD)
    with platform.uow() as uow, pytest.raises(Forbidden):
        timers.failing_timers(uow, actor=officer)
    with platform.uow() as uow, pytest.raises(Forbidden):
        timers.retry_timer(uow, actor=officer, timer_id=bad)


def test_retry_now_fires_a_given_up_timer_once_its_cause_is_mended(
    platform: Platform, clock: FixedClock
) -> None:
    desk = Desk(platform, clock)
    desk.receive()
    state = break_process(platform, desk.code)
    clock.set(DUE)
    with platform.uow() as uow:
        escalation = uow.session.scalar(select(Timer.id).where(Timer.kind == "bpmn"))
    assert escalation is not None
    fail_for_good(platform, clock)
    assert timer(platform, escalation).state == "failed"
    boss = admin(platform)
    with platform.uow() as uow, pytest.raises(Conflict):  # a healthy timer needs no retry
        healthy = uow.session.scalar(select(Timer.id).where(Timer.kind == "overdue"))
        assert healthy is not None
        timers.retry_timer(uow, actor=boss, timer_id=healthy)
    mend_process(platform, desk.code, state)  # e.g. an administrator repaired the data
    with platform.uow() as uow:
        assert timers.retry_timer(uow, actor=boss, timer_id=escalation) == {
            "id": escalation, "dossier": desk.code, "state": "pending"}
    row = timer(platform, escalation)
    assert (row.state, row.next_attempt_at) == ("pending", None)
    assert sweep(platform) == ["fired"]
    assert escalations(platform, desk.code) == 1 and timer(platform, escalation).state == "fired"
    with platform.uow() as uow:
        assert timers.failing_timers(uow, actor=boss) == []
        [entry] = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "timer.retry"))
        assert entry.object_id == str(escalation) and entry.summary["state"] == "failed"
    with platform.engine.connect() as connection:
        assert verify(connection)[1] is None


def test_retry_now_skips_the_wait_of_a_timer_between_tries(
    platform: Platform, clock: FixedClock
) -> None:
    [bad] = poisoned(platform, clock, 1, at("2026-11-26 08:00"))
    clock.set(at("2026-11-26 08:00"))
    assert sweep(platform) == ["retry"]
    assert sweep(platform) == []
    boss = admin(platform)
    with platform.uow() as uow:
        timers.retry_timer(uow, actor=boss, timer_id=bad)
    assert sweep(platform) == ["retry"] and timer(platform, bad).attempts == 2


@pytest.fixture
def worker(platform: Platform, tmp_path: Path) -> Iterator[Celery]:
    """The worker's Celery app running tasks in this process, on the test's platform."""
    from worker.app import WorkerContext, make_celery

    app = make_celery({"INSTANCE": str(tmp_path), "BROKER_URL": "memory://"})
    app.conf.task_always_eager = True
    app._motcua_context = WorkerContext(  # type: ignore[attr-defined]
        platform, Gateways(email=NullGateway("email"), sms=NullGateway("sms")))
    app.set_current()
    app.loader.import_default_modules()
    yield app


def test_the_worker_sweep_fires_healthy_timers_beside_failing_ones(
    platform: Platform, clock: FixedClock, worker: Celery
) -> None:
    bad = poisoned(platform, clock, 3, at("2026-11-26 08:00"))
    desk = Desk(platform, clock)
    desk.receive()
    clock.set(DUE)
    assert worker.tasks["motcua.sweep_timers"].apply().get() == 6  # 3 poisoned, 3 healthy
    assert escalations(platform, desk.code) == 1
    assert attempts_of(platform, bad) == [1, 1, 1]
    assert worker.tasks["motcua.fire_timer"].apply(args=(bad[0],)).get() == "skipped"  # waits
