"""Agencies (`/quan-tri/co-quan`): the tree with its contact details, create, edit, move,
close and reopen, import and export as XLSX/CSV — administrators everywhere, a quản trị
đơn vị within its agency's subtree (the engine decides, `engine.agencies`)."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from admin.common import bp, staff, uow
from engine import agencies, legal_clock, procedures
from engine.core import Actor, Conflict, FormInvalid, Invalid, is_admin_account, may_open_agency_admin

FIELDS = ("code", "name", "kind", "parent", "address", "phone", "email", "hotline", "province")
# The unit code of Decision 20/2020/QĐ-TTg as the samples write it: 000.00.12.H64 (levels 4,
# 3 and 2 as digits, level 1 a capital letter and two digits: H64 is Tuyên Quang).
NATIONAL_CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}")
CODE_FORMAT = ("Mã định danh {code} chưa đúng dạng của Quyết định 20/2020/QĐ-TTg: ba chữ số, "
               "hai chữ số, hai chữ số, rồi một chữ cái in hoa và hai chữ số, cách nhau bằng dấu "
               "chấm, ví dụ 000.00.12.H64.")
KIND_MISSING = ("Cần chọn loại cơ quan: UBND xã, phường, đặc khu; sở, ban, ngành; hoặc phòng, đơn vị "
                "trực thuộc — loại cơ quan quyết định cơ quan được áp dụng thủ tục cấp nào.")


@bp.app_context_processor
def _agency_menu() -> dict[str, Any]:
    """Whether the menu shows the agencies and accounts pages."""
    actor: Actor | None = g.get("actor")
    return {"may_admin_agencies": actor is not None and may_open_agency_admin(actor)}


def agency_admin() -> Actor:
    """The signed-in administrator or quản trị đơn vị (else 401/403)."""
    actor = staff()
    if not may_open_agency_admin(actor):
        abort(403, description="Trang này dành cho quản trị hệ thống và quản trị đơn vị.")
    return actor


def _fields(form: Any) -> agencies.AgencyFields:
    return agencies.AgencyFields(**{k: str(form.get(k, ""))[:400] for k in FIELDS})


def _province_root(rows: list[dict[str, Any]]) -> str:
    """The code a new agency hangs under unless another is chosen: the province's People's
    Committee when it is the tree's only open root (never an empty parent, a second tree)."""
    roots = [r for r in rows if r["depth"] == 0 and not r["closed"]]
    return roots[0]["code"] if len(roots) == 1 and roots[0]["kind"] == "province" else ""


def _typed_code(form: Any) -> str:
    """The code as typed, blanks dropped and a national code's letter made capital
    (000.00.45.h64 is 000.00.45.H64)."""
    code = re.sub(r"\s+", "", str(form.get("code", ""))[:400])
    return code.upper() if NATIONAL_CODE.fullmatch(code.upper()) else code


def _list_page(actor: Actor, *, errors: list[dict[str, Any]] | None = None,
               typed: dict[str, str] | None = None, report: FormInvalid | None = None,
               status: int = 200) -> tuple[str, int]:
    with uow() as work:
        rows = agencies.managed_agencies(work, actor=actor)
        provinces = legal_clock.list_provinces(work)
    typed = typed or {"parent": _province_root(rows), "kind": ""}
    return render_template("admin_agencies.html", rows=rows, kinds=agencies.AGENCY_KINDS,
                           provinces=provinces, errors=errors or [], typed=typed,
                           report=report, province_admin=is_admin_account(actor)), status


@bp.get("/co-quan")
def agencies_page() -> tuple[str, int]:
    """The agencies the actor administers, in tree order, and the form for a new one."""
    return _list_page(agency_admin())


@bp.post("/co-quan")
def agencies_create() -> Response | tuple[str, int]:
    """Add an agency; wrong fields come back named beside their inputs, nothing lost. The
    page asks for the kind (no silent «phòng, đơn vị trực thuộc»)."""
    actor = agency_admin()
    form = {**request.form.to_dict(), "code": _typed_code(request.form)}
    code, found = form["code"], []
    if code and not NATIONAL_CODE.fullmatch(code):  # typed here: the national format asked
        found.append({"field": "code", "message": CODE_FORMAT.format(code=code)})
    if not form.get("kind", "").strip():
        found.append({"field": "kind", "message": KIND_MISSING})
    if found:  # with the engine's own findings on the other fields, all told at once
        named = {f["field"] for f in found}
        found += [f for f in agencies.agency_problems(_fields(form).cleaned())
                  if f["field"] not in named]
        return _list_page(actor, errors=found, typed=form, status=422)
    try:
        with uow() as work:
            made = agencies.create_agency(work, actor=actor, fields=_fields(form))
    except FormInvalid as exc:
        return _list_page(actor, errors=exc.details, typed=form, status=422)
    flash(f"Đã thêm {made['name']} ({made['code']}).", "success")
    return redirect(url_for("admin.agency_page", code=made["code"]), 303)


