"""Hostile input, named attack by attack: each is refused with a clear message and leaves
the database exactly as it was."""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.applicants.attachments import OTHER_PAPER
from engine.core.models import Attachment, AttachmentContent, Dossier, Event, ProcedureVersion, Task
from engine.wiring import Platform
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

XXE_UTF16 = codecs.BOM_UTF16_LE + XXE.decode().replace(
    '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>', 1).encode("utf-16-le")


def _encrypted(data: bytes) -> bytes:
    """Every entry flagged as encrypted (flag bit 0), in local and central headers."""
    out = bytearray(data)
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := out.find(signature, start)) != -1:
            out[start + flags_at] |= 1
            start += 4
    return bytes(out)


def _bad_crc() -> bytes:
    """The diagram stored uncompressed, then one byte changed: its CRC no longer matches."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in _files().items():
            archive.writestr(name, data)
    return buffer.getvalue().replace(b'quyet_dinh == "cap_phep"', b'quyet_dinh == "cap_phex"', 1)


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
    "xml-entity-in-utf16": (lambda: _diagram(XXE_UTF16), "xml.encoding"),
    "zip-encrypted-entry": (lambda: _encrypted(zip_bytes(_files())), "zip.encrypted"),
    "zip-bad-crc": (_bad_crc, "zip.corrupt"),
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
    "sql-injection-in-tracking": (lambda c: c.post("/api/v1/track", json={
        "code": "x' OR '1'='1", "id_number": f"{APPLICANT_ID}' OR '1'='1"}), 404,
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
    ("status=1 OR 1=1", 400), ("offset=-5", 400),
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


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# name → (file name, content, paper, expected status, message fragment)
ATTACHMENTS: dict[str, tuple[str, bytes, str, int, str]] = {
    "attachment-oversized": ("ban-ve.pdf", PDF + b"0" * (6 * 1024 * 1024), OTHER_PAPER, 422,
                             "Tệp lớn quá 5 MB"),
    "attachment-over-the-request-limit": ("ban-ve.pdf", PDF + b"0" * (11 * 1024 * 1024),
                                          OTHER_PAPER, 413, "quá lớn"),
    "attachment-html-named-pdf": ("don.pdf", b"<html><script>alert(1)</script></html>",
                                  OTHER_PAPER, 422, "Nội dung tệp không phải loại được chấp nhận"),
    "attachment-executable-named-pdf": ("don.pdf", b"MZ\x90\x00" + b"\x00" * 60, OTHER_PAPER,
                                        422, "Nội dung tệp không phải loại được chấp nhận"),
    "attachment-svg-with-script": ("anh.svg", b'<svg xmlns="http://www.w3.org/2000/svg">'
                                   b"<script>alert(1)</script></svg>", OTHER_PAPER, 422,
                                   "Nội dung tệp không phải loại được chấp nhận"),
    "attachment-png-named-pdf": ("don.pdf", PNG, OTHER_PAPER, 422,
                                 "đuôi «.pdf» nhưng nội dung là ảnh PNG"),
    "attachment-double-extension": ("don.pdf.exe", PDF, OTHER_PAPER, 422, "đuôi «.exe»"),
    "attachment-empty": ("trong.pdf", b"", OTHER_PAPER, 422, "Tệp rỗng."),
    "attachment-unknown-paper": ("don.pdf", PDF, "'; DROP TABLE attachments; --", 422,
                                 "Giấy tờ không có trong danh mục"),
}


def _multipart(paper: str, name: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body built in memory (the test client spools big bodies to files it
    never closes)."""
    boundary = "motcua-ranh-gioi"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="paper"\r\n\r\n{paper}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}")


def _file_counts(platform: Platform) -> tuple[int, int]:
    with platform.uow() as uow:
        return (uow.session.scalar(select(func.count(Attachment.id))) or 0,
                uow.session.scalar(select(func.count(AttachmentContent.sha256))) or 0)


def _owned_dossier(app: Flask) -> tuple[FlaskClient, str]:
    citizen = app.test_client()
    login(citizen, "congdan")
    code = citizen.post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                  "data": permit_data()}).json["code"]
    return citizen, code


@pytest.mark.parametrize("attack", sorted(ATTACHMENTS))
def test_hostile_attachments_are_refused_with_a_message_and_store_nothing(
    app: Flask, platform: Platform, attack: str
) -> None:
    name, content, paper, status, fragment = ATTACHMENTS[attack]
    citizen, code = _owned_dossier(app)
    before = (_counts(platform), _file_counts(platform))
    body, content_type = _multipart(paper, name, content)
    response = citizen.post(f"/api/v1/dossiers/{code}/attachments", data=body,
                            content_type=content_type)
    assert response.status_code == status, response.json
    assert fragment in response.json["error"]["message"] + str(response.json["error"]["details"])
    assert (_counts(platform), _file_counts(platform)) == before


@pytest.mark.parametrize(("given", "stored"), [
    ("../../../etc/passwd.pdf", "passwd.pdf"),
    ("..pdf.pdf", "pdf.pdf"),
    ("hoa-don\u202egpj.pdf", "hoa-dongpj.pdf"),  # a right-to-left override hiding the real end
    ("Đơn đề nghị cấp phép" * 20 + ".pdf", ("Đơn đề nghị cấp phép" * 20)[:116] + ".pdf"),
])
def test_hostile_file_names_are_cleaned_before_they_are_stored_or_shown(
    app: Flask, given: str, stored: str
) -> None:
    citizen, code = _owned_dossier(app)
    response = citizen.post(f"/api/v1/dossiers/{code}/attachments", data={
        "paper": OTHER_PAPER, "file": (io.BytesIO(PDF), given)})
    assert response.status_code == 201, response.json
    assert response.json["filename"] == stored
    download = citizen.get(f"/api/v1/dossiers/{code}/attachments/{response.json['id']}")
    assert download.data == PDF and download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "\n" not in download.headers["Content-Disposition"]


def test_someone_elses_dossier_takes_no_attachment(app: Flask, platform: Platform) -> None:
    _, code = _owned_dossier(app)
    other = app.test_client()
    login(other, "motcua.antuong")
    before = _file_counts(platform)
    refused = other.post(f"/api/v1/dossiers/{code}/attachments", data={
        "paper": OTHER_PAPER, "file": (io.BytesIO(PDF), "x.pdf")})
    assert refused.status_code == 404 and _file_counts(platform) == before
