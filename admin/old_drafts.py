"""«Bỏ N bản nháp cũ» (`/quan-tri/thu-tuc/<agency>/<code>/bo-ban-nhap-cu`): a procedure's
superseded drafts — older than its newest draft, never submitted — discarded at once after
the designer ticked the confirmation (`engine.procedures.discard_superseded`, audited)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from admin.common import bp, staff, uow
from engine import procedures
from engine.core import ServiceError


@bp.post("/thu-tuc/<agency>/<code>/bo-ban-nhap-cu")
def discard_old_drafts(agency: str, code: str) -> Response:
    """Discard the superseded drafts, once confirmed; back to the versions list."""
    actor = staff()
    if request.form.get("confirm") != "yes":
        flash("Hãy đánh dấu ô xác nhận trước khi bỏ các bản nháp cũ.", "error")
        return redirect(url_for("admin.versions"), 303)
    try:
        with uow() as work:
            numbers = procedures.discard_superseded(work, actor=actor, agency_code=agency,
                                                    code=code)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("admin.versions"), 303)
    if numbers:
        flash(f"Đã bỏ {len(numbers)} bản nháp cũ của thủ tục {code} (số "
              f"{', '.join(str(n) for n in numbers)}).", "success")
    else:
        flash(f"Thủ tục {code} không còn bản nháp cũ nào để bỏ.")
    return redirect(url_for("admin.versions"), 303)
