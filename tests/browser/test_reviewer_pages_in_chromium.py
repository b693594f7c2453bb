"""The pages a reviewer reads before approving (B7) at phone and desktop width: a version's
page with its summary and comparison links, a first version compared with nothing, the
list of versions — no horizontal overflow, axe-core (WCAG 2.2 AA tags and best practices)
without violations; the version's label/value rows (summary, steps, package test cases)
read as rows: side by side from 600 px, each label over its value below."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import AXE, signed_in_page
from tests.helpers import MINH_XUAN, PERMIT

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# The rows of a version's page as [label/first cell, value/next cells…], with what is wrong
# with each at the window's width: from 600 px a row's cells share their top edge; below,
# each cell starts at the row's left edge under the one before (a phone reads a card).
ROWS_MISREAD = """() => {
  const rows = [...document.querySelectorAll('#version-summary dt')]
      .map(dt => [dt, dt.nextElementSibling])
    .concat([...document.querySelectorAll('#steps tbody tr, #test-results tbody tr')]
      .map(tr => [...tr.children].filter(td => td.textContent.trim())));
  const wide = window.innerWidth >= 600, wrong = [];
  for (const cells of rows) {
    const boxes = cells.map(c => c.getBoundingClientRect());
    boxes.slice(1).forEach((box, i) => {
      const before = boxes[i], ok = wide ? Math.abs(box.top - boxes[0].top) < 1
        : Math.abs(box.left - boxes[0].left) < 1 && box.top >= before.bottom - 1;
      const said = c => c.textContent.trim().slice(0, 30);
      if (!ok) wrong.push(said(cells[0]) + ' / ' + said(cells[i + 1]));
    });
  }
  return [rows.length, wrong];
}"""


def _violations(page: Any) -> list[Any]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           TAGS)
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def test_the_reviewers_pages_fit_and_pass_axe(browser: Any, server: str, shots: Path) -> None:
    version = f"{server}/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1"
    pages = {"phien-ban": (version, "#version-summary"),
             "moi-thu": (f"{version}/so-sanh?voi=0", "#against-nothing"),
             "danh-sach": (f"{server}/quan-tri/thu-tuc", "#versions")}
    for width in (390, 1280):
        page = signed_in_page(browser, server, "xemxet.minhxuan", bypass_csp=True,
                              viewport={"width": width, "height": 900})
        for name, (url, landmark) in pages.items():
            page.goto(url)
            expect(page.locator(landmark)).to_have_count(1)
            if name == "phien-ban":
                expect(page.locator("#summary-time")).to_contain_text("ngày làm việc")
                expect(page.locator("#summary-fees")).to_contain_text("đồng")
                for seen in (width, 620) if width == 390 else (width,):
                    page.set_viewport_size({"width": seen, "height": 900})
                    count, wrong = page.evaluate(ROWS_MISREAD)
                    assert count >= 6 + 7 + 5 and wrong == [], (seen, wrong)
                page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
            assert page.evaluate(
                "document.documentElement.scrollWidth <= window.innerWidth"), (name, width)
            assert _violations(page) == [], (name, width)
        page.context.close()
