"""Fee exemption («miễn phí, lệ phí»): at the hand-over the desk (or a leader) records that
the applicant does not pay, with the reason («Người có công với cách mạng»). The hand-over
then needs no fee; the desk's, the citizen's pages and the receipt say «Miễn lệ phí: <lý
do>»; the history and the events keep who and why. A citizen may not, nor once the fee is
paid, nor twice, nor without a reason — on both databases."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.models import Account, Dossier, Event
from engine.wiring import Platform
from tests.functional.test_citizen_area import _granted, citizen_client, officer, submit_on_page
from tests.functional.test_refusals_and_results import _desk_page, _task_url
from tests.helpers import pay_in_cash, task_for, token

REASON = "Người có công với cách mạng (giấy chứng nhận số 123/TQ)"


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _exempt(client: FlaskClient, code: str, reason: str) -> int:
    return int(client.post(f"/api/v1/dossiers/{code}/fee-exemption", json={"reason": reason}).status_code)


def test_the_desk_exempts_the_fee_on_the_hand_over_page_and_the_result_is_handed_back(
    app: Flask, platform: Platform,
) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _granted(app, code)
    desk = _desk_page(app)
    url = _task_url(desk, code)
    page = desk.get(url).get_data(as_text=True)
    assert "Miễn phí, lệ phí cho hồ sơ này" in page and 'name="ly_do_mien"' in page
    form = {"csrf_token": token(page.encode()), "buoc": url.split("/")[-1]}
    empty = desk.post(f"/can-bo/ho-so/{code}/mien-phi", data={**form, "ly_do_mien": " "})
    said = _words(desk.get(empty.headers["Location"]).get_data(as_text=True))
    assert "Nhập lý do miễn phí, lệ phí" in said
    done = desk.post(f"/can-bo/ho-so/{code}/mien-phi", data={**form, "ly_do_mien": REASON})
    assert done.status_code == 303 and done.headers["Location"].startswith(url)
    back = _words(desk.get(done.headers["Location"]).get_data(as_text=True))
    assert f"Miễn lệ phí: {REASON}" in back
    assert "Chưa thu lệ phí" not in back  # the hand-over no longer waits for a fee
    step = task_for(desk, code)
    handed = desk.post(f"/api/v1/tasks/{step['id']}/complete", json={"data": {"hinh_thuc_tra": "truc_tiep"}})
    assert handed.status_code == 200, handed.json
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 10

    file = _words(desk.get(f"/can-bo/ho-so/{code}").get_data(as_text=True))
    assert f"Miễn lệ phí: {REASON}" in file and "Miễn phí, lệ phí" in file  # the history too
    mine = _words(citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True))
    assert f"Miễn lệ phí: {REASON}" in mine
    receipt = _words(citizen.get(f"/ho-so/{code}/bien-nhan").get_data(as_text=True))
    assert f"Miễn lệ phí: {REASON}" in receipt
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        events = list(uow.session.scalars(select(Event).where(
            Event.dossier_id == dossier.id, Event.kind == "fee_exempted")))
        assert [e.note for e in events] == [REASON]
        who = uow.session.get(Account, events[0].actor_id)
        assert who is not None and who.username == "motcua.minhxuan"


def test_who_may_exempt_and_when(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _granted(app, code)
    assert _exempt(citizen, code, REASON) == 403  # not the applicant's to decide
    desk = officer(app, "motcua.minhxuan")
    assert _exempt(desk, code, "") == 400  # a reason is required
    leader = officer(app, "lanhdao.minhxuan")
    made = leader.post(f"/api/v1/dossiers/{code}/fee-exemption", json={"reason": REASON})
    assert made.status_code == 200 and made.json["reason"] == REASON
    again = desk.post(f"/api/v1/dossiers/{code}/fee-exemption", json={"reason": REASON})
    assert again.status_code == 409 and "đã được miễn" in again.json["error"]["message"]
    asked = desk.post(f"/api/v1/dossiers/{code}/request-payment", json={})
    assert asked.status_code == 409 and "đã được miễn phí, lệ phí" in asked.json["error"]["message"]

    paid = submit_on_page(citizen)
    _granted(app, paid)
    pay_in_cash(desk, paid)
    refused = desk.post(f"/api/v1/dossiers/{paid}/fee-exemption", json={"reason": REASON})
    assert refused.status_code == 409 and "đã nộp phí, lệ phí" in refused.json["error"]["message"]
