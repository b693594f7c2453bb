"""«Thông tin thủ tục» (`/quan-tri/thu-tuc/<agency>/<code>/<number>/thong-tin`): a version's
procedure.json in words — name, field, level, processing time, legal basis, papers, fee,
the applicant's fields, supplement mode — saved as a new draft version
(`engine.procedures.save_details`); only the agency's designers may save."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from admin.common import bp, staff, uow
from engine import procedures
from engine.core import Actor, ServiceError

FIELDS = ("name", "field", "level", "time_value", "time_unit", "legal_basis", "papers_required",
          "papers_optional", "fee_mode", "fee_name", "fee_amount", "fee_from", "applicant_name",
          "applicant_id", "supplement_mode")


def _page(actor: Actor, agency: str, code: str, number: int, typed: dict[str, Any] | None,
          errors: list[dict[str, str]]) -> str:
    with uow() as work:
        v = procedures.version_detail(work, actor=actor, agency_code=agency, code=code,
                                      number=number)
        details = procedures.procedure_details(work, actor=actor, agency_code=agency, code=code,
                                               number=number)
    return render_template("admin_procedure_details.html", v=v, details=details,
                           typed=typed or details["typed"], errors=errors)


@bp.get("/thu-tuc/<agency>/<code>/<int:number>/thong-tin")
def details_page(agency: str, code: str, number: int) -> str:
    """The version's facts as a form (read-only for those who may not design)."""
    return _page(staff(), agency, code, number, None, [])


@bp.post("/thu-tuc/<agency>/<code>/<int:number>/thong-tin")
def save_details(agency: str, code: str, number: int) -> Response | tuple[str, int]:
    """Save the facts as a new draft version, then its page; a refusal shows the form again
    as typed, each problem beside its field."""
    actor = staff()
    typed = {k: request.form.get(k, "") for k in FIELDS}
    try:
        with uow() as work:
            report, created, kept = procedures.save_details(
                work, actor=actor, agency_code=agency, code=code, number=number, answers=typed)
    except ServiceError as exc:
        if exc.status in (403, 404):
            abort(exc.status, description=exc.message)
        details = exc.details if isinstance(exc.details, dict) else {}
        errors = [{"field": k, "message": str(v)} for k, v in details.items()]
        return _page(actor, agency, code, number, typed,
                     errors or [{"field": "name", "message": exc.message}]), (
            422 if exc.status == 400 else exc.status)
    if created is None:
        problems = [{"field": "name", "message": p["message"]} for p in report["problems"]
                    if p.get("severity") == "error"][:5]
        if kept is not None:
            problems.append({"field": "name", "message": "Nội dung đã được giữ lại thành bản nháp "
                             "chưa hợp lệ (danh sách «Bản nháp chưa hợp lệ»)."})
        return _page(actor, agency, code, number, typed, problems), 422
    if created.get("unchanged"):
        flash(f"Không có thay đổi so với phiên bản số {created['number']} "
              f"({created.get('status_label', '')}): không tạo bản nháp mới.")
    else:
        flash(f"Đã lưu thông tin thủ tục thành bản nháp số {created['number']}.", "success")
    return redirect(url_for("admin.version_page", agency=created["agency"], code=created["code"],
                            number=created["number"]), 303)
