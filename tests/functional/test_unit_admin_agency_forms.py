"""A quản trị đơn vị's agency forms offer only what it may do: no «gốc của cây» parent (the
form chose it by default and the engine refused it with an error page, what was typed
lost), its own agency first; no import form (an error page too) — the province's
administrator keeps both."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.helpers import login

SO = "000.05.00.H64"


def _parents(page: str) -> list[str]:
    select = page.split('id="ag-parent"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"', select)


def test_a_unit_administrator_adds_a_unit_under_its_agency_with_the_forms_defaults(
    client: FlaskClient,
) -> None:
    login(client, "quantri.soxaydung")
    page = client.get("/quan-tri/co-quan").data.decode()
    assert _parents(page) == [SO] and "gốc của cây" not in page
    assert 'id="import-file"' not in page
    made = client.post("/quan-tri/co-quan", data={
        "code": "000.05.07.H64", "name": "Phòng Kế hoạch", "kind": "unit", "parent": _parents(page)[0],
        "address": "", "phone": "", "email": "", "hotline": "", "province": ""})
    assert made.status_code == 303
    unit = client.get("/quan-tri/co-quan/000.05.07.H64").data.decode()
    assert "gốc của cây" not in unit and _parents(unit) == [SO]


def test_the_province_administrator_keeps_the_root_and_the_import(client: FlaskClient) -> None:
    login(client, "quantri")
    page = client.get("/quan-tri/co-quan").data.decode()
    assert _parents(page)[0] == "" and 'id="import-file"' in page
