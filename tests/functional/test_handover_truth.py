"""The desk's hand-over step tells the truth (re-walk Y1): a refused dossier owes no fee —
its refusal letter is no result a fee is collected for — so neither the hand-over step nor
the officer's or the citizen's dossier page asks or warns about one; the hand-over step
says the applicant ordered the result by post, suggests the postal choice and asks a
confirmation before another choice is recorded while the order is open."""

from __future__ import annotations

import re

from flask import Flask

from tests.functional.test_citizen_area import _granted, citizen_client, officer, submit_on_page
from tests.functional.test_post_connector import ORDER
from tests.functional.test_refusals_and_results import _desk_page, _post_step, _task_url, _to_leader
from tests.helpers import complete, pay_in_cash


def test_a_refused_dossier_is_handed_over_without_a_fee(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _to_leader(app, code)
    complete(officer(app, "lanhdao.minhxuan"), code,
             {"quyet_dinh": "tu_choi", "ly_do_tu_choi": "Công trình vượt chỉ giới xây dựng."})
    desk = _desk_page(app)
    url = _task_url(desk, code)  # «Trả văn bản từ chối cấp phép»
    step = desk.get(url).data.decode()
    assert "Chưa thu lệ phí" not in step
    assert "trước khi trả kết quả" not in step
    assert "Yêu cầu nộp phí, lệ phí" not in step
    assert "Đính kèm kết quả điện tử" not in step
    dossier_page = desk.get(f"/can-bo/ho-so/{code}").data.decode()
    assert "chưa thu" not in dossier_page
    assert "không thu</strong> (hồ sơ bị từ chối giải quyết)" in dossier_page
    # Nor may the fee be asked through the API.
    asked = officer(app, "motcua.minhxuan").post(
        f"/api/v1/dossiers/{code}/request-payment", json={})
    assert asked.status_code == 409
    assert "từ chối" in asked.get_data(as_text=True)

    assert _post_step(desk, url, {"hinh_thuc_tra": "truc_tiep"}).status_code == 303
    mine = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "nộp khi Bộ phận Một cửa yêu cầu" not in mine
    assert "không thu</strong> (hồ sơ bị từ chối)" in mine


def test_a_granted_dossier_is_not_handed_over_without_payment(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    complete(officer(app, "chuyenvien.minhxuan"), code,
             {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    complete(officer(app, "lanhdao.minhxuan"), code,
             {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    desk = _desk_page(app)
    url = _task_url(desk, code)
    step = desk.get(url).data.decode()
    assert "Chưa thu lệ phí" in step  # a granted result: the fee is still to be collected
    refused = _post_step(desk, url, {"hinh_thuc_tra": "truc_tiep"})
    assert refused.status_code == 409  # collected before the result is returned
    assert "Chưa thu lệ phí" in refused.data.decode()
    assert "chưa thu" in desk.get(f"/can-bo/ho-so/{code}").data.decode()


def test_the_hand_over_step_tells_the_desk_of_the_applicants_postal_order(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    ordered = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json=ORDER)
    assert ordered.status_code in (200, 201), ordered.get_data(as_text=True)
    reference = ordered.json["reference"]
    _granted(app, code)
    desk = _desk_page(app)
    url = _task_url(desk, code)
    step = desk.get(url).data.decode()
    words = " ".join(re.sub(r"<[^>]+>", " ", step).split())
    assert (f"Người nộp đã yêu cầu nhận kết quả qua bưu điện: {ORDER['address']}, đơn "
            f"{reference}, đã gửi yêu cầu tới bưu điện.") in words
    assert re.search(r'value="buu_chinh"[^>]*checked', step)  # the postal choice suggested
    # Another choice while the order is open: asked to confirm, nothing recorded yet.
    direct = _post_step(desk, url, {"hinh_thuc_tra": "truc_tiep"})
    assert direct.status_code == 422
    asked = direct.data.decode()
    assert f"Đơn chuyển phát {reference} của người nộp vẫn đang thực hiện" in asked
    assert re.search(r'value="truc_tiep"[^>]*checked', asked)  # the choice is kept
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 9
    pay_in_cash(officer(app, "motcua.minhxuan"), code)  # collected before the hand-over
    confirmed = _post_step(desk, url, {"hinh_thuc_tra": "truc_tiep",
                                       "xac_nhan_khong_buu_dien": "1"})
    assert confirmed.status_code == 303
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 10


def test_a_hand_over_without_a_postal_order_asks_nothing_more(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    _granted(app, code)
    desk = _desk_page(app)
    url = _task_url(desk, code)
    step = desk.get(url).data.decode()
    assert "yêu cầu nhận kết quả qua bưu điện" not in step
    assert not re.search(r'value="buu_chinh"[^>]*checked', step)
    pay_in_cash(officer(app, "motcua.minhxuan"), code)  # collected before the hand-over
    assert _post_step(desk, url, {"hinh_thuc_tra": "truc_tiep"}).status_code == 303
