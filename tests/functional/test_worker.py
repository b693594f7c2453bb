"""The real worker: Celery processes with the embedded broker (SQLite, no server) and with
Redis plus PostgreSQL (production), firing a due timer exactly once — by the firing loop
each worker process runs, without waiting for beat's sweep."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select, update

from engine.core.actors import ANONYMOUS
from engine.core.models import Event, Task, Timer
from engine.dossiers import submit as dossiers
from engine.dossiers import tasks
from engine.dossiers.inbox import inbox
from engine.identity.accounts import authenticate
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, permit_data

MOTCUA = Path(sys.executable).with_name("motcua")
REDIS_URL = "redis://127.0.0.1:6379/15"


def _received_dossier(url: str) -> str:
    """A permit received now (real clock), its escalation timer made due a minute ago."""
    platform = Platform(url)
    try:
        with platform.uow() as uow:
            code = dossiers.submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT,
                                           agency_code=MINH_XUAN, data=permit_data())["code"]
        with platform.uow() as uow:
            desk = authenticate(uow, username="motcua.minhxuan", password=DEMO_PASSWORD)
        with platform.uow() as uow:
            task_id = inbox(uow, actor=desk)["tasks"][0]["id"]
        with platform.uow() as uow:
            tasks.complete_task(uow, actor=desk, task_id=task_id,
                                data={"ket_qua_kiem_tra": "tiep_nhan"})
        with platform.uow() as uow:
            uow.session.execute(update(Timer).where(Timer.kind == "bpmn").values(
                due_at=platform.clock.now() - timedelta(minutes=1)))
            uow.commit()
        return code
    finally:
        platform.dispose()


def _wait_for_escalation(url: str, seconds: float = 60) -> tuple[int, int]:
    platform = Platform(url)
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with platform.uow() as uow:
                escalations = uow.session.scalar(
                    select(func.count()).select_from(Task).where(Task.bpmn_id == "don_doc")) or 0
                fired = uow.session.scalar(
                    select(func.count()).select_from(Event).where(Event.kind == "timer_fired")) or 0
            if escalations:
                time.sleep(3)  # let any duplicate delivery arrive before counting
                with platform.uow() as uow:
                    escalations = uow.session.scalar(select(func.count()).select_from(Task)
                                                     .where(Task.bpmn_id == "don_doc")) or 0
                    fired = uow.session.scalar(select(func.count()).select_from(Event)
                                               .where(Event.kind == "timer_fired")) or 0
                return escalations, fired
            time.sleep(0.5)
        return 0, 0
    finally:
        platform.dispose()


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([str(MOTCUA), *args], env=env, stdout=output,  # noqa: S603
                                stderr=subprocess.STDOUT)


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_the_embedded_worker_fires_a_due_timer_without_any_broker_server(
    seeded_sqlite: Path, tmp_path: Path
) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(seeded_sqlite, instance / "motcua.db")
    url = f"sqlite:///{instance / 'motcua.db'}"
    _received_dossier(url)
    # Beat's sweep is made too slow to matter: the firing loop must fire the timer.
    env = {**os.environ, "MOTCUA_INSTANCE": str(instance), "MOTCUA_SWEEP_SECONDS": "600"}
    env.pop("MOTCUA_BROKER_URL", None)
    worker = _start(["worker", "--beat"], env, tmp_path / "worker.log")
    try:
        result = _wait_for_escalation(url)
    finally:
        _stop([worker])
    log = (tmp_path / "worker.log").read_text()
    assert result == (1, 1), log[-3000:]
    assert "timers fired=1" in log  # by the firing loop
    assert (instance / "broker.sqlite").exists()


@pytest.fixture
def redis_broker() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1",  # noqa: S607
                        "--port", "6379", "--save", "", "--appendonly", "no"],
                       check=False, capture_output=True, timeout=30)
        time.sleep(1)
        try:
            client.ping()
        except redis.ConnectionError:
            if os.environ.get("CI"):
                pytest.fail("Redis is not reachable at 127.0.0.1:6379 — CI must exercise it",
                            pytrace=False)
            pytest.skip("!!! SKIPPING REDIS WORKER TEST: Redis is not reachable at 127.0.0.1:6379")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


@pytest.mark.postgres
def test_production_mode_two_workers_and_a_beat_on_redis_fire_a_timer_once(
    postgres_admin: object, seeded_postgres: str, redis_broker: str, tmp_path: Path
) -> None:
    import sqlalchemy as sa

    admin = postgres_admin
    assert isinstance(admin, sa.Engine)
    name = f"motcua_w_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{seeded_postgres}"')
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        _received_dossier(url)
        env = {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_BROKER_URL": redis_broker,
               "MOTCUA_INSTANCE": str(tmp_path),  # four firing loops race, no sweep
               "MOTCUA_SWEEP_SECONDS": "600"}
        processes = [
            _start(["beat"], env, tmp_path / "beat.log"),
            _start(["worker", "--no-beat", "--concurrency", "2"], env, tmp_path / "w1.log"),
            _start(["worker", "--no-beat", "--concurrency", "2"], env, tmp_path / "w2.log"),
        ]
        try:
            result = _wait_for_escalation(url)
        finally:
            _stop(processes)
        logs = "\n".join((tmp_path / f).read_text() for f in ("beat.log", "w1.log", "w2.log"))
        assert result == (1, 1), logs[-4000:]
        assert logs.count("timers fired=1") == 1  # by one loop, once
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
