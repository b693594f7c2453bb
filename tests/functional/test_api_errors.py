"""Bad input to the API gets a clear JSON error with the right status, and loses nothing."""

from __future__ import annotations

from flask import Flask

from tests.helpers import APPLICANT_ID, MINH_XUAN, PERMIT, login, permit_data, token


def test_non_json_body_is_415(client) -> None:
    response = client.post("/api/v1/dossiers", data="procedure=x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"


def test_malformed_json_is_400(client) -> None:
    response = client.post("/api/v1/dossiers", data="{not json", content_type="application/json")
    assert (response.status_code, response.json["error"]["code"]) == (400, "invalid")


def test_deeply_nested_json_is_refused(client) -> None:
    body = '{"procedure": "x", "data": ' + '{"a": ' * 200 + "1" + "}" * 200 + "}"
    response = client.post("/api/v1/dossiers", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "lồng nhau quá sâu" in response.json["error"]["message"]


def test_oversized_body_is_413(client) -> None:
    body = b'{"data": "' + b"x" * (11 * 1024 * 1024) + b'"}'
    response = client.post("/api/v1/dossiers", data=body, content_type="application/json")
    assert response.status_code == 413


def test_procedure_offered_by_two_agencies_needs_the_agency(client) -> None:
    response = client.post("/api/v1/dossiers", json={"procedure": PERMIT, "data": permit_data()})
    assert response.status_code == 400
    assert response.json["error"]["details"] == ["000.00.12.H64", "000.00.31.H64"]


def test_officer_calls_need_a_login(client) -> None:
    assert client.get("/api/v1/tasks").status_code == 401
    assert client.post("/api/v1/tasks/1/complete", json={"data": {}}).status_code == 401


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client) -> None:
    response = client.post("/api/v1/session", json={"username": "motcua.minhxuan",
                                                    "password": "sai"})
    unknown = client.post("/api/v1/session", json={"username": "khong-co", "password": "sai"})
    assert response.status_code == unknown.status_code == 400
    assert response.json["error"]["message"] == unknown.json["error"]["message"]


def test_tracking_with_a_wrong_id_number_reveals_nothing(app: Flask) -> None:
    client = app.test_client()
    code = client.post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                  "data": permit_data()}).json["code"]
    wrong = client.post("/api/v1/track", json={"code": code, "id_number": "001099000000"})
    unknown = client.post("/api/v1/track",
                          json={"code": "000.00.12.H64-261125-9999", "id_number": APPLICANT_ID})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json == unknown.json
    assert client.post("/api/v1/track", json={"code": code, "id_number": APPLICANT_ID}).status_code == 200


def test_an_officer_never_sees_or_acts_on_another_agencys_tasks(app: Flask) -> None:
    client = app.test_client()
    code = client.post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                  "data": permit_data()}).json["code"]
    own = app.test_client()
    login(own, "motcua.minhxuan")
    task_id = own.get("/api/v1/tasks").json["tasks"][0]["id"]
    other = app.test_client()
    login(other, "motcua.antuong")
    assert other.get("/api/v1/tasks").json["tasks"] == []
    assert other.get(f"/api/v1/tasks/{task_id}").status_code == 404
    assert other.post(f"/api/v1/tasks/{task_id}/claim").status_code == 404
    done = other.post(f"/api/v1/tasks/{task_id}/complete",
                      json={"data": {"ket_qua_kiem_tra": "tiep_nhan"}})
    assert done.status_code == 404
    assert other.get(f"/api/v1/dossiers/{code}").status_code == 404
    assert own.get(f"/api/v1/dossiers/{code}").json["status"] == 1


def test_claimed_task_cannot_be_completed_by_a_colleague(app: Flask) -> None:
    # Both officers hold the desk role of Minh Xuân after this grant; the first claims.
    app.test_client().post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                      "data": permit_data()})
    first = app.test_client()
    login(first, "motcua.minhxuan")
    task_id = first.get("/api/v1/tasks").json["tasks"][0]["id"]
    assert first.post(f"/api/v1/tasks/{task_id}/claim").status_code == 200
    again = first.post(f"/api/v1/tasks/{task_id}/claim")
    assert again.status_code == 200  # claiming one's own task again is harmless
    leader = app.test_client()
    login(leader, "lanhdao.minhxuan")
    assert leader.post(f"/api/v1/tasks/{task_id}/complete",
                       json={"data": {"ket_qua_kiem_tra": "tiep_nhan"}}).status_code == 404


def test_a_logged_in_browser_cannot_be_driven_by_a_forged_form_post(app: Flask) -> None:
    app.test_client().post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                      "data": permit_data()})
    officer = app.test_client()
    login(officer, "motcua.minhxuan")
    task_id = officer.get("/api/v1/tasks").json["tasks"][0]["id"]
    del officer.environ_base["HTTP_X_CSRF_TOKEN"]
    forged = officer.post(f"/api/v1/tasks/{task_id}/claim", data={"x": "1"})
    assert forged.status_code == 403
    assert officer.get(f"/api/v1/tasks/{task_id}").json["assignee_id"] is None


def test_numbers_of_the_wrong_shape_get_a_message_not_a_server_error(app: Flask) -> None:
    """Found by the fuzzer and by reading: each used to end in a 500."""
    admin = app.test_client()
    login(admin, "quantri")
    key = admin.post("/api/v1/api-keys", json={"name": "x", "agency": MINH_XUAN,
                                               "scopes": ["procedures:read"],
                                               "rate_per_minute": "sáu mươi"})
    assert key.status_code == 400
    assert key.json["error"]["message"] == "Trường 'rate_per_minute' phải là số nguyên (lượt mỗi phút)."
    year = admin.get("/api/v1/calendars/Tuyên Quang?year=99999999")
    assert year.status_code == 400 and "'year'" in year.json["error"]["message"]
    officer = app.test_client()
    login(officer, "motcua.minhxuan")
    huge = officer.get(f"/api/v1/tasks?offset={10**30}")
    assert huge.status_code == 400
    assert huge.json["error"]["message"] == "Tham số 'offset' phải từ 0 đến 1000000000."
    app.test_client().post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                      "data": permit_data()})
    task_id = officer.get("/api/v1/tasks").json["tasks"][0]["id"]
    page = officer.get(f"/can-bo/cong-viec/{task_id}").data
    typed = officer.post(f"/can-bo/cong-viec/{task_id}/xin-y-kien", follow_redirects=True, data={
        "csrf_token": token(page), "agency": MINH_XUAN, "question": "Ý kiến?", "days": "ba"})
    assert typed.status_code == 200 and "1 đến 30" in typed.data.decode()
