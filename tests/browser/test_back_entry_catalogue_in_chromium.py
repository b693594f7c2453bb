"""Issue 18's desk back-entry fields and the catalogue's «Nộp trực tiếp» entry in Chromium at
390 and 1280 px: an outage declared through the administrators' page, the desk page offering
it, a procedure imported from the national catalogue listed without an online form; nothing
scrolls sideways and axe-core finds no WCAG 2.2 A/AA violation; screenshots kept."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from engine.core.actors import SYSTEM
from engine.core.clock import VN_TZ
from engine.procedures import import_national_catalogue
from engine.wiring import Platform
from tests.browser.test_agencies_accounts_in_chromium import _login
from tests.browser.test_announcements_in_chromium import _fits
from tests.functional.test_national_catalogue import BIRTH, _csv
from tests.helpers import MINH_XUAN, PERMIT

WIDTHS = (390, 1280)


def _declare_outage(browser: Any, server: str) -> None:
    context = browser.new_context(locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    _login(page, server, "quantri")
    page.goto(f"{server}/quan-tri/thong-bao")
    now = datetime.now(VN_TZ)
    page.check("#kind-incident")
    page.fill("#title", "Mất kết nối đường truyền")
    page.fill("#body", "Hệ thống không truy cập được; hồ sơ giấy được nhận tại quầy.")
    page.fill("#starts_day", (now - timedelta(hours=3)).strftime("%d/%m/%Y"))
    page.fill("#starts_time", (now - timedelta(hours=3)).strftime("%H:%M"))
    page.fill("#ends_day", (now - timedelta(hours=1)).strftime("%d/%m/%Y"))
    page.fill("#ends_time", (now - timedelta(hours=1)).strftime("%H:%M"))
    page.click("form.generated button[type=submit]")
    page.wait_for_load_state("load")
    page.click("#announcements details summary")
    page.click("#announcements details form button[type=submit]")
    page.wait_for_load_state("load")
    assert "Đã xác nhận gián đoạn" in page.content()
    context.close()


def test_the_desk_back_entry_and_the_direct_only_catalogue_entry_fit_and_pass_axe(
    browser: Any, server: str, server_database: str, shots: Path,
) -> None:
    platform = Platform(server_database)
    with platform.uow() as uow:
        import_national_catalogue(uow, actor=SYSTEM, content=_csv(BIRTH), filename="dvc.csv")
    platform.dispose()
    _declare_outage(browser, server)
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{server}/?q=khai sinh")
        assert page.get_by_text("Nộp trực tiếp", exact=True).count() == 1
        page.click("#procedures details summary")
        _fits(page, "catalogue-direct-only", width, shots, problems)
        _login(page, server, "motcua.minhxuan")
        page.goto(f"{server}/can-bo/tiep-nhan?thu_tuc={PERMIT}&agency={MINH_XUAN}")
        assert page.locator("#gian_doan option").count() == 2
        page.select_option("#gian_doan", index=1)
        _fits(page, "desk-back-entry", width, shots, problems)
        context.close()
    assert problems == {}
