"""The QĐ 766 indicators travel with the report's downloads: a leader who exports the report
to send it to the province gets, for the agency and the period the page shows, the same
indicators with the same values — the XLSX in a second worksheet «Chỉ số QĐ 766», and a CSV
of their own («Chỉ số QĐ 766 (CSV)»), one row per indicator like the page's table."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from engine.wiring import Platform
from tests.functional.test_report_exports import PERIOD, _indicator_rows, _words
from tests.helpers import MINH_XUAN, page_login
from tests.service.test_reports import _insert
from webapp.filters import vn_number

PAGE = f"/quan-tri/bao-cao?co_quan={MINH_XUAN}&tu=01/11/2026&den=30/11/2026"
HEADINGS = ["Số hiệu", "Chỉ số", "Tử số", "Mẫu số", "Giá trị", "Đơn vị", "Điểm", "Điểm tối đa",
            "Tử số gồm", "Mẫu số gồm", "Cách tính"]


def _leader(app: Flask) -> tuple[FlaskClient, str]:
    leader = app.test_client()
    page_login(leader, "lanhdao.minhxuan")
    return leader, leader.get(PAGE).data.decode()


def _download(leader: FlaskClient, page: str, text: str) -> Any:
    """Follow the page's own download link named `text` (the route the leader clicks)."""
    links = re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', page, re.S)
    href = next(unescape(h) for h, words in links if _words(words) == text)
    answer = leader.get(href)
    assert answer.status_code == 200, answer.data[:300]
    return answer


def _as_shown(value: Any, unit: str, number_format: str = "") -> str:
    """A value the way the page prints it («93,8%», «2,5 ngày», «—»)."""
    if value == "—":
        return "—"
    if unit == "%":
        return f"{vn_number(round(value * 100, 2) if number_format == '0.0%' else value, 1)}%"
    return f"{vn_number(value, 1)} ngày"


def _parts(count: Any, parts: str) -> str:
    """A numerator or denominator cell of the page: the count, then its parts."""
    return " ".join([vn_number(count), *[p.strip() for p in parts.split(";") if p.strip()]])


def _score(text: str) -> Any:
    """The page's «11,43 / 20,0» as (11.43, 20.0); «—» as it is."""
    if text == "—":
        return text
    score, most = (float(part.replace(".", "").replace(",", ".")) for part in text.split(" / "))
    return score, most


def test_the_xlsx_holds_the_indicators_of_the_page_in_a_second_worksheet(
        app: Flask, platform: Platform) -> None:
    _insert(platform)
    leader, page = _leader(app)
    shown = _indicator_rows(page)
    api = leader.get(f"/api/v1/reports/indicators?{PERIOD}&agency={MINH_XUAN}").json
    book = load_workbook(io.BytesIO(_download(leader, page, "Báo cáo và chỉ số (Excel .xlsx)")
                                    .data))
    assert book.sheetnames == ["Báo cáo", "Thời gian giải quyết", "Chỉ số QĐ 766"]
    assert book.active.title == "Báo cáo"
    sheet = book["Chỉ số QĐ 766"]
    assert sheet["A1"].value == "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)"
    assert sheet["A2"].value == "UBND phường Minh Xuân, từ ngày 01/11/2026 đến ngày 30/11/2026"
    assert [c.value for c in sheet[3]] == HEADINGS
    rows = list(sheet.iter_rows(min_row=4, max_row=3 + len(api["indicators"])))
    assert len(rows) == len(shown) - 1 == 10  # and the page's total score
    for cells, indicator in zip(rows, api["indicators"], strict=True):
        number, name, numerator, denominator, value, unit = (c.value for c in cells[:6])
        page_cells = shown[f"{number} {name}"]  # the page's row under the same heading
        assert value == (indicator["value"] if indicator["value"] is not None else "—")
        assert (numerator, denominator) == (indicator["numerator"], indicator["denominator"])
        assert _as_shown(value, unit, cells[4].number_format) == page_cells[2]
        assert _parts(numerator, cells[8].value or "") == page_cells[0]
        assert _parts(denominator, cells[9].value or "") == page_cells[1]
        score, most = cells[6].value, cells[7].value
        assert _score(page_cells[3]) == (score if score == "—" else (score, most))
        assert cells[10].value == indicator["explanation"]
    on_time = rows[0]
    assert on_time[0].value == "2.1" and on_time[4].number_format == "0.0%"
    assert on_time[2].value == 4 and on_time[3].value == 7  # worked out in test_report_exports
    total = [c.value for c in sheet[4 + len(api["indicators"])]]
    assert total[1] == "Tổng điểm các chỉ số tính từ hệ thống"
    assert total[6:8] == [api["score"], api["max_score"]]
    assert [_score(c) for c in shown[total[1]]] == [(total[6], total[7])]


