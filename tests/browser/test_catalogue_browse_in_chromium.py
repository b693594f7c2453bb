"""The catalogue's word search and its «Lĩnh vực» / «Cơ quan thực hiện» filters, and the
agency directory's links to each agency's procedures, in Chromium at 390 and 1280 px:
no JavaScript needed (the filters are a GET form), no page wider than the viewport,
axe-core (WCAG 2.2 A/AA) finds nothing. Screenshots in the test's artefacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PERMIT = "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
EXTRACT = "Cấp bản sao trích lục hộ tịch"


def looked_at(page: Any, shots: Path, name: str) -> None:
    """The page fits its width, axe finds nothing, and a screenshot is kept."""
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(f"axe.run(document, {{runOnly: {TAGS}, resultTypes: ['violations']}})")
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]] == [], name


@pytest.mark.parametrize("width", [390, 1280])
def test_search_filter_and_directory_links(browser: Any, server: str, shots: Path,
                                           width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True,
                                  java_script_enabled=True)
    page = context.new_page()
    page.goto(f"{server}/")
    page.fill("#q", "xin phép xây nhà")
    page.click("button[type=submit]")
    expect(page.locator("#procedures h2").first).to_have_text(PERMIT)
    looked_at(page, shots, f"search-{width}")

    page.goto(f"{server}/")  # the choices count what the words kept: all of them here
    page.select_option("#linh_vuc", label="Hộ tịch (2)")
    page.click("button[type=submit]")
    expect(page.locator("#result-count")).to_contain_text("lĩnh vực Hộ tịch")
    expect(page.locator("#procedures h2")).to_have_count(2)
    expect(page.locator("#procedures h2").first).to_have_text(EXTRACT)
    looked_at(page, shots, f"field-{width}")

    page.goto(f"{server}/co-quan")
    link = page.locator('a[href="/?co_quan=000.00.12.H64"]')
    expect(link).to_contain_text("Xem 2 thủ tục do cơ quan này thực hiện")
    link.click()
    expect(page.locator("#co_quan option:checked")).to_have_text("UBND phường Minh Xuân (2)")
    expect(page.locator("#procedures h2")).to_have_count(2)
    looked_at(page, shots, f"agency-{width}")
    page.goto(f"{server}/co-quan")
    looked_at(page, shots, f"directory-{width}")
    context.close()
