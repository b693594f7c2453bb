"""The report's resolution times by procedure (`statistics_report(...)["procedures"]`) as
files: a worksheet «Thời gian giải quyết» for the report's XLSX, and a CSV of their own.

Both hold the rows of the report page's table «Thời gian giải quyết theo thủ tục (ngày, từ
khi tiếp nhận)» in its order: the procedure, the number of resolved dossiers, the average
and the median in days («—» where the page shows «—»). The worksheet keeps the days as
numbers shown with the page's one decimal («2,5 ngày» in Excel set to Vietnamese); an empty
period says «Không có số liệu trong kỳ» as the page does. The CSV is for programs: each row
starts with the agency's code and name (or «Toàn tỉnh») and the period so files of several
agencies or months stack, the days with a decimal point; an empty period is its heading
row alone.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from engine.reports.indicator_exports import NONE, day_vn

SHEET = "Thời gian giải quyết"
TITLE = "Thời gian giải quyết theo thủ tục (ngày, từ khi tiếp nhận)"
EMPTY = "Không có số liệu trong kỳ: chưa có hồ sơ nào được giải quyết."
HEADINGS = ["Thủ tục", "Số hồ sơ đã giải quyết", "Trung bình", "Trung vị"]
CSV_HEADINGS = ["Mã cơ quan", "Cơ quan", "Từ ngày", "Đến ngày", "Mã thủ tục", "Thủ tục",
                "Số hồ sơ đã giải quyết", "Trung bình (ngày)", "Trung vị (ngày)"]
DAYS = '0.0" ngày"'  # the page's «2,5 ngày»: a number, one decimal, the unit beside it
PROVINCE = "Toàn tỉnh"


def scope(report: dict[str, Any]) -> tuple[str, str]:
    """The agency the report covers (code, name), or ("", «Toàn tỉnh») for all of them."""
    code = report["filters"]["agency"]
    names = {a["code"]: a["name"] for a in report["agencies"]}
    return (code, names.get(code, code)) if code else ("", PROVINCE)


def _days(procedure: dict[str, Any]) -> list[Any]:
    days = procedure["resolution_days"]
    return [days["count"], *(NONE if days[k] is None else days[k] for k in ("average", "median"))]


def durations_sheet(book: Workbook, report: dict[str, Any]) -> None:
    """Add the worksheet «Thời gian giải quyết» to `book`: the title, the scope and period,
    then the headings and a row per procedure — or the page's sentence for an empty period."""
    sheet = book.create_sheet(SHEET)
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=13)
    period = report["period"]
    sheet.append([f"{scope(report)[1]}, từ ngày {day_vn(period['start'])} "
                  f"đến ngày {day_vn(period['end'])}"])
    sheet.column_dimensions["A"].width = 60
    for column in ("B", "C", "D"):
        sheet.column_dimensions[column].width = 16
    if not report["procedures"]:
        sheet.append([EMPTY])
        return
    sheet.append(HEADINGS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for procedure in report["procedures"]:
        sheet.append([f"{procedure['name']} ({procedure['code']})", *_days(procedure)])
        for cell in sheet[sheet.max_row][2:]:
            if isinstance(cell.value, int | float):
                cell.number_format = DAYS
        sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True,
                                                                      vertical="top")


def durations_to_csv(report: dict[str, Any]) -> bytes:
    """The resolution times as one CSV table (UTF-8 with a byte-order mark, comma-separated,
    decimal point): CSV_HEADINGS, a row per procedure."""
    period = report["period"]
    ident = [*scope(report), day_vn(period["start"]), day_vn(period["end"])]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADINGS)
    for procedure in report["procedures"]:
        writer.writerow([*ident, procedure["code"], procedure["name"], *_days(procedure)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
