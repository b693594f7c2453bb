"""The civil-status extract's page in Chromium marks its printed declaration «Chỉ khi nộp
trực tiếp…» (online, the form is that declaration); the online form offers no upload for it.
Both fit a phone and a desk (no horizontal scrolling) and axe-core finds nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE
from tests.helpers import EXTRACT, MINH_XUAN

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DECLARATION = "Tờ khai cấp bản sao trích lục hộ tịch"


def _fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    assert [v["id"] for v in result["violations"]] == []


@pytest.mark.parametrize("width", [390, 1280])
def test_the_extract_marks_its_declaration_for_the_counter(
        browser: Any, server: str, shots: Path, width: int) -> None:
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900},
                                  bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server}/thu-tuc/{EXTRACT}?agency={MINH_XUAN}")
    row = page.locator("tr", has_text=DECLARATION)
    expect(row.locator(".tag")).to_have_text("Chỉ khi nộp trực tiếp hoặc gửi qua bưu chính")
    expect(page.locator("tr", has_text="Văn bản ủy quyền").locator(".tag")).to_have_count(0)
    page.screenshot(path=str(shots / f"procedure-{width}.png"), full_page=True)
    _fits(page, width)
    page.goto(f"{server}/thu-tuc/{EXTRACT}?agency={MINH_XUAN}&mot_trang=1")
    expect(page.locator('input[name="_file.1"]')).to_have_count(1)
    expect(page.locator('input[name="_file.0"]')).to_have_count(0)
    page.screenshot(path=str(shots / f"form-{width}.png"), full_page=True)
    context.close()
