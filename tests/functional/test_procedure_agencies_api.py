"""«Áp dụng cho cơ quan» by API (`/api/v1/procedures/<code>/agencies?agency=`), on both
databases: an administrator applies the permit of Minh Xuân at the Department of
Construction, whose catalogue then offers it; applying again changes nothing; stopping
ends it there. Refusals: not signed in (401), not allowed (403, the page's rule), an
unknown agency or procedure (404 naming it), a wrong request (400), an agency with its own
procedure of that code (409)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import MINH_XUAN, PERMIT, login

DEPARTMENT, AN_TUONG = "000.05.00.H64", "000.00.31.H64"
BASE = f"/api/v1/procedures/{PERMIT}/agencies?agency={MINH_XUAN}"


def _as(app: Flask, username: str | None) -> FlaskClient:
    client = app.test_client()
    if username:
        login(client, username)
    return client


def _states(page: dict[str, Any]) -> dict[str, str]:
    return {a["code"]: a["state"] for g in page["groups"] for a in g["agencies"]}


def _error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json["error"]["message"]


def test_an_administrator_applies_once_and_stops(app: Flask) -> None:
    admin = _as(app, "quantri")
    before = admin.get(BASE)
    assert before.status_code == 200 and _states(before.json)[DEPARTMENT] == "none"
    assert before.json["in_force"] is True
    applied = admin.post(BASE, json={"agencies": [DEPARTMENT]})
    assert applied.status_code == 200, applied.json
    assert applied.json["applied"] == ["Sở Xây dựng tỉnh Tuyên Quang"]
    assert _states(applied.json)[DEPARTMENT] == "applied"
    offered = app.test_client().get(f"/api/v1/procedures/{PERMIT}?agency={DEPARTMENT}")
    assert offered.status_code == 200 and offered.json["agency"]["code"] == DEPARTMENT
    again = admin.post(BASE, json={"agencies": [DEPARTMENT]})  # idempotent
    assert again.status_code == 200 and again.json["applied"] == []
    assert _states(again.json)[DEPARTMENT] == "applied"
    stopped = admin.delete(f"/api/v1/procedures/{PERMIT}/agencies/{DEPARTMENT}?agency={MINH_XUAN}")
    assert stopped.status_code == 200
    assert stopped.json == {"stopped": "Sở Xây dựng tỉnh Tuyên Quang"}
    assert _error(admin.delete(f"/api/v1/procedures/{PERMIT}/agencies/{DEPARTMENT}"
                               f"?agency={MINH_XUAN}")) == (
        409, "Thủ tục không đang áp dụng tại Sở Xây dựng tỉnh Tuyên Quang.")
    assert app.test_client().get(f"/api/v1/procedures/{PERMIT}?agency={DEPARTMENT}").status_code == 404


def test_who_may_not_apply_is_refused_and_nothing_changes(app: Flask) -> None:
    body = {"agencies": [DEPARTMENT]}
    assert _as(app, None).post(BASE, json=body).status_code == 401
    for username in ("congdan", "motcua.minhxuan", "lanhdao.minhxuan"):
        assert _error(_as(app, username).post(BASE, json=body)) == (
            403, "Bạn không có quyền quản lý thủ tục của cơ quan này."), username
        assert _as(app, username).get(BASE).status_code == 403, username
    # Minh Xuân's designer designs there, not at the Department: the page's rule.
    assert _error(_as(app, "thietke.minhxuan").post(BASE, json=body)) == (
        403, "Bạn không có quyền áp dụng thủ tục cho Sở Xây dựng tỉnh Tuyên Quang.")
    assert _states(_as(app, "quantri").get(BASE).json)[DEPARTMENT] == "none"


def test_unknown_agency_or_procedure_and_wrong_requests_are_named(app: Flask) -> None:
    admin = _as(app, "quantri")
    assert _error(admin.post(BASE, json={"agencies": ["000.99.99.H64"]})) == (
        404, "Không có cơ quan mã 000.99.99.H64.")
    assert _error(admin.post(f"/api/v1/procedures/9.999999/agencies?agency={MINH_XUAN}",
                             json={"agencies": [DEPARTMENT]})) == (
        404, f"Không có thủ tục mã 9.999999 của cơ quan mã {MINH_XUAN}.")
    assert _error(admin.post(f"/api/v1/procedures/{PERMIT}/agencies",
                             json={"agencies": [DEPARTMENT]})) == (
        400, "Cần mã cơ quan của thủ tục: ?agency=<mã cơ quan>.")
    for wrong in ({}, {"agencies": DEPARTMENT}, {"agencies": [7]}):
        assert _error(admin.post(BASE, json=wrong)) == (
            400, "Trường 'agencies' phải là danh sách mã cơ quan."), wrong
    assert _error(admin.post(BASE, json={"agencies": []})) == (400, "Hãy chọn ít nhất một cơ quan.")
    assert _error(admin.post(BASE, json={"agencies": [AN_TUONG]})) == (
        409, f"UBND xã An Tường đã có thủ tục riêng mã {PERMIT}.")
    assert admin.post(BASE, data="agencies").status_code == 415


def test_the_answers_are_the_documented_ones(app: Flask) -> None:
    document = app.test_client().get("/api/v1/openapi.json").json
    listed = document["paths"]["/procedures/{code}/agencies"]
    stop = document["paths"]["/procedures/{code}/agencies/{target}"]["delete"]
    required = document["components"]["schemas"]["ProcedureAgencies"]["required"]
    admin = _as(app, "quantri")
    page = admin.get(BASE)
    assert str(page.status_code) in listed["get"]["responses"]
    assert all(key in page.json for key in required)
    for client, body in ((_as(app, None), [DEPARTMENT]), (_as(app, "congdan"), [DEPARTMENT]),
                         (admin, ["000.99.99.H64"]), (admin, [AN_TUONG]), (admin, []),
                         (admin, [DEPARTMENT])):
        answer = client.post(BASE, json={"agencies": body})
        assert str(answer.status_code) in listed["post"]["responses"], answer.status_code
        if answer.status_code >= 400:
            assert set(answer.json["error"]) == {"code", "message", "details"}
    assert all(key in answer.json for key in [*required, "applied"])
    for _ in range(2):  # stopped, then not applied there any more
        answer = admin.delete(f"/api/v1/procedures/{PERMIT}/agencies/{DEPARTMENT}?agency={MINH_XUAN}")
        assert str(answer.status_code) in stop["responses"]
