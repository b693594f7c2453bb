"""The report page's table «Thời gian giải quyết theo thủ tục» travels with its downloads: the
XLSX holds it in a worksheet «Thời gian giải quyết» with the page's headings and values
(days as numbers shown with one decimal, «—» where the page shows «—», the page's sentence
for an empty period), and a CSV of its own («Thời gian giải quyết theo thủ tục (CSV)») has
the same rows for programs. The page says which file to open in Excel."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from engine.wiring import Platform
from tests.functional.test_report_exports import _words
from tests.functional.test_report_indicator_exports import _download
from tests.helpers import MINH_XUAN, page_login
from tests.service.test_reports import _insert
from webapp.filters import vn_number

NOVEMBER = f"/quan-tri/bao-cao?co_quan={MINH_XUAN}&tu=01/11/2026&den=30/11/2026"
JANUARY = f"/quan-tri/bao-cao?co_quan={MINH_XUAN}&tu=01/01/2026&den=31/01/2026"
XLSX_LINK = "Báo cáo và chỉ số (Excel .xlsx)"
CSV_LINK = "Thời gian giải quyết theo thủ tục (CSV)"
EMPTY = "Không có số liệu trong kỳ: chưa có hồ sơ nào được giải quyết."


def _page(app: Flask, url: str) -> tuple[FlaskClient, str]:
    leader = app.test_client()
    page_login(leader, "lanhdao.minhxuan")
    return leader, leader.get(url).data.decode()


def _shown(page: str) -> list[list[str]]:
    """The page's table of resolution times: [procedure, count, average, median] per row."""
    table = page.split('id="durations"', 1)[1].split("</table>", 1)[0]
    return [[_words(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)]


def _as_shown(value: Any) -> str:
    """A number of days the way the page prints it («2,5 ngày», «—»)."""
    return value if value == "—" else f"{vn_number(float(value), 1)} ngày"


def test_the_xlsx_holds_the_pages_resolution_times(app: Flask, platform: Platform) -> None:
    _insert(platform)
    leader, page = _page(app, NOVEMBER)
    shown = _shown(page)
    assert len(shown) >= 2 and any(row[2] != "—" for row in shown)
    book = load_workbook(io.BytesIO(_download(leader, page, XLSX_LINK).data))
    assert book.sheetnames == ["Báo cáo", "Thời gian giải quyết", "Chỉ số QĐ 766"]
    sheet = book["Thời gian giải quyết"]
    assert sheet["A1"].value == "Thời gian giải quyết theo thủ tục (ngày, từ khi tiếp nhận)"
    assert sheet["A2"].value == "UBND phường Minh Xuân, từ ngày 01/11/2026 đến ngày 30/11/2026"
    assert [c.value for c in sheet[3]] == ["Thủ tục", "Số hồ sơ đã giải quyết", "Trung bình",
                                           "Trung vị"]
    rows = list(sheet.iter_rows(min_row=4, max_row=sheet.max_row))
    assert len(rows) == len(shown)
    for cells, page_row in zip(rows, shown, strict=True):
        procedure, count = cells[0].value, cells[1].value
        assert procedure == page_row[0] and isinstance(count, int)
        assert str(count) == page_row[1]
        for cell, text in zip(cells[2:], page_row[2:], strict=True):
            assert _as_shown(cell.value) == text
            if cell.value != "—":  # a number Excel can add up, shown as the page shows it
                assert isinstance(cell.value, float | int)
                assert cell.number_format == '0.0" ngày"'


def test_the_resolution_times_csv_has_the_pages_rows(app: Flask, platform: Platform) -> None:
    _insert(platform)
    leader, page = _page(app, NOVEMBER)
    shown = _shown(page)
    answer = _download(leader, page, CSV_LINK)
    assert answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="thoi-gian-giai-quyet-{MINH_XUAN}-2026-11-01-2026-11-30.csv"')
    assert answer.data.startswith(b"\xef\xbb\xbfM")  # a BOM, then the headings: no «sep=»
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert rows[0] == ["Mã cơ quan", "Cơ quan", "Từ ngày", "Đến ngày", "Mã thủ tục", "Thủ tục",
                       "Số hồ sơ đã giải quyết", "Trung bình (ngày)", "Trung vị (ngày)"]
    assert len(rows) - 1 == len(shown)
    for row, page_row in zip(rows[1:], shown, strict=True):
        assert row[:4] == [MINH_XUAN, "UBND phường Minh Xuân", "01/11/2026", "30/11/2026"]
        assert f"{row[5]} ({row[4]})" == page_row[0] and row[6] == page_row[1]
        assert [_as_shown(v) for v in row[7:]] == page_row[2:]
        assert all("," not in v for v in row[7:])  # a decimal point, as programs read it


def test_an_empty_period_says_so_in_the_worksheet_and_the_csv_has_no_rows(
        app: Flask, platform: Platform) -> None:
    _insert(platform)
    leader, page = _page(app, JANUARY)
    assert 'id="durations"' not in page
    said = _words(page.split('id="durations-empty">', 1)[1].split("</p>", 1)[0])
    assert said == EMPTY
    book = load_workbook(io.BytesIO(_download(leader, page, XLSX_LINK).data))
    sheet = book["Thời gian giải quyết"]
    assert sheet["A2"].value == "UBND phường Minh Xuân, từ ngày 01/01/2026 đến ngày 31/01/2026"
    assert [[c.value for c in r] for r in sheet.iter_rows(min_row=3)] == [[said]]
    rows = list(csv.reader(io.StringIO(
        _download(leader, page, CSV_LINK).data.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0][0] == "Mã cơ quan"


def test_the_province_report_exports_its_resolution_times_too(
        app: Flask, platform: Platform) -> None:
    _insert(platform)
    admin = app.test_client()
    page_login(admin, "quantri")
    page = admin.get("/quan-tri/bao-cao?tu=01/11/2026&den=30/11/2026").data.decode()
    shown = _shown(page)
    book = load_workbook(io.BytesIO(_download(admin, page, "Báo cáo (Excel .xlsx)").data))
    assert book.sheetnames == ["Báo cáo", "Thời gian giải quyết"]
    sheet = book["Thời gian giải quyết"]
    assert sheet["A2"].value == "Toàn tỉnh, từ ngày 01/11/2026 đến ngày 30/11/2026"
    assert [[r[0], str(r[1]), *map(_as_shown, r[2:])]
            for r in sheet.iter_rows(min_row=4, values_only=True)] == shown
    rows = list(csv.reader(io.StringIO(
        _download(admin, page, CSV_LINK).data.decode("utf-8-sig"))))
    assert len(rows) - 1 == len(shown) and rows[1][:2] == ["", "Toàn tỉnh"]
    wrong = admin.get("/api/v1/reports/statistics?from=2026-11-01&to=2026-11-30"
                      "&format=xlsx&table=procedures")
    assert wrong.status_code == 400


def test_the_page_says_the_excel_file_is_the_one_to_open_in_excel(
        app: Flask, platform: Platform) -> None:
    """Excel set to Vietnamese separates a list with «;» and reads «,» as the decimal mark:
    the comma CSVs (for programs) open there as one column, so the page points to the XLSX."""
    _insert(platform)
    _, page = _page(app, NOVEMBER)
    downloads = _words(page.split('id="downloads"', 1)[1].split("</div>", 1)[0])
    assert "Để mở bằng Excel, hãy tải tệp Excel (.xlsx)" in downloads
    assert "dấu phẩy" in downloads and "dấu chấm" in downloads
