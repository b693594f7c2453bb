"""The postal connector's contract against a local carrier on loopback (issue 19): the
applicant or the desk orders a pickup of papers or the delivery of the result, the order
leaves through the connectors' outbox (after commit, retried with back-off, never taken
twice), the carrier's signed reports (accepted, in transit, delivered, returned) and its
tracking number show on the officer's dossier page and on the applicant's own (with what
each state means for them and when it came); a replayed, forged, malformed or
unknown report changes nothing, and a wrong order is refused with each field named."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from engine.wiring import Platform
from integrations import deliver, registry
from tests.functional.test_citizen_area import _granted, citizen_client, submit_on_page
from tests.functional.test_desk_papers import _post_dossier
from tests.helpers import login, pay_in_cash
from tests.simulators.post import PostSimulator
from webapp.text import vn_datetime

ORDER = {
    "kind": "delivery",
    "name": "Nguyễn Văn An",
    "phone": "0912 345 678",
    "address": "Số 5 đường Tân Trào, phường Minh Xuân, tỉnh Tuyên Quang",
}


@pytest.fixture
def carrier(clock: Any) -> Iterator[PostSimulator]:
    simulator = PostSimulator()
    simulator.state.now = simulator.state.callback_now = clock.now  # the outbox signs on it
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def post_app(platform: Platform, carrier: PostSimulator) -> Iterator[Flask]:
    """The app with the carrier configured, served on loopback for its reports."""
    from webapp import create_app

    app = create_app(
        {
            "TESTING": True,
            "PLATFORM": platform,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": platform.database_url,
            "CONNECTORS": {"post": carrier.settings()},
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    carrier.callback_url = f"http://127.0.0.1:{server.server_port}/api/v1/connectors/post/status"
    yield app
    server.shutdown()
    server.server_close()


def _deliver(platform: Platform, carrier: PostSimulator, clock: Any) -> dict[str, int]:
    return deliver(platform.uow, registry().build({"post": carrier.settings()}), clock.now)


def _postal_line(app: Flask, code: str) -> str:
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    html = desk.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    assert "Dịch vụ bưu chính" in html
    lines = [line for line in html.splitlines() if "Nguyễn Văn An, Số 5" in line]
    assert len(lines) == 1, lines
    return lines[0]


def test_the_citizen_orders_delivery_and_the_carriers_reports_show_on_the_dossier(
    post_app: Flask, platform: Platform, carrier: PostSimulator, clock: Any
) -> None:
    citizen = citizen_client(post_app)
    code = submit_on_page(citizen)
    made = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER)
    assert made.status_code == 201, made.json
    reference = made.json["reference"]
    assert made.json["status_label"] == "Đã gửi yêu cầu tới bưu điện"
    assert carrier.state.orders == {}  # nothing leaves before the worker's round
    assert "Đã gửi yêu cầu tới bưu điện" in _postal_line(post_app, code)
    _deliver(platform, carrier, clock)
    sent = carrier.state.orders[reference]
    assert sent["dossier_code"] == code and sent["kind"] == "delivery" and sent["phone"] == "0912345678"

    body, headers = carrier.signed_report(reference, "accepted")
    assert carrier.send_report(body, headers).json()["recorded"] is True
    tracking = carrier.state.tracking[reference]
    line = _postal_line(post_app, code)
    assert "Bưu điện đã nhận đơn" in line and tracking in line
    replay = carrier.send_report(body, headers)
    assert replay.status_code == 409
    assert carrier.report(reference, "in_transit").status_code == 200
    assert carrier.report(reference, "delivered", note="Người nhận: Nguyễn Văn An").status_code == 200
    clock.advance(timedelta(seconds=30))  # the same report sent again later (not a replay)
    late = carrier.report(reference, "in_transit")  # out of order: the order stays delivered
    assert late.status_code == 200 and late.json()["recorded"] is False
    listed = citizen.get(f"/api/v1/dossiers/{code}/post-orders").json["items"]
    assert [(o["status"], o["tracking_number"]) for o in listed] == [("delivered", tracking)]
    assert "Đã phát thành công" in _postal_line(post_app, code)


def test_a_failed_order_is_retried_and_taken_once(
    post_app: Flask, platform: Platform, carrier: PostSimulator, clock: Any
) -> None:
    desk = post_app.test_client()
    login(desk, "motcua.minhxuan")
    code = _post_dossier(desk, phone="0987654321")
    made = desk.post(f"/api/v1/dossiers/{code}/post-orders", json={**ORDER, "kind": "pickup"})
    assert made.status_code == 201, made.json
    carrier.state.fail_next = 1
    _deliver(platform, carrier, clock)
    assert carrier.state.orders == {} and [s for _, s in carrier.state.calls] == [503]
    clock.advance(timedelta(minutes=1))
    _deliver(platform, carrier, clock)
    clock.advance(timedelta(minutes=1))
    _deliver(platform, carrier, clock)  # nothing left: never sent twice
    assert [s for _, s in carrier.state.calls] == [503, 200]
    assert len({key for key, _ in carrier.state.calls}) == 1  # one idempotency key
    assert list(carrier.state.orders) == [made.json["reference"]]
    assert carrier.report(made.json["reference"], "returned", note="Không có người ở nhà").status_code == 200
    line = _postal_line(post_app, code)
    assert "Thu gom hồ sơ giấy tại nhà" in line and "Chuyển hoàn" in line and "Không có người ở nhà" in line


def test_a_forged_malformed_or_unknown_report_and_a_wrong_order_change_nothing(
    post_app: Flask, platform: Platform, carrier: PostSimulator, clock: Any
) -> None:
    citizen = citizen_client(post_app)
    code = submit_on_page(citizen)
    wrong = citizen.post(
        f"/api/v1/dossiers/{code}/post-orders",
        json={"kind": "bay", "name": "A", "address": "ngắn", "phone": "12ab"},
    )
    assert wrong.status_code == 400
    assert set(wrong.json["error"]["details"]) == {"kind", "name", "address", "phone"}
    assert citizen.get(f"/api/v1/dossiers/{code}/post-orders").json["items"] == []
    reference = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER).json["reference"]
    _deliver(platform, carrier, clock)
    forged = carrier.report(reference, "delivered", forged=True)
    assert forged.status_code == 403 and "không đúng" in forged.json()["error"]["message"]
    assert carrier.report("BC00000000DEADBEEF", "accepted").status_code == 404
    bad = json.dumps({"reference": reference, "status": "lost"}).encode()
    from integrations.signing import sign

    refused = carrier.send_report(
        bad, {"Content-Type": "application/json", **sign(carrier.state.secret, bad, clock.now())}
    )
    assert refused.status_code == 400
    stale_body, stale_headers = carrier.signed_report(reference, "delivered")
    clock.advance(timedelta(minutes=10))
    assert carrier.send_report(stale_body, stale_headers).status_code == 403
    listed = citizen.get(f"/api/v1/dossiers/{code}/post-orders").json["items"]
    assert [o["status"] for o in listed] == ["requested"]


def test_the_desk_orders_on_its_page_and_a_wrong_field_is_named_with_what_was_typed_kept(
    app: Flask, platform: Platform
) -> None:
    from tests.helpers import token

    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    code = _post_dossier(desk, phone="0987654321")
    dossier_page = desk.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    assert f"/can-bo/ho-so/{code}/buu-chinh" in dossier_page
    form = desk.get(f"/can-bo/ho-so/{code}/buu-chinh")
    assert form.status_code == 200
    typed = {
        "csrf_token": token(form.data),
        "kind": "delivery",
        "name": "Nguyễn Văn An",
        "address": "ngắn",
        "phone": "09123",
    }
    wrong = desk.post(f"/can-bo/ho-so/{code}/buu-chinh", data=typed)
    assert wrong.status_code == 400
    html = wrong.get_data(as_text=True)
    assert "Nhập địa chỉ đầy đủ" in html and "Số điện thoại không hợp lệ" in html
    assert 'value="Nguyễn Văn An"' in html and ">ngắn</textarea>" in html and 'value="09123"' in html
    assert 'value="delivery" checked' in html
    assert desk.get(f"/api/v1/dossiers/{code}/post-orders").json["items"] == []
    made = desk.post(
        f"/can-bo/ho-so/{code}/buu-chinh", data={**typed, "address": ORDER["address"], "phone": "0912345678"}
    )
    assert made.status_code == 303 and made.headers["Location"].endswith(f"/can-bo/ho-so/{code}#postal-title")
    shown = desk.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    assert "Đã gửi yêu cầu tới bưu điện: chuyển phát kết quả tới nhà" in shown
    assert "Chuyển phát kết quả tới nhà — Nguyễn Văn An, Số 5" in shown
    leader = app.test_client()
    login(leader, "lanhdao.minhxuan")  # reads the dossier, is not its desk
    refused = leader.post(
        f"/can-bo/ho-so/{code}/buu-chinh",
        data={**typed, "csrf_token": token(leader.get(f"/can-bo/ho-so/{code}/buu-chinh").data)},
    )
    assert refused.status_code == 403
    stranger = citizen_client(app)
    assert stranger.get(f"/can-bo/ho-so/{code}/buu-chinh").status_code == 404
    assert len(desk.get(f"/api/v1/dossiers/{code}/post-orders").json["items"]) == 1


def _my_postal(client: FlaskClient, code: str) -> str:
    """The words of the «Dịch vụ bưu chính» section of the applicant's dossier page ("" if none)."""
    page = client.get(f"/ca-nhan/ho-so/{code}")
    assert page.status_code == 200
    found = re.search(r'<section[^>]*id="postal".*?</section>', page.get_data(as_text=True), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split()) if found else ""


