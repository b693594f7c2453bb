"""The citizen and officer pages through the Flask client: forms, errors, receipts, inbox."""

from __future__ import annotations

import io
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import (
    APPLICANT_ID,
    MINH_XUAN,
    PERMIT,
    package_files,
    page_login,
    paper_files,
    token,
    zip_bytes,
)

PERMIT_PAGE = f"/thu-tuc/{PERMIT}?agency={MINH_XUAN}"
PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"


def valid_form(csrf: str) -> dict[str, object]:
    """The permit's form filled in, its three required papers attached, sent to submit."""
    return {
        "csrf_token": csrf, "agency": MINH_XUAN, "_action": "submit", **paper_files(),
        "ho_ten": "Nguyễn Văn An",
        "so_dinh_danh": APPLICANT_ID, "dien_thoai": "0912345678", "dia_chi_lien_he": "Tổ 5",
        "lo_dat.dia_chi": "Số 12 đường Bình Thuận", "lo_dat.dien_tich": "120,5",
        "cong_trinh.loai_cong_trinh": "nha_o_rieng_le_do_thi", "cong_trinh.dien_tich_xay_dung": "80",
        "cong_trinh.so_tang": "3", "cong_trinh.chieu_cao": "12", "don_vi_thiet_ke.0.ten": "Công ty A",
        "cam_ket": "true",
    }


def test_catalogue_search_ignores_diacritics(client: FlaskClient) -> None:
    page = client.get("/?q=giay phep xay dung").data.decode()
    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" in page
    assert "Cấp bản sao trích lục hộ tịch" not in page


def test_form_errors_are_shown_beside_fields_and_values_kept(client: FlaskClient) -> None:
    csrf = token(client.get(PERMIT_PAGE).data)
    form = valid_form(csrf) | {"so_dinh_danh": "123", "cong_trinh.so_tang": "ba"}
    del form["cam_ket"]
    response = client.post(f"/thu-tuc/{PERMIT}", data=form)
    assert response.status_code == 422
    html = response.data.decode()
    assert "Có 3 lỗi cần sửa" in html
    assert 'aria-describedby="f-so_dinh_danh-help f-so_dinh_danh-error" aria-invalid="true"' in html
    assert '<p class="error" id="f-cong_trinh-so_tang-error">Chỉ nhập số, ví dụ: 3</p>' in html
    assert "Bạn cần đánh dấu xác nhận mục này." in html
    assert 'value="Nguyễn Văn An"' in html and 'value="Số 12 đường Bình Thuận"' in html


def test_a_valid_submission_leads_to_the_receipt_with_the_code(client: FlaskClient) -> None:
    csrf = token(client.get(PERMIT_PAGE).data)
    response = client.post(f"/thu-tuc/{PERMIT}", data=valid_form(csrf))
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"]).data.decode()
    code = re.search(r'id="dossier-code">([^<]+)<', receipt).group(1)
    assert code == "000.00.12.H64-261125-0001"
    assert "Mới đăng ký" in receipt
    stranger = client.application.test_client()
    assert stranger.get(response.headers["Location"]).status_code == 404
    csrf = token(stranger.get("/tra-cuu").data)
    tracked = stranger.post("/tra-cuu", data={"csrf_token": csrf, "ma": code,
                                              "so_dinh_danh": APPLICANT_ID}).data.decode()
    assert re.search(r'id="track-status"><strong class="tag [^"]+">Mới đăng ký<', tracked)
    wrong = stranger.post("/tra-cuu", data={"csrf_token": csrf, "ma": code,
                                            "so_dinh_danh": "001099000000"})
    assert wrong.status_code == 404 and "Mới đăng ký" not in wrong.data.decode()


def test_add_row_re_renders_without_submitting(client: FlaskClient) -> None:
    csrf = token(client.get(PERMIT_PAGE).data)
    form = valid_form(csrf) | {"_add_row": "don_vi_thiet_ke"}
    response = client.post(f"/thu-tuc/{PERMIT}", data=form)
    assert response.status_code == 200
    html = response.data.decode()
    assert 'name="don_vi_thiet_ke.1.ten"' in html and 'value="Công ty A"' in html
    assert "lỗi cần sửa" not in html
    officer = client.application.test_client()
    page_login(officer, "motcua.minhxuan")
    assert "Chưa có hồ sơ nào chờ bạn xử lý." in officer.get("/can-bo").data.decode()  # nothing sent


