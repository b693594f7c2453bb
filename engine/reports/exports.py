"""The statistics report as files: XLSX (openpyxl) and CSV, in the standard column layout
officers copy into their periodic reports. The XLSX also holds the report page's resolution
times by procedure in a worksheet «Thời gian giải quyết» (`duration_exports`) and, with one
agency's QĐ 766 indicators, those in a worksheet «Chỉ số QĐ 766»; each CSV is one table
(`durations_to_csv` and `indicators_to_csv` give the others), so scripts read it as it is.
The CSVs are for programs (comma, decimal point, UTF-8 with a byte-order mark): the XLSX is
the file to open in Excel (see README.md)."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from engine.reports.duration_exports import durations_sheet
from engine.reports.indicator_exports import day_vn, indicators_sheet

# (heading, group, path into a report row)
COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Tổng số", "Tiếp nhận", ("received", "total")),
    ("Kỳ trước chuyển qua", "Tiếp nhận", ("received", "carried_over")),
    ("Trực tuyến", "Tiếp nhận", ("received", "new_online")),
    ("Trực tiếp", "Tiếp nhận", ("received", "new_desk")),
    ("Bưu chính", "Tiếp nhận", ("received", "new_post")),
    ("Tổng số", "Đã giải quyết", ("resolved", "total")),
    ("Trước hạn", "Đã giải quyết", ("resolved", "early")),
    ("Đúng hạn", "Đã giải quyết", ("resolved", "on_time")),
    ("Quá hạn", "Đã giải quyết", ("resolved", "late")),
    ("Tổng số", "Đang giải quyết", ("in_progress", "total")),
    ("Trong hạn", "Đang giải quyết", ("in_progress", "within")),
    ("Quá hạn", "Đang giải quyết", ("in_progress", "past")),
    ("Chờ bổ sung", "Tạm dừng", ("paused",)),
    ("Từ chối", "Khác", ("refused",)),
    ("Rút hồ sơ", "Khác", ("withdrawn",)),
    ("Đã trả kết quả", "Khác", ("returned",)),
    ("Lượt yêu cầu bổ sung", "Khác", ("supplement_rounds",)),
    ("Gia hạn", "Khác", ("extensions",)),
]


def _value(row: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = row
    for key in path:
        value = value[key]
    return value


def _rows(report: dict[str, Any]) -> list[list[Any]]:
    lines = [[index, f"{a['name']} ({a['code']})", *(_value(a, p) for _, _, p in COLUMNS)]
             for index, a in enumerate(report["agencies"], start=1)]
    lines.append(["", "Tổng cộng", *(_value(report["total"], p) for _, _, p in COLUMNS)])
    return lines


def _title(report: dict[str, Any]) -> str:
    period = report["period"]
    return (f"Báo cáo tình hình giải quyết thủ tục hành chính từ ngày {day_vn(period['start'])} "
            f"đến ngày {day_vn(period['end'])}")


def to_xlsx(report: dict[str, Any], found: dict[str, Any] | None = None) -> bytes:
    """A workbook: the title, two heading rows (groups, columns), a row per agency, the total;
    then the worksheet «Thời gian giải quyết» (the page's resolution times by procedure) and,
    with `found` (an agency's `indicators`), «Chỉ số QĐ 766» — the page's order."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "Báo cáo"
    sheet.append([_title(report)])
    sheet["A1"].font = Font(bold=True, size=13)
    groups = ["STT", "Cơ quan", *(group for _, group, _ in COLUMNS)]
    sheet.append(groups)
    sheet.append(["", "", *(heading for heading, _, _ in COLUMNS)])
    start = 3
    for column in range(3, len(groups) + 1):  # merge each group's heading across its columns
        if column == len(groups) or groups[column] != groups[column - 1]:
            if column > start:
                sheet.merge_cells(start_row=2, start_column=start, end_row=2, end_column=column)
            start = column + 1
    for cells in sheet.iter_rows(min_row=2, max_row=3):
        for cell in cells:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for line in _rows(report):
        sheet.append(line)
    sheet.cell(row=sheet.max_row, column=2).font = Font(bold=True)
    sheet.column_dimensions["B"].width = 40
    durations_sheet(book, report)
    if found is not None:
        indicators_sheet(book, found)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_csv(report: dict[str, Any]) -> bytes:
    """The same table as CSV for programs (comma-separated, UTF-8 with a byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["STT", "Cơ quan", *(f"{group}: {heading}" for heading, group, _ in COLUMNS)])
    writer.writerows(_rows(report))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
