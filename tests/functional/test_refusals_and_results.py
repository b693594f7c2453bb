"""Refusals and results through the real pages (walk report h5, findings 4, 5, 9, 10, 13,
19): the applicant is told why a dossier was refused, by the right document; an electronic
result is handed back only with its file; the officers' pages count and offer what is true."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from engine import applicants
from engine.dossiers import offered
from tests.functional.test_citizen_area import citizen_client, officer, submit_on_page
from tests.helpers import APPLICANT_ID, PDF, complete, page_login, pay_in_cash, task_for, token

REASON = "Thiếu bản vẽ mặt bằng móng."


def _desk_page(app: Flask) -> FlaskClient:
    desk = app.test_client()
    page_login(desk, "motcua.minhxuan")
    return desk


def _task_url(client: FlaskClient, code: str) -> str:
    """The task page of the dossier's one open step in the officer's inbox (its link)."""
    inbox = client.get("/can-bo").data.decode()
    found = re.findall(r'href="(/can-bo/cong-viec/\d+)"', inbox)
    for url in found:
        if code in client.get(url).data.decode():
            return url
    raise AssertionError(f"no task page for {code} in {found}")


def _post_step(client: FlaskClient, url: str, fields: dict[str, Any]) -> Any:
    return client.post(url, data={"csrf_token": token(client.get(url).data), **fields})


def test_a_refusal_at_reception_by_the_step_form_tells_the_applicant_why(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = _desk_page(app)
    url = _task_url(desk, code)
    refused = _post_step(desk, url, {"ket_qua_kiem_tra": "tu_choi", "ly_do_tu_choi": REASON,
                                     "xac_nhan": "1"})  # confirmed (webapp/reception.py)
    assert refused.status_code == 303, refused.data.decode()[:2000]
    # The applicant is told it was not received (form 03), not that it was not resolved.
    subjects = [n["subject"] for n in citizen.get("/api/v1/me/notices").json["notices"]]
    assert f"Hồ sơ {code} không được tiếp nhận" in subjects
    assert f"Hồ sơ {code} không được giải quyết" not in subjects

    page = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "Hồ sơ không được tiếp nhận" in page and REASON in page
    link = f"/ca-nhan/ho-so/{code}/van-ban/refusal.pdf"
    assert link in page  # form 03, linked
    assert citizen.get(link).status_code == 200
    notices = citizen.get("/api/v1/me/notices").json["notices"]
    assert any(REASON in n["body"] for n in notices)  # the notice says why, not «xem lý do»
    letter = desk.get(f"/api/v1/dossiers/{code}/documents/refusal?format=html").data.decode()
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN" in letter and REASON in letter
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in letter

    officer_page = desk.get(f"/can-bo/ho-so/{code}").data.decode()
    assert "Từ chối tiếp nhận" in officer_page and REASON in officer_page
    assert f"/api/v1/dossiers/{code}/documents/refusal" in officer_page


def test_the_reception_step_offers_the_refusal_to_receive_by_its_legal_name(app: Flask) -> None:
    """At reception the desk refuses to receive (Mẫu 03 «Phiếu từ chối tiếp nhận giải quyết
    hồ sơ»); once received, a step refuses to resolve (the agency's notice)."""
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = _desk_page(app)
    reception = desk.get(_task_url(desk, code)).data.decode()
    assert "<summary>Từ chối tiếp nhận hồ sơ (Mẫu 03)</summary>" in reception
    assert "Phiếu từ chối tiếp nhận giải quyết hồ sơ" in reception
    assert ">Từ chối tiếp nhận hồ sơ</button>" in reception
    assert "Từ chối giải quyết (Mẫu 03)" not in reception

    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    specialist = app.test_client()
    page_login(specialist, "chuyenvien.minhxuan")
    appraisal = specialist.get(_task_url(specialist, code)).data.decode()
    assert "<summary>Từ chối giải quyết hồ sơ</summary>" in appraisal
    assert "Thông báo từ chối giải quyết hồ sơ" in appraisal
    assert "Mẫu 03" not in appraisal and "tiếp nhận hồ sơ</button>" not in appraisal


def _to_leader(app: Flask, code: str) -> None:
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    complete(officer(app, "chuyenvien.minhxuan"), code,
             {"de_xuat": "tu_choi", "y_kien_tham_dinh": "Không phù hợp quy hoạch."})


def test_a_leaders_refusal_is_the_agencys_notice_linked_at_the_return_step(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _to_leader(app, code)
    complete(officer(app, "lanhdao.minhxuan"), code,
             {"quyet_dinh": "tu_choi", "ly_do_tu_choi": "Công trình vượt chỉ giới xây dựng."})

    desk = _desk_page(app)
    letter = desk.get(f"/api/v1/dossiers/{code}/documents/refusal?format=html").data.decode()
    assert "THÔNG BÁO TỪ CHỐI GIẢI QUYẾT HỒ SƠ" in letter
    assert "Công trình vượt chỉ giới xây dựng." in letter
    assert "THỦ TRƯỞNG CƠ QUAN" in letter
    assert "TIẾP NHẬN HỒ SƠ" not in letter and "PHIẾU TỪ CHỐI TIẾP NHẬN" not in letter

    url = _task_url(desk, code)  # «Trả văn bản từ chối cấp phép»
    step = desk.get(url).data.decode()
    assert f"/api/v1/dossiers/{code}/documents/refusal" in step
    assert "Thông báo từ chối giải quyết hồ sơ (Điều 16 NĐ 61/2018)" in step
    # The result is decided: only its hand-over is left.
    assert "Yêu cầu bổ sung hồ sơ (Mẫu 02)" not in step
    assert "Từ chối giải quyết (Mẫu 03)" not in step

    page = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "Hồ sơ bị từ chối giải quyết" in page and "Công trình vượt chỉ giới xây dựng." in page
    assert "Thông báo từ chối giải quyết hồ sơ (PDF)" in page
    assert "Mời bạn nhận kết quả (bản giấy)" not in page

    returned = _post_step(desk, url, {"hinh_thuc_tra": "truc_tiep"})
    assert returned.status_code == 303
    public = app.test_client()
    tracked = public.post("/tra-cuu", data={
        "csrf_token": token(public.get("/tra-cuu").data), "ma": code,
        "so_dinh_danh": APPLICANT_ID}).data.decode()
    assert "Từ chối giải quyết" in tracked
    assert public.post("/api/v1/track", json={"code": code, "id_number": APPLICANT_ID}
                       ).json["outcome"] == "refused"


def test_the_engine_refuses_a_supplement_or_refusal_once_the_result_exists(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _to_leader(app, code)
    complete(officer(app, "lanhdao.minhxuan"), code,
             {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    desk = officer(app, "motcua.minhxuan")
    task = task_for(desk, code)
    refused = desk.post(f"/api/v1/tasks/{task['id']}/refuse", json={"reasons": "Đổi ý."})
    assert refused.status_code == 409
    asked = desk.post(f"/api/v1/dossiers/{code}/request-supplement",
                      json={"missing": ["Bản vẽ"]})
    assert asked.status_code == 409
    assert desk.get(f"/api/v1/dossiers/{code}").json["status"] == 9


def _granted(app: Flask, code: str) -> None:
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    complete(officer(app, "chuyenvien.minhxuan"), code,
             {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    complete(officer(app, "lanhdao.minhxuan"), code,
             {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})


def test_an_electronic_result_is_handed_back_only_with_its_file(app: Flask) -> None:
    assert offered.RESULT_PAPER == applicants.RESULT_PAPER
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _granted(app, code)
    desk = _desk_page(app)
    url = _task_url(desk, code)
    bare = _post_step(desk, url, {"hinh_thuc_tra": "truc_tuyen", "ghi_chu": "Gửi qua cổng"})
    assert bare.status_code == 422
    page = bare.data.decode()
    assert "Trả kết quả trực tuyến cần bản điện tử của kết quả" in page
    assert re.search(r'value="truc_tuyen"[^>]*checked', page)  # the choice is kept
    assert "Gửi qua cổng" in page
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 9
    attached = desk.post(f"{url}/ket-qua", data={
        "csrf_token": token(desk.get(url).data),
        "file": (io.BytesIO(PDF), "giay-phep-125.pdf")})
    assert attached.status_code == 303
    pay_in_cash(officer(app, "motcua.minhxuan"), code)  # collected before the hand-over
    done = _post_step(desk, url, {"hinh_thuc_tra": "truc_tuyen"})
    assert done.status_code == 303
    mine = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "Tải kết quả: giay-phep-125.pdf" in mine
    assert "(bản giấy) tại Bộ phận Một cửa" not in mine


def test_the_officers_page_counts_a_supplement_asked_at_reception(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = _desk_page(app)
    url = _task_url(desk, code)
    first = desk.get(url).data.decode()
    assert "Trả về bước trước" not in first  # nothing before the first step
    asked = desk.post(f"{url}/yeu-cau-bo-sung", data={
        "csrf_token": token(first.encode()), "missing": "Bản vẽ mặt bằng móng", "note": "",
        "xac_nhan": "1"})  # confirmed, as at every reception decision (webapp/reception.py)
    assert asked.status_code == 303
    page = desk.get(f"/can-bo/ho-so/{code}").data.decode()
    assert re.search(r'id="supplement-count">1 lần<', page), page
    assert f"/api/v1/dossiers/{code}/documents/supplement" in page


def test_the_apology_reads_as_a_sentence(app: Flask) -> None:
    code = submit_on_page(citizen_client(app))
    desk = officer(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    granted = desk.post(f"/api/v1/dossiers/{code}/extend", json={
        "due_at": "2026-12-18T17:00:00+07:00", "reason": "Chờ ý kiến của điện lực."})
    assert granted.status_code == 200, granted.json
    letter = desk.get(f"/api/v1/dossiers/{code}/documents/apology?format=html").data.decode()
    assert re.search(r"Ngày \d\d/\d\d/\d{4}, [^<]* tiếp nhận giải quyết", letter), letter
    assert not re.search(r"Ngày \d+ giờ", letter)
    assert "điện lực." in letter and "điện lực.." not in letter


def test_a_fee_paid_at_once_leaves_no_empty_deadline_line(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    specialist = app.test_client()
    page_login(specialist, "chuyenvien.minhxuan")
    url = _task_url(specialist, code)
    asked = specialist.post(f"{url}/yeu-cau-nop-phi", data={
        "csrf_token": token(specialist.get(url).data), "amount": "75.000", "description": ""})
    assert asked.status_code == 303
    bank = citizen.post(f"/ca-nhan/ho-so/{code}/thanh-toan", data={
        "csrf_token": token(citizen.get(f"/ca-nhan/ho-so/{code}").data)}).headers["Location"]
    citizen.post(bank, data={"csrf_token": token(citizen.get(bank).data)})
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 4
    page = specialist.get(f"/can-bo/ho-so/{code}").data.decode()
    moves = re.findall(r"<li>[^<]*— [^<]*: ([^<]*?) → ([^<(]*?)(?: \(|</li>)", page)
    assert moves and all(old.strip() != new.strip() for old, new in moves), moves
