"""Web holes (issue 13): an API key grants nothing outside /api/v1, `next` never leaves the
site, JSON with NaN/Infinity is refused, a hostile Host header gets 400 (never 500), and
error pages render without a URL adapter."""

from __future__ import annotations

import json
import math
import re
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.core.actors import Actor
from engine.core.errors import Forbidden, NotFound
from engine.core.models import ApiCall, Dossier, SandboxRun
from engine.dossiers import submit as dossiers
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from tests.helpers import APPLICANT_ID, MINH_XUAN, PERMIT, login, permit_data, token
from webapp.errors import error_page

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _key(app: Flask, scopes: list[str]) -> str:
    admin = app.test_client()
    login(admin, "quantri")
    created = admin.post("/api/v1/api-keys", json={"name": "Cổng DVC quốc gia",
                                                   "agency": MINH_XUAN, "scopes": scopes,
                                                   "rate_per_minute": 100})
    assert created.status_code == 201, created.json
    return str(created.json["key"])


def _submitted(app: Flask) -> str:
    response = app.test_client().post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()})
    assert response.status_code == 201, response.json
    return str(response.json["code"])


# --- an API key grants nothing outside /api/v1 -----------------------------------------

def test_a_key_limited_to_procedures_cannot_download_an_applicants_receipt(app: Flask) -> None:
    code = _submitted(app)
    bearer = {"Authorization": f"Bearer {_key(app, ['procedures:read'])}"}
    client = app.test_client()
    for path in (f"/ho-so/{code}/bien-nhan", f"/ho-so/{code}/bien-nhan.pdf"):
        response = client.get(path, headers=bearer)
        assert response.status_code == 401, (path, response.status_code)
        assert APPLICANT_ID.encode() not in response.data
        assert "Khóa API chỉ dùng cho giao diện lập trình /api/v1" in response.text


def test_even_a_key_with_every_scope_opens_no_page_nor_download(app: Flask) -> None:
    code = _submitted(app)
    key = _key(app, ["procedures:read", "dossiers:submit", "dossiers:read", "tracking:read"])
    client = app.test_client()
    for scheme in ("Bearer", "bearer", "BEARER"):
        headers = {"Authorization": f"{scheme} {key}"}
        for path in ("/", f"/ho-so/{code}/bien-nhan", f"/ho-so/{code}/bien-nhan.pdf",
                     "/can-bo", "/quan-tri/khoa-api"):
            assert client.get(path, headers=headers).status_code == 401, (scheme, path)
    # …while the same key still works where it belongs
    assert client.get(f"/api/v1/dossiers/{code}",
                      headers={"Authorization": f"Bearer {key}"}).json["code"] == code


def test_a_key_on_a_page_is_refused_without_being_looked_up(app: Flask) -> None:
    """A made-up key gets the same 401 on a page: pages are no oracle for keys."""
    response = app.test_client().get("/", headers={"Authorization": "Bearer mc_x_y"})
    assert response.status_code == 401


def test_the_engine_refuses_a_key_without_the_scope_whatever_the_route(
    app: Flask, platform: Platform
) -> None:
    code = _submitted(app)
    with platform.uow() as uow:
        agency = uow.session.scalar(select(Dossier.agency_id).where(Dossier.code == code))
    assert agency is not None

    def key(*scopes: str) -> Actor:
        return Actor(account_id=None, kind="integration", name="Tích hợp",
                     grants=frozenset({(agency, "integration")}), scopes=frozenset(scopes))

    with platform.uow() as uow, pytest.raises(Forbidden):
        dossiers.get_dossier(uow, actor=key("procedures:read"), code=code)
    with platform.uow() as uow, pytest.raises(NotFound):  # the receipt pages' check
        dossiers.find_visible(uow, actor=key("procedures:read", "dossiers:submit"), code=code)
    with platform.uow() as uow, pytest.raises(Forbidden):
        dossiers.submit_dossier(uow, actor=key("dossiers:read"), procedure_code=PERMIT,
                                agency_code=MINH_XUAN, data=permit_data())
    with platform.uow() as uow:
        assert dossiers.get_dossier(uow, actor=key("dossiers:read"), code=code)["code"] == code
        assert uow.session.scalar(select(func.count()).select_from(Dossier)) == 1


