"""The citizen's side through HTTP, as a browser without JavaScript does it: register, fill
the generated form (saved as a draft at every post) with papers, submit, get the receipt,
answer a supplement request, pay, withdraw, download the result, rate, send feedback, reuse
stored papers. Every action on the real engine and database; no mocks but the null
payment gateway, which is the product's own development gateway."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from engine.core.models import Attachment, Dossier, Notification, StoredPaper
from engine.reports.indicators import indicators
from engine.wiring import Platform
from tests.functional.test_desk import PAPERS
from tests.helpers import (
    APPLICANT_ID,
    MINH_XUAN,
    PDF,
    PERMIT,
    complete,
    inbox,
    login,
    page_login,
    paper_files,
    pay_in_cash,
    permit_data,
    task_for,
    token,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
# The permit's form is in sections (tests/functional/test_form_journey.py); these tests use
# it whole on one page, as a client posting the whole form does.
PAGE = f"/thu-tuc/{PERMIT}?agency={MINH_XUAN}&mot_trang=1"


def flat(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Form data as a browser posts it: dotted names, text values."""
    out: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flat(value, name + "."))
        elif isinstance(value, list):
            for index, row in enumerate(value):
                out.update(flat(row, f"{name}.{index}."))
        else:
            out[name] = "true" if value is True else str(value)
    return out


