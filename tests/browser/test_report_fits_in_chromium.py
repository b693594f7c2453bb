"""The report page with a month of dossiers (re-walk Y1) in Chromium at 390 and 1280 px:
procedures by name, Vietnamese decimals («100,0%», «0,0 ngày»), the procedure-time and
indicator tables stacked on a phone, no sideways scroll, axe-core WCAG 2.2 A/AA clean."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from engine.wiring import Platform
from tests.browser.test_agencies_accounts_in_chromium import _login
from tests.browser.test_announcements_in_chromium import _fits
from tests.service.test_reports import _insert

WIDTHS = (390, 1280)


def test_the_report_with_indicators_fits_and_reads_in_vietnamese(
    browser: Any, server: str, server_database: str, shots: Path,
) -> None:
    platform = Platform(server_database)
    try:
        _insert(platform)
    finally:
        platform.dispose()
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "quantri")
        page.goto(f"{server}/quan-tri/bao-cao?co_quan=000.00.12.H64&tu=01/11/2026&den=30/11/2026")
        durations = page.inner_text("#durations")
        assert "Cấp giấy phép xây dựng" in durations and "(1.009994)" in durations
        indicators = page.inner_text("#indicators")
        assert re.search(r"\d+,\d%", indicators), indicators
        assert not re.search(r"\d+\.\d%", indicators)
        assert re.search(r"\d+,\d ngày", indicators + durations)
        _fits(page, "report-indicators", width, shots, problems)
        context.close()
    assert problems == {}
