"""Dates typed day first and the saved draft offered, in Chromium at 390 and 1280 px with
an English-language browser (where the old pickers showed «01/15/2027, 05:00 PM»): the
extension form on the task page (refused, then as typed), the report, the audit page, an
account's role grant, the start page offering a saved draft and a printable document;
nothing scrolls sideways and axe-core finds no WCAG 2.2 A/AA violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.applicants import DeskContact, PaperScan, receive_paper_dossier
from engine.wiring import Platform
from tests.browser.test_agencies_accounts_in_chromium import _login
from tests.browser.test_announcements_in_chromium import _fits
from tests.functional.test_desk import PAPERS
from tests.helpers import MINH_XUAN, PERMIT, Officers, paper_files, permit_data

WIDTHS = (390, 1280)


def _received(platform: Platform) -> tuple[str, int]:
    """A paper dossier received at the desk: its code and the specialist's task."""
    officers = Officers(platform)
    pdf = next(iter(paper_files(1).values()))[0].getvalue()
    result = receive_paper_dossier(
        platform.uow, actor=officers.actor("motcua.minhxuan"), procedure_code=PERMIT,
        agency_code=MINH_XUAN, data=permit_data(), papers=PAPERS[1:], decision="complete",
        reception={"ket_qua_kiem_tra": "tiep_nhan"},
        scans=[PaperScan(PAPERS[0], "don.pdf", pdf)], contact=DeskContact("", ""))
    code = str(result["code"])
    task = next(t for t in officers.inbox("chuyenvien.minhxuan") if t["dossier"] == code)
    return code, int(task["id"])


def test_typed_dates_and_the_saved_draft_fit_and_pass_axe(
    browser: Any, server: str, server_database: str, shots: Path,
) -> None:
    platform = Platform(server_database)
    try:
        code, task_id = _received(platform)
    finally:
        platform.dispose()
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="en-US", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "chuyenvien.minhxuan")
        page.goto(f"{server}/can-bo/cong-viec/{task_id}")
        page.click("#gia-han summary")
        assert "muộn nhất" in page.inner_text("#gia-han")
        page.fill("#due_day", "01/15/2027")
        page.fill("#reason", "Chờ ý kiến của điện lực")
        page.click("#gia-han button[type=submit]")
        page.wait_for_load_state("load")
        assert "«Ngày hẹn mới» chưa đúng" in page.inner_text("#gia-han")
        assert page.input_value("#due_day") == "01/15/2027"
        _fits(page, "task-extension-refused", width, shots, problems)
        page.goto(f"{server}/api/v1/dossiers/{code}/documents/receipt?format=html")
        _fits(page, "document-receipt", width, shots, problems)
        context.close()

        context = browser.new_context(locale="en-US", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "quantri")
        page.goto(f"{server}/quan-tri/bao-cao?tu=01/11/2026&den=30/11/2026")
        assert page.input_value("#tu") == "01/11/2026"
        _fits(page, "report-period", width, shots, problems)
        page.goto(f"{server}/quan-tri/nhat-ky?tu_ngay=31/11/2026")
        assert "«Từ ngày» chưa đúng" in page.content()
        _fits(page, "audit-days-refused", width, shots, problems)
        page.goto(f"{server}/quan-tri/tai-khoan/chuyenvien.minhxuan")
        _fits(page, "account-grant-days", width, shots, problems)
        context.close()

        context = browser.new_context(locale="en-US", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "congdan")
        start = f"{server}/thu-tuc/{PERMIT}?agency={MINH_XUAN}"
        page.goto(start)
        if width == WIDTHS[0]:  # the first round saves a draft; both rounds see it offered
            page.click("#start-journey")
            page.wait_for_load_state("load")
            page.goto(start)
        assert "Tiếp tục hồ sơ đang soạn (lưu lúc" in page.inner_text("#draft-resume")
        assert "Bắt đầu hồ sơ mới" in page.inner_text("#start-journey")
        _fits(page, "start-with-draft", width, shots, problems)
        context.close()
    assert problems == {}