def multipart(fields: dict[str, Any]) -> tuple[bytes, str]:
    """A multipart body built in memory (the test client spools big bodies to files it
    never closes): text fields, and files given as (stream, name)."""
    boundary = "motcua-ranh-gioi"
    parts = []
    for name, value in fields.items():
        if isinstance(value, tuple):
            stream, filename = value
            head = (f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n")
            parts.append(head.encode() + stream.getvalue())
        else:
            parts.append(f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}'.encode())
    body = b"".join(f"--{boundary}\r\n".encode() + p + b"\r\n" for p in parts)
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def post_form(client: FlaskClient, url: str, fields: dict[str, Any]) -> Any:
    body, content_type = multipart({"csrf_token": token(client.get(url).data), **fields})
    return client.post(url, data=body, content_type=content_type)


def draft_key(html: bytes) -> str:
    found = re.search(rb'name="nhap" value="([^"]+)"', html)
    assert found, "the page carries no draft key"
    return found.group(1).decode()


def submit_on_page(client: FlaskClient, data: dict[str, Any] | None = None) -> str:
    """Fill and submit the permit's form with every required paper; the new code."""
    response = post_form(client, PAGE, {**flat(data or permit_data()), **paper_files(),
                                        "_action": "submit"})
    assert response.status_code == 303, response.data.decode()[:3000]
    return response.headers["Location"].split("/")[-2]


def officer(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def citizen_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    page_login(client, "congdan")
    login(client, "congdan")  # the API calls of the same browser carry the CSRF header
    return client


# --- registration ----------------------------------------------------------------------


def test_registration_names_each_problem_then_creates_an_account_that_logs_in(app: Flask) -> None:
    client = app.test_client()
    bad = post_form(client, "/dang-ky", {"ho_ten": "Lê Thị Hoa", "so_dinh_danh": "12345",
                                         "dien_thoai": "0912", "mat_khau": "ngan",
                                         "nhap_lai": "khac"})
    page = bad.data.decode()
    assert bad.status_code == 422
    assert "Số định danh cá nhân gồm 12 chữ số." in page
    assert "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0." in page
    assert "Mật khẩu phải có ít nhất 10 ký tự." in page
    assert "Hai lần nhập mật khẩu không khớp." in page
    assert "Bạn cần đánh dấu xác nhận mục này." in page
    assert 'value="ngan"' not in page  # a password is never echoed back
    assert 'value="Lê Thị Hoa"' in page  # the rest is kept
    good = {"ho_ten": "Lê Thị Hoa", "so_dinh_danh": "008190004321", "dien_thoai": "0987654321",
            "email": "hoa@example.vn", "mat_khau": "Hoa-tuyen-quang-26",
            "nhap_lai": "Hoa-tuyen-quang-26", "dong_y": "true"}
    assert post_form(client, "/dang-ky", good).status_code == 303
    again = post_form(app.test_client(), "/dang-ky", good)
    assert again.status_code == 422 and "Số định danh này đã có tài khoản" in again.data.decode()
    page_login(client, "008190004321", "Hoa-tuyen-quang-26")
    assert "Hồ sơ của tôi" in client.get("/ca-nhan").data.decode()


# --- the form, its draft and its papers ------------------------------------------------


def test_a_signed_in_citizen_finds_the_form_prefilled_from_the_account(app: Flask) -> None:
    client = app.test_client()
    page_login(client, "congdan")
    page = client.get(PAGE).data.decode()
    assert f'id="f-so_dinh_danh" name="so_dinh_danh" value="{APPLICANT_ID}"' in page
    assert 'id="f-ho_ten" name="ho_ten" value="Nguyễn Văn An"' in page


def test_an_oversized_and_a_mislabelled_file_are_refused_and_the_draft_keeps_the_rest(
    app: Flask, platform: Platform
) -> None:
    client = app.test_client()
    page_login(client, "congdan")
    data = permit_data()
    del data["lo_dat"]["dien_tich"]  # one field still missing
    response = post_form(client, PAGE, {
        **flat(data), "_action": "submit",
        "_file.0": (io.BytesIO(PDF), "don-de-nghi.pdf"),
        "_file.1": (io.BytesIO(PDF + b"x" * (6 * 1024 * 1024)), "so-do.pdf"),
        "_file.2": (io.BytesIO(b"MZ\x90\x00 not a drawing"), "ban-ve.pdf"),
    })
    page = response.data.decode()
    assert response.status_code == 422
    assert "Tệp lớn quá 5 MB (6 MB)." in page
    assert "Nội dung tệp không phải loại được chấp nhận (PDF, ảnh JPEG, ảnh PNG)." in page
    assert "Vui lòng nhập «Diện tích lô đất (m²)»." in page
    assert 'href="#paper-1"' in page and 'href="#paper-2"' in page  # in the error summary
    assert "Đã đính kèm: don-de-nghi.pdf" in page  # the good file was kept
    assert 'value="Số 12 đường Bình Thuận"' in page  # and every typed value
    key = draft_key(response.data)
    with platform.uow() as uow:
        kept = uow.session.scalars(select(Attachment.filename).where(
            Attachment.draft_id.is_not(None))).all()
        assert kept == ["don-de-nghi.pdf"]
    # Resume later: the draft opens with everything, then submits once complete.
    resumed = client.get(f"/thu-tuc/{PERMIT}?nhap={key}&mot_trang=1").data.decode()
    assert 'value="Số 12 đường Bình Thuận"' in resumed and "Đã đính kèm: don-de-nghi.pdf" in resumed
    done = post_form(client, f"/thu-tuc/{PERMIT}?nhap={key}&mot_trang=1", {
        **flat(permit_data()), "nhap": key, "_action": "submit",
        "_file.1": (io.BytesIO(PDF + b"1"), "so-do.pdf"),
        "_file.2": (io.BytesIO(PNG), "ban-ve.png")})
    assert done.status_code == 303, done.data.decode()[:2000]
    code = done.headers["Location"].split("/")[-2]
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None and dossier.owner_id is not None
        files = uow.session.scalars(select(Attachment.filename).where(
            Attachment.dossier_id == dossier.id).order_by(Attachment.id)).all()
        assert files == ["don-de-nghi.pdf", "so-do.pdf", "ban-ve.png"]


def test_submitting_without_a_required_paper_names_the_paper(app: Flask) -> None:
    client = app.test_client()
    response = post_form(client, PAGE, {**flat(permit_data()), "_action": "submit",
                                        "_file.0": (io.BytesIO(PDF), "don.pdf")})
    page = response.data.decode()
    assert response.status_code == 422
    for slot in (1, 2):  # in the summary at the top and beside the paper
        assert f'<a href="#paper-{slot}">' in page
        assert f'<p class="error" id="paper-{slot}-error">Vui lòng đính kèm giấy tờ này' in page
    assert 'id="paper-0-error"' not in page


def test_save_draft_and_row_actions_never_submit(app: Flask, platform: Platform) -> None:
    client = app.test_client()
    with platform.uow() as uow:
        before = uow.session.scalar(select(func.count(Dossier.id)))
    saved = post_form(client, PAGE, {"ho_ten": "Nguyễn Văn An", "_action": "save"})
    assert saved.status_code == 200 and "Đã lưu bản nháp." in saved.data.decode()
    key = draft_key(saved.data)
    added = post_form(client, f"/thu-tuc/{PERMIT}?nhap={key}&mot_trang=1", {
        "nhap": key, "ho_ten": "Nguyễn Văn An", "don_vi_thiet_ke.0.ten": "Công ty A",
        "_add_row": "don_vi_thiet_ke"})
    assert 'id="f-don_vi_thiet_ke-1-ten"' in added.data.decode()
    assert 'value="Công ty A"' in added.data.decode()
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count(Dossier.id))) == before


