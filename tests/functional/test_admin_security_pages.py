"""The administrator's security pages: the audit trail (search, chain check that spots an
entry edited in the database), API keys (issued once, call log, revoke), locked accounts."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from engine.core.models import AuditEntry
from engine.seed import DEMO_PASSWORD
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, login, page_login, permit_data, token


def _admin(app: Flask) -> FlaskClient:
    admin = app.test_client()
    page_login(admin, "quantri")
    return admin


def _rows(html: str, table: str) -> list[str]:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>(.*?)</tr>", body, flags=re.S)


def test_the_audit_page_finds_entries_by_account_and_action(app: Flask) -> None:
    citizen = app.test_client()
    login(citizen, "congdan")
    code = citizen.post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                  "data": permit_data()}).json["code"]
    citizen.get(f"/api/v1/dossiers/{code}")
    admin = _admin(app)
    everything = admin.get("/quan-tri/nhat-ky").data.decode()
    assert "Xem hồ sơ (dữ liệu cá nhân)" in everything and "Đăng nhập" in everything
    mine = admin.get("/quan-tri/nhat-ky?tai_khoan=congdan").data.decode()
    rows = _rows(mine, "audit-entries")
    assert rows and all("(congdan)" in row for row in rows)
    reads = _rows(admin.get("/quan-tri/nhat-ky?hanh_dong=dossier.read").data.decode(),
                  "audit-entries")
    assert len(reads) == 1 and "Nguyễn Văn An (congdan)" in reads[0]
    assert "Truy cập dữ liệu cá nhân" in reads[0]  # the access log, outside the chain
    access = _rows(admin.get("/quan-tri/nhat-ky?nguon=truy-cap").data.decode(), "audit-entries")
    assert access and all("Truy cập dữ liệu cá nhân" in row for row in access)
    chained = _rows(admin.get("/quan-tri/nhat-ky?nguon=kiem-toan&tai_khoan=congdan").data.decode(),
                    "audit-entries")
    assert any("Hồ sơ: Nộp hồ sơ" in row for row in chained)
    assert not any("Xem hồ sơ" in row for row in chained)
    bad_day = admin.get("/quan-tri/nhat-ky?tu_ngay=hom-qua", follow_redirects=True).data.decode()
    assert "«Từ ngày» chưa đúng: nhập ngày/tháng/năm, ví dụ 15/01/2027 (đã nhập «hom-qua»)" in bad_day


def test_the_chain_check_names_an_entry_edited_in_the_database(
    app: Flask, platform: Platform
) -> None:
    admin = _admin(app)
    page = admin.get("/quan-tri/nhat-ky").data
    whole = admin.post("/quan-tri/nhat-ky/kiem-tra", data={"csrf_token": token(page)})
    assert "Chuỗi toàn vẹn: đã kiểm tra" in whole.data.decode()
    with platform.uow() as uow:
        victim = uow.session.scalar(select(AuditEntry.id).where(
            AuditEntry.action == "account.login").order_by(AuditEntry.id))
        uow.session.execute(update(AuditEntry).where(AuditEntry.id == victim)
                            .values(object_id="ke-gia-mao"))
        uow.commit()
    broken = admin.post("/quan-tri/nhat-ky/kiem-tra", data={"csrf_token": token(page)})
    assert f"Chuỗi bị phá vỡ tại mục số {victim}" in broken.data.decode()


def test_keys_are_shown_once_their_calls_listed_and_revocation_immediate(app: Flask) -> None:
    admin = _admin(app)
    page = admin.get("/quan-tri/khoa-api").data
    created = admin.post("/quan-tri/khoa-api", data={
        "csrf_token": token(page), "name": "Cổng Dịch vụ công quốc gia", "agency": MINH_XUAN,
        "scopes": ["procedures:read", "tracking:read"], "rate_per_minute": "30"}).data.decode()
    found = re.search(r'id="new-key">(mc_[^<]+)<', created)
    assert found
    secret = found.group(1)
    integration = app.test_client()
    integration.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    assert integration.get("/api/v1/procedures").status_code == 200
    listing = admin.get("/quan-tri/khoa-api").data.decode()
    assert secret not in listing and "_".join(secret.split("_", 2)[:2]) in listing  # prefix only
    key_id = re.search(r"<tr><td>(\d+)</td><td>Cổng Dịch vụ công quốc gia", listing).group(1)
    calls = _rows(admin.get(f"/quan-tri/khoa-api?khoa={key_id}").data.decode(), "calls")
    assert len(calls) == 1 and "/api/v1/procedures" in calls[0] and "<td>200</td>" in calls[0]
    revoked = admin.post(f"/quan-tri/khoa-api/{key_id}/thu-hoi",
                         data={"csrf_token": token(page)}, follow_redirects=True)
    assert f"Đã thu hồi khóa số {key_id}." in revoked.data.decode()
    assert integration.get("/api/v1/procedures").status_code == 401


def test_a_key_form_with_no_scope_is_refused_and_issues_nothing(app: Flask) -> None:
    admin = _admin(app)
    page = admin.get("/quan-tri/khoa-api").data
    refused = admin.post("/quan-tri/khoa-api", data={
        "csrf_token": token(page), "name": "Thiếu phạm vi", "agency": MINH_XUAN,
        "rate_per_minute": "abc"})
    assert refused.status_code == 422
    assert "Khóa API cần tên, giới hạn" in refused.data.decode()
    assert _rows(admin.get("/quan-tri/khoa-api").data.decode(), "keys") == []


def test_locked_accounts_are_listed_and_unlocked_from_the_page(app: Flask) -> None:
    for _ in range(5):
        app.test_client().post("/api/v1/session", json={"username": "chuyenvien.minhxuan",
                                                        "password": "sai"})
    admin = _admin(app)
    page = admin.get("/quan-tri/tai-khoan-bi-khoa").data.decode()
    [row] = _rows(page, "locked")
    assert "chuyenvien.minhxuan" in row and "Nhập sai mật khẩu 5 lần" in row
    done = admin.post("/quan-tri/tai-khoan-bi-khoa/chuyenvien.minhxuan/mo-khoa",
                      data={"csrf_token": token(page.encode())}, follow_redirects=True)
    assert "Đã mở khóa tài khoản chuyenvien.minhxuan." in done.data.decode()
    assert _rows(done.data.decode(), "locked") == []
    assert app.test_client().post("/api/v1/session", json={
        "username": "chuyenvien.minhxuan", "password": DEMO_PASSWORD}).status_code == 201


def test_only_administrators_open_the_security_pages(app: Flask) -> None:
    officer = app.test_client()
    page_login(officer, "lanhdao.minhxuan")
    for path in ("/quan-tri/nhat-ky", "/quan-tri/khoa-api", "/quan-tri/tai-khoan-bi-khoa"):
        assert officer.get(path).status_code == 403
        assert app.test_client().get(path).status_code == 303  # to the login page
