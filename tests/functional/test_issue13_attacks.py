"""What still got through the fixes of issue 13, through the web app on both databases.

PostgreSQL stores no NUL character in text and no \\u0000 in jsonb, and no driver encodes a
lone UTF-16 surrogate: a NUL in a path segment, a login name or a form field was a server
error for anyone, signed in or not. The engine now refuses such parameters on both databases
(400, in Vietnamese) and a form names the field that holds one (422); nothing is stored.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.core.models import Dossier, Event, Task
from engine.records.outbox import NOTIFICATIONS, Gateways, NullGateway, SmtpEmail, deliver_pending, enqueue
from engine.wiring import Platform
from forms.limits import UNSTORABLE_TEXT
from tests.conftest import Inbox
from tests.helpers import MINH_XUAN, PERMIT, login, permit_data

API = "/api/v1/dossiers"


def _counts(platform: Platform) -> tuple[int, ...]:
    with platform.uow() as uow:
        return tuple(int(uow.session.scalar(select(func.count()).select_from(m)) or 0)
                     for m in (Dossier, Task, Event))


def test_a_nul_in_a_url_is_a_clear_refusal_not_a_server_error(app: Flask) -> None:
    anonymous = app.test_client()
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    for client in (anonymous, designer):
        for url in ("/api/v1/procedures/%00", "/api/v1/calendars/%00",
                    "/thu-tuc/%00", "/ho-so/%00/bien-nhan", "/ho-so/%00/bien-nhan.pdf",
                    "/thanh-toan/gia-lap/%00"):
            response = client.get(url)
            assert response.status_code == 400, (url, response.status_code)
            assert "ký tự không hợp lệ" in response.get_data(as_text=True)


def test_a_nul_in_a_login_name_is_refused_not_a_server_error(client: FlaskClient) -> None:
    response = client.post("/api/v1/session", json={"username": "a\u0000", "password": "x"})
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.json["error"]["message"]


def test_a_nul_in_a_submitted_field_is_refused_by_name_and_nothing_is_stored(
        client: FlaskClient, platform: Platform) -> None:
    before = _counts(platform)
    response = client.post(API, json={"procedure": PERMIT, "agency": MINH_XUAN,
                                      "data": permit_data(dia_chi_lien_he="Tổ 5\u0000")})
    assert response.status_code == 422, response.json
    assert {"field": "dia_chi_lien_he", "message": UNSTORABLE_TEXT} in \
        response.json["error"]["details"]
    assert _counts(platform) == before


def test_a_lone_surrogate_in_a_submitted_field_is_named_not_called_too_large(
        client: FlaskClient, platform: Platform) -> None:
    before = _counts(platform)
    body = json.dumps({"procedure": PERMIT, "agency": MINH_XUAN,
                       "data": {"dia_chi_lien_he": "a\ud800b"}})  # escaped as \ud800 in the body
    response = client.post(API, data=body.encode(), content_type="application/json")
    assert response.status_code == 422, response.json
    details = {d["field"]: d["message"] for d in response.json["error"]["details"]}
    assert details["dia_chi_lien_he"] == UNSTORABLE_TEXT
    assert "" not in details  # not "the document is too large"
    assert _counts(platform) == before


def test_a_nul_in_a_procedure_code_is_refused_not_a_server_error(client: FlaskClient) -> None:
    response = client.post(API, json={"procedure": PERMIT + "\u0000", "data": {}})
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.json["error"]["message"]


# The fee an officer asks for was checked against 10 billion đồng but stored in a 32-bit
# column: between 2 147 483 648 and 10 000 000 000 đồng PostgreSQL answered a server error.

@pytest.mark.parametrize("amount", [2_147_483_648, 9_999_999_999, 10**12])
def test_a_fee_beyond_the_amount_column_is_refused_in_vietnamese_not_a_server_error(
        app: Flask, amount: int) -> None:
    from tests.functional.test_citizen_area import citizen_client, officer, submit_on_page
    from tests.helpers import complete

    code = submit_on_page(citizen_client(app))
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    specialist = officer(app, "chuyenvien.minhxuan")
    asked = specialist.post(f"/api/v1/dossiers/{code}/request-payment", json={"amount": amount})
    assert asked.status_code == 400, asked.json
    assert asked.json["error"]["message"] == "Số tiền phải từ 1 đến 2.000.000.000 đồng."
    fair = specialist.post(f"/api/v1/dossiers/{code}/request-payment",
                           json={"amount": 2_000_000_000})
    assert fair.status_code == 200, fair.json  # the refusal changed nothing: it can be asked again


def test_a_package_fee_beyond_what_can_be_asked_is_refused_at_upload(app: Flask) -> None:
    from tests.functional.test_hostile_input import PACKAGE
    from tests.helpers import package_files, zip_bytes

    files = package_files(PACKAGE)
    manifest = json.loads(files["procedure.json"])
    manifest["fees"][0]["amount"] = 3_000_000_000
    files["procedure.json"] = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    response = designer.post("/api/v1/procedures", data={
        "agency": MINH_XUAN, "package": (io.BytesIO(zip_bytes(files)), "phi.zip")})
    assert response.status_code == 422, response.json
    assert "2000000000" in json.dumps(response.json, ensure_ascii=False)


# An e-mail address only had to hold an "@": "an@x.vn\nBcc: ..." passed the registration form,
# and the SMTP gateway's ValueError (no line breaks in headers) escaped the delivery loop, so
# the messages claimed with it were never marked and the outbox stalled on that row.

BAD_ADDRESS = "an@example.vn\nBcc: ke.gian@example.vn"


def test_an_address_with_a_line_break_is_not_an_e_mail_address() -> None:
    from engine.applicants.citizens import REGISTRATION_SCHEMA
    from forms import FormValidator

    validator = FormValidator(REGISTRATION_SCHEMA)
    for address in (BAD_ADDRESS, "an @example.vn", "an@example.vn\r", "@example.vn", "an@"):
        assert "email" in {e.field for e in validator.validate({"email": address})}, address
    assert "email" not in {e.field for e in validator.validate({"email": "an.nguyen@example.vn"})}


def test_one_undeliverable_address_does_not_stall_the_outbox(
        platform: Platform, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    with platform.uow() as uow:  # as a version stored before the check could hold it
        enqueue(uow, channel="email", recipient=BAD_ADDRESS, subject="Hồ sơ A", body="A")
        enqueue(uow, channel="email", recipient="binh@example.vn", subject="Hồ sơ B", body="B")
        uow.commit()
    gateways = Gateways(email=SmtpEmail("127.0.0.1", port, sender="motcua@example.vn"),
                        sms=NullGateway("sms"))
    assert deliver_pending(platform.uow, gateways) == {"sent": 1, "failed": 1}
    assert [recipients for recipients, _ in inbox.messages] == [["binh@example.vn"]]
    with platform.uow() as uow:
        errors = uow.connection.execute(select(NOTIFICATIONS.c.recipient, NOTIFICATIONS.c.last_error)
                                        .where(NOTIFICATIONS.c.sent_at.is_(None))).all()
    assert [(r, bool(e)) for r, e in errors] == [(BAD_ADDRESS, True)]


def _upload_manifest(app: Flask, change: Any) -> Any:
    from tests.functional.test_hostile_input import PACKAGE
    from tests.helpers import package_files, zip_bytes

    files = package_files(PACKAGE)
    manifest = json.loads(files["procedure.json"])
    change(manifest)
    files["procedure.json"] = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    return designer.post("/api/v1/procedures", data={
        "agency": MINH_XUAN, "package": (io.BytesIO(zip_bytes(files)), "ten.zip")})


@pytest.mark.parametrize(("path", "change"), [
    ("components.1.name", lambda m: m["components"][1].update(name="   ")),
    ("fees.0.name", lambda m: m["fees"][0].update(name="")),
    ("roles.mot_cua.label", lambda m: m["roles"]["mot_cua"].update(label="\t \n")),
    ("legal_basis.1", lambda m: m.update(legal_basis=["Luật Xây dựng 2014", " "])),
    ("name", lambda m: m.update(name="Cấp giấy phép \u202etrật tự\u202c xây dựng")),
    ("fees.0.name", lambda m: m["fees"][0].update(name="Lệ phí \u2067000.57\u2069")),
], ids=["blank-paper", "empty-fee", "blank-lane-label", "blank-legal-basis", "rlo-name",
        "isolate-fee"])
def test_a_blank_or_direction_reversed_name_citizens_read_is_refused_at_upload(
        app: Flask, path: str, change: Any) -> None:
    response = _upload_manifest(app, change)
    assert response.status_code == 422, response.json
    assert response.json["version"] is None  # nothing stored
    problems = response.json["report"]["problems"]
    assert [(p["code"], p["element"]) for p in problems] == [("manifest.text", path)]
    assert "«" + path + "»" in problems[0]["message"]
