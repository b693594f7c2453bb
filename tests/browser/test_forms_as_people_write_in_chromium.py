"""Forms and fee tables read as people write, in Chromium at 1280 px and 390 px (walkers'
findings): a choice the builder shows as «Nút chọn» is radio buttons in the preview even with
five options; the fee table editor says amounts are written «80.000»; the citizen's rows are
named by what they hold. No sideways scroll, axe-core clean, screenshots kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, left_the_login_page

PASSWORD = "motcua-demo-2026"
EDITOR = "/quan-tri/thu-tuc/000.00.12.H64/1.009994/1/bieu-mau/tham_dinh.schema.json"
DECISIONS = "/quan-tri/thu-tuc/000.00.12.H64/1.009994/1/bang-quyet-dinh"


def _login(page: Any, base: str, user: str) -> None:
    page.goto(f"{base}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(user)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(left_the_login_page)


def _fits(page: Any) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"], wide


@pytest.mark.parametrize("width", [1280, 390])
def test_a_choice_shown_as_radio_buttons_is_radios_in_the_preview(browser: Any, server: str,
                                                                  shots: Path, width: int) -> None:
    context = browser.new_context(locale="vi-VN", bypass_csp=True,  # axe-core is injected
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    _login(page, server, "thietke.minhxuan")
    page.goto(f"{server}{EDITOR}")
    page.wait_for_selector(".builder-field")
    cards = page.locator("#fields > .builder-field")
    count = cards.count()
    page.select_option("#add-kind", "choice")
    page.get_by_role("button", name="Thêm trường", exact=True).first.click()
    expect(cards).to_have_count(count + 1)
    card = cards.nth(count)
    card.get_by_label("Câu hỏi (nhãn)").fill("Loại công trình khảo sát")
    card.get_by_label("Các phương án", exact=False).fill("Nhà ở\nNhà xưởng\nTrường học\nBệnh viện\nChợ")
    card.get_by_label("Các phương án", exact=False).blur()
    assert card.get_by_label("Hiển thị").input_value() == "radio"
    group = page.locator("#preview fieldset.choice", has_text="Loại công trình khảo sát")
    expect(group.locator('input[type="radio"]')).to_have_count(5, timeout=15_000)
    expect(group.locator("legend")).to_contain_text("Loại công trình khảo sát")
    expect(page.locator("#preview select", has_text="Bệnh viện")).to_have_count(0)
    group.locator('input[type="radio"]').first.focus()
    page.keyboard.press("ArrowDown")  # keyboard: the arrows move along the options
    expect(group.locator('input[type="radio"]').nth(1)).to_be_checked()
    _fits(page)
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / f"builder-radios-{width}.png"), full_page=True)
    group.screenshot(path=str(shots / f"builder-radios-group-{width}.png"))
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_fee_table_editor_says_amounts_are_written_as_usual(browser: Any, server: str,
                                                                shots: Path, width: int) -> None:
    context = browser.new_context(locale="vi-VN", bypass_csp=True,  # axe-core is injected
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    _login(page, server, "thietke.minhxuan")
    page.goto(f"{server}{DECISIONS}")
    page.wait_for_selector("#dmn-canvas[data-ready='true'] .tjs-table")
    page.locator("details.dmn-help summary").click()
    expect(page.locator("details.dmn-help")).to_contain_text("ví dụ: 80.000")
    _fits(page)
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / f"fee-table-help-{width}.png"), full_page=True)
    context.close()
