"""«Tạo thủ tục mới» (`/quan-tri/thu-tuc/moi`): a designer without a package starts a
procedure from words — it becomes draft version 1 exactly like an upload (validated, its own
test passing, audited); a code the agency already has, or bad answers, give the form back as
typed with the problem beside its field; who may not upload may not create either."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.models import AuditEntry, Procedure, ProcedureVersion
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, page_login, token

NEW = "/quan-tri/thu-tuc/moi"


def _client(app: Flask, username: str = "thietke.minhxuan") -> FlaskClient:
    client = app.test_client()
    page_login(client, username)
    return client


def _answers(**overrides: Any) -> dict[str, Any]:
    return {"agency": MINH_XUAN, "code": "9.900001", "name": "Cấp phép sửa chữa nhà ở",
            "field": "Hoạt động xây dựng", "level": "full", "time_value": "10",
            "time_unit": "working_days", "roles": ["chuyen_vien", "lanh_dao"], "fee": "50.000",
            "papers": "Đơn đề nghị sửa chữa\nBản vẽ hiện trạng\n", **overrides}


def _post(client: FlaskClient, **overrides: Any) -> Any:
    page = client.get(NEW)
    assert page.status_code == 200
    return client.post(NEW, data={"csrf_token": token(page.data), **_answers(**overrides)})


def test_the_versions_page_links_to_the_new_procedure_form(app: Flask) -> None:
    listed = _client(app).get("/quan-tri/thu-tuc").data.decode()
    assert 'id="new-procedure-link" href="/quan-tri/thu-tuc/moi">Tạo thủ tục mới<' in listed
    form = _client(app).get(NEW).data.decode()
    assert "Bộ phận Một cửa" in form and "ngày làm việc" in form and "Toàn trình" in form
    assert 'value="chuyen_vien"' in form  # the agency's roles, by their label
    assert "P10D" not in form


def test_a_new_procedure_becomes_draft_version_1_with_its_test_passing(
        app: Flask, platform: Platform) -> None:
    client = _client(app)
    response = _post(client)
    assert response.status_code == 302, response.data.decode()[:2000]
    assert response.headers["Location"].endswith(f"/quan-tri/thu-tuc/{MINH_XUAN}/9.900001/1")
    page = client.get(response.headers["Location"]).data.decode()
    assert "Cấp phép sửa chữa nhà ở" in page and "Tiếp nhận hồ sơ" in page
    # The start form (the applicant's, with the papers) opens in the builder from here.
    assert re.search(r'id="start-form">[^<]*<a href="/quan-tri/thu-tuc/[^"]+/9\.900001/1/bieu-mau/'
                     r'to_khai\.schema\.json"[^>]*>Dựng đơn nộp hồ sơ</a>', page), page
    with platform.uow() as work:
        version = work.session.scalar(select(ProcedureVersion).join(Procedure).where(
            Procedure.code == "9.900001"))
        assert version is not None and version.number == 1 and version.status == "draft"
        assert version.test_results["passed"] and version.test_results["total"] == 1
        manifest = json.loads(version.package["procedure.json"])
        audits = list(work.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "procedure.import", AuditEntry.object_id == f"{MINH_XUAN}/9.900001")))
    assert manifest["processing_time"] == {"value": 10, "unit": "working_days"}
    assert manifest["fees"][0]["amount"] == 50000
    assert [c["name"] for c in manifest["components"]] == ["Đơn đề nghị sửa chữa", "Bản vẽ hiện trạng"]
    assert list(manifest["roles"]) == ["mot_cua", "chuyen_vien", "lanh_dao"]
    assert len(audits) == 1
    assert "Cấp phép sửa chữa nhà ở" in client.get("/quan-tri/thu-tuc").data.decode()


def test_an_existing_code_is_refused_and_the_form_keeps_what_was_typed(app: Flask) -> None:
    response = _post(_client(app), code=PERMIT, name="Một thủ tục trùng mã")
    assert response.status_code == 409
    html = response.data.decode()
    assert f"Cơ quan đã có thủ tục mã {PERMIT}" in html
    assert 'value="Một thủ tục trùng mã"' in html and "Bản vẽ hiện trạng" in html
    assert re.search(r'value="chuyen_vien" checked', html)


def test_bad_answers_are_named_beside_their_fields(app: Flask, platform: Platform) -> None:
    client = _client(app)
    for overrides, message in (
            ({"name": "  "}, "Hãy nhập tên thủ tục"),
            ({"fee": "-5000"}, "Lệ phí là số tiền bằng đồng"),
            ({"time_value": "0"}, "Thời hạn giải quyết là một số lớn hơn 0"),
            ({"time_value": "mười"}, "Thời hạn giải quyết là một số lớn hơn 0"),
            ({"code": "mã có dấu"}, "Mã thủ tục gồm chữ, số"),
            ({"roles": ["khong_co"]}, "Có người xử lý không thuộc danh sách")):
        response = _post(client, **overrides)
        assert response.status_code == 422, overrides
        html = response.data.decode()
        assert message in html and 'class="error-summary"' in html, overrides
        assert 'value="Hoạt động xây dựng"' in html  # the rest kept as typed
    with platform.uow() as work:
        assert work.session.scalar(select(Procedure.id).where(Procedure.code == "9.900001")) is None


def test_same_day_needs_no_number_and_no_fee_means_none(app: Flask, platform: Platform) -> None:
    response = _post(_client(app), code="9.900002", time_value="", time_unit="same_day", fee="",
                     roles=[], papers="")
    assert response.status_code == 302, response.data.decode()[:2000]
    with platform.uow() as work:
        version = work.session.scalar(select(ProcedureVersion).join(Procedure).where(
            Procedure.code == "9.900002"))
        assert version is not None
        manifest = json.loads(version.package["procedure.json"])
    assert manifest["processing_time"]["unit"] == "same_day" and manifest["fees"] == []
    assert list(manifest["roles"]) == ["mot_cua"]


def test_who_may_not_upload_may_not_create(app: Flask) -> None:
    reviewer = _client(app, "xemxet.minhxuan")
    assert reviewer.get(NEW).status_code == 403
    page = _client(app).get(NEW)  # a designer's token, a reviewer's session: still refused
    refused = reviewer.post(NEW, data={"csrf_token": token(reviewer.get("/quan-tri/thu-tuc").data),
                                       **_answers()})
    assert refused.status_code == 403
    assert page.status_code == 200
    assert _client(app, "chuyenvien.minhxuan").get(NEW).status_code == 403
    citizen = _client(app, "congdan")
    assert citizen.get(NEW).status_code == 403
    assert app.test_client().get(NEW).status_code in (302, 303, 401)
