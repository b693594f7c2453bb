"""The task page as an appraisal desk, in Chromium: a citizen attaches two PDFs (and a
photo); the specialist sees each PDF drawn by pdf.js in the page and writes a multi-line
opinion; the leader reads it beside the papers and approves, asked for the permit number
only once the decision is made; the desk's return step shows the permit number. The page
fits a 390 px phone, and axe-core finds nothing serious."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import segno
from fpdf import FPDF
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_citizens_in_chromium import Api

PASSWORD = "motcua-demo-2026"
OPINION = ["Phù hợp quy hoạch chi tiết tỷ lệ 1/500.", "Mật độ xây dựng 66%, đạt.",
           "Đề nghị cấp giấy phép."]


def _pdf(title: str, pages: int) -> bytes:
    document = FPDF()
    document.set_font("helvetica", size=18)
    for number in range(1, pages + 1):
        document.add_page()
        document.cell(0, 12, f"{title} - page {number}")
        document.rect(20, 40, 170, 120)
        document.line(20, 40, 190, 160)
    return bytes(document.output())


def _files(folder: Path) -> dict[str, Path]:
    photo = io.BytesIO()
    segno.make("so-do-thua-dat-215").save(photo, kind="png", scale=6)
    contents = {"don-de-nghi.pdf": _pdf("Don de nghi cap phep", 1),
                "so-do.png": photo.getvalue(),
                "ban-ve-thiet-ke.pdf": _pdf("Ban ve mat bang", 2)}
    paths = {}
    for name, content in contents.items():
        paths[name] = folder / name
        paths[name].write_bytes(content)
    return paths


def _login(browser: Any, base: str, username: str, landing: str) -> Any:
    page = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}{landing}")
    return page


def _open_task(page: Any, code: str, step: str) -> None:
    page.get_by_role("link", name="Hộp công việc").click()
    page.locator("tr", has_text=step).filter(has_text=code).get_by_role("link", name=code).click()
    page.wait_for_selector("#form-top")
    page.wait_for_load_state("load")


def _pdfs_drawn(page: Any) -> list[list[dict[str, float]]]:
    """Each PDF box's canvases with their drawn size, once pdf.js has finished them all."""
    boxes = page.locator(".pdf-pages").count()
    expect(page.locator(".pdf-pages[data-drawn]")).to_have_count(boxes, timeout=30_000)
    return page.evaluate("""[...document.querySelectorAll('.pdf-pages')].map(box =>
        [...box.querySelectorAll('canvas')].map(c => {
          const r = c.getBoundingClientRect(); return {width: r.width, height: r.height};
        }))""")


