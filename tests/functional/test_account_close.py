"""A citizen locks or closes their own account from /tai-khoan (Trà Vinh seed, art. 6.4):
the password proves it is them, every session ends, the audit trail records it; a reset
link opens a self-locked account again; a closed one never logs in; officers cannot."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.models import Account, AuditEntry, Notification
from engine.wiring import Platform
from tests.helpers import page_login, token


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/tai-khoan").status_code == 200


def test_a_citizen_locks_the_account_and_a_reset_link_opens_it(
    client: FlaskClient, platform: Platform,
) -> None:
    phone = client.application.test_client()
    page_login(client, "congdan")
    page_login(phone, "congdan")
    page = client.get("/tai-khoan").data.decode()
    assert "Khóa hoặc đóng tài khoản" in page
    wrong = client.post("/tai-khoan/tu-khoa", data={"csrf_token": token(page.encode()),
                                                    "lock_password": "sai"})
    assert wrong.status_code == 422 and "Mật khẩu không đúng." in wrong.data.decode()
    done = client.post("/tai-khoan/tu-khoa", data={"csrf_token": token(page.encode()),
                                                   "lock_password": "motcua-demo-2026"})
    assert done.status_code == 303
    assert not _signed_in(client) and not _signed_in(phone)
    refused = client.post("/api/v1/session", json={"username": "congdan",
                                                    "password": "motcua-demo-2026"})
    assert refused.status_code == 400 and "tự khóa" in refused.json["error"]["message"]
    form = client.get("/quen-mat-khau")
    client.post("/quen-mat-khau", data={"csrf_token": token(form.data), "login": "congdan"})
    with platform.uow() as uow:
        body = uow.session.scalars(select(Notification.body).where(
            Notification.subject == "[Cổng dịch vụ công một cửa] Đặt lại mật khẩu").order_by(
                Notification.id.desc())).first()
    link = re.search(r"https?://\S+(/dat-lai-mat-khau/\S+)", body or "")
    assert link, body
    reset_page = client.get(link.group(1))
    assert client.post(link.group(1), data={"csrf_token": token(reset_page.data),
                                            "new_password": "Mat-khau-moi-2027",
                                            "confirm": "Mat-khau-moi-2027"}).status_code == 303
    page_login(client, "congdan", "Mat-khau-moi-2027")
    with platform.uow() as uow:
        assert uow.session.scalar(select(AuditEntry.id).where(
            AuditEntry.action == "account.self_locked", AuditEntry.object_id == "congdan"))


def test_a_citizen_closes_the_account_for_good(client: FlaskClient, platform: Platform) -> None:
    page_login(client, "congdan")
    page = client.get("/tai-khoan").data
    unconfirmed = client.post("/tai-khoan/dong", data={"csrf_token": token(page),
                                                       "close_password": "motcua-demo-2026"})
    assert unconfirmed.status_code == 422
    assert "Đánh dấu ô xác nhận" in unconfirmed.data.decode()
    closed = client.post("/tai-khoan/dong", data={"csrf_token": token(page),
                                                  "close_password": "motcua-demo-2026",
                                                  "close_confirm": "1"})
    assert closed.status_code == 303 and not _signed_in(client)
    assert client.post("/api/v1/session", json={"username": "congdan",
                                                 "password": "motcua-demo-2026"}).status_code == 400
    with platform.uow() as uow:
        account = uow.session.scalar(select(Account).where(Account.username == "congdan"))
        assert account is not None and account.closed_at is not None and not account.active
        assert uow.session.scalar(select(AuditEntry.id).where(
            AuditEntry.action == "account.closed", AuditEntry.object_id == "congdan"))


def test_an_officer_cannot_close_the_account_from_the_page(client: FlaskClient) -> None:
    page_login(client, "motcua.minhxuan")
    page = client.get("/tai-khoan").data
    assert "Khóa hoặc đóng tài khoản" not in page.decode()
    refused = client.post("/tai-khoan/dong", data={"csrf_token": token(page),
                                                   "close_password": "motcua-demo-2026",
                                                   "close_confirm": "1"})
    assert refused.status_code == 403
