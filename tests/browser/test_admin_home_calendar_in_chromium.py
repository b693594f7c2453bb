"""The province administrator's home (reached by logging in) and calendar in Chromium at 390
and 1280 px: a make-up day on a weekday refused with what was typed kept, a day off over a
make-up day asked about first, the national holidays listed; every page fits and
passes axe-core (WCAG 2.2 A/AA)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.test_agencies_accounts_in_chromium import WIDTHS, _check, _login
from tests.helpers import MINH_XUAN


def _calendar(page: Any, server: str, width: int, shots: Path, problems: dict[str, Any]) -> None:
    page.goto(f"{server}/quan-tri/lich?nam=2026")
    expect(page.locator("#national")).to_contain_text("theo Bộ luật Lao động")
    _check(page, "calendar-national", width, shots, problems)
    page.fill("#day", "09/12/2026")
    page.check("#kind-working")
    page.fill("#reason", "Quyết định 30/QĐ-UBND")
    page.click("form.generated button[type=submit]")
    expect(page.locator("main")).to_contain_text("phải là Thứ Bảy hoặc Chủ nhật")
    expect(page.locator("#reason")).to_have_value("Quyết định 30/QĐ-UBND")
    _check(page, "calendar-weekday-refused", width, shots, problems)
    page.fill("#day", "12/12/2026")
    page.click("form.generated button[type=submit]")
    expect(page.locator("#days")).to_contain_text("12/12/2026")
    page.fill("#day", "12/12/2026")
    page.check("#kind-off")
    page.fill("#reason", "Quyết định 31/QĐ-UBND")
    page.click("form.generated button[type=submit]")
    expect(page.locator("#confirm")).to_contain_text(
        "Ngày 12/12/2026 đang là ngày làm bù; thay bằng ngày nghỉ?")
    _check(page, "calendar-confirm", width, shots, problems)
    page.click("#confirm button[type=submit]")
    expect(page.locator("#days")).to_contain_text("Quyết định 31/QĐ-UBND")
    page.goto(f"{server}/quan-tri/lich/bo?tinh=Tuyên Quang&ngay=2026-12-12")
    page.fill("#reason", "Dọn dẹp")
    page.click("form[action$='/lich/bo'] button[type=submit]")
    expect(page.locator("#days")).not_to_contain_text("12/12/2026")


def test_the_admin_home_fits_passes_axe_and_leads_to_the_pages(
    browser: Any, server: str, shots: Path,
) -> None:
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{server}/dang-nhap")
        page.fill("#username", "quantri")
        page.fill("#password", "motcua-demo-2026")
        page.click("main form button[type=submit]")
        expect(page.locator("h1")).to_have_text("Trang quản trị")
        _check(page, "admin-home", width, shots, problems)
        page.click("main a[href='/quan-tri/lich']")
        expect(page.locator("h1")).to_contain_text("Lịch làm việc")
        context.close()
    assert problems == {}


def test_the_admin_calendar_fits_passes_axe_and_asks_before_replacing(
    browser: Any, server: str, shots: Path,
) -> None:
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "quantri")
        _calendar(page, server, width, shots, problems)
        context.close()
    assert problems == {}


def test_an_invitation_reads_as_activation_and_can_be_sent_again(
    browser: Any, server: str, server_database: str, shots: Path,
) -> None:
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "quantri")
        page.goto(f"{server}/quan-tri/tai-khoan")
        page.fill("#inv-username", f"moi.{width}")
        page.fill("#inv-full_name", "Nguyễn Thị Hoa")
        page.fill("#inv-email", f"moi.{width}@tuyenquang.example")
        page.select_option("#inv-agency", MINH_XUAN)
        page.check("#inv-role-1")
        page.click("form[action$='/quan-tri/tai-khoan'] button[type=submit]")
        expect(page.locator("main")).to_contain_text("Gửi lại thư mời")
        page.click("form[action$='/resend'] button[type=submit]")
        expect(page.locator("main")).to_contain_text("Đã gửi lại thư mời")
        _check(page, "account-invitation-resent", width, shots, problems)
        with create_engine(server_database).connect() as db:
            body = db.execute(text("SELECT body FROM notifications WHERE recipient = :r "
                                   "ORDER BY id DESC"), {"r": f"moi.{width}@tuyenquang.example"}).scalar()
        found = re.search(r"https?://\S+(/dat-lai-mat-khau/\S+)", str(body))
        assert found, body
        page.goto(f"{server}{found.group(1)}")
        expect(page.locator("h1")).to_have_text("Kích hoạt tài khoản: tạo mật khẩu")
        _check(page, "invitation-page", width, shots, problems)
        context.close()
    assert problems == {}


def test_a_report_without_figures_says_so_fits_and_passes_axe(
    browser: Any, server: str, shots: Path,
) -> None:
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "quantri")
        page.goto(f"{server}/quan-tri/bao-cao?tu=01/01/2020&den=31/01/2020")
        expect(page.locator("#durations-empty")).to_be_visible()
        _check(page, "report-empty", width, shots, problems)
        context.close()
    assert problems == {}
