"""Papers attached as files: stored with the dossier, replaced with history kept, read by
the owner and the competent officers, closed once the dossier has ended."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from werkzeug.test import TestResponse

from engine.core.models import Dossier
from engine.wiring import Platform
from tests.functional.test_desk import PAPERS
from tests.helpers import MINH_XUAN, PERMIT, login, permit_data

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def _attach(client: FlaskClient, code: str, paper: str, content: bytes,
            name: str = "giay.pdf") -> TestResponse:
    return client.post(f"/api/v1/dossiers/{code}/attachments",
                       data={"paper": paper, "file": (io.BytesIO(content), name)})


def test_a_paper_sent_again_replaces_the_file_and_keeps_the_old_one(app: Flask) -> None:
    citizen = app.test_client()
    login(citizen, "congdan")
    code = citizen.post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                  "data": permit_data()}).json["code"]
    first = _attach(citizen, code, PAPERS[1], PDF, "so-do-cu.pdf")
    second = _attach(citizen, code, PAPERS[1], PDF + b"% ban moi\n", "so-do-moi.pdf")
    assert first.status_code == second.status_code == 201
    listed = citizen.get(f"/api/v1/dossiers/{code}/attachments").json["attachments"]
    assert [(a["filename"], a["replaced_at"] is None) for a in listed] == [
        ("so-do-cu.pdf", False), ("so-do-moi.pdf", True)]
    officer = app.test_client()
    login(officer, "motcua.minhxuan")
    old = officer.get(f"/api/v1/dossiers/{code}/attachments/{first.json['id']}")
    assert old.status_code == 200 and old.data == PDF
    assert old.headers["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''so-do-cu.pdf" in old.headers["Content-Disposition"]


def test_an_ended_dossier_takes_no_more_files(app: Flask, platform: Platform) -> None:
    citizen = app.test_client()
    login(citizen, "congdan")
    code = citizen.post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                  "data": permit_data()}).json["code"]
    with platform.uow() as uow:
        uow.session.execute(update(Dossier).where(Dossier.code == code).values(status=10))
        uow.commit()
    refused = _attach(citizen, code, PAPERS[0], PDF)
    assert refused.status_code == 409
    assert refused.json["error"]["message"] == "Hồ sơ đã kết thúc; không thể đính kèm thêm giấy tờ."
