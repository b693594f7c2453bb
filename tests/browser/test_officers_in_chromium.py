"""Officers in a real browser: the desk receives a paper dossier, the specialist appraises,
the leader approves, the desk hands the result back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.helpers import PDF

PASSWORD = "motcua-demo-2026"


def _login(browser: Any, base: str, username: str) -> Any:
    page = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/can-bo")
    return page


def _open_task(page: Any, code: str, step: str) -> None:
    page.get_by_role("link", name="Hộp công việc").click()
    row = page.locator("tr", has_text=step).filter(has_text=code)
    row.get_by_role("link", name=code).click()
    page.wait_for_selector("#form-top")
    page.wait_for_load_state()  # the step's confirmation script is attached: it asks first


def test_a_paper_dossier_from_the_desk_to_the_returned_result(
    browser: Any, server: str, shots: Path
) -> None:
    desk = _login(browser, server, "motcua.minhxuan")
    desk.get_by_role("link", name="Tiếp nhận hồ sơ giấy").click()
    desk.select_option("#thu_tuc", "1.009994")
    desk.select_option("#agency", "000.00.12.H64")
    desk.get_by_role("button", name="Nhập hồ sơ").click()
    desk.fill("#f-ho_ten", "Nguyễn Thị Hoa")
    desk.fill("#f-so_dinh_danh", "008190004321")
    desk.fill("#f-dien_thoai", "0987654321")
    desk.fill("#f-dia_chi_lien_he", "Tổ 7, phường Minh Xuân")
    desk.fill("#f-lo_dat-dia_chi", "Số 45 đường Chiến Thắng Sông Lô")
    desk.fill("#f-lo_dat-dien_tich", "96")
    desk.check("#f-cong_trinh-loai_cong_trinh-0")
    desk.fill("#f-cong_trinh-dien_tich_xay_dung", "80")
    desk.fill("#f-cong_trinh-so_tang", "4")
    desk.fill("#f-cong_trinh-chieu_cao", "15,5")
    desk.check("#f-cam_ket")
    for index, box in enumerate(desk.locator("input[name=papers]").all()[:3]):
        box.check()  # a paper received at the desk is scanned there (số hóa khi tiếp nhận)
        desk.set_input_files(f"#paper-{index}-scan", [
            {"name": f"giay-to-{index}.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    desk.screenshot(path=str(shots / "1-desk-form.png"), full_page=True)
    desk.get_by_role("button", name="Ghi nhận kết quả kiểm tra").click()
    status = desk.locator("#dossier-status")
    expect(status).to_have_text("Đang xử lý", use_inner_text=True)
    code = desk.locator("h1").inner_text().removeprefix("Hồ sơ ").strip()
    desk.screenshot(path=str(shots / "2-desk-received.png"), full_page=True)

    specialist = _login(browser, server, "chuyenvien.minhxuan")
    _open_task(specialist, code, "Thẩm định hồ sơ, đề xuất")
    specialist.check("#f-de_xuat-0")
    specialist.fill("#f-y_kien_tham_dinh", "Phù hợp quy hoạch chi tiết, đủ điều kiện cấp phép.")
    specialist.screenshot(path=str(shots / "3-specialist.png"), full_page=True)
    specialist.get_by_role("button", name="Hoàn thành bước").click()
    specialist.get_by_role("dialog").get_by_role("button", name="Xác nhận hoàn thành bước").click()
    expect(specialist.locator(".flash")).to_contain_text("Đã hoàn thành")

    leader = _login(browser, server, "lanhdao.minhxuan")
    _open_task(leader, code, "Xem xét, ký duyệt")
    leader.check("#f-quyet_dinh-0")
    leader.fill("#f-so_giay_phep", "215/GPXD")
    leader.screenshot(path=str(shots / "4-leader.png"), full_page=True)
    leader.get_by_role("button", name="Hoàn thành bước").click()
    leader.get_by_role("dialog").get_by_role("button", name="Xác nhận hoàn thành bước").click()

    _open_task(desk, code, "Trả giấy phép xây dựng")
    # The fee is collected before the result is handed over, on the step's own page.
    desk.get_by_role("button", name="Thu phí tiền mặt và cấp biên lai").click()
    expect(desk.locator("main")).to_contain_text("Đã thu 75.000 đồng")
    desk.wait_for_load_state()  # the page came back: its confirmation script runs again
    desk.check("#f-hinh_thuc_tra-0")
    desk.get_by_role("button", name="Hoàn thành bước").click()
    desk.get_by_role("dialog").get_by_role("button", name="Xác nhận hoàn thành bước").click()
    desk.goto(f"{server}/tra-cuu?ma={code}")  # the QR code's link fills in the code only
    desk.get_by_label("Số định danh cá nhân của người nộp").fill("008190004321")
    desk.get_by_role("button", name="Tra cứu").click()
    expect(desk.locator("#track-status")).to_have_text("Đã trả kết quả", use_inner_text=True)
    desk.screenshot(path=str(shots / "5-returned.png"), full_page=True)
