"""The province administrator's walk in Chromium at 390 and 1280 px, as `quantri` and as the
unit administrator `quantri.soxaydung`: an agency added under its parent, an officer created
with a procedure's own role (named by its label), a role granted and revoked, a file of
accounts refused then imported, an account deactivated; the calendar with a day of next year,
the audit trail, the connectors, API keys and locked accounts. Every page fits (nothing
scrolls sideways), passes axe-core (WCAG 2.2 A/AA) and shows no code where words belong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_agencies_accounts_in_chromium import WIDTHS, _check, _login
from tests.helpers import MINH_XUAN

SO = "000.05.00.H64"
CODES = ("ho_tich", "mot_cua", "account.", "agency.", "parent_id", "None", "dossiers:")


def _submit(page: Any, form: str) -> None:
    page.click(f"form[action$='{form}'] button[type=submit]")
    page.wait_for_load_state("load")


def _words(page: Any, name: str, problems: dict[str, Any]) -> None:
    text = page.inner_text("main")
    if shown := [c for c in CODES if c in text]:
        problems[f"{name}: codes"] = shown


def _officer(page: Any, server: str, tag: str, agency: str) -> None:
    """Create an officer with the first role offered and a procedure's own one if offered."""
    page.goto(f"{server}/quan-tri/tai-khoan")
    page.fill("#inv-username", f"tuphap.{tag}")
    page.fill("#inv-full_name", "Nguyễn Thị Hoa")
    page.fill("#inv-email", f"tuphap.{tag}@tuyenquang.example")
    page.select_option("#inv-agency", agency)
    page.check("#inv-role-1")
    _submit(page, "/quan-tri/tai-khoan")


def _walk(page: Any, server: str, who: str, width: int, shots: Path,
          problems: dict[str, Any]) -> None:
    parent = MINH_XUAN if who == "quantri" else SO
    tag = f"{who.replace('.', '')}{width}"
    page.goto(f"{server}/quan-tri/co-quan")
    page.fill("#ag-code", f"{width % 1000:03d}{parent[3:]}")
    page.fill("#ag-name", "Phòng Tư pháp")
    page.select_option("#ag-kind", "unit")  # asked: no kind is chosen for the administrator
    page.select_option("#ag-parent", parent)
    _submit(page, "/quan-tri/co-quan")
    assert "Đã thêm Phòng Tư pháp" in page.inner_text("main"), who
    _check(page, f"{who}-agency-added", width, shots, problems)
    _officer(page, server, tag, parent)
    assert page.locator("#grants tbody tr").count() == 1, who
    page.locator("label", has_text="Công chức Tư pháp - Hộ tịch").first.click()
    page.select_option("#grant-agency", parent)
    _submit(page, "/vai-tro")
    assert "Công chức Tư pháp - Hộ tịch" in page.inner_text("#grants"), who
    _check(page, f"{who}-granted", width, shots, problems)
    _words(page, f"{who}-granted@{width}", problems)
    page.locator("#grants a", has_text="Thu hồi").first.click()  # asked first, on its own page
    page.wait_for_load_state("load")
    assert "Thu hồi vai trò" in page.inner_text("h1"), who
    _check(page, f"{who}-revoke-asked", width, shots, problems)
    _words(page, f"{who}-revoke-asked@{width}", problems)
    page.locator("main form button[type=submit]", has_text="Thu hồi vai trò").click()
    page.wait_for_load_state("load")
    assert page.locator("#grants tbody tr").count() == 1, who
    page.fill("#deactivate-reason", "Nghỉ hưu")
    _submit(page, "/deactivate")
    assert page.inner_text("#state") == "Ngừng hoạt động"
    _check(page, f"{who}-deactivated", width, shots, problems)
    page.goto(f"{server}/quan-tri/tai-khoan")
    header = "Tên đăng nhập,Họ và tên,Thư điện tử,Mã cơ quan,Vai trò\n"
    for body in (f"A B,,x,KHONG,{'Kế toán'}\n", f"mc.{tag},Lê Văn Mạnh,mc.{tag}@tuyenquang.example,"
                 f"{parent},Bộ phận Một cửa\n"):
        page.set_input_files("#import-file", files=[{
            "name": "tai-khoan.csv", "mimeType": "text/csv", "buffer": (header + body).encode()}])
        _submit(page, "/tai-khoan/nhap")
        _check(page, f"{who}-import-{len(body)}", width, shots, problems)
        _words(page, f"{who}-import@{width}", problems)


@pytest.mark.parametrize("who", ["quantri", "quantri.soxaydung"])
def test_the_agency_and_accounts_walk_fits_passes_axe_and_shows_words(
    browser: Any, server: str, shots: Path, who: str,
) -> None:
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, who)
        _walk(page, server, who, width, shots, problems)
        context.close()
    assert problems == {}


def test_the_calendar_audit_connectors_keys_and_locks_fit_pass_axe_and_show_words(
    browser: Any, server: str, shots: Path,
) -> None:
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "quantri")
        page.goto(f"{server}/quan-tri/lich")
        page.fill("#day", f"2027-03-0{width % 9}")
        page.fill("#reason", "Quyết định 12/QĐ-UBND: nghỉ bù")
        _submit(page, "/lich")
        assert f"0{width % 9}/03/2027" in page.inner_text("#days")
        _check(page, "calendar", width, shots, problems)
        page.click(f"#days a[href*='ngay=2027-03-0{width % 9}']")  # «Bỏ»: a confirmation first
        page.wait_for_load_state("load")
        _check(page, "calendar-remove", width, shots, problems)
        _submit(page, "/lich/bo")  # no reason typed: asked for one, nothing removed
        assert "Nhập lý do bỏ điều chỉnh ngày này." in page.inner_text("main")
        _check(page, "calendar-remove-error", width, shots, problems)
        page.fill("#reason", "Quyết định 15/QĐ-UBND thu hồi")
        _submit(page, "/lich/bo")
        assert f"0{width % 9}/03/2027" not in page.inner_text("#days")
        for name, path in (("audit", "/quan-tri/nhat-ky"), ("connectors", "/quan-tri/ket-noi"),
                           ("keys", "/quan-tri/khoa-api"), ("locked", "/quan-tri/tai-khoan-bi-khoa")):
            page.goto(f"{server}{path}")
            _check(page, name, width, shots, problems)
            _words(page, f"{name}@{width}", problems)
        context.close()
    assert problems == {}
