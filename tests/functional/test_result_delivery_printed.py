"""The papers the applicant keeps say how the result comes back, and the paper desk asks it.

The submission receipt (page and PDF) and the receipt of TT 01/2018 Mẫu 01 («Giấy tiếp nhận
hồ sơ và hẹn trả kết quả», PDF and printable HTML) say whether the result is handed back at
the desk or sent by public postal service to the chosen address — Mẫu 01 in its own item 6,
«Đăng ký nhận kết quả tại», after the due time and before the signatures — and a fee
exempted says «Miễn lệ phí: <lý do>» instead of an amount. The paper desk's reception form
(`/can-bo/tiep-nhan`) offers the same choice as the online form: by post, the dossier gets
the same delivery order (and message to the post) as an online one; a wrong address or phone
is named beside its field with everything typed kept and nothing created.
"""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from engine.core.models import Dossier, Event, OutboxMessage, PostalOrder
from engine.reports.documents.layout import Fields, Page, build
from engine.wiring import Platform
from tests.functional.test_citizen_area import PAGE, citizen_client, flat, officer, post_form
from tests.functional.test_desk_papers import DESK_PAGE, EMAIL, PHONE, desk_browser, multipart, scans
from tests.helpers import MINH_XUAN, PERMIT, complete, paper_files, permit_data, token

ADDRESS = "Số 8 ngõ 12 đường Bình Thuận, phường Minh Xuân, Tuyên Quang"
REASON = "Người có công với cách mạng (giấy chứng nhận số 123/TQ)"
BY_POST = {"nhan_ket_qua": "buu_chinh", "dia_chi_nhan": ADDRESS, "dien_thoai_nhan": "0987 654 321"}


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _submit(client: FlaskClient, **delivery: str) -> str:
    """The permit submitted on its one-page form with `delivery`'s fields; the new code."""
    sent = post_form(client, PAGE, {**flat(permit_data()), **paper_files(), "_action": "submit",
                                    **delivery})
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    return str(sent.headers["Location"].split("/")[-2])


def _form_01(desk: FlaskClient, code: str) -> tuple[str, str]:
    """Mẫu 01 of the dossier as its PDF's text and its printable HTML's words."""
    pdf = desk.get(f"/api/v1/dossiers/{code}/documents/receipt")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    html = desk.get(f"/api/v1/dossiers/{code}/documents/receipt?format=html")
    assert html.status_code == 200
    return _pdf_text(pdf.data), _words(html.get_data(as_text=True))


def _in_order(text: str, *parts: str) -> bool:
    places = [text.find(part) for part in parts]
    return -1 not in places and places == sorted(places)


def _orders(platform: Platform, code: str) -> list[tuple[str, str, str, str, str]]:
    with platform.uow() as uow:
        dossier_id = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
        return [(o.kind, o.address, o.phone, o.name, o.status) for o in uow.session.scalars(
            select(PostalOrder).where(PostalOrder.dossier_id == dossier_id))]


def _messages_to_post(platform: Platform, code: str) -> int:
    with platform.uow() as uow:
        dossier_id = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
        return int(uow.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.connector == "post", OutboxMessage.dossier_id == dossier_id)) or 0)


def post_desk(client: FlaskClient, files: list[tuple[str, Any]], **fields: str) -> Any:
    """The desk page's form posted with the permit, its contact, an acceptance and `files`;
    `fields` add to or replace those."""
    values = {"csrf_token": token(client.get(DESK_PAGE).data), "thu_tuc": PERMIT,
              "agency": MINH_XUAN, **flat(permit_data()), "ket_qua_kiem_tra": "tiep_nhan",
              "decision": "complete", "lien_he_dien_thoai": PHONE, "lien_he_email": EMAIL,
              **fields}
    body, content_type = multipart([*values.items(), *files])
    return client.post(DESK_PAGE, data=body, content_type=content_type)


