"""«Lưu thành ca kiểm thử» (`/quan-tri/chay-thu/<run>/ca-kiem-thu`): a test run by forms that
reached its end, kept as a test case of the package — replacing the case it started from, or
as a new one — in a new draft version, so a designer whose change broke the package's own
test fixes it without writing JSON (`engine.procedures.save_run_as_case`)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from admin.common import bp, staff, uow
from engine import procedures
from engine.core import ServiceError


@bp.post("/chay-thu/<int:run_id>/ca-kiem-thu")
def sandbox_save_case(run_id: int) -> Response:
    """Save the run as a case; the new draft version's page, or back to the run with why not."""
    actor = staff()
    try:
        with uow() as work:
            report, created, kept = procedures.save_run_as_case(
                work, actor=actor, run_id=run_id, target=request.form.get("ca", "")[:300],
                name=request.form.get("ten_ca", "")[:300])
    except ServiceError as exc:
        if exc.status in (403, 404):
            abort(exc.status)
        flash(exc.message, "error")
        return redirect(url_for("admin.sandbox_page", run_id=run_id), 303)
    if created is None:
        problems = "; ".join(p["message"] for p in report["problems"][:3])
        flash(f"Gói với ca kiểm thử này chưa hợp lệ: {problems}", "error")
        if kept is not None:
            return redirect(url_for("admin.draft_page", draft_id=kept["id"]), 303)
        return redirect(url_for("admin.sandbox_page", run_id=run_id), 303)
    tests = created.get("tests") or {}
    if created.get("unchanged"):
        flash(f"Ca kiểm thử này đã có trong bản nháp số {created['number']}.")
    else:
        flash(f"Đã lưu lượt chạy thử thành ca kiểm thử: bản nháp số {created['number']} "
              f"({tests.get('total', 0) - tests.get('failed', 0)}/{tests.get('total', 0)} ca "
              "kiểm thử đạt).")
    return redirect(url_for("admin.version_page", agency=created["agency"], code=created["code"],
                            number=created["number"]), 303)
