"""«Hủy yêu cầu nộp phí»: an officer who asked the applicant for the fee takes the request
back with a reason — the payment is kept as cancelled, the dossier leaves status 6 and its
held step opens again, the history, the applicant's notices and the national portal's feed
say it; not while the applicant is paying online, not once paid, not without a reason. The
fee exemption withdraws a request still awaited in the same transaction (it was refused
before). On both databases."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import applicants
from engine.core.clock import FixedClock
from engine.core.models import Dossier, Event, Notification, OutboxMessage, Payment
from engine.wiring import Platform
from tests.functional.test_citizen_area import _granted, citizen_client, officer
from tests.helpers import MINH_XUAN, PERMIT, complete, inbox, permit_data, token

REASON = "Yêu cầu sai số tiền, sẽ yêu cầu lại theo biểu phí"
EXEMPT = "Người có công với cách mạng (giấy chứng nhận số 123/TQ)"
HELD_STEP_OFFICER = "chuyenvien.minhxuan"


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _asked(app: Flask) -> tuple[FlaskClient, str, dict[str, Any]]:
    """A dossier of congdan received (its appraisal step open), then the fee asked by the
    specialist: the citizen's browser, the code, the request."""
    citizen = citizen_client(app)
    made = citizen.post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                  "data": permit_data()})
    assert made.status_code == 201, made.json
    code = made.json["code"]
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    asked = officer(app, HELD_STEP_OFFICER).post(f"/api/v1/dossiers/{code}/request-payment", json={})
    assert asked.status_code == 200, asked.json
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 6
    return citizen, code, asked.json


def _cancel(client: FlaskClient, code: str, reason: Any = REASON) -> Any:
    return client.post(f"/api/v1/dossiers/{code}/payment-request/cancel", json={"reason": reason})


def _facts(platform: Platform, code: str) -> dict[str, Any]:
    """The dossier's payments, events, notices and portal messages as stored."""
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        outbox = uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.connector == "portal", OutboxMessage.ordering_key == code)
            .order_by(OutboxMessage.id))
        return {
            "status": dossier.status, "due_at": dossier.due_at,
            "payments": [(p.state, p.amount) for p in uow.session.scalars(
                select(Payment).where(Payment.dossier_id == dossier.id).order_by(Payment.id))],
            "events": [(e.kind, e.note, e.status) for e in uow.session.scalars(
                select(Event).where(Event.dossier_id == dossier.id).order_by(Event.id))],
            "notices": [(n.channel, n.subject, n.body) for n in uow.session.scalars(
                select(Notification).where(Notification.dossier_id == dossier.id)
                .order_by(Notification.id))],
            "portal": [(m.kind, json.loads(m.payload)) for m in outbox],
        }


