"""An answer to a question asked only when another answer says so («Chỉ hỏi khi …», the
schema's `if`/`then`) is shown wherever the dossier's answers are read: the citizen's
«Tờ khai», the officer's task page — right after the answer that brought it, titled."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import MINH_XUAN, PERMIT, login, page_login, permit_data, task_for

PROXY = "Trần Thị Bích Ngọc"


def _text(html: bytes) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode())))


def _submitted(app: Flask, **answers: object) -> tuple[str, FlaskClient]:
    citizen = app.test_client()
    login(citizen, "congdan")
    sent = citizen.post("/api/v1/dossiers", json={"procedure": PERMIT, "agency": MINH_XUAN,
                                                  "data": permit_data(**answers)})
    assert sent.status_code == 201, sent.json
    return str(sent.json["code"]), citizen


def _pages(app: Flask, code: str, citizen: FlaskClient) -> dict[str, str]:
    page_login(citizen, "congdan")
    desk = app.test_client()
    page_login(desk, "motcua.minhxuan")
    task = task_for(desk, code)
    return {"citizen": _text(citizen.get(f"/ca-nhan/ho-so/{code}").data),
            "officer": _text(desk.get(f"/can-bo/cong-viec/{task['id']}").data)}


def test_the_proxys_name_is_shown_after_the_answer_that_asked_for_it(app: Flask) -> None:
    code, citizen = _submitted(app, uy_quyen=True, nguoi_nop_thay=PROXY)
    for who, text in _pages(app, code, citizen).items():
        said = re.search(r"Nộp thay chủ đầu tư theo văn bản ủy quyền\s+Có\s+"
                         r"Họ và tên người nộp thay\s+" + PROXY, text)
        assert said, f"{who}: the proxy's name is missing or out of place"


def test_a_proxys_name_kept_after_answering_no_is_not_shown(app: Flask) -> None:
    """The citizen typed a proxy's name, then answered «Không»: the form no longer asks it."""
    code, citizen = _submitted(app, uy_quyen=False, nguoi_nop_thay=PROXY)
    for who, text in _pages(app, code, citizen).items():
        assert "Nộp thay chủ đầu tư theo văn bản ủy quyền Không" in text, who
        assert "Họ và tên người nộp thay" not in text and PROXY not in text, who
