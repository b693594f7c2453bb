"""The province administrator's tables with a «Thao tác» column, in real Chromium: the
calendar's declared days (/quan-tri/lich) and an officer's roles (/quan-tri/tai-khoan/<login>).

On a phone (390 px) each row is a card (the design system's `table.list.stack`): every cell
under its column's heading, the row's button («Bỏ», «Thu hồi») across the card and inside
the screen — it was cut in half at the right edge of a sideways-scrolling box, out of an
administrator's sight. On a desk (1280 px) both stay tables, a row's cells on one line.
The page never scrolls sideways and axe-core finds no violation at any impact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import AXE, signed_in_page

CALENDAR = ("calendar", "/quan-tri/lich?nam=2027", "#days",
            ["Ngày", "Thứ", "Loại", "Lý do", "Thao tác"], "Bỏ")
ACCOUNT = ("account", "/quan-tri/tai-khoan/chuyenvien.minhxuan", "#grants",
           ["Cơ quan", "Vai trò", "Thời hạn", "Thao tác"], "Thu hồi")
PAGES = pytest.mark.parametrize("name, path, table, headings, action", [CALENDAR, ACCOUNT],
                                ids=["calendar", "account"])
REASON = "Quyết định số 1234/QĐ-UBND ngày 10/12/2026 của Ủy ban nhân dân tỉnh Tuyên Quang"

# The first row's cells: their box, and the label a stacked cell shows above its words.
FIRST_ROW = """table => [...document.querySelector(table + ' tbody tr').cells].map(cell => {
  const box = cell.getBoundingClientRect();
  return {text: cell.innerText.trim(), label: cell.dataset.label || '',
          before: getComputedStyle(cell, '::before').content,
          top: box.top, left: box.left, right: box.right};
})"""


def _all_violations(page: Any) -> list[Any]:
    """axe-core's violations at every impact (minor and moderate included)."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]])
            for v in result["violations"]]


def _open(browser: Any, server: str, path: str, width: int) -> Any:
    page = signed_in_page(browser, server, "quantri", locale="vi-VN", bypass_csp=True,
                          viewport={"width": width, "height": 844 if width < 600 else 900})
    if path.startswith("/quan-tri/lich"):  # a declared day with a long reason to show
        page.goto(f"{server}/quan-tri/lich?nam=2027")
        page.fill("#day", "15/01/2027")
        page.fill("#reason", REASON)
        page.click("form.generated button[type=submit]")
        page.wait_for_load_state("load")
    else:  # a second role, for a time: its period is the longest cell
        page.goto(f"{server}{path}")
        page.check("#grant-role-1")
        page.fill("#grant-valid_from", "01/01/2026")
        page.fill("#grant-valid_until", "31/12/2027")
        page.click("form[action$='/vai-tro'] button[type=submit]")
        page.wait_for_load_state("load")
    page.goto(f"{server}{path}")
    return page


@PAGES
def test_on_a_phone_each_row_is_a_card_with_its_button_on_screen(
    browser: Any, server: str, shots: Path,
    name: str, path: str, table: str, headings: list[str], action: str,
) -> None:
    page = _open(browser, server, path, 390)
    rows = page.locator(f"{table} tbody tr")
    assert rows.count() >= (2 if name == "account" else 1)
    for row in rows.all():
        box = row.locator("a.button", has_text=action).bounding_box()
        card = row.bounding_box()
        assert box is not None and card is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert box["width"] >= card["width"] - 2 * 20, (box, card)  # across the card
    cells = page.evaluate(FIRST_ROW, table)
    assert [c["label"] for c in cells[1:]] == headings[1:], cells
    assert all(c["before"] == f'"{c["label"]}"' for c in cells[1:]), cells  # shown above
    assert cells[1]["top"] > cells[0]["top"], cells  # one under another, not side by side
    assert page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.screenshot(path=str(shots / f"{name}-390.png"), full_page=True)
    assert _all_violations(page) == []
    page.context.close()


@PAGES
def test_on_a_desk_it_stays_a_table(
    browser: Any, server: str, shots: Path,
    name: str, path: str, table: str, headings: list[str], action: str,
) -> None:
    page = _open(browser, server, path, 1280)
    assert page.locator(f"{table} thead th").all_inner_texts() == headings
    assert page.locator(f"{table} thead").is_visible()
    cells = page.evaluate(FIRST_ROW, table)
    assert len({round(c["top"]) for c in cells}) == 1, cells  # a row's cells on one line
    assert all(c["before"] in ("none", "normal") for c in cells), cells  # no labels
    assert cells[-1]["text"].startswith(action), cells
    assert page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.screenshot(path=str(shots / f"{name}-1280.png"), full_page=True)
    assert _all_violations(page) == []
    page.context.close()
