"""A leader's report page and the designer's bottleneck overlay in real Chromium, on data
written into the running server's database; screenshots kept as artefacts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from engine.core.clock import SystemClock
from engine.core.models import Dossier, Task
from engine.wiring import Platform
from tests.browser.conftest import left_the_login_page
from tests.service.test_reports import _insert

PASSWORD = "motcua-demo-2026"


def _slow_appraisals(platform: Platform) -> None:
    """Twenty appraisals of the permit taking 60, 62 … 98 hours, due after 80: the nine
    from 82 hours on are late (45%)."""
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == "TEST-B-on-time"))
        assert dossier is not None
        start = dossier.submitted_at
        for n in range(20):
            uow.session.add(Task(
                dossier_id=dossier.id, spiff_id=f"b{n}", bpmn_id="tham_dinh", name="Thẩm định",
                role="chuyen_vien", agency_id=dossier.agency_id, form="tham_dinh.schema.json",
                state="completed", created_at=start, due_at=start + timedelta(hours=80),
                completed_at=start + timedelta(hours=60 + 2 * n)))
        uow.commit()


def _login(browser: Any, base: str, username: str) -> Any:
    page = browser.new_context(locale="vi-VN", viewport={"width": 1440, "height": 1000}).new_page()
    page.goto(f"{base}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(left_the_login_page)
    return page


def test_the_leader_report_and_the_bottleneck_overlay(
    browser: Any, server: str, server_database: str, shots: Path
) -> None:
    platform = Platform(server_database, clock=SystemClock())
    try:
        _insert(platform)
        _slow_appraisals(platform)
    finally:
        platform.dispose()
    leader = _login(browser, server, "lanhdao.minhxuan")
    leader.get_by_role("link", name="Báo cáo").click()
    leader.fill("#tu", "2026-11-01")
    leader.fill("#den", "2026-11-30")
    leader.get_by_role("button", name="Xem").click()
    leader.wait_for_selector("#report")
    assert "Tổng cộng" in leader.inner_text("#report tfoot")
    indicators = leader.inner_text("#indicators")
    assert "2.1 Tỉ lệ hồ sơ đã giải quyết không quá hạn và đang giải quyết còn trong hạn" in indicators
    assert "Hồ sơ đang giải quyết còn trong hạn: 1" in indicators and "3.3.online" not in indicators
    leader.screenshot(path=str(shots / "01-leader-report.png"), full_page=True)
    leader.get_by_role("link", name="Bảng điều khiển").click()
    leader.wait_for_selector("#trang-thai svg rect")
    expect(leader.locator("figure.chart")).to_have_count(4)
    assert "hồ sơ" in leader.inner_text("#trang-thai")
    leader.screenshot(path=str(shots / "01b-leader-dashboard.png"), full_page=True)

    designer = _login(browser, server, "thietke.minhxuan")
    designer.goto(f"{server}/quan-tri/thu-tuc/000.00.12.H64/1.009994/1/thoi-gian")
    designer.wait_for_selector("#canvas[data-rendered='process.bpmn']")
    assert designer.locator("g.djs-element.bottleneck[data-element-id='tham_dinh']").count() == 1
    label = designer.locator(".step-time.slow").inner_text()
    assert "20 lượt" in label and "trễ 45%" in label
    assert "Điểm nghẽn" in designer.inner_text("#step-times")
    designer.screenshot(path=str(shots / "02-bottleneck-overlay.png"), full_page=True)
