"""The officer a leader gives a step to reads «Bạn được giao: …» on the inbox, in real
Chromium at 390 and 1280 px: the notice links to the dossier, nothing is wider than the
viewport, axe-core finds no WCAG 2.2 A/AA violation; a reload leaves it new, «Đánh dấu đã
đọc» reads one, the notices page («Xem tất cả thông báo») the others.
Screenshots go to the test's artefacts."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.test_team_work_in_chromium import _check, _page
from tests.helpers import MINH_XUAN, complete, login, permit_data
from webapp.app import create_app

WIDTHS = (390, 1280)
NAMES = ("Phan Văn Khải", "Bùi Thị Xuân")


@pytest.fixture
def server_database(seeded_sqlite: Path, tmp_path: Path) -> str:
    """Two received dossiers, both given by the leader to the specialist Lê Văn Cường."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(seeded_sqlite, instance / "motcua.db")
    url = f"sqlite:///{instance / 'motcua.db'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "kiem-thu",
                      "INSTANCE_PATH": str(instance)})
    desk, leader = app.test_client(), app.test_client()
    login(desk, "motcua.minhxuan")
    login(leader, "lanhdao.minhxuan")
    for name in NAMES:
        code = app.test_client().post("/api/v1/dossiers", json={
            "procedure": "1.009994", "agency": MINH_XUAN,
            "data": permit_data(ho_ten=name)}).json["code"]
        complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    team = leader.get("/api/v1/tasks?view=team").json
    specialist = next(o["id"] for group in team["officers"] for o in group["officers"]
                      if o["name"] == "Lê Văn Cường")
    given = leader.post("/api/v1/tasks/assign", json={
        "task_ids": [t["id"] for t in team["tasks"]], "assignee_id": specialist})
    assert given.status_code == 200, given.json
    app.extensions["motcua"].dispose()
    return url


def test_the_assigned_officer_reads_the_notice_on_the_inbox(
    browser: Any, server: str, server_database: str, shots: Path
) -> None:
    for width in WIDTHS:
        specialist = _page(browser, server, "chuyenvien.minhxuan", width)
        specialist.goto(f"{server}/can-bo")  # the inbox (where an officer lands after login)
        notices = specialist.locator("#officer-notices")
        assert notices.get_by_role("heading", name="Thông báo mới (2)").count() == 1
        assert notices.get_by_role("link", name="Bạn được giao: «Thẩm định hồ sơ, đề xuất»").count() == 2
        assert "Phạm Thị Dung đã giao cho bạn bước «Thẩm định hồ sơ, đề xuất»" in notices.inner_text()
        _check(specialist, shots, f"{width}-specialist-inbox-notices")
        specialist.reload()  # seen is not read: still new, until the officer says so
        expect(notices.get_by_role("heading", name="Thông báo mới (2)")).to_have_count(1)
        notices.get_by_role("button", name="Đánh dấu đã đọc thông báo «Bạn được giao").first.click()
        expect(specialist.locator("#thong-bao-moi")).to_have_text("Thông báo mới (1)")
        _check(specialist, shots, f"{width}-specialist-inbox-one-read")
        specialist.get_by_role("link", name="Xem tất cả thông báo").click()
        expect(specialist.locator("h1")).to_have_text("Thông báo")
        expect(specialist.locator("#notices li.unread")).to_have_count(1)
        _check(specialist, shots, f"{width}-specialist-notices-page")
        specialist.goto(f"{server}/can-bo")
        expect(specialist.locator("h1")).to_have_count(1)
        assert specialist.locator("#officer-notices").count() == 0  # the page read them
        specialist.context.close()
        engine = create_engine(server_database)  # unread again for the next width
        with engine.begin() as connection:
            connection.execute(text("UPDATE notifications SET read_at = NULL"))
        engine.dispose()
