"""The decision tables of a version (`/quan-tri/thu-tuc/…/bang-quyet-dinh`): each `.dmn`
table of the package in the dmn-js decision table editor (vendored, pinned), with the
findings of its static checks (`bpmn.dmn`) by row; saving makes a new draft version,
validated and tested like any upload. «Tạo bảng quyết định» (`…/bang-quyet-dinh/tao`)
starts a table from a form, no XML: a start form field, an output (the fee or a named
value), optionally the procedure's fee taken from it; the new draft opens on its table.
A draft kept invalid (`/quan-tri/ban-nhap/<id>/bang-quyet-dinh`) opens its tables here too:
a table's problem is fixed where it is, and saving re-checks the draft in place.

The editor saves through `…/bang-quyet-dinh/luu`: amounts are read as designers write them
(«80.000» đồng, «Có»/«Không»: `procedures.typed_tables`), and a save the checks refuse makes
no draft — the table stays in the editor with the reasons beside it."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from admin.common import bp, json_for_script, staff, uow
from engine import procedures
from engine.core import ServiceError

FORM_KEYS = ("ten_bang", "dau_vao", "ket_qua", "ten_ket_qua", "kieu_ket_qua", "dung_lam_le_phi",
             "ten_le_phi")


def _page(agency: str, code: str, number: int, chosen: str = "", *, form: dict[str, str] | None = None,
          error: str = "", problems: list[str] | None = None) -> tuple[str, int]:
    actor = staff()
    with uow() as work:
        bench = procedures.workbench(work, actor=actor, agency_code=agency, code=code, number=number)
        files = procedures.decision_files(work, actor=actor, agency_code=agency, code=code,
                                          number=number)
        options = procedures.decision_options(work, actor=actor, agency_code=agency, code=code,
                                              number=number)
    chosen = chosen or next(iter(files), "")
    if files and chosen not in files:
        abort(404)
    fees = options["fees"]
    typed: dict[str, Any] = form or {"ket_qua": "le_phi", "kieu_ket_qua": "so", "dung_lam_le_phi": "1",
                                     "ten_le_phi": fees[0] if fees else "Lệ phí"}
    html = _render(bench, files, chosen, bench["report"]["problems"], options=options, form=typed,
                   error=error, problems=problems or [],
                   save_url=url_for("admin.save_tables", agency=agency, code=code, number=number))
    return html, 422 if error else 200


def _render(v: dict[str, Any], files: dict[str, str], chosen: str, report: list[dict[str, Any]],
            **more: Any) -> str:
    """The table editor on `chosen` of `files` (a version's or a kept draft's), its findings
    by row, the tables by their names."""
    shown = procedures.table_findings(files, report, chosen)
    title = shown["titles"].get(chosen, chosen)
    rows = [{"row": p["row"], "message": p["message"], "severity": p.get("severity")}
            for p in shown["findings"] if p.get("row")]
    xml = files.get(chosen, "")
    return render_template("admin_decisions.html", v=v, files=sorted(files), chosen=chosen,
                           titles=shown["titles"], title=title, findings=shown["findings"],
                           table_json=json_for_script({
                               "xml": xml, "path": chosen, "rows": rows,
                               # what the editor opens: yes/no cells as «Có»/«Không»
                               "shown": procedures.table_for_editor(xml)}), **more)


@bp.get("/ban-nhap/<int:draft_id>/bang-quyet-dinh")
def draft_decisions_page(draft_id: int) -> str:
    """A decision table of a draft kept invalid (`?tep=`), its problems by row; saving
    re-checks the draft in place (it becomes a draft version once valid)."""
    actor = staff()
    with uow() as work:
        draft = procedures.draft_decision_files(work, actor=actor, draft_id=draft_id)
    files: dict[str, str] = draft["files"]
    chosen = request.args.get("tep", "") or next(iter(files), "")
    if files and chosen not in files:
        abort(404)
    return _render(draft, files, chosen, draft["report"].get("problems") or [], draft=draft,
                   options={"may_design": False}, save_url=url_for("admin.save_kept_tables",
                                                                   draft_id=draft_id))


@bp.get("/thu-tuc/<agency>/<code>/<int:number>/bang-quyet-dinh")
def decisions_page(agency: str, code: str, number: int) -> tuple[str, int]:
    """One decision table of the version (`?tep=` names the file; the first by default)."""
    return _page(agency, code, number, request.args.get("tep", ""))


@bp.post("/thu-tuc/<agency>/<code>/<int:number>/bang-quyet-dinh/tao")
def create_decision(agency: str, code: str, number: int) -> Response | tuple[str, int]:
    """Make a starter table from the form «Tạo bảng quyết định» into a new draft version and
    open it there; what was typed stays in the form when it is refused."""
    actor = staff()
    form = {key: request.form.get(key, "")[:1000] for key in FORM_KEYS}
    try:
        with uow() as work:
            report, created, _kept, path = procedures.create_decision_table(
                work, actor=actor, agency_code=agency, code=code, number=number, form=form)
    except ServiceError as exc:
        if exc.status in (403, 404):
            abort(exc.status)
        return _page(agency, code, number, form=form, error=exc.message)
    if created is None:
        problems = [p["message"] for p in report["problems"] if p.get("severity") == "error"]
        return _page(agency, code, number, form=form, problems=problems,
                     error="Bảng mới chưa hợp lệ nên chưa thành bản nháp:")
    return redirect(url_for("admin.decisions_page", agency=created["agency"], code=created["code"],
                            number=created["number"], tep=path), 303)


def _edited_tables() -> dict[str, str] | None:
    body = request.get_json(silent=True)
    files = body.get("files") if isinstance(body, dict) else None
    if not isinstance(files, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return None
    return files


@bp.post("/thu-tuc/<agency>/<code>/<int:number>/bang-quyet-dinh/luu")
def save_tables(agency: str, code: str, number: int) -> tuple[Response, int]:
    """The edited tables as a new draft version (JSON: the report, the version and its
    page); refused, nothing is kept (422 with the report)."""
    actor = staff()
    files = _edited_tables()
    if files is None:
        return jsonify({"error": "Cần 'files': {đường dẫn: nội dung}."}), 400
    try:
        with uow() as work:
            report, created = procedures.save_tables(work, actor=actor, agency_code=agency,
                                                     code=code, number=number, changes=files)
    except ServiceError as exc:
        return jsonify({"error": exc.message}), exc.status
    if created is None:
        return jsonify({"report": report, "version": None, "draft": None}), 422
    page = url_for("admin.version_page", agency=created["agency"], code=created["code"],
                   number=created["number"])
    return jsonify({"report": report, "version": created, "url": page}), (
        200 if created.get("unchanged") else 201)


@bp.post("/ban-nhap/<int:draft_id>/bang-quyet-dinh/luu")
def save_kept_tables(draft_id: int) -> tuple[Response, int]:
    """A kept draft's edited tables, read the same way, re-checked in place."""
    actor = staff()
    files = _edited_tables()
    if files is None:
        return jsonify({"error": "Cần 'files': {đường dẫn: nội dung}."}), 400
    try:
        with uow() as work:
            report, created, kept = procedures.save_kept_tables(work, actor=actor,
                                                                draft_id=draft_id, changes=files)
    except ServiceError as exc:
        return jsonify({"error": exc.message}), exc.status
    if created:
        page = url_for("admin.version_page", agency=created["agency"], code=created["code"],
                       number=created["number"])
        return jsonify({"report": report, "version": created, "url": page}), 201
    if kept:
        kept = {**kept, "url": url_for("admin.draft_page", draft_id=kept["id"])}
    return jsonify({"report": report, "version": None, "draft": kept}), 422
