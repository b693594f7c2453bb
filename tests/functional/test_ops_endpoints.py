"""Operations endpoints: the probes a load balancer asks, the figures Prometheus scrapes
(checked against the database), request ids and the JSON log lines."""

from __future__ import annotations

import json
import logging
import re
import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from engine.core.clock import FixedClock
from engine.core.models import Dossier, Notification, Task, Timer
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, login, permit_data
from webapp import create_app

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
REDIS = "redis://127.0.0.1:6379/15"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _app(platform: Platform, **config: Any) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "PLATFORM": platform,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": platform.database_url,
            "BROKER_URL": REDIS,
            **config,
        }
    )


def _figures(text: str) -> dict[str, float]:
    """`name{labels} value` lines of a Prometheus exposition, by name with labels."""
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            found[name] = float(value)
    return found


@SQLITE_ONLY
def test_healthz_answers_without_the_database(platform: Platform) -> None:
    app = _app(platform, DATABASE_URL="sqlite:////nonexistent/motcua.db")
    platform.dispose()
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200 and answer.json == {"status": "ok"}
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-Id"])


def test_readyz_is_ready_with_database_migrations_and_broker(platform: Platform) -> None:
    answer = _app(platform).test_client().get("/readyz")
    assert answer.status_code == 200, answer.json
    assert answer.json == {"status": "ready"}


@SQLITE_ONLY
def test_readyz_names_an_unreachable_broker(platform: Platform) -> None:
    app = _app(platform, BROKER_URL=f"redis://127.0.0.1:{_closed_port()}/0")
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["status"] == "unavailable"
    assert [r.split(":")[0] for r in answer.json["reasons"]] == ["broker unreachable"]


def test_readyz_names_a_schema_behind_the_code(platform: Platform) -> None:
    with platform.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    answer = _app(platform).test_client().get("/readyz")
    assert answer.status_code == 503
    (reason,) = answer.json["reasons"]
    assert reason.startswith("migrations not at head: database at 0001, code at ")


@SQLITE_ONLY
def test_readyz_names_an_unreachable_database(platform: Platform, tmp_path: Any) -> None:
    broken = Platform(f"sqlite:///{tmp_path}/missing/motcua.db")
    answer = _app(broken).test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["reasons"] == ["database unreachable: OperationalError"]


def test_metrics_report_what_the_database_holds(platform: Platform, clock: FixedClock) -> None:
    app = _app(platform)
    citizen = app.test_client()
    login(citizen, "congdan")
    codes = [
        citizen.post(
            "/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}
        ).json["code"]
        for _ in range(3)
    ]
    with platform.uow() as uow:  # a notice not yet sent, one timer given up
        uow.session.add(
            Notification(
                channel="email",
                recipient="an@example.vn",
                subject="Hồ sơ",
                body="…",
                created_at=clock.now(),
                next_attempt_at=clock.now(),
            )
        )
        uow.session.execute(
            update(Timer)
            .where(Timer.id == select(func.min(Timer.id)).scalar_subquery())
            .values(state="failed")
        )
        uow.commit()
    clock.advance(timedelta(days=30))  # every open step is now past its due time
    citizen.get(f"/api/v1/dossiers/{codes[0]}")
    scraped = app.test_client().get("/metrics")
    assert scraped.status_code == 200
    assert scraped.headers["Content-Type"].startswith("text/plain; version=")
    figures = _figures(scraped.text)
    now = clock.now()
    with platform.engine.connect() as db:
        by_status = dict(db.execute(select(Dossier.status, func.count()).group_by(Dossier.status)).all())
        open_tasks = db.scalar(select(func.count()).where(Task.state == "open"))
        overdue = db.scalar(select(func.count()).where(Task.state == "open", Task.due_at < now))
        pending = db.scalar(select(func.count()).where(Timer.state == "pending"))
        due = db.execute(
            select(func.count(), func.min(Timer.due_at)).where(Timer.state == "pending", Timer.due_at <= now)
        ).one()
        failed = db.scalar(select(func.count()).where(Timer.state == "failed"))
        unsent = db.execute(
            select(func.count(), func.min(Notification.created_at)).where(Notification.sent_at.is_(None))
        ).one()
    assert by_status and sum(by_status.values()) >= 3
    for status, count in by_status.items():
        assert figures[f'motcua_dossiers{{status="{status}"}}'] == count
    assert figures["motcua_database_up"] == 1
    assert figures["motcua_tasks_open"] == open_tasks and open_tasks >= 3
    assert figures["motcua_tasks_overdue"] == overdue == open_tasks
    assert figures["motcua_timers_pending"] == pending
    assert figures["motcua_timers_due"] == due[0]
    lateness = (now - due[1]).total_seconds() if due[1] else 0.0
    assert figures["motcua_timers_lateness_seconds"] == pytest.approx(lateness)
    assert figures["motcua_timers_failed"] == failed == 1
    assert figures["motcua_outbox_backlog"] == unsent[0] and unsent[0] > 0
    assert figures["motcua_outbox_oldest_seconds"] == pytest.approx((now - unsent[1]).total_seconds())
    # Latency by route name: the dossier's code is in no label.
    key = 'motcua_http_request_duration_seconds_count{endpoint="api.show_dossier",method="GET"}'
    assert figures[key] == 1
    assert not any(codes[0] in name for name in figures)
    assert figures['motcua_http_responses_total{endpoint="api.submit",status="201"}'] == 3


