"""The login page refuses wrong credentials on the page itself, whatever was typed.

An empty or unknown login name left the login's transaction open while the refusal was drawn;
the page's notice banner reads in a transaction of its own, which on the embedded database
waited 30 s for that one's write lock and ended in «Mã lỗi 500 – Lỗi hệ thống» — the easiest
mistake to make, blamed on the system.
"""

from __future__ import annotations

from flask import Flask

from tests.helpers import token

REFUSED = "Tên đăng nhập hoặc mật khẩu không đúng."


def test_an_empty_or_unknown_login_name_is_refused_on_the_page(app: Flask) -> None:
    client = app.test_client()
    for username, password in (("", ""), ("", "abc"), ("khong.co.ai", "abc"),
                               ("congdan", "sai-mat-khau")):
        csrf = token(client.get("/dang-nhap").data)
        page = client.post("/dang-nhap", data={"csrf_token": csrf, "username": username,
                                               "password": password})
        assert page.status_code == 401, (username, password, page.status_code)
        html = page.get_data(as_text=True)
        assert REFUSED in html
        assert f'value="{username}"' in html  # what was typed is kept
