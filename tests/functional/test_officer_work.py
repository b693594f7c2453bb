"""Officer work over HTTP: inbox filters and counts, search, release, leaders' (bulk)
assignment, handover — and scoping: nothing of another agency, even by guessing ids."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from engine.identity.accounts import create_account
from engine.wiring import Platform
from tests.helpers import APPLICANT_ID, MINH_XUAN, complete, login, permit_data, task_for


def _submit(app: Flask, name: str = "Nguyễn Văn An", channel_desk: bool = False) -> str:
    response = app.test_client().post("/api/v1/dossiers", json={
        "procedure": "1.009994", "agency": MINH_XUAN, "data": permit_data(ho_ten=name)})
    assert response.status_code == 201
    return str(response.json["code"])


def _received(app: Flask, desk: FlaskClient, *names: str) -> list[str]:
    codes = [_submit(app, name) for name in names]
    for code in codes:
        complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    return codes


def test_inbox_filters_counts_and_search(app: Flask) -> None:
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    codes = [_submit(app, n) for n in ("Nguyễn Văn An", "Trần Thị Đào", "Lê Đức Thọ")]
    page = desk.get("/api/v1/tasks").json
    assert page["total"] == 3 and page["counts"]["all"] == 3 and page["counts"]["unassigned"] == 3
    assert page["counts"]["steps"] == [{"step": "tiep_nhan", "name": "Tiếp nhận, kiểm tra hồ sơ",
                                        "count": 3}]
    found = desk.get("/api/v1/tasks?q=tran thi dao").json["tasks"]
    assert [t["dossier"] for t in found] == [codes[1]]
    by_code = desk.get(f"/api/v1/tasks?q={codes[2]}").json["tasks"]
    assert [t["applicant"] for t in by_code] == ["Lê Đức Thọ"]
    task_id = page["tasks"][0]["id"]
    assert desk.post(f"/api/v1/tasks/{task_id}/claim").status_code == 200
    mine = desk.get("/api/v1/tasks?assigned=me").json
    assert mine["total"] == 1 and mine["counts"]["mine"] == 1 and mine["counts"]["unassigned"] == 2
    assert desk.get("/api/v1/tasks?channel=desk").json["total"] == 0
    assert desk.get("/api/v1/tasks?procedure=2.000635").json["total"] == 0
    assert desk.get("/api/v1/tasks?procedure=1.009994&status=1").json["total"] == 3
    assert desk.get("/api/v1/tasks?urgency=overdue").json["total"] == 0
    bad = desk.get("/api/v1/tasks?urgency=soon")
    assert bad.status_code == 400 and "urgency" in bad.json["error"]["message"]
    released = desk.post(f"/api/v1/tasks/{task_id}/release")
    assert released.status_code == 200 and released.json["assignee_id"] is None
    assert desk.get("/api/v1/tasks?assigned=unassigned").json["total"] == 3


def test_leaders_assign_tasks_in_bulk_to_officers_holding_the_role(app: Flask) -> None:
    desk, leader, specialist = app.test_client(), app.test_client(), app.test_client()
    login(desk, "motcua.minhxuan")
    login(leader, "lanhdao.minhxuan")
    login(specialist, "chuyenvien.minhxuan")
    _received(app, desk, "Phan Văn Khải", "Bùi Thị Xuân")
    appraisals = [t["id"] for t in specialist.get("/api/v1/tasks").json["tasks"]]
    assert len(appraisals) == 2
    specialist_id = specialist.get(f"/api/v1/tasks/{appraisals[0]}").json["assignee_id"] or 3
    refused = specialist.post("/api/v1/tasks/assign",
                              json={"task_ids": appraisals, "assignee_id": specialist_id})
    assert refused.status_code == 403  # only leaders assign
    wrong_role = leader.post("/api/v1/tasks/assign", json={"task_ids": appraisals,
                                                           "assignee_id": 2})  # the desk officer
    assert wrong_role.status_code == 400 and "không giữ vai trò" in wrong_role.json["error"]["message"]
    assert specialist.get("/api/v1/tasks?assigned=me").json["total"] == 0  # all or nothing
    done = leader.post("/api/v1/tasks/assign", json={"task_ids": appraisals, "assignee_id": 3})
    assert done.status_code == 200 and {t["assignee_id"] for t in done.json["tasks"]} == {3}
    assert specialist.get("/api/v1/tasks?assigned=me").json["total"] == 2


def test_handover_moves_open_work_and_ends_the_leaving_officers_access(
    app: Flask, platform: Platform
) -> None:
    with platform.uow() as uow:
        create_account(uow, username="chuyenvien2.minhxuan", password="motcua-demo-2026",
                       full_name="Đinh Văn Quang", kind="officer")
        uow.commit()
    desk, specialist, admin = app.test_client(), app.test_client(), app.test_client()
    login(desk, "motcua.minhxuan")
    login(specialist, "chuyenvien.minhxuan")
    login(admin, "quantri")
    [code] = _received(app, desk, "Nguyễn Văn An")
    task_id = specialist.get("/api/v1/tasks").json["tasks"][0]["id"]
    specialist.post(f"/api/v1/tasks/{task_id}/claim")
    assert specialist.post(f"/api/v1/agencies/{MINH_XUAN}/handover", json={
        "leaving": "chuyenvien.minhxuan", "successor": "chuyenvien2.minhxuan",
        "reason": "x"}).status_code == 403
    moved = admin.post(f"/api/v1/agencies/{MINH_XUAN}/handover", json={
        "leaving": "chuyenvien.minhxuan", "successor": "chuyenvien2.minhxuan",
        "reason": "Quyết định điều động số 12/QĐ-UBND"})
    assert moved.status_code == 200
    assert (moved.json["moved_tasks"], moved.json["roles"]) == (1, ["chuyen_vien"])
    assert specialist.get("/api/v1/tasks").json["tasks"] == []
    assert specialist.get(f"/api/v1/tasks/{task_id}").status_code == 404
    assert specialist.get(f"/api/v1/dossiers/{code}").status_code == 404
    successor = app.test_client()
    login(successor, "chuyenvien2.minhxuan")
    [task] = successor.get("/api/v1/tasks?assigned=me").json["tasks"]
    assert task["id"] == task_id
    events = desk.get(f"/api/v1/dossiers/{code}").json["events"]
    handed = [e for e in events if e["kind"] == "handed_over"]
    assert len(handed) == 1 and "Quyết định điều động số 12/QĐ-UBND" in handed[0]["note"]


def test_another_agency_sees_nothing_and_acts_on_nothing_even_by_guessing(app: Flask) -> None:
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    [code] = _received(app, desk, "Nguyễn Văn An")
    ids = range(1, 6)
    other = app.test_client()
    login(other, "chuyenvien.antuong")
    assert other.get("/api/v1/tasks").json["total"] == 0
    for task_id in ids:
        assert other.get(f"/api/v1/tasks/{task_id}").status_code == 404
        for action in ("claim", "release"):
            assert other.post(f"/api/v1/tasks/{task_id}/{action}").status_code == 404
        assert other.post(f"/api/v1/tasks/{task_id}/complete",
                          json={"data": {"de_xuat": "tu_choi"}}).status_code == 404
        page = other.get(f"/can-bo/cong-viec/{task_id}")
        assert page.status_code in (401, 403, 404)
    assert other.post("/api/v1/tasks/assign", json={"task_ids": list(ids),
                                                    "assignee_id": 8}).status_code == 404
    for action in ("receive", "return", "request-supplement", "extend"):
        response = other.post(f"/api/v1/dossiers/{code}/{action}",
                              json={"data": {}, "missing": ["x"], "due_at": "2027-01-01T08:00",
                                    "reason": "x"})
        assert response.status_code == 404, action
    assert other.get(f"/api/v1/dossiers/{code}/documents/control_slip").status_code == 404
    tracked = app.test_client().post("/api/v1/track", json={"code": code, "id_number": APPLICANT_ID}).json
    assert tracked["status"] == 4  # nothing happened to the dossier


def test_the_leaders_permit_number_gives_an_example_of_its_form(app: Flask) -> None:
    """The decision step's «Số giấy phép xây dựng» says how a number is written, and the
    field is described by that help for screen readers."""
    desk, appraiser, leader = (app.test_client() for _ in range(3))
    login(desk, "motcua.minhxuan")
    login(appraiser, "chuyenvien.minhxuan")
    login(leader, "lanhdao.minhxuan")
    [code] = _received(app, desk, "Nguyễn Văn An")
    complete(appraiser, code, {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    task = task_for(leader, code)
    page = leader.get(f"/can-bo/cong-viec/{task['id']}").data.decode()
    assert '<p class="help" id="f-so_giay_phep-help">' in page
    help_text = page.split('id="f-so_giay_phep-help">')[1].split("</p>")[0]
    assert "Ví dụ: 125/GPXD" in help_text
    field = page.split('id="f-so_giay_phep"')[1].split(">")[0]
    assert 'aria-describedby="f-so_giay_phep-help"' in field
