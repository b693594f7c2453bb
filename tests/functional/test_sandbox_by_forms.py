"""Test runs by forms: the sandbox shows each step's generated form, prefilled from the
package's test case; the designer runs the procedure by submitting those forms (posted as a
browser posts them), sees the fee the decision table set, and a refused form keeps what was
typed with the error beside its field."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import MINH_XUAN, PERMIT, token
from tests.helpers import page_login as login_page

START = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/chay-thu"
FORM = {"_mode": "form", "ho_ten": "Trần Thị Bình", "so_dinh_danh": "008090001234",
        "dien_thoai": "0912345678", "dia_chi_lien_he": "Tổ 5, phường Minh Xuân",
        "lo_dat.dia_chi": "Số 12 đường Bình Thuận", "lo_dat.dien_tich": "300",
        "cong_trinh.loai_cong_trinh": "nha_o_rieng_le_do_thi", "cong_trinh.dien_tich_xay_dung": "150",
        "cong_trinh.so_tang": "4", "cong_trinh.chieu_cao": "15,5", "cam_ket": "true"}


def _step(client: FlaskClient, page: str, name: str, fields: dict[str, str]) -> str:
    action = re.search(r'action="([^"]+)"[^>]*>\s*<input type="hidden" name="csrf_token"[^>]*>\s*'
                       r'<input type="hidden" name="_mode" value="form">', page)
    assert action and f"Hoàn thành «{name}»" in page
    done = client.post(action.group(1), data={"csrf_token": token(page.encode()), "_mode": "form",
                                               **fields})
    assert done.status_code == 303, done.data.decode()[:2000]
    return client.get(done.headers["Location"]).data.decode()


def test_a_run_goes_by_forms_with_the_fee_and_the_fire_consultation_of_the_table(app: Flask) -> None:
    designer = app.test_client()
    login_page(designer, "thietke.minhxuan")
    start = designer.get(START).data.decode()
    # The start form as citizens see it, prefilled from tests/cap-phep.json; no JSON first.
    assert 'name="lo_dat.dien_tich"' in start and 'value="Nguyễn Văn An"' in start
    assert start.index('name="ho_ten"') < start.index("Nhập JSON (nâng cao)")
    went = designer.post(START, data={"csrf_token": token(start.encode()), **FORM})
    assert went.status_code == 303, went.data.decode()[:2000]
    page = designer.get(went.headers["Location"]).data.decode()
    # 150 m² × 4 floors = 600 m² of floor: the table's fee and the fire police consultation.
    assert re.search(r"Lệ phí cấp giấy phép[^<]*: <strong>150.000 đồng</strong>", page)
    assert 'name="ket_qua_kiem_tra"' in page and 'value="tiep_nhan"' in page
    page = _step(designer, page, "Tiếp nhận, kiểm tra hồ sơ", {"ket_qua_kiem_tra": "tiep_nhan"})
    page = _step(designer, page, "Thẩm định hồ sơ, đề xuất",
                 {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    assert "Lấy ý kiến Cảnh sát PCCC" in page and 'name="so_van_ban_pccc"' in page
    page = _step(designer, page, "Lấy ý kiến Cảnh sát PCCC",
                 {"so_van_ban_pccc": "45/PC07", "y_kien_pccc": "dong_y"})
    assert "Hoàn thành «Xem xét, ký duyệt»" in page


def test_a_refused_form_keeps_what_was_typed_with_the_error_beside_the_field(app: Flask) -> None:
    designer = app.test_client()
    login_page(designer, "thietke.minhxuan")
    start = designer.get(START).data.decode()
    refused = designer.post(START, data={"csrf_token": token(start.encode()),
                                         **{**FORM, "so_dinh_danh": "12"}})
    body = refused.data.decode()
    assert refused.status_code == 422
    assert 'value="Trần Thị Bình"' in body and 'value="12"' in body
    assert re.search(r'id="[^"]*so_dinh_danh[^"]*-error"', body)
    small = designer.post(START, data={"csrf_token": token(start.encode()),
                                       **{**FORM, "cong_trinh.dien_tich_xay_dung": "30",
                                          "cong_trinh.so_tang": "3"}})
    page = designer.get(small.headers["Location"]).data.decode()
    assert re.search(r"<strong>50.000 đồng</strong>", page)  # under 100 m² of floor
    page = _step(designer, page, "Tiếp nhận, kiểm tra hồ sơ", {"ket_qua_kiem_tra": "tiep_nhan"})
    wrong = designer.post(re.findall(r'action="([^"]+/buoc/[^"]+)"', page)[0], data={
        "csrf_token": token(page.encode()), "_mode": "form", "y_kien_tham_dinh": "Thiếu đề xuất"})
    assert wrong.status_code == 422
    assert "Thiếu đề xuất" in wrong.data.decode()
