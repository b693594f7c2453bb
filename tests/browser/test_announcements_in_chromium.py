"""The announcements' banner on a citizen's page and the administrators' page, in Chromium at
a phone's 390 px and a desk's 1280 px: the administrator publishes an incident through the
page, everyone sees it in a labelled region; nothing scrolls sideways and axe-core finds no
WCAG 2.2 A/AA violation of any impact; screenshots kept in tests/artifacts."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from engine.core.clock import VN_TZ
from tests.browser.test_agencies_accounts_in_chromium import _axe, _login

WIDTHS = (390, 1280)
TITLE = "Sự cố đường truyền tại Trung tâm Phục vụ hành chính công tỉnh Tuyên Quang"


def _fits(page: Any, name: str, width: int, shots: Path, problems: dict[str, Any]) -> None:
    overflow = int(page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"))
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    if overflow > 0:
        problems[f"{name}@{width}: overflow"] = overflow
    if violations := _axe(page):
        problems[f"{name}@{width}: axe"] = violations


def _publish(browser: Any, server: str) -> None:
    context = browser.new_context(locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    _login(page, server, "quantri")
    page.goto(f"{server}/quan-tri/thong-bao")
    now = datetime.now(VN_TZ)
    page.check("#kind-incident")
    page.fill("#title", TITLE)
    page.fill("#body", "Cổng dịch vụ công truy cập chậm; hồ sơ giấy vẫn được nhận tại quầy "
              "và được nhập bù với thời điểm tiếp nhận thực tế khi hệ thống hoạt động lại.")
    page.fill("#starts_day", (now - timedelta(hours=1)).strftime("%d/%m/%Y"))
    page.fill("#starts_time", (now - timedelta(hours=1)).strftime("%H:%M"))
    page.fill("#ends_day", (now + timedelta(hours=3)).strftime("%d/%m/%Y"))
    page.fill("#ends_time", (now + timedelta(hours=3)).strftime("%H:%M"))
    page.click("form.generated button[type=submit]")
    page.wait_for_load_state("load")
    assert "Đã đăng thông báo" in page.content()
    context.close()


def test_the_banner_on_a_citizen_page_and_the_announcements_page_fit_and_pass_axe(
    browser: Any, server: str, shots: Path,
) -> None:
    _publish(browser, server)
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{server}/")
        region = page.get_by_role("region", name="Thông báo của hệ thống")
        assert region.count() == 1 and TITLE in region.inner_text()
        assert region.bounding_box()["width"] <= width  # type: ignore[index]
        _fits(page, "banner-citizen", width, shots, problems)
        _login(page, server, "quantri")
        page.goto(f"{server}/quan-tri/thong-bao")
        assert page.locator("h1").count() == 1
        _fits(page, "announcements-admin", width, shots, problems)
        page.fill("#starts_day", "11/29/2026")  # month first: refused, kept, named
        page.fill("#title", "Bảo trì định kỳ")
        page.click("form.generated >> text=Đăng thông báo")
        expect(page.locator("#error-summary")).to_contain_text("«Bắt đầu» chưa đúng")
        assert page.input_value("#starts_day") == "11/29/2026"
        assert page.input_value("#title") == "Bảo trì định kỳ"
        _fits(page, "announcements-refused", width, shots, problems)
        page.click("#announcements details summary")
        page.fill("#announcements details input[name=ends_day]", "31/11/2026")
        page.click("#announcements details form button[type=submit]")
        expect(page.locator("#announcements details[open] p.error")).to_contain_text(
            "«Đến» chưa đúng")
        _fits(page, "announcements-outage-refused", width, shots, problems)
        context.close()
    assert problems == {}