def test_an_officer_withdraws_the_request_the_step_opens_again_and_everyone_is_told(
    app: Flask, platform: Platform, clock: FixedClock,
) -> None:
    citizen, code, asked = _asked(app)
    specialist = officer(app, HELD_STEP_OFFICER)
    assert not any(t["dossier"] == code for t in inbox(specialist))  # held while it waits
    due_before = _facts(platform, code)["due_at"]
    clock.advance(timedelta(hours=24))  # a working day waited for the fee, signed in anew
    citizen, specialist = citizen_client(app), officer(app, HELD_STEP_OFFICER)

    page = specialist.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    said = _words(page)
    assert "Yêu cầu nộp phí, lệ phí đang chờ" in said and "75.000 đồng" in said
    assert "Hủy yêu cầu nộp phí" in said and 'name="ly_do_huy"' in page and "Lý do hủy" in said
    form = {"csrf_token": token(page.encode())}
    empty = specialist.post(f"/can-bo/ho-so/{code}/huy-yeu-cau-phi", data={**form, "ly_do_huy": " "})
    assert "Nhập lý do hủy yêu cầu nộp phí" in _words(
        specialist.get(empty.headers["Location"]).get_data(as_text=True))
    assert _facts(platform, code)["payments"] == [("requested", 75000)]  # nothing changed
    done = specialist.post(f"/can-bo/ho-so/{code}/huy-yeu-cau-phi", data={**form, "ly_do_huy": REASON})
    assert done.status_code == 303
    back = _words(specialist.get(done.headers["Location"]).get_data(as_text=True))
    assert "Đã hủy yêu cầu nộp 75.000 đồng" in back and f"Lý do: {REASON}" in back
    assert "Yêu cầu nộp phí đã hủy" in back and "Yêu cầu nộp phí, lệ phí đang chờ" not in back
    assert f"Hủy yêu cầu nộp phí, lệ phí — Lê Văn Cường: {REASON}" in back  # the history's line
    assert "Hủy yêu cầu nộp phí: cộng lại thời gian chờ nộp" in back  # the legal clock's

    facts = _facts(platform, code)
    assert facts["status"] == 4 and facts["payments"] == [("cancelled", 75000)]  # kept, not deleted
    assert facts["due_at"] > due_before  # the day it waited is added back
    assert any(t["dossier"] == code for t in inbox(specialist))  # the step is open again
    assert facts["events"][-1] == ("payment_request_cancelled", REASON, 4)
    told = [n for n in facts["notices"] if "đã được hủy" in n[1]]
    assert {n[0] for n in told} == {"web", "email", "sms"}
    assert all(REASON in n[2] for n in told if n[0] != "sms")
    entries = [p["entry"] for kind, p in facts["portal"] if kind == "progress-update"]
    assert entries[-1]["kind"] == "payment_request_cancelled"
    assert entries[-1]["label"] == "Hủy yêu cầu nộp phí, lệ phí" and entries[-1]["note"] == REASON
    assert entries[-1]["payment"] == {"reference": asked["reference"], "amount": 75000}
    assert [p["dossier"]["status"] for kind, p in facts["portal"] if kind == "dossier-sync"][-1] == 4
    assert all(e["label"] for e in entries)  # every entry the portal logs has its words

    mine = _words(citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True))
    assert "Cơ quan đã hủy yêu cầu nộp 75.000 đồng" in mine and REASON in mine
    assert "Cơ quan hủy yêu cầu nộp phí, lệ phí" in mine  # the history line
    assert "Thanh toán trực tuyến" not in mine and "Chờ nộp phí, lệ phí" not in mine
    again = _cancel(specialist, code)
    assert again.status_code == 409 and "không có yêu cầu nộp phí" in again.json["error"]["message"]
    paid_too = citizen.post(f"/api/v1/payments/{asked['reference']}/confirm", json={
        "signature": app.extensions["payment_gateway"].sign(asked["reference"])})
    assert paid_too.status_code == 409  # a withdrawn request is never paid afterwards
    asked_anew = specialist.post(f"/api/v1/dossiers/{code}/request-payment", json={"amount": 50000})
    assert asked_anew.status_code == 200, asked_anew.json  # the right amount asked again


def test_who_may_withdraw_and_bad_reasons_change_nothing(app: Flask, platform: Platform) -> None:
    citizen, code, _ = _asked(app)
    before = _facts(platform, code)
    assert _cancel(citizen, code).status_code == 403  # not the applicant's to withdraw
    assert _cancel(officer(app, "motcua.antuong"), code).status_code == 404  # another agency
    desk = officer(app, "motcua.minhxuan")
    page = _words(desk.get(f"/can-bo/ho-so/{code}").get_data(as_text=True))
    assert "Hủy yêu cầu nộp phí" in page  # any officer of the agency: the desk too
    assert "Miễn phí, lệ phí cho hồ sơ này" in page and "được hủy cùng lúc" in page
    for reason, words in (("", "Nhập lý do hủy"), ("  ab ", "Nhập lý do hủy"),
                          ("x" * 501, "dài quá 500 ký tự"), (12345, "phải là chuỗi")):
        refused = _cancel(desk, code, reason)
        assert refused.status_code == 400 and words in refused.json["error"]["message"]
        assert "reason" in refused.json["error"]["details"]
    assert _facts(platform, code) == before  # nothing changed, nobody told
    assert _cancel(desk, code, "x" * 500).status_code == 200

    paid = _asked(app)[1]
    cash = desk.post(f"/api/v1/dossiers/{paid}/cash-payment", json={"amount": 75000})
    assert cash.status_code == 200, cash.json
    refused = _cancel(desk, paid)
    assert refused.status_code == 409 and "đã nộp phí, lệ phí" in refused.json["error"]["message"]


