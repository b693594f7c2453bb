"""The desk digitises, takes cash, sends by post; the leader stops processing (issue 16).

Through HTTP as the desk's browser (no JavaScript) and the API, on the real engine and
database: the papers scanned at the counter become the dossier's attachments (several
photos of one paper one PDF) that the specialist's task shows; a post dossier is counted
as post; a desk applicant without an account gets the SMS and e-mail notices in the
outbox (the null gateways deliver them); the fee is taken in cash with a numbered receipt
that releases status 6 once; a leader stops a dossier (status 8) with its notice.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from engine.core.models import Attachment, Dossier, Notification, Payment, Task, Timer
from engine.wiring import Platform
from tests.functional.test_citizen_area import flat
from tests.functional.test_desk import PAPERS
from tests.helpers import MINH_XUAN, PDF, PERMIT, login, page_login, permit_data, task_for, token

DESK_PAGE = f"/can-bo/tiep-nhan?thu_tuc={PERMIT}&agency={MINH_XUAN}"
PHONE, EMAIL = "0987654321", "an.nguyen@example.vn"


def photo(colour: str, kind: str = "PNG") -> bytes:
    """A small real image, as a phone's camera or a scanner gives one page."""
    out = io.BytesIO()
    Image.new("RGB", (120, 170), colour).save(out, kind)
    return out.getvalue()


def multipart(fields: list[tuple[str, Any]]) -> tuple[bytes, str]:
    """A multipart body with repeated names (several files for one paper)."""
    boundary = "motcua-quay-mot-cua"
    parts = []
    for name, value in fields:
        if isinstance(value, tuple):
            filename, content = value
            parts.append(f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'
                         "\r\nContent-Type: application/octet-stream\r\n\r\n".encode() + content)
        else:
            parts.append(f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}'.encode())
    body = b"".join(f"--{boundary}\r\n".encode() + p + b"\r\n" for p in parts)
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def desk_browser(app: Flask, username: str = "motcua.minhxuan") -> FlaskClient:
    client = app.test_client()
    page_login(client, username)
    login(client, username)  # the API calls of the same browser carry the CSRF header
    return client


def post_desk(client: FlaskClient, files: list[tuple[str, Any]], **extra: str) -> Any:
    fields: list[tuple[str, Any]] = [("csrf_token", token(client.get(DESK_PAGE).data)),
                                     ("thu_tuc", PERMIT), ("agency", MINH_XUAN)]
    fields += list(flat(permit_data()).items())
    fields += [("ket_qua_kiem_tra", "tiep_nhan"), ("decision", "complete")]
    fields += list({"lien_he_dien_thoai": PHONE, "lien_he_email": EMAIL, **extra}.items()) + files
    body, content_type = multipart(fields)
    return client.post(DESK_PAGE, data=body, content_type=content_type)


def scans() -> list[tuple[str, Any]]:
    """The three required papers: a PDF, a PDF, and two photographed pages of drawings."""
    return [("scan-0", ("don-de-nghi.pdf", PDF)), ("scan-1", ("so-do.pdf", PDF)),
            ("scan-2", ("ban-ve-trang-1.png", photo("white"))),
            ("scan-2", ("ban-ve-trang-2.jpg", photo("gray", "JPEG")))]


def outbox(platform: Platform, code: str) -> list[tuple[str, str, str]]:
    with platform.uow() as uow:
        dossier_id = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
        return [(n.channel, n.recipient, n.subject) for n in uow.session.scalars(
            select(Notification).where(Notification.dossier_id == dossier_id)
            .order_by(Notification.id))]


def test_the_desk_scans_each_paper_and_the_specialist_sees_them(app: Flask,
                                                                 platform: Platform) -> None:
    desk = desk_browser(app)
    page = desk.get(DESK_PAGE).data.decode()
    assert 'name="scan-2"' in page and "multiple" in page and "Qua dịch vụ bưu chính" in page
    done = post_desk(desk, scans())
    assert done.status_code == 303, done.data.decode()[:2000]
    code = done.headers["Location"].rsplit("/", 1)[-1]
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None and (dossier.channel, dossier.status) == ("desk", 4)
        assert (dossier.contact_phone, dossier.contact_email) == (PHONE, EMAIL)
        stored = {a.paper: (a.id, a.filename, a.media_type) for a in uow.session.scalars(
            select(Attachment).where(Attachment.dossier_id == dossier.id))}
    assert set(stored) == set(PAPERS)  # every paper scanned counts as handed over
    drawings, filename, media_type = stored[PAPERS[2]]
    assert (filename, media_type) == ("ban-ve-trang-1.pdf", "application/pdf")
    specialist = app.test_client()
    page_login(specialist, "chuyenvien.minhxuan")
    login(specialist, "chuyenvien.minhxuan")
    task = task_for(specialist, code)
    task_page = specialist.get(f"/can-bo/cong-viec/{task['id']}").data.decode()
    assert "ban-ve-trang-1.pdf" in task_page and "so-do.pdf" in task_page
    combined = specialist.get(f"/api/v1/dossiers/{code}/attachments/{drawings}")
    assert combined.status_code == 200
    assert len(PdfReader(io.BytesIO(combined.data)).pages) == 2  # two photos, two pages


