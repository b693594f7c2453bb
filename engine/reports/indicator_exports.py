"""An agency's QĐ 766 indicators (`indicators.indicators`) as files: a worksheet «Chỉ số QĐ
766» for the report's XLSX, and a CSV of their own.

Both hold the rows of the report page's indicators table, in its order, with the same
values: the number as QĐ 766 prints it, the name, the numerator and denominator with their
parts in words, the value (a rate as a fraction formatted «0.0%» in the XLSX, as per cent in
the CSV; 2.2 in days), the score and its maximum, and how it is counted. «—» stands where
the page shows «—» (no dossier to count, no score). Each CSV row starts with the agency's code
and name and the period, so CSV files of several agencies or months stack into one table.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

SHEET = "Chỉ số QĐ 766"
TITLE = "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)"
TOTAL = "Tổng điểm các chỉ số tính từ hệ thống"
NOT_RECORDED = " (hệ thống chưa ghi nhận dữ liệu này)"
HEADINGS = ["Số hiệu", "Chỉ số", "Tử số", "Mẫu số", "Giá trị", "Đơn vị", "Điểm", "Điểm tối đa",
            "Tử số gồm", "Mẫu số gồm", "Cách tính"]
VALUE, UNIT = HEADINGS.index("Giá trị"), HEADINGS.index("Đơn vị")
NONE = "—"  # what the page shows for a value or a score there is none of
FORMATS = {"%": "0.0%", "ngày": "0.0"}  # the page's one decimal


def day_vn(iso: str) -> str:
    """An ISO day as the pages write it (dd/mm/yyyy)."""
    return f"{date.fromisoformat(iso):%d/%m/%Y}"


def _parts(parts: list[dict[str, Any]]) -> str | None:
    return "; ".join(f"{p['label']}: {p['count']}" for p in parts) or None


def _or_none(value: Any) -> Any:
    return NONE if value is None else value


def rows(found: dict[str, Any]) -> list[list[Any]]:
    """One row per indicator as the page lists them (HEADINGS), then the total score; a rate
    is the engine's fraction (0.9375 for «93,8%»)."""
    lines = [[i["number"], i["name"] + ("" if i["recorded"] else NOT_RECORDED),
              i["numerator"], i["denominator"], _or_none(i["value"]),
              "%" if i["unit"] == "rate" else "ngày",
              _or_none(i["score"]), _or_none(i["max_points"]),
              _parts(i["numerator_parts"]), _parts(i["denominator_parts"]), i["explanation"]]
             for i in found["indicators"]]
    lines.append([None, TOTAL, *[None] * 4, found["score"], found["max_score"], *[None] * 3])
    return lines


def subtitle(found: dict[str, Any]) -> str:
    """«UBND phường Minh Xuân, từ ngày 01/11/2026 đến ngày 30/11/2026»."""
    period = found["period"]
    return (f"{found['agency']['name']}, từ ngày {day_vn(period['start'])} "
            f"đến ngày {day_vn(period['end'])}")


def indicators_sheet(book: Workbook, found: dict[str, Any]) -> None:
    """Add the worksheet «Chỉ số QĐ 766» to `book`: the title, the agency and period, the
    headings, a row per indicator, the total score."""
    sheet = book.create_sheet(SHEET)
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([subtitle(found)])
    sheet.append(HEADINGS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for line in rows(found):
        sheet.append(line)
        cell = sheet.cell(row=sheet.max_row, column=VALUE + 1)
        if isinstance(cell.value, int | float) and line[UNIT] in FORMATS:
            cell.number_format = FORMATS[line[UNIT]]
    sheet.cell(row=sheet.max_row, column=2).font = Font(bold=True)
    for column, width in (("B", 55), ("I", 40), ("J", 40), ("K", 70)):
        sheet.column_dimensions[column].width = width
    for cells in sheet.iter_rows(min_row=4, max_row=sheet.max_row):
        for cell in cells:
            cell.alignment = Alignment(vertical="top", wrap_text=True)


def indicators_to_csv(found: dict[str, Any]) -> bytes:
    """The indicators as one CSV table (UTF-8 with a byte-order mark): the agency's code and
    name and the period, then HEADINGS; a rate in per cent («93.75», its unit «%»), numbers
    with a decimal point as every program reads them."""
    agency, period = found["agency"], found["period"]
    ident = [agency["code"], agency["name"], day_vn(period["start"]), day_vn(period["end"])]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Mã cơ quan", "Cơ quan", "Từ ngày", "Đến ngày", *HEADINGS])
    for line in rows(found):
        if line[UNIT] == "%" and isinstance(line[VALUE], float | int):
            line[VALUE] = round(line[VALUE] * 100, 2)
        writer.writerow([*ident, *line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
