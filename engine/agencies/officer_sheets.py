"""Officers' accounts to and from a spreadsheet (XLSX or CSV): a province opens every
officer's account at once, each invited by e-mail to choose a password. All or nothing,
like the agencies' import: one wrong row keeps every row out, each named."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select

from engine.agencies.officers import FIRST_YEAR, LAST_YEAR, YEARS_REFUSED, Grant, add_officer, list_officers
from engine.agencies.role_names import ROLE_LABELS, UNNAMED, role_names
from engine.agencies.sheets import columns, read_table, safe_cell
from engine.agencies.tree import gate
from engine.core.actors import Actor
from engine.core.clock import VN_TZ
from engine.core.errors import Forbidden, FormInvalid, Invalid, NotFound
from engine.core.models import Account
from engine.core.text import fold
from engine.core.uow import UnitOfWork

COLUMNS = (("username", "Tên đăng nhập"), ("full_name", "Họ và tên"),
           ("email", "Thư điện tử"), ("phone", "Điện thoại"), ("agency", "Mã cơ quan"),
           ("roles", "Vai trò"), ("valid_from", "Hiệu lực từ"), ("valid_until", "Hiệu lực đến"))
REQUIRED = ("username", "full_name", "email", "agency", "roles")
HEADERS = {**dict(COLUMNS), "role": "Vai trò"}  # an error's column, as the file heads it


def _day(text: str, field: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    text = text.split(" ")[0]  # a spreadsheet's date cell arrives as "2027-01-01 00:00:00"
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise FormInvalid("", [{"field": field, "message": YEARS_REFUSED}])
        return day
    raise FormInvalid("", [{"field": field, "message": "Ngày phải có dạng NN/TT/NNNN."}])


def _instant(day: date | None, *, after: bool = False) -> datetime | None:
    """The start of the day in Vietnam (of the next day for an inclusive end)."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1 if after else 0), time(), VN_TZ)


def _role_codes(uow: UnitOfWork) -> dict[str, str]:
    """A role's name as typed in a file (folded: no case, no diacritics) or its code → the
    code; a built-in role's name wins over a procedure's role named alike."""
    names = role_names(uow)
    known = {fold(label): code for code, label in names.items()
             if code not in ROLE_LABELS and label != UNNAMED.format(code=code)}
    known.update({fold(label): code for code, label in ROLE_LABELS.items()})
    known.update({code: code for code in names})
    return known


def _roles(text: str, known: dict[str, str]) -> list[str]:
    """Roles by name or code, separated by «;» (or «,» when a name has none)."""
    found = []
    for part in (p.strip() for p in re.split(r"[;\n]", text)):
        if fold(part) in known:
            found.append(known[fold(part)])
        else:
            found += [known.get(fold(r.strip()), r.strip()) for r in part.split(",") if r.strip()]
    return found


def _grants(values: dict[str, str], known: dict[str, str]) -> list[Grant]:
    start = _instant(_day(values.get("valid_from", ""), "valid_from"))
    end = _instant(_day(values.get("valid_until", ""), "valid_until"), after=True)
    return [Grant(agency=values.get("agency", "").strip(), role=role, valid_from=start,
                  valid_until=end) for role in _roles(values.get("roles", ""), known)]


def import_officers(
    uow: UnitOfWork, *, actor: Actor, content: bytes, filename: str, link_base: str
) -> dict[str, int]:
    """Create every account of the file with its roles and invite each by e-mail. Commits
    only when every row is right; otherwise `FormInvalid` naming each wrong row."""
    gate(actor)
    rows = read_table(content, filename)
    if not rows:
        raise Invalid("Tệp không có dòng nào.")
    where = columns(rows[0], COLUMNS)
    missing = [label for key, label in COLUMNS if key in REQUIRED and key not in where]
    if missing:
        raise Invalid("Tệp thiếu cột: " + ", ".join(missing) + ".")
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    created, known = 0, _role_codes(uow)
    for number, row in enumerate(rows[1:], start=2):
        values = {key: (row[i] if i < len(row) else "") for key, i in where.items()}
        name = values["username"].strip().lower()
        if name in seen:
            errors.append({"row": number, "field": "username",
                           "message": f"Tên đăng nhập {name} có ở nhiều dòng."})
            continue
        seen.add(name)
        try:
            add_officer(uow, actor=actor, username=name, full_name=values["full_name"],
                        email=values["email"], phone=values.get("phone", ""),
                        grants=_grants(values, known), link_base=link_base)
        except FormInvalid as exc:
            errors += [{"row": number, **d} for d in exc.details]
        except (Forbidden, NotFound, Invalid) as exc:
            errors.append({"row": number, "field": "agency", "message": exc.message})
        else:
            created += 1
    if errors:
        raise FormInvalid(f"Có {len(errors)} lỗi; chưa tạo tài khoản nào.",
                          [{**e, "column": HEADERS.get(e["field"], e["field"])} for e in errors])
    uow.commit()
    return {"created": created}


def export_officers(uow: UnitOfWork, *, actor: Actor, fmt: str) -> tuple[bytes, str]:
    """The staff accounts the actor manages, one row per role (the import's columns and the
    account's state), each role by its name (by its code when nothing names it)."""
    emails = dict(uow.session.execute(select(Account.username, Account.email)).all())
    phones = dict(uow.session.execute(select(Account.username, Account.phone)).all())
    header = [label for _, label in COLUMNS] + ["Trạng thái"]
    body = []
    names = role_names(uow)
    named = {code: label for code, label in names.items() if label != UNNAMED.format(code=code)}
    for officer in list_officers(uow, actor=actor):
        for grant in officer["grants"] or [{}]:
            body.append([safe_cell(str(cell)) for cell in (
                officer["username"], officer["full_name"], emails.get(officer["username"]) or "",
                phones.get(officer["username"]) or "", grant.get("agency", ""),
                named.get(grant.get("role", ""), grant.get("role", "")), _shown(grant.get("valid_from")),
                _shown(grant.get("valid_until"), end=True), officer["state"])])
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows([header, *body])
        return out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8"
    if fmt != "xlsx":
        raise Invalid("Định dạng phải là xlsx hoặc csv.")
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = "Tài khoản"
    for line in (header, *body):
        sheet.append(line)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _shown(instant: datetime | None, *, end: bool = False) -> str:
    if instant is None:
        return ""
    day = instant.astimezone(VN_TZ).date() - timedelta(days=1 if end else 0)
    return day.strftime("%d/%m/%Y")