def test_the_citizen_follows_the_delivery_and_each_carrier_report_on_their_dossier_page(
    post_app: Flask, platform: Platform, carrier: PostSimulator, clock: Any
) -> None:
    citizen = citizen_client(post_app)
    code = submit_on_page(citizen)
    assert _my_postal(citizen, code) == ""  # nothing ordered: no section
    assert "Dịch vụ bưu chính" not in citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    ordered_at = vn_datetime(clock.now())
    reference = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER).json["reference"]
    shown = _my_postal(citizen, code)
    assert "Dịch vụ bưu chính Chuyển phát kết quả tới nhà" in shown
    assert "Tình trạng Đã gửi yêu cầu tới bưu điện" in shown
    assert "Số hiệu bưu gửi Chưa có (bưu điện cấp khi nhận đơn)" in shown
    assert "Người nhận Nguyễn Văn An, điện thoại 0912345678" in shown
    assert f"Địa chỉ nhận {ORDER['address']}" in shown
    assert f"Yêu cầu lúc {ordered_at}" in shown and f"Mã đơn {reference}" in shown
    assert "Bưu điện báo lúc" not in shown

    _deliver(platform, carrier, clock)
    clock.advance(timedelta(minutes=20))
    accepted_at = vn_datetime(clock.now())
    assert carrier.report(reference, "accepted").status_code == 200
    tracking = carrier.state.tracking[reference]
    shown = _my_postal(citizen, code)
    assert "Tình trạng Bưu điện đã nhận đơn" in shown and f"Số hiệu bưu gửi {tracking}" in shown
    assert f"Bưu điện báo lúc {accepted_at}" in shown

    clock.advance(timedelta(minutes=20))
    assert carrier.report(reference, "in_transit").status_code == 200
    shown = _my_postal(citizen, code)
    assert "Tình trạng Đang vận chuyển Kết quả đang trên đường tới địa chỉ dưới đây." in shown

    clock.advance(timedelta(minutes=20))
    delivered_at = vn_datetime(clock.now())
    assert carrier.report(reference, "delivered", note="Người nhận: Nguyễn Văn An").status_code == 200
    shown = _my_postal(citizen, code)
    assert "Tình trạng Đã phát thành công Bưu điện đã phát kết quả tới người nhận." in shown
    assert f"Bưu điện báo lúc {delivered_at}" in shown
    assert "Ghi chú của bưu điện Người nhận: Nguyễn Văn An" in shown
    assert f"Yêu cầu lúc {ordered_at}" in shown and f"Số hiệu bưu gửi {tracking}" in shown
    # The desk's line says when too, and which order it is.
    line = _postal_line(post_app, code)
    assert f"Yêu cầu lúc {ordered_at}, bưu điện báo lúc {delivered_at}" in line
    assert f"điện thoại 0912345678; mã đơn {reference}" in line


def test_a_result_sent_by_post_is_announced_and_a_returned_one_sends_the_citizen_to_the_desk(
    post_app: Flask, platform: Platform, carrier: PostSimulator, clock: Any
) -> None:
    citizen = citizen_client(post_app)
    code = submit_on_page(citizen)
    pay_in_cash(_granted(post_app, code), code)  # a result goes by post once its fee is paid
    at_the_desk = "Kết quả (bản giấy) nhận tại Bộ phận Một cửa"
    assert at_the_desk in citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    reference = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER).json["reference"]
    page = citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    assert f"Kết quả (bản giấy) được chuyển phát qua bưu điện tới {ORDER['address']}" in page
    assert at_the_desk not in page
    _deliver(platform, carrier, clock)
    assert carrier.report(reference, "returned", note="Không có người nhận").status_code == 200
    shown = _my_postal(citizen, code)
    assert "Tình trạng Chuyển hoàn (không phát được) Bưu điện không phát được" in shown
    assert "Hãy liên hệ Bộ phận Một cửa của" in shown
    assert "Ghi chú của bưu điện Không có người nhận" in shown
    page = citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    assert at_the_desk in page and "được chuyển phát qua bưu điện" not in page
