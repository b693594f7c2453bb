"""The citizen's pages after issue 17: tracking by POST (the ID number never in a URL),
the dossier page's receipts and fee wording, withdrawal behind a confirmation page,
notices that link to their dossier, drafts named by their procedure."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import (
    APPLICANT_ID,
    MINH_XUAN,
    PERMIT,
    login,
    page_login,
    permit_data,
    token,
)


def citizen(app: Flask) -> FlaskClient:
    """Nguyễn Văn An, signed in through the page (and the API, for its CSRF header)."""
    client = app.test_client()
    page_login(client, "congdan")
    login(client, "congdan")
    return client


def officer(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def submitted(client: FlaskClient, **overrides: Any) -> str:
    """A permit application submitted by `client` through the API; its code."""
    response = client.post(
        "/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(**overrides)}
    )
    assert response.status_code == 201, response.json
    code: str = response.json["code"]
    return code


def urls(html: str) -> list[str]:
    """Every address the page holds: links, form actions, sources."""
    return re.findall(r'(?:href|action|src)="([^"]*)"', html)


# --- tracking ---------------------------------------------------------------------------


def test_tracking_posts_the_id_number_and_shows_the_result_on_the_response(app: Flask) -> None:
    code = submitted(app.test_client())
    browser = app.test_client()
    form = browser.get(f"/tra-cuu?ma={code}").data.decode()
    assert re.search(r'<form method="post" action="/tra-cuu"', form)
    assert f'id="ma" name="ma" value="{code}"' in form  # the QR code's link fills the code in
    response = browser.post(
        "/tra-cuu",
        data={
            "csrf_token": token(form.encode()),
            "ma": code,
            "so_dinh_danh": f" {APPLICANT_ID[:4]} {APPLICANT_ID[4:]} ",
        },
    )
    page = response.data.decode()
    assert response.status_code == 200 and "Location" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert re.search(r'id="track-status"><strong class="tag tag--blue">Mới đăng ký</strong>', page)
    assert "Cấp giấy phép xây dựng" in page
    assert not [u for u in urls(page) if APPLICANT_ID in u]


def test_a_get_with_the_id_number_in_the_url_is_not_a_lookup(app: Flask) -> None:
    code = submitted(app.test_client())
    for name in ("so_dinh_danh", "so_giay_to"):
        response = app.test_client().get(f"/tra-cuu?ma={code}&{name}={APPLICANT_ID}")
        page = response.data.decode()
        assert response.status_code == 200
        assert "Hãy nhập lại số định danh" in page
        assert 'id="track-status"' not in page and "Mới đăng ký" not in page
        assert APPLICANT_ID not in page  # not even echoed back into the form


def test_tracking_names_each_missing_field_and_keeps_the_code(app: Flask) -> None:
    browser = app.test_client()
    csrf = token(browser.get("/tra-cuu").data)
    empty = browser.post("/tra-cuu", data={"csrf_token": csrf, "ma": "", "so_dinh_danh": ""})
    page = empty.data.decode()
    assert empty.status_code == 422
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert summary.index('href="#ma"') < summary.index('href="#so_dinh_danh"')  # page order
    assert "Vui lòng nhập mã hồ sơ." in page
    assert "Vui lòng nhập số định danh cá nhân của người nộp." in page
    no_id = browser.post("/tra-cuu", data={"csrf_token": csrf, "ma": "H64-1", "so_dinh_danh": ""})
    assert no_id.status_code == 422 and 'value="H64-1"' in no_id.data.decode()
    assert 'aria-invalid="true"' in no_id.data.decode()


def test_a_wrong_id_number_reveals_nothing_and_keeps_what_was_typed(app: Flask) -> None:
    code = submitted(app.test_client())
    browser = app.test_client()
    wrong = browser.post(
        "/tra-cuu",
        data={"csrf_token": token(browser.get("/tra-cuu").data), "ma": code, "so_dinh_danh": "008090009999"},
    )
    page = wrong.data.decode()
    assert wrong.status_code == 404
    assert "Không tìm thấy hồ sơ với mã và số định danh đã nhập." in page
    assert f'value="{code}"' in page and 'value="008090009999"' in page
    main = page.split("<main")[1]
    assert "Mới đăng ký" not in main and "Nguyễn Văn An" not in main


def test_tracking_without_the_csrf_token_is_refused(app: Flask) -> None:
    code = submitted(app.test_client())
    response = app.test_client().post("/tra-cuu", data={"ma": code, "so_dinh_danh": APPLICANT_ID})
    assert response.status_code in (400, 403)
    assert "Mới đăng ký" not in response.data.decode()
