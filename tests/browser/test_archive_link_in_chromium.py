"""A leader's view of a closed dossier with its «Tải hồ sơ lưu trữ (ZIP)» link (issue 18), in
Chromium at 390 and 1280 px: nothing scrolls sideways, axe-core (WCAG 2.2 A/AA) finds
nothing, and the link downloads a package whose manifest checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.reports import verify_dossier_archive
from engine.wiring import Platform
from tests.browser.conftest import axe_violations, left_the_login_page
from tests.functional.test_dossier_archive import _refused_at_the_counter
from tests.helpers import Officers

WIDTHS = (390, 1280)


def test_the_archive_link_on_a_phone_and_a_desk(
    browser: Any, server: str, server_database: str, shots: Path
) -> None:
    platform = Platform(server_database)
    try:
        code = _refused_at_the_counter(platform, Officers(platform))
    finally:
        platform.dispose()
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True,
                                      accept_downloads=True)
        page = context.new_page()
        page.goto(f"{server}/dang-nhap")
        page.fill("#username", "lanhdao.minhxuan")
        page.fill("#password", "motcua-demo-2026")
        page.click("form button[type=submit]")
        page.wait_for_url(left_the_login_page)
        page.goto(f"{server}/can-bo/ho-so/{code}")
        assert "Tải hồ sơ lưu trữ (ZIP)" in page.locator("#archive-link").inner_text()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.screenshot(path=str(shots / f"archive-link-{width}.png"), full_page=True)
        assert overflow <= 0, f"the dossier page at {width} px scrolls sideways by {overflow} px"
        assert axe_violations(page) == [], width
        with page.expect_download() as download:
            page.click("#archive-link a")
        assert verify_dossier_archive(Path(download.value.path()).read_bytes()) == []
        context.close()
