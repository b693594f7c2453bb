"""Never lose a designer's work (issue 20): a rejected upload is kept as a draft marked
invalid that opens in the modeler with its problems; a save from the modeler that fails is
kept too; saving the same files again makes no new draft; drafts are discarded only after a
confirmation, audited. And the agency list offers only real agencies after an upload."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from engine.core.models import AuditEntry
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, package_files, page_login, token, zip_bytes

PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
GOOD_CONDITION = b'quyet_dinh == "cap_phep"'
BAD_CONDITION = b"__import__('os')"


def _designer(app: Flask, username: str = "thietke.minhxuan") -> FlaskClient:
    client = app.test_client()
    page_login(client, username)
    client.environ_base["HTTP_X_CSRF_TOKEN"] = token(client.get("/quan-tri/thu-tuc").data)
    return client


def _bpmn(broken: bool = False) -> str:
    text = package_files(PACKAGE)["process.bpmn"]
    return (text.replace(GOOD_CONDITION, BAD_CONDITION) if broken else text).decode()


def _upload_broken(client: FlaskClient) -> str:
    files = package_files(PACKAGE)
    files["process.bpmn"] = _bpmn(broken=True).encode()
    page = client.get("/quan-tri/thu-tuc")
    response = client.post("/quan-tri/thu-tuc", data={
        "csrf_token": token(page.data), "agency": MINH_XUAN,
        "package": (io.BytesIO(zip_bytes(files)), "goi.zip")}, content_type="multipart/form-data")
    assert response.status_code == 422
    return str(response.data.decode())


def _draft_link(html: str) -> str:
    found = re.search(r'id="open-draft" href="(/quan-tri/ban-nhap/\d+)"', html)
    assert found is not None, html
    return found.group(1)


def _body(response: TestResponse) -> dict[str, Any]:
    body = response.get_json()
    assert isinstance(body, dict), response.data
    return body


def _audits(platform: Platform, action: str) -> int:
    with platform.uow() as work:
        return len(list(work.session.scalars(select(AuditEntry.id).where(AuditEntry.action == action))))


def test_a_rejected_upload_is_kept_and_opens_in_the_modeler_with_its_problems(app: Flask) -> None:
    designer = _designer(app)
    html = _upload_broken(designer)
    assert "KHÔNG hợp lệ" in html and "bản nháp chưa hợp lệ" in html
    link = _draft_link(html)
    page = designer.get(link)
    assert page.status_code == 200
    text = page.data.decode()
    assert 'data-element="f_cap_phep"' in text and 'id="canvas"' in text  # listed, to mark
    found = re.search(r'id="bench-data">(.*?)</script>', text, re.S)
    assert found is not None
    bench = json.loads(found.group(1))
    assert BAD_CONDITION.decode() in bench["diagrams"]["process.bpmn"]  # the work as sent
    assert bench["role_labels"]["mot_cua"] == "Bộ phận Một cửa"
    assert {u["key"] for u in bench["units"]} >= {"working_days", "working_hours", "months"}
    listed = designer.get("/quan-tri/thu-tuc").data.decode()
    assert "Bản nháp chưa hợp lệ (1)" in listed and link in listed
    # The same broken files again: still one kept draft, the same one.
    assert _draft_link(_upload_broken(designer)) == link
    assert "Bản nháp chưa hợp lệ (1)" in designer.get("/quan-tri/thu-tuc").data.decode()
    # Someone who does not design for the agency cannot open it.
    assert _designer(app, "xemxet.minhxuan").get(link).status_code == 404


def test_a_package_refused_through_the_api_is_kept_as_a_draft_too(app: Flask) -> None:
    """An integration uploading through `POST /api/v1/procedures` loses nothing either: the
    422 names the kept draft, which the designer then finds on the procedures page."""
    designer = _designer(app)
    files = package_files(PACKAGE)
    files["process.bpmn"] = _bpmn(broken=True).encode()
    response = designer.post("/api/v1/procedures", data={
        "agency": MINH_XUAN, "package": (io.BytesIO(zip_bytes(files)), "goi.zip")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    body = _body(response)
    assert body["version"] is None and body["report"]["valid"] is False
    assert body["draft"] is not None
    listed = designer.get("/quan-tri/thu-tuc").data.decode()
    assert "Bản nháp chưa hợp lệ (1)" in listed


def test_a_kept_draft_is_saved_in_place_until_valid_then_becomes_a_version(app: Flask) -> None:
    designer = _designer(app)
    link = _draft_link(_upload_broken(designer))
    still = designer.post(f"{link}/luu", json={"files": {"process.bpmn": _bpmn(broken=True).replace(
        'name="Thẩm định hồ sơ, đề xuất"', 'name="Thẩm định"')}})
    assert still.status_code == 422
    assert _body(still)["draft"]["url"] == link  # updated in place, not a second draft
    assert any(p["element"] == "f_cap_phep" for p in _body(still)["report"]["problems"])
    assert 'name=\\"Thẩm định\\"' in designer.get(link).data.decode()  # the edit is kept
    fixed = designer.post(f"{link}/luu", json={"files": {"process.bpmn": _bpmn()}})
    assert fixed.status_code == 201, fixed.json
    assert _body(fixed)["version"]["number"] == 2
    assert _body(fixed)["url"] == f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/2"
    assert "Bản nháp chưa hợp lệ" not in designer.get("/quan-tri/thu-tuc").data.decode()
    assert designer.get(link).status_code == 409  # it lives on as version 2


def test_a_failed_modeler_save_is_kept_and_an_identical_save_makes_no_new_draft(app: Flask) -> None:
    designer = _designer(app)
    save = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/luu"
    failed = designer.post(save, json={"files": {"process.bpmn": _bpmn(broken=True)}})
    assert failed.status_code == 422 and _body(failed)["version"] is None
    assert _body(failed)["draft"]["url"].startswith("/quan-tri/ban-nhap/")
    again = designer.post(save, json={"files": {"process.bpmn": _bpmn(broken=True)}})
    assert _body(again)["draft"]["id"] == _body(failed)["draft"]["id"]
    edited = _bpmn().replace('name="Thẩm định hồ sơ, đề xuất"', 'name="Thẩm định hồ sơ"')
    first = designer.post(save, json={"files": {"process.bpmn": edited}})
    assert first.status_code == 201 and _body(first)["version"]["number"] == 2
    second = designer.post(save, json={"files": {"process.bpmn": edited}})
    assert second.status_code == 200 and _body(second)["version"]["unchanged"]
    assert _body(second)["version"]["number"] == 2  # no draft 3
    listed = designer.get("/quan-tri/thu-tuc").data.decode()
    assert f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/3" not in listed


def test_drafts_are_discarded_only_after_confirmation_and_audited(app: Flask, platform: Platform) -> None:
    designer = _designer(app)
    link = _draft_link(_upload_broken(designer))
    csrf = token(designer.get(link).data)
    refused = designer.post(f"{link}/bo", data={"csrf_token": csrf}, follow_redirects=True)
    assert "Hãy đánh dấu ô xác nhận" in refused.data.decode()
    assert "Bản nháp chưa hợp lệ (1)" in designer.get("/quan-tri/thu-tuc").data.decode()
    done = designer.post(f"{link}/bo", data={"csrf_token": csrf, "confirm": "yes"},
                         follow_redirects=True)
    assert "Đã bỏ bản nháp chưa hợp lệ." in done.data.decode()
    assert "Bản nháp chưa hợp lệ" not in designer.get("/quan-tri/thu-tuc").data.decode()
    assert _audits(platform, "procedure.discard_invalid") == 1

    edited = _bpmn().replace('name="Thẩm định hồ sơ, đề xuất"', 'name="Thẩm định hồ sơ"')
    number = _body(designer.post(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/luu",
                                 json={"files": {"process.bpmn": edited}}))["version"]["number"]
    page = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{number}"
    assert "Bỏ bản nháp" in designer.get(page).data.decode()
    reviewer = _designer(app, "xemxet.minhxuan")
    assert "Bỏ bản nháp" not in reviewer.get(page).data.decode()
    gone = designer.post(f"{page}/bo", data={"csrf_token": token(designer.get(page).data),
                                             "confirm": "yes"}, follow_redirects=True)
    assert f"Đã bỏ bản nháp số {number}" in gone.data.decode()
    assert f'href="{page}"' not in designer.get("/quan-tri/thu-tuc").data.decode()
    assert "Đã bỏ" in designer.get(page).data.decode()
    assert _audits(platform, "procedure.discard") == 1


def test_the_agency_list_offers_only_real_agencies_after_an_upload(app: Flask) -> None:
    """Regression: after an upload the list gained «000.00.12.H64 (000.00.12.H64)»."""
    designer = _designer(app)
    html = _upload_broken(designer)
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>',
                         html.split('id="agency"', 1)[1].split("</select>", 1)[0])
    assert options == [(MINH_XUAN, "UBND phường Minh Xuân")], options
    assert f"{MINH_XUAN} ({MINH_XUAN})" not in html


def test_the_diff_page_tells_what_changed_in_sentences(app: Flask) -> None:
    designer = _designer(app)
    edited = _bpmn().replace('name="deadline" value="P10D"', 'name="deadline" value="P8D"')
    number = _body(designer.post(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/luu",
                                 json={"files": {"process.bpmn": edited}}))["version"]["number"]
    page = designer.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{number}/so-sanh?voi=1")
    html = page.data.decode()
    assert "<li>Bước «Thẩm định hồ sơ, đề xuất»: thời hạn 10 → 8 ngày làm việc.</li>" in html
    assert "Biểu mẫu không đổi." in html and "P10D" not in html and "{&#39;" not in html
    steps = designer.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{number}").data.decode()
    assert "8 ngày làm việc" in steps and "Bộ phận Một cửa" in steps  # words, labels
    assert 'title="tham_dinh">Thẩm định hồ sơ, đề xuất</a>' in steps  # the id on hover
    assert "(bước «Thẩm định hồ sơ, đề xuất»): <span title=\"P10D\">sau 10 ngày làm việc</span>" in steps
