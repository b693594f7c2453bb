"""How the citizen receives the result, chosen when submitting: «Nhận trực tiếp tại Bộ phận
Một cửa» or «Nhận qua dịch vụ bưu chính công ích» to an address prefilled with the form's
contact address (editable). The postal choice is the dossier's delivery order
(`engine.dossiers.postal`), written with the submission and its message to the post; the
choice shows on the receipt, the citizen's dossier page and the desk's dossier page; the
API's submission takes it too. A wrong address or phone is said beside the field and
nothing is submitted."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.core.models import Dossier, OutboxMessage, PostalOrder
from engine.wiring import Platform
from tests.functional.test_citizen_area import PAGE, citizen_client, flat, post_form
from tests.functional.test_form_journey import _begin, _fill_all
from tests.helpers import MINH_XUAN, PERMIT, login, page_login, paper_files, permit_data, token

ADDRESS = "Số 8 ngõ 12 đường Bình Thuận, phường Minh Xuân, Tuyên Quang"


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _to_check_page(client: FlaskClient) -> tuple[str, str]:
    """A permit's journey filled to its check page: (the check page's URL, its HTML)."""
    _, key = _begin(client)
    _fill_all(client, key)
    url = f"/thu-tuc/{PERMIT}/kiem-tra?nhap={key}"
    return url, client.get(url).get_data(as_text=True)


def _dossiers(platform: Platform) -> int:
    with platform.uow() as uow:
        return int(uow.session.scalar(select(func.count(Dossier.id))) or 0)


def test_the_check_page_offers_both_ways_with_the_contact_address_prefilled(app: Flask) -> None:
    _, check = _to_check_page(app.test_client())
    assert "Hình thức nhận kết quả" in check
    assert 'value="truc_tiep" id="nhan-truc-tiep" checked>' in check  # at the desk unless chosen
    assert "Nhận trực tiếp tại Bộ phận Một cửa" in check
    assert "Nhận qua dịch vụ bưu chính công ích" in check
    assert ">Tổ 5, phường Minh Xuân</textarea>" in check  # the form's contact address
    assert 'value="0912345678"' in check


def test_chosen_by_post_the_order_goes_with_the_submission_and_shows_everywhere(
    app: Flask, platform: Platform,
) -> None:
    client = app.test_client()
    url, check = _to_check_page(client)
    sent = client.post(url, data={"csrf_token": token(check.encode()), "nhan_ket_qua": "buu_chinh",
                                  "dia_chi_nhan": ADDRESS, "dien_thoai_nhan": "0912 345 678"})
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/bien-nhan")
    code = sent.headers["Location"].split("/")[-2]
    receipt = _words(client.get(sent.headers["Location"]).get_data(as_text=True))
    assert f"Hình thức nhận kết quả Nhận qua dịch vụ bưu chính công ích: {ADDRESS}" in receipt
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        orders = list(uow.session.scalars(select(PostalOrder).where(PostalOrder.dossier_id == dossier.id)))
        assert [(o.kind, o.address, o.phone, o.name) for o in orders] == [
            ("delivery", ADDRESS, "0912345678", "Nguyễn Văn An")]
        sent_to_post = list(uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.connector == "post", OutboxMessage.dossier_id == dossier.id)))
        assert len(sent_to_post) == 1
    desk = app.test_client()
    page_login(desk, "motcua.minhxuan")
    page = _words(desk.get(f"/can-bo/ho-so/{code}").get_data(as_text=True))
    assert f"Hình thức nhận kết quả Nhận qua dịch vụ bưu chính công ích: {ADDRESS}" in page


def test_at_the_desk_by_default_and_the_citizens_page_says_so(app: Flask, platform: Platform) -> None:
    client = app.test_client()
    page_login(client, "congdan")
    url, check = _to_check_page(client)
    sent = client.post(url, data={"csrf_token": token(check.encode()), "nhan_ket_qua": "truc_tiep",
                                  "dia_chi_nhan": "", "dien_thoai_nhan": ""})
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    code = sent.headers["Location"].split("/")[-2]
    receipt = _words(client.get(sent.headers["Location"]).get_data(as_text=True))
    assert "Hình thức nhận kết quả Nhận trực tiếp tại Bộ phận Một cửa" in receipt
    mine = _words(client.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True))
    assert "Hình thức nhận kết quả Nhận trực tiếp tại Bộ phận Một cửa" in mine
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count(PostalOrder.id))) == 0


def test_a_wrong_address_is_said_beside_it_and_nothing_is_submitted(
    app: Flask, platform: Platform,
) -> None:
    client = app.test_client()
    url, check = _to_check_page(client)
    before = _dossiers(platform)
    sent = client.post(url, data={"csrf_token": token(check.encode()), "nhan_ket_qua": "buu_chinh",
                                  "dia_chi_nhan": "Số 8", "dien_thoai_nhan": "12345"})
    html = sent.get_data(as_text=True)
    assert sent.status_code == 422
    assert 'id="dia_chi_nhan-error"' in html and "Nhập địa chỉ đầy đủ" in html
    assert 'id="dien_thoai_nhan-error"' in html and "Số điện thoại không hợp lệ" in html
    assert ">Số 8</textarea>" in html and 'value="12345"' in html  # what was typed is kept
    assert re.search(r'value="buu_chinh" id="nhan-buu-chinh" checked', html)
    assert 'href="#dia_chi_nhan"' in html  # the summary leads to the field
    assert _dossiers(platform) == before


def test_the_api_submission_takes_the_delivery(app: Flask, platform: Platform) -> None:
    citizen = app.test_client()
    login(citizen, "congdan")
    wrong = citizen.post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(),
        "result_delivery": {"address": ADDRESS, "phone": "abc"}})
    assert wrong.status_code in (400, 422) and wrong.json is not None
    assert "delivery.phone" in str(wrong.json)
    before = _dossiers(platform)
    made = citizen.post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(),
        "result_delivery": {"address": ADDRESS, "phone": "0987654321"}})
    assert made.status_code == 201, made.json
    assert made.json["result_delivery"]["address"] == ADDRESS
    assert made.json["result_delivery"]["status"] == "requested"
    assert _dossiers(platform) == before + 1
    plain = citizen.post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()})
    assert plain.status_code == 201 and plain.json["result_delivery"] is None


def test_the_one_page_form_asks_it_too(app: Flask, platform: Platform) -> None:
    citizen = citizen_client(app)
    assert 'id="nhan-buu-chinh"' in citizen.get(PAGE).get_data(as_text=True)
    fields = {**flat(permit_data()), **paper_files(), "_action": "submit", "nhan_ket_qua": "buu_chinh"}
    before = _dossiers(platform)
    wrong = post_form(citizen, PAGE, {**fields, "dia_chi_nhan": "", "dien_thoai_nhan": "0912345678"})
    assert wrong.status_code == 422 and "Nhập địa chỉ đầy đủ" in wrong.get_data(as_text=True)
    assert _dossiers(platform) == before
    sent = post_form(citizen, PAGE, {**fields, "dia_chi_nhan": ADDRESS, "dien_thoai_nhan": "0912345678"})
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    code = sent.headers["Location"].split("/")[-2]
    mine = _words(citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True))
    assert f"Hình thức nhận kết quả Nhận qua dịch vụ bưu chính công ích: {ADDRESS}" in mine
