"""The life of a procedure version through the API, with four eyes: draft → in review →
approved → published (effective date) → retired; refusals for the author, for a reviewer
approving their own review, for failing package tests; a running dossier staying on its
version while a newer one is published; the diff of two versions; export."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from engine.core.clock import FixedClock
from tests.helpers import MINH_XUAN, PERMIT, login, package_files, permit_data, task_for, zip_bytes

PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
Q = f"?agency={MINH_XUAN}"


def _people(app: Flask) -> dict[str, FlaskClient]:
    people = {}
    for role, user in (("designer", "thietke.minhxuan"), ("reviewer", "xemxet.minhxuan"),
                       ("approver", "pheduyet.minhxuan"), ("admin", "quantri")):
        people[role] = app.test_client()
        login(people[role], user)
    return people


def _upload(client: FlaskClient, files: dict[str, bytes] | None = None) -> dict:
    response = client.post("/api/v1/procedures", data={
        "agency": MINH_XUAN,
        "package": (io.BytesIO(zip_bytes(files or package_files(PACKAGE))), "goi.zip")})
    assert response.status_code == 201, response.json
    return dict(response.json)


def _act(client: FlaskClient, number: int, action: str, **body: str) -> tuple[int, dict]:
    path = f"/api/v1/procedures/{PERMIT}/versions/{number}/{action}{Q}"
    response = client.post(path, json=body) if body else client.post(path)
    return response.status_code, dict(response.json)


def test_a_version_goes_from_draft_to_published_with_four_eyes(app: Flask) -> None:
    people = _people(app)
    uploaded = _upload(people["designer"])
    number = uploaded["version"]["number"]
    assert uploaded["version"]["tests"]["passed"] and uploaded["version"]["tests"]["total"] == 6
    assert _act(people["reviewer"], number, "submit")[0] == 403  # only designers submit
    assert _act(people["designer"], number, "submit")[1]["status"] == "in_review"
    code, refused = _act(people["approver"], number, "approve")
    assert (code, refused["error"]["message"]) == (409, "Phiên bản chưa được xem xét.")
    code, reviewed = _act(people["reviewer"], number, "review", decision="accept",
                          note="Đúng quy trình nội bộ đã duyệt.")
    assert code == 200 and reviewed["reviewer"] == "Đinh Văn Khoa"
    assert _act(people["approver"], number, "approve")[1]["status"] == "approved"
    code, published = _act(people["approver"], number, "publish")
    assert code == 200 and published["status"] == "published"
    assert published["publisher"] == "Chu Thị Lụa" and published["author"] == "Vũ Thị Giang"
    old = people["designer"].get(f"/api/v1/procedures/{PERMIT}/versions/1{Q}").json
    assert old["status"] == "retired"
    assert _act(people["approver"], number, "retire")[1]["status"] == "retired"


def test_the_author_can_neither_review_nor_approve_their_own_version(app: Flask) -> None:
    people = _people(app)
    number = _upload(people["admin"])["version"]["number"]  # an administrator authored it
    assert _act(people["admin"], number, "submit")[0] == 200
    code, refused = _act(people["admin"], number, "review", decision="accept")
    assert code == 403 and "bốn mắt" in refused["error"]["message"]
    assert _act(people["reviewer"], number, "review", decision="accept")[0] == 200
    code, refused = _act(people["admin"], number, "approve")
    assert code == 403 and "người soạn phiên bản không được phê duyệt" in refused["error"]["message"]


def test_the_reviewer_cannot_also_approve(app: Flask, platform) -> None:  # type: ignore[no-untyped-def]
    from engine.identity.accounts import create_account

    with platform.uow() as uow:
        create_account(uow, username="kiemnhiem", password="Kiem-nhiem-2026", full_name="Kiêm Nhiệm",
                       kind="officer", roles=((MINH_XUAN, "reviewer"), (MINH_XUAN, "approver")))
        uow.commit()
    people = _people(app)
    both = app.test_client()
    response = both.post("/api/v1/session", json={"username": "kiemnhiem",
                                                   "password": "Kiem-nhiem-2026"})
    both.environ_base["HTTP_X_CSRF_TOKEN"] = response.json["csrf_token"]
    number = _upload(people["designer"])["version"]["number"]
    _act(people["designer"], number, "submit")
    assert _act(both, number, "review", decision="accept")[0] == 200
    code, refused = _act(both, number, "approve")
    assert code == 403 and "người đã xem xét không được tự phê duyệt" in refused["error"]["message"]


def test_a_rejected_version_goes_back_to_draft_with_the_note(app: Flask) -> None:
    people = _people(app)
    number = _upload(people["designer"])["version"]["number"]
    _act(people["designer"], number, "submit")
    code, blank = _act(people["reviewer"], number, "review", decision="")
    assert (code, blank["error"]["message"]) == (400, "Chọn «Đồng ý» hoặc «Yêu cầu sửa».")
    code, unknown = _act(people["reviewer"], number, "review", decision="maybe")
    assert code == 400 and unknown["error"]["message"].startswith("Chọn «Đồng ý» (accept) hoặc")
    code, refused = _act(people["reviewer"], number, "review", decision="reject")
    assert code == 400 and refused["error"]["message"] == "Trả lại phiên bản cần ghi rõ lý do."
    code, back = _act(people["reviewer"], number, "review", decision="reject",
                      note="Thiếu bước lấy ý kiến phòng Tài nguyên.")
    assert (code, back["status"], back["review_note"]) == (
        200, "draft", "Thiếu bước lấy ý kiến phòng Tài nguyên.")
    assert _act(people["approver"], number, "publish")[0] == 409  # never approved


def test_a_version_whose_tests_fail_cannot_be_submitted(app: Flask) -> None:
    people = _people(app)
    files = package_files(PACKAGE)
    case = json.loads(files["tests/cap-phep.json"])
    case["expect"]["end"] = "ket_thuc_tu_choi"
    files["tests/cap-phep.json"] = json.dumps(case).encode()
    uploaded = _upload(people["designer"], files)
    assert uploaded["version"]["tests"]["failed"] == 1
    code, refused = _act(people["designer"], uploaded["version"]["number"], "submit")
    assert code == 409 and "1 ca kiểm thử không đạt" in refused["error"]["message"]


def test_a_running_dossier_stays_on_its_version_while_a_new_one_takes_effect(
    app: Flask, clock: FixedClock
) -> None:
    people = _people(app)
    running = app.test_client().post("/api/v1/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data()}).json["code"]
    files = package_files(PACKAGE)
    manifest = json.loads(files["procedure.json"])
    manifest["processing_time"]["value"] = 12
    files["procedure.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    number = _upload(people["designer"], files)["version"]["number"]
    _act(people["designer"], number, "submit")
    _act(people["reviewer"], number, "review", decision="accept")
    _act(people["approver"], number, "approve")
    tomorrow = (clock.now() + timedelta(days=1)).isoformat()
    code, published = _act(people["approver"], number, "publish", effective_from=tomorrow)
    assert code == 200 and published["effective_from"].startswith("2026-11-26T08:00")
    catalogue = app.test_client().get(f"/api/v1/procedures/{PERMIT}{Q}").json
    assert catalogue["processing_time"]["value"] == 15  # not yet in force
    clock.advance(timedelta(days=1))
    catalogue = app.test_client().get(f"/api/v1/procedures/{PERMIT}{Q}").json
    assert catalogue["processing_time"]["value"] == 12
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    task = task_for(desk, running)
    assert desk.post(f"/api/v1/tasks/{task['id']}/complete",
                     json={"data": {"ket_qua_kiem_tra": "tiep_nhan"}}).status_code == 200
    dossier = desk.get(f"/api/v1/dossiers/{running}").json
    assert dossier["version"] == 1  # the running dossier kept its version


def test_the_diff_of_two_versions_names_what_changed(app: Flask) -> None:
    people = _people(app)
    files = package_files(PACKAGE)
    bpmn = files["process.bpmn"].decode()
    bpmn = bpmn.replace('<spiffworkflow:property name="deadline" value="P10D" />',
                        '<spiffworkflow:property name="deadline" value="P8D" />', 1)
    files["process.bpmn"] = bpmn.encode()
    form = json.loads(files["forms/phe_duyet.schema.json"])
    form["properties"]["ngay_ky"] = {"type": "string", "format": "date", "title": "Ngày ký"}
    del form["properties"]["ly_do_tu_choi"]
    form["else"] = {"required": []}
    files["forms/phe_duyet.schema.json"] = json.dumps(form, ensure_ascii=False).encode()
    manifest = json.loads(files["procedure.json"])
    manifest["fees"][0]["amount"] = 100000
    files["procedure.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    number = _upload(people["designer"], files)["version"]["number"]
    diff = people["designer"].get(f"/api/v1/procedures/{PERMIT}/diff{Q}&from=1&to={number}").json
    assert diff["bpmn"]["added"] == [] and diff["bpmn"]["removed"] == []
    assert diff["bpmn"]["changed"] == {"tham_dinh": {"properties": [
        {"formJsonSchemaFilename": "tham_dinh.schema.json", "deadline": "P10D"},
        {"formJsonSchemaFilename": "tham_dinh.schema.json", "deadline": "P8D"}]}}
    fields = diff["forms"]["fields"]["phe_duyet.schema.json"]
    assert (fields["added"], fields["removed"]) == (["ngay_ky"], ["ly_do_tu_choi"])
    assert list(diff["manifest"]) == ["fees"]
    assert diff["manifest"]["fees"][1][0]["amount"] == 100000


def test_a_version_exports_as_the_package_it_was(app: Flask) -> None:
    people = _people(app)
    number = _upload(people["designer"])["version"]["number"]
    exported = people["designer"].get(f"/api/v1/procedures/{PERMIT}/versions/{number}/package{Q}")
    assert exported.status_code == 200 and exported.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        assert {n: archive.read(n) for n in archive.namelist()} == package_files(PACKAGE)
    outsider = app.test_client()
    login(outsider, "motcua.antuong")
    assert outsider.get(f"/api/v1/procedures/{PERMIT}/versions/{number}/package{Q}").status_code == 404


def test_an_edit_saved_from_the_modeler_is_checked_like_an_upload(app: Flask) -> None:
    from tests.helpers import page_login, token

    designer = app.test_client()
    page_login(designer, "thietke.minhxuan")
    page = designer.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/sua").data
    headers = {"X-CSRF-Token": token(page)}  # the page's token, as its script sends it
    url = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/luu"
    bpmn = package_files(PACKAGE)["process.bpmn"].decode()
    broken = bpmn.replace('default="f_tu_choi"', "", 1)
    refused = designer.post(url, json={"files": {"process.bpmn": broken}}, headers=headers)
    assert refused.status_code == 422 and refused.json["version"] is None
    assert "gateway.no_condition" in {p["code"] for p in refused.json["report"]["problems"]}
    stray = designer.post(url, json={"files": {"../procedure.json": "{}"}}, headers=headers)
    assert stray.status_code == 400 and "Chỉ sửa được sơ đồ và biểu mẫu" in stray.json["error"]
    assert designer.post(url, json={"files": {"process.bpmn": bpmn}}).status_code == 400  # no CSRF
    saved = designer.post(url, json={"files": {"process.bpmn": bpmn.replace(
        'value="P10D"', 'value="P9D"', 1)}}, headers=headers)
    assert saved.status_code == 201 and saved.json["version"]["number"] == 2
    versions = designer.get(f"/api/v1/procedures/{PERMIT}/diff{Q}&from=1&to=2").json
    assert list(versions["bpmn"]["changed"]) == ["tham_dinh"]


def test_an_approver_can_send_an_approved_version_back_before_publishing(app: Flask) -> None:
    people = _people(app)
    number = _upload(people["designer"])["version"]["number"]
    _act(people["designer"], number, "submit")
    _act(people["reviewer"], number, "review", decision="accept")
    _act(people["approver"], number, "approve")
    assert _act(people["designer"], number, "reject", note="Tự rút")[0] == 403  # the author
    code, back = _act(people["approver"], number, "reject",
                      note="Phí chưa theo nghị quyết mới của HĐND tỉnh.")
    assert (code, back["status"], back["approver"], back["reviewer"]) == (200, "draft", None, None)
    assert back["review_note"] == "Phí chưa theo nghị quyết mới của HĐND tỉnh."


def test_the_form_editor_previews_as_you_type_and_saves_a_draft(app: Flask) -> None:
    from tests.helpers import page_login, token

    designer = app.test_client()
    page_login(designer, "thietke.minhxuan")
    editor = designer.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/bieu-mau/tham_dinh.schema.json")
    html = editor.data.decode()
    assert editor.status_code == 200 and 'id="f-y_kien_tham_dinh"' in html  # the rendered preview
    headers = {"X-CSRF-Token": token(editor.data)}
    schema = json.loads(package_files(PACKAGE)["forms/tham_dinh.schema.json"])
    schema["properties"]["so_van_ban"] = {"type": "string", "title": "Số văn bản <thẩm định>"}
    preview = designer.post("/quan-tri/xem-truoc-bieu-mau", headers=headers,
                            json={"schema": json.dumps(schema, ensure_ascii=False)}).json
    assert preview["problems"] == [] and "Số văn bản &lt;thẩm định&gt;" in preview["html"]
    broken = designer.post("/quan-tri/xem-truoc-bieu-mau", headers=headers,
                           json={"schema": '{"type": "object", "properties": {'}).json
    assert broken["html"] == "" and broken["problems"][0].startswith("JSON không hợp lệ (dòng 1")
    wrong_type = '{"type": "object", "properties": {"x": {"type": "nope"}}}'
    not_a_form = designer.post("/quan-tri/xem-truoc-bieu-mau", headers=headers,
                               json={"schema": wrong_type}).json
    assert not_a_form["problems"]
    saved = designer.post(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/luu", headers=headers, json={
        "files": {"forms/tham_dinh.schema.json": json.dumps(schema, ensure_ascii=False)}})
    assert saved.status_code == 201, saved.json
    diff = designer.get(f"/api/v1/procedures/{PERMIT}/diff{Q}&from=1&to=2").json
    assert diff["forms"]["fields"]["tham_dinh.schema.json"]["added"] == ["so_van_ban"]


def test_a_package_can_be_uploaded_as_separate_files(app: Flask) -> None:
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    files = package_files(PACKAGE)
    parts = [(io.BytesIO(data), path.rsplit("/", 1)[-1]) for path, data in sorted(files.items())]
    response = designer.post("/api/v1/procedures", data={"agency": MINH_XUAN, "files": parts})
    assert response.status_code == 201, response.json
    assert response.json["version"]["tests"]["total"] == 6  # tests/*.json found their place
    stray = designer.post("/api/v1/procedures", data={"agency": MINH_XUAN, "files": [
        (io.BytesIO(b"#!/bin/sh"), "cai-dat.sh")]})
    assert stray.status_code == 422
    assert stray.json["report"]["problems"][0]["code"] == "package.kind"
