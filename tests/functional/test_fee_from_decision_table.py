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
