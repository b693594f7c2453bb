"""Firing in batches and the worker's firing loop: a batch fires every due timer once with
its effect, a failing timer in a batch never stops the others, concurrent firers on
PostgreSQL share the due timers without firing one twice or waiting on a dossier someone
holds, and the loop notices a timer created after it went to sleep."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from engine.core.clock import VN_TZ, FixedClock
from engine.core.models import Dossier, Event, Task, Timer
from engine.dossiers import timers
from engine.wiring import Platform
from tests.service.test_legal_clock import Desk
from tests.service.test_timer_failures import break_process
from worker.app import make_celery
from worker.timer_loop import TimerLoop

POSTGRES = pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
ESCALATION_DUE = datetime(2026, 12, 9, 8, 0, tzinfo=VN_TZ)  # a permit received at START


def received(platform: Platform, clock: FixedClock, count: int) -> list[str]:
    """`count` permits received now; their escalations are due at ESCALATION_DUE."""
    codes = []
    for _ in range(count):
        desk = Desk(platform, clock)
        desk.receive()
        codes.append(desk.code)
    return codes


def escalations_by_dossier(platform: Platform) -> dict[str, int]:
    with platform.uow() as uow:
        rows = uow.session.execute(
            select(Dossier.code, func.count()).join(Task, Task.dossier_id == Dossier.id)
            .where(Task.bpmn_id == "don_doc").group_by(Dossier.code)).all()
    return {code: n for code, n in rows}


def wait_for_escalations(platform: Platform, seconds: float = 60) -> None:
    """Until a loop has opened an escalation (or `seconds` have passed)."""
    deadline = time.monotonic() + seconds
    while not escalations_by_dossier(platform) and time.monotonic() < deadline:
        time.sleep(0.05)


def fired_events(platform: Platform) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Event)
                                  .where(Event.kind == "timer_fired")) or 0


def test_a_batch_fires_every_due_timer_once_with_its_effect(
    platform: Platform, clock: FixedClock
) -> None:
    codes = received(platform, clock, 3)
    clock.set(ESCALATION_DUE - timedelta(seconds=1))
    with platform.uow() as uow:
        assert timers.next_due(uow) == ESCALATION_DUE - timedelta(days=1)  # the due-soon reminders
    clock.set(ESCALATION_DUE)
    results = timers.fire_due(platform.uow, batch=50)  # due-soon and overdue reminders too
    assert results.count("fired") == 9 and len(results) == 9
    assert escalations_by_dossier(platform) == dict.fromkeys(codes, 1)
    assert timers.fire_due(platform.uow, batch=50) == []  # nothing left to fire
    with platform.uow() as uow:
        fired_at = set(uow.session.scalars(select(Timer.fired_at).where(Timer.state == "fired")))
    assert fired_at == {ESCALATION_DUE}  # stamped with the batch's commit time


def test_a_failing_timer_in_a_batch_is_recorded_and_the_others_fire(
    platform: Platform, clock: FixedClock
) -> None:
    healthy, poisoned = received(platform, clock, 2)
    break_process(platform, poisoned)
    clock.set(ESCALATION_DUE)
    results = timers.fire_due(platform.uow, batch=50)  # rolled back, then one by one:
    assert sorted(results) == ["fired"] * 5 + ["retry"]  # only the broken process's escalation
    assert escalations_by_dossier(platform) == {healthy: 1}
    with platform.uow() as uow:
        failing = uow.session.scalars(select(Timer).join(Dossier).where(
            Dossier.code == poisoned, Timer.kind == "bpmn")).one()
        assert failing.state == "pending" and failing.attempts == 1 and failing.last_error
        assert failing.next_attempt_at == ESCALATION_DUE + timers.FIRST_RETRY
    assert timers.fire_due(platform.uow, batch=50) == []  # it waits for its next try
    with platform.uow() as uow:
        assert timers.next_due(uow) == ESCALATION_DUE + timers.FIRST_RETRY


def test_the_loop_notices_a_timer_created_while_it_sleeps(
    platform: Platform, clock: FixedClock
) -> None:
    """Nothing is due when the loop starts; a step then creates timers, the clock reaches
    them, and the loop fires them without any sweep."""
    loop = TimerLoop(platform.uow, batch=10, recheck=0.05).start()
    try:
        [code] = received(platform, clock, 1)
        clock.set(ESCALATION_DUE)
        wait_for_escalations(platform)
    finally:
        loop.stop()
    assert escalations_by_dossier(platform) == {code: 1}
    assert loop.fired == 3  # due-soon, overdue, escalation


def test_the_loop_fires_even_when_the_holiday_tables_cannot_be_read_ahead(
    platform: Platform, clock: FixedClock, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Reading the holiday tables when the loop starts is only a head start: if it fails,
    the loop says so and fires as before (it used to be able to die before its first
    batch)."""
    def broken(*_years: int) -> None:
        raise OSError("holiday tables unreadable")

    monkeypatch.setattr("engine.legal_clock.load_holidays", broken)
    [code] = received(platform, clock, 1)
    clock.set(ESCALATION_DUE)
    with caplog.at_level(logging.ERROR, logger="motcua.worker.timers"):
        loop = TimerLoop(platform.uow, batch=10, recheck=0.05).start()
        try:
            wait_for_escalations(platform)
        finally:
            loop.stop()
    assert escalations_by_dossier(platform) == {code: 1}
    assert "the holiday tables could not be read ahead" in caplog.text


