"""«Tạo thủ tục mới» says what the starter makes — reception and the desk's hand-over, the
fee collected before it, steps inserted between — and fits a phone and a desk (no
horizontal scrolling, axe-core clean)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, left_the_login_page


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
