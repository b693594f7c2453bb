"""A draft kept invalid because of its decision table is fixed in the table editor (designer's
walk, finding 4: the draft opened only in the diagram editor, its errors said «(le_phi.dmn,
dòng 20)» and the only way out was to discard it). The draft page links each table problem
to the draft's table editor, which marks the rows, names the table by its name and saves into
the kept draft: still invalid, the draft is updated in place; fixed, it becomes the next draft
version of the procedure."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import MINH_XUAN, PERMIT, page_login, token

VERSION = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1"


def _designer(app: Flask, username: str = "thietke.minhxuan") -> FlaskClient:
    client = app.test_client()
    page_login(client, username)
    client.environ_base["HTTP_X_CSRF_TOKEN"] = token(client.get("/quan-tri/thu-tuc").data)
    return client


def _table(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="dmn-data">(.*?)</script>', page, re.S)
    assert found
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def _kept_with_overlap(designer: FlaskClient) -> tuple[str, str]:
    xml = _table(designer.get(f"{VERSION}/bang-quyet-dinh").text)["xml"]
    overlapping = xml.replace("<text>&lt; 100</text>", "<text>&lt;= 100</text>")
    refused = designer.post(f"{VERSION}/luu", json={"files": {"le_phi.dmn": overlapping}})
    assert refused.status_code == 422, refused.json
    return refused.json["draft"]["url"], overlapping


def test_the_draft_page_links_a_table_problem_to_the_drafts_table_editor(app: Flask) -> None:
    designer = _designer(app)
    draft, _ = _kept_with_overlap(designer)
    page = html.unescape(designer.get(draft).text)
    link = re.search(  # the table by its name, not its file
        r'<a class="table-problem" href="([^"]+)"[^>]*>Bảng quyết định: Lệ phí cấp phép[^<]*</a>', page)
    assert link is not None, page
    assert link.group(1) == f"{draft}/bang-quyet-dinh?tep=le_phi.dmn"
    editor = designer.get(link.group(1))
    assert editor.status_code == 200
    text = html.unescape(editor.text)
    assert "<h1>Bảng quyết định «Lệ phí cấp phép và lấy ý kiến PCCC theo tổng diện tích sàn»" in text, text
    assert "Kết quả kiểm tra bảng «Lệ phí cấp phép và lấy ý kiến PCCC theo tổng diện tích sàn»" in text
    assert "dòng 2: trùng với dòng 1" in text and "Lưu và kiểm tra lại" in text
    table = _table(editor.text)
    assert table["path"] == "le_phi.dmn" and "&lt;= 100" in table["xml"]
    assert [r["row"] for r in table["rows"]] == [2]  # the row the editor marks
    assert f'data-url="{draft}/bang-quyet-dinh/luu"' in editor.text  # amounts read as typed


def test_saving_from_the_drafts_table_editor_updates_the_draft_then_makes_a_version(app: Flask) -> None:
    designer = _designer(app)
    draft, overlapping = _kept_with_overlap(designer)
    gap = overlapping.replace("<text>&lt;= 100</text>", "<text>&lt; 90</text>")
    still = designer.post(f"{draft}/luu", json={"files": {"le_phi.dmn": gap}})
    assert still.status_code == 422 and still.json["draft"]["url"] == draft
    assert "không dòng nào khớp khi" in designer.get(f"{draft}/bang-quyet-dinh").text
    fixed = gap.replace("<text>&lt; 90</text>", "<text>&lt; 100</text>").replace(
        "<text>75000</text>", "<text>70000</text>")
    saved = designer.post(f"{draft}/luu", json={"files": {"le_phi.dmn": fixed}})
    assert saved.status_code == 201, saved.json
    number = saved.json["version"]["number"]
    page = designer.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{number}/bang-quyet-dinh").text
    assert "Bảng hợp lệ" in page and "<text>70000</text>" in _table(page)["xml"]
    assert designer.get(f"{draft}/bang-quyet-dinh").status_code == 409  # the draft lives on as the version


def test_only_the_agencys_designers_open_a_drafts_tables(app: Flask) -> None:
    draft, _ = _kept_with_overlap(_designer(app))
    assert _designer(app).get(f"{draft}/bang-quyet-dinh?tep=khac.dmn").status_code == 404
    outsider = app.test_client()
    page_login(outsider, "motcua.antuong")
    assert outsider.get(f"{draft}/bang-quyet-dinh").status_code in (403, 404)
