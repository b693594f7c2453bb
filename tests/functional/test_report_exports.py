"""Reports through the API: the XLSX opened with openpyxl and its totals checked against the
query; the CSV; the indicators; the refusals."""

from __future__ import annotations

import csv
import io

from flask import Flask
from openpyxl import load_workbook

from engine.wiring import Platform
from tests.helpers import MINH_XUAN, login
from tests.service.test_reports import _insert

PERIOD = "from=2026-11-01&to=2026-11-30"


def test_the_xlsx_totals_match_the_query(app: Flask, platform: Platform) -> None:
    _insert(platform)
    admin = app.test_client()
    login(admin, "quantri")
    report = admin.get(f"/api/v1/reports/statistics?{PERIOD}").json
    xlsx = admin.get(f"/api/v1/reports/statistics?{PERIOD}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet["A1"].value.startswith("Báo cáo tình hình giải quyết thủ tục hành chính")
    headings = [sheet.cell(row=3, column=c).value for c in range(1, sheet.max_column + 1)]
    total = {headings[c - 1]: sheet.cell(row=sheet.max_row, column=c).value
             for c in range(3, sheet.max_column + 1)}
    assert sheet.cell(row=sheet.max_row, column=2).value == "Tổng cộng"
    assert [sheet.cell(row=r, column=3).value for r in range(4, sheet.max_row)] == [
        a["received"]["total"] for a in report["agencies"]]
    assert sheet.cell(row=sheet.max_row, column=3).value == report["total"]["received"]["total"] == 10
    assert total["Trước hạn"] == report["total"]["resolved"]["early"]
    assert total["Chờ bổ sung"] == report["total"]["paused"] == 1
    agency_rows = range(4, sheet.max_row)
    for column in range(3, sheet.max_column + 1):  # each total is the sum of the agencies
        assert sheet.cell(row=sheet.max_row, column=column).value == sum(
            sheet.cell(row=r, column=column).value for r in agency_rows)


def test_csv_and_indicators_for_a_leader(app: Flask, platform: Platform) -> None:
    _insert(platform)
    leader = app.test_client()
    login(leader, "lanhdao.minhxuan")
    text = leader.get(f"/api/v1/reports/statistics?{PERIOD}&agency={MINH_XUAN}&format=csv").data
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert rows[0][:3] == ["STT", "Cơ quan", "Tiếp nhận: Tổng số"]
    assert rows[-1][1] == "Tổng cộng" and rows[-1][2] == "9"
    found = leader.get(f"/api/v1/reports/indicators?{PERIOD}&agency={MINH_XUAN}").json
    assert {i["code"] for i in found["indicators"]} >= {"2.1", "2.2", "3.6", "4.2", "5.4"}
    assert leader.get(f"/api/v1/reports/statistics?{PERIOD}").status_code == 403
    bad = leader.get(f"/api/v1/reports/statistics?from=2026-11-30&to=2026-11-01&agency={MINH_XUAN}")
    assert bad.status_code == 400
    assert leader.get(f"/api/v1/reports/statistics?{PERIOD}&agency={MINH_XUAN}&format=pdf"
                      ).status_code == 400


def test_the_report_page_for_a_leader_and_for_the_province(app: Flask, platform: Platform) -> None:
    from tests.helpers import page_login

    _insert(platform)
    leader = app.test_client()
    page_login(leader, "lanhdao.minhxuan")
    page = leader.get("/quan-tri/bao-cao?tu=2026-11-01&den=2026-11-30").data.decode()
    assert "UBND phường Minh Xuân" in page and "Toàn tỉnh" not in page
    assert "2.1 Tỉ lệ hồ sơ giải quyết đúng hạn" in page
    assert "4.3 Tỉ lệ hồ sơ tái sử dụng dữ liệu đã số hóa" in page
    total_row = page.split("<tfoot>", 1)[1].split("</tr>", 1)[0]
    assert "<td>9</td>" in total_row  # received, as the hand-computed test says
    admin = app.test_client()
    page_login(admin, "quantri")
    province = admin.get("/quan-tri/bao-cao?tu=2026-11-01&den=2026-11-30").data.decode()
    assert "Toàn tỉnh" in province and "UBND xã An Tường" in province
    specialist = app.test_client()
    page_login(specialist, "chuyenvien.minhxuan")
    assert specialist.get("/quan-tri/bao-cao").status_code == 403
    assert leader.get("/quan-tri/bao-cao?tu=hom-nay").status_code == 400