def test_the_receipt_is_a_pdf_with_the_code_and_a_qr_code(app: Flask) -> None:
    client = app.test_client()
    code = submit_on_page(client)
    page = client.get(f"/ho-so/{code}/bien-nhan").data.decode()
    assert code in page and "bien-nhan.pdf" in page
    pdf = client.get(f"/ho-so/{code}/bien-nhan.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    text = reader.pages[0].extract_text()
    assert code in text and "GIẤY XÁC NHẬN NỘP HỒ SƠ TRỰC TUYẾN" in text
    assert "giay-0.pdf" in text
    assert any("/Image" in str(x.get("/Subtype")) for x in
               reader.pages[0]["/Resources"]["/XObject"].values())  # the QR code
    # Another browser cannot read someone's receipt by guessing the code.
    assert app.test_client().get(f"/ho-so/{code}/bien-nhan.pdf").status_code == 404


def test_the_receipt_states_the_fee_the_procedures_table_decided(app: Flask) -> None:
    client = app.test_client()
    small = submit_on_page(client)  # 80 m² x 3 floors: 240 m² of floor
    assert 'id="fee">75.000 đồng' in client.get(f"/ho-so/{small}/bien-nhan").data.decode()
    large = permit_data(cong_trinh={**permit_data()["cong_trinh"], "so_tang": 7})  # 560 m²
    code = submit_on_page(client, large)
    assert 'id="fee">150.000 đồng' in client.get(f"/ho-so/{code}/bien-nhan").data.decode()


def test_tracking_with_a_wrong_id_number_reveals_nothing(app: Flask) -> None:
    code = submit_on_page(app.test_client())
    stranger = app.test_client()
    wrong = stranger.post("/tra-cuu", data={"csrf_token": token(stranger.get("/tra-cuu").data),
                                            "ma": code, "so_dinh_danh": "008090009999"})
    page = wrong.data.decode()
    assert wrong.status_code == 404
    assert "Không tìm thấy hồ sơ với mã và số định danh đã nhập." in page
    for secret in ("Cấp giấy phép xây dựng", "Mới đăng ký", "Minh Xuân", "Nguyễn Văn An"):
        assert secret not in page.split("<main")[1]
    api = app.test_client().post("/api/v1/track", json={"code": code, "id_number": "008090009999"})
    assert api.status_code == 404 and set(api.json) == {"error"}


# --- after submission -------------------------------------------------------------------


def test_a_supplement_round_keeps_the_code_and_the_history(app: Flask, platform: Platform) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = officer(app, "motcua.minhxuan")
    asked = desk.post(f"/api/v1/dossiers/{code}/request-supplement",
                      json={"missing": ["Bản vẽ mặt cắt có chữ ký của đơn vị thiết kế"]})
    assert asked.status_code == 200, asked.json
    page = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "Bản vẽ mặt cắt có chữ ký của đơn vị thiết kế" in page and "Yêu cầu bổ sung" in page
    changed = permit_data(dia_chi_lien_he="Số 8 ngõ 3, phường Minh Xuân")
    response = post_form(citizen, f"/ca-nhan/ho-so/{code}/bo-sung", {
        **flat(changed), "_file.2": (io.BytesIO(PDF + b"ban ve moi"), "ban-ve-co-chu-ky.pdf")})
    assert response.status_code == 303, response.data.decode()[:2000]
    full = citizen.get(f"/api/v1/dossiers/{code}").json
    assert full["code"] == code and full["status"] == 1
    assert full["data"]["dia_chi_lien_he"] == "Số 8 ngõ 3, phường Minh Xuân"
    supplemented = [e for e in full["events"] if e["kind"] == "supplemented"]
    assert len(supplemented) == 1
    files = citizen.get(f"/api/v1/dossiers/{code}/attachments").json["attachments"]
    drawings = [(f["filename"], f["replaced_at"] is None) for f in files if f["paper"] == PAPERS[2]]
    assert drawings == [("giay-2.pdf", False), ("ban-ve-co-chu-ky.pdf", True)]
    with platform.uow() as uow:
        event = uow.session.execute(select(Dossier.id).where(Dossier.code == code)).scalar_one()
        subjects = uow.session.scalars(select(Notification.subject).where(
            Notification.dossier_id == event, Notification.channel == "web")).all()
    assert f"Hồ sơ {code} cần bổ sung" in subjects


def test_a_supplement_with_a_refused_file_sends_nothing_and_keeps_the_typed_values(
    app: Flask,
) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    officer(app, "motcua.minhxuan").post(f"/api/v1/dossiers/{code}/request-supplement",
                                         json={"missing": ["Bản vẽ"]})
    response = post_form(citizen, f"/ca-nhan/ho-so/{code}/bo-sung", {
        **flat(permit_data(dia_chi_lien_he="Địa chỉ mới")),
        "_file.2": (io.BytesIO(b"GIF89a"), "ban-ve.pdf")})
    assert response.status_code == 422
    assert "Nội dung tệp không phải loại được chấp nhận" in response.data.decode()
    assert "Địa chỉ mới" in response.data.decode()
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 5


def test_withdrawing_before_a_result_stops_the_dossier_and_empties_the_inbox(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = officer(app, "motcua.minhxuan")
    assert any(t["dossier"] == code for t in inbox(desk))
    no_reason = citizen.post(f"/api/v1/dossiers/{code}/withdraw", json={"reason": " "})
    assert no_reason.status_code == 422
    assert no_reason.json["error"]["details"][0]["message"] == "Vui lòng nhập lý do rút hồ sơ."
    stranger = officer(app, "motcua.minhxuan").post(f"/api/v1/dossiers/{code}/withdraw",
                                                    json={"reason": "Thử"})
    assert stranger.status_code == 403
    response = citizen.post(f"/ca-nhan/ho-so/{code}/rut", data={
        "csrf_token": token(citizen.get(f"/ca-nhan/ho-so/{code}").data),
        "reason": "Tôi đổi thiết kế."})
    assert response.status_code == 303
    full = citizen.get(f"/api/v1/dossiers/{code}").json
    assert full["status"] == 7 and full["status_label"] == "Công dân yêu cầu rút hồ sơ"
    assert full["outcome"] == "withdrawn" and full["ended_at"] is not None
    assert all(t["state"] == "cancelled" for t in full["tasks"])
    assert not any(t["dossier"] == code for t in inbox(desk))
    again = citizen.post(f"/api/v1/dossiers/{code}/withdraw", json={"reason": "Lần nữa"})
    assert again.status_code == 409


def test_withdrawing_after_a_refusal_is_refused(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    complete(officer(app, "chuyenvien.minhxuan"), code,
             {"de_xuat": "tu_choi", "y_kien_tham_dinh": "Vượt chỉ giới xây dựng."})
    complete(officer(app, "lanhdao.minhxuan"), code,
             {"quyet_dinh": "tu_choi", "ly_do_tu_choi": "Công trình vượt chỉ giới xây dựng."})
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 9
    refused = citizen.post(f"/api/v1/dossiers/{code}/withdraw", json={"reason": "Muộn rồi"})
    assert refused.status_code == 409
    assert "không thể rút" in refused.json["error"]["message"]
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 9


def test_a_refusal_is_told_once_with_its_reason(app: Flask) -> None:
    """A refusal ends the dossier (status 9): the applicant hears it once, with the reason —
    not also «đã có kết quả, mời bạn nhận kết quả» for the same step."""
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    specialist = officer(app, "chuyenvien.minhxuan")
    task = task_for(specialist, code)
    refused = specialist.post(f"/api/v1/tasks/{task['id']}/refuse",
                              json={"reasons": "Vượt chỉ giới xây dựng."})
    assert refused.status_code == 200, refused.json
    subjects = [n["subject"] for n in citizen.get("/api/v1/me/notices").json["notices"]]
    assert subjects.count(f"Hồ sơ {code} không được giải quyết") == 1
    assert f"Hồ sơ {code} đã có kết quả" not in subjects
    assert f"Hồ sơ {code} không được tiếp nhận" not in subjects  # it was received
    bodies = [n["body"] for n in citizen.get("/api/v1/me/notices").json["notices"]]
    procedure = citizen.get(f"/api/v1/dossiers/{code}").json["procedure_name"]
    assert (f"Hồ sơ {code} ({procedure}) bị từ chối giải quyết. Lý do: Vượt chỉ giới xây dựng."
            in bodies)


def test_a_fee_holds_the_dossier_in_status_6_until_paid_through_the_gateway(
    app: Flask, platform: Platform, clock: Any
) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = officer(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    specialist = officer(app, "chuyenvien.minhxuan")
    before = citizen.get(f"/api/v1/dossiers/{code}").json["due_at"]
    asked = specialist.post(f"/api/v1/dossiers/{code}/request-payment", json={})
    assert asked.status_code == 200, asked.json
    assert asked.json["amount"] == 75000
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 6
    assert not any(t["dossier"] == code for t in inbox(specialist))  # the step is held
    page = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "Chờ nộp phí, lệ phí" in page and "75.000 đồng" in page
    forged = app.test_client().post(f"/api/v1/payments/{asked.json['reference']}/confirm",
                                    json={"signature": "0" * 64})
    assert forged.status_code == 403
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 6
    clock.advance(timedelta(hours=24))  # a working day later (Thursday), signed in anew
    citizen = citizen_client(app)
    specialist = officer(app, "chuyenvien.minhxuan")
    go = citizen.post(f"/ca-nhan/ho-so/{code}/thanh-toan",
                      data={"csrf_token": token(citizen.get(f"/ca-nhan/ho-so/{code}").data)})
    assert go.status_code == 303
    bank = go.headers["Location"]
    assert "75.000 đồng" in citizen.get(bank).data.decode()
    paid = citizen.post(bank, data={"csrf_token": token(citizen.get(bank).data)})
    assert paid.status_code == 303
    full = citizen.get(f"/api/v1/dossiers/{code}").json
    assert full["status"] == 4
    assert full["due_at"] > before  # the day spent waiting for the fee does not count
    timeline = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "Yêu cầu nộp phí, lệ phí" in timeline and "Đã nộp phí, lệ phí" in timeline
    assert any(t["dossier"] == code for t in inbox(specialist))
    with platform.uow() as uow:
        dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        found = indicators(uow, actor=_admin(uow), agency_code=MINH_XUAN,
                           start=clock.now().date().replace(day=1), end=clock.now().date())
    online_paid = next(i for i in found["indicators"] if i["code"] == "3.6")
    assert online_paid["recorded"] is True and online_paid["numerator"] == 1


def _admin(uow: Any) -> Any:
    from engine.core.models import Account
    from engine.identity.accounts import actor_of

    account = uow.session.scalar(select(Account).where(Account.username == "quantri"))
    return actor_of(account)


def _granted(app: Flask, code: str) -> FlaskClient:
    """Take a dossier to its result (status 9); returns the desk officer."""
    desk = officer(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    complete(officer(app, "chuyenvien.minhxuan"), code,
             {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    complete(officer(app, "lanhdao.minhxuan"), code,
             {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    return desk


def test_the_result_is_downloaded_stored_and_reused_with_accepted_papers(
    app: Flask, platform: Platform, clock: Any
) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = _granted(app, code)
    early = desk.post(f"/api/v1/dossiers/{code}/attachments",
                      data={"paper": "Kết quả giải quyết",
                            "file": (io.BytesIO(PDF + b"giay phep"), "giay-phep-125.pdf")})
    assert early.status_code == 201, early.json
    pay_in_cash(desk, code)  # the fee is collected before the result is handed over
    returned = desk.post(f"/api/v1/dossiers/{code}/return",
                         json={"data": {"hinh_thuc_tra": "truc_tiep"}})
    assert returned.status_code == 200, returned.json
    page = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "Tải kết quả: giay-phep-125.pdf" in page
    result = citizen.get(f"/ca-nhan/ho-so/{code}/tep/{early.json['id']}")
    assert result.status_code == 200 and result.data == PDF + b"giay phep"
    with platform.uow() as uow:
        stored = [(p.id, p.kind, p.filename) for p in
                  uow.session.scalars(select(StoredPaper).order_by(StoredPaper.id))]
    assert ("result", "giay-phep-125.pdf") in [(k, f) for _, k, f in stored]
    assert ("paper", "giay-1.pdf") in [(k, f) for _, k, f in stored]  # accepted at reception
    land = next(i for i, _, f in stored if f == "giay-1.pdf")
    # A new dossier: the land paper comes from the store instead of a new upload.
    page = citizen.get(PAGE).data.decode()
    assert f'<option value="{land}">' in page
    response = post_form(citizen, PAGE, {
        **flat(permit_data()), "_action": "submit", "_stored.1": str(land),
        "_file.0": (io.BytesIO(PDF), "don.pdf"), "_file.2": (io.BytesIO(PDF), "ban-ve.pdf")})
    assert response.status_code == 303, response.data.decode()[:2000]
    second = response.headers["Location"].split("/")[-2]
    with platform.uow() as uow:
        reused = uow.session.scalars(select(Attachment).join(Dossier).where(
            Dossier.code == second, Attachment.reused_from_id.is_not(None))).all()
        assert [(a.paper, a.filename) for a in reused] == [(PAPERS[1], "giay-1.pdf")]
        found = indicators(uow, actor=_admin(uow), agency_code=MINH_XUAN,
                           start=clock.now().date().replace(day=1), end=clock.now().date())
    by_code = {i["code"]: i for i in found["indicators"]}
    assert by_code["4.3"]["recorded"] and by_code["4.3"]["numerator"] == 1
    assert by_code["4.1"]["recorded"] and by_code["4.1"]["numerator"] == 1
    # Someone else's stored paper cannot be borrowed.
    stranger = app.test_client()
    refused = post_form(stranger, PAGE, {**flat(permit_data()), "_stored.1": str(land),
                                         "_action": "save"})
    assert refused.status_code == 404


def test_rating_needs_a_result_and_a_reason_for_the_lowest_level(app: Flask, platform: Platform) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    too_early = citizen.post(f"/api/v1/dossiers/{code}/rate", json={"level": 3})
    assert too_early.status_code == 409
    _granted(app, code)
    no_reason = citizen.post(f"/api/v1/dossiers/{code}/rate", json={"level": 1, "reason": ""})
    assert no_reason.status_code == 422
    assert no_reason.json["error"]["details"] == [
        {"field": "reason", "message": "Vui lòng cho biết lý do «Chưa hài lòng» (ít nhất 5 ký tự)."}]
    response = citizen.post(f"/ca-nhan/ho-so/{code}/danh-gia", data={
        "csrf_token": token(citizen.get(f"/ca-nhan/ho-so/{code}").data), "level": "3"})
    assert response.status_code == 303
    page = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "Bạn đã đánh giá: <strong>Rất hài lòng</strong>" in page
    other = officer(app, "motcua.minhxuan").post(f"/api/v1/dossiers/{code}/rate", json={"level": 3})
    assert other.status_code == 403


def test_rating_labels_come_from_configuration(platform: Platform, monkeypatch: Any) -> None:
    from webapp import create_app

    monkeypatch.setenv("MOTCUA_RATING_LABELS", "Tốt|Bình thường|Chưa tốt")
    app = create_app({"TESTING": True, "PLATFORM": platform, "SECRET_KEY": "t",
                      "DATABASE_URL": platform.database_url})
    assert app.config["RATING_LABELS"] == {3: "Tốt", 2: "Bình thường", 1: "Chưa tốt"}


def test_feedback_is_answered_by_the_agency_and_then_public_without_the_sender(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    short = citizen.post("/api/v1/feedback", json={"kind": "phan_anh", "title": "Chậm",
                                                   "body": "ngắn", "dossier": code})
    assert short.status_code == 422
    sent = citizen.post("/ca-nhan/phan-anh", data={
        "csrf_token": token(citizen.get(f"/ca-nhan/ho-so/{code}").data), "dossier": code,
        "kind": "kien_nghi", "title": "Đề nghị nhận kết quả qua bưu chính",
        "body": "Tôi ở xa, đề nghị cơ quan gửi kết quả qua bưu chính."})
    assert sent.status_code == 303
    assert "Đề nghị nhận kết quả" not in app.test_client().get("/phan-anh-kien-nghi").data.decode()
    other = app.test_client()
    page_login(other, "motcua.antuong")
    assert "Đề nghị nhận kết quả" not in other.get("/can-bo/phan-anh").data.decode()
    desk = app.test_client()
    page_login(desk, "motcua.minhxuan")
    listed = desk.get("/can-bo/phan-anh").data.decode()
    feedback_id = re.search(r'name="id" value="(\d+)"', listed).group(1)  # type: ignore[union-attr]
    answered = desk.post("/can-bo/phan-anh", data={
        "csrf_token": token(desk.get("/can-bo/phan-anh").data), "id": feedback_id,
        "answer": "Cơ quan sẽ gửi kết quả qua bưu chính theo yêu cầu của ông."})
    assert answered.status_code == 303
    public = app.test_client().get("/phan-anh-kien-nghi").data.decode()
    assert "Đề nghị nhận kết quả qua bưu chính" in public
    assert "Cơ quan sẽ gửi kết quả qua bưu chính" in public
    assert "Nguyễn Văn An" not in public and code not in public
    notices = citizen.get("/api/v1/me/notices").json["notices"]
    assert notices[0]["subject"] == "Đã trả lời kiến nghị: Đề nghị nhận kết quả qua bưu chính"


def test_my_dossiers_and_notices_follow_the_dossier(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    mine = citizen.get("/api/v1/me/dossiers").json["dossiers"]
    assert mine[0]["code"] == code and mine[0]["status_label"] == "Đang xử lý"
    assert mine[0]["due_at"] == "2026-12-16T08:00:00+07:00"
    overview = citizen.get("/ca-nhan").data.decode()
    assert code in overview and "1 chưa đọc" in overview
    notices = citizen.get("/ca-nhan/thong-bao").data.decode()
    assert f"Hồ sơ {code} đã được tiếp nhận" in notices and "16/12/2026" in notices
    assert "chưa đọc" not in citizen.get("/ca-nhan").data.decode()
    timeline = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "Hồ sơ đã được nộp" in timeline
    # In plain sentences: the reception and the next step's start on one line, no workflow word
    assert "Hồ sơ đã được tiếp nhận; chuyển sang thẩm định hồ sơ, đề xuất" in timeline
    assert "Chuyển bước" not in timeline and "Hoàn thành bước" not in timeline


def test_officers_ask_for_the_fee_and_attach_the_result_from_the_task_page(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    specialist = app.test_client()
    page_login(specialist, "chuyenvien.minhxuan")
    link = re.search(r'href="(/can-bo/cong-viec/\d+)"', specialist.get("/can-bo").data.decode())
    assert link is not None
    task_page = specialist.get(link.group(1)).data
    assert "Yêu cầu nộp phí, lệ phí" in task_page.decode()
    asked = specialist.post(f"{link.group(1)}/yeu-cau-nop-phi", data={
        "csrf_token": token(task_page), "amount": "75.000", "description": ""})
    assert asked.status_code == 303
    inbox = specialist.get("/can-bo").data.decode()
    assert "Đã yêu cầu nộp 75.000 đồng" in inbox
    # the held step leaves the inbox: the message says where the dossier is found
    assert "tìm hồ sơ ở «Hồ sơ của cơ quan», mục «Chờ nộp phí»" in inbox
    assert code in specialist.get("/can-bo/ho-so?status=6").data.decode()
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 6
    bank = citizen.post(f"/ca-nhan/ho-so/{code}/thanh-toan", data={
        "csrf_token": token(citizen.get(f"/ca-nhan/ho-so/{code}").data)}).headers["Location"]
    citizen.post(bank, data={"csrf_token": token(citizen.get(bank).data)})
    complete(officer(app, "chuyenvien.minhxuan"), code,
             {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    complete(officer(app, "lanhdao.minhxuan"), code,
             {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    desk = app.test_client()
    page_login(desk, "motcua.minhxuan")
    link = re.search(r'href="(/can-bo/cong-viec/\d+)"', desk.get("/can-bo").data.decode())
    assert link is not None
    task_page = desk.get(link.group(1)).data
    assert "Đính kèm kết quả điện tử" in task_page.decode()
    wrong = desk.post(f"{link.group(1)}/ket-qua", data={
        "csrf_token": token(task_page), "file": (io.BytesIO(b"<html>"), "giay-phep.pdf")})
    assert wrong.status_code == 303
    assert "Nội dung tệp không phải loại được chấp nhận" in desk.get(link.group(1)).data.decode()
    attached = desk.post(f"{link.group(1)}/ket-qua", data={
        "csrf_token": token(task_page), "file": (io.BytesIO(PDF), "giay-phep-125.pdf")})
    assert attached.status_code == 303
    assert "Tải kết quả: giay-phep-125.pdf" in citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()


def test_a_callback_with_a_garbled_signature_is_refused_not_a_crash(app: Flask) -> None:
    response = app.test_client().post("/api/v1/payments/TT00/confirm",
                                      json={"signature": "\u0080chữ ký"})
    assert response.status_code == 403
    assert response.json["error"]["message"] == "Xác nhận thanh toán không hợp lệ."


def test_drafts_untouched_for_30_days_are_forgotten(
    app: Flask, platform: Platform, clock: Any
) -> None:
    from engine.applicants.drafts import forget_stale_drafts

    client = app.test_client()
    old = post_form(client, PAGE, {"ho_ten": "Nguyễn Văn An", "_action": "save",
                                   "_file.0": (io.BytesIO(PDF), "don.pdf")})
    old_key = draft_key(old.data)
    clock.advance(timedelta(days=20))
    recent = post_form(app.test_client(), PAGE, {"ho_ten": "Trần Thị B", "_action": "save"})
    clock.advance(timedelta(days=11))
    with platform.uow() as uow:
        assert forget_stale_drafts(uow) == 1
    assert client.get(f"/thu-tuc/{PERMIT}?nhap={old_key}").status_code == 404
    assert app.test_client().get(f"/thu-tuc/{PERMIT}?nhap={draft_key(recent.data)}").status_code == 200
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count(Attachment.id)).where(
            Attachment.filename == "don.pdf")) == 0


def test_a_draft_opens_only_for_its_owner_and_its_procedure(app: Flask) -> None:
    citizen = app.test_client()
    page_login(citizen, "congdan")
    saved = post_form(citizen, PAGE, {"ho_ten": "Nguyễn Văn An", "_action": "save"})
    key = draft_key(saved.data)
    assert citizen.get(f"/thu-tuc/{PERMIT}?nhap={key}&mot_trang=1").status_code == 200
    assert app.test_client().get(f"/thu-tuc/{PERMIT}?nhap={key}&mot_trang=1").status_code == 404
    assert citizen.get(f"/thu-tuc/2.000635?nhap={key}").status_code == 404
    overview = citizen.get("/ca-nhan").data.decode()
    assert f"nhap={key}" in overview  # listed among my drafts


def test_no_supplement_request_while_the_fee_is_awaited(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = officer(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    assert desk.post(f"/api/v1/dossiers/{code}/request-payment", json={}).status_code == 200
    refused = desk.post(f"/api/v1/dossiers/{code}/request-supplement", json={"missing": ["Bản vẽ"]})
    assert refused.status_code == 409 and "chờ nộp phí" in refused.json["error"]["message"]
    again = desk.post(f"/api/v1/dossiers/{code}/request-payment", json={})
    assert again.status_code == 409


def test_feedback_about_a_procedure_goes_to_its_agency(app: Flask) -> None:
    citizen = app.test_client()
    page_login(citizen, "congdan")
    page = citizen.get(PAGE)
    assert "Phản ánh, kiến nghị về thủ tục này" in page.data.decode()
    sent = citizen.post("/ca-nhan/phan-anh", data={
        "csrf_token": token(page.data), "procedure": PERMIT, "agency": MINH_XUAN, "kind": "kien_nghi",
        "title": "Cho phép nộp bản vẽ khổ A3", "body": "Đề nghị chấp nhận bản vẽ khổ A3 scan."})
    assert sent.status_code == 303 and sent.headers["Location"].startswith(f"/thu-tuc/{PERMIT}")
    desk = app.test_client()
    page_login(desk, "motcua.minhxuan")
    assert "Cho phép nộp bản vẽ khổ A3" in desk.get("/can-bo/phan-anh").data.decode()
