"""Where a dossier stands when no step is open (walk F1): the officers' page, the public
tracking page and the applicant's page say what it waits for or how it ended; «Đã có kết
quả» only once a result is there; a refused dossier's letter is linked once."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.functional.test_citizen_area import _granted, citizen_client, officer, submit_on_page
from tests.helpers import APPLICANT_ID, complete, page_login, pay_in_cash, token
from webapp.text import vn_datetime

SUPPLEMENT = "Đang chờ người nộp bổ sung hồ sơ"


def _tracked(app: Flask, code: str) -> str:
    public = app.test_client()
    return public.post("/tra-cuu", data={
        "csrf_token": token(public.get("/tra-cuu").data), "ma": code,
        "so_dinh_danh": APPLICANT_ID}).get_data(as_text=True)


def _officer_page(app: Flask, code: str) -> str:
    desk = app.test_client()
    page_login(desk, "motcua.minhxuan")
    return desk.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)


def _received(app: Flask) -> tuple[FlaskClient, FlaskClient, str]:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = officer(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    return citizen, desk, code


def test_a_dossier_waiting_for_its_supplement_says_so_on_every_page(app: Flask) -> None:
    citizen, desk, code = _received(app)
    asked = desk.post(f"/api/v1/dossiers/{code}/request-supplement",
                      json={"missing": ["Bản vẽ mặt bằng móng"]})
    assert asked.status_code == 200, asked.json
    since = citizen.post("/api/v1/track", json={"code": code, "id_number": APPLICANT_ID}).json
    assert since is not None
    assert since["current_step"] is None
    assert since["standing"]["kind"] == "supplement"
    when = f"{SUPPLEMENT} (yêu cầu lúc {vn_datetime(since['standing']['since'])})"

    page = _officer_page(app, code)
    assert when in page and "Không có bước nào đang chờ" not in page
    assert "bước đang tạm dừng: Thẩm định hồ sơ" in page  # the held step is named
    tracked = _tracked(app, code)
    assert when in tracked and "Đã kết thúc" not in tracked
    assert when in citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)


def test_a_dossier_waiting_for_its_fee_says_so(app: Flask) -> None:
    citizen, desk, code = _received(app)
    assert desk.post(f"/api/v1/dossiers/{code}/request-payment", json={}).status_code == 200
    assert "Đang chờ người nộp hồ sơ nộp phí, lệ phí (yêu cầu lúc" in _tracked(app, code)
    assert "Đang chờ người nộp hồ sơ nộp phí, lệ phí" in _officer_page(app, code)
    mine = citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    assert "Đang chờ người nộp hồ sơ nộp phí, lệ phí (yêu cầu lúc" in mine


def test_an_ended_dossier_says_how_it_ended(app: Flask) -> None:
    citizen = citizen_client(app)
    withdrawn, refused = submit_on_page(citizen), submit_on_page(citizen)
    assert citizen.post(f"/api/v1/dossiers/{withdrawn}/withdraw",
                        json={"reason": "Không xây nữa"}).status_code == 200
    assert "Đã kết thúc: người nộp đã rút hồ sơ" in _tracked(app, withdrawn)
    assert "Đã kết thúc: người nộp đã rút hồ sơ" in _officer_page(app, withdrawn)
    complete(officer(app, "motcua.minhxuan"), refused,
             {"ket_qua_kiem_tra": "tu_choi", "ly_do_tu_choi": "Thiếu bản vẽ."})
    assert "Đã kết thúc: hồ sơ không được tiếp nhận" in _tracked(app, refused)

    granted = submit_on_page(citizen)
    desk = _granted(app, granted)
    pay_in_cash(desk, granted)  # collected before the result is handed over
    assert desk.post(f"/api/v1/dossiers/{granted}/return",
                     json={"data": {"hinh_thuc_tra": "truc_tiep"}}).status_code == 200
    tracked = _tracked(app, granted)
    assert "Đã kết thúc: đã trả kết quả" in tracked


def test_the_result_banner_waits_for_the_result(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = _granted(app, code)  # status 9: the desk's hand-back step is open, nothing attached
    page = citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    assert "Đã có kết quả" not in page
    assert "Chờ trả kết quả" in page and "Bộ phận Một cửa chưa trả kết quả" in page
    assert "Trả giấy phép xây dựng" in page  # the step it waits at

    pay_in_cash(desk, code)  # collected before the result is handed over
    assert desk.post(f"/api/v1/dossiers/{code}/return",
                     json={"data": {"hinh_thuc_tra": "truc_tiep"}}).status_code == 200
    page = citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    assert "Đã có kết quả" in page and "Chờ trả kết quả" not in page
    assert "đã trả kết quả (bản giấy) lúc" in page
    assert "Đã kết thúc: đã trả kết quả" in page


def test_a_refusal_letter_is_linked_once(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code,
             {"ket_qua_kiem_tra": "tu_choi", "ly_do_tu_choi": "Thiếu bản vẽ."})
    page = citizen.get(f"/ca-nhan/ho-so/{code}").get_data(as_text=True)
    assert page.count(f"/ca-nhan/ho-so/{code}/van-ban/refusal.pdf") == 1
    assert page.count("Phiếu từ chối tiếp nhận giải quyết hồ sơ (PDF)") == 1
