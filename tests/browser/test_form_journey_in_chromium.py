"""The building permit's form as a journey in Chromium, on a 390 px phone, with the
keyboard only (Tab, Shift+Tab, Space, Enter, arrows and typing; never a click): log in,
the start page, "Bắt đầu", each section (one with errors, reached from the summary), the
papers through the file chooser the keyboard opens, the check page with "Sửa" and back,
then the receipt. Every page: axe-core finds nothing against WCAG 2.2 A/AA, and the
document is no wider than the viewport at 390 and 1280 px. Screenshots go to
/tmp/shots17b/ (and the usual artefacts folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import AXE, copy_screenshot

PASSWORD = "motcua-demo-2026"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
SHOTS = Path("/tmp/shots17b")  # noqa: S108 - where the issue asks for them, beside the artefacts
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def _wcag_violations(page: Any) -> list[dict[str, Any]]:
    """Every axe-core violation of a WCAG 2.2 A or AA rule, whatever its impact."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", WCAG)
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]]


def _wider_than_viewport(page: Any) -> int:
    """How many pixels the document is wider than the viewport (0 when it fits)."""
    return int(page.evaluate(
        "Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"))


def _overflowing(page: Any) -> list[str]:
    """The elements reaching past the viewport's right edge (to say what to fix)."""
    return list(page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 0.5).slice(0, 8).map(e => e.tagName + '.' + e.className + '#'"
        " + e.id + ' ' + Math.round(e.getBoundingClientRect().right))"))


class Journey:
    """One phone, its screenshots, and the checks every page passes."""

    def __init__(self, page: Any, artefacts: Path) -> None:
        self.page = page
        self.artefacts = artefacts
        self.count = 0

    def looked_at(self, name: str) -> None:
        """Screenshot at 390 px (and 1280 px), axe-core clean, no sideways scroll."""
        page = self.page
        page.wait_for_load_state("load")
        self.count += 1
        for size, suffix in ((DESKTOP, "-1280"), (PHONE, "")):
            page.set_viewport_size(size)
            assert _wider_than_viewport(page) == 0, (name, size, _overflowing(page))
            shot = f"{self.count:02d}-{name}{suffix}.png"
            page.screenshot(path=str(SHOTS / shot), full_page=True)
            copy_screenshot(SHOTS / shot, self.artefacts)
        assert _wcag_violations(page) == [], name

    def tab_to(self, selector: str, key: str = "Tab", limit: int = 120) -> None:
        """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
        for _ in range(limit):
            if self.page.evaluate("s => !!document.activeElement && document.activeElement"
                                  ".matches(s)", selector):
                return
            self.page.keyboard.press(key)
        raise AssertionError(f"Tab never reached {selector}")

    def type_into(self, selector: str, text: str) -> None:
        """Tab to a field, empty it and type."""
        self.tab_to(selector)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def press_and_wait(self, selector: str, then: str) -> None:
        """Tab to a button or link, press Enter, wait for the next page's `then`."""
        self.tab_to(selector)
        self.page.keyboard.press("Enter")
        self.page.wait_for_selector(then)
        self.page.wait_for_load_state("load")


def _papers(tmp_path: Path) -> dict[str, Path]:
    names = {"paper-0-file": "don-de-nghi.pdf", "paper-1-file": "giay-chung-nhan-dat.pdf",
             "paper-2-file": "ban-ve.pdf"}
    files = {}
    for slot, name in names.items():
        files[slot] = tmp_path / name
        files[slot].write_bytes(PDF + name.encode())
    return files


