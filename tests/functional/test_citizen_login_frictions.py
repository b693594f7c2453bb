"""Frictions citizens met logging in on a phone: the login field says it takes the ID
number, registering signs the new citizen in (and goes back where they were), the login
link of a procedure keeps the agency chosen, and the password rules sit with the password."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from flask import Flask

from tests.functional.test_citizen_area import post_form
from tests.helpers import MINH_XUAN, PERMIT

NEW_CITIZEN = {"ho_ten": "Lê Thị Hoa", "so_dinh_danh": "008190004322", "dien_thoai": "0987654321",
               "email": "hoa2@example.vn", "mat_khau": "Hoa-tuyen-quang-26",
               "nhap_lai": "Hoa-tuyen-quang-26", "dong_y": "true"}


def test_the_login_field_says_it_takes_the_id_number(app: Flask) -> None:
    page = app.test_client().get("/dang-nhap").data.decode()
    assert '<label for="username">Số định danh cá nhân hoặc tên đăng nhập</label>' in page


def test_registering_signs_the_citizen_in_and_returns_where_they_were(app: Flask) -> None:
    client = app.test_client()
    back = f"/thu-tuc/{PERMIT}?agency={MINH_XUAN}"
    made = post_form(client, f"/dang-ky?next={back.replace('?', '%3F').replace('=', '%3D')}",
                     NEW_CITIZEN)
    assert made.status_code == 303 and made.headers["Location"] == back
    mine = client.get("/ca-nhan")
    assert mine.status_code == 200 and "Lê Thị Hoa" in mine.data.decode()
    hostile = post_form(app.test_client(), "/dang-ky?next=//evil.example/x",
                        {**NEW_CITIZEN, "so_dinh_danh": "008190004323"})
    assert hostile.status_code == 303 and hostile.headers["Location"] == "/ca-nhan"


def test_the_login_link_of_a_procedure_keeps_the_chosen_agency(app: Flask) -> None:
    page = app.test_client().get(f"/thu-tuc/{PERMIT}?agency={MINH_XUAN}").data.decode()
    links = re.findall(r'href="(/dang-(?:nhap|ky)\?[^"]+)"', page)
    assert len(links) == 2, links
    for link in links:
        target = parse_qs(urlsplit(link.replace("&amp;", "&")).query)["next"][0]
        assert target == f"/thu-tuc/{PERMIT}?agency={MINH_XUAN}"


def test_the_password_rules_are_told_with_the_password_field(app: Flask) -> None:
    page = app.test_client().get("/dang-ky").data.decode()
    field = re.search(r'<input[^>]*id="([^"]*mat_khau[^"]*)"[^>]*>', page)
    assert field, "no password field"
    described = re.search(r'aria-describedby="([^"]+)"', field.group(0))
    assert described, field.group(0)
    rules = re.search(rf'id="{described.group(1).split()[0]}">([^<]+)<', page)
    assert rules and "Ít nhất 10 ký tự" in rules.group(1)
    assert page.index("Ít nhất 10 ký tự") < page.index('name="nhap_lai"')  # before, not after
