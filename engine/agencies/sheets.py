"""Agencies to and from a spreadsheet (XLSX or CSV, the header row in Vietnamese): a
province loads its whole tree at once. An import is all or nothing: every row is checked,
and one wrong row keeps every row out, with a report naming each wrong row and column."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from engine.agencies.listing import all_rows
from engine.agencies.tree import KINDS, AgencyFields, add_agency, change_agency
from engine.core.actors import Actor
from engine.core.errors import Forbidden, FormInvalid, Invalid, NotFound
from engine.core.models import Agency
from engine.core.permissions import is_administrator
from engine.core.text import fold
from engine.core.uow import UnitOfWork

COLUMNS = (("code", "Mã định danh"), ("name", "Tên cơ quan"), ("kind", "Loại"),
           ("parent", "Mã cơ quan cấp trên"), ("address", "Địa chỉ"), ("phone", "Điện thoại"),
           ("email", "Thư điện tử"), ("hotline", "Đường dây nóng"), ("province", "Tỉnh"))
STATE = "Trạng thái"
MAX_BYTES, MAX_ROWS = 5 * 1024 * 1024, 5000


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Text a spreadsheet shows as typed, never runs: a cell starting with = + - @ (or a tab
    or carriage return) would be read as a formula by Excel or LibreOffice (CSV injection,
    and openpyxl writes such a string as a formula), so it gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unsafe_cell(value: str) -> str:
    """A cell as `safe_cell` wrote it, read back (the round trip keeps the text)."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def _key(text: str) -> str:
    return fold(str(text or "")).strip().replace(" ", "_")