def test_not_while_the_applicant_pays_online(app: Flask, platform: Platform) -> None:
    citizen, code, asked = _asked(app)
    went = citizen.post(f"/api/v1/dossiers/{code}/pay", json={})
    assert went.status_code == 200, went.json
    desk = officer(app, "motcua.minhxuan")
    for refused in (_cancel(desk, code), desk.post(f"/api/v1/dossiers/{code}/fee-exemption",
                                                   json={"reason": EXEMPT})):
        assert refused.status_code == 409
        assert "đang thanh toán trực tuyến" in refused.json["error"]["message"]
    page = _words(desk.get(f"/can-bo/ho-so/{code}").get_data(as_text=True))
    assert "Người nộp đang thanh toán trực tuyến khoản này" in page
    assert "Lý do hủy" not in page and "Miễn phí, lệ phí cho hồ sơ này" not in page
    assert _facts(platform, code)["payments"] == [("requested", 75000)]

    with platform.uow() as uow:  # the gateway reports the attempt failed: no longer in flight
        applicants.refused_by_gateway(uow, reference=asked["reference"], result="failed")
    assert _cancel(desk, code).status_code == 200

    second = _asked(app)[1]
    went = citizen.post(f"/api/v1/dossiers/{second}/pay", json={})
    assert went.status_code == 200, went.json
    with platform.uow() as uow:
        ref = uow.session.scalar(select(Payment.reference).join(Dossier).where(Dossier.code == second))
    paid = citizen.post(f"/api/v1/payments/{ref}/confirm", json={
        "signature": app.extensions["payment_gateway"].sign(ref)})
    assert paid.status_code == 200, paid.json
    refused = _cancel(desk, second)
    assert refused.status_code == 409 and "đã nộp phí, lệ phí" in refused.json["error"]["message"]


def test_the_exemption_withdraws_a_request_still_awaited(app: Flask, platform: Platform) -> None:
    """Regression: the exemption was refused (409, «yêu cầu đã gửi không hủy được tại đây»)
    while a fee request was pending; now it withdraws it, one history line each."""
    citizen = citizen_client(app)
    made = citizen.post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                  "data": permit_data()})
    code = made.json["code"]
    desk = _granted(app, code)
    asked = desk.post(f"/api/v1/dossiers/{code}/request-payment", json={})
    assert asked.status_code == 200 and _facts(platform, code)["status"] == 6
    exempted = desk.post(f"/api/v1/dossiers/{code}/fee-exemption", json={"reason": EXEMPT})
    assert exempted.status_code == 200, exempted.json
    facts = _facts(platform, code)
    assert facts["status"] == 9 and facts["payments"] == [("cancelled", 75000)]
    kinds = [k for k, _, _ in facts["events"]]
    assert kinds.count("payment_request_cancelled") == 1 and kinds.count("fee_exempted") == 1
    tail = facts["events"][kinds.index("payment_request_cancelled"):]
    assert [k for k, _, _ in tail] == ["payment_request_cancelled", "fee_exempted",
                                       "result_ready_at_desk"]
    assert tail[0][1] == f"Được miễn phí, lệ phí: {EXEMPT}" and tail[0][2] == 9
    subjects = [s for _, s, _ in facts["notices"]]
    assert not any("đã được hủy" in s for s in subjects)  # the exemption's notice says it
    assert any("được miễn phí, lệ phí" in s for s in subjects)
    labels = {p["entry"]["kind"]: p["entry"]["label"] for kind, p in facts["portal"]
              if kind == "progress-update"}
    assert labels["fee_exempted"] == "Miễn phí, lệ phí"
    assert labels["result_ready_at_desk"] == "Mời người nộp đến nhận kết quả tại Bộ phận Một cửa"
    assert labels["payment_request_cancelled"] == "Hủy yêu cầu nộp phí, lệ phí"
    mine = _words(citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True))
    assert f"Miễn lệ phí: {EXEMPT}" in mine and "Cơ quan đã hủy yêu cầu nộp 75.000 đồng" in mine
    step = [t for t in inbox(desk) if t["dossier"] == code]
    handed = desk.post(f"/api/v1/tasks/{step[0]['id']}/complete",
                       json={"data": {"hinh_thuc_tra": "truc_tiep"}})
    assert handed.status_code == 200, handed.json  # nothing owed at the hand-over


