"""The administrators' home: `/quan-tri` answered 404 «Không tìm thấy.» and `quantri` landed on
the public catalogue after logging in. Now `/quan-tri` lists what the signed-in staff member
may administer, by permission, and an administrator lands there."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import login, token


def _text(page: bytes) -> str:
    body = page.decode().split("<main", 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_the_province_administrator_lands_on_the_admin_home(app: Flask) -> None:
    client = app.test_client()
    csrf = token(client.get("/dang-nhap").data)
    landed = client.post("/dang-nhap", data={"csrf_token": csrf, "username": "quantri",
                                             "password": "motcua-demo-2026"})
    assert landed.status_code == 303 and landed.headers["Location"] == "/quan-tri/"
    page = client.get("/quan-tri", follow_redirects=True)
    assert page.status_code == 200
    text = _text(page.data)
    assert "Trang quản trị" in text
    for words in ("Cấu hình thủ tục", "Báo cáo", "Cơ quan, đơn vị — Cây cơ quan",
                  "Tài khoản cán bộ", "Lịch làm việc — Ngày nghỉ, ngày làm bù riêng của tỉnh.",
                  "Nhật ký", "Khóa API", "Kết nối hệ thống"):
        assert words in text, words
    for href in ("/quan-tri/lich", "/quan-tri/co-quan", "/quan-tri/ket-noi", "/quan-tri/thu-tuc"):
        assert f'href="{href}"' in page.data.decode(), href


def test_the_admin_home_shows_only_what_the_account_may_do(client: FlaskClient) -> None:
    login(client, "quantri.soxaydung")
    text = _text(client.get("/quan-tri/").data)
    assert "Cơ quan, đơn vị" in text and "Tài khoản cán bộ" in text
    assert "Lịch làm việc" not in text and "Hệ thống của tỉnh" not in text and "Khóa API" not in text


def test_an_officer_still_lands_on_the_inbox_and_a_citizen_is_refused_the_home(app: Flask) -> None:
    client = app.test_client()
    csrf = token(client.get("/dang-nhap").data)
    landed = client.post("/dang-nhap", data={"csrf_token": csrf, "username": "motcua.minhxuan",
                                             "password": "motcua-demo-2026"})
    assert landed.headers["Location"] != "/quan-tri/"
    citizen = app.test_client()
    login(citizen, "congdan")
    assert citizen.get("/quan-tri/").status_code == 403
