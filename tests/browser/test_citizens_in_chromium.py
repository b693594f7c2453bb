"""Citizens in a real browser: search without diacritics, fill a form with a repeatable
group and a conditional field, see errors beside fields, attach papers (one refused),
submit, download the receipt, answer a supplement request, rate the result — and one form
done with the keyboard only. Officers act through the HTTP API meanwhile."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

PASSWORD = "motcua-demo-2026"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


class Api:
    """An officer calling the JSON API with a session cookie and its CSRF header."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""
        self.csrf = self.call("POST", "/session", {"username": username,
                                                   "password": PASSWORD})["csrf_token"]

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(  # noqa: S310 - our own test server
            f"{self.base}/api/v1{path}", method=method,
            data=json.dumps(body or {}).encode() if method != "GET" else None,
            headers={"Content-Type": "application/json", "X-CSRF-Token": self.csrf})
        with self.opener.open(request, timeout=20) as response:
            return json.loads(response.read() or b"null")

    def complete(self, code: str, data: dict[str, Any]) -> None:
        task = next(t for t in self.call("GET", "/tasks")["tasks"] if t["dossier"] == code)
        self.call("POST", f"/tasks/{task['id']}/complete", {"data": data})


def _page(browser: Any) -> Any:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    return context.new_page()


def _files(tmp_path: Path) -> dict[str, Path]:
    files = {"don": PDF + b"1", "so-do": PDF + b"2", "ban-ve": PDF + b"3",
             "ban-ve-ky": PDF + b"4", "anh-gia": b"GIF89a not a pdf at all"}
    paths = {}
    for name, content in files.items():
        paths[name] = tmp_path / f"{name}.pdf"
        paths[name].write_bytes(content)
    return paths


