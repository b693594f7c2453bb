"""A fee's amount is printed once on the officers' pages (the dossier's page and the desk's
page after the counter), as on the applicant's (filter ``fee_parts``); the applicant's
history says how a fee was paid in cash, in words."""

from __future__ import annotations

import re

from flask import Flask

from tests.functional.test_desk_papers import _post_dossier, desk_browser
from tests.functional.test_fee_truth import _desk_pages, _received_and_asked, _text
from tests.helpers import login, token


def _waiting_for(text: str) -> str:
    """The sentence of the cash callout that says what is awaited."""
    found = re.search(r"Hồ sơ đang chờ nộp .*?\. Thu tiền", text)
    assert found, text
    return found[0]


def test_the_officers_dossier_page_prints_the_awaited_fee_once(app: Flask) -> None:
    _, code = _received_and_asked(app)
    text = _text(_desk_pages(app).get(f"/can-bo/ho-so/{code}").data)
    said = _waiting_for(text)
    assert said.startswith("Hồ sơ đang chờ nộp 75.000 đồng (Lệ phí")
    assert said.count("75.000 đồng") == 1, said


def test_the_desks_page_after_the_counter_prints_the_awaited_fee_once(app: Flask) -> None:
    desk = desk_browser(app)
    code = _post_dossier(desk)
    specialist = app.test_client()
    login(specialist, "chuyenvien.minhxuan")
    assert specialist.post(f"/api/v1/dossiers/{code}/request-payment", json={}).status_code == 200
    said = _waiting_for(_text(desk.get(f"/can-bo/tiep-nhan/{code}").data))
    assert said.startswith("Hồ sơ đang chờ nộp 75.000 đồng (Lệ phí")
    assert said.count("75.000 đồng") == 1, said


def test_the_applicants_history_says_a_cash_payment_in_words(app: Flask) -> None:
    citizen, code = _received_and_asked(app)
    desk = _desk_pages(app)
    page = desk.get(f"/can-bo/ho-so/{code}").data
    paid = desk.post(f"/can-bo/ho-so/{code}/thu-phi", data={
        "csrf_token": token(page), "amount": "75.000", "payer": "Nguyễn Văn An"})
    assert paid.status_code == 303
    mine = _text(citizen.get(f"/ca-nhan/ho-so/{code}").data)
    history = mine.split("Tiến trình")[1].split("Tệp đã nộp")[0]
    assert re.search(r"Đã nộp phí, lệ phí : 75\.000 đồng, nộp tiền mặt, biên lai BL2026-\d+",
                     history), history
    assert "—" not in history
