"""The citizen's pages changed for the account frictions fit a phone and a desk and pass
axe: the login and sign-up pages, «Hồ sơ của tôi» with a draft and its «Xóa bản nháp»
opened, a refused dossier with «Nộp lại hồ sơ», the papers' page with an empty data store,
and the civil-status extract's form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.test_citizen_pages_layout_in_chromium import _axe, _context, _login, _overflow
from tests.browser.test_fees_in_chromium import Api
from tests.helpers import EXTRACT, MINH_XUAN, PERMIT, permit_data


def _refused(browser: Any, server: str) -> str:
    citizen = Api(browser, server, "congdan")
    code = str(citizen.post("/api/v1/dossiers", {
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()})["code"])
    Api(browser, server, "motcua.minhxuan").complete(code, {"ket_qua_kiem_tra": "tiep_nhan"})
    Api(browser, server, "chuyenvien.minhxuan").complete(
        code, {"de_xuat": "tu_choi", "y_kien_tham_dinh": "Vượt chỉ giới xây dựng."})
    Api(browser, server, "lanhdao.minhxuan").complete(
        code, {"quyet_dinh": "tu_choi", "ly_do_tu_choi": "Vượt chỉ giới xây dựng."})
    return code


def _fits(page: Any, shots: Path, name: str, width: int) -> None:
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    assert _overflow(page) == 0, (name, width)
    assert _axe(page) == [], (name, width)


def test_the_citizens_account_pages_fit_and_pass_axe(browser: Any, server: str,
                                                      shots: Path) -> None:
    code = _refused(browser, server)
    for width in (390, 1280):
        context = _context(browser, width)
        page = context.new_page()
        page.goto(f"{server}/dang-nhap")
        expect(page.get_by_label("Số định danh cá nhân hoặc tên đăng nhập")).to_be_visible()
        _fits(page, shots, "login", width)
        page.goto(f"{server}/dang-ky")
        expect(page.locator("input[type=password]")).to_have_count(2)
        _fits(page, shots, "register", width)
        page.goto(f"{server}/thu-tuc/{EXTRACT}?mot_trang=1")
        expect(page.locator("main")).to_contain_text("Người mà trích lục ghi tên")
        _fits(page, shots, "extract-form", width)
        _login(page, server, "congdan")
        page.goto(f"{server}/thu-tuc/{PERMIT}?agency={MINH_XUAN}")
        page.get_by_role("button", name="Bắt đầu").first.click()
        page.wait_for_url("**/buoc/**")
        key = page.url.split("nhap=")[1].split("&")[0]
        page.goto(f"{server}/thu-tuc/{PERMIT}/buoc/6?nhap={key}")
        expect(page.locator("#papers-how")).to_contain_text("chưa có giấy tờ nào")
        _fits(page, shots, "papers-empty-store", width)
        page.goto(f"{server}/ca-nhan")
        page.locator("#my-drafts summary").first.click()
        expect(page.get_by_role("button", name="Xóa hẳn bản nháp này").first).to_be_visible()
        _fits(page, shots, "my-area-drafts", width)
        page.goto(f"{server}/ca-nhan/ho-so/{code}")
        expect(page.get_by_role("button", name="Nộp lại hồ sơ (dùng lại thông tin đã khai)")
               ).to_be_visible()
        expect(page.locator("#ask-delivery")).to_have_count(0)
        _fits(page, shots, "refused-dossier", width)
        context.close()
