"""The report page with a month of dossiers (re-walk Y1) in Chromium at 390 and 1280 px:
procedures by name, Vietnamese decimals («100,0%», «0,0 ngày»), the procedure-time and
indicator tables stacked on a phone, each indicator under its QĐ 766 number (never a key
like «3.3.online»); the desk's menu leads to its tracking book (not to the leaders' report);
the public figures; no sideways scroll, axe-core WCAG 2.2 A/AA clean."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from engine.wiring import Platform
from tests.browser.test_agencies_accounts_in_chromium import _login
from tests.browser.test_announcements_in_chromium import _fits
from tests.service.test_reports import _insert

WIDTHS = (390, 1280)


def test_the_report_with_indicators_fits_and_reads_in_vietnamese(
    browser: Any, server: str, server_database: str, shots: Path,
) -> None:
    platform = Platform(server_database)
    try:
        _insert(platform)
    finally:
        platform.dispose()
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "quantri")
        page.goto(f"{server}/quan-tri/bao-cao?co_quan=000.00.12.H64&tu=01/11/2026&den=30/11/2026")
        durations = page.inner_text("#durations")
        assert "Cấp giấy phép xây dựng" in durations and "(1.009994)" in durations
        indicators = page.inner_text("#indicators")
        assert re.search(r"\d+,\d%", indicators), indicators
        assert not re.search(r"\d+\.\d%", indicators)
        assert re.search(r"\d+,\d ngày", indicators + durations)
        assert "3.3 Tỉ lệ hồ sơ theo hình thức nộp: trực tuyến" in indicators
        assert "3.3.online" not in page.inner_text("main")
        assert "Hồ sơ đang giải quyết còn trong hạn: 1" in indicators
        _fits(page, "report-indicators", width, shots, problems)
        context.close()
    assert problems == {}


def test_the_desks_menu_leads_to_its_tracking_book_and_the_pages_fit(
    browser: Any, server: str, shots: Path,
) -> None:
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "motcua.minhxuan")
        page.goto(f"{server}/can-bo")
        if width < 600:  # the phone's menu is folded
            page.locator("details.menu > summary").click()
        nav = page.get_by_role("navigation", name="Điều hướng chính (điện thoại)" if width < 600
                               else "Điều hướng chính", exact=True)
        assert nav.get_by_role("link", name="Báo cáo").count() == 0  # the leaders' (403 here)
        _fits(page, "desk-home-menu", width, shots, problems)
        nav.get_by_role("link", name="Sổ theo dõi hồ sơ").click()
        page.wait_for_selector("#tracking-book")
        _fits(page, "tracking-books", width, shots, problems)
        page.fill("#tu", "01/11/2026")
        page.fill("#den", "30/11/2026")
        page.get_by_role("button", name="Xem sổ").click()
        page.wait_for_selector("h1:has-text('SỔ THEO DÕI HỒ SƠ')")
        assert "UBND phường Minh Xuân" in page.inner_text("main")
        context.close()
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{server}/cong-khai")
        assert "gồm hồ sơ đang giải quyết còn trong hạn" in page.inner_text("#disclosure")
        _fits(page, "disclosure", width, shots, problems)
        context.close()
    assert problems == {}
