"""The OpenAPI document describes exactly the API's routes."""

from __future__ import annotations

import re

from flask import Flask

from tests.helpers import MINH_XUAN, PERMIT, login


def test_every_api_route_is_documented_and_every_documented_path_exists(app: Flask) -> None:
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((method.lower(), path))
    document = app.test_client().get("/api/v1/openapi.json").json
    documented = {(method, path) for path, operations in document["paths"].items()
                  for method in operations}
    assert served == documented


def test_documented_responses_match_what_the_api_answers(app: Flask) -> None:
    client = app.test_client()
    document = client.get("/api/v1/openapi.json").json
    listed = client.get("/api/v1/procedures")
    assert "200" in document["paths"]["/procedures"]["get"]["responses"]
    required = document["components"]["schemas"]["ProcedureEntry"]["required"]
    assert all(key in listed.json["procedures"][0] for key in required)
    missing = client.post("/api/v1/dossiers", json={"procedure": "khong-co", "data": {}})
    assert missing.status_code == 404
    assert set(missing.json["error"]) == {"code", "message", "details"}
    created = client.post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                     "data": {}})
    assert str(created.status_code) in document["paths"]["/dossiers"]["post"]["responses"]


def test_the_claim_of_a_dossier_answers_as_documented(app: Flask) -> None:
    """«Thêm hồ sơ đã nộp vào tài khoản» through the API: the documented statuses, and the
    answer of a refusal in the documented error shape."""
    client = app.test_client()
    document = client.get("/api/v1/openapi.json").json
    send = document["paths"]["/me/dossiers/{code}/claim"]["post"]
    confirm = document["paths"]["/me/dossiers/{code}/claim/confirm"]["post"]
    assert {"202", "401", "403", "404", "409", "429"} <= set(send["responses"])
    assert {"200", "422", "429"} <= set(confirm["responses"])
    anonymous = client.post("/api/v1/me/dossiers/000.00.12.H64-261125-0001/claim")
    assert anonymous.status_code == 401 and set(anonymous.json["error"]) == {"code", "message",
                                                                              "details"}
    login(client, "congdan")
    missing = client.post("/api/v1/me/dossiers/khong-co/claim")
    assert str(missing.status_code) in send["responses"] and missing.status_code == 404
    wrong = client.post("/api/v1/me/dossiers/khong-co/claim/confirm", json={"otp": "12"})
    assert str(wrong.status_code) in confirm["responses"] and wrong.status_code == 422
