"""Drafts do not pile up in «Hồ sơ của tôi»: «Bắt đầu» on a stale start page (the back
button) goes on with the citizen's draft of that procedure and agency instead of starting
another; «Bắt đầu hồ sơ mới» next to the offer still starts a new one; each draft can be
deleted («Xóa bản nháp», a form post with its CSRF token), only by its owner."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.functional.test_form_journey import SECTION_1, START, _begin, _post, _step
from tests.helpers import MINH_XUAN, PERMIT, page_login, token


def _drafts(client: FlaskClient) -> list[str]:
    page = client.get("/ca-nhan").data.decode()
    return re.findall(r'action="/ca-nhan/ban-nhap/([\w-]+)/xoa"', page)


def test_pressing_start_again_goes_on_with_the_draft(app: Flask) -> None:
    citizen = app.test_client()
    page_login(citizen, "congdan")
    stale = token(citizen.get(START).data)  # the start page as it was before the draft
    _, key = _begin(citizen)
    _post(citizen, _step(key, 1), {**SECTION_1, "nhap": key, "_action": "next"})
    again = citizen.post(f"/thu-tuc/{PERMIT}/bat-dau", data={"csrf_token": stale,
                                                             "agency": MINH_XUAN})
    assert again.status_code == 303 and f"nhap={key}" in again.headers["Location"]
    assert "/buoc/2" in again.headers["Location"]  # where it left off
    assert _drafts(citizen) == [key]
    fresh = citizen.post(f"/thu-tuc/{PERMIT}/bat-dau", data={
        "csrf_token": stale, "agency": MINH_XUAN, "moi": "1"})  # «Bắt đầu hồ sơ mới»
    assert fresh.status_code == 303 and f"nhap={key}" not in fresh.headers["Location"]
    assert len(_drafts(citizen)) == 2
    assert 'name="moi" value="1"' in citizen.get(START).data.decode()


def test_a_draft_can_be_deleted_by_its_owner_only(app: Flask) -> None:
    citizen = app.test_client()
    page_login(citizen, "congdan")
    _, key = _begin(citizen)
    page = citizen.get("/ca-nhan").data.decode()
    assert "Xóa bản nháp" in page and key in _drafts(citizen)
    assert citizen.post(f"/ca-nhan/ban-nhap/{key}/xoa").status_code == 400  # no CSRF token
    other = app.test_client()
    page_login(other, "thietke.minhxuan")
    refused = other.post(f"/ca-nhan/ban-nhap/{key}/xoa",
                         data={"csrf_token": token(other.get("/").data)})
    assert refused.status_code in (403, 404)
    deleted = citizen.post(f"/ca-nhan/ban-nhap/{key}/xoa",
                           data={"csrf_token": token(citizen.get("/ca-nhan").data)})
    assert deleted.status_code == 303
    after = citizen.get("/ca-nhan").data.decode()
    assert "Đã xóa bản nháp." in after and key not in _drafts(citizen)
    assert citizen.get(_step(key, 1)).status_code == 404