def test_the_indicators_csv_has_the_pages_rows_with_their_agency_and_period(
        app: Flask, platform: Platform) -> None:
    _insert(platform)
    leader, page = _leader(app)
    shown = _indicator_rows(page)
    api = leader.get(f"/api/v1/reports/indicators?{PERIOD}&agency={MINH_XUAN}").json
    answer = _download(leader, page, "Chỉ số QĐ 766 (CSV)")
    assert answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="chi-so-qd766-{MINH_XUAN}-2026-11-01-2026-11-30.csv"')
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert rows[0] == ["Mã cơ quan", "Cơ quan", "Từ ngày", "Đến ngày", *HEADINGS]
    body = rows[1:1 + len(api["indicators"])]
    assert len(body) == len(shown) - 1 == 10  # and the page's total score
    for row, indicator in zip(body, api["indicators"], strict=True):
        assert row[:4] == [MINH_XUAN, "UBND phường Minh Xuân", "01/11/2026", "30/11/2026"]
        number, name, numerator, denominator, value, unit = row[4:10]
        page_cells = shown[f"{number} {name}"]
        expected = indicator["value"]
        if expected is None:
            assert value == "—"
        else:  # a plain number («93.75» per cent), the page's value before it is rounded
            assert float(value) == round(expected * 100, 2) if unit == "%" else expected
        assert _as_shown(float(value) if value != "—" else value, unit) == page_cells[2]
        assert float(numerator) == indicator["numerator"]
        assert float(denominator) == indicator["denominator"]
        assert _parts(indicator["numerator"], row[12]) == page_cells[0]
    total = rows[1 + len(api["indicators"])]
    assert total[5] == "Tổng điểm các chỉ số tính từ hệ thống"
    assert [_score(c) for c in shown[total[5]]] == [(float(total[10]), float(total[11]))]
    # The statistics CSV stays one table: the indicators have their own file.
    statistics = _download(leader, page, "Bảng thống kê (CSV)").data.decode("utf-8-sig")
    assert "QĐ 766" not in statistics


def test_the_province_report_has_no_indicators_to_export(app: Flask, platform: Platform) -> None:
    """Without one agency (an administrator's «Toàn tỉnh») the page shows no indicators, and
    neither do its downloads; with a procedure or channel filter the API's XLSX holds the
    statistics alone (the indicators count the whole agency)."""
    _insert(platform)
    admin = app.test_client()
    page_login(admin, "quantri")
    page = admin.get("/quan-tri/bao-cao?tu=01/11/2026&den=30/11/2026").data.decode()
    assert 'id="indicators"' not in page and "Chỉ số QĐ 766 (CSV)" not in page
    book = load_workbook(io.BytesIO(_download(admin, page, "Báo cáo (Excel .xlsx)").data))
    assert book.sheetnames == ["Báo cáo", "Thời gian giải quyết"]
    filtered = admin.get(f"/api/v1/reports/statistics?{PERIOD}&agency={MINH_XUAN}"
                         "&channel=online&format=xlsx")
    assert load_workbook(io.BytesIO(filtered.data)).sheetnames == ["Báo cáo",
                                                                     "Thời gian giải quyết"]
    wrong = admin.get(f"/api/v1/reports/indicators?{PERIOD}&agency={MINH_XUAN}&format=pdf")
    assert wrong.status_code == 400 and "json hoặc csv" in wrong.json["error"]["message"]
