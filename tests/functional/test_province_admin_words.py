"""The province administrator's API keys and calendar pages in words: a key's scopes by what
they allow («Nộp hồ sơ», not «dossiers:submit»); a calendar day as 01/03/2027 and, once
declared, shown on its own year's page (the page went back to the current year, where the
day just saved was not)."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient

from tests.helpers import MINH_XUAN, login


def _text(page: bytes) -> str:
    body = page.decode().split("<main", 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_a_keys_scopes_read_as_what_they_allow(client: FlaskClient) -> None:
    login(client, "quantri")
    form = _text(client.get("/quan-tri/khoa-api").data)
    assert "Phạm vi Đọc danh mục thủ tục Nộp hồ sơ Đọc hồ sơ của cơ quan Tra cứu tình trạng hồ sơ" in form
    made = client.post("/quan-tri/khoa-api", data={
        "name": "Phần mềm một cửa cũ", "agency": MINH_XUAN,
        "scopes": ["dossiers:submit", "tracking:read"], "rate_per_minute": "60"})
    assert made.status_code == 200
    listed = _text(client.get("/quan-tri/khoa-api").data)
    assert "Nộp hồ sơ; Tra cứu tình trạng hồ sơ" in listed
    assert ":read" not in listed and ":submit" not in listed


def test_a_day_declared_for_next_year_is_shown_on_that_years_page(client: FlaskClient) -> None:
    login(client, "quantri")
    saved = client.post("/quan-tri/lich", data={
        "province": "Tuyên Quang", "day": "2027-03-01", "kind": "off",
        "reason": "Quyết định 12/QĐ-UBND: nghỉ bù"})
    assert saved.status_code == 303
    page = _text(client.get(saved.headers["Location"]).data)
    assert "Lịch làm việc Tuyên Quang năm 2027" in page
    assert "01/03/2027 Thứ Hai Ngày nghỉ Quyết định 12/QĐ-UBND: nghỉ bù" in page
    assert "2027-03-01" not in page


def test_removing_a_day_asks_to_confirm_and_records_the_reason_given(client: FlaskClient) -> None:
    login(client, "quantri")
    client.post("/quan-tri/lich", data={"province": "Tuyên Quang", "day": "2027-03-02", "kind": "off",
                                        "reason": "Quyết định 12/QĐ-UBND: nghỉ bù"})
    listed = client.get("/quan-tri/lich?tinh=Tuyên Quang&nam=2027").data.decode()
    assert 'value="Bỏ điều chỉnh"' not in listed  # no fixed reason sent by one click
    link = html.unescape(re.search(r'href="([^"]*/quan-tri/lich/bo[^"]*2027-03-02[^"]*)"', listed).group(1))  # type: ignore[union-attr]
    confirm = _text(client.get(link).data)
    assert "Bỏ điều chỉnh ngày 02/03/2027?" in confirm and "Quyết định 12/QĐ-UBND: nghỉ bù" in confirm
    empty = client.post("/quan-tri/lich/bo", data={"tinh": "Tuyên Quang", "ngay": "2027-03-02",
                                                   "reason": " "})
    assert empty.status_code == 200 and "Nhập lý do bỏ điều chỉnh ngày này." in _text(empty.data)
    assert "02/03/2027 Thứ Ba Ngày nghỉ" in _text(client.get("/quan-tri/lich?tinh=Tuyên Quang&nam=2027").data)
    done = client.post("/quan-tri/lich/bo", data={"tinh": "Tuyên Quang", "ngay": "2027-03-02",
                                                  "reason": "Quyết định 15/QĐ-UBND thu hồi"})
    assert done.status_code == 303
    after = _text(client.get(done.headers["Location"]).data)
    assert "Đã bỏ điều chỉnh ngày 02/03/2027" in after and "02/03/2027 Thứ Ba Ngày nghỉ" not in after
    audit = _text(client.get("/quan-tri/nhat-ky").data)
    assert "Quyết định 15/QĐ-UBND thu hồi" in audit
    assert client.get("/quan-tri/lich/bo?tinh=Tuyên Quang&ngay=2027-03-02").status_code == 404
