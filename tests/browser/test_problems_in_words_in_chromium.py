"""A refused package read by a designer in Chromium, at 390 and 1280 px: the upload's report
and the kept draft's page (the modeler) name each step and field as the builder shows it,
the files by what they are, with no element id, pointer or file name until «Chi tiết kỹ
thuật» is opened; nothing wider than the window, axe-core clean."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, signed_in_page
from tests.functional.test_problems_in_designer_words import CODES, STEP, _broken_files
from tests.helpers import zip_bytes


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _visible_words(page: Any, selector: str) -> str:
    """The list's text as read with every «Chi tiết kỹ thuật» folded."""
    return str(page.evaluate(
        """selector => { const list = document.querySelector(selector).cloneNode(true);
             list.querySelectorAll('details').forEach(d => d.remove());
             return list.innerText; }""", selector))


@pytest.mark.parametrize("width", [1280, 390])
def test_a_refused_package_is_told_by_names(browser: Any, server: str, shots: Path,
                                            tmp_path: Path, width: int) -> None:
    page = signed_in_page(browser, server, "thietke.minhxuan", locale="vi-VN", bypass_csp=True,
                          viewport={"width": width, "height": 900})
    package = tmp_path / "goi-loi.zip"
    package.write_bytes(zip_bytes(_broken_files()))
    page.goto(f"{server}/quan-tri/thu-tuc")
    page.set_input_files("#package", str(package))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_selector("#open-draft")
    said = _visible_words(page, "#report-problems")
    assert f"Bước «{STEP}»" in said and "Trường «Đề xuất»" in said and "Sơ đồ quy trình" in said
    assert [code for code in CODES if code in said] == [], said
    first = page.locator("#report-problems details.technical").first
    first.locator("summary").click()
    expect(first).to_contain_text("process.bpmn")  # the detail is there for who needs it
    _fits(page)
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / f"upload-report-words-{width}.png"), full_page=True)

    page.click("#open-draft")
    page.wait_for_selector("#canvas[data-rendered='process.bpmn']")
    said = _visible_words(page, "#problems")
    assert f"Bước «{STEP}»" in said and "Trường «Đề xuất»" in said
    assert [code for code in CODES if code in said] == [], said
    page.locator("#problems a[data-element='Activity_0x1']").first.click()
    assert page.locator("#problems li.current").count() >= 1  # still marks it on the drawing
    _fits(page)
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / f"draft-problems-words-{width}.png"), full_page=True)
    bench = json.loads(page.inner_text("#bench-data"))
    assert bench["report"]["problems"][0]["words"]
    page.context.close()
