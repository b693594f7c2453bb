"""Test runs of a draft version, step by step, through the API and the pages: the path
is the process's own, timers fire on the designer's word, form data is checked — and no
dossier, code, inbox task or event ever comes of it."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.core.models import Dossier, Event, Task
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, PERMIT, login, page_login, permit_data, token

Q = f"?agency={MINH_XUAN}"


def _counts(platform: Platform) -> tuple[int, int, int]:
    with platform.uow() as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(m)) or 0  # type: ignore[return-value]
                     for m in (Dossier, Task, Event))


def _designer(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "thietke.minhxuan")
    return client


def _step(client: FlaskClient, run: dict, bpmn_id: str, data: dict) -> dict:
    task = next(t for t in run["waiting"] if t["bpmn_id"] == bpmn_id)
    response = client.post(f"/api/v1/sandbox/{run['id']}/tasks/{task['id']}", json={"data": data})
    assert response.status_code == 200, response.json
    return dict(response.json)


def test_a_run_follows_the_process_and_leaves_no_dossier_behind(
    app: Flask, platform: Platform
) -> None:
    before = _counts(platform)
    designer = _designer(app)
    started = designer.post(f"/api/v1/procedures/{PERMIT}/versions/1/sandbox{Q}",
                            json={"data": permit_data()})
    assert started.status_code == 201, started.json
    run = dict(started.json)
    assert [t["bpmn_id"] for t in run["waiting"]] == ["tiep_nhan"]
    assert run["waiting"][0]["suggested"] == {"ket_qua_kiem_tra": "tiep_nhan"}
    run = _step(designer, run, "tiep_nhan", {"ket_qua_kiem_tra": "tiep_nhan"})
    [timer] = run["timers"]
    assert (timer["bpmn_id"], timer["expression"]) == ("tham_dinh_qua_han", "P10D")
    fired = designer.post(f"/api/v1/sandbox/{run['id']}/timers/{timer['id']}")
    run = dict(fired.json)
    assert sorted(t["bpmn_id"] for t in run["waiting"]) == ["don_doc", "tham_dinh"]
    run = _step(designer, run, "don_doc", {"y_kien_chi_dao": "Khẩn trương."})
    run = _step(designer, run, "tham_dinh", {"de_xuat": "tu_choi", "y_kien_tham_dinh": "Sai quy hoạch."})
    refused = designer.post(f"/api/v1/sandbox/{run['id']}/tasks/{run['waiting'][0]['id']}",
                            json={"data": {"quyet_dinh": "tu_choi"}})
    assert refused.status_code == 422
    assert refused.json["error"]["details"][0]["field"] == "ly_do_tu_choi"
    run = _step(designer, run, "phe_duyet", {"quyet_dinh": "tu_choi", "ly_do_tu_choi": "Sai quy hoạch."})
    run = _step(designer, run, "tra_van_ban_tu_choi", {"hinh_thuc_tra": "truc_tiep"})
    assert run["completed"] and run["end"] == "ket_thuc_tu_choi"
    assert run["path"] == ["tiep_nhan", "don_doc", "tham_dinh", "phe_duyet", "tra_van_ban_tu_choi"]
    assert _counts(platform) == before
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    assert desk.get("/api/v1/tasks").json["total"] == 0


def test_runs_are_their_designers_and_stale_steps_conflict(app: Flask) -> None:
    designer = _designer(app)
    run = dict(designer.post(f"/api/v1/procedures/{PERMIT}/versions/1/sandbox{Q}",
                             json={"data": permit_data()}).json)
    task = run["waiting"][0]["id"]
    _step(designer, run, "tiep_nhan", {"ket_qua_kiem_tra": "tiep_nhan"})
    again = designer.post(f"/api/v1/sandbox/{run['id']}/tasks/{task}",
                          json={"data": {"ket_qua_kiem_tra": "tiep_nhan"}})
    assert again.status_code == 409
    other = app.test_client()
    login(other, "xemxet.minhxuan")
    assert other.get(f"/api/v1/sandbox/{run['id']}").status_code == 404
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    assert desk.post(f"/api/v1/procedures/{PERMIT}/versions/1/sandbox{Q}",
                     json={"data": permit_data()}).status_code == 404
    bad = designer.post(f"/api/v1/procedures/{PERMIT}/versions/1/sandbox{Q}",
                        json={"data": permit_data(so_dinh_danh="123")})
    assert bad.status_code == 422 and bad.json["error"]["details"][0]["field"] == "so_dinh_danh"


def test_the_pages_prefill_from_the_package_tests_and_show_the_path(app: Flask) -> None:
    designer = app.test_client()
    page_login(designer, "thietke.minhxuan")
    start = designer.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/chay-thu").data.decode()
    assert "Nguyễn Văn An" in start  # from tests/cap-phep.json
    broken = designer.post(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/chay-thu",
                           data={"csrf_token": token(start.encode()), "data": "{khong phai json"})
    assert broken.status_code == 422 and "Dữ liệu phải là một đối tượng JSON." in broken.data.decode()
    went = designer.post(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/chay-thu", data={
        "csrf_token": token(start.encode()), "data": json.dumps(permit_data())})
    assert went.status_code == 303
    page = designer.get(went.headers["Location"]).data.decode()
    assert "Hoàn thành «Tiếp nhận, kiểm tra hồ sơ»" in page and "Đang chờ 1 tác vụ" in page
