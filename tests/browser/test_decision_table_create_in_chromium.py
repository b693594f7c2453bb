"""A designer creates a decision table without XML in Chromium: on the permit's decisions
page, «Tạo bảng quyết định» from the floor-area field of the start form, with the fee taken
from it; in dmn-js, two rows added by button and keyboard (< 100 → 50000, >= 100 → 100000)
and the starter row «mọi giá trị» removed; saved as a new draft whose table page says it is
valid; the sandbox run of that draft by forms, with a floor area of 120 m², shows the fee
100.000 đồng."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

PASSWORD = "motcua-demo-2026"
VERSION = "/quan-tri/thu-tuc/000.00.12.H64/1.009994"
FIELD = "Nội dung đề nghị cấp phép › Diện tích xây dựng tầng 1 (m²) (số)"


def _login(page: Any, base: str) -> None:
    page.goto(f"{base}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill("thietke.minhxuan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("load")


def _add_row(page: Any, condition: str, fee: str) -> None:
    """«Thêm dòng» puts the cursor in the new row's condition; Tab goes to its result."""
    page.get_by_role("button", name="Thêm dòng", exact=True).click()
    row = page.locator("#dmn-canvas tbody tr").last
    expect(row.locator("td.input-cell :focus")).to_have_count(1)
    page.keyboard.type(condition)
    page.keyboard.press("Tab")
    page.keyboard.type(fee)


def test_a_designer_creates_a_fee_table_fills_it_and_the_sandbox_takes_the_fee(
        browser: Any, server: str, shots: Path) -> None:
    context = browser.new_context(locale="vi-VN", bypass_csp=True,  # axe-core is injected
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _login(page, server)
    page.goto(f"{server}{VERSION}/1/bang-quyet-dinh")
    page.get_by_label("Tên bảng").fill("Lệ phí theo diện tích xây dựng")
    page.get_by_label("Bảng dựa vào trường của đơn").select_option(label=FIELD)
    assert page.get_by_label("Lệ phí (đồng)").is_checked()
    assert page.get_by_label("Dùng làm lệ phí của thủ tục").is_checked()
    assert page.get_by_label("Tên khoản lệ phí").input_value().startswith("Lệ phí cấp giấy phép")
    page.get_by_role("button", name="Tạo bảng quyết định").click()
    page.wait_for_url(re.compile(r"/1\.009994/2/bang-quyet-dinh\?tep=le_phi_theo_dien_tich_xay_dung\.dmn$"))
    page.wait_for_selector("#dmn-canvas[data-ready='true'] .tjs-table")
    canvas = page.locator("#dmn-canvas")
    assert "Diện tích xây dựng tầng 1 (m²)" in canvas.inner_text()
    assert "Lệ phí (đồng)" in canvas.inner_text()
    _add_row(page, "< 100", "50000")
    _add_row(page, ">= 100", "100000")
    canvas.locator("tbody tr").first.locator("td.input-cell [contenteditable]").click()
    page.get_by_role("button", name="Xoá dòng đang chọn").click()
    rows = canvas.locator("tbody tr")
    expect(rows).to_have_count(2)
    assert [rows.nth(i).locator("td.input-cell").inner_text().strip() for i in range(2)] == \
        ["< 100", ">= 100"]
    assert [rows.nth(i).locator("td.output-cell").inner_text().strip() for i in range(2)] == \
        ["50000", "100000"]
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / "decision-table-created.png"), full_page=True)
    page.get_by_role("button", name="Lưu thành bản nháp mới").click()
    page.wait_for_selector("#saved-table", timeout=60_000)
    assert "Đã lưu thành bản nháp số 3" in page.locator("#save-result").inner_text()
    page.locator("#saved-table").click()
    page.wait_for_selector("#dmn-canvas[data-ready='true'] .tjs-table")
    assert "Bảng hợp lệ" in page.locator("#dmn-findings").inner_text()
    assert page.locator("#dmn-canvas tbody tr").count() == 2
    page.goto(f"{server}{VERSION}/3/chay-thu")
    page.get_by_label("Diện tích xây dựng tầng 1 (m²)").fill("120")
    page.get_by_role("button", name="Bắt đầu chạy thử", exact=True).click()
    page.wait_for_selector("#sandbox-decided")
    assert "100.000 đồng" in page.locator("#sandbox-decided").inner_text()
    page.screenshot(path=str(shots / "decision-table-sandbox.png"), full_page=True)
    assert errors == []
    context.close()
