"""Shared fixtures: real databases (SQLite file, PostgreSQL server), seeded once per run
and copied per test, a movable clock, and the Flask app on top.

PostgreSQL runs on 127.0.0.1:5432 (trust auth). When it is down the fixture tries to
start it; if that fails the PostgreSQL cases are skipped with a loud reason locally,
and fail in CI (CI=true), where they must run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher, Type
from flask import Flask
from flask.testing import FlaskClient

from engine.core.clock import VN_TZ, FixedClock
from engine.identity import accounts
from engine.seed import DEMO_PASSWORD, load_samples
from engine.wiring import Platform
from tests import compile_once, file_order

PG_ADMIN_URL = os.environ.get(
    "MOTCUA_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
START = datetime(2026, 11, 25, 8, 0, tzinfo=VN_TZ)  # a Wednesday, office hours
PASSWORD = DEMO_PASSWORD
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

compile_once.install()  # each test's app reuses the routes' and templates' compiled code

# Passwords are hashed and checked thousands of times a run (seeding, every login): at
# OWASP's minimum (19 MiB, 2 passes) that was a tenth of the functional tests' time. In this
# process they are hashed with argon2id's smallest parameters, which verify the same way;
# tests/functional/test_password_hashing.py checks the real parameters and the rehash at
# login with `production_passwords`. Servers started as commands hash as in production.
PRODUCTION_HASHER = accounts._HASHER
accounts._HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)


@pytest.fixture
def production_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash and check passwords with the application's real argon2 parameters."""
    monkeypatch.setattr(accounts, "_HASHER", PRODUCTION_HASHER)


def pytest_configure(config: pytest.Config) -> None:
    file_order.configure(config)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    file_order.order(items)  # the slowest files first (see tests/file_order.py)


def _pg_reachable() -> bool:
    try:
        engine = sa.create_engine(PG_ADMIN_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def _start_postgres() -> None:
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if versions and shutil.which("pg_ctlcluster"):
        subprocess.run(  # noqa: S603
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],  # noqa: S607
            check=False, capture_output=True, timeout=60,
        )


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[sa.Engine]:
    """An autocommit engine on the server, for creating and dropping test databases."""
    if not _pg_reachable():
        _start_postgres()
    if not _pg_reachable():
        reason = f"PostgreSQL is not reachable at {PG_ADMIN_URL} and could not be started"
        if os.environ.get("CI"):
            pytest.fail(reason + " — CI must exercise PostgreSQL", pytrace=False)
        pytest.skip("!!! SKIPPING POSTGRESQL TESTS: " + reason)
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the samples loaded, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "seeded.db"
    platform = Platform(f"sqlite:///{path}", clock=FixedClock(START))
    platform.migrate()
    load_samples(platform)
    platform.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def seeded_postgres(postgres_admin: sa.Engine) -> Iterator[str]:
    """A migrated, seeded PostgreSQL database used as the template of each test's database."""
    name = f"motcua_seed_{uuid.uuid4().hex[:8]}"
    with postgres_admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    platform = Platform(_pg_url(name), clock=FixedClock(START))
    platform.migrate()
    load_samples(platform)
    platform.dispose()
    yield name
    with postgres_admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class PostgresCopies:
    """Copies of the seeded template for the tests of one process, made and dropped off
    the tests' path.

    A `DROP DATABASE` waits for an immediate checkpoint of the server (every page dirtied
    since the last one, in every database, written and synced): 1 to 1.5 s on the
    project's machine and far more while other work writes, plus ~0.4 s to create the
    copy, paid inside each of ~700 PostgreSQL tests as it set up and tore down. Here two
    threads make the next copies while a test runs, and a few others drop used copies
    behind the tests (drops waiting together share one checkpoint). The template never
    changes once the session has made it, so a copy made ahead is the copy the test would
    have had."""

    AHEAD = 2  # copies being made at once, for runs of quick tests
    DROPPERS = 4

    def __init__(self, admin: sa.Engine, template: str) -> None:
        self.admin = admin
        self.template = template
        self.maker = ThreadPoolExecutor(max_workers=self.AHEAD, thread_name_prefix="pg-copy")
        self.dropper = ThreadPoolExecutor(max_workers=self.DROPPERS,
                                          thread_name_prefix="pg-drop")
        self.ahead: deque[Future[str]] = deque(
            self.maker.submit(self._create) for _ in range(self.AHEAD))
        self.drops: list[Future[None]] = []

    def _create(self) -> str:
        name = f"motcua_t_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return name

    def _drop(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def take(self) -> str:
        """A fresh copy of the template; another starts being made."""
        name = self.ahead.popleft().result()
        self.ahead.append(self.maker.submit(self._create))
        return name

    def give_back(self, name: str) -> None:
        """The test is over: end the sessions still on its copy now (as the drop at
        teardown did), and drop the copy behind the tests."""
        with self.admin.connect() as connection:
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,))
        pending, self.drops = self.drops, [self.dropper.submit(self._drop, name)]
        done: list[Future[None]] = []
        for drop in pending:
            (done if drop.done() else self.drops).append(drop)
        for drop in done:
            drop.result()  # a drop that failed fails the test after it, not silently

    def close(self) -> None:
        """Drop every copy left (those made ahead too) before the template goes."""
        self.drops += [self.dropper.submit(self._drop, made.result()) for made in self.ahead]
        for drop in self.drops:
            drop.result()
        self.maker.shutdown()
        self.dropper.shutdown()


@pytest.fixture(scope="session")
def postgres_copies(postgres_admin: sa.Engine, seeded_postgres: str) -> Iterator[PostgresCopies]:
    """The process's maker of test databases from the seeded template."""
    copies = PostgresCopies(postgres_admin, seeded_postgres)
    yield copies
    copies.close()


@pytest.fixture
def clock() -> FixedClock:
    """A clock the test moves by hand."""
    return FixedClock(START)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the seeded database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "motcua.db"
        shutil.copy(request.getfixturevalue("seeded_sqlite"), target)
        yield f"sqlite:///{target}"
        return
    copies: PostgresCopies = request.getfixturevalue("postgres_copies")
    name = copies.take()
    yield _pg_url(name)
    copies.give_back(name)


@pytest.fixture
def platform(database_url: str, clock: FixedClock) -> Iterator[Platform]:
    """The engine on a seeded database, with the test's clock."""
    made = Platform(database_url, clock=clock)
    yield made
    made.dispose()


@pytest.fixture
def app(platform: Platform, tmp_path: Path) -> Flask:
    """The web application on the test's platform."""
    from webapp import create_app

    return create_app({"TESTING": True, "PLATFORM": platform, "SECRET_KEY": "test-secret",
                       "DATABASE_URL": platform.database_url})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """An anonymous browser."""
    return app.test_client()


class Inbox:
    """A local SMTP server (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content,
                                                                      policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on loopback (aiosmtpd) and its port; the inbox keeps what it gets."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
