"""The applicant asks for the result by post from their dossier's page (issue 19), in Chromium
at 390 and 1280 px: the page's «Qua bưu điện», the form as it opens (prefilled), emptied and
sent (each field's error), then the dossier's page with the confirmation and the order — each
fits the screen and axe-core finds no WCAG 2.2 A/AA violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.test_citizen_pages_layout_in_chromium import _axe, _context, _login, _overflow
from tests.helpers import DEMO_PASSWORD, MINH_XUAN, PERMIT, permit_data

WIDTHS = (390, 1280)
ADDRESS = "Số 5 đường Tân Trào, tổ 7, phường Minh Xuân, thành phố Tuyên Quang, tỉnh Tuyên Quang"


def _dossier(browser: Any, server: str) -> str:
    context = browser.new_context()
    api = context.request
    assert api.post(f"{server}/api/v1/session", data={
        "username": "congdan", "password": DEMO_PASSWORD}).status == 201
    made = api.post(f"{server}/api/v1/dossiers", data={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()})
    assert made.status == 201, made.text()
    code = str(made.json()["code"])
    context.close()
    return code


def _fits(page: Any, name: str, shots: Path) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert _overflow(page) == 0, name
    assert _axe(page) == [], name


def test_the_citizen_asks_for_the_result_by_post_at_390_and_1280(
    browser: Any, server: str, shots: Path
) -> None:
    for width in WIDTHS:
        code = _dossier(browser, server)
        context = _context(browser, width)
        page = context.new_page()
        _login(page, server, "congdan")
        page.goto(f"{server}/ca-nhan/ho-so/{code}")
        assert "Nhận kết quả qua bưu điện" in page.locator("#postal-ask").inner_text()
        _fits(page, f"postal-ask-{width}", shots)
        page.get_by_role("link", name="Nhận kết quả qua bưu điện").click()
        page.wait_for_load_state("load")
        assert page.get_by_label("Họ tên người nhận").input_value() == "Nguyễn Văn An"
        _fits(page, f"postal-form-{width}", shots)
        for label in ("Họ tên người nhận", "Địa chỉ nhận", "Số điện thoại"):
            page.get_by_label(label).fill("")
        page.get_by_role("button", name="Gửi yêu cầu tới bưu điện").click()
        page.wait_for_load_state("load")
        errors = page.locator("#error-summary").inner_text()
        assert "Nhập họ tên" in errors and "Nhập địa chỉ đầy đủ" in errors and "Số điện thoại" in errors
        _fits(page, f"postal-form-errors-{width}", shots)
        page.get_by_label("Họ tên người nhận").fill("Nguyễn Văn An")
        page.get_by_label("Địa chỉ nhận").fill(ADDRESS)
        page.get_by_label("Số điện thoại").fill("0912 345 678")
        page.get_by_role("button", name="Gửi yêu cầu tới bưu điện").click()
        page.wait_for_load_state("load")
        assert "Đã gửi yêu cầu tới bưu điện (mã đơn BC" in page.locator(".flash").inner_text()
        assert ADDRESS in page.locator("#postal").inner_text()
        assert page.locator("#ask-delivery").count() == 0
        _fits(page, f"postal-ordered-{width}", shots)
        context.close()
