"""The officers' step pages after an officer's walk of a building permit (report h6):
every step's completion is said in words before it is sent (not only reception's); a
refused supplement request or cash amount keeps what was typed, beside its field; the
citizen's refused file names its paper; the counter's result page links the new dossier.

Through HTTP as a browser, on the real engine and database. The dialog itself is the
script's (tests/browser/test_step_confirm_in_chromium.py); here the page it shows."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.functional.test_citizen_area import citizen_client, flat, officer, post_form, submit_on_page
from tests.functional.test_fee_truth import _granted_at_hand_over, _received_and_asked
from tests.functional.test_reception_confirmed import _hidden
from tests.functional.test_refusals_and_results import _desk_page, _task_url
from tests.helpers import complete, page_login, permit_data, token


def _text(html: bytes) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode())))


def _status(client: FlaskClient, code: str) -> int:
    answer = client.get(f"/api/v1/dossiers/{code}").json
    assert answer is not None
    return int(answer["status"])


def _signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    page_login(client, username)
    return client


def _at_appraisal(app: Flask) -> tuple[FlaskClient, str, str]:
    code = submit_on_page(citizen_client(app))
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    specialist = _signed_in(app, "chuyenvien.minhxuan")
    return specialist, code, _task_url(specialist, code)


def _post(client: FlaskClient, url: str, fields: dict[str, Any]) -> Any:
    return client.post(url, data={"csrf_token": token(client.get(url).data), **fields})


def test_the_appraisal_and_the_decision_say_the_choice_and_where_next_before_completing(
    app: Flask,
) -> None:
    specialist, code, url = _at_appraisal(app)
    page = specialist.get(url).data.decode()
    assert "data-confirm-step" in page and 'id="reception-dialog"' in page
    proposal = {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."}
    asked = _post(specialist, url, {**proposal, "xem_truoc": "1"})
    assert asked.status_code == 200
    said = _text(asked.data)
    assert "Đề xuất: Đủ điều kiện — đề xuất cấp giấy phép" in said
    assert "Hồ sơ chuyển sang bước «Xem xét, ký duyệt»." in said
    assert "Việc này không hoàn tác được" in said and "Quay lại sửa" in said
    assert specialist.get(url).data.decode().count('name="de_xuat"') > 0  # still open
    fields = _hidden(asked.data)
    assert "xem_truoc" not in fields and fields["de_xuat"] == "cap_phep"
    assert specialist.post(url, data=fields).status_code == 303

    leader = _signed_in(app, "lanhdao.minhxuan")
    leader_url = _task_url(leader, code)
    decided = _post(leader, leader_url, {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD",
                                         "xem_truoc": "1"})
    said = _text(decided.data)
    assert "Quyết định: Đồng ý cấp giấy phép xây dựng" in said
    assert "Hồ sơ chuyển sang bước «Trả giấy phép xây dựng»." in said
    assert _status(leader, code) == 4  # nothing decided yet
    # Without the script nothing asks for the preview: the step completes as before.
    assert _post(leader, leader_url, {"quyet_dinh": "cap_phep",
                                      "so_giay_phep": "125/GPXD"}).status_code == 303
    assert _status(leader, code) == 9


def test_a_preview_of_an_incomplete_form_names_what_to_correct(app: Flask) -> None:
    specialist, _, url = _at_appraisal(app)
    refused = _post(specialist, url, {"de_xuat": "cap_phep", "xem_truoc": "1"})
    assert refused.status_code == 422 and 'id="confirm-decision"' not in refused.data.decode()
    assert "Ý kiến thẩm định" in _text(refused.data)


def test_an_empty_supplement_request_keeps_its_section_open_with_the_error_beside_it(
    app: Flask,
) -> None:
    specialist, code, url = _at_appraisal(app)
    refused = _post(specialist, url.rstrip("/") + "/yeu-cau-bo-sung",
                    {"missing": " \n", "note": "Gọi trước khi đến"})
    assert refused.status_code == 422
    page = refused.data.decode()
    section = page.split('id="bo-sung"')[1].split("</details>")[0]
    assert section.startswith(" open>")
    assert "Cần liệt kê các giấy tờ, nội dung phải bổ sung." in unescape(section)
    textarea = re.search(r"<textarea id=\"missing\"[^>]*>", section)
    assert textarea is not None
    assert 'aria-describedby="missing-error"' in textarea.group(0)
    assert "autofocus" in textarea.group(0) and 'aria-invalid="true"' in textarea.group(0)
    assert 'value="Gọi trước khi đến"' in unescape(section)
    assert _status(specialist, code) == 4


def test_a_wrong_cash_amount_is_kept_on_each_cash_form(app: Flask) -> None:
    _, code = _received_and_asked(app)
    desk = _desk_page(app)
    for post_to, shown in ((f"/can-bo/tiep-nhan/{code}/thu-phi", f"/can-bo/tiep-nhan/{code}"),
                           (f"/can-bo/ho-so/{code}/thu-phi", f"/can-bo/ho-so/{code}")):
        refused = desk.post(post_to, data={"csrf_token": token(desk.get(shown).data),
                                           "amount": "70.000", "payer": "Trần Thị Bình"})
        assert refused.status_code == 303
        page = desk.get(refused.headers["Location"]).data.decode()
        assert "75.000" in _text(page.encode())  # the error says what is due
        assert re.search(r'name="amount" inputmode="numeric" value="70.000"', page), post_to
        assert 'value="Trần Thị Bình"' in unescape(page)
        again = desk.get(shown).data.decode()  # kept once, not for ever
        assert 'value="75.000"' in again
    assert _status(desk, code) == 6


def test_a_wrong_cash_amount_at_the_hand_over_step_is_kept(app: Flask) -> None:
    desk, code, url = _granted_at_hand_over(app)
    # The hand-over's preview says first that the fee is not collected (no confirmation).
    early = _post(desk, url, {"hinh_thuc_tra": "truc_tiep", "xem_truoc": "1"})
    assert early.status_code == 409 and 'id="confirm-decision"' not in early.data.decode()
    assert "Chưa trả kết quả được" in _text(early.data)
    task_id = url.rsplit("/", 1)[1]
    refused = desk.post(f"/can-bo/ho-so/{code}/thu-phi", data={
        "csrf_token": token(desk.get(url).data), "buoc": task_id, "amount": "70.000"})
    page = desk.get(refused.headers["Location"]).data.decode()
    assert re.search(r'name="amount" inputmode="numeric" value="70.000"', page)


def test_the_citizens_refused_file_names_its_paper(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    officer(app, "motcua.minhxuan").post(f"/api/v1/dossiers/{code}/request-supplement",
                                         json={"missing": ["Bản vẽ"]})
    response = post_form(citizen, f"/ca-nhan/ho-so/{code}/bo-sung", {
        **flat(permit_data()), "_file.2": (io.BytesIO(b"GIF89a"), "ban-ve.pdf")})
    assert response.status_code == 422
    summary = _text(response.data.decode().split('id="error-summary"')[1]
                    .split("</div>")[0].encode())
    assert "2: Nội dung tệp" not in summary
    assert ("Bản vẽ thiết kế xây dựng: mặt bằng vị trí công trình trên lô đất, mặt bằng các "
            "tầng, mặt đứng, mặt cắt, móng và đấu nối hạ tầng: Nội dung tệp không phải loại "
            "được chấp nhận") in summary


def test_the_counters_result_page_links_the_dossier_and_the_printable_receipt(
    app: Flask,
) -> None:
    _, code = _received_and_asked(app)
    page = _desk_page(app).get(f"/can-bo/tiep-nhan/{code}").data.decode()
    assert f'href="/can-bo/ho-so/{code}"' in page
    assert f'href="/api/v1/dossiers/{code}/documents/receipt?format=html"' in page


def test_the_hand_over_says_the_dossier_ends_there(app: Flask) -> None:
    desk, code, url = _granted_at_hand_over(app)
    task_id = url.rsplit("/", 1)[1]
    taken = desk.post(f"/can-bo/ho-so/{code}/thu-phi", data={
        "csrf_token": token(desk.get(url).data), "buoc": task_id, "amount": "75.000"})
    assert taken.status_code == 303
    asked = _post(desk, url, {"hinh_thuc_tra": "truc_tiep", "xem_truoc": "1"})
    assert asked.status_code == 200
    said = _text(asked.data)
    assert "Hình thức trả kết quả: Trực tiếp tại Bộ phận Một cửa" in said
    assert "Hồ sơ kết thúc tại bước này: «Đã trả giấy phép»." in said
    assert _status(desk, code) == 9
