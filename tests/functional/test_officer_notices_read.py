"""An officer's in-system notices («Bạn được giao: …») stay new on the inbox, with their
count, until the officer reads them: «Đánh dấu đã đọc» (one, or «Đánh dấu tất cả đã
đọc»), opening one, or opening the notices page (`/can-bo/thong-bao`, which shows the new
ones as «Mới» once, as the citizen's page does). Viewing the inbox reads nothing; nobody
reads or opens another officer's notices."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.models import Account, Dossier, Notification
from engine.records import tell_officer
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, page_login, permit_data, token

SPECIALIST = "chuyenvien.minhxuan"


def _tell(app: Flask, platform: Platform, *subjects: str) -> str:
    """A new dossier, and a notice about it to the specialist for each subject."""
    code = str(app.test_client().post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}).json["code"])
    with platform.uow() as uow:
        account = uow.session.scalar(select(Account.id).where(Account.username == SPECIALIST))
        dossier = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
        assert account is not None and dossier is not None
        for subject in subjects:
            tell_officer(uow.connection, account_id=account, dossier_id=dossier,
                         subject=subject, body=f"{subject}: hồ sơ {code}.", now=uow.clock.now())
        uow.commit()
    return code


def _unread(platform: Platform) -> list[str]:
    with platform.uow() as uow:
        return list(uow.session.scalars(
            select(Notification.subject).join(Account, Account.id == Notification.account_id)
            .where(Account.username == SPECIALIST, Notification.channel == "web",
                   Notification.read_at.is_(None)).order_by(Notification.id)))


def _browser(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    page_login(client, username)
    return client


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_viewing_the_inbox_reads_nothing_and_the_button_reads_one(
    app: Flask, platform: Platform,
) -> None:
    _tell(app, platform, "Bạn được giao: «Thẩm định hồ sơ, đề xuất»", "Bạn được giao: «Lấy ý kiến»")
    specialist = _browser(app, SPECIALIST)
    for _ in range(2):  # the first view of the day, and the next
        inbox = specialist.get("/can-bo").get_data(as_text=True)
        assert "Thông báo mới (2)" in _words(inbox)
    assert len(_unread(platform)) == 2
    ids = re.findall(r'name="id" value="(\d+)"', inbox)
    assert len(ids) == 2 and "Đánh dấu đã đọc" in inbox and "Đánh dấu tất cả đã đọc" in inbox
    marked = specialist.post("/can-bo/thong-bao/da-doc",
                             data={"csrf_token": token(inbox.encode()), "id": ids[0]})
    assert marked.status_code == 303 and marked.location.endswith("/can-bo")
    after = _words(specialist.get("/can-bo").get_data(as_text=True))
    assert "Đã đánh dấu thông báo là đã đọc." in after and "Thông báo mới (1)" in after
    assert _unread(platform) == ["Bạn được giao: «Thẩm định hồ sơ, đề xuất»"]  # the newest read


def test_all_are_read_at_once_and_the_notices_page_shows_them_new_once(
    app: Flask, platform: Platform,
) -> None:
    _tell(app, platform, "Bạn được giao: «Thẩm định»", "Bạn được giao: «Xem xét»")
    specialist = _browser(app, SPECIALIST)
    inbox = specialist.get("/can-bo").get_data(as_text=True)
    all_read = specialist.post("/can-bo/thong-bao/da-doc", data={"csrf_token": token(inbox.encode())})
    assert all_read.status_code == 303 and _unread(platform) == []
    after = _words(specialist.get("/can-bo").get_data(as_text=True))
    assert "Đã đánh dấu 2 thông báo là đã đọc." in after and "Thông báo mới" not in after
    _tell(app, platform, "Bạn được giao: «Phê duyệt»")
    page = _words(specialist.get("/can-bo/thong-bao").get_data(as_text=True))
    assert "Bạn được giao: «Phê duyệt» Mới" in page and "Bạn được giao: «Xem xét» Mới" not in page
    assert "Bạn được giao: «Xem xét»" in page and _unread(platform) == []  # the page read it
    assert "Mới" not in _words(specialist.get("/can-bo/thong-bao").get_data(as_text=True))


def test_opening_a_notice_reads_it_and_shows_its_dossier(app: Flask, platform: Platform) -> None:
    code = _tell(app, platform, "Bạn được giao: «Thẩm định»")
    specialist = _browser(app, SPECIALIST)
    inbox = specialist.get("/can-bo").get_data(as_text=True)
    link = re.search(r'href="(/can-bo/thong-bao/\d+)"', inbox)
    assert link
    opened = specialist.get(link.group(1))
    assert opened.status_code == 303 and opened.location.endswith(f"/can-bo/ho-so/{code}")
    assert _unread(platform) == []


def test_nobody_reads_or_opens_another_officers_notice(app: Flask, platform: Platform) -> None:
    _tell(app, platform, "Bạn được giao: «Thẩm định»")
    with platform.uow() as uow:
        notice = uow.session.scalar(select(Notification.id).where(
            Notification.subject == "Bạn được giao: «Thẩm định»"))
    desk = _browser(app, "motcua.minhxuan")
    inbox = desk.get("/can-bo").get_data(as_text=True)
    assert "Bạn được giao" not in inbox
    assert desk.get(f"/can-bo/thong-bao/{notice}").status_code == 404
    refused = desk.post("/can-bo/thong-bao/da-doc",
                        data={"csrf_token": token(inbox.encode()), "id": str(notice)})
    assert refused.status_code == 404
    everything = desk.post("/can-bo/thong-bao/da-doc", data={"csrf_token": token(inbox.encode())})
    assert everything.status_code == 303  # all of *their own*: none
    assert _unread(platform) == ["Bạn được giao: «Thẩm định»"]
    citizen = _browser(app, "congdan")
    assert citizen.get("/can-bo/thong-bao").status_code == 403
