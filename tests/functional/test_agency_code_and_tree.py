"""The agencies' page as the province administrator found it: any letters were accepted as
an agency code (only spaces refused), and the list read as a flat table. Now a code typed on
the page follows the national format of the samples (000.00.12.H64, Decision 20/2020/QĐ-TTg)
with a message saying so, and each row says its level in the tree."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient

from engine.seed import PROVINCE, PROVINCE_AGENCY
from tests.helpers import MINH_XUAN, login

NEW = {"name": "Phòng Tư pháp", "kind": "unit", "parent": MINH_XUAN, "address": "",
       "phone": "", "email": "", "hotline": "", "province": ""}


def _text(page: bytes) -> str:
    body = page.decode().split("<main", 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_an_agency_code_must_follow_the_national_format(client: FlaskClient) -> None:
    login(client, "quantri")
    refused = client.post("/quan-tri/co-quan", data={**NEW, "code": "PhongTuPhap"})
    assert refused.status_code == 422
    text = _text(refused.data)
    assert ("Mã định danh PhongTuPhap chưa đúng dạng của Quyết định 20/2020/QĐ-TTg: ba chữ số, "
            "hai chữ số, hai chữ số, rồi một chữ cái in hoa và hai chữ số, cách nhau bằng dấu "
            "chấm, ví dụ 000.00.12.H64.") in text
    assert 'value="PhongTuPhap"' in refused.data.decode()  # kept to correct
    assert "PhongTuPhap" not in _text(client.get("/quan-tri/co-quan").data)  # nothing saved
    made = client.post("/quan-tri/co-quan", data={**NEW, "code": "001.00.12.H64"})
    assert made.status_code == 303


def test_the_list_says_each_agencys_level_under_its_parent(client: FlaskClient) -> None:
    login(client, "quantri")
    client.post("/quan-tri/co-quan", data={**NEW, "code": "001.00.12.H64"})
    text = _text(client.get("/quan-tri/co-quan").data)
    assert "Cơ quan (theo cây: cấp trên trước, cấp dưới sau) Cấp Mã định danh" in text
    # The province's People's Committee is the root; the ward under it, its office under the ward.
    assert f"Ủy ban nhân dân tỉnh {PROVINCE} Cấp 1 {PROVINCE_AGENCY}" in text
    assert "— UBND phường Minh Xuân Cấp 2 000.00.12.H64" in text
    assert "— — Phòng Tư pháp Cấp 3 001.00.12.H64" in text
    assert (text.index(f"Ủy ban nhân dân tỉnh {PROVINCE} Cấp 1") < text.index("UBND phường Minh Xuân Cấp 2")
            < text.index("Phòng Tư pháp Cấp 3"))
