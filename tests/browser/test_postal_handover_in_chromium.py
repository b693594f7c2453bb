"""A result handed back by post, in Chromium at 390 and 1280 px: the hand-over step says the
carrier's delivery completes it; another way, confirmed, cancels the applicant's order and
the inbox says so; the applicant's page shows the order «Đã hủy». No sideways scroll,
axe-core WCAG 2.2 A/AA clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from engine.dossiers import request_postal_order, submit_dossier
from engine.wiring import Platform
from tests.browser.test_agencies_accounts_in_chromium import _login
from tests.browser.test_announcements_in_chromium import _fits
from tests.functional.test_post_connector import ORDER
from tests.helpers import MINH_XUAN, PERMIT, Officers, collect_fee, permit_data

WIDTHS = (390, 1280)


def _ordered_and_granted(platform: Platform) -> tuple[str, str]:
    """The citizen's dossier, its result ordered by post, at the hand-over: code, order."""
    officers = Officers(platform)
    citizen = officers.actor("congdan")
    with platform.uow() as uow:
        code = str(submit_dossier(uow, actor=citizen, procedure_code=PERMIT, agency_code=MINH_XUAN,
                                  data=permit_data())["code"])
    with platform.uow() as uow:
        reference = str(request_postal_order(
            uow, actor=citizen, code=code, kind="delivery", name=ORDER["name"],
            address=ORDER["address"], phone=ORDER["phone"])["reference"])
    officers.complete("motcua.minhxuan", "tiep_nhan", {"ket_qua_kiem_tra": "tiep_nhan"})
    officers.complete("chuyenvien.minhxuan", "tham_dinh", {
        "de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    officers.complete("lanhdao.minhxuan", "phe_duyet", {
        "quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    collect_fee(platform, officers.actor("motcua.minhxuan"), code)  # the hand-over waits for it
    return code, reference


def test_the_hand_over_by_post_and_its_cancellation_fit_and_pass_axe(
    browser: Any, server: str, server_database: str, shots: Path,
) -> None:
    platform = Platform(server_database)
    try:
        dossiers = {width: _ordered_and_granted(platform) for width in WIDTHS}
        steps = {t["dossier"]: t["id"] for t in Officers(platform).inbox("motcua.minhxuan")}
    finally:
        platform.dispose()
    problems: dict[str, Any] = {}
    for width, (code, reference) in dossiers.items():
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "motcua.minhxuan")
        page.goto(f"{server}/can-bo/cong-viec/{steps[code]}")
        expect(page.locator("#postal-order")).to_contain_text("bước này tự hoàn thành")
        _fits(page, "postal-handover-step", width, shots, problems)
        page.check("input[value=truc_tiep]")
        page.click("form.generated button[type=submit] >> text=Hoàn thành bước")
        expect(page.locator("#postal-confirm")).to_contain_text("đơn chuyển phát được hủy")
        page.wait_for_load_state("load")  # the page's confirming script is attached
        page.check("input[name=xac_nhan_khong_buu_dien]")
        page.click("form.generated button[type=submit] >> text=Hoàn thành bước")
        page.get_by_role("dialog").get_by_role("button", name="Xác nhận hoàn thành bước").click()
        expect(page.locator("main")).to_contain_text(
            f"Đơn chuyển phát kết quả {reference} đã được hủy")
        _fits(page, "postal-handover-cancelled-inbox", width, shots, problems)
        context.close()
        context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        _login(page, server, "congdan")
        page.goto(f"{server}/ca-nhan/ho-so/{code}")
        expect(page.locator("#postal")).to_contain_text("Đã hủy")
        expect(page.locator("#result-by-post")).to_have_count(0)
        _fits(page, "postal-handover-cancelled-citizen", width, shots, problems)
        context.close()
    assert problems == {}
