"""The reception step offers the desk's refusal by form 03's legal name (refusing to
receive, «Phiếu từ chối tiếp nhận giải quyết hồ sơ»), and the page still fits a phone and
a desk and passes axe with the refusal opened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.test_citizen_pages_layout_in_chromium import _axe, _context, _login, _overflow
from tests.browser.test_fees_in_chromium import Api
from tests.helpers import MINH_XUAN, PERMIT, permit_data


def test_the_reception_steps_refusal_is_named_and_fits(browser: Any, server: str,
                                                        shots: Path) -> None:
    citizen = Api(browser, server, "congdan")
    code = str(citizen.post("/api/v1/dossiers", {
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()})["code"])
    citizen.context.close()
    for width in (390, 1280):
        context = _context(browser, width)
        page = context.new_page()
        _login(page, server, "motcua.minhxuan")
        tasks = page.request.get(f"{server}/api/v1/tasks").json()["tasks"]
        [task] = [t for t in tasks if t["dossier"] == code]
        page.goto(f"{server}/can-bo/cong-viec/{task['id']}")
        summary = page.get_by_text("Từ chối tiếp nhận hồ sơ (Mẫu 03)", exact=True)
        summary.click()
        expect(page.get_by_role("button", name="Từ chối tiếp nhận hồ sơ")).to_be_visible()
        expect(page.locator("main")).to_contain_text(
            "Người nộp nhận Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03) ghi lý do.")
        page.screenshot(path=str(shots / f"reception-refusal-{width}.png"), full_page=True)
        assert _overflow(page) == 0, width
        assert _axe(page) == [], width
        context.close()