def test_a_checkout_abandoned_without_a_word_from_the_gateway_stops_holding_the_request(
    app: Flask, platform: Platform, clock: FixedClock,
) -> None:
    """The applicant opened the checkout and closed the tab; the gateway never reported. The
    gateway takes payment for 15 minutes and may report up to 15 later: until then the
    withdrawal waits (and says until when), afterwards the officer is no longer stuck."""
    citizen, code, _ = _asked(app)
    assert citizen.post(f"/api/v1/dossiers/{code}/pay", json={}).status_code == 200
    desk = officer(app, "motcua.minhxuan")
    clock.advance(timedelta(minutes=29))
    refused = _cancel(desk, code)
    assert refused.status_code == 409 and "chậm nhất đến" in refused.json["error"]["message"]
    clock.advance(timedelta(minutes=2))
    desk = officer(app, "motcua.minhxuan")  # signed in anew after the wait
    withdrawn = _cancel(desk, code)
    assert withdrawn.status_code == 200, withdrawn.json
    assert _facts(platform, code)["payments"] == [("cancelled", 75000)]


def test_the_payer_turns_back_at_the_stand_in_bank_and_the_fee_stays_asked(
        app: Flask, platform: Platform) -> None:
    """The stand-in bank's page (development) had only «Xác nhận thanh toán»: a payer who did
    not want to pay yet was stuck, and the checkout held the request «being paid». «Hủy,
    quay lại hồ sơ» reports the payment not made, as a real gateway does: back on the
    dossier, the fee still asked, and an officer may withdraw the request at once."""
    citizen, code, asked = _asked(app)
    reference = asked["reference"]
    went = citizen.post(f"/ca-nhan/ho-so/{code}/thanh-toan",
                        data={"csrf_token": token(citizen.get(f"/ca-nhan/ho-so/{code}").data)})
    assert went.status_code == 303 and f"/thanh-toan/gia-lap/{reference}" in went.headers["Location"]
    bank = citizen.get(f"/thanh-toan/gia-lap/{reference}")
    assert "Hủy, quay lại hồ sơ" in bank.get_data(as_text=True)
    back = citizen.post(f"/thanh-toan/gia-lap/{reference}",
                        data={"csrf_token": token(bank.data), "action": "cancel"})
    assert back.status_code == 303 and back.headers["Location"] == f"/ca-nhan/ho-so/{code}"
    page = _words(citizen.get(back.headers["Location"]).get_data(as_text=True))
    assert "Bạn đã hủy thanh toán; khoản phí vẫn chờ nộp." in page
    assert _facts(platform, code)["payments"] == [("requested", 75000)]
    assert _cancel(officer(app, "motcua.minhxuan"), code).status_code == 200