def _dossiers(platform: Platform) -> int:
    with platform.uow() as uow:
        return int(uow.session.scalar(select(func.count(Dossier.id))) or 0)


# --- the receipts ------------------------------------------------------------------------


def test_the_receipts_say_the_result_goes_by_post_to_the_chosen_address(app: Flask) -> None:
    citizen = citizen_client(app)
    code = _submit(citizen, **BY_POST)
    page = _words(citizen.get(f"/ho-so/{code}/bien-nhan").get_data(as_text=True))
    assert f"Hình thức nhận kết quả Nhận qua dịch vụ bưu chính công ích: {ADDRESS}" in page
    submitted = _pdf_text(citizen.get(f"/ho-so/{code}/bien-nhan.pdf").data)
    assert (f"Hình thức nhận kết quả: Nhận qua dịch vụ bưu chính công ích, đến địa chỉ: {ADDRESS}"
            in submitted)
    assert "Nhận trực tiếp" not in submitted
    desk = officer(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    for said in _form_01(desk, code):
        assert f"Đăng ký nhận kết quả tại: {ADDRESS} (qua dịch vụ bưu chính công ích)" in said
        # Mẫu 01's order: the times (items 4, 5), where the result goes (6), the signatures
        assert _in_order(said, "Thời gian nhận hồ sơ:", "Thời gian trả kết quả giải quyết hồ sơ:",
                         "Đăng ký nhận kết quả tại:", "NGƯỜI NỘP HỒ SƠ")
    mine = citizen.get(f"/ca-nhan/ho-so/{code}/van-ban/receipt.pdf")
    assert mine.status_code == 200
    assert f"Đăng ký nhận kết quả tại: {ADDRESS}" in _pdf_text(mine.data)


def test_the_receipts_say_the_result_is_handed_back_at_the_desk_with_the_fee(app: Flask) -> None:
    citizen = citizen_client(app)
    code = _submit(citizen, nhan_ket_qua="truc_tiep", dia_chi_nhan="", dien_thoai_nhan="")
    page = _words(citizen.get(f"/ho-so/{code}/bien-nhan").get_data(as_text=True))
    assert "Hình thức nhận kết quả Nhận trực tiếp tại Bộ phận Một cửa" in page
    assert "Phí, lệ phí 75.000 đồng" in page
    submitted = _pdf_text(citizen.get(f"/ho-so/{code}/bien-nhan.pdf").data)
    assert "Hình thức nhận kết quả: Nhận trực tiếp tại Bộ phận Một cửa" in submitted
    assert "Phí, lệ phí: 75.000 đồng (nộp khi Bộ phận Một cửa yêu cầu)" in submitted
    assert "bưu chính" not in submitted
    desk = officer(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    for said in _form_01(desk, code):
        assert re.search(r"Đăng ký nhận kết quả tại: Bộ phận Một cửa, .+ \(nhận trực tiếp\)", said)
        assert _in_order(said, "Đăng ký nhận kết quả tại:", "Phí, lệ phí: 75.000 đồng",
                         "NGƯỜI NỘP HỒ SƠ")


def test_an_exempted_fee_is_printed_with_its_reason_instead_of_an_amount(app: Flask) -> None:
    citizen = citizen_client(app)
    code = _submit(citizen, **BY_POST)
    desk = officer(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    made = desk.post(f"/api/v1/dossiers/{code}/fee-exemption", json={"reason": REASON})
    assert made.status_code == 200, made.json
    page = _words(citizen.get(f"/ho-so/{code}/bien-nhan").get_data(as_text=True))
    assert f"Phí, lệ phí Miễn lệ phí: {REASON}" in page and "75.000" not in page
    submitted = _pdf_text(citizen.get(f"/ho-so/{code}/bien-nhan.pdf").data)
    assert f"Phí, lệ phí: Miễn lệ phí: {REASON}" in submitted and "75.000" not in submitted
    for said in _form_01(desk, code):
        assert f"Phí, lệ phí: Miễn lệ phí: {REASON}" in said and "75.000" not in said
        assert f"Đăng ký nhận kết quả tại: {ADDRESS}" in said


def test_an_optional_row_is_left_out_when_its_value_is_blank() -> None:
    page = Page(agency="UBND xã", form="Mẫu số 01", title="GIẤY", place_date="Tuyên Quang")
    spec = [{"type": "fields", "rows": [["Có", "{a}"], ["Phí, lệ phí", "{b}", "optional"],
                                        ["Trống vẫn in", "{b}"]]}]
    block = build(page, spec, {"a": "x", "b": " "}, "s").blocks[0]
    assert isinstance(block, Fields) and block.rows == (("Có", "x"), ("Trống vẫn in", " "))


# --- the paper desk ----------------------------------------------------------------------


def test_the_desk_form_offers_the_choice_at_the_desk_by_default(app: Flask, platform: Platform) -> None:
    desk = desk_browser(app)
    page = desk.get(DESK_PAGE).get_data(as_text=True)
    assert "Hình thức nhận kết quả" in page and "Người nộp muốn nhận kết quả" in page
    assert 'value="truc_tiep" id="nhan-truc-tiep" checked>' in page
    assert 'name="dia_chi_nhan"' in page and 'name="dien_thoai_nhan"' in page
    done = post_desk(desk, scans())  # the choice not posted: at the desk
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    code = done.headers["Location"].rsplit("/", 1)[-1]
    assert _orders(platform, code) == [] and _messages_to_post(platform, code) == 0


def test_received_at_the_desk_by_post_the_order_is_recorded_as_online(
    app: Flask, platform: Platform,
) -> None:
    online = _submit(citizen_client(app), **BY_POST)
    desk = desk_browser(app)
    done = post_desk(desk, scans(), **BY_POST)
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    code = done.headers["Location"].rsplit("/", 1)[-1]
    said = _words(desk.get(done.headers["Location"]).get_data(as_text=True))
    assert f"Kết quả sẽ gửi qua dịch vụ bưu chính công ích tới: {ADDRESS}." in said
    expected = [("delivery", ADDRESS, "0987654321", "Nguyễn Văn An", "requested")]
    assert _orders(platform, code) == expected == _orders(platform, online)
    assert _messages_to_post(platform, code) == 1 == _messages_to_post(platform, online)
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None and dossier.channel == "desk"
        notes = list(uow.session.scalars(select(Event.note).where(
            Event.dossier_id == dossier.id, Event.kind == "postal_result_requested")))
    assert len(notes) == 1 and notes[0].startswith("cán bộ ")
    file = _words(desk.get(f"/can-bo/ho-so/{code}").get_data(as_text=True))
    assert f"Hình thức nhận kết quả Nhận qua dịch vụ bưu chính công ích: {ADDRESS}" in file
    pdf, _ = _form_01(desk, code)
    assert f"Đăng ký nhận kết quả tại: {ADDRESS} (qua dịch vụ bưu chính công ích)" in pdf


def test_by_post_with_the_address_left_blank_the_forms_address_and_phone_are_used(
    app: Flask, platform: Platform,
) -> None:
    desk = desk_browser(app)
    done = post_desk(desk, scans(), nhan_ket_qua="buu_chinh", dia_chi_nhan=" ", dien_thoai_nhan="")
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    code = done.headers["Location"].rsplit("/", 1)[-1]
    assert _orders(platform, code) == [
        ("delivery", "Tổ 5, phường Minh Xuân", PHONE, "Nguyễn Văn An", "requested")]


def test_a_wrong_address_is_refused_with_the_form_refilled_and_nothing_created(
    app: Flask, platform: Platform,
) -> None:
    desk = desk_browser(app)
    before = _dossiers(platform)
    refused = post_desk(desk, scans(), nhan_ket_qua="buu_chinh", dia_chi_nhan="Số 8",
                        dien_thoai_nhan="12345")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="dia_chi_nhan-error"' in html and "Nhập địa chỉ đầy đủ" in html
    assert 'id="dien_thoai_nhan-error"' in html and "Số điện thoại không hợp lệ" in html
    assert ">Số 8</textarea>" in html and 'value="12345"' in html
    assert 'href="#dia_chi_nhan"' in html and 'href="#dien_thoai_nhan"' in html  # the summary
    assert re.search(r'value="buu_chinh" id="nhan-buu-chinh" checked', html)
    assert 'value="Nguyễn Văn An"' in html and f'value="{PHONE}"' in html  # the rest typed
    assert "Đã có bản số hóa" in html  # the scans are held for the next try
    assert _dossiers(platform) == before
    held = re.search(r'name="giu_ban_quet" value="([^"]+)"', html)
    assert held is not None
    again = post_desk(desk, [], giu_ban_quet=held.group(1), **BY_POST)
    assert again.status_code == 303, again.get_data(as_text=True)[:2000]
    code = again.headers["Location"].rsplit("/", 1)[-1]
    assert [o[1] for o in _orders(platform, code)] == [ADDRESS]


def test_refused_at_the_counter_no_order_goes_to_the_post(app: Flask, platform: Platform) -> None:
    desk = desk_browser(app)
    done = post_desk(desk, [], ket_qua_kiem_tra="tu_choi",  # an address never checked either
                     ly_do_tu_choi="Công trình thuộc diện miễn giấy phép xây dựng.",
                     **{**BY_POST, "dia_chi_nhan": "Số 8"})
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    code = done.headers["Location"].rsplit("/", 1)[-1]
    assert _orders(platform, code) == [] and _messages_to_post(platform, code) == 0


def test_the_desk_api_takes_the_delivery_too(app: Flask, platform: Platform) -> None:
    desk = officer(app, "motcua.minhxuan")
    body: dict[str, Any] = {"procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(),
                            "papers": [], "decision": "supplement", "reception": {}}
    before = _dossiers(platform)
    wrong = desk.post("/api/v1/desk/dossiers", json={
        **body, "result_delivery": {"address": ADDRESS, "phone": "abc"}})
    assert wrong.status_code == 400 and "delivery.phone" in str(wrong.json)
    assert _dossiers(platform) == before
    made = desk.post("/api/v1/desk/dossiers", json={
        **body, "result_delivery": {"address": ADDRESS, "phone": "0987654321"}})
    assert made.status_code == 201, made.json
    assert made.json["result_delivery"] == {"address": ADDRESS, "phone": "0987654321"}
    assert [o[1] for o in _orders(platform, made.json["code"])] == [ADDRESS]
    plain = desk.post("/api/v1/desk/dossiers", json=body)
    assert plain.status_code == 201 and plain.json["result_delivery"] is None


def test_form_01_names_the_applicant_s_address_and_contacts_the_count_and_the_legal_time(
    app: Flask,
) -> None:
    """Mẫu 01 of TT 01/2018 writes, besides the name, the applicant's address, phone and
    e-mail, «Số lượng hồ sơ» and the processing time the law sets, in the form's order."""
    citizen = citizen_client(app)
    code = _submit(citizen, nhan_ket_qua="truc_tiep", dia_chi_nhan="", dien_thoai_nhan="")
    desk = officer(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    for said in _form_01(desk, code):
        assert _in_order(said, "Tiếp nhận hồ sơ của: Nguyễn Văn An",
                         "Địa chỉ: Tổ 5, phường Minh Xuân", "Số điện thoại: 0912345678",
                         "Nội dung yêu cầu giải quyết", "Thành phần hồ sơ nộp gồm",
                         "Số lượng hồ sơ: 01 bộ",
                         "Thời gian giải quyết hồ sơ theo quy định: 15 ngày làm việc",
                         "Thời gian nhận hồ sơ", "Đăng ký nhận kết quả tại"), said
        assert "Email:" not in said  # none given: the row is left out
