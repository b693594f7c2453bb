"""A real procedure from citizen submission to returned result, over HTTP (Flask client,
no mocks), on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import APPLICANT_ID, MINH_XUAN, PERMIT, complete, login, pay_in_cash, permit_data

CODE = re.compile(r"^000\.00\.12\.H64-261125-\d{4}$")


def submit_permit(client: FlaskClient) -> dict:
    response = client.post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()})
    assert response.status_code == 201, response.json
    return response.json


def test_building_permit_runs_from_submission_to_returned_result(app: Flask) -> None:
    citizen = app.test_client()
    submitted = submit_permit(citizen)
    code = submitted["code"]
    assert CODE.match(code)
    assert submitted["status"] == 1 and submitted["status_label"] == "Mới đăng ký"
    assert submitted["due_at"] is None  # the legal clock starts at reception, not submission

    desk, specialist, leader = app.test_client(), app.test_client(), app.test_client()
    login(desk, "motcua.minhxuan")
    login(specialist, "chuyenvien.minhxuan")
    login(leader, "lanhdao.minhxuan")

    received = complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    # Received Wed 25 Nov 2026 08:00: 15 working days of 8 h skip the weekends and end
    # at 08:00 on the 16th working day, Wed 16 Dec 2026.
    assert received["dossier"] == {"code": code, "status": 4,
                                   "due_at": "2026-12-16T08:00:00+07:00"}

    complete(specialist, code, {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    approved = complete(leader, code, {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    assert approved["dossier"]["status"] == 9  # result ready, awaiting hand-over

    pay_in_cash(desk, code)  # the fee is collected before the result is handed over
    returned = desk.post(f"/api/v1/dossiers/{code}/return", json={"data": {"hinh_thuc_tra": "truc_tiep"}})
    assert returned.status_code == 200, returned.json
    assert returned.json["dossier"]["status"] == 10

    tracked = citizen.post("/api/v1/track", json={"code": code, "id_number": APPLICANT_ID})
    assert tracked.status_code == 200
    assert tracked.json["status_label"] == "Đã trả kết quả"
    assert tracked.json["current_step"] is None

    full = desk.get(f"/api/v1/dossiers/{code}").json
    assert full["outcome"] == "granted"
    assert [t["step"] for t in full["tasks"]] == ["tiep_nhan", "tham_dinh", "phe_duyet", "tra_giay_phep"]
    assert all(t["state"] == "completed" for t in full["tasks"])
    kinds = [e["kind"] for e in full["events"]]
    assert kinds[0] == "submitted" and "received" in kinds and kinds[-1] == "finished"
    assert full["received_at"] == "2026-11-25T08:00:00+07:00"
    assert full["returned_at"] is not None


def test_leader_refusal_takes_the_refusal_branch(app: Flask) -> None:
    code = submit_permit(app.test_client())["code"]
    desk, specialist, leader = app.test_client(), app.test_client(), app.test_client()
    login(desk, "motcua.minhxuan")
    login(specialist, "chuyenvien.minhxuan")
    login(leader, "lanhdao.minhxuan")
    received = desk.post(f"/api/v1/dossiers/{code}/receive",
                         json={"data": {"ket_qua_kiem_tra": "tiep_nhan"}})
    assert received.status_code == 200 and received.json["dossier"]["status"] == 4
    again = desk.post(f"/api/v1/dossiers/{code}/receive",
                      json={"data": {"ket_qua_kiem_tra": "tiep_nhan"}})
    assert again.status_code == 409  # already received: no reception step is waiting
    complete(specialist, code, {"de_xuat": "tu_choi", "y_kien_tham_dinh": "Vượt chỉ giới xây dựng."})
    complete(leader, code, {"quyet_dinh": "tu_choi", "ly_do_tu_choi": "Công trình vượt chỉ giới xây dựng."})

    return_task = [t for t in desk.get("/api/v1/tasks").json["tasks"] if t["dossier"] == code]
    assert [t["step"] for t in return_task] == ["tra_van_ban_tu_choi"]
    complete(desk, code, {"hinh_thuc_tra": "buu_chinh"})
    full = desk.get(f"/api/v1/dossiers/{code}").json
    assert (full["status"], full["outcome"]) == (10, "refused")


def test_refusal_at_reception_ends_with_status_3_and_no_clock(app: Flask) -> None:
    code = submit_permit(app.test_client())["code"]
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    refused = complete(desk, code, {"ket_qua_kiem_tra": "tu_choi",
                                    "ly_do_tu_choi": "Đất không thuộc quy hoạch đất ở."})
    assert refused["dossier"] == {"code": code, "status": 3, "due_at": None}
    tracked = app.test_client().post("/api/v1/track", json={"code": code, "id_number": APPLICANT_ID}).json
    assert tracked["status_label"] == "Không được tiếp nhận"


def test_invalid_form_data_is_refused_with_a_message_per_field_and_nothing_stored(app: Flask) -> None:
    client = app.test_client()
    response = client.post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN,
        "data": permit_data(so_dinh_danh="12345", lo_dat={"dia_chi": "x", "dien_tich": -3},
                            cam_ket=False)})
    assert response.status_code == 422
    error = response.json["error"]
    by_field = {d["field"]: d["message"] for d in error["details"]}
    assert by_field == {
        "cam_ket": "Bạn cần đánh dấu xác nhận mục này.",
        "lo_dat.dien_tich": "Giá trị phải lớn hơn 0.",
        "so_dinh_danh": "Số định danh cá nhân gồm 12 chữ số.",
    }
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    assert desk.get("/api/v1/tasks").json["tasks"] == []


def test_officer_task_form_errors_are_422_and_the_task_stays_open(app: Flask) -> None:
    code = submit_permit(app.test_client())["code"]
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    task = desk.get("/api/v1/tasks").json["tasks"][0]
    response = desk.post(f"/api/v1/tasks/{task['id']}/complete",
                         json={"data": {"ket_qua_kiem_tra": "tu_choi"}})
    assert response.status_code == 422
    assert response.json["error"]["details"] == [
        {"field": "ly_do_tu_choi", "message": "Vui lòng nhập «Lý do từ chối (Mẫu 03)»."}]
    still = desk.get(f"/api/v1/dossiers/{code}").json
    assert still["status"] == 1 and still["tasks"][0]["state"] == "open"