def _shoot(page: Any, shots: Path, name: str) -> None:
    """A full-page screenshot at 1280 and at 390 px (kept with the
    artefacts, tests/artifacts/); the 390 px page must not scroll sideways."""
    page.evaluate("window.scrollTo(0, 0)")  # the papers column sticks where the view is
    page.screenshot(path=str(shots / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)  # layout settles; the PDFs keep their drawn pixels
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(shots / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 390, f"{name}: the page is {width} px wide at 390"


def _axe(browser: Any, base: str, username: str, path: str, shots: Path) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on a page, signed in as `username`."""
    context = browser.new_context(locale="vi-VN", bypass_csp=True,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/can-bo")
    page.goto(f"{base}{path}")
    page.wait_for_load_state("load")
    found = axe_violations(page)
    context.close()
    (shots / f"axe-{username}.json").write_text(json.dumps(found, ensure_ascii=False, indent=1))
    return found


def test_papers_opinion_decision_and_permit_number_across_the_desk(
    browser: Any, server: str, shots: Path, tmp_path: Path
) -> None:
    files = _files(tmp_path)
    citizen = _login(browser, server, "congdan", "/ca-nhan")
    citizen.goto(f"{server}/thu-tuc/1.009994?mot_trang=1")  # the whole form on one page
    citizen.wait_for_load_state("load")
    citizen.fill("#f-dia_chi_lien_he", "Tổ 5, phường Minh Xuân")
    citizen.fill("#f-lo_dat-dia_chi", "Số 12 đường Bình Thuận")
    citizen.fill("#f-lo_dat-dien_tich", "120,5")
    citizen.check("#f-cong_trinh-loai_cong_trinh-0")
    citizen.fill("#f-cong_trinh-dien_tich_xay_dung", "80")
    citizen.fill("#f-cong_trinh-so_tang", "3")
    citizen.fill("#f-cong_trinh-chieu_cao", "12,5")
    citizen.check("#f-cam_ket")
    citizen.set_input_files("#paper-0-file", files["don-de-nghi.pdf"])
    citizen.set_input_files("#paper-1-file", files["so-do.png"])
    citizen.set_input_files("#paper-2-file", files["ban-ve-thiet-ke.pdf"])
    citizen.get_by_role("button", name="Nộp hồ sơ").click()
    code = citizen.locator("#dossier-code").inner_text().strip()
    Api(server, "motcua.minhxuan").complete(code, {"ket_qua_kiem_tra": "tiep_nhan"})

    specialist = _login(browser, server, "chuyenvien.minhxuan", "/can-bo")
    _open_task(specialist, code, "Thẩm định hồ sơ, đề xuất")
    drawn = _pdfs_drawn(specialist)
    assert [len(pages) for pages in drawn] == [1, 2]  # both PDFs, every page
    assert all(c["width"] > 100 and c["height"] > 100 for pages in drawn for c in pages)
    photo = specialist.locator("img.paper-image")
    assert photo.count() == 1 and photo.evaluate("i => i.naturalWidth") > 0
    assert specialist.locator("#f-y_kien_tham_dinh").evaluate("e => e.tagName") == "TEXTAREA"
    specialist.check("#f-de_xuat-0")
    specialist.fill("#f-y_kien_tham_dinh", "\n".join(OPINION))
    _shoot(specialist, shots, "1-specialist")
    specialist.get_by_role("button", name="Hoàn thành bước").click()
    specialist.get_by_role("dialog").get_by_role("button", name="Xác nhận hoàn thành bước").click()
    expect(specialist.locator(".flash")).to_contain_text("Đã hoàn thành")

    leader = _login(browser, server, "lanhdao.minhxuan", "/can-bo")
    _open_task(leader, code, "Xem xét, ký duyệt")
    assert [len(pages) for pages in _pdfs_drawn(leader)] == [1, 2]
    entry = leader.locator(".step-entry", has_text="Thẩm định hồ sơ, đề xuất")
    assert "Chuyên viên" in entry.locator(".step-head").inner_text()
    assert "Đủ điều kiện — đề xuất cấp giấy phép" in entry.inner_text()
    assert entry.locator("dd.prose").last.inner_text().splitlines() == OPINION
    # Before a decision neither conditional field shows; the chosen one is required.
    assert leader.locator("#f-so_giay_phep").is_hidden()
    assert leader.locator("#f-ly_do_tu_choi").is_hidden()
    leader.check("#f-quyet_dinh-0")
    permit_label = leader.locator("label[for=f-so_giay_phep]")
    assert leader.locator("#f-so_giay_phep").is_visible() and "*" in permit_label.inner_text()
    assert leader.locator("#f-ly_do_tu_choi").is_hidden()
    leader.get_by_role("button", name="Hoàn thành bước").click()  # the number is missing
    leader.wait_for_selector("#error-summary")
    leader.wait_for_load_state("load")  # forms.js is deferred: it has run by the load event
    assert leader.evaluate("document.activeElement.id") == "error-summary"
    assert "Số giấy phép xây dựng" in leader.locator("#error-summary").inner_text()
    assert [len(pages) for pages in _pdfs_drawn(leader)] == [1, 2]
    _shoot(leader, shots, "2-leader-error")
    leader.fill("#f-so_giay_phep", "215/GPXD")
    leader.get_by_role("button", name="Hoàn thành bước").click()
    leader.get_by_role("dialog").get_by_role("button", name="Xác nhận hoàn thành bước").click()
    expect(leader.locator(".flash")).to_contain_text("Đã hoàn thành")

    desk = _login(browser, server, "motcua.minhxuan", "/can-bo")
    _open_task(desk, code, "Trả giấy phép xây dựng")
    decision = desk.locator(".step-entry", has_text="Xem xét, ký duyệt").inner_text()
    assert "Số giấy phép xây dựng" in decision and "215/GPXD" in decision
    timeline = desk.locator("details.timeline").text_content()
    assert "→ Đang xử lý" in timeline and "Chuyển bước: «Trả giấy phép xây dựng»" in timeline
    _pdfs_drawn(desk)
    _shoot(desk, shots, "3-desk-return")
    task_path = desk.url.removeprefix(server)
    assert _axe(browser, server, "motcua.minhxuan", task_path, shots) == []
