"""The pages a reviewer reads before approving (B7) at phone and desktop width: a version's
page with its summary and comparison links, a first version compared with nothing, the
list of versions — no horizontal overflow, axe-core (WCAG 2.2 AA tags) without violations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import AXE, signed_in_page
from tests.helpers import MINH_XUAN, PERMIT

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


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
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
            assert page.evaluate(
                "document.documentElement.scrollWidth <= window.innerWidth"), (name, width)
            assert _violations(page) == [], (name, width)
        page.context.close()
