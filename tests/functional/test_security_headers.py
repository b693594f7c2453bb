"""The Content-Security-Policy and the other security headers on every response, pages with
no inline script, style or event handler for that policy to block, and a form whose field
names could break out of the markup refused when a designer uploads or previews it."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from flask import Flask, Response
from flask.testing import FlaskClient

from tests.helpers import MINH_XUAN, PERMIT, login, package_files, page_login, permit_data, zip_bytes

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "procedures" / "cap-giay-phep-xay-dung-nha-o"
TEMPLATES = sorted([*(ROOT / "webapp" / "templates").glob("*.html"),
                    *(ROOT / "admin" / "templates").glob("*.html")])
HOSTILE = 'q" autofocus onfocus="fetch(\'/quan-tri\')" x="'
EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
DIRECTIVES = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
    "img-src": "'self' data:", "object-src": "'none'", "base-uri": "'none'",
    "frame-ancestors": "'none'", "form-action": "'self'",
}


@pytest.fixture
def database_url(seeded_sqlite: Path, tmp_path: Path) -> Iterator[str]:
    """Headers and markup do not depend on the database: SQLite only."""
    target = tmp_path / "motcua.db"
    shutil.copy(seeded_sqlite, target)
    yield f"sqlite:///{target}"


def _policy(header: str) -> dict[str, str]:
    """The first value of each directive, as a browser reads a policy."""
    found: dict[str, str] = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        found.setdefault(name, value.strip())
    return found


def _assert_protected(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, (name, response)
    policy = _policy(headers.get("Content-Security-Policy", ""))
    for name, value in DIRECTIVES.items():
        assert policy.get(name) == value, (name, policy)
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]


def _inline_code(html: str) -> list[str]:
    """Every inline script, inline style and event-handler attribute in a page."""
    root = lxml.html.document_fromstring(html)
    found = [f"<script>{(s.text or '')[:60]}" for s in root.iter("script")
             if not s.get("src") and s.get("type") != "application/json"]
    found += [f"<style>{(s.text or '')[:60]}" for s in root.iter("style")]
    for element in root.iter():
        if isinstance(element.tag, str):
            found += [f"<{element.tag} {a!s}=…>" for a in map(str, element.attrib)
                      if a.startswith("on") or a == "style"]
    found += [f"javascript: in <{e.tag}>" for e in root.iter("a", "form", "iframe")
              if (e.get("href") or e.get("action") or e.get("src") or "").strip().lower()
              .startswith("javascript:")]
    return found


def test_every_kind_of_response_carries_the_security_headers(client: FlaskClient) -> None:
    responses = {
        "page": client.get("/"),
        "api json": client.get("/api/v1/procedures"),
        "static file": client.get("/static/style.css"),
        "admin static file": client.get("/quan-tri/static/diagram.js"),
        "page 404": client.get("/khong-co-trang-nay"),
        "api 404": client.get("/api/v1/khong-co"),
        "login redirect": client.get("/ca-nhan"),
        "refused post (no CSRF token)": client.post("/dang-nhap", data={"username": "x"}),
        "api 405": client.delete("/api/v1/procedures"),
    }
    assert responses["page 404"].status_code == 404 and responses["api 404"].status_code == 404
    assert responses["static file"].status_code == 200
    for response in responses.values():
        _assert_protected(response)
        response.close()


def test_an_error_inside_a_view_still_carries_the_headers(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_boom")
    def boom() -> str:
        raise RuntimeError("boom")

    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    _assert_protected(response)


def test_a_downloaded_package_carries_the_headers(app: Flask) -> None:
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    response = designer.get(f"/api/v1/procedures/{PERMIT}/versions/1/package?agency={MINH_XUAN}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    _assert_protected(response)
    response.close()


def test_a_stored_file_keeps_its_own_sandbox_and_gains_the_policy(app: Flask) -> None:
    from webapp.downloads import file_response

    @app.get("/_file")
    def stored_file() -> Response:
        return file_response(b"<script>alert(1)</script>", "text/html", "giay.html")

    response = app.test_client().get("/_file")
    _assert_protected(response)
    assert _policy(response.headers["Content-Security-Policy"])["sandbox"] == ""


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_no_template_holds_inline_script_style_or_handler(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>", text, re.IGNORECASE)
    assert [s for s in scripts if "src=" not in s and 'type="application/json"' not in s] == []
    assert re.findall(r"\son[a-z]+\s*=", text, re.IGNORECASE) == []
    assert re.findall(r"<style\b|\sstyle\s*=", text, re.IGNORECASE) == []
    assert "javascript:" not in text.lower()


def _task_page(app: Flask, officer: FlaskClient) -> str:
    app.test_client().post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                      "data": permit_data()})
    tasks = officer.get("/api/v1/tasks").get_json()
    assert tasks is not None
    task_id = tasks["tasks"][0]["id"]
    return f"/can-bo/cong-viec/{task_id}"


def test_the_main_pages_have_no_inline_code_for_the_policy_to_block(app: Flask) -> None:
    version = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1"
    anonymous = app.test_client()
    citizen_pages = ["/", f"/thu-tuc/{PERMIT}?agency={MINH_XUAN}", "/tra-cuu", "/cong-khai",
                     "/phan-anh-kien-nghi", "/dang-nhap", "/dang-ky", "/quen-mat-khau"]
    officer = app.test_client()
    page_login(officer, "motcua.minhxuan")
    officer_pages = ["/can-bo", "/can-bo/tiep-nhan", "/can-bo/phan-anh", "/tai-khoan",
                     _task_page(app, officer)]
    designer = app.test_client()
    page_login(designer, "thietke.minhxuan")
    designer_pages = ["/quan-tri/thu-tuc", version, f"{version}/sua", f"{version}/thoi-gian",
                      f"{version}/bieu-mau/don_de_nghi.schema.json", f"{version}/chay-thu"]
    admin = app.test_client()
    page_login(admin, "quantri")
    admin_pages = ["/quan-tri/bao-cao", "/quan-tri/bang-dieu-khien", "/quan-tri/nhat-ky",
                   "/quan-tri/khoa-api", "/quan-tri/lich", "/quan-tri/tai-khoan-bi-khoa"]
    seen = 0
    for browser, pages in ((anonymous, citizen_pages), (officer, officer_pages),
                           (designer, designer_pages), (admin, admin_pages)):
        for path in pages:
            response = browser.get(path)
            assert response.status_code == 200, path
            _assert_protected(response)
            assert _inline_code(response.data.decode()) == [], path
            seen += 1
    assert seen == 25


def _hostile_package() -> dict[str, bytes]:
    files = package_files(PACKAGE)
    schema = json.loads(files["forms/don_de_nghi.schema.json"])
    schema["properties"][HOSTILE] = {"type": "string", "title": "Ghi chú"}
    files["forms/don_de_nghi.schema.json"] = json.dumps(schema, ensure_ascii=False).encode()
    return files


def test_a_field_name_that_breaks_out_of_markup_is_refused_at_upload(app: Flask) -> None:
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    before = designer.get(f"/api/v1/procedures/{PERMIT}/versions?agency={MINH_XUAN}").json
    response = designer.post("/api/v1/procedures", data={
        "agency": MINH_XUAN, "package": (io.BytesIO(zip_bytes(_hostile_package())), "goi.zip")})
    assert response.status_code == 422, response.json
    text = json.dumps(response.json, ensure_ascii=False)
    assert "Tên trường «" in text and "/properties/q" in text and "chữ cái" in text
    after = designer.get(f"/api/v1/procedures/{PERMIT}/versions?agency={MINH_XUAN}").json
    assert after == before  # nothing stored


def test_a_field_name_cannot_inject_script_into_the_form_editor_preview(app: Flask) -> None:
    designer = app.test_client()
    page_login(designer, "thietke.minhxuan")
    editor = designer.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/bieu-mau/don_de_nghi.schema.json")
    csrf = re.search(rb'name="csrf-token" content="([^"]+)"', editor.data)
    assert csrf
    schema = _hostile_package()["forms/don_de_nghi.schema.json"].decode()
    preview = designer.post("/quan-tri/xem-truoc-bieu-mau", json={"schema": schema},
                            headers={"X-CSRF-Token": csrf.group(1).decode()}).get_json()
    assert preview is not None and preview["html"] == ""
    assert any("Tên trường «" in p and "/properties/q" in p for p in preview["problems"])