def test_a_wrong_scan_is_named_beside_its_paper_and_nothing_is_created(app: Flask,
                                                                       platform: Platform) -> None:
    desk = desk_browser(app)
    with platform.uow() as uow:
        before = len(uow.session.scalars(select(Dossier.id)).all())
    mixed = [("scan-0", ("don.pdf", PDF)), ("scan-0", ("anh.png", photo("white")))]
    refused = post_desk(desk, mixed)
    assert refused.status_code == 422
    page = refused.data.decode()
    assert 'id="paper-0-error"' in page and "ghép được khi đều là ảnh" in page
    assert "0987654321" in page  # what was typed stays
    bad_phone = post_desk(desk, scans(), lien_he_dien_thoai="12345")
    assert bad_phone.status_code == 422 and 'id="lien_he_dien_thoai-error"' in bad_phone.data.decode()
    with platform.uow() as uow:
        assert len(uow.session.scalars(select(Dossier.id)).all()) == before


def _post_dossier(desk: FlaskClient, **contact: str) -> str:
    response = desk.post("/api/v1/desk/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(), "papers": PAPERS,
        "decision": "complete", "reception": {"ket_qua_kiem_tra": "tiep_nhan"},
        "channel": "post", "contact": contact})
    assert response.status_code == 201, response.json
    return str(response.json["code"])


def test_a_post_dossier_is_counted_as_post_and_its_applicant_gets_sms_and_email(
    app: Flask, platform: Platform,
) -> None:
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    code = _post_dossier(desk, phone=PHONE, email=EMAIL)
    assert desk.get(f"/api/v1/dossiers/{code}").json["channel"] == "post"
    leader = app.test_client()
    login(leader, "lanhdao.minhxuan")
    report = leader.get(f"/api/v1/reports/statistics?from=2026-11-01&to=2026-12-31&agency={MINH_XUAN}")
    assert report.status_code == 200, report.json
    assert report.json["agencies"][0]["received"]["new_post"] == 1
    told = outbox(platform, code)
    assert ("sms", PHONE, f"Hồ sơ {code} đã được tiếp nhận") in told
    assert ("email", EMAIL, f"[Cổng dịch vụ công một cửa] Hồ sơ {code} đã được tiếp nhận") in told
    assert not any(channel == "web" for channel, _, _ in told)  # no account, no in-system copy
    from_form = _post_dossier(desk)  # left blank: the phone written in the form
    assert ("sms", "0912345678", f"Hồ sơ {from_form} đã được tiếp nhận") in outbox(platform, from_form)


def test_the_desk_takes_the_fee_in_cash_once_with_a_numbered_receipt(
    app: Flask, platform: Platform,
) -> None:
    desk = desk_browser(app)
    code = _post_dossier(desk, phone=PHONE)
    specialist = app.test_client()
    login(specialist, "chuyenvien.minhxuan")
    assert specialist.post(f"/api/v1/dossiers/{code}/request-payment", json={}).status_code == 200
    assert desk.get(f"/api/v1/dossiers/{code}").json["status"] == 6
    assert ("sms", PHONE, f"Hồ sơ {code} chờ nộp phí, lệ phí") in outbox(platform, code)
    page = desk.get(f"/can-bo/tiep-nhan/{code}").data.decode()
    assert "Thu phí, lệ phí bằng tiền mặt" in page and "75.000 đồng" in page
    wrong = desk.post(f"/api/v1/dossiers/{code}/cash-payment", json={"amount": 70000})
    assert wrong.status_code == 400 and "75.000 đồng" in wrong.json["error"]["message"]
    assert specialist.post(f"/api/v1/dossiers/{code}/cash-payment",
                           json={"amount": 75000}).status_code == 403  # the desk takes cash
    paid = desk.post(f"/can-bo/tiep-nhan/{code}/thu-phi", data={
        "csrf_token": token(page.encode()), "amount": "75.000", "payer": "Nguyễn Văn An"})
    assert paid.status_code == 303
    assert desk.get(f"/api/v1/dossiers/{code}").json["status"] == 4  # released as online
    with platform.uow() as uow:
        [payment] = uow.session.scalars(select(Payment).join(Dossier).where(Dossier.code == code))
        assert (payment.state, payment.gateway, payment.paid_online) == ("paid", "tien_mat", False)
        number = str(payment.receipt_number)
    assert number.startswith("BL2026-")
    again = desk.post(f"/api/v1/dossiers/{code}/cash-payment", json={"amount": 75000})
    assert again.status_code == 409 and number in again.json["error"]["message"]
    receipt = desk.get(f"/api/v1/dossiers/{code}/documents/fee_receipt?format=html").data.decode()
    for text in ("BIÊN LAI THU TIỀN PHÍ, LỆ PHÍ", number, "75.000 đồng",
                 "Bảy mươi lăm nghìn đồng", "Nguyễn Văn An", "Trần Thị Bình"):  # the desk officer
        assert text in receipt, text
    pdf = desk.get(f"/api/v1/dossiers/{code}/documents/fee_receipt")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "Bảy mươi lăm nghìn đồng" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Biên lai thu phí, lệ phí" in desk.get(f"/can-bo/ho-so/{code}").data.decode()  # reprint
    second = _post_dossier(desk)
    assert specialist.post(f"/api/v1/dossiers/{second}/request-payment", json={}).status_code == 200
    next_one = desk.post(f"/api/v1/dossiers/{second}/cash-payment", json={"amount": 75000})
    assert next_one.json["receipt_number"] == f"BL2026-{int(number[-7:]) + 1:07d}"


