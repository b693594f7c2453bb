"""The applicant sees the fee their dossier owes as soon as it is submitted — the amount the
procedure's decision table decided for it (the building permit's by floor area) — before the
desk asks for it; a procedure whose fee comes only from a table says so instead of "0 đồng"."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.functional.test_citizen_area import citizen_client, submit_on_page
from tests.helpers import permit_data


def test_the_dossier_page_shows_the_fee_the_table_decided(app: Flask) -> None:
    citizen = citizen_client(app)
    house: dict[str, Any] = {"loai_cong_trinh": "nha_o_rieng_le_do_thi", "cap_cong_trinh": "III",
                             "dien_tich_xay_dung": 30, "so_tang": 3, "chieu_cao": 12.5}
    code = submit_on_page(citizen, permit_data(cong_trinh=house))
    page = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    assert 'id="fee">50.000 đồng' in page  # 90 m² of floor: the table's first row
    assert "nộp khi Bộ phận Một cửa yêu cầu" in page
