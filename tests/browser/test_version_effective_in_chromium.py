"""«Hiệu lực từ» on an approved version's page, typed day first in Chromium with a
Vietnamese browser (where the old datetime-local picker showed the month first): a day
typed month first is refused in words, what was typed kept; at 390 and 1280 px nothing
scrolls sideways and axe-core finds no WCAG 2.2 A/AA violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from engine import procedures
from engine.wiring import Platform
from tests.browser.test_agencies_accounts_in_chromium import _login
from tests.browser.test_announcements_in_chromium import _fits
from tests.functional.test_review_queues import PACKAGE
from tests.helpers import MINH_XUAN, PERMIT, Officers, package_files, zip_bytes

WIDTHS = (390, 1280)


def _approved(platform: Platform) -> int:
    """A new version of the permit procedure, submitted, reviewed and approved."""
    officers = Officers(platform)
    with platform.uow() as uow:
        _, version, _ = procedures.import_keeping(
            uow, actor=officers.actor("thietke.minhxuan"), agency_code=MINH_XUAN,
            zip_bytes=zip_bytes(package_files(PACKAGE)), filename="goi.zip")
    assert version is not None
    number = int(version["number"])
    for who, action, decision in (("thietke.minhxuan", "submit", ""),
                                  ("xemxet.minhxuan", "review", "accept"),
                                  ("pheduyet.minhxuan", "approve", "")):
        with platform.uow() as uow:
            procedures.act_on_version(uow, actor=officers.actor(who), agency_code=MINH_XUAN,
                                      code=PERMIT, number=number, action=action,
                                      decision=decision)
    return number


def test_the_effective_moment_typed_wrong_fits_and_passes_axe(
    browser: Any, server: str, server_database: str, shots: Path,
) -> None:
    platform = Platform(server_database)
    try:
        number = _approved(platform)
    finally:
        platform.dispose()
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "pheduyet.minhxuan")
        page.goto(f"{server}/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{number}")
        assert page.locator("#publish-form input[type=datetime-local]").count() == 0
        page.fill("#effective_day", "12/31/2026")
        page.fill("#effective_time", "07:30")
        page.click("#publish-form button[type=submit]")
        expect(page.locator("#effective-error")).to_contain_text(
            "«Hiệu lực từ» chưa đúng: nhập ngày/tháng/năm, ví dụ 15/01/2027 (đã nhập «12/31/2026»)")
        assert page.input_value("#effective_day") == "12/31/2026"
        assert page.input_value("#effective_time") == "07:30"
        _fits(page, "version-effective-refused", width, shots, problems)
        context.close()
    assert problems == {}
