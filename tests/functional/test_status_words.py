"""One word per status, and the search finds what officers type, through the real HTTP
routes (walk report h5, findings 13 and 14): a dossier waiting for the fee or for papers is
named alike in the agency's list, its filter, the officer's and the citizen's dossier pages,
the citizen's list and public tracking; the fee's history line has its thousands separator;
the end of a code finds the dossier; public tracking ignores the code's letter case."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from engine.core.clock import FixedClock
from engine.core.statuses import STATUS_LEGAL_LABELS, Status
from tests.functional.test_citizen_area import citizen_client, officer, submit_on_page
from tests.helpers import APPLICANT_ID, complete, page_login, token


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html.decode())))


def _desk_pages(app: Flask) -> FlaskClient:
    desk = app.test_client()
    page_login(desk, "motcua.minhxuan")
    return desk


def _after(html: str, marker: str) -> str:
    """The text of the element that follows `marker` (up to its closing tag)."""
    found = re.search(re.escape(marker) + r"(.*?)</(?:td|dd|option|a)>", html, re.S)
    assert found is not None, marker
    return re.sub(r"<[^>]+>", " ", unescape(found.group(1))).split("Thu phí")[0] \
        .split("Nhận bổ sung")[0].strip()


def _received(app: Flask) -> tuple[FlaskClient, str]:
    citizen = citizen_client(app)
    code = submit_on_page(citizen)
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    return citizen, code


def _names_everywhere(app: Flask, citizen: FlaskClient, code: str, status: Status) -> set[str]:
    """The words each page gives the dossier's status."""
    desk = _desk_pages(app)
    listed = desk.get(f"/can-bo/ho-so?status={int(status)}").data.decode()
    dossier_page = desk.get(f"/can-bo/ho-so/{code}").data.decode()
    mine = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    my_list = citizen.get("/ca-nhan").data.decode()
    tracked = app.test_client().post("/api/v1/track", json={"code": code,
                                                            "id_number": APPLICANT_ID}).json
    row = listed[listed.index(f">{code}</a>"):]
    return {
        _after(row, 'data-label="Trạng thái">'),
        _after(listed, f'<option value="{int(status)}" selected>'),
        _after(dossier_page, 'id="dossier-status">'),
        _after(mine, 'id="status">'),
        _after(my_list[my_list.index(code):], 'data-label="Trạng thái">'),
        tracked["status_label"],
    }


def test_a_dossier_waiting_for_the_fee_is_named_alike_on_every_page(app: Flask) -> None:
    citizen, code = _received(app)
    asked = officer(app, "chuyenvien.minhxuan").post(
        f"/api/v1/dossiers/{code}/request-payment", json={})
    assert asked.status_code == 200, asked.json
    assert _names_everywhere(app, citizen, code, Status.PAYMENT) == {"Chờ nộp phí"}
    listed = _text(_desk_pages(app).get("/can-bo/ho-so").data)
    assert "nghĩa vụ tài chính" not in listed
    assert "nghĩa vụ tài chính" not in _text(citizen.get(f"/ca-nhan/ho-so/{code}").data)


def test_a_dossier_waiting_for_papers_is_named_alike_on_every_page(app: Flask) -> None:
    citizen, code = _received(app)
    asked = officer(app, "motcua.minhxuan").post(
        f"/api/v1/dossiers/{code}/request-supplement",
        json={"missing": ["Bản vẽ mặt cắt"], "note": ""})
    assert asked.status_code == 200, asked.json
    assert _names_everywhere(app, citizen, code, Status.SUPPLEMENT) == {"Chờ bổ sung"}
    quick = _desk_pages(app).get("/can-bo/ho-so?view=supplement").data.decode()
    tabs = quick[quick.index('aria-label="Xem nhanh"'):]
    assert _after(tabs, 'aria-current="page">') == "Chờ bổ sung"


def test_legal_papers_and_the_national_portal_keep_the_decisions_names() -> None:
    assert STATUS_LEGAL_LABELS[Status.PAYMENT] == "Yêu cầu nghĩa vụ tài chính"
    assert STATUS_LEGAL_LABELS[Status.SUPPLEMENT] == "Yêu cầu bổ sung"
    assert Status.PAYMENT.label == "Chờ nộp phí"


def test_the_fees_history_line_writes_the_amount_with_its_thousands_separator(
    app: Flask,
) -> None:
    _, code = _received(app)
    asked = officer(app, "chuyenvien.minhxuan").post(
        f"/api/v1/dossiers/{code}/request-payment", json={})
    assert asked.status_code == 200 and asked.json["amount"] == 75000
    desk = _desk_pages(app)
    page = desk.get(f"/can-bo/ho-so/{code}")
    assert 'name="amount" inputmode="numeric" value="75.000"' in page.data.decode()  # as read
    cash = desk.post(f"/can-bo/ho-so/{code}/thu-phi", data={
        "csrf_token": token(page.data), "amount": "75.000", "payer": "Nguyễn Văn An"})
    assert cash.status_code == 303
    history = _text(desk.get(f"/can-bo/ho-so/{code}").data)
    history = history[history.index("Quá trình xử lý"):]
    assert "75000" not in history
    assert history.count("75.000 đồng") >= 2  # asked, then paid in cash


def _codes(client: FlaskClient, query: str) -> list[str]:
    response = client.get("/api/v1/dossiers", query_string={"q": query})
    assert response.status_code == 200, response.json
    return [d["code"] for d in response.json["dossiers"]]


def test_the_end_of_a_code_finds_the_dossier(app: Flask, clock: FixedClock) -> None:
    _, first = _received(app)
    clock.advance(timedelta(days=1))
    _, second = _received(app)
    desk = officer(app, "motcua.minhxuan")
    unit, day, number = second.rsplit("-", 2)
    assert _codes(desk, f"{day}-{number}") == [second]
    assert _codes(desk, f"{first.rsplit('-', 2)[1]}-{number}") == [first]
    assert _codes(desk, f"{unit[-3:].lower()}-{day}-{number}") == [second]
    assert _codes(desk, second.lower()) == [second]
    assert _codes(desk, second) == [second]
    assert _codes(desk, f"{day}-9999") == []
    pages = _text(_desk_pages(app).get("/can-bo/ho-so", query_string={"q": f"{day}-{number}"}).data)
    assert second in pages and first not in pages


def test_public_tracking_ignores_the_codes_letter_case(app: Flask) -> None:
    _, code = _received(app)
    lower = code.lower()
    assert lower != code  # the unit code has letters
    tracked = app.test_client().post("/api/v1/track", json={"code": lower,
                                                            "id_number": APPLICANT_ID})
    assert tracked.status_code == 200 and tracked.json["code"] == code
    visitor = app.test_client()
    form = visitor.get("/tra-cuu")
    page = visitor.post("/tra-cuu", data={"ma": f" {lower} ", "so_dinh_danh": APPLICANT_ID,
                                          "csrf_token": token(form.data)})
    assert page.status_code == 200 and code in _text(page.data)
    wrong = app.test_client().post("/api/v1/track", json={"code": lower,
                                                          "id_number": "001099000000"})
    assert wrong.status_code == 404
