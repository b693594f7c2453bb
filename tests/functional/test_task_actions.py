"""Actions at a step besides completing it: refuse with reasons, consult another unit by a
deadline, send back to the previous step — each recorded in the dossier's history."""

from __future__ import annotations

from flask import Flask

from tests.functional.test_dossier_lifecycle import submit_permit
from tests.helpers import APPLICANT_ID, complete, login, task_for


def _at_appraisal(app: Flask) -> tuple[str, object, object]:
    code = submit_permit(app.test_client())["code"]
    desk, specialist = app.test_client(), app.test_client()
    login(desk, "motcua.minhxuan")
    login(specialist, "chuyenvien.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    return code, desk, specialist


def test_refusal_with_reasons_ends_processing_and_the_desk_hands_the_letter_back(app: Flask) -> None:
    code, desk, specialist = _at_appraisal(app)
    task = task_for(specialist, code)
    empty = specialist.post(f"/api/v1/tasks/{task['id']}/refuse", json={"reasons": " "})
    assert empty.status_code == 422
    refused = specialist.post(f"/api/v1/tasks/{task['id']}/refuse",
                              json={"reasons": "Công trình vi phạm chỉ giới đường đỏ."})
    assert refused.status_code == 200 and refused.json == {"code": code, "status": 9,
                                                          "outcome": "refused"}
    assert specialist.get("/api/v1/tasks").json["total"] == 0
    # The letter waits at the desk: not handed back yet (reports count it when it is).
    assert desk.get(f"/api/v1/dossiers/{code}").json["returned_at"] is None
    letter = desk.get(f"/api/v1/dossiers/{code}/documents/refusal?format=html")
    assert "Công trình vi phạm chỉ giới đường đỏ." in letter.data.decode()
    returned = desk.post(f"/api/v1/dossiers/{code}/return", json={"data": {}})
    assert returned.status_code == 200 and returned.json["dossier"]["status"] == 10
    assert desk.get(f"/api/v1/dossiers/{code}").json["returned_at"] is not None
    tracked = app.test_client().post("/api/v1/track", json={"code": code, "id_number": APPLICANT_ID}).json
    assert tracked["status_label"] == "Đã trả kết quả"


def test_consulting_another_unit_puts_a_step_in_its_inbox_with_a_deadline(app: Flask) -> None:
    code, desk, specialist = _at_appraisal(app)
    task = task_for(specialist, code)
    asked = specialist.post(f"/api/v1/tasks/{task['id']}/consult", json={
        "agency": "000.05.00.H64", "question": "Thiết kế có phù hợp quy chuẩn không?", "days": 3})
    assert asked.status_code == 201 and asked.json["due_at"] == "2026-11-30T08:00:00+07:00"
    department = app.test_client()
    login(department, "chuyenvien.soxaydung")
    [item] = department.get("/api/v1/tasks").json["tasks"]
    assert item["dossier"] == code and item["name"].startswith("Cho ý kiến:")
    page = department.get(f"/api/v1/tasks/{item['id']}").json
    assert page["consultation"] and page["form"]["schema"]["required"] == ["y_kien"]
    assert department.get(f"/api/v1/dossiers/{code}").status_code == 200  # may read it
    answered = department.post(f"/api/v1/tasks/{item['id']}/complete",
                               json={"data": {"y_kien": "Phù hợp QCVN 01:2021/BXD."}})
    assert answered.status_code == 200
    events = desk.get(f"/api/v1/dossiers/{code}").json["events"]
    kinds = [e["kind"] for e in events]
    assert "consultation_requested" in kinds and "consultation_answered" in kinds
    assert task_for(specialist, code)["step"] == "tham_dinh"  # the asking step still waits


def test_sending_back_reopens_the_previous_step_with_a_note(app: Flask) -> None:
    code, desk, specialist = _at_appraisal(app)
    complete(specialist, code, {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện."})
    leader = app.test_client()
    login(leader, "lanhdao.minhxuan")
    task = task_for(leader, code)
    back = leader.post(f"/api/v1/tasks/{task['id']}/send-back",
                       json={"note": "Bổ sung đánh giá khoảng lùi công trình."})
    assert back.status_code == 200 and len(back.json["opened"]) == 1
    assert leader.get("/api/v1/tasks").json["total"] == 0
    again = task_for(specialist, code)
    assert again["step"] == "tham_dinh" and again["id"] != task["id"]
    notes = [e["note"] for e in desk.get(f"/api/v1/dossiers/{code}").json["events"]
             if e["kind"] == "sent_back"]
    assert notes == ["Trả lại bước «Thẩm định hồ sơ, đề xuất»: Bổ sung đánh giá khoảng lùi công trình."]
    complete(specialist, code, {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đã bổ sung."})
    assert task_for(leader, code)["step"] == "phe_duyet"
