"""The desk takes the fee in cash while the applicant is paying it online (the checkout opened
at the gateway, no word from it yet: `payment_request.in_flight`, as for withdrawing the
request or exempting the fee): refused with what is happening and what to do, on the
dossier's page and in the API, until the desk confirms it takes the cash all the same; the
online payment that succeeds afterwards is then a refund due («nộp hai lần») and the stand-in
bank tells the payer so, not that the request was withdrawn. On both databases."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from engine.core.clock import FixedClock
from engine.wiring import Platform
from tests.functional.test_citizen_area import officer
from tests.functional.test_fee_request_cancel import HELD_STEP_OFFICER, _asked, _cancel, _facts
from tests.functional.test_refunds import _refunds
from tests.helpers import token

FEE = 75000


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _paying(app: Flask) -> tuple[FlaskClient, str, str]:
    """The fee asked, the applicant at the stand-in bank's checkout (not paid yet): the
    citizen's browser, the code, the payment's reference."""
    citizen, code, asked = _asked(app)
    page = citizen.get(f"/ca-nhan/ho-so/{code}").data
    went = citizen.post(f"/ca-nhan/ho-so/{code}/thanh-toan", data={"csrf_token": token(page)})
    assert went.status_code == 303 and "/thanh-toan/gia-lap/" in went.headers["Location"]
    return citizen, code, str(asked["reference"])


def _bank_pays(citizen: FlaskClient, reference: str) -> str:
    """The payer confirms at the stand-in bank: what their dossier's page then says."""
    bank = citizen.get(f"/thanh-toan/gia-lap/{reference}")
    paid = citizen.post(f"/thanh-toan/gia-lap/{reference}", data={"csrf_token": token(bank.data)})
    assert paid.status_code == 303
    return _words(citizen.get(paid.headers["Location"]).get_data(as_text=True))


def _body(response: Any) -> Any:
    return response.json


def test_the_api_refuses_cash_while_the_applicant_pays_online_until_confirmed(
    app: Flask, platform: Platform,
) -> None:
    """Regression: the desk's cash was recorded while the applicant was at the gateway's
    checkout, with no word of it; the citizen then paid a second time online."""
    citizen, code, reference = _paying(app)
    desk = officer(app, "motcua.minhxuan")
    refused = desk.post(f"/api/v1/dossiers/{code}/cash-payment", json={"amount": FEE})
    assert refused.status_code == 409, _body(refused)
    error = _body(refused)["error"]
    message = error["message"]
    assert f"Người nộp đang thanh toán trực tuyến khoản 75.000 đồng của hồ sơ {code}" in message
    assert "chưa ghi nhận thu tiền mặt" in message and "Chờ cổng thanh toán báo kết quả" in message
    assert "chậm nhất đến" in message
    assert "xác nhận thu tiền mặt" in message and "hoàn trả cho người nộp" in message
    assert error["details"] == {"reference": reference, "confirm": "confirm_online_in_progress"}
    assert _facts(platform, code)["payments"] == [("requested", FEE)]  # nothing taken
    wrong = desk.post(f"/api/v1/dossiers/{code}/cash-payment",
                      json={"amount": FEE, "confirm_online_in_progress": "có"})
    assert wrong.status_code == 400 and "confirm_online_in_progress" in _body(wrong)["error"]["message"]

    taken = desk.post(f"/api/v1/dossiers/{code}/cash-payment",
                      json={"amount": FEE, "confirm_online_in_progress": True})
    assert taken.status_code == 200, _body(taken)
    receipt = _body(taken)["receipt_number"]
    facts = _facts(platform, code)
    assert facts["payments"] == [("paid", FEE)] and facts["status"] == 4
    paid_note = [note for kind, note, _ in facts["events"] if kind == "paid"][-1]
    assert "thu khi khoản thanh toán trực tuyến đang thực hiện" in paid_note

    # The online payment succeeds after all: a refund due, and the payer is told why.
    mine = _bank_pays(citizen, reference)
    assert (f"Khoản phí này đã được nộp bằng tiền mặt tại Bộ phận Một cửa, biên lai số {receipt} "
            "trước khi tiền về") in mine
    assert "cơ quan sẽ hoàn trả lại cho bạn số tiền vừa thanh toán" in mine
    assert "Cơ quan đã hủy yêu cầu nộp phí này trước khi tiền về" not in mine
    assert _refunds(platform, code) == [("double", FEE, "GIA-LAP", False)]