def test_every_key_call_under_the_api_is_logged_even_to_an_unknown_route(
    app: Flask, platform: Platform
) -> None:
    bearer = {"Authorization": f"Bearer {_key(app, ['procedures:read'])}"}
    client = app.test_client()
    assert client.get("/api/v1/khong-co-duong-nay", headers=bearer).status_code == 404
    assert client.get("/api/v1/tasks", headers=bearer).status_code == 403
    assert client.get("/api/v1/procedures", headers=bearer).status_code == 200
    with platform.uow() as uow:
        logged = [(c.route, c.status) for c in uow.session.scalars(
            select(ApiCall).order_by(ApiCall.id))]
    assert logged == [("/api/v1/khong-co-duong-nay", 404), ("/api/v1/tasks", 403),
                      ("/api/v1/procedures", 200)]


# --- `next` after logging in never leaves the site --------------------------------------

HOSTILE_NEXT = [
    "//evil.example", "/\\evil.example", "/%5Cevil.example", "/%09/evil.example",
    "/%0A/x", "/%0D%0ASet-Cookie:%20x=1", "/%00/x", "https://evil.example",
    "http:evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
    "%2F%2Fevil.example", "%252F%252Fevil.example", "///evil.example",
    "\\\\evil.example", "%20//evil.example", "/%E2%80%A8/evil.example", "/%C2%A0/evil.example",
    "%EF%BC%8F%EF%BC%8Fevil.example", "/" + "a" * 5000, "data:text/html,x", "evil.example",
]


def _page_login(client: FlaskClient, query: str) -> str:
    page = client.get(f"/dang-nhap?{query}")
    assert page.status_code == 200
    response = client.post(f"/dang-nhap?{query}", data={
        "csrf_token": token(page.data), "username": "congdan", "password": DEMO_PASSWORD})
    assert response.status_code == 303, response.status_code
    return response.headers["Location"]


def _local(location: str) -> bool:
    parts = urlsplit(location)
    return (not parts.scheme and not parts.netloc and location.startswith("/")
            and not location.startswith("//") and "\\" not in location
            and all(ch.isprintable() for ch in location))


@SQLITE
def test_next_after_login_never_sends_the_browser_to_another_site(app: Flask) -> None:
    client = app.test_client()
    home = _page_login(client, "")
    assert home == "/ca-nhan"
    for hostile in HOSTILE_NEXT:
        location = _page_login(client, f"next={hostile}")
        assert _local(location), (hostile, location)
        assert "evil" not in location.replace("/" + "a" * 5000, ""), (hostile, location)


@SQLITE
def test_a_local_next_is_kept_after_login(app: Flask) -> None:
    client = app.test_client()
    assert _page_login(client, "next=/tra-cuu%3Fma%3D1") == "/tra-cuu?ma=1"
    location = _page_login(client, "next=/th%E1%BB%A7-t%E1%BB%A5c")  # Vietnamese path
    assert _local(location) and location.startswith("/th")


@SQLITE
def test_a_hostile_next_does_not_break_the_login_page(app: Flask) -> None:
    client = app.test_client()
    for hostile in HOSTILE_NEXT:
        page = client.get(f"/dang-nhap?next={hostile}")
        assert page.status_code == 200, hostile
        assert b"evil" not in page.data, hostile


# --- JSON with NaN or Infinity is refused ---------------------------------------------

NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"]


def _dossiers(platform: Platform) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Dossier)) or 0


