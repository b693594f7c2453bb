"""The new-agency form as a province administrator met it adding «UBND xã Tân Phong»: left at
its defaults, the parent was «(Không có — gốc của cây)» and the kind «Phòng, đơn vị trực
thuộc», so the commune became a second tree beside the province, of a kind that keeps it out
of «Cấp xã» when a procedure is applied to communes; and a code typed 000.00.45.h64 was refused
for its small h. Now the form hangs a new agency under the province's People's Committee unless
another parent is chosen, asks for the kind (refused in words with every other finding, nothing
lost), and reads the code's letter as capital."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient

from engine.seed import PROVINCE_AGENCY
from tests.helpers import login

TAN_PHONG = "000.00.45.H64"
NEW = {"code": TAN_PHONG, "name": "UBND xã Tân Phong", "parent": PROVINCE_AGENCY,
       "address": "", "phone": "0207 3811 999", "email": "", "hotline": "", "province": ""}


def _selected(page: str, select_id: str) -> str:
    """The value of the option the browser shows chosen in a select (the first one if none)."""
    body = page.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option value="([^"]*)"( selected)?', body)
    chosen = [value for value, selected in options if selected]
    return chosen[0] if chosen else options[0][0]


def _text(page: bytes) -> str:
    body = page.decode().split("<main", 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_a_new_agency_goes_under_the_province_and_its_kind_is_asked(client: FlaskClient) -> None:
    login(client, "quantri")
    page = client.get("/quan-tri/co-quan").data.decode()
    assert _selected(page, "ag-parent") == PROVINCE_AGENCY  # not a second root
    assert _selected(page, "ag-kind") == ""  # «(Chọn loại cơ quan)», not a unit
    refused = client.post("/quan-tri/co-quan", data={**NEW, "kind": "", "name": ""})
    assert refused.status_code == 422
    text = _text(refused.data)
    assert "Cần chọn loại cơ quan" in text and "Cần nhập tên cơ quan." in text  # all at once
    kept = refused.data.decode()
    assert f'value="{TAN_PHONG}"' in kept and 'value="0207 3811 999"' in kept
    assert TAN_PHONG not in _text(client.get("/quan-tri/co-quan").data)  # nothing saved
    made = client.post("/quan-tri/co-quan", data={**NEW, "kind": "commune"})
    assert made.status_code == 303
    listed = _text(client.get("/quan-tri/co-quan").data)
    assert f"— UBND xã Tân Phong Cấp 2 {TAN_PHONG} UBND xã, phường, đặc khu" in listed


def test_a_national_code_typed_with_a_small_letter_is_read_as_meant(client: FlaskClient) -> None:
    login(client, "quantri")
    made = client.post("/quan-tri/co-quan", data={**NEW, "kind": "commune",
                                                   "code": " 000.00.45.h64 "})
    assert made.status_code == 303
    assert made.headers["Location"].endswith(f"/quan-tri/co-quan/{TAN_PHONG}")
