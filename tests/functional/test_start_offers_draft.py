"""«Bắt đầu» on a procedure's start page does not silently start over when the signed-in
citizen already has a saved draft of it: the page offers to go on with that draft (saying
when it was saved) or to start a new dossier."""

from __future__ import annotations

from flask import Flask

from tests.functional.test_form_journey import SECTION_1, START, _begin, _post, _step
from tests.helpers import PERMIT, page_login


def test_the_start_page_offers_the_saved_draft_and_a_new_dossier(app: Flask) -> None:
    citizen = app.test_client()
    page_login(citizen, "congdan")
    fresh = citizen.get(START).data.decode()
    assert "Tiếp tục hồ sơ đang soạn" not in fresh and "Bắt đầu hồ sơ mới" not in fresh
    _, key = _begin(citizen)
    _post(citizen, _step(key, 1), {**SECTION_1, "so_dinh_danh": "008090001234", "nhap": key,
                                   "_action": "next"})
    again = citizen.get(START).data.decode()
    assert "Tiếp tục hồ sơ đang soạn (lưu lúc " in again
    assert f'href="/thu-tuc/{PERMIT}/buoc/2?nhap={key}"' in again  # where it left off
    assert "Bắt đầu hồ sơ mới" in again
    stranger = app.test_client()  # another person's draft is never offered
    assert "Tiếp tục hồ sơ đang soạn" not in stranger.get(START).data.decode()
