"""«Tạo thủ tục mới» says what the starter makes — reception and the desk's hand-over, the
fee collected before it, steps inserted between — and the modeler's panel shows and sets a
step's waiting status (the hand-over's «Đã xử lý xong»); both fit a phone and a desk (no
horizontal scrolling, axe-core clean)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, left_the_login_page
from tests.helpers import MINH_XUAN, PERMIT


@pytest.mark.parametrize("width", [390, 1280])
def test_the_new_procedure_page_fits_and_says_what_it_makes(
        browser: Any, server: str, shots: Path, width: int) -> None:
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900},
                                  bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill("thietke.minhxuan")
    page.get_by_label("Mật khẩu").fill("motcua-demo-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(left_the_login_page)
    page.goto(f"{server}/quan-tri/thu-tuc/moi")
    expect(page.locator("main")).to_contain_text(
        "bước «Tiếp nhận hồ sơ» và bước «Trả kết quả» tại Bộ phận Một cửa")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / f"tao-thu-tuc-moi-{width}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_modeler_shows_and_sets_a_steps_waiting_status(
        browser: Any, server: str, shots: Path, width: int) -> None:
    """The panel's «Trạng thái hồ sơ khi chờ bước này»: the permit's hand-over reads «Đã xử lý
    xong (bước trả kết quả)», the way a designer marks a step as the desk's hand-over."""
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900},
                                  bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill("thietke.minhxuan")
    page.get_by_label("Mật khẩu").fill("motcua-demo-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(left_the_login_page)
    page.goto(f"{server}/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/sua")
    page.wait_for_selector("#canvas[data-rendered='process.bpmn']")
    page.locator("g.djs-element[data-element-id='tra_giay_phep']").click()
    expect(page.locator("#prop-status")).to_have_value("9")
    assert page.locator("#prop-status option:checked").inner_text() == (
        "Đã xử lý xong (bước trả kết quả)")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / f"trang-thai-buoc-{width}.png"), full_page=True)
    context.close()
