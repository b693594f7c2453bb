"""The papers' page of the journey offers «chọn giấy tờ đã có trong kho dữ liệu của bạn»
only when the data store has a paper to choose; with an empty store it says so instead of
promising a choice that is not there."""

from __future__ import annotations

from flask import Flask

from tests.functional.test_citizen_area import citizen_client, officer, submit_on_page
from tests.functional.test_form_journey import _begin, _step
from tests.helpers import complete

OFFER = "hoặc chọn giấy tờ đã có trong kho dữ liệu của bạn"
EMPTY = "Kho dữ liệu của bạn chưa có giấy tờ nào dùng được cho hồ sơ này."


def test_an_empty_store_is_said_not_offered(app: Flask) -> None:
    citizen = citizen_client(app)
    _, key = _begin(citizen)
    page = citizen.get(_step(key, 6)).data.decode()
    assert OFFER not in page and EMPTY in page
    assert "_stored." not in page


def test_a_store_with_papers_offers_them(app: Flask) -> None:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    _, key = _begin(citizen)
    page = citizen.get(_step(key, 6)).data.decode()
    assert OFFER in page and EMPTY not in page
    assert "_stored." in page
