"""The provincial calendar as the province administrator found it: a make-up working day
on a Wednesday was accepted; a day off over a make-up day replaced it without a word; no
weekday; the national holidays («đã có sẵn») not shown anywhere."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient

from tests.helpers import login


def _text(page: bytes) -> str:
    body = page.decode().split("<main", 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _declare(client: FlaskClient, day: str, kind: str, reason: str, **more: str) -> str:
    answer = client.post("/quan-tri/lich", data={"province": "Tuyên Quang", "day": day,
                                                 "kind": kind, "reason": reason, **more},
                         follow_redirects=True)
    return _text(answer.data)


def test_a_make_up_working_day_must_be_a_weekend_day(client: FlaskClient) -> None:
    login(client, "quantri")
    raw = client.post("/quan-tri/lich", data={"province": "Tuyên Quang", "day": "09/12/2026",
                                              "kind": "working", "reason": "Quyết định 30/QĐ-UBND"},
                      follow_redirects=True).data.decode()
    page = _text(raw.encode())
    assert ("Ngày 09/12/2026 là Thứ Tư, vốn đã là ngày làm việc: ngày làm việc (làm bù) phải là "
            "Thứ Bảy hoặc Chủ nhật.") in page
    assert "Chưa khai báo ngày nào cho năm 2026." in page  # nothing saved
    assert 'value="09/12/2026"' in raw and 'value="Quyết định 30/QĐ-UBND"' in html.unescape(raw)
    assert re.search(r'value="working"\s+checked', raw)  # what was typed, kept to correct
    assert "Đã cập nhật lịch ngày 12/12/2026" in _declare(client, "12/12/2026", "working",
                                                           "Quyết định 30/QĐ-UBND")


def test_a_day_off_over_a_make_up_day_asks_before_replacing_it(client: FlaskClient) -> None:
    login(client, "quantri")
    _declare(client, "12/12/2026", "working", "Quyết định 30/QĐ-UBND: làm bù")
    asked = _declare(client, "12/12/2026", "off", "Quyết định 31/QĐ-UBND: nghỉ")
    assert "Ngày 12/12/2026 đang là ngày làm bù; thay bằng ngày nghỉ?" in asked
    assert "12/12/2026 Thứ Bảy Ngày làm việc Quyết định 30/QĐ-UBND: làm bù" in asked  # unchanged
    kept = _text(client.get("/quan-tri/lich?tinh=Tuyên Quang&nam=2026").data)
    assert "12/12/2026 Thứ Bảy Ngày làm việc" in kept
    done = _declare(client, "12/12/2026", "off", "Quyết định 31/QĐ-UBND: nghỉ", replace="1")
    assert "Đã cập nhật lịch ngày 12/12/2026" in done
    assert "12/12/2026 Thứ Bảy Ngày nghỉ Quyết định 31/QĐ-UBND: nghỉ" in done


def test_the_years_national_holidays_are_listed_read_only(client: FlaskClient) -> None:
    login(client, "quantri")
    page = _text(client.get("/quan-tri/lich?tinh=Tuyên Quang&nam=2026").data)
    assert "Ngày nghỉ lễ, Tết năm 2026 theo Bộ luật Lao động (có sẵn, không sửa được)" in page
    assert "02/09/2026 Thứ Tư Ngày nghỉ Quốc khánh theo Bộ luật Lao động" in page
    assert "17/02/2026 Thứ Ba Ngày nghỉ Tết Nguyên Đán theo Bộ luật Lao động" in page
    assert "22/08/2026 Thứ Bảy Ngày làm việc" in page  # the government's swapped Saturday