def read_table(content: bytes, filename: str) -> list[list[str]]:
    """The rows of an XLSX or CSV file as text (header first); `Invalid` for anything else."""
    if len(content) > MAX_BYTES:
        raise Invalid(f"Tệp lớn quá {MAX_BYTES // 1024 // 1024} MB.")
    if content[:4] == b"PK\x03\x04":
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise Invalid("Không đọc được tệp XLSX.", details=str(exc)[:200]) from None
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):  # stop early: a small file may unzip huge
            cells = ["" if v is None else _cell(v) for v in row]
            if any(str(c).strip() for c in cells):
                rows.append(cells)
            if len(rows) > MAX_ROWS + 1:
                book.close()
                raise Invalid(f"Tệp có quá {MAX_ROWS} dòng.")
        book.close()
    elif filename.lower().endswith(".csv") or not filename:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid("Tệp CSV phải mã hóa UTF-8.") from None
        rows = [list(r) for r in csv.reader(io.StringIO(text))]
    else:
        raise Invalid("Chỉ nhận tệp .xlsx hoặc .csv.")
    rows = [[unsafe_cell(c) for c in r] for r in rows if any(str(c).strip() for c in r)]
    if len(rows) > MAX_ROWS + 1:
        raise Invalid(f"Tệp có quá {MAX_ROWS} dòng.")
    return rows


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def columns(header: list[str], known: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Which column holds which field, by its Vietnamese label or its field name; `Invalid`
    when a label is unknown or the code column is missing."""
    labels = {_key(label): key for key, label in known} | {key: key for key, _ in known}
    found: dict[str, int] = {}
    unknown = []
    for index, title in enumerate(header):
        key = labels.get(_key(title))
        if key is None and _key(title) != _key(STATE) and str(title).strip():
            unknown.append(str(title))
        elif key is not None:
            found[key] = index
    if unknown:
        raise Invalid("Tiêu đề cột không nhận ra: " + ", ".join(unknown) + ".")
    return found


def _kind(text: str) -> str:
    by_label = {_key(label): key for key, label in KINDS.items()}
    return by_label.get(_key(text), text.strip() or "unit")


def import_agencies(
    uow: UnitOfWork, *, actor: Actor, content: bytes, filename: str
) -> dict[str, int]:
    """Create or update (by unit code) every agency of the file; a parent may come later in
    the file. Administrators only. Commits only when every row is right; otherwise
    `FormInvalid` whose details name each wrong row (`row`, `field`, `message`)."""
    if not is_administrator(actor):
        raise Forbidden("Chỉ quản trị hệ thống được nhập danh sách cơ quan.")
    rows = read_table(content, filename)
    if not rows:
        raise Invalid("Tệp không có dòng nào.")
    where = columns(rows[0], COLUMNS)
    if "code" not in where or "name" not in where:
        raise Invalid("Tệp phải có cột «Mã định danh» và «Tên cơ quan».")
    current = {a["code"]: a for a in all_rows(uow)}
    pending: list[tuple[int, AgencyFields]] = []
    for number, row in enumerate(rows[1:], start=2):
        values = {key: (row[i] if i < len(row) else "") for key, i in where.items()}
        known = current.get(values["code"].strip())
        if known is not None:  # a column left out of the file keeps what is there
            values = {key: str(known[key]) for key, _ in COLUMNS} | values
        values["kind"] = _kind(values.get("kind", ""))
        pending.append((number, AgencyFields(**values).cleaned()))
    return _apply(uow, actor, pending)


def _apply(uow: UnitOfWork, actor: Actor, pending: list[tuple[int, AgencyFields]]
           ) -> dict[str, int]:
    errors: list[dict[str, Any]] = []
    codes = [f.code for _, f in pending]
    for number, fields in pending:
        if codes.count(fields.code) > 1:
            errors.append({"row": number, "field": "code",
                           "message": f"Mã {fields.code} có ở nhiều dòng."})
    existing = set(uow.session.scalars(select(Agency.code)))
    done, counts = set(existing), {"created": 0, "updated": 0}
    while pending:
        # Rows whose parent is already in place go first; a parent later in the file waits.
        ready = [(n, f) for n, f in pending if not f.parent or f.parent in done]
        if not ready:
            ready = pending  # their parents exist nowhere: each row reports it
        for number, fields in ready:
            errors += _one(uow, actor, number, fields, fields.code in existing, counts)
            done.add(fields.code)
        pending = [p for p in pending if p not in ready]
    if errors:
        raise FormInvalid(f"Có {len(errors)} lỗi; chưa nhập dòng nào.", [
            {**e, "column": dict(COLUMNS).get(e["field"], e["field"])}
            for e in sorted(errors, key=lambda e: (e["row"], e["field"]))])
    uow.commit()
    return counts


def _one(uow: UnitOfWork, actor: Actor, number: int, fields: AgencyFields, exists: bool,
         counts: dict[str, int]) -> list[dict[str, Any]]:
    action: Callable[..., Any] = change_agency if exists else add_agency
    try:
        if exists:
            action(uow, actor=actor, code=fields.code, fields=fields)
        else:
            action(uow, actor=actor, fields=fields)
    except FormInvalid as exc:
        return [{"row": number, **d} for d in exc.details]
    except (Invalid, Forbidden, NotFound) as exc:
        return [{"row": number, "field": "code", "message": exc.message}]
    counts["updated" if exists else "created"] += 1
    return []


def export_agencies(uow: UnitOfWork, *, fmt: str) -> tuple[bytes, str]:
    """Every agency as XLSX or CSV (the columns `import_agencies` reads, the kind by its
    name, and the state); returns the content and its media type."""
    header = [label for _, label in COLUMNS] + [STATE]
    body = [[safe_cell(str(row["kind_label"] if key == "kind" else row[key])) for key, _ in COLUMNS]
            + [safe_cell(("Đã đóng: " + row["closed_reason"]) if row["closed"] else "Đang hoạt động")]
            for row in all_rows(uow)]
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows([header, *body])
        return out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8"
    if fmt != "xlsx":
        raise Invalid("Định dạng phải là xlsx hoặc csv.")
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = "Cơ quan"
    for line in (header, *body):
        sheet.append(line)
    out_bytes = io.BytesIO()
    book.save(out_bytes)
    return (out_bytes.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
