"""Reports read from the reports database (MOTCUA_REPORTS_DATABASE_URL, a replica) when one
is configured, everything else from the main one. The test points the reports at a second
database holding other content and sees the reports follow it, and only them."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from engine.core.clock import FixedClock
from engine.wiring import Platform
from tests.conftest import _pg_url
from tests.helpers import MINH_XUAN, PERMIT, login, permit_data
from webapp import create_app

PERIOD = f"from=2026-11-01&to=2026-11-30&agency={MINH_XUAN}"


@pytest.fixture
def second_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """Another copy of the seeded database, of the same kind (the 'replica')."""
    if database_url.startswith("sqlite"):
        target = tmp_path / "replica.db"
        shutil.copy(request.getfixturevalue("seeded_sqlite"), target)
        yield f"sqlite:///{target}"
        return
    admin: sa.Engine = request.getfixturevalue("postgres_admin")
    name = f"motcua_rep_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(
            f'CREATE DATABASE "{name}" TEMPLATE "{request.getfixturevalue("seeded_postgres")}"'
        )
    yield _pg_url(name)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _app(platform: Platform) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "PLATFORM": platform,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": platform.database_url,
        }
    )


def _submitted(app: Flask, count: int) -> list[str]:
    citizen = app.test_client()
    login(citizen, "congdan")
    return [
        citizen.post(
            "/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}
        ).json["code"]
        for _ in range(count)
    ]


def _report(app: Flask) -> dict[str, Any]:
    leader = app.test_client()
    login(leader, "lanhdao.minhxuan")
    answer = leader.get(f"/api/v1/reports/statistics?{PERIOD}")
    assert answer.status_code == 200, answer.json
    report: dict[str, Any] = answer.json
    return report


def test_reports_follow_the_reports_database_and_nothing_else_does(
    database_url: str, second_url: str, clock: FixedClock
) -> None:
    main = Platform(database_url, clock=clock)
    replica_only = Platform(second_url, clock=clock)
    split = Platform(database_url, clock=clock, reports_database_url=second_url)
    try:
        codes = _submitted(_app(main), 3)
        _submitted(_app(replica_only), 1)  # the 'replica' lags: other content
        on_main, on_replica = _report(_app(main)), _report(_app(replica_only))
        assert on_main != on_replica
        app = _app(split)
        assert _report(app) == on_replica
        assert split.reports_database_url == second_url
        # Pages and the API outside the reports still read and write the main database.
        citizen = app.test_client()
        login(citizen, "congdan")
        assert citizen.get(f"/api/v1/dossiers/{codes[0]}").status_code == 200
        page = app.test_client()
        login(page, "lanhdao.minhxuan")
        board = page.get(f"/quan-tri/bao-cao?co_quan={MINH_XUAN}&tu=2026-11-01&den=2026-11-30")
        assert board.status_code == 200
    finally:
        for platform in (main, replica_only, split):
            platform.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_reports_database_comes_from_configuration(
    database_url: str, second_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = Platform(database_url)
    assert plain.reports_engine is plain.engine and plain.reports_database_url == database_url
    plain.dispose()
    monkeypatch.setenv("MOTCUA_REPORTS_DATABASE_URL", second_url)
    configured = Platform(database_url)
    try:
        assert configured.reports_engine is not configured.engine
        assert str(configured.reports_engine.url) == second_url
    finally:
        configured.dispose()