@bp.get("/co-quan/<code>")
def agency_page(code: str) -> tuple[str, int]:
    """One agency: edit its details, move it, close or reopen it."""
    return _agency(agency_admin(), code)


def _agency(actor: Actor, code: str, *, errors: list[dict[str, Any]] | None = None,
            typed: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    with uow() as work:
        agency = agencies.agency_detail(work, actor=actor, code=code)
        parents = [a for a in agencies.managed_agencies(work, actor=actor) if a["code"] != code]
        provinces = legal_clock.list_provinces(work)
        offered = [e for e in procedures.procedure_catalogue(work) if e["agency"]["code"] == code]
    return render_template("admin_agency.html", agency=agency, parents=parents, offered=offered,
                           kinds=agencies.AGENCY_KINDS, provinces=provinces,
                           errors=errors or [], typed=typed or agency,
                           root=is_admin_account(actor) or not agency.get("parent")), status


@bp.post("/co-quan/<code>")
def agency_save(code: str) -> Response | tuple[str, int]:
    """Save an agency's details (a new parent moves it, never under itself)."""
    actor = agency_admin()
    form = {**request.form, "code": code}
    try:
        with uow() as work:
            agencies.edit_agency(work, actor=actor, code=code, fields=_fields(form))
    except FormInvalid as exc:
        return _agency(actor, code, errors=exc.details, typed=form, status=422)
    flash("Đã lưu thông tin cơ quan.", "success")
    return redirect(url_for("admin.agency_page", code=code), 303)


@bp.post("/co-quan/<code>/dong")
def agency_close(code: str) -> Response | tuple[str, int]:
    """Close an agency with its reason: no new dossier, its history kept."""
    actor = agency_admin()
    try:
        with uow() as work:
            agencies.close_agency(work, actor=actor, code=code,
                                  reason=request.form.get("reason", "")[:300])
    except (FormInvalid, Invalid, Conflict) as exc:
        details = exc.details if isinstance(exc, FormInvalid) else [
            {"field": "reason", "message": exc.message}]
        return _agency(actor, code, errors=details, status=422)
    flash("Đã đóng cơ quan: không nhận hồ sơ mới, hồ sơ cũ vẫn được giữ.", "success")
    return redirect(url_for("admin.agency_page", code=code), 303)


@bp.post("/co-quan/<code>/mo-lai")
def agency_reopen(code: str) -> Response:
    """Open a closed agency again."""
    actor = agency_admin()
    with uow() as work:
        agencies.reopen_agency(work, actor=actor, code=code)
    flash("Đã mở lại cơ quan.", "success")
    return redirect(url_for("admin.agency_page", code=code), 303)


@bp.post("/co-quan/nhap")
def agencies_import() -> Response | tuple[str, int]:
    """Import a whole list (XLSX or CSV): all rows or none, each wrong row named."""
    actor = agency_admin()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _list_page(actor, report=FormInvalid("Chọn tệp .xlsx hoặc .csv để nhập.", []),
                          status=422)
    try:
        with uow() as work:
            counts = agencies.import_agencies(work, actor=actor, content=upload.read(),
                                              filename=upload.filename)
    except FormInvalid as exc:
        return _list_page(actor, report=exc, status=422)
    except Invalid as exc:
        return _list_page(actor, report=FormInvalid(exc.message, []), status=422)
    flash(f"Đã nhập: {counts['created']} cơ quan mới, {counts['updated']} cơ quan cập nhật.",
          "success")
    return redirect(url_for("admin.agencies_page"), 303)


@bp.get("/co-quan/xuat.<fmt>")
def agencies_export(fmt: str) -> Response:
    """Every agency as XLSX or CSV (the columns the import reads)."""
    agency_admin()
    if fmt not in ("xlsx", "csv"):
        abort(404)
    with uow() as work:
        content, media = agencies.export_agencies(work, fmt=fmt)
    return Response(content, mimetype=media, headers={
        "Content-Disposition": f'attachment; filename="co-quan.{fmt}"'})
