"""The desk accepts a dossier at its reception step only after confirming what will happen
(«Hồ sơ sẽ được tiếp nhận, hẹn trả kết quả ngày …; người nộp nhận Giấy tiếp nhận …»):
«Quay lại sửa» keeps the choice, the confirmation receives it. The confirmation page fits a
phone and a desk and passes axe."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.test_citizen_pages_layout_in_chromium import _axe, _context, _login, _overflow
from tests.browser.test_fees_in_chromium import Api
from tests.helpers import MINH_XUAN, PERMIT, permit_data


def test_the_desk_confirms_the_reception_before_it_is_sent(browser: Any, server: str,
                                                          shots: Path) -> None:
    citizen = Api(browser, server, "congdan")
    codes = [str(citizen.post("/api/v1/dossiers", {
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()})["code"])
        for _ in range(2)]
    for width, code in zip((390, 1280), codes, strict=True):
        context = _context(browser, width)
        page = context.new_page()
        _login(page, server, "motcua.minhxuan")
        tasks = page.request.get(f"{server}/api/v1/tasks").json()["tasks"]
        [task] = [t for t in tasks if t["dossier"] == code]
        url = f"{server}/can-bo/cong-viec/{task['id']}"
        page.goto(url)
        page.get_by_label("Hồ sơ đầy đủ, hợp lệ — tiếp nhận").check()
        page.get_by_role("button", name="Hoàn thành bước").click()
        expect(page.get_by_role("heading", name="Xác nhận tiếp nhận hồ sơ")).to_be_visible()
        expect(page.locator("#happens")).to_contain_text(
            re.compile(r"Hồ sơ sẽ được tiếp nhận, hẹn trả kết quả ngày \d\d/\d\d/\d{4}, lúc \d\d:\d\d"))
        expect(page.locator("#told")).to_contain_text(
            "Người nộp nhận Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01) qua tin nhắn SMS")
        page.screenshot(path=str(shots / f"confirm-{width}.png"), full_page=True)
        assert _overflow(page) == 0, width
        assert _axe(page) == [], width
        assert citizen.context.request.get(
            f"{server}/api/v1/dossiers/{code}").json()["status"] == 1  # nothing sent yet

        page.get_by_role("button", name="Quay lại sửa").click()
        expect(page.get_by_role("heading", name="Tiếp nhận, kiểm tra hồ sơ")).to_be_visible()
        expect(page.get_by_label("Hồ sơ đầy đủ, hợp lệ — tiếp nhận")).to_be_checked()
        page.get_by_role("button", name="Hoàn thành bước").click()
        page.get_by_role("button", name="Xác nhận tiếp nhận").click()
        expect(page.locator(".flash")).to_contain_text(f"Đã hoàn thành «Tiếp nhận, kiểm tra hồ sơ» "
                                                       f"cho hồ sơ {code}")
        assert citizen.context.request.get(
            f"{server}/api/v1/dossiers/{code}").json()["received_at"]
        context.close()
