"""The desk's decision at a reception step is confirmed before it is sent (walk report:
one click of «Hoàn thành bước» received a dossier, started its legal clock and sent the
applicant the receipt). A post without the confirmation changes nothing and says what
will happen; the confirmation page posts it again with `xac_nhan=1`."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from tests.functional.test_citizen_area import citizen_client, submit_on_page
from tests.functional.test_refusals_and_results import _desk_page, _task_url
from tests.helpers import token
from webapp.text import vn_datetime

REASON = "Thiếu bản vẽ mặt bằng móng."


def _text(html: bytes) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode())))


def _status(client: FlaskClient, code: str) -> int:
    return int(client.get(f"/api/v1/dossiers/{code}").json["status"])


def _notices(citizen: FlaskClient) -> list[str]:
    return [n["subject"] for n in citizen.get("/api/v1/me/notices").json["notices"]]


def _hidden(html: bytes) -> dict[str, str]:
    """The confirmation form's fields, as the browser would post them back."""
    form = html.decode().split('id="confirm-decision"')[1].split("</form>")[0]
    return {unescape(n): unescape(v) for n, v in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)}


def test_one_post_without_the_confirmation_does_not_receive_the_dossier(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = _desk_page(app)
    url = _task_url(desk, code)
    asked = desk.post(url, data={"csrf_token": token(desk.get(url).data),
                                 "ket_qua_kiem_tra": "tiep_nhan"})
    assert asked.status_code == 200
    said = _text(asked.data)
    assert "Xác nhận tiếp nhận hồ sơ" in said and "Hồ sơ sẽ được tiếp nhận, hẹn trả kết quả ngày" in said
    assert ("Người nộp nhận Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01) qua tin nhắn SMS "
            "tới số 0912345678") in said
    assert _status(desk, code) == 1  # not received: no clock, no receipt
    assert f"Hồ sơ {code} đã được tiếp nhận" not in _notices(citizen)

    fields = _hidden(asked.data)
    assert fields["xac_nhan"] == "1" and fields["ket_qua_kiem_tra"] == "tiep_nhan"
    done = desk.post(url, data=fields)
    assert done.status_code == 303
    assert _status(desk, code) == 4  # received and with the agency
    assert f"Hồ sơ {code} đã được tiếp nhận" in _notices(citizen)
    # The date the confirmation promised is the receipt's.
    clock, day = vn_datetime(desk.get(f"/api/v1/dossiers/{code}").json["due_at"]).split(" ngày ")
    assert f"hẹn trả kết quả ngày {day}, lúc {clock}." in said


def test_a_refusal_by_the_steps_form_is_confirmed_and_going_back_keeps_it(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    desk = _desk_page(app)
    url = _task_url(desk, code)
    asked = desk.post(url, data={"csrf_token": token(desk.get(url).data),
                                 "ket_qua_kiem_tra": "tu_choi", "ly_do_tu_choi": REASON})
    said = _text(asked.data)
    assert "Xác nhận từ chối tiếp nhận hồ sơ" in said and f"Lý do từ chối: {REASON}" in said
    assert "Người nộp nhận Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)" in said
    assert _status(desk, code) == 1

    back = desk.post(url, data={**_hidden(asked.data), "quay_lai": "1"})
    assert back.status_code == 200
    assert re.search(r'name="ket_qua_kiem_tra" value="tu_choi"[^>]*checked', back.data.decode())
    assert REASON in back.data.decode() and _status(desk, code) == 1


def test_a_form_completing_would_refuse_is_named_not_confirmed(app: Flask) -> None:
    code = submit_on_page(citizen_client(app))
    desk = _desk_page(app)
    url = _task_url(desk, code)
    missing = desk.post(url, data={"csrf_token": token(desk.get(url).data),
                                   "ket_qua_kiem_tra": "tu_choi"})
    assert missing.status_code == 422
    assert "Xác nhận" not in _text(missing.data).split("Hoàn thành bước")[0]
    assert _status(desk, code) == 1


def test_the_refusal_and_the_supplement_at_reception_are_confirmed(app: Flask) -> None:
    citizen = citizen_client(app)
    refused, asked_more = submit_on_page(citizen), submit_on_page(citizen)
    desk = _desk_page(app)
    url = _task_url(desk, refused)
    first = desk.post(f"{url}/tu-choi", data={"csrf_token": token(desk.get(url).data),
                                              "reasons": REASON})
    assert "Xác nhận từ chối tiếp nhận" in _text(first.data) and _status(desk, refused) == 1
    assert desk.post(f"{url}/tu-choi", data=_hidden(first.data)).status_code == 303
    assert _status(desk, refused) == 3

    url = _task_url(desk, asked_more)
    first = desk.post(f"{url}/yeu-cau-bo-sung", data={
        "csrf_token": token(desk.get(url).data), "missing": "Bản vẽ mặt bằng\nSổ đỏ"})
    said = _text(first.data)
    assert "Người nộp nhận Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)" in said
    assert "Nội dung cần bổ sung, hoàn thiện: Bản vẽ mặt bằng Sổ đỏ" in said
    assert _status(desk, asked_more) == 1
    assert desk.post(f"{url}/yeu-cau-bo-sung", data=_hidden(first.data)).status_code == 303
    assert _status(desk, asked_more) == 5
