"""The applicant asks the postal service from their dossier's page (issue 19): «Nhận kết
quả qua bưu điện» and «Gửi hồ sơ giấy qua bưu điện» open a form prefilled from the dossier,
CSRF-checked, that names a wrong field in Vietnamese with what was typed kept and confirms
the order; offered only while the dossier can use it (not withdrawn, refused, handed back).
A second order of a kind while one is open is refused (409 on the API, words on the pages)
on both databases, also when two arrive at once. The carrier's final reports (delivered,
returned) are dossier events: in the history of the applicant and of the officers, told to
the applicant as a notice, and an entry of the portal's processing log."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.models import OutboxMessage
from engine.wiring import Platform
from tests.functional import test_post_connector as carrier_tests
from tests.functional.test_citizen_area import _granted, citizen_client, officer, submit_on_page
from tests.functional.test_post_connector import ORDER, _deliver
from tests.helpers import complete, page_login, pay_in_cash, task_for, token
from tests.simulators.post import PostSimulator

FORM = "/ca-nhan/ho-so/{code}/buu-chinh?loai={kind}"
carrier, post_app = carrier_tests.carrier, carrier_tests.post_app  # its fixtures: a carrier on loopback


def _words(html: str, tags: str = " ") -> str:
    return " ".join(re.sub(r"<[^>]+>", tags, html).split())


def _browser(app: Flask) -> FlaskClient:
    """The citizen in a browser: forms carry their own CSRF token (no header)."""
    client = app.test_client()
    page_login(client, "congdan")
    return client


def _ask_section(client: FlaskClient, code: str) -> str:
    page = client.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    found = re.search(r'<section[^>]*id="postal-ask".*?</section>', page, re.S)
    return _words(found.group(0)) if found else ""


def test_the_citizen_asks_for_the_result_by_post_on_a_prefilled_form_and_is_told_what_follows(
    app: Flask,
) -> None:
    citizen = _browser(app)
    code = submit_on_page(citizen)
    ask = _ask_section(citizen, code)
    assert "Nhận kết quả qua bưu điện" in ask and "Gửi hồ sơ giấy qua bưu điện" in ask
    form = citizen.get(FORM.format(code=code, kind="delivery"))
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert "<h1>Nhận kết quả qua bưu điện</h1>" in html
    # Prefilled from the dossier: the applicant's name, phone and contact address.
    assert 'value="Nguyễn Văn An"' in html and 'value="0912345678"' in html
    assert ">Tổ 5, phường Minh Xuân</textarea>" in html
    typed = {"name": "Trần Thị Bình", "address": "ngắn", "phone": "09123"}
    no_token = citizen.post(FORM.format(code=code, kind="delivery"), data=typed)
    assert no_token.status_code in (400, 403)
    wrong = citizen.post(FORM.format(code=code, kind="delivery"),
                         data={**typed, "csrf_token": token(form.data)})
    assert wrong.status_code == 400
    shown = wrong.get_data(as_text=True)
    assert "Nhập địa chỉ đầy đủ: số nhà, đường, xã/phường, tỉnh (10–500 ký tự)." in shown
    assert "Số điện thoại không hợp lệ (ví dụ 0912345678)." in shown
    assert 'value="Trần Thị Bình"' in shown and ">ngắn</textarea>" in shown and 'value="09123"' in shown
    assert citizen.get(f"/api/v1/dossiers/{code}/post-orders").json["items"] == []
    made = citizen.post(FORM.format(code=code, kind="delivery"), data={
        **typed, "address": ORDER["address"], "phone": "0912 345 678", "csrf_token": token(form.data)})
    assert made.status_code == 303
    assert made.headers["Location"].endswith(f"/ca-nhan/ho-so/{code}#postal-title")
    [order] = citizen.get(f"/api/v1/dossiers/{code}/post-orders").json["items"]
    assert (order["kind"], order["name"], order["phone"]) == ("delivery", "Trần Thị Bình", "0912345678")
    page = _words(citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True))
    assert (f"Đã gửi yêu cầu tới bưu điện (mã đơn {order['reference']}). Bưu điện sẽ phát kết quả tới "
            f"{ORDER['address']}; bưu điện gọi số 0912345678 khi cần.") in page
    assert "Tình trạng Đã gửi yêu cầu tới bưu điện" in page
    # One delivery open: no second button; the pickup is still offered.
    ask = _ask_section(citizen, code)
    assert "Nhận kết quả qua bưu điện" not in ask and "Gửi hồ sơ giấy qua bưu điện" in ask


def test_a_pickup_of_the_papers_is_asked_the_same_way(app: Flask) -> None:
    citizen = _browser(app)
    code = submit_on_page(citizen)
    form = citizen.get(FORM.format(code=code, kind="pickup"))
    html = form.get_data(as_text=True)
    assert "<h1>Gửi hồ sơ giấy qua bưu điện</h1>" in html and "Địa chỉ thu gom" in html
    made = citizen.post(FORM.format(code=code, kind="pickup"), data={
        "name": "Nguyễn Văn An", "address": ORDER["address"], "phone": "0912345678",
        "csrf_token": token(form.data)})
    assert made.status_code == 303
    page = _words(citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True))
    assert "Nhân viên bưu điện sẽ liên hệ và đến thu gom hồ sơ giấy tại" in page
    assert "Thu gom hồ sơ giấy tại nhà" in page


def test_a_withdrawn_or_refused_dossier_offers_no_postal_order_and_refuses_one(app: Flask) -> None:
    citizen = _browser(app)
    withdrawn = submit_on_page(citizen)
    page = citizen.get(f"/ca-nhan/ho-so/{withdrawn}/rut")
    assert citizen.post(f"/ca-nhan/ho-so/{withdrawn}/rut", data={
        "reason": "Tôi đổi thiết kế.", "csrf_token": token(page.data)}).status_code == 303
    assert _ask_section(citizen, withdrawn) == ""
    sent_back = citizen.get(FORM.format(code=withdrawn, kind="delivery"))
    assert sent_back.status_code == 303
    assert sent_back.headers["Location"].endswith(f"/ca-nhan/ho-so/{withdrawn}")
    told = _words(citizen.get(f"/ca-nhan/ho-so/{withdrawn}").get_data(as_text=True))
    assert "Hồ sơ đã rút: không có kết quả để chuyển phát." in told
    api = citizen_client(app)
    refused = api.post(f"/api/v1/dossiers/{withdrawn}/post-orders", json=ORDER)
    assert refused.status_code == 409
    assert refused.json["error"]["message"] == "Hồ sơ đã rút: không có kết quả để chuyển phát."
    pickup = api.post(f"/api/v1/dossiers/{withdrawn}/post-orders", json={**ORDER, "kind": "pickup"})
    assert pickup.status_code == 409 and "Hồ sơ đã kết thúc" in pickup.json["error"]["message"]

    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    specialist = officer(app, "chuyenvien.minhxuan")
    assert specialist.post(f"/api/v1/tasks/{task_for(specialist, code)['id']}/refuse",
                           json={"reasons": "Vượt chỉ giới xây dựng."}).status_code == 200
    assert _ask_section(citizen, code) == ""
    refused = api.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER)
    assert refused.status_code == 409
    assert refused.json["error"]["message"] == "Hồ sơ không được giải quyết: không có kết quả để chuyển phát."
    assert api.get(f"/api/v1/dossiers/{code}/post-orders").json["items"] == []


def test_a_second_delivery_while_one_is_open_is_refused_on_the_api_and_the_pages(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    first = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER)
    assert first.status_code == 201
    again = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json={**ORDER, "name": "Trần Thị Bình"})
    assert again.status_code == 409
    reference = first.json["reference"]
    assert again.json["error"]["message"] == (
        f"Hồ sơ đã có yêu cầu «chuyển phát kết quả tới nhà» đang thực hiện (mã đơn {reference}: "
        "đã gửi yêu cầu tới bưu điện). Chờ bưu điện phát xong hoặc chuyển hoàn rồi mới yêu cầu lại.")
    desk = officer(app, "motcua.minhxuan")  # the desk too: its page says why, keeps what was typed
    form = desk.get(f"/can-bo/ho-so/{code}/buu-chinh")
    typed = {"csrf_token": token(form.data), "kind": "delivery", "name": "Lê Văn Cường",
             "address": ORDER["address"], "phone": "0987654321"}
    refused = desk.post(f"/can-bo/ho-so/{code}/buu-chinh", data=typed)
    assert refused.status_code == 409
    shown = refused.get_data(as_text=True)
    assert f"đang thực hiện (mã đơn {reference}" in shown and 'value="Lê Văn Cường"' in shown
    browser = _browser(app)  # the citizen's own form, opened before the first order, posted after
    mine = browser.post(FORM.format(code=code, kind="delivery"), data={
        **typed, "csrf_token": token(browser.get(f"/ca-nhan/ho-so/{code}/rut").data)})
    assert mine.status_code == 409 and f"mã đơn {reference}" in mine.get_data(as_text=True)
    assert 'value="Lê Văn Cường"' in mine.get_data(as_text=True)
    assert len(citizen.get(f"/api/v1/dossiers/{code}/post-orders").json["items"]) == 1
    # A pickup is another kind: still open to order.
    pickup = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json={**ORDER, "kind": "pickup"})
    assert pickup.status_code == 201


def test_two_deliveries_ordered_at_once_make_one_order(app: Flask, platform: Platform) -> None:
    """Both databases: the dossier's row lock (PostgreSQL) or the write transaction (SQLite)
    makes the second order see the first."""
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    clients = [citizen_client(app) for _ in range(4)]
    statuses: list[int] = []
    start = threading.Barrier(len(clients))

    def order(client: FlaskClient) -> None:
        start.wait()
        statuses.append(client.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER).status_code)

    threads = [threading.Thread(target=order, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409, 409, 409]
    assert len(citizen.get(f"/api/v1/dossiers/{code}/post-orders").json["items"]) == 1


def _history(client: FlaskClient, code: str) -> str:
    html = client.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    found = re.search(r'<ol class="timeline" id="history">.*?</ol>', html, re.S)
    assert found
    return _words(found.group(0).replace("<li>", "<li> "), tags="")


def _timeline(client: FlaskClient, code: str) -> str:
    html = client.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    found = re.search(r'<ol class="timeline" id="timeline">.*?</ol>', html, re.S)
    assert found
    return _words(found.group(0).replace("<li>", "<li> "), tags="")


def _portal_entries(platform: Platform, code: str) -> list[dict[str, Any]]:
    with platform.uow() as uow:
        rows = uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.connector == "portal", OutboxMessage.kind == "progress-update",
            OutboxMessage.ordering_key == code).order_by(OutboxMessage.id))
        return [json.loads(row.payload)["entry"] for row in rows]


def test_the_carriers_delivered_and_returned_reports_reach_the_history_and_the_applicant(
    post_app: Flask, platform: Platform, carrier: PostSimulator, clock: Any
) -> None:
    citizen = citizen_client(post_app)
    code = submit_on_page(citizen)
    desk = _granted(post_app, code)
    pay_in_cash(desk, code)  # a result is sent by post once its fee is collected
    delivery = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER).json["reference"]
    _deliver(platform, carrier, clock)
    assert carrier.report(delivery, "accepted").status_code == 200
    assert "Bưu điện" not in _timeline(citizen, code)  # only the final reports are events
    assert carrier.report(delivery, "delivered", note="Người nhận: Nguyễn Văn An").status_code == 200
    tracking = carrier.state.tracking[delivery]
    said = f"Đơn {delivery}, số hiệu bưu gửi {tracking}; bưu điện ghi: Người nhận: Nguyễn Văn An"
    assert f"Bưu điện đã phát kết quả: {said}" in _timeline(citizen, code)
    assert f"Bưu điện đã phát kết quả: {said}" in _history(desk, code)
    notices = _words(citizen.get("/ca-nhan/thong-bao").get_data(as_text=True))
    assert f"Bưu điện đã phát kết quả hồ sơ {code}" in notices
    procedure = citizen.get(f"/api/v1/dossiers/{code}").json["procedure_name"]
    assert (f"Bưu điện đã phát kết quả của hồ sơ {code} ({procedure}) tới địa chỉ bạn yêu cầu "
            f"({said}).") in notices
    entries = [e for e in _portal_entries(platform, code) if e["kind"].startswith("postal_")]
    assert [(e["kind"], e["note"]) for e in entries] == [  # the order placed, then its delivery
        ("postal_result_requested", f"người nộp hồ sơ, đơn {delivery}"), ("postal_result_delivered", said)]

    # After the result the applicant has no papers left to send; the desk may still order.
    pickup_order = {**ORDER, "kind": "pickup"}
    assert citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=pickup_order).status_code == 409
    pickup = desk.post(f"/api/v1/dossiers/{code}/post-orders", json=pickup_order)
    assert pickup.status_code == 201, pickup.json
    _deliver(platform, carrier, clock)
    picked = pickup.json["reference"]
    assert carrier.report(picked, "returned", note="Không có người ở nhà").status_code == 200
    returned = f"Đơn {picked}, số hiệu bưu gửi {carrier.state.tracking[picked]}"
    assert (f"Bưu điện không thu gom, chuyển được hồ sơ giấy: {returned}; bưu điện ghi: Không có người ở nhà"
            in _timeline(citizen, code))
    notices = _words(citizen.get("/ca-nhan/thong-bao").get_data(as_text=True))
    assert f"Bưu điện không thu gom được hồ sơ {code}" in notices
    replay = carrier.report(picked, "returned")  # no step forward: no second event
    assert replay.json()["recorded"] is False
    assert _timeline(citizen, code).count("Bưu điện không thu gom") == 1


def test_a_returned_result_tells_the_applicant_to_see_the_desk_and_may_be_asked_again(
    post_app: Flask, platform: Platform, carrier: PostSimulator, clock: Any
) -> None:
    citizen = citizen_client(post_app)
    code = submit_on_page(citizen)
    pay_in_cash(_granted(post_app, code), code)  # the fee first: then the post
    reference = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER).json["reference"]
    _deliver(platform, carrier, clock)
    assert carrier.report(reference, "returned", note="Sai địa chỉ").status_code == 200
    notices = _words(citizen.get("/ca-nhan/thong-bao").get_data(as_text=True))
    assert f"Bưu điện không phát được kết quả hồ sơ {code}" in notices
    assert "Vui lòng liên hệ Bộ phận Một cửa để nhận kết quả." in notices
    history = _history(officer(post_app, "motcua.minhxuan"), code)
    assert "Bưu điện chuyển hoàn kết quả (không phát được)" in history
    # The returned order is closed: the applicant may ask again, with a better address.
    assert "Nhận kết quả qua bưu điện" in _ask_section(citizen, code)
    assert citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER).status_code == 201
