"""The citizen's «Bổ sung hồ sơ» page, the API and the desk's «Nhận bổ sung» refuse an
answer without what form 02 asked for (walk report b4): «Gửi bổ sung» with no file of the
paper asked for said «Đã gửi bổ sung» and the desk had to ask again. The page starts
with what was asked, the declaration below in «Sửa tờ khai (nếu cơ quan yêu cầu)».

Through HTTP as a browser without JavaScript, on the real engine and database."""

from __future__ import annotations

import html
import io
import re
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
from tests.helpers import PDF, complete, page_login, permit_data, task_for
from tests.service.test_supplement_answer import COMMITMENT, PAPERS

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


# --- a refused answer changes nothing (explorer's report: a paper listed as current and as
# replaced after «Gửi bổ sung» was refused) ---------------------------------------------


def _asked_by_the_appraiser(app: Flask, *missing: str) -> tuple[Any, str, int]:
    """A permit dossier received by the desk, then put on supplement by the appraiser;
    the citizen's client, the code and the appraiser's task."""
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    appraiser = officer(app, "chuyenvien.minhxuan")
    task = int(task_for(appraiser, code)["id"])
    asked = appraiser.post(f"/api/v1/dossiers/{code}/request-supplement",
                           json={"missing": list(missing)})
    assert asked.status_code == 200, asked.json
    return citizen, code, task


def _papers(citizen: Any, code: str) -> list[tuple[str, str, bool]]:
    """The dossier's files as its applicant lists them: paper, file, current."""
    return [(f["paper"], f["filename"], f["replaced_at"] is None) for f in
            citizen.get(f"/api/v1/dossiers/{code}/attachments").json["attachments"]]


def _task_papers(app: Flask, task: int) -> str:
    """The «Thành phần hồ sơ» section of the appraiser's task page, in words."""
    client = app.test_client()
    page_login(client, "chuyenvien.minhxuan")
    shown = _text(client.get(f"/can-bo/cong-viec/{task}"))
    section = shown[shown.index('id="papers"'):]
    return " ".join(re.sub(r"<[^>]+>", " ", section[:section.index("</section>")]).split())


def test_a_refused_supplement_leaves_the_papers_as_they_were(app: Flask) -> None:
    citizen, code, task = _asked_by_the_appraiser(app, PAPERS[2], COMMITMENT)
    before, officers_saw = _papers(citizen, code), _task_papers(app, task)
    # a good new drawing with a file of the wrong type; then without the paper asked for
    for other in ({"_file.3": (io.BytesIO(b"GIF89a"), "cam-ket.pdf")}, {}):
        refused = post_form(citizen, PAGE.format(code), {
            **flat(permit_data()), "_file.2": (io.BytesIO(PDF + b"ban ve moi"), "ban-ve-moi.pdf"),
            **other})
        page = _text(refused)
        assert refused.status_code == 422
        assert "Đã gửi bổ sung" not in page
        assert ("Nội dung tệp không phải loại được chấp nhận" in page if other
                else f"Bạn chưa tải lên «{COMMITMENT}» mà cơ quan yêu cầu." in page)
        # the good file is not kept, and the page says to choose it again
        assert "Tệp «ban-ve-moi.pdf» chưa được lưu" in page
        assert _papers(citizen, code) == before
        mine = _text(citizen.get(f"/ca-nhan/ho-so/{code}"))
        assert "ban-ve-moi.pdf" not in mine and "Đã thay bằng tệp mới" not in mine
        assert _task_papers(app, task) == officers_saw
        assert "Các bản trước" not in officers_saw
        assert citizen.get(f"/api/v1/dossiers/{code}").json["status"] == 5
    # adding a row of the declaration sends nothing, so it stores nothing either
    add = _text(citizen.get(PAGE.format(code))).split('name="_add_row" value="', 1)[1]
    shown = post_form(citizen, PAGE.format(code), {
        **flat(permit_data()), "_add_row": add.split('"', 1)[0],
        "_file.2": (io.BytesIO(PDF + b"ban ve moi"), "ban-ve-moi.pdf")})
    assert shown.status_code == 200 and "Tệp «ban-ve-moi.pdf» chưa được lưu" in _text(shown)
    assert _papers(citizen, code) == before
    # the answer with both papers goes: the new drawing current, the old one replaced
    sent = post_form(citizen, PAGE.format(code), {
        **flat(permit_data()), "_file.2": (io.BytesIO(PDF + b"ban ve moi"), "ban-ve-moi.pdf"),
        "_file.3": (io.BytesIO(PDF + b"cam ket"), "cam-ket.pdf")})
    assert sent.status_code == 303, _text(sent)[:2000]
    assert _papers(citizen, code) == [*before[:2], (PAPERS[2], "giay-2.pdf", False),
                                      (PAPERS[2], "ban-ve-moi.pdf", True),
                                      (COMMITMENT, "cam-ket.pdf", True)]
    mine = _text(citizen.get(f"/ca-nhan/ho-so/{code}"))
    assert mine.count("Đã thay bằng tệp mới") == 1 and "ban-ve-moi.pdf" in mine
    officers_see = _task_papers(app, task)
    assert "Các bản trước (1)" in officers_see
    assert officers_see.index("ban-ve-moi.pdf") < officers_see.index("giay-2.pdf")


def test_a_refused_supplement_at_the_desk_leaves_the_papers_as_they_were(app: Flask) -> None:
    """Task H1: the desk's «Nhận bổ sung» refused (the name left out) stored the scan, which
    the appraiser's page then showed as the paper in use."""
    citizen, code, task = _asked_by_the_appraiser(app, PAPERS[2])
    before, officers_saw = _papers(citizen, code), _task_papers(app, task)
    desk = officer(app, "motcua.minhxuan")
    url = f"/can-bo/ho-so/{code}/nhan-bo-sung"
    no_name = permit_data()
    no_name.pop("ho_ten")
    refused = _post(desk, url, [*flat(no_name).items(), ("papers", PAPERS[2]),
                                ("scan-2", ("ban-ve-moi.pdf", PDF + b"ban ve moi"))])
    assert refused.status_code == 422
    assert _papers(citizen, code) == before
    assert _task_papers(app, task) == officers_saw and "ban-ve-moi.pdf" not in officers_saw
    page = _text(refused)  # the scan is said not kept, to be chosen again
    assert "Bản quét «ban-ve-moi.pdf» chưa được lưu" in page
    assert "Đã có bản số hóa: ban-ve-moi.pdf" not in page
    mine = _text(citizen.get(f"/ca-nhan/ho-so/{code}"))
    assert "ban-ve-moi.pdf" not in mine and "Đã thay bằng tệp mới" not in mine
    # nothing held over for the next try: without the scan the drawing is still lacking
    again = _post(desk, url, list(flat(permit_data()).items()))
    assert again.status_code == 422 and "Giấy tờ này còn thiếu" in _text(again)
    sent = _post(desk, url, [*flat(permit_data()).items(), ("papers", PAPERS[2]),
                             ("scan-2", ("ban-ve-moi.pdf", PDF + b"ban ve moi"))])
    assert sent.status_code == 303, _text(sent)[:2000]
    officers_see = _task_papers(app, task)
    assert "Các bản trước (1)" in officers_see
    assert officers_see.index("ban-ve-moi.pdf") < officers_see.index("giay-2.pdf")