@pytest.mark.parametrize("value", NON_FINITE)
def test_a_body_with_nan_or_infinity_is_refused_and_nothing_is_stored(
    app: Flask, platform: Platform, value: str
) -> None:
    body = json.dumps({"procedure": PERMIT, "agency": MINH_XUAN, "data": {"dien_tich": 0}})
    body = body.replace('"dien_tich": 0', f'"dien_tich": {value}')
    response = app.test_client().post("/api/v1/dossiers", data=body,
                                      content_type="application/json")
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "invalid" and "NaN hoặc Infinity" in error["message"]
    assert error["details"] == {"value": value}
    assert _dossiers(platform) == 0
    json.loads(response.text, parse_constant=pytest.fail)  # the answer itself is valid JSON


@SQLITE
def test_nan_is_refused_on_every_json_route_and_by_the_admin_fetch_endpoints(
    app: Flask
) -> None:
    client = app.test_client()
    login(client, "thietke.minhxuan")
    put = client.put("/api/v1/account/password", data='{"current": NaN, "new": "x"}',
                     content_type="application/json")
    assert put.status_code == 400 and put.json["error"]["code"] == "invalid"
    preview = client.post("/quan-tri/xem-truoc-bieu-mau", data='{"schema": NaN}',
                          content_type="application/json")
    assert preview.status_code == 200  # read as no body: an empty preview, not a 500


def test_a_sandbox_run_typed_with_nan_is_refused_and_nothing_is_stored(
    app: Flask, platform: Platform
) -> None:
    """The designers' test-run form parses JSON typed in a text area (no fetch, no API)."""
    client = app.test_client()
    login(client, "thietke.minhxuan")
    url = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/chay-thu"
    text = re.sub(r'"dien_tich": [0-9.]+', '"dien_tich": NaN', json.dumps(permit_data()))
    assert "NaN" in text
    response = client.post(url, data={"csrf_token": token(client.get(url).data), "data": text})
    assert response.status_code == 422
    assert "Dữ liệu phải là một đối tượng JSON." in response.text
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(SandboxRun)) == 0


def test_the_app_never_emits_nan(app: Flask) -> None:
    with app.app_context(), pytest.raises(ValueError):
        app.json.dumps({"x": math.nan})
    with app.app_context():
        assert app.json.loads('{"x": 1.5}') == {"x": 1.5}
        assert app.json.dumps({"tên": "Nguyễn"}) == '{"tên": "Nguyễn"}'


# --- a hostile Host header gets 400, error pages need no URL adapter --------------------

BAD_HOST = "a" * 70 + ".example"
# The test client cannot even build `base_url=f"http://{BAD_HOST}"` (it IDNA-encodes the
# host and fails), so the second way in sets the WSGI environ's HTTP_HOST directly.


@SQLITE
@pytest.mark.parametrize("path", ["/", "/khong-co-trang-nay", "/dang-nhap?next=/"])
def test_a_host_label_over_63_characters_gets_400_on_a_page(app: Flask, path: str) -> None:
    client = app.test_client()
    for response in (client.get(path, headers={"Host": BAD_HOST}),
                     client.get(path, environ_overrides={"HTTP_HOST": BAD_HOST}),
                     client.get(path, headers={"Host": "a..example"})):
        assert response.status_code == 400
        assert "Tên máy chủ (Host) trong yêu cầu không hợp lệ." in response.text
        assert 'href="/"' in response.text


@SQLITE
def test_a_host_label_over_63_characters_gets_a_json_400_on_the_api(app: Flask) -> None:
    client = app.test_client()
    for response in (client.get("/api/v1/procedures", headers={"Host": BAD_HOST}),
                     client.post("/api/v1/dossiers", json={},
                                 environ_overrides={"HTTP_HOST": BAD_HOST})):
        assert response.status_code == 400
        assert response.json["error"]["code"] == "invalid"


def test_an_error_page_renders_without_a_request(app: Flask) -> None:
    with app.app_context():
        html, status = error_page(500, "Lỗi <hệ thống>")
    assert status == 500 and "Lỗi &lt;hệ thống&gt;" in html and 'href="/"' in html
    with app.test_request_context("/"):
        html, status = error_page(404, "Không tìm thấy.")
    assert status == 404 and "Không tìm thấy." in html and "style.css" in html
