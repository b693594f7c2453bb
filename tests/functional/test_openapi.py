"""The OpenAPI document describes exactly the API's routes."""

from __future__ import annotations

import re

from flask import Flask

from tests.helpers import MINH_XUAN, PERMIT


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