def test_a_citizen_searches_fills_submits_supplements_and_rates(
    browser: Any, server: str, shots: Path, tmp_path: Path
) -> None:
    files = _files(tmp_path)
    page = _page(browser)
    page.goto(f"{server}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill("congdan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{server}/ca-nhan")

    # Search without diacritics.
    page.get_by_role("link", name="Thủ tục hành chính").click()
    page.get_by_label("Tìm thủ tục (tên, mã, lĩnh vực, cơ quan)").fill("giay phep xay dung")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url(re.compile(r"[?&]q=giay\+phep\+xay\+dung"))  # the results' page, whole
    results = page.locator("#procedures > li")
    assert results.count() >= 1
    assert all("giấy phép xây dựng" in r.lower() for r in results.all_inner_texts())
    page.screenshot(path=str(shots / "1-search.png"), full_page=True)
    results.first.get_by_role("link").click()
    # The permit's form is in sections (test_form_journey_in_chromium.py walks them); this
    # citizen fills it whole on one page.
    page.get_by_role("link", name="Điền trên một trang").click()
    page.wait_for_load_state("load")  # forms.js is deferred: it has run by the load event

    # The account's facts are filled in; the conditional field waits for its condition.
    assert page.locator("#f-so_dinh_danh").input_value() == "008090001234"
    assert page.locator("#f-dien_thoai").input_value() == "0912345678"
    assert page.locator("#f-nguoi_nop_thay").is_hidden()
    page.check("#f-uy_quyen-0")  # "Nộp thay chủ đầu tư …": Có
    assert page.locator("#f-nguoi_nop_thay").is_visible()
    page.fill("#f-nguoi_nop_thay", "Nguyễn Văn Bình")
    page.fill("#f-dia_chi_lien_he", "Tổ 5, phường Minh Xuân")
    page.fill("#f-lo_dat-dia_chi", "Số 12 đường Bình Thuận")
    page.fill("#f-lo_dat-dien_tich", "120,5")
    page.check("#f-cong_trinh-loai_cong_trinh-0")
    page.fill("#f-cong_trinh-dien_tich_xay_dung", "80")
    page.fill("#f-cong_trinh-so_tang", "3")
    # The height is left out on purpose; the repeatable group gets a second row.
    page.fill("#f-don_vi_thiet_ke-0-ten", "Công ty TNHH Thiết kế Sông Lô")
    page.get_by_role("button", name="Thêm «Tổ chức, cá nhân thiết kế»").click()
    page.fill("#f-don_vi_thiet_ke-1-ten", "Kỹ sư Trần Văn Cường")
    page.fill("#f-don_vi_thiet_ke-1-chung_chi", "TUQ-00456")
    assert page.locator("#f-nguoi_nop_thay").input_value() == "Nguyễn Văn Bình"  # kept
    page.check("#f-cam_ket")
    page.set_input_files("#paper-0-file", files["don"])
    page.set_input_files("#paper-1-file", files["anh-gia"])  # not what its name says
    page.get_by_role("button", name="Nộp hồ sơ").click()

    # Errors beside their fields, listed at the top, and the refused file named.
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    # forms.js moves the focus there once the page has loaded: wait for it, not for luck
    # (a locator wait: Playwright polls wait_for_function with eval, which the CSP refuses
    # whenever the focus is not there at the first look).
    expect(summary).to_be_focused(timeout=5000)
    height_error = page.locator("#f-cong_trinh-chieu_cao-error")
    assert height_error.inner_text() == "Vui lòng nhập «Chiều cao công trình (m)»."
    assert page.locator("#f-cong_trinh-chieu_cao").get_attribute("aria-describedby") == (
        "f-cong_trinh-chieu_cao-error")
    assert "Nội dung tệp không phải loại được chấp nhận" in page.locator("#paper-1-error").inner_text()
    assert "Đã đính kèm: don.pdf" in page.locator("#paper-0").inner_text()
    assert page.locator("#f-don_vi_thiet_ke-1-ten").input_value() == "Kỹ sư Trần Văn Cường"
    page.screenshot(path=str(shots / "2-errors.png"), full_page=True)

    page.fill("#f-cong_trinh-chieu_cao", "12,5")
    page.set_input_files("#paper-1-file", files["so-do"])
    page.set_input_files("#paper-2-file", files["ban-ve"])
    page.get_by_role("button", name="Nộp hồ sơ").click()
    code = page.locator("#dossier-code").inner_text().strip()
    page.screenshot(path=str(shots / "3-receipt.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("#receipt-pdf").click()
    receipt = Path(download.value.path())
    assert receipt.read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename == f"bien-nhan-{code}.pdf"

    # The desk asks for a supplement; the citizen answers it from "my dossiers".
    desk = Api(server, "motcua.minhxuan")
    desk.call("POST", f"/dossiers/{code}/request-supplement",
              {"missing": ["Bản vẽ có chữ ký của đơn vị thiết kế"]})
    page.get_by_role("navigation").get_by_role("link", name="Hồ sơ của tôi").click()
    page.get_by_role("link", name=code).click()
    assert "Bản vẽ có chữ ký của đơn vị thiết kế" in page.locator("#missing").inner_text()
    page.get_by_role("link", name="Bổ sung hồ sơ").click()
    page.set_input_files("#paper-2-file", files["ban-ve-ky"])
    page.screenshot(path=str(shots / "4-supplement.png"), full_page=True)
    page.get_by_role("button", name="Gửi bổ sung").click()
    expect(page.locator("#status")).to_have_text("Mới đăng ký", use_inner_text=True)
    expect(page.locator("#files")).to_contain_text("ban-ve-ky.pdf")
    expect(page.locator("#files")).to_contain_text("Đã thay bằng tệp mới")  # history kept
    # Each usual file name on one line (it wrapped mid-word: «don.p|df», «banve|.pdf»).
    lines = page.locator("#files td.file-name a").evaluate_all(
        "links => links.map(a => a.getClientRects().length)")
    assert lines and set(lines) == {1}, lines
    page.locator("#files").screenshot(path=str(shots / "4-files.png"))

    # The agency decides; the citizen gets the result and rates the service.
    desk.complete(code, {"ket_qua_kiem_tra": "tiep_nhan"})
    Api(server, "chuyenvien.minhxuan").complete(
        code, {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    Api(server, "lanhdao.minhxuan").complete(
        code, {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    page.reload()
    assert page.locator("#status").inner_text() == "Đã xử lý xong"
    page.check("#level-1")  # the lowest level, without a reason
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator(".flash.error")).to_contain_text("Vui lòng cho biết lý do «Chưa hài lòng»")
    page.check("#level-3")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator("#rating")).to_contain_text("Rất hài lòng")
    page.screenshot(path=str(shots / "5-rated.png"), full_page=True)


def _tab_to(page: Any, element_id: str, limit: int = 80, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until the element has the focus, as a person would."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press(key)
    raise AssertionError(f"Tab never reached #{element_id}")


def test_the_extract_form_with_the_keyboard_only(
    browser: Any, server: str, shots: Path, tmp_path: Path
) -> None:
    form_file = tmp_path / "to-khai.pdf"
    form_file.write_bytes(PDF)
    page = _page(browser)
    # The chooser the keyboard opens gets the file (listening from the start: the browser
    # is told to hand choosers to us before any key is pressed).
    page.on("filechooser", lambda chooser: chooser.set_files(form_file))
    page.goto(f"{server}/thu-tuc/2.000635")  # offered by two communes: the first is chosen
    _tab_to(page, "f-ho_ten")
    page.keyboard.type("Trần Thị Lan")
    _tab_to(page, "f-so_dinh_danh")
    page.keyboard.type("008190007777")
    _tab_to(page, "f-dien_thoai")
    page.keyboard.type("0987001122")
    _tab_to(page, "f-loai_trich_luc")
    page.keyboard.press("ArrowDown")  # the first kind of extract
    _tab_to(page, "f-nguoi_duoc_cap")
    page.keyboard.type("Trần Văn Minh")
    _tab_to(page, "f-quan_he-0")  # radios: Tab reaches the group, arrows choose within it
    for _ in range(5):
        page.keyboard.press("ArrowDown")  # … down to "Khác"
    assert page.is_checked("#f-quan_he-5")
    # "Khác" shows the field asking which relation; it is the next stop.
    _tab_to(page, "f-quan_he_khac")
    page.keyboard.type("Cháu ruột")
    _tab_to(page, "f-so_luong_ban_sao")
    page.keyboard.type("0")  # out of bounds on purpose
    # Online, the declaration (paper 0) is the form itself (asked only at the counter or by
    # post): the first paper offered is the letter of authorisation, which keeps its number.
    assert page.locator("#paper-0-file").count() == 0
    _tab_to(page, "paper-1-file")
    page.keyboard.press("Space")
    # Polled by hand, not wait_for_function: Playwright polls that with eval, which the
    # Content-Security-Policy forbids.
    for _ in range(100):
        if page.evaluate("document.getElementById('paper-1-file').files.length") == 1:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.getElementById('paper-1-file').files.length") == 1
    _tab_to(page, "f-so_luong_ban_sao", key="Shift+Tab")
    page.keyboard.press("Enter")  # Enter in a field saves the draft (never removes a row)
    page.wait_for_selector("#draft-saved")
    _tab_to(page, "submit-dossier")
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.screenshot(path=str(shots / "1-keyboard-errors.png"), full_page=True)
    page.keyboard.press("Tab")  # into the summary: its link leads to the field
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#f-so_luong_ban_sao"
    _tab_to(page, "f-so_luong_ban_sao")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    _tab_to(page, "submit-dossier")
    page.keyboard.press("Enter")
    page.wait_for_selector("#dossier-code")
    page.screenshot(path=str(shots / "2-keyboard-receipt.png"), full_page=True)
