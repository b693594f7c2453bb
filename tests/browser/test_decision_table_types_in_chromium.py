"""The decision table editor's column types in words, in Chromium: the column editor of the
permit's fee table shows the type as a list of Vietnamese names («Chữ», «Số nguyên», «Số»,
«Đúng/Sai»), never dmn-js's code box (`number`, `boolean`); choosing «Số nguyên» shows under
the column's label at once, and the saved table keeps the standard DMN typeRef (`integer`)
and passes the checks. The page with the column editor open fits a phone and a desk and
axe-core finds nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_decision_table_create_in_chromium import _login

VERSION = "/quan-tri/thu-tuc/000.00.12.H64/1.009994"
CODES = re.compile(r"\b(string|integer|number|boolean|long|double|date)\b")
NAMES = ["Chữ", "Số nguyên", "Số", "Đúng/Sai"]


def _open_column(page: Any, kind: str, index: int = 0) -> Any:
    """Opens the column editor of a condition («input») or result («output») column."""
    name = "Sửa cột điều kiện" if kind == "input" else "Sửa cột kết quả"
    column = page.locator(f"#dmn-canvas thead th.{kind}-cell").nth(index)
    column.get_by_role("button", name=name).focus()
    page.keyboard.press("Enter")
    menu = page.locator(".context-menu")
    expect(menu.locator("select.dmn-type")).to_be_visible()
    return menu


def _type_box(menu: Any) -> dict[str, Any]:
    """What a designer sees of the type: the visible controls' texts and values."""
    return menu.evaluate("""menu => {
        const shown = [...menu.querySelectorAll('input, select, .dms-input')]
            .filter(n => n.offsetParent !== null && n.closest('.type-ref-edit'));
        const select = menu.querySelector('select.dmn-type');
        return {shown: shown.map(n => n.tagName === 'SELECT'
                    ? n.options[n.selectedIndex].text : (n.value || n.textContent)),
                options: [...select.options].map(o => o.text),
                name: select.getAttribute('aria-label'),
                text: menu.innerText};
    }""")


def test_column_types_are_chosen_in_words_and_saved_as_standard_type_refs(
        browser: Any, server: str, shots: Path) -> None:
    context = browser.new_context(locale="vi-VN", bypass_csp=True,  # axe-core is injected
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _login(page, server)
    page.goto(f"{server}{VERSION}/1/bang-quyet-dinh")
    page.wait_for_selector("#dmn-canvas[data-ready='true'] .tjs-table")
    menu = _open_column(page, "input")
    box = _type_box(menu)
    assert box["shown"] == ["Số"] and box["options"] == NAMES, box
    assert box["name"] == "Kiểu dữ liệu của cột"
    assert CODES.findall(box["text"]) == []
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / "decision-table-type-1280.png"), full_page=True)
    page.get_by_label("Kiểu dữ liệu của cột").select_option(label="Số nguyên")
    page.keyboard.press("Escape")
    expect(page.locator("#dmn-canvas th .input-variable").first).to_have_text("số nguyên")
    menu = _open_column(page, "output", 1)
    assert _type_box(menu)["shown"] == ["Đúng/Sai"]
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Lưu thành bản nháp mới").click()
    page.wait_for_selector("#saved-table", timeout=60_000)
    page.locator("#saved-table").click()
    page.wait_for_selector("#dmn-canvas[data-ready='true'] .tjs-table")
    assert "Bảng hợp lệ" in page.locator("#dmn-findings").inner_text()
    xml = json.loads(page.locator("#dmn-data").text_content() or "{}")["xml"]
    assert re.search(r'<inputExpression [^>]*typeRef="integer"', xml), xml[:600]
    assert _type_box(_open_column(page, "input"))["shown"] == ["Số nguyên"]
    assert errors == []
    context.close()


def test_the_column_editor_fits_a_phone(browser: Any, server: str, shots: Path) -> None:
    context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    _login(page, server)
    page.goto(f"{server}{VERSION}/1/bang-quyet-dinh")
    page.wait_for_selector("#dmn-canvas[data-ready='true'] .tjs-table")
    menu = _open_column(page, "input")
    assert _type_box(menu)["shown"] == ["Số"]
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=str(shots / "decision-table-type-390.png"), full_page=True)
    assert overflow <= 0, f"the table page scrolls sideways by {overflow} px"
    assert axe_violations(page) == []
    context.close()
