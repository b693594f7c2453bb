"""The officers' accounts pages name every role, never by its code: a role a procedure
declares for its lanes (`ho_tich`) by the label its procedure.json gives it, offered in the
grant, invitation and transfer forms with the procedures that use it; a built-in role keeps
its own name; «Quản trị đơn vị» offered only to whoever may grant it."""

from __future__ import annotations

import html
import io
import re

from flask.testing import FlaskClient

from tests.helpers import MINH_XUAN, login

HO_TICH = "Công chức Tư pháp - Hộ tịch"
PROCEDURE = "Cấp bản sao trích lục hộ tịch"


def _text(page: bytes) -> str:
    """What a reader sees: the page without its tags (values of hidden inputs included)."""
    body = page.decode().split("<main", 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_a_procedures_own_role_is_named_by_its_label_on_the_list_and_the_account(
    client: FlaskClient,
) -> None:
    login(client, "quantri")
    listed = _text(client.get("/quan-tri/tai-khoan").data)
    account = _text(client.get("/quan-tri/tai-khoan/hotich.minhxuan").data)
    assert f"hotich.minhxuan UBND phường Minh Xuân {HO_TICH} Đang hoạt động" in listed  # agency, role
    assert f"UBND phường Minh Xuân {HO_TICH} Không thời hạn" in account
    assert "ho_tich" not in listed and "ho_tich" not in account
    assert f"Thu hồi vai trò {HO_TICH} tại UBND phường Minh Xuân" in account


def test_the_forms_offer_a_procedures_role_by_name_and_it_is_granted(client: FlaskClient) -> None:
    login(client, "quantri")
    page = _text(client.get("/quan-tri/tai-khoan/chuyenvien.minhxuan").data)
    assert f"{HO_TICH} (thủ tục {PROCEDURE})" in page
    assert page.count("Chuyên viên phòng Kinh tế") == 0  # chuyen_vien keeps its own name
    base = "/quan-tri/tai-khoan/chuyenvien.minhxuan"
    assert client.post(f"{base}/vai-tro", data={"agency": MINH_XUAN, "roles": ["ho_tich"],
                                                "valid_from": "", "valid_until": ""}).status_code == 303
    shown = _text(client.get(base).data)
    assert f"UBND phường Minh Xuân {HO_TICH} Không thời hạn" in shown
    assert f"Giao vai trò: {HO_TICH} tại UBND phường Minh Xuân" in shown  # its history says which
    assert "ho_tich" not in shown


def test_a_role_no_procedure_names_says_so(client: FlaskClient) -> None:
    login(client, "quantri")
    sheet = ("Tên đăng nhap,Họ và tên,Thư điện tử,Mã cơ quan,Vai trò\n"
             f"diachinh.minhxuan,Nguyễn Địa,dc@tuyenquang.example,{MINH_XUAN},dia_chinh\n")
    sheet = sheet.replace("nhap", "nhập")
    made = client.post("/quan-tri/tai-khoan/nhap", data={
        "file": (io.BytesIO(sheet.encode()), "tai-khoan.csv")}, content_type="multipart/form-data")
    assert made.status_code == 303, made.data.decode()[:3000]
    shown = _text(client.get("/quan-tri/tai-khoan/diachinh.minhxuan").data)
    assert "Vai trò chưa được thủ tục nào đặt tên (mã dia_chinh)" in shown


def test_a_unit_administrator_is_not_offered_the_role_it_may_not_grant(
    client: FlaskClient,
) -> None:
    login(client, "quantri.soxaydung")
    offered = _text(client.get("/quan-tri/tai-khoan/chuyenvien.soxaydung").data)
    assert "Thiết kế quy trình" in offered and "Quản trị đơn vị" not in offered.split("Giao vai trò")[-1]
    login(client, "quantri")
    assert "Quản trị đơn vị" in _text(client.get("/quan-tri/tai-khoan").data).split(
        "Tạo tài khoản cán bộ")[-1]


def test_a_file_names_roles_as_the_page_does_and_reads_back_what_it_exports(
    client: FlaskClient,
) -> None:
    login(client, "quantri")
    header = "Tên đăng nhập,Họ và tên,Thư điện tử,Mã cơ quan,Vai trò\n"
    wrong = header + f"c.minhxuan,Nguyễn C,c@tuyenquang.example,{MINH_XUAN},Kế toán\n"
    refused = client.post("/quan-tri/tai-khoan/nhap", data={
        "file": (io.BytesIO(wrong.encode()), "tai-khoan.csv")}, content_type="multipart/form-data")
    report = _text(refused.data)
    assert refused.status_code == 422
    assert "2 Vai trò Không có vai trò «Kế toán»" in report and " role " not in report
    right = header + (f"c.minhxuan,Nguyễn C,c@tuyenquang.example,{MINH_XUAN},"
                      f"\"Bộ phận Một cửa; {HO_TICH}\"\n"
                      f"d.minhxuan,Nguyễn D,d@tuyenquang.example,{MINH_XUAN},lanh dao\n")
    assert client.post("/quan-tri/tai-khoan/nhap", data={
        "file": (io.BytesIO(right.encode()), "tai-khoan.csv")},
        content_type="multipart/form-data").status_code == 303
    listed = _text(client.get("/quan-tri/tai-khoan?q=c.minhxuan").data)
    assert "c.minhxuan UBND phường Minh Xuân " in listed  # the agency, then its roles
    assert "Bộ phận Một cửa" in listed and HO_TICH in listed
    exported = client.get("/quan-tri/tai-khoan/xuat.csv").data.decode("utf-8-sig")
    assert f"c.minhxuan,Nguyễn C,c@tuyenquang.example,,{MINH_XUAN},{HO_TICH}," in exported
    assert f"d.minhxuan,Nguyễn D,d@tuyenquang.example,,{MINH_XUAN},Lãnh đạo," in exported
    assert "ho_tich" not in exported and "mot_cua" not in exported
