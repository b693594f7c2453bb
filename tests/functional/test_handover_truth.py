"""The desk's hand-over step tells the truth (re-walk Y1): a refused dossier owes no fee —
its refusal letter is no result a fee is collected for — so neither the hand-over step nor
the officer's or the citizen's dossier page asks or warns about one."""

from __future__ import annotations

from flask import Flask

from tests.functional.test_citizen_area import citizen_client, officer, submit_on_page
from tests.functional.test_refusals_and_results import _desk_page, _post_step, _task_url, _to_leader
from tests.helpers import complete


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


def test_a_granted_dossier_closed_without_payment_says_so(app: Flask) -> None:
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
    assert _post_step(desk, url, {"hinh_thuc_tra": "truc_tiep"}).status_code == 303
    assert "chưa thu" in desk.get(f"/can-bo/ho-so/{code}").data.decode()
    mine = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "nộp khi Bộ phận Một cửa yêu cầu" not in mine
