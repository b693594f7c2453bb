"""The postal connector's contract against a local carrier on loopback (issue 19): the
applicant or the desk orders a pickup of papers or the delivery of the result, the order
leaves through the connectors' outbox (after commit, retried with back-off, never taken
twice), the carrier's signed reports (accepted, in transit, delivered, returned) and its
tracking number show on the officer's dossier page; a replayed, forged, malformed or
unknown report changes nothing, and a wrong order is refused with each field named."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from engine.wiring import Platform
from integrations import deliver, registry
from tests.functional.test_citizen_area import citizen_client, submit_on_page
from tests.functional.test_desk_papers import _post_dossier
from tests.helpers import login
from tests.simulators.post import PostSimulator

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
