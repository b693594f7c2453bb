"""The national portal sync end to end: a dossier submitted and received through the web app
reaches the portal simulator (status 1, then 2, then 4, with the same code) by the worker's
task; dossiers submitted on the portal are taken once with their portal code; the daily
reconciliation names what the portal holds differently."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from celery import Celery
from flask import Flask
from sqlalchemy import select

from engine.core.clock import FixedClock
from engine.core.models import Dossier
from engine.records import Gateways, NullGateway
from engine.wiring import Platform
from integrations import reconcile, registry
from tests.helpers import MINH_XUAN, PERMIT, complete, login, permit_data
from tests.simulators.portal import SECRET, PortalState, running_portal


@pytest.fixture
def portal(clock: FixedClock) -> Iterator[tuple[str, PortalState]]:
    with running_portal(PortalState(now=clock.now)) as running:
        yield running


@pytest.fixture
def worker(platform: Platform, portal: tuple[str, PortalState], tmp_path: Path) -> Iterator[Celery]:
    """The worker's Celery app running its tasks here, its portal connector on the simulator."""
    from worker.app import WorkerContext, make_celery

    app = make_celery({"INSTANCE": str(tmp_path), "BROKER_URL": "memory://"})
    app.conf.task_always_eager = True
    connectors = registry().build({"portal": {"implementation": "real", "url": portal[0],
                                              "secret": SECRET, "timeout": 5}})
    app._motcua_context = WorkerContext(  # type: ignore[attr-defined]
        platform, Gateways(email=NullGateway("email"), sms=NullGateway("sms")), connectors)
    app.set_current()
    app.loader.import_default_modules()
    yield app


def submit_and_receive(app: Flask) -> str:
    citizen, desk = app.test_client(), app.test_client()
    response = citizen.post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                      "data": permit_data()})
    assert response.status_code == 201, response.json
    code: str = response.json["code"]
    login(desk, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    return code


def test_the_portal_sees_status_1_then_2_with_the_same_code(
    app: Flask, worker: Celery, portal: tuple[str, PortalState]
) -> None:
    state = portal[1]
    code = submit_and_receive(app)
    done = worker.tasks["motcua.deliver_connectors"].apply().get()
    assert done["failed"] == 0 and done["sent"] >= 5
    assert state.statuses(code) == [1, 2, 4]
    assert state.held[code]["due_at"] == "2026-12-16T08:00:00+07:00"
    assert worker.tasks["motcua.deliver_connectors"].apply().get()["sent"] == 0  # nothing twice


def test_dossiers_submitted_on_the_portal_are_taken_once_with_their_portal_code(
    platform: Platform, worker: Celery, portal: tuple[str, PortalState]
) -> None:
    state = portal[1]
    state.submitted = [
        {"external_code": "000.00.00.G22-261125-0001", "procedure_code": PERMIT,
         "agency_code": MINH_XUAN, "data": permit_data()},
        {"external_code": "000.00.00.G22-261125-0002", "procedure_code": PERMIT,
         "agency_code": MINH_XUAN, "data": permit_data(so_dinh_danh="12")},  # not a valid ID
    ]
    first = worker.tasks["motcua.pull_portal"].apply().get()
    assert first == {"taken": 1, "already": 0, "refused": 1}
    assert worker.tasks["motcua.pull_portal"].apply().get() == {"taken": 0, "already": 1, "refused": 1}
    with platform.uow() as uow:
        taken = uow.session.execute(select(Dossier.code, Dossier.external_code, Dossier.status)
                                    .where(Dossier.external_code.is_not(None))).one()
    assert taken.external_code == "000.00.00.G22-261125-0001" and taken.status == 1
    worker.tasks["motcua.deliver_connectors"].apply()
    assert state.held[taken.code]["external_code"] == "000.00.00.G22-261125-0001"


def test_the_daily_reconciliation_names_each_difference(
    app: Flask, platform: Platform, clock: FixedClock, worker: Celery, portal: tuple[str, PortalState]
) -> None:
    state = portal[1]
    synced = submit_and_receive(app)
    worker.tasks["motcua.deliver_connectors"].apply()
    state.down = True
    unsent = submit_and_receive(app)  # its messages wait in the outbox
    state.down = False
    state.held[synced] = {**state.held[synced], "status": 9}  # the portal holds a wrong status
    state.held["H40.99-261125-9999"] = {"status": 2, "due_at": None, "ended_at": None,
                                        "changed_on": "2026-11-25"}
    context = worker._motcua_context  # type: ignore[attr-defined]
    found = reconcile(platform.uow, context.connectors, day=clock.now().date(), now=clock.now)
    described = {(d.code, d.field, d.ours, d.portal, d.waiting) for d in found}
    assert (synced, "status", "4", "9", False) in described
    assert ("H40.99-261125-9999", "unknown", None, "2", False) in described
    assert (unsent, "missing", "4", None, True) in described
    assert len(found) == 3
    assert [d.label for d in found if d.field == "status"] == ["Trạng thái"]
    clock.advance(timedelta(days=1))
    assert worker.tasks["motcua.reconcile_portal"].apply().get() == 3  # yesterday's, logged


def test_the_reconciliation_runs_from_the_command_line(
    app: Flask, platform: Platform, clock: FixedClock, worker: Celery, portal: tuple[str, PortalState],
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from integrations.__main__ import main

    code = submit_and_receive(app)
    worker.tasks["motcua.deliver_connectors"].apply()
    monkeypatch.setenv("MOTCUA_DATABASE_URL", platform.database_url)
    monkeypatch.setenv("MOTCUA_CONNECTORS", json.dumps({"portal": {
        "implementation": "real", "url": portal[0], "secret": SECRET}}))
    portal[1].now = lambda: datetime.now(UTC)  # the command signs with the real clock
    day = clock.now().date().isoformat()
    assert main(["reconcile", day]) == 0
    portal[1].held[code] = {**portal[1].held[code], "due_at": None}
    assert main(["reconcile", day]) == 1
    out = capsys.readouterr().out
    assert f"{code}\tHạn giải quyết\thệ thống=2026-12-16T08:00:00+07:00\tcổng=—" in out
    assert f"{day}: 1 khác biệt" in out
    monkeypatch.setenv("MOTCUA_CONNECTORS", '{"portal": {"implementation": "real"}}')
    assert main(["reconcile", day]) == 1
    assert "portal.url là bắt buộc" in capsys.readouterr().err