def test_a_post_without_the_csrf_token_is_refused_and_stores_nothing(client: FlaskClient) -> None:
    form = valid_form("forged")
    response = client.post(f"/thu-tuc/{PERMIT}", data=form)
    assert response.status_code == 400
    officer = client.application.test_client()
    page_login(officer, "motcua.minhxuan")
    assert "Chưa có hồ sơ nào chờ bạn xử lý." in officer.get("/can-bo").data.decode()


def test_officer_works_the_inbox_and_completes_the_step(app: Flask) -> None:
    citizen = app.test_client()
    citizen.post(f"/thu-tuc/{PERMIT}", data=valid_form(token(citizen.get(PERMIT_PAGE).data)))
    desk = app.test_client()
    page_login(desk, "motcua.minhxuan")
    inbox = desk.get("/can-bo").data.decode()
    assert "000.00.12.H64-261125-0001" in inbox and "Tiếp nhận, kiểm tra hồ sơ" in inbox
    link = re.search(r'href="(/can-bo/cong-viec/\d+)"', inbox).group(1)
    task_page = desk.get(link).data.decode()
    assert "Số 12 đường Bình Thuận" in task_page  # the dossier's data, read-only
    assert "Quá trình xử lý" in task_page and "Nộp hồ sơ" in task_page  # its timeline
    assert 'name="ket_qua_kiem_tra"' in task_page  # the step's form
    incomplete = desk.post(link, data={"csrf_token": token(task_page.encode()),
                                       "ket_qua_kiem_tra": "tu_choi"})
    assert incomplete.status_code == 422
    assert "Lý do từ chối (Mẫu 03)" in incomplete.data.decode()
    asked = desk.post(link, data={"csrf_token": token(task_page.encode()),
                                  "ket_qua_kiem_tra": "tiep_nhan"})
    assert asked.status_code == 200 and "Xác nhận tiếp nhận hồ sơ" in asked.data.decode()
    done = desk.post(link, data={"csrf_token": token(task_page.encode()),
                                 "ket_qua_kiem_tra": "tiep_nhan", "xac_nhan": "1"})
    assert done.status_code == 303
    assert "Đã hoàn thành" in desk.get("/can-bo").data.decode()
    specialist = app.test_client()
    page_login(specialist, "chuyenvien.minhxuan")
    assert "Thẩm định hồ sơ, đề xuất" in specialist.get("/can-bo").data.decode()


def test_citizens_cannot_open_the_officer_pages(app: Flask) -> None:
    citizen = app.test_client()
    anonymous = citizen.get("/can-bo?trang=2")
    assert anonymous.status_code == 303  # to the login page, coming back here afterwards
    assert anonymous.headers["Location"] == "/dang-nhap?next=/can-bo?trang%3D2"
    page_login(citizen, "congdan")
    assert citizen.get("/can-bo").status_code == 403


def _zip(folder: Path, change: tuple[str, bytes, bytes] | None = None) -> bytes:
    files = package_files(folder)
    if change:
        files[change[0]] = files[change[0]].replace(change[1], change[2])
    return zip_bytes(files)


