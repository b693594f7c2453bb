"""The form builder in Chromium: «Cần sửa trước khi lưu» shows only above problems to fix,
and saving a form left as it was opened makes no new draft — the page says so."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, left_the_login_page

PASSWORD = "motcua-demo-2026"
EDITOR = "/quan-tri/thu-tuc/000.00.12.H64/1.009994/1/bieu-mau/tham_dinh.schema.json"


def _login(page: Any, base: str) -> None:
    page.goto(f"{base}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill("thietke.minhxuan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(left_the_login_page)


def test_the_problems_heading_shows_only_with_problems_and_an_unchanged_save_makes_no_draft(
        browser: Any, server: str) -> None:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _login(page, server)
    page.goto(f"{server}{EDITOR}")
    page.wait_for_selector(".builder-field")
    expect(page.locator("#preview")).not_to_be_empty(timeout=15_000)
    heading = page.get_by_role("heading", name="Cần sửa trước khi lưu")
    expect(heading).to_be_hidden()
    page.get_by_role("button", name="Lưu thành bản nháp mới").click()
    page.wait_for_selector("#save-result a", timeout=60_000)
    said = page.locator("#save-result").inner_text()
    assert "Không có thay đổi so với phiên bản số" in said and "không tạo bản nháp mới" in said, said
    cards = page.locator("#fields > .builder-field")
    first = cards.first.get_by_label("Câu hỏi (nhãn)")
    label = first.input_value()
    first.fill("")
    expect(heading).to_be_visible(timeout=15_000)
    assert page.locator("#builder-problems li").count() >= 1
    first.fill(label)
    expect(heading).to_be_hidden(timeout=15_000)
    context.close()


def test_the_details_page_fits_a_phone_and_is_axe_clean(browser: Any, server: str) -> None:
    context = browser.new_context(locale="vi-VN", bypass_csp=True,  # axe-core is injected
                                  viewport={"width": 390, "height": 900})
    page = context.new_page()
    _login(page, server)
    page.goto(f"{server}/quan-tri/thu-tuc/000.00.12.H64/1.009994/1")
    page.get_by_role("link", name="Sửa thông tin thủ tục").click()
    page.wait_for_load_state("load")
    expect(page.get_by_label("Căn cứ pháp lý")).to_contain_text("Nghị định số 175/2024/NĐ-CP")
    assert page.get_by_label("Theo bảng quyết định").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    context.close()
