"""The applicant is told what was decided (h5): the outcome in words near the top of their
dossier page, the decision's details the designer marked «Cho người nộp biết» (the permit's
decision and number — never the appraisal's opinion), the same in the dossier API and on the
officers' dossier page; once decided, no withdrawing and no sending paper by post; the
result notice links to the rating form."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.functional.test_citizen_area import citizen_client, officer, submit_on_page
from tests.helpers import complete, token

OPINION = "Đủ điều kiện cấp phép <b>ghi chú nội bộ</b>."


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html.decode())))


def _api(client: FlaskClient, code: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/dossiers/{code}").get_json()
    assert isinstance(answer, dict)
    return answer


def _decided(app: Flask, decision: dict[str, str]) -> tuple[FlaskClient, str]:
    """A permit dossier the leader has just decided on (the hand-over step open)."""
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    complete(officer(app, "chuyenvien.minhxuan"), code,
             {"de_xuat": "cap_phep", "y_kien_tham_dinh": OPINION})
    complete(officer(app, "lanhdao.minhxuan"), code, decision)
    return citizen, code


GRANTED = {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"}
ESCAPED = {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD <i>ký</i>"}


def test_the_citizen_reads_the_permit_granted_and_its_number_near_the_top(app: Flask) -> None:
    citizen, code = _decided(app, ESCAPED)
    html = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    said = _text(html.encode())
    assert "Kết quả giải quyết Được giải quyết: cơ quan chấp thuận đề nghị" in said
    assert said.index("Kết quả giải quyết") < said.index("Tiến trình")  # in the facts on top
    assert "Quyết định: Đồng ý cấp giấy phép xây dựng" in said  # the choice by its label
    assert "Số giấy phép xây dựng: 125/GPXD <i>ký</i>" in said
    assert "125/GPXD &lt;i&gt;ký&lt;/i&gt;" in html and "<i>ký</i>" not in html  # escaped
    assert "ghi chú nội bộ" not in said and "Ý kiến thẩm định" not in said  # not marked


def test_the_dossier_api_and_the_officers_page_carry_what_the_applicant_is_told(
    app: Flask,
) -> None:
    citizen, code = _decided(app, GRANTED)
    decision = _api(citizen, code)["decision"]
    assert decision == {
        "kind": "granted", "label": "Được giải quyết: cơ quan chấp thuận đề nghị", "reason": "",
        "told": [{"label": "Quyết định", "value": "Đồng ý cấp giấy phép xây dựng"},
                 {"label": "Số giấy phép xây dựng", "value": "125/GPXD"}]}
    officers = _text(officer(app, "motcua.minhxuan").get(f"/can-bo/ho-so/{code}").data)
    assert "Người nộp được báo: Quyết định: Đồng ý cấp giấy phép xây dựng" in officers
    assert "Số giấy phép xây dựng: 125/GPXD" in officers


def test_a_refusal_is_told_with_its_recorded_reason(app: Flask) -> None:
    citizen, code = _decided(app, {"quyet_dinh": "tu_choi",
                                   "ly_do_tu_choi": "Chỉ giới xây dựng vi phạm quy hoạch."})
    said = _text(citizen.get(f"/ca-nhan/ho-so/{code}").data).replace(" .", ".")
    assert ("Kết quả giải quyết Bị từ chối giải quyết. Lý do: Chỉ giới xây dựng vi phạm "
            "quy hoạch.") in said
    assert "Quyết định: Từ chối cấp giấy phép" in said
    decision = _api(citizen, code)["decision"]
    assert decision["kind"] == "refused"
    assert decision["reason"] == "Chỉ giới xây dựng vi phạm quy hoạch."


def test_a_dossier_still_being_decided_says_no_result(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    said = _text(citizen.get(f"/ca-nhan/ho-so/{code}").data)
    assert "Kết quả giải quyết" not in said and "Rút hồ sơ" in said
    assert _api(citizen, code)["decision"]["kind"] is None


def test_once_decided_the_citizen_may_neither_withdraw_nor_post_paper(app: Flask) -> None:
    """The fee asked after the decision moves the status to 6 («chờ nộp phí»): the dossier
    is decided all the same — no «Rút hồ sơ», no «Gửi hồ sơ giấy qua bưu điện», and the
    engine refuses both with the reason."""
    citizen, code = _decided(app, GRANTED)
    asked = officer(app, "motcua.minhxuan").post(f"/api/v1/dossiers/{code}/request-payment",
                                                   json={})
    assert asked.status_code == 200, asked.json
    page = f"/ca-nhan/ho-so/{code}"
    said = _text(citizen.get(page).data)
    assert "Rút hồ sơ" not in said and "Gửi hồ sơ giấy qua bưu điện" not in said
    assert "Kết quả giải quyết Được giải quyết" in said
    refused = citizen.post(f"/api/v1/dossiers/{code}/withdraw", json={"reason": "Đổi ý"})
    assert refused.status_code == 409
    assert "đã có kết quả giải quyết: không thể rút hồ sơ nữa" in refused.get_data(as_text=True)
    form = citizen.get(f"{page}/rut")  # the page's form is not offered either
    assert form.status_code == 303
    html = citizen.get(page).data
    posted = citizen.post(f"{page}/buu-chinh?loai=pickup", data={
        "csrf_token": token(html), "name": "Nguyễn Văn An", "phone": "0912345678",
        "address": "Số 1 đường Lê Lợi, phường Minh Xuân"})
    assert posted.status_code == 409
    assert "không thể gửi hồ sơ giấy qua bưu điện nữa" in _text(posted.data)
    assert _api(citizen, code)["status"] == 6  # nothing changed


def test_the_result_notice_and_the_decision_link_to_the_rating_form(app: Flask) -> None:
    citizen, code = _decided(app, GRANTED)  # status 9: the desk has not handed it over
    html = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert 'id="danh-gia"' in html
    pending = html[html.index('id="result-pending"'):]
    assert 'href="#danh-gia"' in pending[:pending.index("</div>")]
    assert 'id="rate-link" href="#danh-gia"' in html or 'href="#danh-gia" id="rate-link"' in html
    assert html.index("rate-link") < html.index('id="timeline"')  # near the top


def test_the_result_notice_links_to_the_rating_form(app: Flask) -> None:
    citizen, code = _decided(app, GRANTED)  # «… đã giải quyết xong, chờ trả kết quả»
    listed = citizen.get("/ca-nhan/thong-bao").get_data(as_text=True)
    assert f'href="/ca-nhan/ho-so/{code}#danh-gia">Đánh giá mức độ hài lòng</a>' in listed
    officer(app, "motcua.minhxuan").post(f"/api/v1/dossiers/{code}/request-payment", json={})
    listed = citizen.get("/ca-nhan/thong-bao").get_data(as_text=True)
    assert "#danh-gia" not in listed  # waiting for the fee (status 6): no rating form then
