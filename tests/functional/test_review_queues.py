"""Review queues (issue 20): reviewers and approvers find the versions waiting for them
("Chờ xem xét", "Chờ phê duyệt") with counts in the menu; a version's page offers only the
buttons its reader may press; the status follows each decision; the next person in line is
told (an in-system notice and an e-mail in the outbox)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.models import Account, Notification
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, login, package_files, page_login, token, zip_bytes

PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"


def _browser(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    page_login(client, username)
    return client


def _upload(app: Flask) -> int:
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    response = designer.post("/api/v1/procedures", data={
        "agency": MINH_XUAN, "package": (io.BytesIO(zip_bytes(package_files(PACKAGE))), "goi.zip")})
    body = response.get_json()
    assert response.status_code == 201 and isinstance(body, dict), body
    return int(body["version"]["number"])


def _page(number: int) -> str:
    return f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{number}"


def _press(client: FlaskClient, number: int, step: str, **form: str) -> str:
    page = client.get(_page(number))
    response = client.post(f"{_page(number)}/{step}", data={"csrf_token": token(page.data), **form})
    assert response.status_code == 303, response.data
    return str(client.get(_page(number)).data.decode())


def _status(html: str) -> str:
    found = re.search(r'<strong id="version-status">([^<]+)</strong>', html)
    assert found is not None
    return found.group(1)


def _buttons(html: str) -> set[str]:
    return set(re.findall(r'<button type="submit"[^>]*>([^<]+)</button>', html)) - {"Đăng xuất"}


def _notices(platform: Platform, username: str) -> list[Any]:
    """(channel, subject, body) of the notices written to an account about no dossier."""
    with platform.uow() as work:
        account = work.session.scalar(select(Account.id).where(Account.username == username))
        return list(work.session.execute(select(
            Notification.channel, Notification.subject, Notification.body).where(
            Notification.account_id == account, Notification.dossier_id.is_(None))
            .order_by(Notification.id)))


def test_the_status_follows_the_reviewers_acceptance(app: Flask) -> None:
    """Regression: after the reviewer accepted, the version still read «Đang xem xét»."""
    number = _upload(app)
    designer, reviewer = _browser(app, "thietke.minhxuan"), _browser(app, "xemxet.minhxuan")
    assert _status(_press(designer, number, "gui-xem-xet")) == "Đang xem xét"
    accepted = _press(reviewer, number, "xem-xet", decision="accept", note="Đúng quy trình.")
    assert _status(accepted) == "Đã xem xét, chờ phê duyệt"
    approver = _browser(app, "pheduyet.minhxuan")
    assert _status(_press(approver, number, "phe-duyet")) == "Đã phê duyệt"


def test_each_reader_sees_only_the_buttons_they_may_press(app: Flask) -> None:
    number = _upload(app)
    designer, reviewer = _browser(app, "thietke.minhxuan"), _browser(app, "xemxet.minhxuan")
    approver = _browser(app, "pheduyet.minhxuan")
    assert "Gửi xem xét" in _buttons(designer.get(_page(number)).data.decode())
    assert "Gửi xem xét" not in _buttons(reviewer.get(_page(number)).data.decode())
    _press(designer, number, "gui-xem-xet")
    assert _buttons(designer.get(_page(number)).data.decode()) == set()
    assert _buttons(approver.get(_page(number)).data.decode()) == set()  # not reviewed yet
    assert _buttons(reviewer.get(_page(number)).data.decode()) == {"Ghi kết quả xem xét"}
    _press(reviewer, number, "xem-xet", decision="accept")
    assert _buttons(reviewer.get(_page(number)).data.decode()) == set()
    assert _buttons(approver.get(_page(number)).data.decode()) == {"Phê duyệt", "Trả lại bản nháp"}
    _press(approver, number, "phe-duyet")
    assert _buttons(approver.get(_page(number)).data.decode()) == {"Công bố", "Trả lại bản nháp"}
    assert _buttons(designer.get(_page(number)).data.decode()) == set()


def test_reviewers_and_approvers_find_their_queue_with_counts_in_the_menu(app: Flask) -> None:
    number = _upload(app)
    designer, reviewer = _browser(app, "thietke.minhxuan"), _browser(app, "xemxet.minhxuan")
    approver = _browser(app, "pheduyet.minhxuan")
    assert "Chờ xem xét" not in reviewer.get("/quan-tri/thu-tuc").data.decode()  # nothing waits
    _press(designer, number, "gui-xem-xet")
    menu = reviewer.get("/can-bo").data.decode()
    assert re.search(r"Chờ xem xét\s*<span[^>]*>1</span>", menu), menu
    queue = reviewer.get("/quan-tri/hang-cho").data.decode()
    assert f'href="{_page(number)}"' in queue and "Cấp giấy phép xây dựng" in queue
    assert "Chờ phê duyệt" not in approver.get("/can-bo").data.decode()
    assert f'href="{_page(number)}"' not in approver.get("/quan-tri/hang-cho").data.decode()
    # The author is never asked to review their own version.
    assert f'href="{_page(number)}"' not in designer.get("/quan-tri/hang-cho").data.decode()
    _press(reviewer, number, "xem-xet", decision="accept")
    # The menu's queue entry is gone (the notice that asked for the review stays among the
    # unread notices until read, so look for the menu's count, not the words).
    assert not re.search(r"Chờ xem xét\s*<span", reviewer.get("/can-bo").data.decode())
    assert re.search(r"Chờ phê duyệt\s*<span[^>]*>1</span>", approver.get("/can-bo").data.decode())
    assert f'href="{_page(number)}"' in approver.get("/quan-tri/hang-cho").data.decode()
    _press(approver, number, "phe-duyet")
    waiting = approver.get("/quan-tri/hang-cho").data.decode()
    assert f'href="{_page(number)}"' in waiting and "Chờ công bố" in waiting
    _press(approver, number, "cong-bo")
    assert not re.search(r"Chờ phê duyệt\s*<span", approver.get("/can-bo").data.decode())


def test_the_next_person_in_line_is_told(app: Flask, platform: Platform) -> None:
    number = _upload(app)
    designer, reviewer = _browser(app, "thietke.minhxuan"), _browser(app, "xemxet.minhxuan")
    _press(designer, number, "gui-xem-xet")
    told = _notices(platform, "xemxet.minhxuan")
    assert sorted(n.channel for n in told) == ["email", "web"]
    assert f"phiên bản {number}" in told[0].subject and "chờ xem xét" in told[0].subject.lower()
    assert _notices(platform, "pheduyet.minhxuan") == []
    _press(reviewer, number, "xem-xet", decision="reject", note="Thiếu bước lấy ý kiến.")
    back = _notices(platform, "thietke.minhxuan")
    assert back and "trả lại" in back[-1].subject and "Thiếu bước lấy ý kiến." in back[-1].body
    _press(designer, number, "gui-xem-xet")
    _press(reviewer, number, "xem-xet", decision="accept")
    asked = _notices(platform, "pheduyet.minhxuan")
    assert asked and "chờ phê duyệt" in asked[-1].subject.lower()


def test_the_queue_page_is_refused_to_citizens_and_empty_for_designers(app: Flask) -> None:
    citizen = app.test_client()
    login(citizen, "congdan")
    assert citizen.get("/quan-tri/hang-cho").status_code == 403
    assert app.test_client().get("/quan-tri/hang-cho").status_code == 303  # to the login page
    page = _browser(app, "thietke.minhxuan").get("/quan-tri/hang-cho").data.decode()
    assert "Không có phiên bản nào chờ bạn." in page