def test_designer_uploads_a_package_and_reads_its_report(app: Flask) -> None:
    designer = app.test_client()
    page_login(designer, "thietke.minhxuan")
    page = designer.get("/quan-tri/thu-tuc").data
    broken = _zip(PACKAGE, ("process.bpmn", b'quyet_dinh == "cap_phep"', b"__import__('os')"))
    response = designer.post("/quan-tri/thu-tuc", data={
        "csrf_token": token(page), "agency": MINH_XUAN,
        "package": (io.BytesIO(broken), "goi.zip")}, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.data.decode()
    assert "KHÔNG hợp lệ" in html and "Luồng «Đồng ý»" in html  # the flow by its name
    assert html.count("<td>Nháp</td>") == 0  # nothing stored
    good = designer.post("/quan-tri/thu-tuc", data={
        "csrf_token": token(page), "agency": MINH_XUAN,
        "package": (io.BytesIO(_zip(PACKAGE)), "goi.zip")}, content_type="multipart/form-data")
    assert good.status_code == 200
    assert "Đã lưu thành phiên bản nháp số 2" in good.data.decode()


def at_appraisal(app: Flask) -> tuple[FlaskClient, FlaskClient, str]:
    """A dossier submitted through the page and received by the desk; the specialist's
    browser and the link to the appraisal step."""
    citizen = app.test_client()
    citizen.post(f"/thu-tuc/{PERMIT}", data=valid_form(token(citizen.get(PERMIT_PAGE).data)))
    desk = app.test_client()
    page_login(desk, "motcua.minhxuan")
    link = re.search(r'href="(/can-bo/cong-viec/\d+)"', desk.get("/can-bo").data.decode()).group(1)
    desk.post(link, data={"csrf_token": token(desk.get(link).data), "ket_qua_kiem_tra": "tiep_nhan",
                          "xac_nhan": "1"})  # the desk confirmed its reception
    specialist = app.test_client()
    page_login(specialist, "chuyenvien.minhxuan")
    found = re.search(r'href="(/can-bo/cong-viec/\d+)"', specialist.get("/can-bo").data.decode())
    assert found is not None
    return desk, specialist, found.group(1)


def test_officer_asks_for_a_supplement_and_extends_from_the_task_page(app: Flask) -> None:
    _, specialist, link = at_appraisal(app)
    page = specialist.get(link).data
    assert "Hẹn lại ngày trả kết quả (Mẫu 04)" in page.decode()
    too_early = specialist.post(f"{link}/gia-han", data={
        "csrf_token": token(page), "due_day": "01/03/2027", "due_time": "17:00",
        "reason": "Chờ ý kiến"})
    assert too_early.status_code == 422
    assert "1/3 tổng thời gian" in too_early.data.decode()
    asked = specialist.post(f"{link}/yeu-cau-bo-sung", data={
        "csrf_token": token(page), "missing": "Bản vẽ mặt cắt\nBản sao sổ đỏ", "note": ""})
    assert asked.status_code == 303
    inbox = specialist.get("/can-bo").data.decode()
    assert "Đã gửi yêu cầu bổ sung" in inbox and "Chưa có hồ sơ nào chờ bạn xử lý." in inbox
    assert "Hồ sơ đang chờ công dân bổ sung." in specialist.get(link).data.decode()


def test_the_administrator_edits_the_provincial_calendar(app: Flask) -> None:
    admin = app.test_client()
    page_login(admin, "quantri")
    page = admin.get("/quan-tri/lich?nam=2026")
    assert page.status_code == 200 and "Lịch làm việc Tuyên Quang năm 2026" in page.data.decode()
    saved = admin.post("/quan-tri/lich", data={
        "csrf_token": token(page.data), "province": "Tuyên Quang", "day": "2026-12-07",
        "kind": "off", "reason": "Nghỉ bù theo Quyết định của UBND tỉnh"})
    assert saved.status_code == 303
    listed = admin.get("/quan-tri/lich?nam=2026").data.decode()
    assert "2026-12-07" in listed and "Nghỉ bù theo Quyết định của UBND tỉnh" in listed
    officer = app.test_client()
    page_login(officer, "motcua.minhxuan")
    assert officer.get("/quan-tri/lich").status_code == 403


def test_a_step_can_be_sent_back_from_the_task_page(app: Flask) -> None:
    desk, specialist, link = at_appraisal(app)
    page = specialist.get(link).data
    assert "Trả về bước trước" in page.decode() and "Xin ý kiến đơn vị khác" in page.decode()
    sent = specialist.post(f"{link}/tra-lai", data={"csrf_token": token(page),
                                                   "note": "Thiếu bản vẽ mặt cắt, kiểm tra lại."})
    assert sent.status_code == 303
    assert "Đã trả hồ sơ về bước trước." in specialist.get("/can-bo").data.decode()
    assert "Tiếp nhận, kiểm tra hồ sơ" in desk.get("/can-bo").data.decode()
