"""The dossier's fee comes from the procedure's decision table: a citizen submits the
building permit; the officer asks for the fee without typing an amount and the amount is
what le_phi.dmn decided for this house's total floor area — shown to the citizen."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.functional.test_citizen_area import citizen_client, officer, submit_on_page
from tests.helpers import complete, permit_data


@pytest.mark.parametrize(("area", "floors", "fee", "shown"), [
    (30, 3, 50000, "50.000 đồng"), (150, 4, 150000, "150.000 đồng")])
def test_the_fee_asked_is_the_one_the_table_decided(app: Flask, area: int, floors: int, fee: int,
                                                    shown: str) -> None:
    citizen = citizen_client(app)
    house: dict[str, Any] = {"loai_cong_trinh": "nha_o_rieng_le_do_thi", "cap_cong_trinh": "III",
                             "dien_tich_xay_dung": area, "so_tang": floors, "chieu_cao": 12.5}
    code = submit_on_page(citizen, permit_data(cong_trinh=house))
    desk = officer(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    asked = desk.post(f"/api/v1/dossiers/{code}/request-payment", json={})
    assert asked.status_code == 200, asked.json
    assert asked.json["amount"] == fee
    assert shown in citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()


def test_the_fee_is_that_of_the_total_floor_area_the_applicant_declared(app: Flask) -> None:
    """The form asks «Tổng diện tích sàn (m²)» and the appraiser checks it against the
    drawings: 90 m² declared is the row under 100 m² (50.000 đồng), although 80 m² of ground
    floor × 3 floors (240 m², 75.000 đồng) is what the table computed before."""
    citizen = citizen_client(app)
    house: dict[str, Any] = {"loai_cong_trinh": "nha_o_rieng_le_do_thi", "cap_cong_trinh": "III",
                             "dien_tich_xay_dung": 80, "so_tang": 3, "tong_dien_tich_san": 90,
                             "chieu_cao": 12.5}
    code = submit_on_page(citizen, permit_data(cong_trinh=house))
    desk = officer(app, "motcua.minhxuan")
    complete(desk, code, {"ket_qua_kiem_tra": "tiep_nhan"})
    asked = desk.post(f"/api/v1/dossiers/{code}/request-payment", json={})
    assert asked.status_code == 200, asked.json
    assert asked.json["amount"] == 50000
    page = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert "50.000 đồng" in page and "75.000 đồng" not in page
