"""The audit page (`/quan-tri/nhat-ky`) says in words what the province's administrator did:
the action by name («Thêm cơ quan», «Giao vai trò»), what it touched («Cơ quan Phòng Tư
pháp», «Tài khoản …», «Thủ tục 1.009994 (UBND phường Minh Xuân)») and each detail labelled,
agencies and roles by name, an edit as «before → after» — never «account.created»,
«parent_id: 1», a Python None or a list's brackets."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient

from tests.helpers import MINH_XUAN, login

UNIT = "001.00.12.H64"


def _table(page: bytes) -> str:
    body = page.decode().split('id="audit-entries"', 1)[1].split("</table>", 1)[0]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_the_administrators_work_reads_as_words(client: FlaskClient) -> None:
    login(client, "quantri")
    assert client.post("/quan-tri/co-quan", data={
        "code": UNIT, "name": "Phòng Tư pháp", "kind": "unit", "parent": MINH_XUAN,
        "address": "", "phone": "0207 3822 999", "email": "", "hotline": "",
        "province": ""}).status_code == 303
    assert client.post(f"/quan-tri/co-quan/{UNIT}", data={
        "code": UNIT, "name": "Phòng Tư pháp phường", "kind": "unit", "parent": MINH_XUAN,
        "address": "", "phone": "0207 3822 999", "email": "", "hotline": "",
        "province": ""}).status_code == 303
    assert client.post("/quan-tri/tai-khoan", data={
        "username": "tuphap.minhxuan", "full_name": "Nguyễn Thị Hoa",
        "email": "hoa@tuyenquang.example", "phone": "", "agency": UNIT, "roles": ["ho_tich"],
        "valid_from": "", "valid_until": "2027-12-31"}).status_code == 303
    assert client.post("/quan-tri/tai-khoan/tuphap.minhxuan/thu-hoi", data={
        "agency": UNIT, "role": "ho_tich"}).status_code == 303
    table = _table(client.get("/quan-tri/nhat-ky?nguon=kiem-toan").data)
    assert ("Thêm cơ quan Cơ quan Phòng Tư pháp phường Tên: Phòng Tư pháp; "
            "Loại: Phòng, đơn vị trực thuộc; Cơ quan cấp trên: UBND phường Minh Xuân; "
            "Điện thoại: 0207 3822 999; Tỉnh: Tuyên Quang") in table
    assert ("Sửa thông tin cơ quan Cơ quan Phòng Tư pháp phường "
            "Tên: Phòng Tư pháp → Phòng Tư pháp phường") in table
    assert ("Tạo tài khoản cán bộ Tài khoản tuphap.minhxuan Loại: Cán bộ; Vai trò được giao: "
            "Công chức Tư pháp - Hộ tịch tại Phòng Tư pháp phường, đến trước 00:00 ngày 01/01/2028; "
            "Thư mời gửi đến: hoa@tuyenquang.example") in table
    assert ("Thu hồi vai trò Tài khoản tuphap.minhxuan Cơ quan: Phòng Tư pháp phường; "
            "Vai trò: Công chức Tư pháp - Hộ tịch") in table
    assert "Công bố phiên bản thủ tục Thủ tục 1.009994 (UBND phường Minh Xuân)" in table
    for code in ("account.", "agency.", "parent_id", "None", "[", "{", "'", "ho_tich",
                 "province_id", "valid_until", "True", "published"):
        assert code not in table, code
