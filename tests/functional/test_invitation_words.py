"""An invitation as the province administrator found it: the link opened «Đặt lại mật khẩu»
for a brand-new account, the audit said «Đặt lại mật khẩu … Phiên đăng nhập kết thúc: 0», the
account page had no way to send the invitation again, and the mail's subject began «[motcua]».
"""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.models import Notification
from engine.wiring import Platform
from tests.functional.test_officer_accounts import INVITE, _mail_link
from tests.helpers import login, token

NAME, MAIL = "motcua2.minhxuan", "ngoc@tuyenquang.example"


def _text(page: bytes) -> str:
    body = page.decode().split("<main", 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _subjects(platform: Platform) -> list[str]:
    with platform.uow() as uow:
        return list(uow.session.scalars(select(Notification.subject).where(
            Notification.recipient == MAIL).order_by(Notification.id)))


def test_an_invitation_activates_the_account_in_its_own_words(
    client: FlaskClient, platform: Platform,
) -> None:
    login(client, "quantri")
    assert client.post("/quan-tri/tai-khoan", data=INVITE).status_code == 303
    assert _subjects(platform) == ["[Cổng dịch vụ công một cửa] Kích hoạt tài khoản: tạo mật khẩu"]
    other = client.application.test_client()
    link = _mail_link(platform, MAIL)
    form = other.get(link)
    text = _text(form.data)
    assert "Kích hoạt tài khoản: tạo mật khẩu" in text and "Đặt lại mật khẩu" not in text
    assert "Tạo mật khẩu" in text and "Mật khẩu mới" not in text
    done = other.post(link, data={"csrf_token": token(form.data), "new_password": "Mat-khau-Ngoc-2027",
                                  "confirm": "Mat-khau-Ngoc-2027"}, follow_redirects=True)
    assert "Đã kích hoạt tài khoản." in _text(done.data)
    history = _text(client.get(f"/quan-tri/tai-khoan/{NAME}").data)
    assert "Kích hoạt tài khoản (tự đặt mật khẩu lần đầu)" in history
    audit = _text(client.get("/quan-tri/nhat-ky").data)
    assert "Kích hoạt tài khoản (tự đặt mật khẩu lần đầu)" in audit
    assert "Phiên đăng nhập kết thúc: 0" not in audit


def test_the_invitation_can_be_sent_again_until_the_first_login(
    client: FlaskClient, platform: Platform,
) -> None:
    login(client, "quantri")
    client.post("/quan-tri/tai-khoan", data=INVITE)
    first = _mail_link(platform, MAIL)
    page = _text(client.get(f"/quan-tri/tai-khoan/{NAME}").data)
    assert "Gửi lại thư mời" in page
    again = client.post(f"/quan-tri/tai-khoan/{NAME}/resend", follow_redirects=True)
    assert "Đã gửi lại thư mời; liên kết trong thư trước không dùng được nữa." in _text(again.data)
    assert len(_subjects(platform)) == 2 and _mail_link(platform, MAIL) != first
    assert client.application.test_client().get(first).status_code == 410
    assert "Gửi lại thư mời" not in _text(client.get("/quan-tri/tai-khoan/chuyenvien.minhxuan").data)
