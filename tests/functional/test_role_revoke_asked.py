"""«Thu hồi» beside an officer's role took it away at one click, saying nothing of what it
left behind: the reception officer of An Tường, the only one there, lost the role while
holding a dossier at reception — the dossier stayed with them, and the next ones reached
nobody's inbox. Now the button opens a page that asks first and says both."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import AN_TUONG, MINH_XUAN, login, permit_data, task_for

REVOKE = f"/quan-tri/tai-khoan/motcua.antuong/thu-hoi?co-quan={AN_TUONG}&vai-tro=mot_cua"


def _text(page: bytes) -> str:
    body = page.decode().split("<main", 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _claimed_at_reception(app: Flask) -> None:
    """A dossier at An Tường's reception, claimed by its reception officer."""
    code = app.test_client().post("/api/v1/dossiers", json={
        "procedure": "1.009994", "agency": AN_TUONG, "data": permit_data()}).json["code"]
    desk = app.test_client()
    login(desk, "motcua.antuong")
    assert desk.post(f"/api/v1/tasks/{task_for(desk, code)['id']}/claim").status_code == 200


def test_taking_a_role_away_says_what_it_leaves_behind_before_it_is_done(
    app: Flask, client: FlaskClient,
) -> None:
    _claimed_at_reception(app)
    login(client, "quantri")
    account = client.get("/quan-tri/tai-khoan/motcua.antuong").data.decode()
    assert f'href="{REVOKE.replace("&", "&amp;")}"' in account  # a page, not a one-click form
    asked = client.get(REVOKE)
    assert asked.status_code == 200
    text = _text(asked.data)
    assert "Thu hồi vai trò Bộ phận Một cửa của Đỗ Văn Hải tại UBND xã An Tường?" in text
    assert "đang giữ 1 công việc của vai trò này chưa xong" in text
    assert "Tại UBND xã An Tường không còn ai giữ vai trò Bộ phận Một cửa" in text
    held = _text(client.get("/quan-tri/tai-khoan/motcua.antuong").data)
    assert "Bộ phận Một cửa Không thời hạn" in held  # asking took nothing away
    done = client.post("/quan-tri/tai-khoan/motcua.antuong/thu-hoi",
                       data={"agency": AN_TUONG, "role": "mot_cua"})
    assert done.status_code == 303
    assert "Chưa có vai trò nào." in _text(client.get("/quan-tri/tai-khoan/motcua.antuong").data)


def test_a_role_others_still_hold_is_not_said_to_leave_nobody(client: FlaskClient) -> None:
    login(client, "quantri")
    assert client.post("/quan-tri/tai-khoan/chuyenvien.antuong/vai-tro", data={
        "agency": AN_TUONG, "roles": ["mot_cua"], "valid_from": "",
        "valid_until": ""}).status_code == 303
    text = _text(client.get(REVOKE).data)
    assert "không còn ai giữ" not in text and "công việc của vai trò này chưa xong" not in text
    assert client.get(f"/quan-tri/tai-khoan/motcua.antuong/thu-hoi?co-quan={MINH_XUAN}"
                      "&vai-tro=mot_cua").status_code == 404
