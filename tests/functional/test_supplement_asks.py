"""The citizen's «Bổ sung hồ sơ» page, the API and the desk's «Nhận bổ sung» refuse an
answer without what form 02 asked for (walk report b4): «Gửi bổ sung» with no file of the
paper asked for said «Đã gửi bổ sung» and the desk had to ask again. The page starts
with what was asked, the declaration below in «Sửa tờ khai (nếu cơ quan yêu cầu)».

Through HTTP as a browser without JavaScript, on the real engine and database."""

from __future__ import annotations

import html
import io
from typing import Any

from flask import Flask

from tests.functional.test_citizen_area import (
    citizen_client,
    flat,
    officer,
    post_form,
    submit_on_page,
)
from tests.functional.test_desk_supplement import _post
from tests.helpers import PDF, permit_data
from tests.service.test_supplement_answer import COMMITMENT

PAGE = "/ca-nhan/ho-so/{}/bo-sung"


def _text(response: Any) -> str:
    return html.unescape(response.data.decode())


def _asked(app: Flask, *missing: str) -> tuple[Any, str]:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    asked = officer(app, "motcua.minhxuan").post(
        f"/api/v1/dossiers/{code}/request-supplement", json={"missing": list(missing)})
    assert asked.status_code == 200, asked.json
    return citizen, code


def test_sending_without_the_paper_asked_for_is_refused_and_keeps_what_was_typed(
    app: Flask,
) -> None:
    citizen, code = _asked(app, COMMITMENT)
    refused = post_form(citizen, PAGE.format(code),
                        flat(permit_data(dia_chi_lien_he="Số 8 ngõ 3, phường Minh Xuân")))
    page = _text(refused)
    assert refused.status_code == 422
    assert f"Bạn chưa tải lên «{COMMITMENT}» mà cơ quan yêu cầu." in page
    assert "Đã gửi bổ sung" not in page
    assert ">Số 8 ngõ 3, phường Minh Xuân</textarea>" in page
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 5  # still waiting
    sent = post_form(citizen, PAGE.format(code), {
        **flat(permit_data()), "_file.3": (io.BytesIO(PDF + b"cam ket"), "cam-ket.pdf")})
    assert sent.status_code == 303, _text(sent)[:2000]
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] != 5


def test_the_page_starts_with_what_was_asked_and_folds_the_declaration(app: Flask) -> None:
    citizen, code = _asked(app, COMMITMENT)
    page = _text(citizen.get(PAGE.format(code)))
    asked, upload = page.index('id="asked"'), page.index('name="_file.3"')
    declaration = page.index('<details class="group" id="correct-form">')
    assert asked < upload < declaration < page.index('name="dia_chi_lien_he"')
    assert "Sửa tờ khai (nếu cơ quan yêu cầu)" in page
    assert "Hồ sơ được tiếp nhận khi bạn bổ sung đủ." in page  # submitted online, not received
    assert "Tôi đã kiểm tra, không cần sửa gì" not in page  # a paper was asked for
    # a request naming a field of the declaration opens it
    other, second = _asked(app, "Sửa Địa chỉ liên hệ cho đúng giấy tờ đất")
    assert '<details class="group" id="correct-form" open>' in _text(
        other.get(PAGE.format(second)))


def test_corrections_only_need_a_change_or_the_citizens_word(app: Flask) -> None:
    citizen, code = _asked(app, "Ghi rõ số tầng của công trình")
    refused = post_form(citizen, PAGE.format(code), flat(permit_data()))
    assert refused.status_code == 422
    assert "Bạn chưa sửa nội dung nào và chưa tải lên giấy tờ nào" in _text(refused)
    sent = post_form(citizen, PAGE.format(code), {**flat(permit_data()), "unchanged": "1"})
    assert sent.status_code == 303, _text(sent)[:2000]


def test_adding_a_row_on_the_supplement_page_does_not_send_it(app: Flask) -> None:
    citizen, code = _asked(app, COMMITMENT)
    page = _text(citizen.get(PAGE.format(code)))
    add = page.split('name="_add_row" value="', 1)[1].split('"', 1)[0]
    shown = post_form(citizen, PAGE.format(code), {**flat(permit_data()), "_add_row": add,
                      "_file.3": (io.BytesIO(PDF + b"cam ket"), "cam-ket.pdf")})
    assert shown.status_code == 200 and "Đã gửi bổ sung" not in _text(shown)
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 5


def test_the_api_answers_422_with_each_missing_paper(app: Flask) -> None:
    citizen, code = _asked(app, COMMITMENT)
    refused = citizen.post(f"/api/v1/dossiers/{code}/supplement", json={"data": permit_data()})
    assert refused.status_code == 422
    assert {"field": "_paper.3", "paper": COMMITMENT,
            "message": f"Bạn chưa tải lên «{COMMITMENT}» mà cơ quan yêu cầu."} in (
        refused.json["error"]["details"])
    other, second = _asked(app, "Ghi rõ số tầng của công trình")
    body: dict[str, Any] = {"data": permit_data()}
    assert other.post(f"/api/v1/dossiers/{second}/supplement", json=body).status_code == 422
    body["confirm_unchanged"] = True
    assert other.post(f"/api/v1/dossiers/{second}/supplement", json=body).status_code == 200


def test_the_desk_needs_a_new_scan_of_a_paper_asked_again(app: Flask) -> None:
    citizen, code = _asked(app, "Bản vẽ thiết kế xây dựng…")
    desk = officer(app, "motcua.minhxuan")
    url = f"/can-bo/ho-so/{code}/nhan-bo-sung"
    refused = _post(desk, url, list(flat(permit_data()).items()))
    assert refused.status_code == 422
    assert "Giấy tờ này còn thiếu" in _text(refused)
    received = _post(desk, url, [*flat(permit_data()).items(), ("scan-2", ("ban-ve.pdf", PDF))])
    assert received.status_code == 303, _text(received)[:2000]
    assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] != 5
