"""«Áp dụng cho cơ quan» in Chromium: the province's administrator ticks a new commune on
the building permit's page and applies it; the commune is then among the citizen's
«Cơ quan tiếp nhận hồ sơ»; «Ngừng áp dụng» takes it out again. The page fits a phone and a
desk (no horizontal scrolling) and axe-core finds nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from engine.agencies import AgencyFields, create_agency
from engine.core.actors import Actor
from engine.wiring import Platform
from tests.browser.conftest import axe_violations, signed_in_page
from tests.helpers import MINH_XUAN, PERMIT

HOA_BINH = "000.00.40.H64"


@pytest.fixture
def hoa_binh(server_database: str) -> None:
    """A new commune, made before the server starts, with no procedure of its own."""
    platform = Platform(server_database)
    try:
        with platform.uow() as uow:
            create_agency(uow, actor=Actor(account_id=None, kind="admin", name="Quản trị"),
                          fields=AgencyFields(HOA_BINH, "UBND xã Hòa Bình", "commune"))
    finally:
        platform.dispose()


def _fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [390, 1280])
def test_the_administrator_applies_the_permit_to_a_new_commune_and_stops_it(
        hoa_binh: None, browser: Any, server: str, shots: Path, width: int) -> None:
    page = signed_in_page(browser, server, "quantri", locale="vi-VN",
                          viewport={"width": width, "height": 900}, bypass_csp=True)
    page.goto(f"{server}/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1")
    expect(page.locator("#apply-link")).to_have_text("Áp dụng cho cơ quan")
    _fits(page, width)  # the version's page with its new link
    page.locator("#apply-link").click()
    expect(page.locator("h1")).to_have_text("Áp dụng cho cơ quan")
    _fits(page, width)
    page.screenshot(path=str(shots / f"ap-dung-{width}.png"), full_page=True)

    page.get_by_label("UBND xã Hòa Bình").check()
    page.get_by_role("button", name="Áp dụng cho cơ quan đã chọn").click()
    expect(page.locator(".flash")).to_contain_text("Đã áp dụng cho UBND xã Hòa Bình.")
    expect(page.get_by_role("button", name="Ngừng áp dụng tại UBND xã Hòa Bình")).to_have_count(1)
    expect(page.locator(".applied-agencies")).to_contain_text(
        "Chưa cán bộ nào của cơ quan này giữ các vai trò dưới đây")
    expect(page.get_by_role("link", name="Giao vai trò Lãnh đạo tại UBND xã Hòa Bình")).to_have_count(1)
    _fits(page, width)
    page.screenshot(path=str(shots / f"da-ap-dung-{width}.png"), full_page=True)

    page.goto(f"{server}/thu-tuc/{PERMIT}")
    expect(page.locator("#agency option", has_text="UBND xã Hòa Bình")).to_have_count(1)

    page.goto(f"{server}/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/ap-dung")
    page.get_by_role("button", name="Ngừng áp dụng tại UBND xã Hòa Bình").click()
    expect(page.locator("h1")).to_have_text("Ngừng áp dụng thủ tục tại UBND xã Hòa Bình?")
    _fits(page, width)
    page.screenshot(path=str(shots / f"ngung-ap-dung-{width}.png"), full_page=True)
    page.get_by_role("button", name="Ngừng áp dụng tại UBND xã Hòa Bình").click()
    expect(page.locator(".flash")).to_contain_text("Đã ngừng áp dụng tại UBND xã Hòa Bình")
    expect(page.get_by_label("UBND xã Hòa Bình")).to_have_count(1)  # may be applied again
    page.goto(f"{server}/thu-tuc/{PERMIT}")
    expect(page.locator("#agency option", has_text="UBND xã Hòa Bình")).to_have_count(0)
    page.context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_administrators_new_procedure_form_offers_other_agencies(
        browser: Any, server: str, shots: Path, width: int) -> None:
    """«Tạo thủ tục mới» for the province's administrator: «Cũng áp dụng cho» lists the
    other agencies as checkboxes; the page still fits and axe-core finds nothing."""
    page = signed_in_page(browser, server, "quantri", locale="vi-VN",
                          viewport={"width": width, "height": 900}, bypass_csp=True)
    page.goto(f"{server}/quan-tri/thu-tuc/moi?co_quan={MINH_XUAN}")
    expect(page.locator("#np-also legend")).to_have_text("Cũng áp dụng cho")
    expect(page.locator("#np-also").get_by_label("UBND xã An Tường")).to_have_count(1)
    expect(page.locator("#np-also").get_by_label("UBND phường Minh Xuân")).to_have_count(0)
    _fits(page, width)
    page.locator("#np-also").screenshot(path=str(shots / f"cung-ap-dung-{width}.png"))
    page.context.close()
