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


# Each paper's file input's label, beside the paper's own name: (label's text, the name
# without its required mark, the label's scrollWidth and clientWidth, the words of the
# label drawn over two lines, i.e. broken inside the word).
_FILE_LABELS = """[...document.querySelectorAll('.paper')].map(p => {
  const label = p.querySelector('label[for$="-file"]'), name = p.querySelector('.paper-name');
  const whole = name.cloneNode(true);
  whole.querySelectorAll('.required, .sr-only').forEach(e => e.remove());
  const broken = [], text = label.firstChild, range = document.createRange();
  for (const word of text.data.matchAll(/\\S+/g)) {
    range.setStart(text, word.index);
    range.setEnd(text, word.index + word[0].length);
    if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1)
      broken.push(word[0]);
  }
  return [label.innerText, whole.innerText.trim(), label.scrollWidth, label.clientWidth,
          broken];
})"""


def _file_labels_whole(page: Any, width: int) -> None:
    """Every file input's label says its paper's whole name (the building permit's papers
    are long: the label was cut mid-word with «…», «Nghị định» read «Ng…») and nothing of
    it is clipped sideways nor broken inside a word."""
    labels = page.evaluate(_FILE_LABELS)
    assert len(labels) >= 4, labels
    for text, name, scroll_width, client_width, broken in labels:
        assert name in text and "…" not in text, (width, text, name)
        assert scroll_width <= client_width, (width, text, scroll_width, client_width)
        assert broken == [], (width, text, broken)


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
        _file_labels_whole(page, width)
        page.goto(f"{server}/ca-nhan")
        page.locator("#my-drafts summary").first.click()
        expect(page.get_by_role("button", name="Xóa hẳn bản nháp này").first).to_be_visible()
        _fits(page, shots, "my-area-drafts", width)
        page.get_by_role("link", name="Tiếp tục soạn hồ sơ").first.click()  # one click back
        page.wait_for_url(f"**/thu-tuc/{PERMIT}/buoc/1?nhap={key}")
        page.goto(f"{server}/ca-nhan/ho-so/{code}")
        expect(page.get_by_role("button", name="Nộp lại hồ sơ (dùng lại thông tin đã khai)")
               ).to_be_visible()
        expect(page.locator("#ask-delivery")).to_have_count(0)
        _fits(page, shots, "refused-dossier", width)
        context.close()
