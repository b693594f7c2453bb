"""The report page's downloads in Chromium at 390 and 1280 px, for a leader: the Excel file
holds the page's resolution times in a worksheet «Thời gian giải quyết», the CSV of those
times is linked beside the others, and the page says the XLSX is the file to open in Excel;
the page with a month of dossiers and with an empty month fits (no sideways scroll) and
axe-core finds nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from engine.wiring import Platform
from tests.browser.test_agencies_accounts_in_chromium import _login
from tests.browser.test_announcements_in_chromium import _fits
from tests.service.test_reports import _insert

WIDTHS = (390, 1280)
PAGE = "/quan-tri/bao-cao?co_quan=000.00.12.H64&tu={}&den={}"


def test_the_reports_downloads_carry_every_table_and_the_page_fits(
    browser: Any, server: str, server_database: str, shots: Path,
) -> None:
    platform = Platform(server_database)
    try:
        _insert(platform)
    finally:
        platform.dispose()
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True, accept_downloads=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "lanhdao.minhxuan")
        page.goto(server + PAGE.format("01/11/2026", "30/11/2026"))
        assert "Để mở bằng Excel, hãy tải tệp Excel (.xlsx)" in page.inner_text("#downloads")
        first = page.inner_text("#durations tbody tr th").strip()
        with page.expect_download() as download:
            page.get_by_role("link", name="Báo cáo và chỉ số (Excel .xlsx)").click()
        book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        assert book.sheetnames == ["Báo cáo", "Thời gian giải quyết", "Chỉ số QĐ 766"]
        assert book["Thời gian giải quyết"]["A4"].value == " ".join(first.split())
        link = page.get_by_role("link", name="Thời gian giải quyết theo thủ tục (CSV)")
        assert "table=procedures" in (link.get_attribute("href") or "")
        _fits(page, "report-downloads", width, shots, problems)
        page.goto(server + PAGE.format("01/01/2026", "31/01/2026"))
        assert "Không có số liệu trong kỳ" in page.inner_text("#durations-empty")
        _fits(page, "report-downloads-empty", width, shots, problems)
        context.close()
    assert problems == {}
