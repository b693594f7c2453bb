"""A paper asked for at the counter only (`"channels"` in procedure.json): the civil-status
extract's printed declaration is the online form itself, so an online applicant is not
asked to upload it; the desk still lists it; the procedure's page says so."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from flask import Flask

from tests.functional.test_citizen_area import flat, officer, post_form
from tests.helpers import EXTRACT, MINH_XUAN, PDF, page_login

DECLARATION = "Tờ khai cấp bản sao trích lục hộ tịch"
PROXY = "Văn bản ủy quyền"
START = json.loads((Path(__file__).resolve().parents[2] / "procedures"
                    / "cap-ban-sao-trich-luc-ho-tich/tests/tra-ket-qua.json")
                   .read_text(encoding="utf-8"))[0]["start"]
PAGE = f"/thu-tuc/{EXTRACT}?agency={MINH_XUAN}&mot_trang=1"


def _text(html: bytes) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.decode()).split())


def test_an_online_extract_is_submitted_without_the_printed_declaration(app: Flask) -> None:
    client = app.test_client()
    form = client.get(PAGE).data.decode()
    assert 'name="_file.0"' not in form  # no upload asked for the declaration
    assert 'name="_file.1"' in form  # the power of attorney is still offered
    response = post_form(client, PAGE, {**flat(START), "_action": "submit"})
    assert response.status_code == 303, _text(response.data)[:2000]
    code = response.headers["Location"].split("/")[-2]
    dossier = officer(app, "motcua.minhxuan").get(f"/api/v1/dossiers/{code}").json
    assert dossier is not None and dossier["code"] == code


def test_a_forged_online_upload_for_the_declaration_is_refused(app: Flask) -> None:
    """The form offers no slot for it; a request naming its slot anyway is refused."""
    client = app.test_client()
    response = post_form(client, PAGE, {**flat(START), "_action": "save",
                                        "_file.0": (io.BytesIO(PDF), "to-khai.pdf")})
    assert response.status_code == 422
    assert "Giấy tờ không có trong danh mục của thủ tục." in _text(response.data)


def test_the_desk_still_lists_the_declaration(app: Flask) -> None:
    desk = app.test_client()
    page_login(desk, "motcua.minhxuan")
    page = _text(desk.get(f"/can-bo/tiep-nhan?thu_tuc={EXTRACT}&agency={MINH_XUAN}").data)
    assert DECLARATION in page and PROXY in page


def test_the_procedure_page_marks_the_declaration_for_the_counter(app: Flask) -> None:
    page = _text(app.test_client().get(f"/thu-tuc/{EXTRACT}").data)
    assert f"{DECLARATION} (Mẫu ban hành kèm Thông tư 04/2024/TT-BTP) Chỉ khi nộp trực tiếp" in page
    assert f"{PROXY} (trường hợp ủy quyền thực hiện thủ tục) Chỉ khi" not in page
