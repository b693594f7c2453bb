"""Putting a new commune into service as the province administrator did it: the new agency's
page said nothing of what comes next (its officers, the procedures it receives — found only by
opening a procedure's «Áp dụng cho cơ quan»); the officer's form started at the province's
People's Committee, so an officer made in a hurry got the reception role at the province; a
role given on an officer's page started there too, not at the officer's own agency. Now the
agency's page lists the procedures received there and links to the form for its officers,
which opens with that agency chosen; the form asks for the agency rather than taking the
tree's first, saying so in words; the grant form starts at the officer's agency."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient

from engine.seed import PROVINCE_AGENCY
from tests.helpers import AN_TUONG, MINH_XUAN, PERMIT, login

TAN_PHONG = "000.00.45.H64"
OFFICER = {"username": "motcua.tanphong", "full_name": "Nguyễn Thị Hoa",
           "email": "hoa.tanphong@tuyenquang.example", "phone": "", "roles": ["mot_cua"],
           "valid_from": "", "valid_until": ""}


def _selected(page: str, select_id: str) -> str:
    """The value of the option a browser shows chosen (the first one if none is marked)."""
    body = page.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option value="([^"]*)"( selected)?', body)
    chosen = [value for value, selected in options if selected]
    return chosen[0] if chosen else options[0][0]


def _text(page: bytes) -> str:
    body = page.decode().split("<main", 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _tan_phong(client: FlaskClient) -> None:
    assert client.post("/quan-tri/co-quan", data={
        "code": TAN_PHONG, "name": "UBND xã Tân Phong", "kind": "commune",
        "parent": PROVINCE_AGENCY, "address": "", "phone": "", "email": "", "hotline": "",
        "province": ""}).status_code == 303


def test_the_new_agencys_page_says_what_it_receives_and_where_its_officers_are_made(
    client: FlaskClient,
) -> None:
    login(client, "quantri")
    _tan_phong(client)
    page = client.get(f"/quan-tri/co-quan/{TAN_PHONG}")
    text = _text(page.data)
    assert "Chưa có thủ tục nào: người dân chưa nộp được hồ sơ tại cơ quan này." in text
    assert "chọn «Áp dụng cho cơ quan»" in text
    link = f'href="/quan-tri/tai-khoan?co-quan={TAN_PHONG}#invite-h"'
    assert link in page.data.decode()
    form = client.get(f"/quan-tri/tai-khoan?co-quan={TAN_PHONG}").data.decode()
    assert _selected(form, "inv-agency") == TAN_PHONG
    assert client.post(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/ap-dung",
                       data={"co_quan": TAN_PHONG}).status_code == 302
    listed = _text(client.get(f"/quan-tri/co-quan/{TAN_PHONG}").data)
    assert f"Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ (mã {PERMIT})" in listed


def test_the_officers_agency_is_asked_not_taken_from_the_top_of_the_tree(
    client: FlaskClient,
) -> None:
    login(client, "quantri")
    assert _selected(client.get("/quan-tri/tai-khoan").data.decode(), "inv-agency") == ""
    refused = client.post("/quan-tri/tai-khoan", data={**OFFICER, "agency": ""})
    assert refused.status_code == 422
    assert "Chưa chọn cơ quan nơi cán bộ nhận vai trò." in _text(refused.data)
    assert 'value="motcua.tanphong"' in refused.data.decode()  # kept to correct
    assert client.get("/quan-tri/tai-khoan/motcua.tanphong").status_code == 404
    nothing = _text(client.post("/quan-tri/tai-khoan", data={**OFFICER, "agency": "",
                                                              "roles": []}).data)
    assert "Cần giao ít nhất một vai trò." in nothing  # both told in one round
    assert "Chưa chọn cơ quan nơi cán bộ nhận vai trò." in nothing


def test_a_role_is_given_at_the_officers_own_agency_unless_another_is_chosen(
    client: FlaskClient,
) -> None:
    login(client, "quantri")
    page = client.get("/quan-tri/tai-khoan/motcua.antuong").data.decode()
    assert _selected(page, "grant-agency") == AN_TUONG
