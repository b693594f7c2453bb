"""A refused group of boxes gets the red left bar every other refused field has: the roles
of «Giao vai trò» (on an officer's own page and on the accounts page) are a
`fieldset.choice`, not a `.field`, and had only their message and marked boxes. A citizen's
refused radio group keeps its one bar, and nothing that was not refused gets one. axe-core
finds no WCAG 2.2 A/AA violation and nothing scrolls sideways, at 390 and 1280 px."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import AXE, signed_in_page

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RECORD = "2.000635"  # the civil-status extract: its «Bạn là gì của người đó» is a radio group

# id (or tag) → the left border's width of every fieldset and of every .field of the page
BARS = """() => Object.fromEntries([...document.querySelectorAll('fieldset, .field')]
  .map((e, i) => [e.id || `${e.tagName.toLowerCase()}-${i}`, getComputedStyle(e).borderLeftWidth]))"""


def _checked(page: Any, width: int) -> dict[str, str]:
    """The page's bars, once axe-core and the page's width are checked."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    assert [v["id"] for v in result["violations"]] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    bars: dict[str, str] = page.evaluate(BARS)
    return bars


@pytest.mark.parametrize("width", [390, 1280])
def test_refused_roles_of_a_grant_get_the_red_bar(browser: Any, server: str, width: int) -> None:
    page = signed_in_page(browser, server, "quantri", locale="vi-VN", bypass_csp=True,
                          viewport={"width": width, "height": 900})
    page.goto(f"{server}/quan-tri/tai-khoan/chuyenvien.minhxuan")
    fine = _checked(page, width)
    assert fine["grant-roles"] == "0px"
    page.locator("form[aria-labelledby=grant-h]").get_by_role(
        "button", name="Giao vai trò").click()  # nothing ticked
    page.wait_for_load_state()
    assert page.locator("#grant-roles .error").inner_text() == "Chọn vai trò cần giao."
    refused = _checked(page, width)
    assert refused["grant-roles"] == "5px"
    assert [k for k, v in refused.items() if v == "5px"] == ["grant-roles"], refused

    page.goto(f"{server}/quan-tri/tai-khoan")
    assert _checked(page, width)["inv-roles"] == "0px"
    page.locator("form:has(#inv-roles) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#inv-roles .error").count() >= 1
    assert _checked(page, width)["inv-roles"] == "5px"


@pytest.mark.parametrize("width", [390, 1280])
def test_a_citizens_refused_radio_group_keeps_one_bar_and_a_fine_one_none(
        browser: Any, server: str, width: int) -> None:
    page = signed_in_page(browser, server, "congdan", locale="vi-VN", bypass_csp=True,
                          viewport={"width": width, "height": 900})
    page.goto(f"{server}/thu-tuc/{RECORD}?mot_trang=1")
    fine = _checked(page, width)
    assert fine["f-quan_he"] == "0px"
    assert "5px" not in fine.values(), fine
    page.get_by_role("button", name="Nộp hồ sơ").click()  # nothing filled in
    page.wait_for_load_state()
    refused = _checked(page, width)
    assert refused["f-quan_he"] == "5px"
    assert page.locator("#f-quan_he").evaluate(  # the bar once, not a second one inside
        "e => [...e.querySelectorAll('*')].every(c => getComputedStyle(c).borderLeftWidth"
        " !== '5px')")
