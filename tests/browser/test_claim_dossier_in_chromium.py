"""«Thêm hồ sơ đã nộp vào tài khoản» in Chromium at 390 and 1280 px: the tracking result of a
dossier submitted without an account explains the steps, «Hồ sơ của tôi» takes its code, the
code sent by SMS (read from the outbox) adds it — a wrong code first names the problem on
its field. Every page fits its width and axe-core finds no WCAG 2.2 A/AA violation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from engine import applicants
from engine.core.models import Notification
from engine.wiring import Platform
from tests.browser.conftest import left_the_login_page
from tests.browser.test_citizen_pages_layout_in_chromium import _axe, _context, _overflow
from tests.helpers import MINH_XUAN, PERMIT, permit_data

WIDTHS = (390, 1280)
NEW_ID = "001099012345"
PHONE = "0912345678"
PASSWORD = "Hoa-tuyen-quang-26"


def _setup(browser: Any, server: str, database: str) -> list[str]:
    """Two permit dossiers submitted without an account (one per width) and the account
    registered afterwards with the same ID number."""
    context = browser.new_context()
    codes = []
    for _ in WIDTHS:
        made = context.request.post(f"{server}/api/v1/dossiers", data={
            "procedure": PERMIT, "agency": MINH_XUAN,
            "data": permit_data(so_dinh_danh=NEW_ID, dien_thoai=PHONE)})
        assert made.status == 201, made.text()
        codes.append(str(made.json()["code"]))
    context.close()
    platform = Platform(database)
    try:
        with platform.uow() as uow:
            applicants.register(uow, client="browser-test", data={
                "ho_ten": "Lê Thị Hoa", "so_dinh_danh": NEW_ID, "dien_thoai": "0987000111",
                "mat_khau": PASSWORD, "nhap_lai": PASSWORD, "dong_y": True})
    finally:
        platform.dispose()
    return codes


def _last_code(database: str) -> str:
    platform = Platform(database)
    try:
        with platform.uow() as uow:
            body = uow.session.scalars(select(Notification.body).where(
                Notification.channel == "sms", Notification.recipient == PHONE)
                .order_by(Notification.id.desc()).limit(1)).one()
    finally:
        platform.dispose()
    found = re.search(r"vào tài khoản: (\d{6})\.", body)
    assert found, body
    return found.group(1)


def _fits(page: Any, shots: Path, name: str) -> None:
    page.wait_for_load_state("load")
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert _overflow(page) == 0, name
    assert _axe(page) == [], name


def test_adding_a_dossier_submitted_without_an_account_fits_and_passes_axe(
    browser: Any, server: str, server_database: str, shots: Path
) -> None:
    codes = _setup(browser, server, server_database)
    for width, code in zip(WIDTHS, codes, strict=True):
        context = _context(browser, width)
        page = context.new_page()
        page.goto(f"{server}/tra-cuu")
        page.get_by_role("textbox", name="Mã hồ sơ", exact=True).fill(code)
        page.get_by_label("Số định danh cá nhân của người nộp").fill(NEW_ID)
        page.get_by_role("button", name="Tra cứu").click()
        expect(page.locator("#claim-help")).to_contain_text("Thêm hồ sơ vào tài khoản")
        _fits(page, shots, f"claim-tracking-{width}")
        page.locator("#claim-start").click()
        page.wait_for_url(re.compile(r"/dang-nhap"))
        page.get_by_label("Tên đăng nhập").fill(NEW_ID)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(left_the_login_page)
        expect(page.get_by_role("heading", name="Thêm hồ sơ đã nộp vào tài khoản")).to_have_count(1)
        expect(page.get_by_role("textbox", name="Mã hồ sơ", exact=True)).to_have_value(code)
        _fits(page, shots, f"claim-step1-{width}")
        page.goto(f"{server}/ca-nhan")
        expect(page.locator("#claim")).to_contain_text("Thêm hồ sơ đã nộp")
        _fits(page, shots, f"claim-my-area-{width}")
        page.locator("#claim").get_by_role("textbox", name="Mã hồ sơ", exact=True).fill(code)
        page.locator("#claim").get_by_role("button", name="Gửi mã xác nhận").click()
        expect(page.locator("#claim-sent")).to_contain_text("678")
        _fits(page, shots, f"claim-step2-{width}")
        otp = _last_code(server_database)
        field = page.get_by_role("textbox", name="Mã xác nhận", exact=True)
        field.fill("000000" if otp != "000000" else "111111")
        page.get_by_role("button", name="Thêm hồ sơ vào tài khoản").click()
        expect(page.locator("#error-summary")).to_contain_text("Mã xác nhận không đúng")
        _fits(page, shots, f"claim-wrong-code-{width}")
        page.get_by_role("textbox", name="Mã xác nhận", exact=True).fill(otp)
        page.get_by_role("button", name="Thêm hồ sơ vào tài khoản").click()
        expect(page.get_by_text(f"Đã thêm hồ sơ {code} vào tài khoản của bạn.")).to_have_count(1)
        _fits(page, shots, f"claim-done-{width}")
        context.close()
