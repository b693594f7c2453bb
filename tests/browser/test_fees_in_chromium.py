"""The fee pages in Chromium at 390 and 1280 px (walk report h5, findings 1, 7, 8, 13, 19): the
desk's «Chờ nộp phí» list with «Thu phí tiền mặt», the dossier page's cash form, the
hand-over step saying «Chưa thu lệ phí …», the test bank page, the citizen's page saying
how the fee was paid, the extract's fee per copy — nothing scrolls sideways and axe-core
finds no WCAG 2.2 A/AA violation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.test_citizen_pages_layout_in_chromium import _axe, _context, _login, _overflow
from tests.helpers import DEMO_PASSWORD, EXTRACT, MINH_XUAN, PERMIT, permit_data

WIDTHS = (390, 1280)


class Api:
    """One account's API calls in a browser context (the session cookie and CSRF header)."""

    def __init__(self, browser: Any, server: str, username: str) -> None:
        self.context = browser.new_context()
        self.server = server
        signed = self.context.request.post(f"{server}/api/v1/session", data={
            "username": username, "password": DEMO_PASSWORD})
        assert signed.status == 201, signed.text()
        self.headers = {"X-CSRF-Token": signed.json()["csrf_token"]}

    def post(self, path: str, data: dict[str, Any]) -> Any:
        answer = self.context.request.post(f"{self.server}{path}", data=data, headers=self.headers)
        assert answer.status in (200, 201), answer.text()
        return answer.json()

    def complete(self, code: str, data: dict[str, Any]) -> None:
        tasks = self.context.request.get(f"{self.server}/api/v1/tasks").json()["tasks"]
        [task] = [t for t in tasks if t["dossier"] == code]
        self.post(f"/api/v1/tasks/{task['id']}/complete", {"data": data})


def _dossiers(browser: Any, server: str) -> dict[str, str]:
    citizen = Api(browser, server, "congdan")
    desk, specialist = Api(browser, server, "motcua.minhxuan"), Api(browser, server, "chuyenvien.minhxuan")
    codes = {name: str(citizen.post("/api/v1/dossiers", {
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()})["code"])
        for name in ("cash", "online", "handover")}
    for code in codes.values():
        desk.complete(code, {"ket_qua_kiem_tra": "tiep_nhan"})
    for name in ("cash", "online"):
        specialist.post(f"/api/v1/dossiers/{codes[name]}/request-payment", {})
    specialist.complete(codes["handover"], {"de_xuat": "cap_phep",
                                            "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    Api(browser, server, "lanhdao.minhxuan").complete(
        codes["handover"], {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    extract = {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": "008090001234", "dien_thoai": "0987654321",
               "loai_trich_luc": "khai_sinh", "nguoi_duoc_cap": "Nguyễn Minh Khôi",
               "quan_he": "cha_me", "so_luong_ban_sao": 2}
    codes["extract"] = str(citizen.post("/api/v1/dossiers", {
        "procedure": EXTRACT, "agency": MINH_XUAN, "data": extract})["code"])
    for api in (citizen, desk, specialist):
        api.context.close()
    return codes


def _check(page: Any, shots: Path, name: str, width: int) -> None:
    page.wait_for_load_state("load")
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    assert _overflow(page) == 0, (name, width)
    assert _axe(page) == [], (name, width)


def test_the_fee_pages_fit_a_phone_and_a_desk(browser: Any, server: str, shots: Path) -> None:
    codes = _dossiers(browser, server)
    for width in WIDTHS:
        context = _context(browser, width)
        page = context.new_page()
        _login(page, server, "motcua.minhxuan")
        page.goto(f"{server}/can-bo/ho-so?status=6")
        assert page.get_by_role("link", name=f"Thu phí tiền mặt hồ sơ {codes['cash']}").count() == 1
        _check(page, shots, "desk-list-waiting-fee", width)
        page.goto(f"{server}/can-bo/ho-so/{codes['cash']}")
        assert "chờ nộp 75.000 đồng" in page.locator("#fee").inner_text()
        _check(page, shots, "desk-dossier-cash-form", width)
        if width == WIDTHS[-1]:
            page.get_by_role("button", name="Ghi nhận đã thu và cấp biên lai").click()
            page.wait_for_load_state("load")
            assert "Đã thu 75.000 đồng" in page.content()
            _check(page, shots, "desk-dossier-cash-taken", width)
        tasks = page.request.get(f"{server}/api/v1/tasks").json()["tasks"]
        [task] = [t for t in tasks if t["dossier"] == codes["handover"]]
        page.goto(f"{server}/can-bo/cong-viec/{task['id']}")
        assert "Chưa thu lệ phí 75.000 đồng" in page.locator("#unpaid-fee").inner_text()
        _check(page, shots, "desk-handover-unpaid", width)
        # Handing the result over before the fee is collected is refused, on the same page.
        page.check("input[value=truc_tiep]")
        page.get_by_role("button", name="Hoàn thành bước").click()
        expect(page.locator("main")).to_contain_text("Chưa trả kết quả được")
        _check(page, shots, "desk-handover-refused-unpaid", width)
        if width == WIDTHS[-1]:  # the cash is taken on the step's page, then it goes on
            page.get_by_role("button", name="Thu phí tiền mặt và cấp biên lai").click()
            expect(page.locator("main")).to_contain_text("Đã thu 75.000 đồng")
            expect(page.locator("#unpaid-fee")).to_have_count(0)
            _check(page, shots, "desk-handover-fee-taken", width)
        page.goto(f"{server}/can-bo/ho-so/{codes['extract']}")
        assert "8.000 đồng × 2 bản = 16.000 đồng" in page.locator("#fee").inner_text()
        context.close()

        context = _context(browser, width)
        page = context.new_page()
        _login(page, server, "congdan")
        page.goto(f"{server}/ca-nhan/ho-so/{codes['online']}")
        if width == WIDTHS[0]:
            page.get_by_role("button", name="Thanh toán trực tuyến").click()
            page.wait_for_load_state("load")
            assert re.search(r"/thanh-toan/gia-lap/", page.url) and "null" not in page.content()
            _check(page, shots, "test-bank", width)
            page.get_by_role("button", name="Xác nhận thanh toán").click()
            page.wait_for_load_state("load")
            page.goto(f"{server}/ca-nhan/ho-so/{codes['online']}")
        assert "trực tuyến qua cổng thanh toán thử nghiệm" in page.locator("#payment-1").inner_text()
        _check(page, shots, "citizen-paid-online", width)
        desk_view = _context(browser, width)
        receipt = desk_view.new_page()
        _login(receipt, server, "motcua.minhxuan")
        receipt.goto(f"{server}/api/v1/dossiers/{codes['online']}/documents/fee_receipt?format=html")
        printed = receipt.locator("body").inner_text()
        assert "Thu qua cổng thanh toán thử nghiệm của hệ thống, mã giao dịch" in printed
        assert "NGƯỜI THU TIỀN" not in printed and "Ký, ghi rõ họ tên" not in printed
        _check(receipt, shots, "receipt-paid-online", width)
        desk_view.close()
        page.goto(f"{server}/ca-nhan/ho-so/{codes['extract']}")
        assert "8.000 đồng × 2 bản = 16.000 đồng" in page.locator("#fee").inner_text()
        _check(page, shots, "citizen-extract-fee", width)
        context.close()
        context = _context(browser, width)
        page = context.new_page()
        page.goto(f"{server}/thu-tuc/{EXTRACT}")
        assert "8.000 đồng mỗi bản" in page.locator("body").inner_text()
        _check(page, shots, "procedure-extract-fee", width)
        context.close()
