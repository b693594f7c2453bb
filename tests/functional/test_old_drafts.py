"""Drafts that pile up: on `/quan-tri/thu-tuc` a procedure's superseded drafts (older than its
newest draft, never submitted) are grouped under the newest one, and «Bỏ N bản nháp cũ»
discards them after a confirmation, each audited; a draft once sent for review stays. Saving
files identical to any version — a published one too — makes no new draft."""

from __future__ import annotations

import json
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.models import AuditEntry, Procedure, ProcedureVersion
from engine.procedures.old_drafts import superseded
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, page_login, token

BASE = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}"
FORM = "forms/tham_dinh.schema.json"


def _client(app: Flask, username: str = "thietke.minhxuan") -> FlaskClient:
    client = app.test_client()
    page_login(client, username)
    client.environ_base["HTTP_X_CSRF_TOKEN"] = token(client.get("/quan-tri/thu-tuc").data)
    return client


def _form(platform: Platform) -> str:
    with platform.uow() as work:
        version = work.session.scalar(select(ProcedureVersion).join(Procedure).where(
            Procedure.code == PERMIT, ProcedureVersion.number == 1))
        assert version is not None and version.package is not None
        return str(version.package[FORM])


def _save(client: FlaskClient, text: str) -> tuple[int, dict[str, object]]:
    response = client.post(f"{BASE}/1/luu", json={"files": {FORM: text}})
    return response.status_code, dict(response.json or {})


def _titled(platform: Platform, title: str) -> str:
    schema = json.loads(_form(platform))
    schema["title"] = title
    return json.dumps(schema, ensure_ascii=False, indent=2)


def _statuses(platform: Platform) -> dict[int, str]:
    with platform.uow() as work:
        return {v.number: v.status for v in work.session.scalars(
            select(ProcedureVersion).join(Procedure).where(Procedure.code == PERMIT))}


def test_superseded_drafts_are_older_than_the_newest_draft_and_never_submitted() -> None:
    assert superseded([(1, "published", True), (2, "draft", False)]) == []
    assert superseded([(1, "published", True), (2, "draft", False), (3, "draft", True),
                       (4, "draft", False), (5, "draft", False)]) == [2, 4]
    assert superseded([(2, "draft", False), (3, "in_review", True), (4, "discarded", False)]) == []


def test_old_drafts_are_grouped_and_discarded_at_once_after_confirmation(
        app: Flask, platform: Platform) -> None:
    designer = _client(app)
    numbers = []
    for title in ("Thẩm định A", "Thẩm định B", "Thẩm định C"):
        status, body = _save(designer, _titled(platform, title))
        assert status == 201, body
        numbers.append(body["version"]["number"])  # type: ignore[index]
    older, newest = numbers[:-1], numbers[-1]
    listed = designer.get("/quan-tri/thu-tuc").data.decode()
    assert f"2 bản nháp cũ hơn bản nháp số {newest}, chưa gửi xem xét" in listed
    assert "Bỏ 2 bản nháp cũ" in listed
    rows = re.findall(r'<tr><td><a href="/quan-tri/thu-tuc/[^"]+/(\d+)"', listed)
    assert str(newest) in rows and not set(map(str, older)) & set(rows)  # grouped, not rows
    url = f"{BASE}/bo-ban-nhap-cu"
    refused = designer.post(url, data={"csrf_token": token(listed.encode())}, follow_redirects=True)
    assert "Hãy đánh dấu ô xác nhận" in refused.data.decode()
    assert all(_statuses(platform)[n] == "draft" for n in numbers)
    reviewer = _client(app, "xemxet.minhxuan")
    page = reviewer.get("/quan-tri/thu-tuc")
    barred = reviewer.post(url, data={"csrf_token": token(page.data), "confirm": "yes"},
                           follow_redirects=True)
    assert "Chỉ người thiết kế quy trình" in barred.data.decode()
    assert all(_statuses(platform)[n] == "draft" for n in numbers)
    done = designer.post(url, data={"csrf_token": token(listed.encode()), "confirm": "yes"},
                         follow_redirects=True)
    html = done.data.decode()
    assert f"Đã bỏ 2 bản nháp cũ của thủ tục {PERMIT}" in html and "bản nháp cũ hơn" not in html
    statuses = _statuses(platform)
    assert [statuses[n] for n in numbers] == ["discarded", "discarded", "draft"]
    with platform.uow() as work:
        audited = sorted(a.summary["version"] for a in work.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "procedure.discard", AuditEntry.object_id == f"{MINH_XUAN}/{PERMIT}")))
    assert audited == older


def test_a_draft_sent_for_review_and_back_is_not_an_old_draft(app: Flask, platform: Platform) -> None:
    designer = _client(app)
    status, body = _save(designer, _titled(platform, "Thẩm định gửi đi"))
    assert status == 201, body
    sent = body["version"]["number"]  # type: ignore[index]
    page = designer.get(f"{BASE}/{sent}")
    assert designer.post(f"{BASE}/{sent}/gui-xem-xet",
                         data={"csrf_token": token(page.data)}).status_code == 303
    reviewer = _client(app, "xemxet.minhxuan")
    page = reviewer.get(f"{BASE}/{sent}")
    assert reviewer.post(f"{BASE}/{sent}/tra-lai", data={
        "csrf_token": token(page.data), "note": "Sửa tiêu đề"}).status_code == 303
    assert _statuses(platform)[sent] == "draft"
    status, body = _save(designer, _titled(platform, "Thẩm định sau góp ý"))
    assert status == 201, body
    listed = designer.get("/quan-tri/thu-tuc").data.decode()
    assert "bản nháp cũ hơn" not in listed  # the one sent back keeps its row and its note


def test_files_identical_to_the_published_version_make_no_draft(app: Flask, platform: Platform) -> None:
    designer = _client(app)
    before = _statuses(platform)
    # The same form, its JSON laid out differently (key order, spacing): nothing changed.
    same = json.dumps(json.loads(_form(platform)), ensure_ascii=False, sort_keys=True)
    status, body = _save(designer, same)
    assert status == 200, body
    version = body["version"]
    assert isinstance(version, dict) and version["unchanged"] and version["number"] == 1
    assert version["status_label"] == "Đang áp dụng"
    assert _statuses(platform) == before
