"""Hostile input, named attack by attack: each is refused with a clear message and leaves
the database exactly as it was."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.models import Dossier, Event, ProcedureVersion, Task
from engine.platform import Platform
from tests.helpers import (
    APPLICANT_ID,
    MINH_XUAN,
    PERMIT,
    login,
    package_files,
    permit_data,
    zip_bytes,
)

PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
BPMN = (PACKAGE / "process.bpmn").read_bytes()


def _files(**replace: bytes) -> dict[str, bytes]:
    return {**package_files(PACKAGE), **replace}


def _condition(expression: str) -> bytes:
    return zip_bytes(_files(**{"process.bpmn": BPMN.replace(
        b'quyet_dinh == "cap_phep"', expression.encode())}))


def _diagram(text: bytes) -> bytes:
    return zip_bytes(_files(**{"process.bpmn": text}))


XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
       + BPMN.split(b"?>", 1)[1])
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;'
          b'&a;&a;&a;&a;&a;&a;&a;">]>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/'
          b'BPMN/20100524/MODEL">&b;</bpmn:definitions>')
EXTERNAL_DTD = (b'<?xml version="1.0"?>\n<!DOCTYPE d SYSTEM "http://example.invalid/x.dtd">\n'
                + BPMN.split(b"?>", 1)[1])
DEEP = (b'<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/'
        b'20100524/MODEL">' + b"<a>" * 200 + b"</a>" * 200 + b"</bpmn:definitions>")

# name → (package bytes, expected finding code); uploaded by the agency's designer.
PACKAGES: dict[str, tuple[Callable[[], bytes], str]] = {
    "xml-external-entity": (lambda: _diagram(XXE), "xml.doctype"),
    "xml-entity-expansion": (lambda: _diagram(LAUGHS), "xml.doctype"),
    "xml-external-dtd": (lambda: _diagram(EXTERNAL_DTD), "xml.doctype"),
    "xml-deep-nesting": (lambda: _diagram(DEEP), "xml.too_deep"),
    "xml-huge-file": (lambda: _diagram(BPMN + b"<!--" + b"x" * (6 * 1024 * 1024) + b"-->"),
                      "zip.file_too_large"),
    "zip-path-traversal": (lambda: zip_bytes({**_files(), "../../etc/cron.d/x": b"*"}),
                           "zip.traversal"),
    "zip-absolute-path": (lambda: zip_bytes({**_files(), "/etc/motcua": b"*"}), "zip.traversal"),
    "zip-symlink": (lambda: zip_bytes(_files(), symlink="forms/link.schema.json"), "zip.symlink"),
    "zip-bomb": (lambda: zip_bytes({**_files(), "forms/bom.json": b"0" * (4 * 1024 * 1024)}),
                 "zip.bomb"),
    "zip-too-many-files": (lambda: zip_bytes({**_files(), **{f"x/{n}.txt": b"x" for n in range(250)}}),
                           "zip.too_many"),
    "zip-not-a-zip": (lambda: b"PK\x03\x04 this is not a zip file", "zip.invalid"),
    "expression-class-walk": (lambda: _condition("().__class__.__bases__[0].__subclasses__()"),
                              "expression.invalid"),
    "expression-import": (lambda: _condition("__import__(&apos;os&apos;).system(&apos;id&apos;)"),
                          "expression.invalid"),
    "expression-comprehension": (lambda: _condition("[c for c in ().__class__.__mro__]"),
                                 "expression.invalid"),
    "expression-lambda": (lambda: _condition("(lambda: 1)()"), "expression.invalid"),
    "expression-power-bomb": (lambda: _condition("9 ** 9 ** 9"), "expression.invalid"),
    "expression-fstring": (lambda: _condition("f&apos;{quyet_dinh}&apos;"), "expression.invalid"),
    "diagram-script-task": (lambda: _diagram(BPMN.replace(
        b'<bpmn:sequenceFlow id="f_nop"',
        b'<bpmn:scriptTask id="s"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>'
        b'<bpmn:sequenceFlow id="f_nop"')), "bpmn.unsupported"),
}


def _counts(platform: Platform) -> tuple[int, ...]:
    with platform.uow() as uow:
        return tuple(int(uow.session.scalar(select(func.count()).select_from(m)) or 0)
                     for m in (ProcedureVersion, Dossier, Task, Event))


@pytest.mark.parametrize("attack", sorted(PACKAGES))
def test_hostile_packages_are_refused_by_name_and_store_nothing(
    app: Flask, platform: Platform, attack: str
) -> None:
    make, code = PACKAGES[attack]
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    before = _counts(platform)
    response = designer.post("/api/v1/procedures", data={
        "agency": MINH_XUAN, "package": (io.BytesIO(make()), "goi.zip")},
        content_type="multipart/form-data")
    assert response.status_code == 422, response.json
    problems = response.json["report"]["problems"]
    assert code in {p["code"] for p in problems}, problems
    assert all(p["message"] for p in problems)
    assert _counts(platform) == before


def _post_json(client: FlaskClient, body: bytes, content_type: str = "application/json") -> Any:
    return client.post("/api/v1/dossiers", data=body, content_type=content_type)


def _submit(data: dict[str, Any]) -> Callable[[FlaskClient], Any]:
    return lambda c: c.post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": data})


# name → (request, expected status, message fragment)
REQUESTS: dict[str, tuple[Callable[[FlaskClient], Any], int, str]] = {
    "json-too-deep": (lambda c: _post_json(c, b'{"data":' + b'[' * 100 + b']' * 100 + b"}"),
                      400, "lồng nhau quá sâu"),
    "json-too-large": (lambda c: _post_json(c, b'{"x":"' + b"a" * (11 * 1024 * 1024) + b'"}'),
                       413, "quá lớn"),
    "json-not-an-object": (lambda c: _post_json(c, b"[1, 2, 3]"), 400, "phải là một đối tượng"),
    "json-malformed": (lambda c: _post_json(c, b'{"procedure": '), 400, "không đọc được"),
    "json-wrong-content-type": (lambda c: _post_json(c, b"procedure=x", "text/plain"), 415,
                                "Content-Type"),
    "form-wrong-type": (_submit(permit_data(cong_trinh={
        "loai_cong_trinh": "nha_o_rieng_le_do_thi", "dien_tich_xay_dung": 80, "so_tang": "ba",
        "chieu_cao": 12})), 422, "Tờ khai chưa hợp lệ"),
    "form-overlong-string": (_submit(permit_data(ho_ten="A" * 5000)), 422, "Tờ khai chưa hợp lệ"),
    "form-pattern-violation": (_submit(permit_data(so_dinh_danh="00809000123X")), 422,
                               "Tờ khai chưa hợp lệ"),
    "form-enum-injection": (_submit(permit_data(cong_trinh={
        "loai_cong_trinh": "'; DROP TABLE dossiers; --", "dien_tich_xay_dung": 80,
        "so_tang": 3, "chieu_cao": 12})), 422, "Tờ khai chưa hợp lệ"),
    "sql-injection-in-tracking": (lambda c: c.get(
        f"/api/v1/track/x' OR '1'='1?id_number={APPLICANT_ID}' OR '1'='1"), 404,
        "Không tìm thấy hồ sơ"),
    "path-traversal-in-document-kind": (lambda c: c.get(
        "/api/v1/dossiers/x/documents/..%2F..%2Fetc%2Fpasswd"), 404, ""),
    "forged-api-key": (lambda c: c.get("/api/v1/procedures",
                                       headers={"Authorization": "Bearer mc_deadbeef_x"}), 401,
                       "Khóa API không hợp lệ"),
    "malformed-bearer": (lambda c: c.get("/api/v1/procedures",
                                         headers={"Authorization": "Bearer ' OR 1=1"}), 401,
                         "Khóa API không hợp lệ"),
    "csrf-forged-page-post": (lambda c: c.post(f"/thu-tuc/{PERMIT}", data={
        "agency": MINH_XUAN, "ho_ten": "A"}), 400, ""),
}


@pytest.mark.parametrize("attack", sorted(REQUESTS))
def test_hostile_requests_are_refused_with_a_message_and_change_nothing(
    app: Flask, platform: Platform, attack: str
) -> None:
    send, status, fragment = REQUESTS[attack]
    before = _counts(platform)
    response = send(app.test_client())
    assert response.status_code == status, (response.status_code, response.data[:300])
    text = response.get_data(as_text=True)
    assert fragment in text
    assert _counts(platform) == before


@pytest.mark.parametrize(("query", "status"), [
    ("q=' OR 1=1 --", 200), ("q=%25", 200), ("limit=abc", 400), ("urgency=x", 400),
    ("status=1 OR 1=1", 400), ("offset=-5", 200),
])
def test_inbox_query_strings_are_parsed_never_interpolated(
    app: Flask, platform: Platform, query: str, status: int
) -> None:
    app.test_client().post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                     "data": permit_data()})
    officer = app.test_client()
    login(officer, "motcua.minhxuan")
    response = officer.get(f"/api/v1/tasks?{query}")
    assert response.status_code == status
    if status == 200 and query.startswith("q="):
        assert response.json["total"] == 0  # searched for literally, matched nothing
