"""«Lưu thành ca kiểm thử»: a step added to the process breaks the package's own test case (no
data for the new step), so the version may not be submitted; the designer runs the changed
process to its end by forms and keeps the run as the case — a new draft version whose tests
pass, which may be submitted. No JSON typed anywhere."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.core.models import Procedure, ProcedureVersion
from engine.wiring import Platform
from tests.helpers import MINH_XUAN, page_login, token

CODE = "9.900101"
BASE = f"/quan-tri/thu-tuc/{MINH_XUAN}/{CODE}"
SECOND_STEP = (
    '<bpmn:userTask id="tham_dinh" name="Thẩm định hồ sơ"><bpmn:extensionElements>'
    '<spiffworkflow:properties><spiffworkflow:property name="formJsonSchemaFilename" '
    'value="xu_ly.schema.json" /></spiffworkflow:properties></bpmn:extensionElements>'
    '<bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing></bpmn:userTask>'
    '<bpmn:sequenceFlow id="f4" sourceRef="tham_dinh" targetRef="tra_ket_qua" />')
CASE = "Hồ sơ hợp lệ: tiếp nhận, giải quyết và trả kết quả"


def _designer(app: Flask) -> FlaskClient:
    client = app.test_client()
    page_login(client, "thietke.minhxuan")
    page = client.get("/quan-tri/thu-tuc/moi")
    created = client.post("/quan-tri/thu-tuc/moi", data={
        "csrf_token": token(page.data), "agency": MINH_XUAN, "code": CODE,
        "name": "Thủ tục chạy thử", "field": "Thử nghiệm", "level": "full", "time_value": "5",
        "time_unit": "working_days", "roles": ["chuyen_vien"], "fee": "", "papers": "Đơn"})
    assert created.status_code == 302, created.data.decode()[:2000]
    client.environ_base["HTTP_X_CSRF_TOKEN"] = token(page.data)
    return client


def _version(platform: Platform, number: int) -> dict[str, Any]:
    with platform.uow() as work:
        version = work.session.scalar(select(ProcedureVersion).join(Procedure).where(
            Procedure.code == CODE, ProcedureVersion.number == number))
        assert version is not None
        return {"tests": version.test_results, "package": dict(version.package),
                "status": version.status}


def _add_a_step(client: FlaskClient, platform: Platform) -> None:
    bpmn = _version(platform, 1)["package"]["process.bpmn"]
    # inserted before the desk's hand-over, as «Thêm bước sau» on the reception does
    bpmn = bpmn.replace('targetRef="tra_ket_qua" />', 'targetRef="tham_dinh" />', 1)
    bpmn = bpmn.replace('<bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>',
                        '<bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>')
    bpmn = bpmn.replace("</bpmn:process>", SECOND_STEP + "</bpmn:process>")
    bpmn = bpmn.replace('name="chuyen_vien"></bpmn:lane>',
                        'name="chuyen_vien"><bpmn:flowNodeRef>tham_dinh</bpmn:flowNodeRef></bpmn:lane>')
    saved = client.post(f"{BASE}/1/luu", json={"files": {"process.bpmn": bpmn}})
    assert saved.status_code == 201, saved.json


def _run_to_the_end(client: FlaskClient, number: int) -> str:
    page = client.get(f"{BASE}/{number}/chay-thu")
    assert 'value="Nguyễn Văn An"' in page.data.decode()  # prefilled from the old case
    started = client.post(f"{BASE}/{number}/chay-thu", data={
        "csrf_token": token(page.data), "_mode": "form", "ho_ten": "Nguyễn Văn An",
        "so_dinh_danh": "008090001234", "dien_thoai": "0912345678"})
    assert started.status_code == 303, started.data.decode()[:2000]
    run = started.headers["Location"]
    for note in ("Hồ sơ đầy đủ.", "Đủ điều kiện giải quyết.", ""):
        html = client.get(run).data.decode()
        step = re.search(r'action="(/quan-tri/chay-thu/\d+/buoc/[^"]+)"', html)
        assert step is not None, html
        assert re.search(r'<span title="(mot_cua|chuyen_vien)">(Bộ phận Một cửa|Chuyên viên[^<]*)</span>',
                         html)  # who handles the step, by the role's label
        data = {"y_kien": note} if note else {"hinh_thuc_tra": "truc_tiep"}  # the hand-over
        done = client.post(step.group(1), data={"csrf_token": token(html.encode()),
                                                "_mode": "form", **data})
        assert done.status_code == 303, done.data.decode()[:2000]
    return run


def test_a_run_to_the_end_becomes_the_case_the_changed_process_needed(
        app: Flask, platform: Platform) -> None:
    client = _designer(app)
    _add_a_step(client, platform)
    assert not _version(platform, 2)["tests"]["passed"]  # the old case has no data for the step
    page = client.get(f"{BASE}/2").data.decode()
    assert ">Gửi xem xét</button>" not in page  # no button that cannot work
    assert 'id="submit-blocked"' in page and "1 ca kiểm thử chưa đạt" in page
    refused = client.post(f"{BASE}/2/gui-xem-xet", data={"csrf_token": token(page.encode())},
                          follow_redirects=True)
    assert "ca kiểm thử không đạt" in refused.data.decode()
    run = _run_to_the_end(client, 2)
    html = client.get(run).data.decode()
    assert 'id="save-case"' in html and f"Thay ca «{CASE}»" in html
    state = re.search(r'id="sandbox-state">(.*?)</p>', html, re.S)
    assert state is not None and " ".join(re.sub(r"<[^>]+>", "", state.group(1)).split()) == (
        "Đã kết thúc tại Đã trả kết quả. Đường đi: Tiếp nhận hồ sơ → Thẩm định hồ sơ → Trả kết "
        "quả.")
    saved = client.post(f"{run}/ca-kiem-thu", data={
        "csrf_token": token(html.encode()), "ca": "tests/ho-so-hop-le.json#0",
        "ten_ca": "Hồ sơ hợp lệ: tiếp nhận, thẩm định"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"{BASE}/3")
    assert "bản nháp số 3 (1/1 ca kiểm thử đạt)" in client.get(saved.headers["Location"]).data.decode()
    version = _version(platform, 3)
    assert version["tests"]["passed"] and version["tests"]["total"] == 1
    (case,) = json.loads(version["package"]["tests/ho-so-hop-le.json"])
    assert case["expect"] == {"path": ["tiep_nhan", "tham_dinh", "tra_ket_qua"], "end": "ket_thuc"}
    assert case["tasks"]["tham_dinh"] == {"y_kien": "Đủ điều kiện giải quyết."}
    assert case["name"] == "Hồ sơ hợp lệ: tiếp nhận, thẩm định"
    submitted = client.post(f"{BASE}/3/gui-xem-xet", data={"csrf_token": token(
        client.get(f"{BASE}/3").data)}, follow_redirects=True)
    assert "Đã gửi xem xét" in submitted.data.decode()
    assert _version(platform, 3)["status"] == "in_review"


def test_a_run_may_be_added_as_a_new_case_and_only_its_runner_designs_from_it(
        app: Flask, platform: Platform) -> None:
    client = _designer(app)
    page = client.get(f"{BASE}/1/chay-thu")
    started = client.post(f"{BASE}/1/chay-thu", data={
        "csrf_token": token(page.data), "_mode": "form", "ho_ten": "Trần Thị Bình",
        "so_dinh_danh": "008090009999"})
    run = started.headers["Location"]
    unfinished = client.get(run).data.decode()
    assert 'id="save-case"' not in unfinished  # offered only once the run has ended
    step = re.search(r'action="(/quan-tri/chay-thu/\d+/buoc/[^"]+)"', unfinished)
    assert step is not None
    client.post(step.group(1), data={"csrf_token": token(unfinished.encode()), "_mode": "form"})
    handing = client.get(run).data.decode()
    assert 'id="save-case"' not in handing  # the result is still to be handed over
    step = re.search(r'action="(/quan-tri/chay-thu/\d+/buoc/[^"]+)"', handing)
    assert step is not None
    client.post(step.group(1), data={"csrf_token": token(handing.encode()), "_mode": "form",
                                     "hinh_thuc_tra": "truc_tiep"})
    html = client.get(run).data.decode()
    saved = client.post(f"{run}/ca-kiem-thu", data={"csrf_token": token(html.encode()),
                                                    "ca": "moi", "ten_ca": "Người nộp khác"})
    assert saved.status_code == 303
    cases = json.loads(_version(platform, 2)["package"]["tests/ho-so-hop-le.json"])
    assert [c["name"] for c in cases] == [CASE, "Người nộp khác"]
    assert cases[1]["start"]["ho_ten"] == "Trần Thị Bình" and _version(platform, 2)["tests"]["passed"]
    reviewer = app.test_client()
    page_login(reviewer, "xemxet.minhxuan")
    assert reviewer.get(run).status_code == 404
    assert reviewer.post(f"{run}/ca-kiem-thu", data={
        "csrf_token": token(reviewer.get("/quan-tri/thu-tuc").data), "ca": "moi",
        "ten_ca": "x y"}).status_code == 404
