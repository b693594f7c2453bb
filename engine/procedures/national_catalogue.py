"""The province's procedure list from the national catalogue's spreadsheet export (Cơ sở dữ
liệu quốc gia về thủ tục hành chính; Đồng Tháp art. 31.3): each row a procedure offered by
one agency — code, name, field, agency level, time, fees, papers, legal basis.

An import is all or nothing: every wrong row is named with its column and nothing is
written. A new procedure is a draft awaiting a process (no version); one already in the
catalogue keeps its versions and gets the national facts. A procedure without a version in
force is listed publicly with "Nộp trực tiếp" only: there is no online form to fill.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.errors import Forbidden, FormInvalid, Invalid
from engine.core.models import Agency, Procedure
from engine.core.permissions import is_administrator
from engine.core.text import fold
from engine.core.uow import UnitOfWork
from engine.procedures.applied import applied_pairs
from engine.procedures.in_force import in_force_versions

MAX_BYTES, MAX_ROWS = 10 * 1024 * 1024, 5000
# field, Vietnamese header of the national export, required, longest text
COLUMNS: tuple[tuple[str, str, bool, int], ...] = (
    ("code", "Mã thủ tục", True, 40),
    ("name", "Tên thủ tục", True, 500),
    ("field", "Lĩnh vực", True, 200),
    ("level", "Cấp thực hiện", True, 100),
    ("agency", "Cơ quan thực hiện", True, 40),
    ("time", "Thời hạn giải quyết", True, 300),
    ("fees", "Phí, lệ phí", False, 1000),
    ("papers", "Thành phần hồ sơ", False, 10000),
    ("legal_basis", "Căn cứ pháp lý", False, 5000),
)
CODE = re.compile(r"^[0-9][0-9.]{2,38}[0-9]$")
LIST_SPLIT = re.compile(r"\s*(?:\n|;)\s*")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(str(text or "")).strip()).strip("_")


def _rows(content: bytes, filename: str) -> list[list[str]]:
    """The rows of an XLSX or CSV file as text (header first); `Invalid` for anything else."""
    if len(content) > MAX_BYTES:
        raise Invalid("Tệp lớn quá 10 MB.")
    if content[:4] == b"PK\x03\x04":
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            rows = [
                ["" if v is None else str(v).strip() for v in row]
                for row in book.worksheets[0].iter_rows(values_only=True)
            ]
            book.close()
        except Exception:  # openpyxl raises many kinds for a broken file
            raise Invalid("Không đọc được tệp XLSX.") from None
    elif filename.lower().endswith(".csv"):
        try:
            rows = [list(r) for r in csv.reader(io.StringIO(content.decode("utf-8-sig")))]
        except UnicodeDecodeError:
            raise Invalid("Tệp CSV phải mã hóa UTF-8.") from None
    else:
        raise Invalid("Chỉ nhận tệp .xlsx hoặc .csv.")
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) > MAX_ROWS + 1:
        raise Invalid(f"Tệp có quá {MAX_ROWS} dòng.")
    if len(rows) < 2:
        raise Invalid("Tệp không có dòng thủ tục nào.")
    return rows


def _columns(header: list[str]) -> dict[str, int]:
    """Which column holds which field, by its header (with or without diacritics)."""
    known = {_key(label): name for name, label, _, _ in COLUMNS} | {n: n for n, *_ in COLUMNS}
    found = {known[_key(h)]: i for i, h in enumerate(header) if _key(h) in known}
    missing = [label for name, label, required, _ in COLUMNS if required and name not in found]
    if missing:
        raise Invalid("Thiếu cột: " + ", ".join(missing) + ".")
    return found


def _read_row(
    number: int, row: list[str], where: dict[str, int], problems: list[dict[str, Any]]
) -> dict[str, str]:
    values = {}
    for name, label, required, longest in COLUMNS:
        text = row[where[name]].strip() if name in where and where[name] < len(row) else ""
        if required and not text:
            problems.append({"row": number, "field": label, "message": "Chưa nhập."})
        elif len(text) > longest:
            problems.append({"row": number, "field": label, "message": f"Dài quá {longest} ký tự."})
        values[name] = text
    if values["code"] and not CODE.match(values["code"]):
        problems.append(
            {
                "row": number,
                "field": "Mã thủ tục",
                "message": "Mã thủ tục quốc gia gồm chữ số và dấu chấm, ví dụ 1.009994.",
            }
        )
    return values


def import_national_catalogue(
    uow: UnitOfWork, *, actor: Actor, content: bytes, filename: str
) -> dict[str, int]:
    """Create or update every procedure of the export; nothing when one row is wrong
    (`FormInvalid` with each problem's row and column). Returns the counts; audited."""
    if not is_administrator(actor):
        raise Forbidden("Chỉ quản trị hệ thống được nhập danh mục thủ tục quốc gia.")
    rows = _rows(content, filename)
    where = _columns(rows[0])
    agencies = {a.code: a for a in uow.session.scalars(select(Agency))}
    problems: list[dict[str, Any]] = []
    pending, seen = [], set()
    for number, row in enumerate(rows[1:], start=2):
        values = _read_row(number, row, where, problems)
        agency = agencies.get(values["agency"])
        if values["agency"] and (agency is None or agency.closed_at is not None):
            problems.append(
                {
                    "row": number,
                    "field": "Cơ quan thực hiện",
                    "message": (f"Không có cơ quan đang hoạt động mã «{values['agency'][:40]}»."),
                }
            )
        if (values["code"], values["agency"]) in seen:
            problems.append(
                {
                    "row": number,
                    "field": "Mã thủ tục",
                    "message": "Thủ tục này của cơ quan này đã có ở dòng trên.",
                }
            )
        seen.add((values["code"], values["agency"]))
        if agency is not None:
            pending.append((agency.id, values))
    if problems:
        raise FormInvalid(f"Tệp có {len(problems)} lỗi; chưa nhập dòng nào.", details=problems)
    counts = _apply(uow, pending)
    uow.audit(
        "procedure.catalogue_import",
        actor_id=actor.account_id,
        object_type="catalogue",
        object_id=filename[:100],
        summary=counts,
    )
    uow.commit()
    return counts


def _apply(uow: UnitOfWork, pending: list[tuple[int, dict[str, str]]]) -> dict[str, int]:
    existing = {(p.code, p.agency_id): p for p in uow.session.scalars(select(Procedure))}
    counts = {"created": 0, "updated": 0}
    for agency_id, values in pending:
        national = {
            "level": values["level"],
            "time": values["time"],
            "fees": values["fees"],
            "papers": [p for p in LIST_SPLIT.split(values["papers"]) if p],
            "legal_basis": [b for b in LIST_SPLIT.split(values["legal_basis"]) if b],
        }
        found = existing.get((values["code"], agency_id))
        if found is None:
            uow.session.add(
                Procedure(
                    code=values["code"],
                    agency_id=agency_id,
                    name=values["name"],
                    field=values["field"],
                    national=national,
                )
            )
            counts["created"] += 1
        else:
            found.name, found.field, found.national = values["name"], values["field"], national
            counts["updated"] += 1
    uow.session.flush()
    return counts


def awaiting_process(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Procedures from the national catalogue with no version in force, for the public
    catalogue: received at the desk only ("Nộp trực tiếp"), with the national facts."""
    in_force = {v.procedure_id for v in in_force_versions(uow)}
    taken = applied_pairs(uow, in_force)  # another agency's version applies there instead
    # Filtered here: a JSON column may hold SQL NULL or JSON null for "none".
    rows = uow.session.scalars(select(Procedure).order_by(Procedure.name, Procedure.code))
    return [
        {
            "code": p.code,
            "name": p.name,
            "field": p.field,
            "agency": {"code": p.agency.code, "name": p.agency.name},
            "processing_time_label": (p.national or {}).get("time", ""),
            "national": p.national,
            "direct_only": True,
            "version": None,
        }
        for p in rows
        if p.national and p.id not in in_force and (p.code, p.agency_id) not in taken
    ]
