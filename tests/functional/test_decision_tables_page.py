"""The decision table page: reached from the version page, it hands the package's .dmn to
the editor with its findings; a table saved with overlapping rows is refused by row (kept
as an invalid draft, nothing published), a changed fee becomes a new draft version whose
run takes the new fee."""

from __future__ import annotations

import json
import re

from flask import Flask

from tests.helpers import MINH_XUAN, PERMIT, login

VERSION = f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1"


def _table(html: str) -> dict[str, str]:
    found = re.search(r'<script type="application/json" id="dmn-data">(.*?)</script>', html, re.S)
    assert found
    data: dict[str, str] = json.loads(found.group(1))
    return data


def test_the_version_page_links_the_table_and_the_editor_gets_it(app: Flask) -> None:
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    assert "/bang-quyet-dinh" in designer.get(VERSION).text
    page = designer.get(f"{VERSION}/bang-quyet-dinh")
    assert page.status_code == 200
    assert "Bảng hợp lệ" in page.text and "dmn-modeler.production.min.js" in page.text
    table = _table(page.text)
    assert table["path"] == "le_phi.dmn" and "le_phi_gpxd" in table["xml"]
    assert designer.get(f"{VERSION}/bang-quyet-dinh?tep=khac.dmn").status_code == 404


def test_a_saved_table_is_checked_and_a_valid_one_becomes_a_draft(app: Flask) -> None:
    designer = app.test_client()
    login(designer, "thietke.minhxuan")
    xml = _table(designer.get(f"{VERSION}/bang-quyet-dinh").text)["xml"]
    overlapping = xml.replace("<text>&lt; 100</text>", "<text>&lt;= 100</text>")
    refused = designer.post(f"{VERSION}/luu", json={"files": {"le_phi.dmn": overlapping}})
    assert refused.status_code == 422, refused.json
    messages = [p["message"] for p in refused.json["report"]["problems"]]
    assert any("dòng 2: trùng với dòng 1" in m for m in messages), messages
    cheaper = xml.replace("<text>75000</text>", "<text>70000</text>")
    saved = designer.post(f"{VERSION}/luu", json={"files": {"le_phi.dmn": cheaper}})
    assert saved.status_code == 201, saved.json
    number = saved.json["version"]["number"]
    page = designer.get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/{number}/bang-quyet-dinh").text
    assert "<text>70000</text>" in _table(page)["xml"]


def test_only_staff_of_the_agency_see_the_tables(app: Flask) -> None:
    citizen = app.test_client()
    login(citizen, "congdan")
    assert citizen.get(f"{VERSION}/bang-quyet-dinh").status_code == 403
    outsider = app.test_client()
    login(outsider, "motcua.antuong")
    assert outsider.get(f"{VERSION}/bang-quyet-dinh").status_code == 404
