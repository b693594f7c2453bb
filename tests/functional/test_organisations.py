"""Organisations (Tuyên Quang seed, art. 5.2): a citizen registers the company they
represent (its tax code becomes its login), authorises a colleague (ủy quyền) for a period,
the colleague submits on the company's behalf (the dossier is the company's, the person in
the audit trail); an ended or expired authorisation acts no more."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.clock import FixedClock
from engine.core.models import AuditEntry
from engine.identity.accounts import create_account
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, login, permit_data

TAX = "0101234567"
COMPANY = {"tax_code": TAX, "name": "Công ty TNHH Xây dựng Sông Lô", "address": "Tuyên Quang",
           "email": "songlo@tuyenquang.example", "password": "Mat-khau-cong-ty-1"}
COLLEAGUE_PASSWORD = "Mat-khau-dong-nghiep-1"


def _colleague(platform: Platform, client: FlaskClient) -> FlaskClient:
    with platform.uow() as uow:
        create_account(uow, username="dongnghiep", password=COLLEAGUE_PASSWORD,
                       full_name="Trần Văn Bảo", kind="citizen", id_number="008090005555")
        uow.commit()
    colleague = client.application.test_client()
    response = colleague.post("/api/v1/session", json={"username": "dongnghiep",
                                                        "password": COLLEAGUE_PASSWORD})
    colleague.environ_base["HTTP_X_CSRF_TOKEN"] = response.json["csrf_token"]
    return colleague


def test_an_authorised_colleague_submits_for_the_company(
    client: FlaskClient, platform: Platform, clock: FixedClock,
) -> None:
    login(client, "congdan")
    bad = client.post("/api/v1/organisations", json={**COMPANY, "tax_code": "12AB",
                                                     "password": "ngan"})
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json["error"]["details"]} == {"tax_code", "password"}
    made = client.post("/api/v1/organisations", json=COMPANY)
    assert made.status_code == 201
    assert made.json["members"][0]["role"] == "representative"
    assert client.post("/api/v1/organisations", json=COMPANY).status_code == 422  # taken
    colleague = _colleague(platform, client)
    assert colleague.get(f"/api/v1/organisations/{TAX}").status_code == 404
    added = client.post(f"/api/v1/organisations/{TAX}/members", json={
        "username": "dongnghiep", "authorisation": "Giấy ủy quyền số 12/2026/UQ",
        "valid_until": (clock.now() + timedelta(days=30)).isoformat()})
    assert added.status_code == 201
    assert [o["tax_code"] for o in colleague.get("/api/v1/organisations").json[
        "organisations"]] == [TAX]
    assert colleague.post(f"/api/v1/organisations/{TAX}/members", json={
        "username": "congdan", "authorisation": "x"}).status_code == 403  # not the representative
    submitted = colleague.post(f"/api/v1/organisations/{TAX}/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()})
    assert submitted.status_code == 201, submitted.json
    code = submitted.json["code"]
    listed = colleague.get(f"/api/v1/organisations/{TAX}/dossiers").json["dossiers"]
    assert code in {d["code"] for d in listed}
    assert code not in {d["code"] for d in colleague.get("/api/v1/me/dossiers").json["dossiers"]}
    company = client.application.test_client()
    assert company.post("/api/v1/session", json={"username": TAX,
                                                  "password": COMPANY["password"]}).status_code == 201
    assert code in {d["code"] for d in company.get("/api/v1/me/dossiers").json["dossiers"]}
    with platform.uow() as uow:
        acted = uow.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "organisation.acted_for", AuditEntry.object_id == TAX)).all()
        assert len(acted) == 1 and acted[0].actor_id is not None
    clock.advance(timedelta(days=31))  # the authorisation has run out
    colleague = client.application.test_client()
    colleague.post("/api/v1/session", json={"username": "dongnghiep",
                                             "password": COLLEAGUE_PASSWORD})
    assert colleague.get(f"/api/v1/organisations/{TAX}/dossiers").status_code == 404


def test_an_ended_authorisation_acts_no_more(client: FlaskClient, platform: Platform) -> None:
    login(client, "congdan")
    assert client.post("/api/v1/organisations", json=COMPANY).status_code == 201
    colleague = _colleague(platform, client)
    client.post(f"/api/v1/organisations/{TAX}/members", json={
        "username": "dongnghiep", "authorisation": "Giấy ủy quyền số 12/2026/UQ"})
    ended = client.delete(f"/api/v1/organisations/{TAX}/members/dongnghiep")
    assert ended.status_code == 200 and len(ended.json["members"]) == 1
    assert colleague.post(f"/api/v1/organisations/{TAX}/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}).status_code == 404
    officer = client.application.test_client()
    login(officer, "motcua.minhxuan")
    assert officer.post("/api/v1/organisations", json=COMPANY).status_code == 403
    with platform.uow() as uow:
        actions = set(uow.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_type == "organisation")))
    assert {"organisation.registered", "organisation.member_added",
            "organisation.member_removed"} <= actions


def test_the_pages_register_and_authorise(client: FlaskClient, platform: Platform) -> None:
    from tests.helpers import page_login, token

    _colleague(platform, client)
    page_login(client, "congdan")
    assert "Tổ chức, doanh nghiệp" in client.get("/tai-khoan").data.decode()
    page = client.get("/to-chuc")
    refused = client.post("/to-chuc", data={"csrf_token": token(page.data), **COMPANY,
                                            "tax_code": "abc"})
    assert refused.status_code == 422
    html = refused.data.decode()
    assert "Mã số thuế gồm 10 chữ số" in html and 'value="Công ty TNHH Xây dựng Sông Lô"' in html
    assert COMPANY["password"] not in html  # a password is never sent back
    made = client.post("/to-chuc", data={"csrf_token": token(page.data), **COMPANY})
    assert made.status_code == 303 and made.location.endswith(f"/to-chuc/{TAX}")
    detail = client.get(f"/to-chuc/{TAX}")
    assert client.post(f"/to-chuc/{TAX}/uy-quyen", data={
        "csrf_token": token(detail.data), "username": "dongnghiep", "authorisation": "",
        "valid_until": ""}).status_code == 422
    assert client.post(f"/to-chuc/{TAX}/uy-quyen", data={
        "csrf_token": token(detail.data), "username": "dongnghiep",
        "authorisation": "Giấy ủy quyền số 3/UQ", "valid_until": "2026-12-31"}).status_code == 303
    shown = client.get(f"/to-chuc/{TAX}").data.decode()
    assert "Trần Văn Bảo" in shown and "Giấy ủy quyền số 3/UQ" in shown
    assert client.post(f"/to-chuc/{TAX}/cham-dut", data={
        "csrf_token": token(detail.data), "username": "dongnghiep"}).status_code == 303
    assert "Trần Văn Bảo" not in client.get(f"/to-chuc/{TAX}").data.decode()
    officer = client.application.test_client()
    page_login(officer, "motcua.minhxuan")
    assert officer.get("/to-chuc").status_code == 403
    assert client.application.test_client().get(f"/to-chuc/{TAX}").status_code in (303, 401)
