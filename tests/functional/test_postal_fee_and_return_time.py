"""The post and the fee at the hand-over: a result is sent by post only once its fee is
collected (an order for it is refused while the fee is owed, in words, on the API and on
the pages), a carrier's «delivered» for a result whose fee is still owed does not hand it
back (the desk is told to collect the fee), and the return time of a result handed back by
post is the carrier's delivery, never the desk's click: while the order is on its way the
desk's «bưu chính» hand-back is refused; after the delivery it takes the delivery's time."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from engine.core.clock import local_iso
from engine.wiring import Platform
from tests.functional import test_post_connector as carrier_tests
from tests.functional.test_citizen_area import _granted, citizen_client, submit_on_page
from tests.functional.test_post_connector import ORDER, _deliver
from tests.helpers import pay_in_cash, task_for
from tests.simulators.post import PostSimulator

carrier, post_app = carrier_tests.carrier, carrier_tests.post_app  # a carrier on loopback
BY_POST = {"hinh_thuc_tra": "buu_chinh"}


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _ordered_then_granted(app: Flask, citizen: FlaskClient) -> tuple[str, str, FlaskClient]:
    """The result ordered by post at submission time, then the dossier taken to its result
    (status 9), its fee not collected yet."""
    code = submit_on_page(citizen)
    made = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER)
    assert made.status_code == 201, made.json
    return code, made.json["reference"], _granted(app, code)


def _hand_back(desk: FlaskClient, code: str, data: dict[str, Any]) -> Any:
    step = task_for(desk, code)
    return desk.post(f"/api/v1/tasks/{step['id']}/complete", json={"data": data})


def test_no_result_by_post_while_its_fee_is_owed(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = _granted(app, code)
    refused = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER)
    assert refused.status_code == 409
    said = refused.json["error"]["message"]
    assert f"Hồ sơ {code} chưa nộp phí, lệ phí 75.000 đồng" in said
    assert "kết quả chỉ được gửi qua bưu điện sau khi nộp đủ" in said
    assert desk.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER).status_code == 409
    page = citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    assert 'id="ask-delivery"' not in page  # not offered where it cannot succeed
    form = citizen.get(f"/ca-nhan/ho-so/{code}/buu-chinh?loai=delivery", follow_redirects=True)
    assert "kết quả chỉ được gửi qua bưu điện sau khi nộp đủ" in _words(form.get_data(as_text=True))
    pay_in_cash(desk, code)
    assert citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER).status_code == 201


def test_delivered_with_the_fee_owed_is_not_a_return_and_the_desk_is_told(
    post_app: Flask, platform: Platform, carrier: PostSimulator, clock: Any
) -> None:
    citizen = citizen_client(post_app)
    code, reference, desk = _ordered_then_granted(post_app, citizen)
    _deliver(platform, carrier, clock)
    clock.advance(timedelta(minutes=10))
    delivered_at = local_iso(clock.now())
    assert carrier.report(reference, "delivered").status_code == 200
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 9  # not handed back
    inbox = _words(desk.get("/can-bo").get_data(as_text=True))
    assert f"Bưu điện đã phát kết quả hồ sơ {code}: chưa thu phí" in inbox
    assert "chưa nộp phí, lệ phí 75.000 đồng" in inbox
    clock.advance(timedelta(minutes=10))  # the desk collects the fee later and records it
    pay_in_cash(desk, code)
    done = _hand_back(desk, code, BY_POST)
    assert done.status_code == 200, done.json
    dossier = citizen.get(f"/api/v1/dossiers/{code}").json
    assert (dossier["status"], dossier["returned_at"]) == (10, delivered_at)


def test_the_desks_postal_hand_back_waits_for_the_carriers_delivery(
    post_app: Flask, platform: Platform, carrier: PostSimulator, clock: Any
) -> None:
    citizen = citizen_client(post_app)
    code, reference, desk = _ordered_then_granted(post_app, citizen)
    pay_in_cash(desk, code)
    _deliver(platform, carrier, clock)
    early = _hand_back(desk, code, BY_POST)
    assert early.status_code == 409
    assert f"Kết quả đang được bưu điện chuyển phát (đơn {reference}" in early.json["error"]["message"]
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 9
    clock.advance(timedelta(minutes=15))
    delivered_at = local_iso(clock.now())
    assert carrier.report(reference, "delivered").status_code == 200
    dossier = citizen.get(f"/api/v1/dossiers/{code}").json
    assert (dossier["status"], dossier["returned_at"]) == (10, delivered_at)
