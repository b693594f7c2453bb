"""Decision tables as administrative officers read them (Chromium, 1280 and 390 px): the
version's page shows its forms by step and its table read-only in words («từ 100 đến dưới
500», «75.000 đồng», «Có»/«Không»), and the table editor (dmn-js) shows a yes/no column as
«Có»/«Không» and an amount as «75.000» under a line saying how to write a cell, and still
saves. No sideways scroll,
axe-core clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, signed_in_page

VERSION = "/quan-tri/thu-tuc/000.00.12.H64/1.009994/1"


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_reviewer_reads_the_table_in_words(browser: Any, server: str, shots: Path,
                                               width: int) -> None:
    page = signed_in_page(browser, server, "xemxet.minhxuan", locale="vi-VN", bypass_csp=True,
                          viewport={"width": width, "height": 900})
    page.goto(f"{server}{VERSION}")
    tables = page.locator("#version-tables")
    expect(tables).to_contain_text("Bảng quyết định: Lệ phí cấp phép")
    shown = tables.inner_text()
    for words in ("dưới 100", "từ 100 đến dưới 500", "từ 500 trở lên", "75.000 đồng", "Có",
                  "Không"):
        assert words in shown, words
    assert "True" not in shown and "<" not in shown
    assert "Biểu mẫu bước «Thẩm định hồ sơ, đề xuất»" in page.inner_text("#steps")
    assert ".schema.json" not in page.inner_text("#steps")
    _fits(page)
    assert axe_violations(page) == []
    tables.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"version-tables-{width}.png"), full_page=True)
    page.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_table_editor_shows_yes_no_in_words_and_saves(browser: Any, server: str,
                                                          shots: Path, width: int) -> None:
    page = signed_in_page(browser, server, "thietke.minhxuan", locale="vi-VN", bypass_csp=True,
                          viewport={"width": width, "height": 900})
    page.goto(f"{server}{VERSION}/bang-quyet-dinh")
    page.wait_for_selector("#dmn-canvas[data-ready='true'] .tjs-table")
    canvas = page.locator("#dmn-canvas")
    expect(page.locator("#dmn-syntax")).to_contain_text("là từ 100 đến dưới 500")
    outputs = [t.strip() for t in canvas.locator("td.output-cell").all_inner_texts()]
    assert "Không" in outputs and "Có" in outputs
    assert "False" not in outputs and "True" not in outputs
    assert "75.000" in outputs and "75000" not in outputs  # amounts as people write them
    cell = canvas.locator("td.output-cell", has_text="75.000")
    cell.click()
    page.keyboard.press("End")
    for _ in range(6):
        page.keyboard.press("Backspace")
    page.keyboard.type("70.000")
    _fits(page)
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / f"table-editor-words-{width}.png"), full_page=True)
    page.get_by_role("button", name="Lưu thành bản nháp mới").click()
    expect(page.locator("#save-result")).to_contain_text("Đã lưu thành bản nháp số", timeout=60_000)
    page.locator("#save-result a").first.click()
    expect(page.locator("#version-tables")).to_contain_text("70.000 đồng")
    page.context.close()