def test_the_dossier_page_says_the_applicant_is_paying_and_takes_cash_once_confirmed(
    app: Flask, platform: Platform,
) -> None:
    """Regression: the dossier page's cash form took the cash blindly while the applicant
    was paying online. Now it says so beside the form, refuses the cash without the box
    ticked (the typed payer kept), and takes it with the box."""
    _, code, reference = _paying(app)
    desk = officer(app, "motcua.minhxuan")
    page = desk.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    said = _words(page)
    assert "Người nộp đang thanh toán trực tuyến khoản 75.000 đồng qua cổng thanh toán" in said
    assert f"mã {reference}" in said and 'name="xac_nhan_dang_thanh_toan"' in page
    form = {"csrf_token": token(page.encode()), "amount": "75.000", "payer": "Trần Thị Bình"}
    refused = desk.post(f"/can-bo/ho-so/{code}/thu-phi", data=form)
    assert refused.status_code == 303
    back = desk.get(refused.headers["Location"]).get_data(as_text=True)
    words = _words(back)
    assert "chưa ghi nhận thu tiền mặt, để người nộp không phải nộp hai lần" in words
    assert "Đã thu 75.000 đồng" not in words and 'value="Trần Thị Bình"' in back
    assert 'name="xac_nhan_dang_thanh_toan"' in back  # the box is there to tick
    assert _facts(platform, code)["payments"] == [("requested", FEE)]

    taken = desk.post(f"/can-bo/ho-so/{code}/thu-phi",
                      data={**form, "xac_nhan_dang_thanh_toan": "1"})
    done = _words(desk.get(taken.headers["Location"]).get_data(as_text=True))
    assert "Đã thu 75.000 đồng, biên lai số" in done
    assert _facts(platform, code)["payments"] == [("paid", FEE)]


def test_cash_is_taken_without_a_word_once_the_checkout_no_longer_counts(
    app: Flask, platform: Platform, clock: FixedClock,
) -> None:
    """The same window as the withdrawal's: a checkout left without a word from the gateway
    stops counting after 30 minutes; no box then, the cash is taken as before."""
    _, code, _ = _paying(app)
    clock.advance(timedelta(minutes=31))
    desk = officer(app, "motcua.minhxuan")
    page = desk.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    assert 'name="xac_nhan_dang_thanh_toan"' not in page
    taken = desk.post(f"/api/v1/dossiers/{code}/cash-payment", json={"amount": FEE})
    assert taken.status_code == 200, _body(taken)


def test_the_stand_in_bank_still_says_a_withdrawn_request_was_withdrawn(
    app: Flask, platform: Platform,
) -> None:
    citizen, code, asked = _asked(app)
    assert _cancel(officer(app, HELD_STEP_OFFICER), code).status_code == 200
    mine = _bank_pays(citizen, str(asked["reference"]))
    assert "Cơ quan đã hủy yêu cầu nộp phí này trước khi tiền về" in mine
    assert "đã được nộp bằng tiền mặt" not in mine
    assert _refunds(platform, code) == [("cancelled", FEE, "GIA-LAP", False)]


def test_the_stand_in_bank_says_the_fee_was_paid_in_cash_not_withdrawn(
    app: Flask, platform: Platform,
) -> None:
    """Regression: money paid at the stand-in bank for a fee the desk had taken in cash was
    told «Cơ quan đã hủy yêu cầu nộp phí này trước khi tiền về» (any 409 read as a withdrawal)."""
    citizen, code, asked = _asked(app)
    cash = officer(app, "motcua.minhxuan").post(f"/api/v1/dossiers/{code}/cash-payment",
                                                json={"amount": FEE})
    assert cash.status_code == 200, _body(cash)
    mine = _bank_pays(citizen, str(asked["reference"]))
    assert (f"Khoản phí này đã được nộp bằng tiền mặt tại Bộ phận Một cửa, biên lai số "
            f"{_body(cash)['receipt_number']} trước khi tiền về") in mine
    assert "Cơ quan đã hủy yêu cầu nộp phí" not in mine
    assert _refunds(platform, code) == [("double", FEE, "GIA-LAP", False)]
