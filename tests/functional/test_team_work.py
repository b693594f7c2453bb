"""A leader's «Việc của đơn vị» through the pages a browser posts (issue: the leader could
assign work only through POST /api/v1/tasks/assign): every open task of the agency,
«Chưa phân công», assigning one or several to an officer holding the step's role (chosen
by name, with their load), taking back a task an absent officer holds; officers see who
holds a task by name and give their own back; the desk's new online dossiers are not all
«sắp đến hạn» the moment they arrive."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from engine.core.clock import FixedClock
from engine.core.models import Task
from engine.identity.accounts import create_account
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, complete, login, page_login, permit_data, token

SPECIALIST_NAME = "Lê Văn Cường"  # chuyenvien.minhxuan in the samples


def _submit(app: Flask, name: str) -> str:
    response = app.test_client().post("/api/v1/dossiers", json={
        "procedure": "1.009994", "agency": MINH_XUAN, "data": permit_data(ho_ten=name)})
    assert response.status_code == 201
    return str(response.json["code"])


def _appraisals(app: Flask, *names: str) -> list[str]:
    """Dossiers received by the desk: each now waits at the specialists' appraisal step."""
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    codes = [_submit(app, name) for name in names]
    for code in codes:
        complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    return codes


def _browser(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    page_login(client, username)
    return client


def _text(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _task_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="task" value="(\d+)"', html)]


def _option(html: str, name: str) -> tuple[int, str]:
    """The officer's id and words in an assignment select."""
    found = re.search(rf'<option value="(\d+)"[^>]*>({re.escape(name)} — [^<]*)</option>', html)
    assert found, f"{name} is not offered"
    return int(found.group(1)), found.group(2)


def test_the_leader_sees_the_agencys_unassigned_work_and_gives_it_to_a_specialist(
    app: Flask,
) -> None:
    codes = _appraisals(app, "Phan Văn Khải", "Bùi Thị Xuân")
    leader = _browser(app, "lanhdao.minhxuan")
    assert "Việc của đơn vị" in _text(leader, "/can-bo")  # the way there from the inbox
    team = _text(leader, "/can-bo?view=team&assigned=unassigned")
    assert all(code in team for code in codes)
    assert "Chưa phân công (2)" in team
    specialist_id, words = _option(team, SPECIALIST_NAME)
    assert words == f"{SPECIALIST_NAME} — 0 việc"
    given = leader.post("/can-bo/phan-cong", data={
        "csrf_token": token(team.encode()), "task": _task_ids(team), "assignee": specialist_id})
    assert given.status_code == 303 and given.headers["Location"].endswith("/can-bo?view=team")
    after = _text(leader, "/can-bo?view=team")
    assert f"Đã giao 2 việc cho {SPECIALIST_NAME}." in after
    assert after.count(f"Đang do {SPECIALIST_NAME} xử lý") == 2
    assert "Chưa phân công (0)" in after
    assert _option(after, SPECIALIST_NAME)[1] == f"{SPECIALIST_NAME} — 2 việc"
    specialist = _browser(app, "chuyenvien.minhxuan")
    assert "Của tôi (2)" in _text(specialist, "/can-bo")


def test_only_officers_holding_the_steps_role_are_offered_and_accepted(app: Flask) -> None:
    _appraisals(app, "Phan Văn Khải")
    leader = _browser(app, "lanhdao.minhxuan")
    team = _text(leader, "/can-bo?view=team")
    assert "Trần Thị Bình" not in team  # the desk officer holds no appraisal role
    [task_id] = _task_ids(team)
    task_page = _text(leader, f"/can-bo/cong-viec/{task_id}")
    assert "Chưa có ai nhận việc này." in task_page and "Nhận xử lý" not in task_page
    specialist_id, _ = _option(task_page, SPECIALIST_NAME)
    refused = leader.post("/can-bo/phan-cong", data={
        "csrf_token": token(team.encode()), "task": [task_id], "assignee": 2, "back": "task"})
    assert refused.headers["Location"].endswith(f"/can-bo/cong-viec/{task_id}")
    assert "không giữ vai trò của bước" in _text(leader, f"/can-bo/cong-viec/{task_id}")
    leader.post("/can-bo/phan-cong", data={"csrf_token": token(team.encode()),
                                           "task": [task_id], "assignee": specialist_id,
                                           "back": "task"})
    given = _text(leader, f"/can-bo/cong-viec/{task_id}")
    assert f"Đang do {SPECIALIST_NAME} xử lý." in given
    assert f"«Thẩm định hồ sơ, đề xuất» cho {SPECIALIST_NAME}" in given  # the history in words


def test_a_specialist_has_no_team_view_and_cannot_assign(app: Flask) -> None:
    _appraisals(app, "Phan Văn Khải")
    specialist = _browser(app, "chuyenvien.minhxuan")
    inbox = _text(specialist, "/can-bo")
    assert "Việc của đơn vị" not in inbox
    assert specialist.get("/can-bo?view=team").status_code == 403
    [task_id] = [int(i) for i in re.findall(r"/can-bo/cong-viec/(\d+)", inbox)]
    refused = specialist.post("/can-bo/phan-cong", data={
        "csrf_token": token(inbox.encode()), "task": [task_id], "assignee": 3})
    assert refused.status_code == 303
    assert "Chỉ lãnh đạo của cơ quan được phân công" in _text(specialist, "/can-bo?view=")
    assert "Của tôi (0)" in _text(specialist, "/can-bo")


def test_the_leader_takes_back_a_task_an_absent_officer_holds_and_colleagues_see_names(
    app: Flask, platform: Platform
) -> None:
    with platform.uow() as uow:
        create_account(uow, username="chuyenvien2.minhxuan", password="motcua-demo-2026",
                       full_name="Đinh Văn Quang", kind="officer",
                       roles=((MINH_XUAN, "chuyen_vien"),))
        uow.commit()
    _appraisals(app, "Phan Văn Khải")
    absent = app.test_client()
    login(absent, "chuyenvien.minhxuan")
    [task] = absent.get("/api/v1/tasks").json["tasks"]
    assert absent.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    colleague = _browser(app, "chuyenvien2.minhxuan")
    assert f"Đang do {SPECIALIST_NAME} xử lý" in _text(colleague, "/can-bo")
    colleague_page = _text(colleague, f"/can-bo/cong-viec/{task['id']}")
    assert f"Đang do {SPECIALIST_NAME} xử lý." in colleague_page
    assert "<button type=\"submit\">Hoàn thành bước" not in colleague_page
    assert "Thu hồi việc" not in colleague_page
    leader = _browser(app, "lanhdao.minhxuan")
    page = _text(leader, f"/can-bo/cong-viec/{task['id']}")
    assert f"Đang do {SPECIALIST_NAME} xử lý." in page and "Thu hồi việc" in page
    assert _option(page, "Đinh Văn Quang")[1] == "Đinh Văn Quang — 0 việc"
    taken = leader.post(f"/can-bo/cong-viec/{task['id']}/tra-viec",
                        data={"csrf_token": token(page.encode())})
    assert taken.status_code == 303
    assert "Chưa có ai nhận việc này." in _text(leader, f"/can-bo/cong-viec/{task['id']}")
    assert "Chưa phân công (1)" in _text(leader, "/can-bo?view=team")
    assert "Nhận xử lý" in _text(colleague, f"/can-bo/cong-viec/{task['id']}")
    history = leader.get(f"/api/v1/dossiers/{task['dossier']}").json["events"]
    assert [e["kind"] for e in history][-1] == "task_released"


def test_an_officer_gives_his_own_task_back(app: Flask, platform: Platform) -> None:
    _appraisals(app, "Phan Văn Khải")
    specialist = _browser(app, "chuyenvien.minhxuan")
    [task_id] = [int(i) for i in re.findall(r"/can-bo/cong-viec/(\d+)",
                                            _text(specialist, "/can-bo"))]
    page = _text(specialist, f"/can-bo/cong-viec/{task_id}")
    specialist.post(f"/can-bo/cong-viec/{task_id}/nhan", data={"csrf_token": token(page.encode())})
    mine = _text(specialist, f"/can-bo/cong-viec/{task_id}")
    assert "Bạn đang xử lý việc này." in mine and "Trả lại việc" in mine
    assert "Tôi" in _text(specialist, "/can-bo")
    specialist.post(f"/can-bo/cong-viec/{task_id}/tra-viec", data={"csrf_token": token(mine.encode())})
    with platform.uow() as uow:
        task = uow.session.get(Task, task_id)
        assert task is not None and task.assignee_id is None


def test_a_new_online_dossier_is_not_due_soon_until_the_last_quarter_of_reception(
    app: Flask, clock: FixedClock
) -> None:
    code = _submit(app, "Phan Văn Khải")  # Wednesday 08:00: the 4-hour reception is due 14:00
    desk = _browser(app, "motcua.minhxuan")
    inbox = _text(desk, "/can-bo")
    assert code in inbox and "(sắp đến hạn)" not in inbox and "Sắp đến hạn (0)" in inbox
    clock.advance(timedelta(hours=2))  # 10:00: two of the four working hours are left
    assert "(sắp đến hạn)" not in _text(_browser(app, "motcua.minhxuan"), "/can-bo")
    clock.advance(timedelta(hours=1))  # 11:00: one hour (11:00–11:30, 13:30–14:00), the last quarter
    desk = _browser(app, "motcua.minhxuan")  # (a new login: the clock jumped past the idle limit)
    inbox = _text(desk, "/can-bo")
    assert "(sắp đến hạn)" in inbox and "Sắp đến hạn (1)" in inbox
    assert code in _text(desk, "/can-bo?urgency=due_soon")


def test_the_api_gives_leaders_the_team_view_with_the_officers_to_choose(app: Flask) -> None:
    _appraisals(app, "Phan Văn Khải")
    leader, specialist = app.test_client(), app.test_client()
    login(leader, "lanhdao.minhxuan")
    login(specialist, "chuyenvien.minhxuan")
    team = leader.get("/api/v1/tasks?view=team&assigned=unassigned").json
    assert team["total"] == 1 and team["tasks"][0]["assignee_name"] == ""
    [group] = team["officers"]
    assert group["steps"] == ["Thẩm định hồ sơ, đề xuất"]
    assert [(o["name"], o["open"]) for o in group["officers"]] == [(SPECIALIST_NAME, 0)]
    assert leader.get("/api/v1/tasks").json["total"] == 0  # his own roles' work: none
    refused = specialist.get("/api/v1/tasks?view=team")
    assert refused.status_code == 403 and "lãnh đạo" in refused.json["error"]["message"]
