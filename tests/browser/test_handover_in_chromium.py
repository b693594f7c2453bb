"""The desk's hand-over step in Chromium at 390 and 1280 px (re-walk Y1): a refused
dossier's step with no fee warning, a granted one (its fee paid) with the postal order on top
and the confirmation asked when another choice is made; no sideways scroll, axe-core
WCAG 2.2 A/AA clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from engine.dossiers import request_postal_order, submit_dossier
from engine.wiring import Platform
from tests.browser.test_agencies_accounts_in_chromium import _login
from tests.browser.test_announcements_in_chromium import _fits
from tests.browser.test_typed_dates_in_chromium import _received
from tests.functional.test_post_connector import ORDER
from tests.helpers import MINH_XUAN, PERMIT, Officers, collect_fee, permit_data

WIDTHS = (390, 1280)


def _decided(platform: Platform, *, refuse: bool) -> str:
    """A paper dossier taken to the desk's hand-over step (refused or granted): its code."""
    code, _ = _received(platform)
    officers = Officers(platform)
    officers.complete("chuyenvien.minhxuan", "tham_dinh", {
        "de_xuat": "tu_choi" if refuse else "cap_phep", "y_kien_tham_dinh": "Đã xem xét."})
    officers.complete("lanhdao.minhxuan", "phe_duyet", {
        "quyet_dinh": "tu_choi", "ly_do_tu_choi": "Công trình vượt chỉ giới xây dựng."}
        if refuse else {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    return code


def test_the_hand_over_steps_fit_and_pass_axe(
    browser: Any, server: str, server_database: str, shots: Path,
) -> None:
    platform = Platform(server_database)
    try:
        refused = _decided(platform, refuse=True)
        granted = _decided(platform, refuse=False)
        officers = Officers(platform)
        # a result goes by post only once its fee is collected
        collect_fee(platform, officers.actor("motcua.minhxuan"), granted)
        with platform.uow() as uow:
            order = request_postal_order(
                uow, actor=officers.actor("motcua.minhxuan"), code=granted, kind="delivery",
                name=ORDER["name"], address=ORDER["address"], phone=ORDER["phone"])
        inbox = officers.inbox("motcua.minhxuan")
        steps = {t["dossier"]: t["id"] for t in inbox}
    finally:
        platform.dispose()
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "motcua.minhxuan")
        page.goto(f"{server}/can-bo/cong-viec/{steps[refused]}")
        text = page.inner_text("main")
        assert "Chưa thu lệ phí" not in text and "Đính kèm kết quả điện tử" not in text
        _fits(page, "handover-refused", width, shots, problems)
        page.goto(f"{server}/can-bo/ho-so/{refused}")
        assert "không thu" in page.inner_text("#fee")
        _fits(page, "dossier-refused", width, shots, problems)
        page.goto(f"{server}/can-bo/cong-viec/{steps[granted]}")
        assert order["reference"] in page.inner_text("#postal-order")
        assert page.is_checked("input[value=buu_chinh]")
        _fits(page, "handover-postal", width, shots, problems)
        page.check("input[value=truc_tiep]")
        page.click("form.generated button[type=submit] >> text=Hoàn thành bước")
        # The script asks first, then the form is posted: the new page, loaded.
        expect(page.locator("#postal-confirm")).to_contain_text("vẫn đang thực hiện")
        page.wait_for_load_state("load")
        _fits(page, "handover-postal-confirm", width, shots, problems)
        context.close()
    assert problems == {}


def test_the_citizens_refused_dossier_says_no_fee_and_fits(
    browser: Any, server: str, server_database: str, shots: Path,
) -> None:
    platform = Platform(server_database)
    try:
        officers = Officers(platform)
        with platform.uow() as uow:
            code = str(submit_dossier(uow, actor=officers.actor("congdan"), procedure_code=PERMIT,
                                      agency_code=MINH_XUAN, data=permit_data())["code"])
        officers.complete("motcua.minhxuan", "tiep_nhan", {"ket_qua_kiem_tra": "tiep_nhan"})
        officers.complete("chuyenvien.minhxuan", "tham_dinh", {
            "de_xuat": "tu_choi", "y_kien_tham_dinh": "Không phù hợp quy hoạch."})
        officers.complete("lanhdao.minhxuan", "phe_duyet", {
            "quyet_dinh": "tu_choi", "ly_do_tu_choi": "Công trình vượt chỉ giới xây dựng."})
        officers.complete("motcua.minhxuan", "tra_van_ban_tu_choi", {"hinh_thuc_tra": "truc_tiep"})
    finally:
        platform.dispose()
    problems: dict[str, Any] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "congdan")
        page.goto(f"{server}/ca-nhan/ho-so/{code}")
        fee = page.inner_text("#fee")
        assert "không thu" in fee and "nộp khi" not in fee
        _fits(page, "citizen-refused", width, shots, problems)
        context.close()
    assert problems == {}