def test_the_permit_journey_on_a_phone_with_the_keyboard_only(
    browser: Any, server: str, shots: Path, tmp_path: Path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    files = _papers(tmp_path)
    context = browser.new_context(locale="vi-VN", viewport=PHONE, bypass_csp=True,
                                  has_touch=False)
    page = context.new_page()
    page.on("filechooser", lambda chooser: chooser.set_files(
        files[chooser.element.get_attribute("id")]))
    trip = Journey(page, shots)

    page.goto(f"{server}/dang-nhap?next=/thu-tuc/1.009994")
    trip.type_into("#username", "congdan")
    trip.type_into("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#start-journey")
    text = page.inner_text("main")
    assert "75.000 đồng" in text and "15 ngày làm việc" in text and "Bắt đầu" in text
    trip.looked_at("start")

    trip.press_and_wait("#start-journey", "#f-dia_chi_lien_he")
    assert page.inner_text("#step-progress") == "Bước 1/7"
    assert page.input_value("#f-so_dinh_danh") == "008090001234"  # from the account
    trip.looked_at("step-1")
    trip.type_into("#f-email", "an@")
    trip.type_into("#f-dia_chi_lien_he", "Tổ 5, phường Minh Xuân")
    trip.tab_to("#f-uy_quyen-0")
    page.keyboard.press("Space")  # "Có": the proxy's name appears, the next stop
    trip.type_into("#f-nguoi_nop_thay", "Nguyễn Văn Bình")
    trip.press_and_wait("#next-step", "#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn" in page.inner_text("#error-summary")
    assert page.input_value("#f-nguoi_nop_thay") == "Nguyễn Văn Bình"  # kept
    trip.looked_at("step-1-errors")
    page.keyboard.press("Tab")  # into the summary: its link leads to the field
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#f-email"
    trip.type_into("#f-email", "an@example.vn")
    page.keyboard.press("Enter")  # Enter in a field goes on, as "Tiếp tục" does
    page.wait_for_selector("#f-lo_dat-dia_chi")

    assert page.inner_text("#step-progress") == "Bước 2/7"
    trip.looked_at("step-2")
    trip.type_into("#f-lo_dat-dia_chi", "Số 12 đường Bình Thuận")
    trip.type_into("#f-lo_dat-dien_tich", "120,5")
    trip.press_and_wait("#next-step", "#f-cong_trinh-so_tang")

    trip.looked_at("step-3")
    trip.tab_to("#f-cong_trinh-loai_cong_trinh-0")
    page.keyboard.press("Space")
    trip.type_into("#f-cong_trinh-dien_tich_xay_dung", "80")
    trip.type_into("#f-cong_trinh-so_tang", "3")
    trip.type_into("#f-cong_trinh-chieu_cao", "12,5")
    trip.press_and_wait("#next-step", "#f-don_vi_thiet_ke-0-ten")

    trip.looked_at("step-4")
    trip.type_into("#f-don_vi_thiet_ke-0-ten", "Công ty TNHH Thiết kế Sông Lô")
    trip.press_and_wait("#next-step", "#f-ngay_khoi_cong")

    trip.looked_at("step-5")
    trip.type_into("#f-ngay_khoi_cong", "15/01/2027")
    trip.tab_to("#f-cam_ket")
    page.keyboard.press("Space")
    trip.press_and_wait("#next-step", "#paper-0-file")

    trip.looked_at("step-6-papers")
    for slot in ("paper-0-file", "paper-1-file", "paper-2-file"):
        trip.tab_to(f"#{slot}")
        page.keyboard.press("Space")  # the file chooser, answered by the listener
        for _ in range(100):  # polled by hand: the page's CSP forbids wait_for_function
            if page.evaluate("id => document.getElementById(id).files.length", slot) == 1:
                break
            page.wait_for_timeout(100)
    trip.press_and_wait("#next-step", "#submit-dossier")

    check = page.inner_text("main")
    for shown in ("Bước 7/7", "Nguyễn Văn Bình", "120,5", "12,5", "15/01/2027",
                  "Nhà ở riêng lẻ tại đô thị", "ban-ve.pdf"):
        assert shown in check, shown
    assert "2027-01-15" not in check and "120.5" not in check
    trip.looked_at("check")
    trip.tab_to("a[href*='/buoc/2'][href*='quay_lai=1']")  # "Sửa" beside the land's area
    page.keyboard.press("Enter")
    page.wait_for_selector("#f-lo_dat-dien_tich")
    assert page.input_value("#f-lo_dat-dien_tich") == "120,5"
    trip.type_into("#f-lo_dat-dien_tich", "1.130,5")
    trip.press_and_wait("#next-step", "#submit-dossier")
    assert "1.130,5" in page.inner_text("main")

    trip.press_and_wait("#submit-dossier", "#dossier-code")
    assert page.inner_text("#dossier-code").strip().startswith("000.00.12.H64-")
    trip.looked_at("receipt")
    context.close()


def test_a_one_page_form_fits_a_phone_and_a_desktop_with_its_errors(
    browser: Any, server: str, shots: Path
) -> None:
    """The extract's form (no groups: one page) under its procedure's facts, empty and
    then with every error shown: no sideways scroll, axe-core clean."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="vi-VN", viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    trip = Journey(page, shots)
    trip.count = 20
    page.goto(f"{server}/thu-tuc/2.000635")
    page.wait_for_selector("#submit-dossier")
    trip.looked_at("one-page-form")
    trip.type_into("#f-so_dinh_danh", "0081 9000")
    trip.press_and_wait("#submit-dossier", "#error-summary")
    summary = page.inner_text("#error-summary")
    assert "Số định danh cá nhân gồm 12 chữ số." in summary
    assert "Vui lòng chọn «Loại trích lục»." in summary  # a choice: "chọn"
    assert summary.index("Họ, chữ đệm, tên") < summary.index("Số định danh") < summary.index(
        "Loại trích lục")  # in page order
    trip.looked_at("one-page-form-errors")
    context.close()