def _open_timers(platform: Platform, code: str) -> tuple[list[str], list[str]]:
    with platform.uow() as uow:
        dossier_id = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
        tasks = uow.session.scalars(select(Task.state).where(Task.dossier_id == dossier_id)).all()
        timers = uow.session.scalars(select(Timer.state).where(Timer.dossier_id == dossier_id)).all()
        return list(tasks), list(timers)


def test_a_leader_stops_processing_with_reasons_and_the_applicant_is_told(
    app: Flask, platform: Platform,
) -> None:
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    code = _post_dossier(desk, phone=PHONE, email=EMAIL)
    tasks, timers = _open_timers(platform, code)
    assert "open" in tasks and "pending" in timers
    specialist = app.test_client()
    login(specialist, "chuyenvien.minhxuan")
    refused = specialist.post(f"/api/v1/dossiers/{code}/stop", json={"reasons": "Sai thẩm quyền"})
    assert refused.status_code == 403
    assert "lãnh đạo" in refused.json["error"]["message"]
    leader = desk_browser(app, "lanhdao.minhxuan")
    empty = leader.post(f"/api/v1/dossiers/{code}/stop", json={"reasons": " "})
    assert empty.status_code == 422
    stopped = leader.post(f"/api/v1/dossiers/{code}/stop", json={
        "reasons": "Thửa đất đang có tranh chấp, chờ giải quyết của Tòa án\nCơ quan khác đang thụ lý"})
    assert stopped.status_code == 200, stopped.json
    assert stopped.json["status"] == 8
    full = leader.get(f"/api/v1/dossiers/{code}").json
    assert full["status"] == 8 and full["ended_at"] is not None  # the legal clock ended
    tasks, timers = _open_timers(platform, code)
    assert "open" not in tasks and "pending" not in timers
    assert specialist.get("/api/v1/tasks").json["total"] == 0
    assert ("sms", PHONE, f"Hồ sơ {code} đã dừng xử lý") in outbox(platform, code)
    notice = leader.get(f"/api/v1/dossiers/{code}/documents/stop_notice?format=html").data.decode()
    for text in ("THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ", code, "Thửa đất đang có tranh chấp",
                 "Cơ quan khác đang thụ lý", "118/2025/NĐ-CP", "03/2025/TT-VPCP"):
        assert text in notice, text
    assert leader.get(f"/api/v1/dossiers/{code}/documents/stop_notice").data.startswith(b"%PDF")
    assert "Thông báo dừng xử lý hồ sơ" in leader.get(f"/can-bo/ho-so/{code}").data.decode()
    again = leader.post(f"/api/v1/dossiers/{code}/stop", json={"reasons": "Lần nữa"})
    assert again.status_code == 409


def test_after_a_withdrawal_the_leader_confirms_the_stop_from_the_task_page(app: Flask) -> None:
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    citizen = desk_browser(app, "congdan")
    code = citizen.post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                  "data": permit_data()}).json["code"]
    task = task_for(desk, code)
    desk.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"ket_qua_kiem_tra": "tiep_nhan"}})
    withdrawn = citizen.post(f"/api/v1/dossiers/{code}/withdraw", json={"reason": "Đổi thiết kế"})
    assert withdrawn.json["status"] == 7
    leader = desk_browser(app, "lanhdao.minhxuan")
    page = leader.get(f"/can-bo/cong-viec/{task['id']}").data.decode()
    assert "Xác nhận dừng xử lý hồ sơ" in page
    confirmed = leader.post(f"/can-bo/cong-viec/{task['id']}/dung-xu-ly", data={
        "csrf_token": token(page.encode()), "stop_reasons": "Người nộp đề nghị rút hồ sơ"})
    assert confirmed.status_code == 303
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 8
    notice = leader.get(f"/api/v1/dossiers/{code}/documents/stop_notice?format=html").data.decode()
    assert "đề nghị rút hồ sơ" in notice and "Đổi thiết kế" in notice
    subjects = [n["subject"] for n in citizen.get("/api/v1/me/notices").json["notices"]]
    assert f"Hồ sơ {code} đã dừng xử lý" in subjects
    specialist_page = app.test_client()
    page_login(specialist_page, "motcua.minhxuan")
    # the desk officer is offered no stop of his own (the history may now name the stop)
    desk_page = specialist_page.get(f"/can-bo/cong-viec/{task['id']}").data.decode()
    assert "Xác nhận dừng xử lý hồ sơ" not in desk_page and "/dung-xu-ly" not in desk_page
