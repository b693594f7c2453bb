"""After a refusal the citizen's dossier page offers «Nộp lại hồ sơ (dùng lại thông tin đã
khai)» — a new draft of the same procedure and agency with the refused dossier's answers —
and no longer offers «Nhận kết quả qua bưu điện»: a refused dossier has no result to post."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.functional.test_citizen_area import citizen_client, officer, submit_on_page
from tests.helpers import MINH_XUAN, PERMIT, complete, task_for, token


def _refused(app: Flask, by_leader: bool = False) -> tuple[FlaskClient, str]:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    if by_leader:  # the specialist proposes, the leader decides «từ chối»
        complete(officer(app, "chuyenvien.minhxuan"), code,
                 {"de_xuat": "tu_choi", "y_kien_tham_dinh": "Vượt chỉ giới xây dựng."})
        complete(officer(app, "lanhdao.minhxuan"), code,
                 {"quyet_dinh": "tu_choi", "ly_do_tu_choi": "Vượt chỉ giới xây dựng."})
        return citizen, code
    specialist = officer(app, "chuyenvien.minhxuan")
    refused = specialist.post(f"/api/v1/tasks/{task_for(specialist, code)['id']}/refuse",
                              json={"reasons": "Vượt chỉ giới xây dựng."})
    assert refused.status_code == 200, refused.json
    return citizen, code


def test_a_refused_dossier_offers_to_apply_again_with_its_answers(app: Flask) -> None:
    citizen, code = _refused(app)
    page = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "Nộp lại hồ sơ (dùng lại thông tin đã khai)" in page
    again = citizen.post(f"/ca-nhan/ho-so/{code}/nop-lai", data={"csrf_token": token(page.encode())})
    assert again.status_code == 303, again.data[:300]
    found = re.search(r"nhap=([\w-]+)", again.headers["Location"])
    assert found and f"/thu-tuc/{PERMIT}" in again.headers["Location"]
    form = citizen.get(f"/thu-tuc/{PERMIT}?agency={MINH_XUAN}&mot_trang=1&nhap={found.group(1)}")
    assert "Số 12 đường Bình Thuận" in form.data.decode()  # the answers, kept
    drafts = citizen.get("/ca-nhan").data.decode()
    assert found.group(1) in drafts


@pytest.mark.parametrize("by_leader", [False, True], ids=["refused", "decided"])
def test_a_refused_dossier_offers_no_delivery_of_a_result(app: Flask, by_leader: bool) -> None:
    citizen, code = _refused(app, by_leader)
    page = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "Nhận kết quả qua bưu điện" not in page
    ordered = citizen.post(f"/api/v1/dossiers/{code}/post-orders", json={
        "kind": "delivery", "name": "Nguyễn Văn An", "address": "Số 12 đường Bình Thuận, Minh Xuân",
        "phone": "0912345678"})
    assert ordered.status_code == 409
    assert "không có kết quả để chuyển phát" in ordered.json["error"]["message"]
