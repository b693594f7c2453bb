"""The administrators' connections page (`/quan-tri/ket-noi`) in real Chromium, at a phone's
width (390 px) and a desktop's (1280 px), with its tables full (connectors and their health,
messages per connector, a dead letter with a long error, the day's reconciliation with the
portal simulator showing a difference): no page wider than the viewport, no WCAG 2.2 A/AA
violation from axe-core. Screenshots go to the test's artefacts."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.core.actors import ANONYMOUS
from engine.dossiers import submit_dossier
from engine.wiring import Platform
from integrations import deliver, registry
from tests.browser.test_citizen_pages_layout_in_chromium import WIDTHS, _check, _context, _login
from tests.helpers import MINH_XUAN, PERMIT, permit_data
from tests.simulators.portal import SECRET, PortalState, running_portal


@pytest.fixture
def portal() -> Iterator[tuple[str, PortalState]]:
    with running_portal() as running:
        yield running


@pytest.fixture
def server_database(
    seeded_sqlite: Path, tmp_path: Path, portal: tuple[str, PortalState], monkeypatch: pytest.MonkeyPatch
) -> str:
    """Two dossiers: one synchronised (the portal then holds a wrong status for it), one whose
    first message is a dead letter; the server's portal connector is the simulator."""
    url, state = portal
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(seeded_sqlite, instance / "motcua.db")
    database = f"sqlite:///{instance / 'motcua.db'}"
    config = {"portal": {"implementation": "real", "url": url, "secret": SECRET, "timeout": 5}}
    monkeypatch.setenv("MOTCUA_CONNECTORS", json.dumps(config))
    platform = Platform(database)
    connectors = registry().build(config)
    try:
        with platform.uow() as uow:
            synced = submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT, agency_code=MINH_XUAN,
                                    data=permit_data())["code"]
        deliver(platform.uow, connectors, platform.clock.now)
        state.held[synced] = {**state.held[synced], "status": 9}
        state.down = True
        with platform.uow() as uow:
            submit_dossier(uow, actor=ANONYMOUS, procedure_code=PERMIT, agency_code=MINH_XUAN,
                           data=permit_data(ho_ten="Trần Thị Bình"))
        with platform.uow() as uow:
            uow.connection.exec_driver_sql("UPDATE outbox_messages SET attempts = 15")
            uow.commit()
        deliver(platform.uow, connectors, platform.clock.now)
        state.down = False
    finally:
        platform.dispose()
    return database


def test_the_connections_page_fits_and_passes_axe(browser: Any, server: str, shots: Path) -> None:
    today = (datetime.now(UTC) + timedelta(hours=7)).date().isoformat()
    found: dict[str, Any] = {}
    for width in WIDTHS:
        context = _context(browser, width)
        page = context.new_page()
        _login(page, server, "quantri")
        for name, path in (("connections", "/quan-tri/ket-noi?kiem_tra=1"),
                           ("reconciliation", f"/quan-tri/ket-noi?doi_soat={today}")):
            page.goto(f"{server}{path}")
            assert page.locator("#dead tbody tr").count() >= 1
            if name == "reconciliation":
                assert page.locator("#differences tbody tr").count() >= 1
            else:
                assert "Hoạt động" in page.locator("#connector-list").inner_text()
                error = page.locator("#dead tbody tr").first
                assert "Cổng Dịch vụ công trả lỗi 503 (tạm thời không phục vụ)" in error.inner_text()
                assert "b'" not in error.inner_text()
                error.locator("summary").click()  # the technical detail, folded, opened to be seen
                assert "HTTP 503 từ" in error.locator("details").inner_text()
            if problems := _check(page, name, shots, width):
                found[f"{name}-{width}"] = problems
        context.close()
    assert found == {}
