"""The province administrator's list of officers' accounts (/quan-tri/tai-khoan) in real
Chromium: on a phone (390 px) each account reads as a card — name, login, agency, roles,
state and the link to manage it — every one of them inside the screen, nothing hidden in a
sideways-scrolling box (the table's last columns were cut off there); on a desk (1280 px)
it stays a table with its column headings. axe-core finds no WCAG 2.2 A/AA violation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.browser.conftest import AXE, signed_in_page

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LABELS = ["Tên đăng nhập", "Cơ quan", "Vai trò", "Trạng thái"]

# For each account's row: each cell's words and where they are, and whether a box around
# them hides part of them (a scrolling or clipping ancestor narrower than its content).
CELLS = """() => [...document.querySelectorAll('#accounts tbody tr')].map(row =>
  [...row.cells].map(cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const box = range.getBoundingClientRect();
    let clipped = false;
    for (let up = cell.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== 'visible') {
        const edge = up.getBoundingClientRect();
        if (box.left < edge.left - 0.5 || box.right > edge.right + 0.5) clipped = true;
      }
    }
    return {text: cell.innerText.trim(), label: cell.dataset.label || '',
            left: box.left, right: box.right, width: box.width, clipped: clipped,
            shown: getComputedStyle(cell).display !== 'none'};
  }))"""


def _axe(page: Any) -> list[Any]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def _open(browser: Any, server: str, width: int) -> Any:
    page = signed_in_page(browser, server, "quantri", locale="vi-VN", bypass_csp=True,
                          viewport={"width": width, "height": 844 if width < 600 else 900})
    page.goto(f"{server}/quan-tri/tai-khoan")
    return page


def test_on_a_phone_each_account_is_a_card_with_nothing_cut_off(
    browser: Any, server: str, shots: Path
) -> None:
    page = _open(browser, server, 390)
    rows = page.evaluate(CELLS)
    assert len(rows) >= 5
    viewport = page.evaluate("window.innerWidth")
    for cells in rows:
        name = cells[0]["text"]
        assert name, cells  # the card's title: the officer's name
        for cell in cells:
            if not cell["text"]:
                continue
            where = f"{name} / {cell['label'] or 'tên'}: {json.dumps(cell, ensure_ascii=False)}"
            assert cell["shown"] and not cell["clipped"], where
            assert cell["left"] >= 0 and cell["right"] <= viewport, where
        labels = [c["label"] for c in cells if c["text"]]
        assert all(label in labels for label in ("Tên đăng nhập", "Trạng thái")), labels
        manage = [c for c in cells if c["label"] == "Thao tác"]
        assert manage and manage[0]["text"].startswith("Xem và sửa"), cells
    quan_tri = next(cells for cells in rows if any(c["text"] == "quantri" for c in cells))
    assert quan_tri[0]["text"] == "Quản trị hệ thống"
    minh_xuan = next(cells for cells in rows
                     if any(c["text"] == "chuyenvien.minhxuan" for c in cells))
    by_label = {c["label"]: c["text"] for c in minh_xuan}
    assert "Minh Xuân" in by_label["Cơ quan"]
    assert by_label["Vai trò"] and by_label["Trạng thái"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport
    page.screenshot(path=str(shots / "accounts-390.png"), full_page=True)
    assert _axe(page) == []
    page.context.close()


def test_on_a_desk_the_accounts_stay_a_table(browser: Any, server: str, shots: Path) -> None:
    page = _open(browser, server, 1280)
    headings = page.locator("#accounts thead th").all_inner_texts()
    assert headings == ["Họ và tên", *LABELS, "Thao tác"]
    assert page.locator("#accounts thead").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth")
    page.screenshot(path=str(shots / "accounts-1280.png"), full_page=True)
    assert _axe(page) == []
    page.context.close()
