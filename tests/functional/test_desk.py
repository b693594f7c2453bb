"""The one-stop desk receives paper dossiers for any agency of the province."""

from __future__ import annotations

from flask import Flask

from tests.helpers import MINH_XUAN, PERMIT, login, permit_data

PAPERS = [
    "Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 01 Phụ lục II Nghị định 175/2024/NĐ-CP)",
    "Bản sao giấy tờ chứng minh quyền sử dụng đất theo quy định của pháp luật về đất đai",
    "Bản vẽ thiết kế xây dựng: mặt bằng vị trí công trình trên lô đất, mặt bằng các tầng, mặt đứng, "
    "mặt cắt, móng và đấu nối hạ tầng",
]


def _receive(client, papers: list[str], decision: str = "complete", **reception: str):
    return client.post("/api/v1/desk/dossiers", json={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(), "papers": papers,
        "decision": decision, "reception": reception or {"ket_qua_kiem_tra": "tiep_nhan"}})


def test_a_desk_of_another_commune_receives_for_the_competent_agency(app: Flask) -> None:
    desk = app.test_client()
    login(desk, "motcua.antuong")  # An Tường's desk, a Minh Xuân procedure
    response = _receive(desk, PAPERS)
    assert response.status_code == 201, response.json
    assert response.json["code"].startswith("000.00.12.H64-")  # Minh Xuân's code
    assert response.json["status"] == 4 and response.json["due_at"] == "2026-12-16T08:00:00+07:00"
    specialist = app.test_client()
    login(specialist, "chuyenvien.minhxuan")
    [task] = specialist.get("/api/v1/tasks").json["tasks"]
    assert (task["dossier"], task["step"], task["channel"]) == (
        response.json["code"], "tham_dinh", "desk")


def test_missing_required_papers_block_acceptance_and_become_a_supplement_request(
    app: Flask,
) -> None:
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    refused = _receive(desk, PAPERS[:1])
    assert refused.status_code == 400
    assert refused.json["error"]["details"] == PAPERS[1:]
    asked = _receive(desk, PAPERS[:1], decision="supplement")
    assert asked.status_code == 201 and asked.json["status"] == 5
    assert asked.json["missing"] == PAPERS[1:]
    document = desk.get(f"/api/v1/dossiers/{asked.json['code']}/documents/supplement?format=html")
    assert document.status_code == 200 and "Bản sao giấy tờ chứng minh" in document.data.decode()


def test_refusal_at_the_counter_needs_no_complete_papers(app: Flask) -> None:
    desk = app.test_client()
    login(desk, "motcua.minhxuan")
    refused = _receive(desk, [], ket_qua_kiem_tra="tu_choi",
                       ly_do_tu_choi="Thửa đất thuộc quy hoạch giao thông.")
    assert refused.status_code == 201 and refused.json["status"] == 3


def test_only_desk_officers_receive_paper_dossiers(app: Flask) -> None:
    specialist = app.test_client()
    login(specialist, "chuyenvien.antuong")
    assert _receive(specialist, PAPERS).status_code == 403
    specialist2 = app.test_client()
    login(specialist2, "chuyenvien.minhxuan")
    assert specialist2.get("/api/v1/tasks").json["total"] == 0
