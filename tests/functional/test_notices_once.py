"""Notices go to the right people, once (walk report h5, finding 19): one notice per thing
that happened to the applicant — a result handed back is not told a second time, a refusal
letter handed back invites no rating; the officer a leader gives a step to is told on their
inbox page («Bạn được giao: …», new until they open it), the applicant is not; placing a postal
order is in the dossier's history with who placed it, told to the applicant only when the
desk placed it for them."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, or_, select

from engine.core.models import Account, Notification
from engine.wiring import Platform
from tests.functional.test_citizen_area import citizen_client, officer, submit_on_page
from tests.functional.test_post_connector import ORDER
from tests.functional.test_refusals_and_results import (
    _desk_page,
    _granted,
    _post_step,
    _task_url,
    _to_leader,
)
from tests.functional.test_team_work import SPECIALIST_NAME, _appraisals, _option, _task_ids
from tests.helpers import complete, page_login, pay_in_cash, token

REASON = "Công trình vượt chỉ giới xây dựng."


def _words(html: str, tags: str = " ") -> str:
    return " ".join(re.sub(r"<[^>]+>", tags, html.replace("<li>", "<li> ")).split())


def _notices(citizen: FlaskClient) -> list[str]:
    return [f"{n['subject']} | {n['body']}"
            for n in citizen.get("/api/v1/me/notices").json["notices"]]


def _hand_over(app: Flask, code: str) -> None:
    desk = _desk_page(app)
    url = _task_url(desk, code)
    done = _post_step(desk, url, {"hinh_thuc_tra": "truc_tiep"})
    if done.status_code == 409:  # a result: its fee is collected before it is handed over
        pay_in_cash(officer(app, "motcua.minhxuan"), code)
        done = _post_step(desk, url, {"hinh_thuc_tra": "truc_tiep"})
    assert done.status_code == 303


def test_a_result_handed_over_is_told_once(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _granted(app, code)
    told = _notices(citizen)
    # Decided, not yet handed back: told so, without inviting a rating (walk report b3).
    assert [n for n in told if "đã giải quyết xong, chờ trả kết quả" in n]
    assert not [n for n in told if "đánh giá" in n]
    _hand_over(app, code)
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 10
    handed = [n for n in _notices(citizen) if "đã trả kết quả |" in n]
    assert len(handed) == 1  # the hand-over at the counter: told once, with the rating
    assert sum("đánh giá mức độ hài lòng" in n for n in _notices(citizen)) == 1


def test_a_refusal_letter_handed_back_sends_no_second_notice_nor_asks_a_rating(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _to_leader(app, code)
    complete(officer(app, "lanhdao.minhxuan"), code,
             {"quyet_dinh": "tu_choi", "ly_do_tu_choi": REASON})
    told = _notices(citizen)
    assert [n for n in told if REASON in n]  # the refusal, with its reason
    _hand_over(app, code)
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 10
    assert _notices(citizen) == told
    assert not [n for n in _notices(citizen) if "đã trả kết quả" in n or "đánh giá" in n]


def _others_notices(platform: Platform, besides: str) -> int:
    """Every notice written so far but those of the account `besides`."""
    with platform.uow() as work:
        account = work.session.scalar(select(Account.id).where(Account.username == besides))
        return int(work.session.scalar(select(func.count()).select_from(Notification).where(
            or_(Notification.account_id.is_(None), Notification.account_id != account))) or 0)


def test_the_officer_given_a_step_is_told_on_the_inbox_until_read_and_the_applicant_is_not(
    app: Flask, platform: Platform,
) -> None:
    [code] = _appraisals(app, "Phan Văn Khải")
    others = _others_notices(platform, "chuyenvien.minhxuan")
    leader = app.test_client()
    page_login(leader, "lanhdao.minhxuan")
    team = leader.get("/can-bo?view=team").get_data(as_text=True)
    specialist_id, _ = _option(team, SPECIALIST_NAME)
    given = leader.post("/can-bo/phan-cong", data={
        "csrf_token": token(team.encode()), "task": _task_ids(team), "assignee": specialist_id})
    assert given.status_code == 303
    specialist = app.test_client()
    page_login(specialist, "chuyenvien.minhxuan")
    html = specialist.get("/can-bo").get_data(as_text=True)
    inbox = _words(html)
    assert (f"Thông báo mới (1) Bạn được giao: «Thẩm định hồ sơ, đề xuất» — hồ sơ {code} Mới"
            in inbox)
    assert (f"Phạm Thị Dung đã giao cho bạn bước «Thẩm định hồ sơ, đề xuất» của hồ sơ {code}."
            in inbox)
    notice = re.search(r'<a href="(/can-bo/thong-bao/\d+)" class="breakable">Bạn được giao', html)
    assert notice  # the notice leads to the dossier, through its opening
    again = specialist.get("/can-bo").get_data(as_text=True)
    assert "Thông báo mới (1) Bạn được giao" in _words(again)  # seen is not read: still new
    opened = specialist.get(notice.group(1))
    assert opened.status_code == 303 and opened.location.endswith(f"/can-bo/ho-so/{code}")
    read = _words(specialist.get("/can-bo").get_data(as_text=True))
    assert "Bạn được giao" not in read and "Thông báo mới" not in read  # opened: read
    assert "Bạn được giao" not in _words(leader.get("/can-bo").get_data(as_text=True))
    assert _others_notices(platform, "chuyenvien.minhxuan") == others  # nobody else told


def _timeline(client: FlaskClient, code: str) -> str:
    html = client.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    found = re.search(r'<ol class="timeline" id="timeline">.*?</ol>', html, re.S)
    assert found
    return _words(found.group(0), tags="")


def test_placing_a_postal_order_is_in_the_history_with_who_placed_it(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = _granted_desk(app, code)
    pay_in_cash(desk, code)  # a result goes by post once its fee is paid
    before = _notices(citizen)
    mine = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER)
    assert mine.status_code == 201, mine.json
    said = f"Yêu cầu chuyển phát kết quả qua bưu điện: người nộp hồ sơ, đơn {mine.json['reference']}"
    assert said in _timeline(citizen, code)
    history = _words(desk.get(f"/can-bo/ho-so/{code}").get_data(as_text=True), tags="")
    assert (f"Yêu cầu chuyển phát kết quả qua bưu điện — Nguyễn Văn An: người nộp hồ sơ, đơn "
            f"{mine.json['reference']}") in history
    assert _notices(citizen) == before  # the applicant placed it: nothing to tell them

    theirs = desk.post(f"/api/v1/dossiers/{code}/post-orders", json={**ORDER, "kind": "pickup"})
    assert theirs.status_code == 201, theirs.json
    by_desk = f"cán bộ Trần Thị Bình, đơn {theirs.json['reference']}"
    assert f"Yêu cầu bưu điện thu gom hồ sơ giấy: {by_desk}" in _timeline(citizen, code)
    [new] = [n for n in _notices(citizen) if n not in before]
    procedure = citizen.get(f"/api/v1/dossiers/{code}").json["procedure_name"]
    assert new == (f"Bưu điện sẽ thu gom hồ sơ giấy của hồ sơ {code} | Bộ phận Một cửa đã yêu "
                   f"cầu bưu điện thu gom hồ sơ giấy của hồ sơ {code} ({procedure}) "
                   f"({by_desk}). Bưu điện sẽ liên hệ theo số điện thoại ghi trong đơn.")


def _granted_desk(app: Flask, code: str) -> FlaskClient:
    _granted(app, code)
    return officer(app, "motcua.minhxuan")
