"""A result handed back by post (QĐ 45/2016/QĐ-TTg, Tuyên Quang art. 32.4): the return is
done when the carrier delivers it. The carrier's «delivered» report completes the hand-over
step (status 10, the delivery's time as the return time, one event, the applicant told
once; a repeated report changes nothing); «returned to sender» tells the desk and leaves
the step open. Another way at the hand-over while the order is open asks a confirmation on
the page and over the API (409 in words), and once confirmed cancels the order («Đã hủy»)
and says so — on both databases."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from engine.core.clock import local_iso
from engine.wiring import Platform
from tests.functional import test_post_connector as carrier_tests
from tests.functional.test_citizen_area import _granted, citizen_client, officer, submit_on_page
from tests.functional.test_post_connector import ORDER, _deliver
from tests.functional.test_refusals_and_results import _desk_page, _post_step, _task_url
from tests.helpers import pay_in_cash, task_for
from tests.simulators.post import PostSimulator

carrier, post_app = carrier_tests.carrier, carrier_tests.post_app  # a carrier on loopback


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _history(client: FlaskClient, code: str) -> str:
    """The words of the officer's dossier page's «Quá trình xử lý»."""
    page = client.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    found = re.search(r'<ol class="timeline" id="history">.*?</ol>', page, re.S)
    assert found is not None
    return _words(found.group(0))


def _notices(citizen: FlaskClient, code: str) -> list[str]:
    return [n["subject"] for n in citizen.get("/api/v1/me/notices").json["notices"]
            if code in n["subject"]]


def _ordered_and_granted(app: Flask, citizen: FlaskClient) -> tuple[str, str, FlaskClient]:
    """A dossier whose applicant ordered the result by post, at its hand-over (status 9),
    its fee collected (the hand-over waits for it)."""
    code = submit_on_page(citizen)
    made = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER)
    assert made.status_code == 201, made.json
    desk = _granted(app, code)
    pay_in_cash(desk, code)
    return code, made.json["reference"], desk


def test_the_carriers_delivery_hands_the_result_back_once_at_the_delivery_time(
    post_app: Flask, platform: Platform, carrier: PostSimulator, clock: Any
) -> None:
    citizen = citizen_client(post_app)
    code, reference, desk = _ordered_and_granted(post_app, citizen)
    step = task_for(desk, code)
    assert desk.post(f"/api/v1/tasks/{step['id']}/claim").status_code == 200  # the desk holds it
    _deliver(platform, carrier, clock)
    assert carrier.report(reference, "in_transit").status_code == 200
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 9
    clock.advance(timedelta(minutes=20))
    delivered_at = local_iso(clock.now())
    delivered = carrier.report(reference, "delivered", note="Người nhận: Nguyễn Văn An")
    assert delivered.status_code == 200 and delivered.json()["recorded"] is True
    dossier = citizen.get(f"/api/v1/dossiers/{code}").json
    assert (dossier["status"], dossier["returned_at"]) == (10, delivered_at)
    assert [t for t in desk.get("/api/v1/tasks").json["tasks"] if t["dossier"] == code] == []
    assert _history(desk, code).count("Bưu điện đã phát kết quả") == 1
    told = _notices(citizen, code)
    assert told.count(f"Bưu điện đã phát kết quả hồ sơ {code}") == 1
    assert f"Hồ sơ {code} đã trả kết quả" not in told  # the delivery is the one notice

    clock.advance(timedelta(minutes=5))  # the carrier sends the same report again
    again = carrier.report(reference, "delivered", note="Người nhận: Nguyễn Văn An")
    assert again.status_code == 200 and again.json()["recorded"] is False
    assert citizen.get(f"/api/v1/dossiers/{code}").json["returned_at"] == delivered_at
    assert _notices(citizen, code) == told
    assert _history(desk, code).count("Bưu điện đã phát kết quả") == 1


def test_a_result_sent_back_tells_the_desk_and_leaves_the_hand_over_open(
    post_app: Flask, platform: Platform, carrier: PostSimulator, clock: Any
) -> None:
    citizen = citizen_client(post_app)
    code, reference, _ = _ordered_and_granted(post_app, citizen)
    _deliver(platform, carrier, clock)
    assert carrier.report(reference, "returned", note="Không có người nhận").status_code == 200
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 9
    desk = _desk_page(post_app)
    inbox = _words(desk.get("/can-bo").get_data(as_text=True))
    assert f"Bưu điện chuyển hoàn kết quả hồ sơ {code}" in inbox
    assert "Không có người nhận" in inbox and "Bước trả kết quả vẫn mở" in inbox
    url = _task_url(desk, code)
    # The order is over: handing the result back at the desk asks nothing more.
    assert _post_step(desk, url, {"hinh_thuc_tra": "truc_tiep"}).status_code == 303
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 10


def test_another_way_confirmed_on_the_page_cancels_the_order_and_says_so(app: Flask) -> None:
    citizen = citizen_client(app)
    code, reference, _ = _ordered_and_granted(app, citizen)
    desk = _desk_page(app)
    url = _task_url(desk, code)
    asked = _post_step(desk, url, {"hinh_thuc_tra": "truc_tiep"})
    assert asked.status_code == 422
    assert "khi bạn xác nhận, đơn chuyển phát được hủy" in asked.get_data(as_text=True)
    done = _post_step(desk, url, {"hinh_thuc_tra": "truc_tiep", "xac_nhan_khong_buu_dien": "1"})
    assert done.status_code == 303
    said = _words(desk.get(done.headers["Location"]).get_data(as_text=True))
    assert f"Đơn chuyển phát kết quả {reference} đã được hủy" in said
    assert "hãy báo bưu điện hủy đơn này" in said
    orders = citizen.get(f"/api/v1/dossiers/{code}/post-orders").json["items"]
    assert [(o["reference"], o["status"], o["status_label"]) for o in orders] == [
        (reference, "cancelled", "Đã hủy")]
    mine = _words(citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True))
    assert "Tình trạng Đã hủy Bộ phận Một cửa đã trả kết quả theo hình thức khác" in mine
    assert "được chuyển phát qua bưu điện" not in mine
    assert f"Đơn chuyển phát kết quả hồ sơ {code} đã hủy" in _notices(citizen, code)
    history = _history(desk, code)
    assert "Hủy đơn chuyển phát kết quả (trả theo hình thức khác)" in history
    assert "Hệ thống chưa gửi được lệnh hủy tới bưu điện" in history


def test_the_api_hand_over_refuses_another_way_while_the_order_is_open_unless_confirmed(
    app: Flask,
) -> None:
    citizen = citizen_client(app)
    code, reference, desk = _ordered_and_granted(app, citizen)
    step = task_for(desk, code)
    data = {"data": {"hinh_thuc_tra": "truc_tiep"}}
    for url in (f"/api/v1/tasks/{step['id']}/complete", f"/api/v1/dossiers/{code}/return"):
        refused = desk.post(url, json=data)
        assert refused.status_code == 409, refused.json
        message = refused.json["error"]["message"]
        assert f"Đơn chuyển phát kết quả {reference} của người nộp vẫn đang thực hiện" in message
        assert "confirm_other_delivery" in message
    wrong = desk.post(f"/api/v1/tasks/{step['id']}/complete",
                      json={**data, "confirm_other_delivery": "có"})
    assert wrong.status_code == 400
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 9
    assert [o["status"] for o in citizen.get(
        f"/api/v1/dossiers/{code}/post-orders").json["items"]] == ["requested"]
    done = desk.post(f"/api/v1/tasks/{step['id']}/complete",
                     json={**data, "confirm_other_delivery": True})
    assert done.status_code == 200, done.json
    assert done.json["cancelled_postal_order"] == reference
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 10
    assert [o["status"] for o in citizen.get(
        f"/api/v1/dossiers/{code}/post-orders").json["items"]] == ["cancelled"]


def test_the_postal_choice_over_the_api_waits_for_the_carrier_and_cancels_nothing(app: Flask) -> None:
    citizen = citizen_client(app)
    code, reference, desk = _ordered_and_granted(app, citizen)
    step = task_for(desk, code)
    early = desk.post(f"/api/v1/tasks/{step['id']}/complete",
                      json={"data": {"hinh_thuc_tra": "buu_chinh"}})
    assert early.status_code == 409  # the carrier's delivery is the return, not this click
    assert early.json["error"]["details"] == {"order": reference}
    assert officer(app, "motcua.minhxuan").get(
        f"/api/v1/dossiers/{code}/post-orders").json["items"][0]["status"] == "requested"
