"""The form builder's preview of a start form shows the papers the citizen will be asked to
attach, as the citizen meets them — the start page's «Bạn cần chuẩn bị» table (the web app's
own partial) and an upload slot per paper after the fields, with the file types and size the
designer chose — live, from the papers being edited; a paper still without a name is named
as a problem to fix rather than shown. Another form's preview has no papers."""

from __future__ import annotations

import html
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import EXTRACT, MINH_XUAN, PERMIT, login

START = f"/quan-tri/thu-tuc/{MINH_XUAN}/{EXTRACT}/1/bieu-mau/to_khai.schema.json"


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _designer(app: Flask) -> tuple[FlaskClient, dict[str, Any]]:
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    found = designer.get(f"{START}/mo-hinh").json
    assert found["start"] and found["model"]
    return designer, found


def test_the_start_forms_preview_lists_the_papers_being_edited(app: Flask) -> None:
    designer, found = _designer(app)
    papers = [*found["papers"], {"name": "Giấy ủy quyền có chứng thực", "originals": 1,
                                 "copies": 0, "required": False, "accept": ["pdf"],
                                 "max_size_mb": 2}]
    built = designer.post("/quan-tri/dung-bieu-mau", json={"model": found["model"],
                                                           "papers": papers})
    assert built.status_code == 200, built.json
    assert built.json["paper_problems"] == []
    page = built.json["html"]
    shown = _text(page)
    # The start page's table, before the form …
    table = re.search(r'<section class="preview-papers".*?</section>', page, re.S)
    assert table and page.index("preview-papers") < page.index('name="ho_ten"')
    said = _text(table.group(0))
    assert "Trang bắt đầu: bạn cần chuẩn bị" in said
    assert "Giấy ủy quyền có chứng thực 1 0 Không" in said
    first = found["papers"][0]["name"]
    assert first in said
    # … and the form asks for each paper as an upload, after the fields, in words.
    attach = shown[shown.index("Thành phần hồ sơ đính kèm"):]
    assert first in attach
    assert "Giấy ủy quyền có chứng thực PDF; tối đa 2 MB" in attach
    assert page.index('name="so_luong_ban_sao"') < page.index("Thành phần hồ sơ đính kèm")


def test_a_paper_without_a_name_is_a_problem_not_a_blank_slot(app: Flask) -> None:
    designer, found = _designer(app)
    built = designer.post("/quan-tri/dung-bieu-mau", json={
        "model": found["model"], "papers": [*found["papers"], {"name": "", "originals": 1,
                                                               "copies": 0, "required": True}]})
    assert built.status_code == 200
    assert built.json["paper_problems"] == [f"Giấy tờ {len(found['papers']) + 1}: cần tên giấy tờ."]
    assert 'name="ho_ten"' in built.json["html"]
    assert "Thành phần hồ sơ đính kèm" not in built.json["html"]


def test_another_forms_preview_has_no_papers(app: Flask) -> None:
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    found = designer.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/bieu-mau/"
                         "tham_dinh.schema.json/mo-hinh").json
    assert not found["start"]
    built = designer.post("/quan-tri/dung-bieu-mau", json={"model": found["model"],
                                                           "papers": None})
    assert built.status_code == 200 and built.json["paper_problems"] == []
    assert "Thành phần hồ sơ đính kèm" not in built.json["html"]
    assert "preview-papers" not in built.json["html"]
