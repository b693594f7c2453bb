"""The desk accepts a dossier at its reception step only after confirming what will happen
(«Hồ sơ sẽ được tiếp nhận, hẹn trả kết quả ngày …; người nộp nhận Giấy tiếp nhận …»):
without script on a page of its own, with `reception.js` in a dialog on the task page.
«Quay lại sửa» keeps the choice, the confirmation receives it; both fit a phone and a desk
and pass axe."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.test_citizen_pages_layout_in_chromium import _axe, _context, _login, _overflow
from tests.browser.test_fees_in_chromium import Api
from tests.helpers import MINH_XUAN, PERMIT, permit_data

ACCEPT = "Hồ sơ đầy đủ, hợp lệ — tiếp nhận"
HAPPENS = re.compile(r"Hồ sơ sẽ được tiếp nhận, hẹn trả kết quả ngày \d\d/\d\d/\d{4}, lúc \d\d:\d\d")
TOLD = "Người nộp nhận Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01) qua tin nhắn SMS"


def _submitted(browser: Any, server: str) -> tuple[Api, list[str]]:
    citizen = Api(browser, server, "congdan")
    return citizen, [str(citizen.post("/api/v1/dossiers", {
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()})["code"])
        for _ in range(2)]


def _decide(browser: Any, server: str, width: int, code: str, *, script: bool) -> tuple[Any, Any]:
    """The desk at the dossier's reception step, having chosen to accept and clicked."""
    context = _context(browser, width)
    page = context.new_page()
    if not script:
        page.route("**/static/reception.js", lambda route: route.abort())
    _login(page, server, "motcua.minhxuan")
    tasks = page.request.get(f"{server}/api/v1/tasks").json()["tasks"]
    [task] = [t for t in tasks if t["dossier"] == code]
    page.goto(f"{server}/can-bo/cong-viec/{task['id']}")
    page.get_by_label(ACCEPT).check()
    page.get_by_role("button", name="Hoàn thành bước").click()
    return context, page


def _status(citizen: Api, code: str) -> int:
    return int(citizen.context.request.get(f"{citizen.server}/api/v1/dossiers/{code}").json()["status"])


def test_without_script_the_reception_is_confirmed_on_a_page(browser: Any, server: str,
                                                             shots: Path) -> None:
    citizen, codes = _submitted(browser, server)
    for width, code in zip((390, 1280), codes, strict=True):
        context, page = _decide(browser, server, width, code, script=False)
        expect(page.get_by_role("heading", name="Xác nhận tiếp nhận hồ sơ")).to_be_visible()
        expect(page.locator("#happens")).to_contain_text(HAPPENS)
        expect(page.locator("#told")).to_contain_text(TOLD)
        page.screenshot(path=str(shots / f"confirm-page-{width}.png"), full_page=True)
        assert _overflow(page) == 0, width
        assert _axe(page) == [], width
        assert _status(citizen, code) == 1  # nothing sent yet

        page.get_by_role("button", name="Quay lại sửa").click()
        expect(page.get_by_role("heading", name="Tiếp nhận, kiểm tra hồ sơ")).to_be_visible()
        expect(page.get_by_label(ACCEPT)).to_be_checked()
        page.get_by_role("button", name="Hoàn thành bước").click()
        page.get_by_role("button", name="Xác nhận tiếp nhận").click()
        expect(page.locator(".flash")).to_contain_text(
            f"Đã hoàn thành «Tiếp nhận, kiểm tra hồ sơ» cho hồ sơ {code}")
        assert _status(citizen, code) == 4  # received, with the agency
        context.close()


def test_with_script_the_reception_is_confirmed_in_a_dialog(browser: Any, server: str,
                                                            shots: Path) -> None:
    citizen, codes = _submitted(browser, server)
    for width, code in zip((390, 1280), codes, strict=True):
        context, page = _decide(browser, server, width, code, script=True)
        dialog = page.get_by_role("dialog", name="Xác nhận tiếp nhận hồ sơ")
        expect(dialog).to_be_visible()
        expect(dialog.locator("#happens")).to_contain_text(HAPPENS)
        expect(dialog.locator("#told")).to_contain_text(TOLD)
        page.screenshot(path=str(shots / f"confirm-dialog-{width}.png"))
        assert _overflow(page) == 0, width
        assert _axe(page) == [], width
        assert _status(citizen, code) == 1

        dialog.get_by_role("button", name="Quay lại sửa").click()
        expect(dialog).to_be_hidden()
        expect(page.get_by_label(ACCEPT)).to_be_checked()  # still on the task page
        page.get_by_role("button", name="Hoàn thành bước").click()
        dialog.get_by_role("button", name="Xác nhận tiếp nhận").click()
        expect(page.locator(".flash")).to_contain_text(
            f"Đã hoàn thành «Tiếp nhận, kiểm tra hồ sơ» cho hồ sơ {code}")
        assert _status(citizen, code) == 4
        context.close()
