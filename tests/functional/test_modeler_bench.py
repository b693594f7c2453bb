"""The modeler's data for the steps panel (issue 20): the package's decision tables by id and
name, with where they are edited, for a version and for a draft kept invalid."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import MINH_XUAN, PERMIT, package_files, page_login, token, zip_bytes

PACKAGE = Path(__file__).resolve().parents[2] / "procedures" / "cap-giay-phep-xay-dung-nha-o"
FEE_TABLE = {"id": "le_phi_gpxd", "name": "Lệ phí cấp phép và lấy ý kiến PCCC theo tổng diện tích sàn",
             "file": "le_phi.dmn"}


def _designer(app: Flask) -> FlaskClient:
    client = app.test_client()
    page_login(client, "thietke.minhxuan")
    return client


def _bench(html: str) -> dict[str, Any]:
    found = re.search(r'id="bench-data">(.*?)</script>', html, re.S)
    assert found is not None, html
    bench = json.loads(found.group(1))
    assert isinstance(bench, dict)
    return bench


def test_the_modeler_offers_the_packages_decision_tables_by_name(app: Flask) -> None:
    page = _designer(app).get(f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/sua")
    assert page.status_code == 200
    bench = _bench(page.data.decode())
    assert bench["decisions"] == [FEE_TABLE]
    assert bench["decisions_url"] == f"/quan-tri/thu-tuc/{MINH_XUAN}/{PERMIT}/1/bang-quyet-dinh"


def test_a_kept_draft_offers_its_tables_without_a_decisions_page(app: Flask) -> None:
    designer = _designer(app)
    files = package_files(PACKAGE)
    files["process.bpmn"] = files["process.bpmn"].replace(
        b'quyet_dinh == "cap_phep"', b"__import__('os')")
    listed = designer.get("/quan-tri/thu-tuc")
    answer = designer.post("/quan-tri/thu-tuc", data={
        "csrf_token": token(listed.data), "agency": MINH_XUAN,
        "package": (io.BytesIO(zip_bytes(files)), "goi.zip")}, content_type="multipart/form-data")
    assert answer.status_code == 422
    link = re.search(r'id="open-draft" href="(/quan-tri/ban-nhap/\d+)"', answer.data.decode())
    assert link is not None
    bench = _bench(designer.get(link.group(1)).data.decode())
    assert bench["decisions"] == [FEE_TABLE]
    assert bench["decisions_url"] is None
