"""A leader's «Việc của đơn vị», the task page's holder controls, the officers' inbox and the
dashboard in real Chromium at 390 and 1280 px: nothing wider than the viewport (the inbox
table was 601 px wide on a phone), axe-core finds no WCAG 2.2 A/AA violation of any impact,
the dashboard's words are at least 12 px; the leader gives two tasks to a specialist and
takes one back. Screenshots go to the test's artefacts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE, signed_in_page
from tests.helpers import MINH_XUAN, complete, login, permit_data
from webapp.app import create_app

WIDTHS = (390, 1280)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NAMES = ("Phan Văn Khải", "Bùi Thị Xuân", "Nguyễn Thị Minh Khai")


@pytest.fixture
def server_database(seeded_sqlite: Path, tmp_path: Path) -> str:
    """Three online dossiers: two received (waiting at the specialists' appraisal), one new
    at the desk."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(seeded_sqlite, instance / "motcua.db")
    url = f"sqlite:///{instance / 'motcua.db'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "kiem-thu",
                      "INSTANCE_PATH": str(instance)})
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    for index, name in enumerate(NAMES):
        code = app.test_client().post("/api/v1/dossiers", json={
            "procedure": "1.009994", "agency": MINH_XUAN,
            "data": permit_data(ho_ten=name)}).json["code"]
        if index < 2:
            complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    app.extensions["motcua"].dispose()
    return url


def _page(browser: Any, base: str, who: str, width: int) -> Any:
    """`who` signed in (through the login page once per account) at `width`."""
    return signed_in_page(browser, base, who, locale="vi-VN", bypass_csp=True, viewport={
        "width": width, "height": 844 if width < 600 else 900})


def _check(page: Any, shots: Path, name: str) -> None:
    """Screenshot, no sideways scroll, no axe-core violation."""
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{name}: {width} px wide in a {viewport} px viewport"
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == [], f"{name}: {json.dumps(violations, ensure_ascii=False)}"


def test_the_leader_assigns_and_takes_back_work_on_a_phone_and_a_desk(
    browser: Any, server: str, shots: Path
) -> None:
    for width in WIDTHS:
        desk = _page(browser, server, "motcua.minhxuan", width)
        desk.goto(f"{server}/can-bo")
        assert desk.locator("td", has_text="Nguyễn Thị Minh Khai").count() == 1
        _check(desk, shots, f"{width}-1-desk-inbox")
        desk.context.close()
        leader = _page(browser, server, "lanhdao.minhxuan", width)
        leader.goto(f"{server}/can-bo?view=team")
        _check(leader, shots, f"{width}-2-leader-team")
        leader.context.close()
    leader = _page(browser, server, "lanhdao.minhxuan", 390)
    leader.goto(f"{server}/can-bo?view=team&assigned=unassigned")
    for name in NAMES[:2]:
        row = leader.locator("tr", has_text=name)
        row.get_by_role("checkbox").check()
    leader.get_by_label("Giao cho cán bộ (số việc đang xử lý)").select_option(
        label="Lê Văn Cường — 0 việc")
    leader.get_by_role("button", name="Giao việc").click()
    expect(leader.locator("main")).to_contain_text("Đã giao 2 việc cho Lê Văn Cường.")
    _check(leader, shots, "390-3-leader-assigned")
    leader.context.close()
    for width in WIDTHS:
        specialist = _page(browser, server, "chuyenvien.minhxuan", width)
        specialist.goto(f"{server}/can-bo")
        assert specialist.get_by_role("link", name="Của tôi (2)").count() == 1
        _check(specialist, shots, f"{width}-4-specialist-inbox")
        leader = _page(browser, server, "lanhdao.minhxuan", width)
        leader.goto(f"{server}/can-bo?view=team")
        leader.locator("tr", has_text=NAMES[0]).get_by_role("link").first.click()
        expect(leader.locator("#holder")).to_contain_text("Đang do Lê Văn Cường xử lý.")
        _check(leader, shots, f"{width}-5-leader-task")
        specialist.locator("tr", has_text=NAMES[1]).get_by_role("link").first.click()
        expect(specialist.get_by_role("button", name="Trả lại việc")).to_have_count(1)
        _check(specialist, shots, f"{width}-6-specialist-task")
        specialist.context.close()
        if width < 1280:
            leader.context.close()
    leader.get_by_role("button", name="Thu hồi việc").click()
    expect(leader.locator("#holder")).to_contain_text("Chưa có ai nhận việc này.")
    leader.context.close()
    for width in WIDTHS:
        leader = _page(browser, server, "lanhdao.minhxuan", width)
        leader.goto(f"{server}/quan-tri/bang-dieu-khien")
        smallest = leader.evaluate(
            "Math.min(...[...document.querySelectorAll('.chart li *')].filter(e => e.textContent"
            ".trim()).map(e => parseFloat(getComputedStyle(e).fontSize)))")
        assert smallest >= 12
        _check(leader, shots, f"{width}-7-dashboard")
        if width < 1280:
            leader.context.close()
    leader.get_by_role("link", name="Chưa phân công").click()
    expect(leader.get_by_role("link", name="Chưa phân công (2)")).to_have_count(1)
    leader.context.close()