def test_the_loop_warms_soon_due_processes_and_never_fires_a_stale_one(
    platform: Platform, clock: FixedClock
) -> None:
    """While it waits for a burst, the loop restores the processes whose timers fall due
    within a minute (no further, no more than it may); an instance warmed before another
    process moved its dossier is not used: the firing restores the current state."""
    codes = received(platform, clock, 3)
    with platform.uow() as uow:
        ids = {code: id_ for code, id_ in uow.session.execute(select(Dossier.code, Dossier.id))}
    for dossier_id in ids.values():  # as if another worker process had taken the steps
        platform.instances.forget(dossier_id)
    clock.set(ESCALATION_DUE - timedelta(days=1, minutes=2))  # reminders 2 min ahead
    assert timers.warm_due(platform.uow, within=timedelta(minutes=1), limit=10) == 0
    clock.set(ESCALATION_DUE - timedelta(seconds=30))
    loop = TimerLoop(platform.uow, batch=10, recheck=0.5, warm=2)
    while loop.step() == 0:  # the reminders due before now fire first
        pass
    # then nothing is due: it waited, and warmed meanwhile
    assert loop.warmed == 2 and sum(platform.instances.holds(i) for i in ids.values()) == 2
    loop.warm = 10
    loop.step()
    assert loop.warmed == 3 and all(platform.instances.holds(i) for i in ids.values())
    stale = ids[codes[0]]
    with platform.engine.begin() as connection:  # another process moved that dossier
        connection.execute(update(Dossier).where(Dossier.id == stale)
                           .values(row_version=Dossier.row_version + 1))
    clock.set(ESCALATION_DUE)
    while loop.step() == 0:
        pass
    assert escalations_by_dossier(platform) == {code: 1 for code in codes}
    assert fired_events(platform) == 3


@POSTGRES
def test_a_batch_skips_a_dossier_someone_holds_and_never_waits_for_it(
    platform: Platform, clock: FixedClock
) -> None:
    held, free = received(platform, clock, 2)
    clock.set(ESCALATION_DUE)
    other = platform.engine.connect()  # an officer's step holding one dossier's lock
    try:
        other.execute(select(Dossier.id).where(Dossier.code == held).with_for_update())
        results = timers.fire_due(platform.uow, batch=50)
        assert results.count("fired") == 3 and escalations_by_dossier(platform) == {free: 1}
    finally:
        other.rollback()
        other.close()
    assert timers.fire_due(platform.uow, batch=50).count("fired") == 3
    assert escalations_by_dossier(platform) == {held: 1, free: 1}


@POSTGRES
def test_two_concurrent_firers_share_the_due_timers_and_fire_each_once(
    platform: Platform, clock: FixedClock
) -> None:
    codes = received(platform, clock, 12)
    clock.set(ESCALATION_DUE)
    second = Platform(platform.database_url, clock=clock)  # another worker process
    barrier = threading.Barrier(2)
    results: dict[str, list[str]] = {"first": [], "second": []}

    def work(name: str, target: Platform) -> None:
        barrier.wait()
        while batch := timers.fire_due(target.uow, batch=4):
            results[name] += batch

    threads = [threading.Thread(target=work, args=(n, p))
               for n, p in (("first", platform), ("second", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    second.dispose()
    assert escalations_by_dossier(platform) == dict.fromkeys(codes, 1)
    assert fired_events(platform) == 12
    assert (results["first"] + results["second"]).count("fired") == 36  # 3 timers a dossier
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Timer).where(
            Timer.state == "pending", Timer.due_at <= ESCALATION_DUE)) == 0


def test_a_reminder_whose_step_moved_is_re_aimed_by_a_batch(
    platform: Platform, clock: FixedClock
) -> None:
    [code] = received(platform, clock, 1)
    later = ESCALATION_DUE + timedelta(days=7)
    with platform.uow() as uow:
        dossier_id = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
        appraisal = uow.session.scalar(select(Task.id).where(Task.dossier_id == dossier_id,
                                                             Task.state == "open"))
        uow.session.execute(update(Task).where(Task.id == appraisal).values(due_at=later))
        uow.commit()
    clock.set(ESCALATION_DUE)
    results = timers.fire_due(platform.uow, batch=50)
    assert sorted(results) == ["fired", "skipped", "skipped"]  # the escalation fires
    with platform.uow() as uow:
        overdue = uow.session.execute(select(Timer.state, Timer.due_at).where(
            Timer.task_id == appraisal, Timer.kind == "overdue")).one()
    assert tuple(overdue) == ("pending", later)


def test_the_worker_does_not_log_every_process_state_change(
    platform: Platform, clock: FixedClock, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """SpiffWorkflow logs each task's state change at INFO, the worker's level: a line per
    change cost the worker ten times the firing itself."""
    make_celery({"INSTANCE": str(tmp_path), "BROKER_URL": "memory://"})
    caplog.set_level(logging.INFO)
    received(platform, clock, 1)
    clock.set(ESCALATION_DUE)
    assert timers.fire_due(platform.uow).count("fired") == 3
    assert [r.getMessage() for r in caplog.records if r.name.startswith("spiff")] == []
