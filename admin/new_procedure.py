"""«Tạo thủ tục mới» (`/quan-tri/thu-tuc/moi`): a procedure from scratch, for a designer who
has no package to upload. The facts in words (no JSON, no ISO-8601) become a starter package
(`engine.procedures.create_procedure`), imported like an upload as draft version 1; then the
version's page, where the modeler, form builder and decision tables take over."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from admin.common import bp, staff, uow
from engine import procedures
from engine.core import Actor, Conflict, Invalid, ServiceError

FIELDS = ("code", "name", "field", "level", "time_value", "time_unit", "fee", "papers",
          "legal_basis")


def _page(actor: Actor, agency: str, typed: dict[str, Any], errors: list[dict[str, str]]) -> str:
    with uow() as work:
        agencies = procedures.design_agencies(work, actor=actor)
        if not agencies:
            abort(403, description="Chỉ người thiết kế quy trình của cơ quan tạo thủ tục mới.")
        agency = agency if agency in dict(agencies) else agencies[0][0]
        choices = procedures.starter_choices(work, actor=actor, agency_code=agency)
    return render_template("admin_new_procedure.html", agencies=agencies, agency=agency,
                           agency_name=dict(agencies)[agency], choices=choices, typed=typed,
                           errors=errors)


@bp.get("/thu-tuc/moi")
def new_procedure_form() -> str:
    """The form: the agency's roles as checkboxes, Một cửa always in."""
    actor = staff()
    typed = {"level": "full", "time_unit": "working_days", "roles": []}
    return _page(actor, request.args.get("co_quan", ""), typed, [])


@bp.post("/thu-tuc/moi")
def create_new_procedure() -> Response | tuple[str, int]:
    """Create it: draft version 1 (validated and tested like an upload), then its page; a
    refusal shows the form again as it was typed, each problem beside its field."""
    actor = staff()
    agency = request.form.get("agency", "")
    typed: dict[str, Any] = {k: request.form.get(k, "") for k in FIELDS}
    typed["roles"] = request.form.getlist("roles")
    typed["also"] = request.form.getlist("also")
    if not agency:
        abort(400, description="Hãy chọn cơ quan.")
    try:
        with uow() as work:
            report, version, _kept = procedures.create_procedure(
                work, actor=actor, agency_code=agency, answers=typed)
    except (Invalid, Conflict) as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        errors = [{"field": k, "message": str(v)} for k, v in details.items()]
        if isinstance(exc, Conflict):
            errors = [{"field": "code", "message": exc.message}]
        errors = errors or [{"field": "name", "message": exc.message}]
        return _page(actor, agency, typed, errors), (409 if isinstance(exc, Conflict) else 422)
    if version is None:  # the starter always validates: a problem here is ours, say it plainly
        problems = "; ".join(p["message"] for p in report.as_dict()["problems"][:3])
        return _page(actor, agency, typed, [{"field": "name", "message": problems}]), 422
    flash(f"Đã tạo thủ tục «{typed['name']}»: bản nháp số {version['number']}. Tiếp theo: "
          "vẽ quy trình, dựng biểu mẫu, thêm bảng quyết định, rồi chạy thử.")
    if typed["also"]:
        _apply_also(actor, version["agency"], version["code"], typed["also"])
    return redirect(url_for("admin.version_page", agency=version["agency"], code=version["code"],
                            number=version["number"]))


def _apply_also(actor: Actor, agency: str, code: str, targets: list[str]) -> None:
    """The other agencies ticked under «Cũng áp dụng cho»: the procedure applies there too
    (from its publication on); a refusal is said, the procedure stays created."""
    try:
        with uow() as work:
            names = procedures.apply_procedure(work, actor=actor, agency_code=agency, code=code,
                                               targets=targets)
        flash(f"Cũng áp dụng cho {', '.join(names)} khi phiên bản được công bố.")
    except ServiceError as exc:
        flash(f"Chưa áp dụng được cho cơ quan khác: {exc.message} Hãy chọn lại ở trang «Áp "
              "dụng cho cơ quan».", "error")