@SQLITE_ONLY
def test_metrics_are_refused_away_from_loopback_without_the_token(platform: Platform) -> None:
    away = _app(platform).test_client()
    away.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    refused = away.get("/metrics")
    assert refused.status_code == 403
    assert "MOTCUA_METRICS_TOKEN" in refused.json["error"]["message"]
    assert b"motcua_" not in refused.data


@SQLITE_ONLY
def test_a_configured_token_is_required_even_on_loopback(platform: Platform) -> None:
    client = _app(platform, METRICS_TOKEN="s3cret-scrape").test_client()
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = client.get(
        "/metrics",
        headers={"Authorization": "Bearer s3cret-scrape"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert right.status_code == 200 and b"motcua_dossiers" in right.data


@SQLITE_ONLY
def test_a_sane_request_id_is_echoed_and_a_hostile_one_replaced(platform: Platform) -> None:
    client = _app(platform).test_client()
    assert client.get("/healthz", headers={"X-Request-Id": "lb-42.a"}).headers["X-Request-Id"] == "lb-42.a"
    replaced = client.get("/", headers={"X-Request-Id": "x\u202ey" + "z" * 70}).headers
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-Id"])


@pytest.fixture
def root_handlers() -> Iterator[None]:
    """Give the root logger back its handlers (pytest's) after a test reconfigures it."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved:
        root.addHandler(handler)
    root.setLevel(level)


@SQLITE_ONLY
def test_json_logs_carry_the_request_id_and_the_dossier_code(
    platform: Platform, capsys: pytest.CaptureFixture[str], root_handlers: None
) -> None:
    app = _app(platform, LOG_FORMAT="json")
    citizen = app.test_client()
    login(citizen, "congdan")
    code = citizen.post(
        "/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}
    ).json["code"]
    capsys.readouterr()
    citizen.get(f"/api/v1/dossiers/{code}", headers={"X-Request-Id": "trace-7"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    (access,) = [e for e in lines if e["logger"] == "motcua.http"]
    assert access["request_id"] == "trace-7" and access["dossier"] == code
    assert access["endpoint"] == "api.show_dossier" and access["status"] == 200
    assert access["level"] == "info" and access["duration_ms"] >= 0


def test_an_unknown_log_format_is_refused_by_name(platform: Platform) -> None:
    with pytest.raises(ValueError, match="MOTCUA_LOG_FORMAT must be one of text, json"):
        _app(platform, LOG_FORMAT="yaml")


@SQLITE_ONLY
def test_behind_a_proxy_the_forwarded_client_is_the_caller(platform: Platform) -> None:
    proxied = _app(platform, PROXY_HOPS=1).test_client()  # nginx on this host: loopback
    relayed = proxied.get("/metrics", headers={"X-Forwarded-For": "203.0.113.5"})
    assert relayed.status_code == 403  # a citizen's request relayed by nginx is not loopback
    assert proxied.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200
    plain = _app(platform).test_client()  # without the setting the header is not believed
    assert plain.get("/metrics", headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 200


@SQLITE_ONLY
@pytest.mark.parametrize("broker", ["embedded", "amqp://guest:guest@127.0.0.1:5672//"])
def test_readyz_knows_the_embedded_broker_and_rabbitmq(
    platform: Platform, broker: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOTCUA_BROKER_URL", raising=False)
    config: dict[str, Any] = {
        "TESTING": True,
        "PLATFORM": platform,
        "SECRET_KEY": "t",
        "DATABASE_URL": platform.database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    if broker != "embedded":
        config["BROKER_URL"] = broker
    app = create_app(config)
    if broker == "embedded":  # make run's: the queue in a SQLite file beside the database
        assert app.config["BROKER_URL"] == f"sqla+sqlite:///{tmp_path}/instance/broker.sqlite"
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 200, answer.json
