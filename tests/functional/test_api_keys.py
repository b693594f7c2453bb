"""API keys: shown once, stored hashed, scoped, rate limited with Retry-After, every call
logged, revocable."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from engine.core.clock import FixedClock
from engine.core.models import ApiKey
from engine.wiring import Platform
from tests.helpers import AN_TUONG, MINH_XUAN, PERMIT, login, permit_data


def _key(app: Flask, scopes: list[str], rate: int = 3, agency: str = MINH_XUAN) -> dict:
    admin = app.test_client()
    login(admin, "quantri")
    created = admin.post("/api/v1/api-keys", json={"name": "Cổng DVC quốc gia", "agency": agency,
                                                   "scopes": scopes, "rate_per_minute": rate})
    assert created.status_code == 201, created.json
    return dict(created.json)


def test_a_key_is_shown_once_and_stored_only_as_a_hash(app: Flask, platform: Platform) -> None:
    key = _key(app, ["procedures:read"])
    assert key["key"].startswith("mc_")
    with platform.uow() as uow:
        stored = uow.session.scalar(select(ApiKey))
        assert stored is not None and key["key"].split("_", 2)[2] not in stored.key_hash


def test_scopes_limit_what_a_key_may_call(app: Flask) -> None:
    code = app.test_client().post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}).json["code"]
    other = app.test_client().post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": AN_TUONG, "data": permit_data()}).json["code"]
    key = _key(app, ["procedures:read", "dossiers:read"], rate=100)
    bearer = {"Authorization": f"Bearer {key['key']}"}
    client = app.test_client()
    assert client.get("/api/v1/procedures", headers=bearer).status_code == 200
    assert client.get(f"/api/v1/dossiers/{code}", headers=bearer).json["code"] == code
    assert client.get(f"/api/v1/dossiers/{other}", headers=bearer).status_code == 404
    assert client.post("/api/v1/dossiers", headers=bearer,
                       json={"procedure": PERMIT, "data": {}}).status_code == 403
    assert client.get("/api/v1/tasks", headers=bearer).status_code == 403
    assert client.get("/api/v1/procedures",
                      headers={"Authorization": "Bearer mc_x_y"}).status_code == 401


def test_the_rate_limit_answers_429_with_retry_after_and_every_call_is_logged(
    app: Flask, clock: FixedClock
) -> None:
    key = _key(app, ["procedures:read"], rate=3)
    bearer = {"Authorization": f"Bearer {key['key']}"}
    client = app.test_client()
    assert [client.get("/api/v1/procedures", headers=bearer).status_code
            for _ in range(3)] == [200, 200, 200]
    limited = client.get("/api/v1/procedures", headers=bearer)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "61"
    assert limited.json["error"]["code"] == "rate_limited"
    clock.advance(timedelta(seconds=61))
    assert client.get("/api/v1/procedures", headers=bearer).status_code == 200
    admin = app.test_client()
    login(admin, "quantri")
    calls = admin.get(f"/api/v1/api-keys/{key['id']}/calls").json["calls"]
    assert [c["status"] for c in calls] == [200, 429, 200, 200, 200]
    assert all(c["route"] == "/api/v1/procedures" and c["address"] for c in calls)


def test_a_revoked_key_stops_working_at_once(app: Flask) -> None:
    key = _key(app, ["procedures:read"])
    admin = app.test_client()
    login(admin, "quantri")
    assert admin.post(f"/api/v1/api-keys/{key['id']}/revoke").status_code == 200
    response = app.test_client().get("/api/v1/procedures",
                                     headers={"Authorization": f"Bearer {key['key']}"})
    assert response.status_code == 401
    officer = app.test_client()
    login(officer, "motcua.minhxuan")
    assert officer.post("/api/v1/api-keys", json={"name": "x", "agency": MINH_XUAN,
                                                  "scopes": ["procedures:read"]}).status_code == 403
