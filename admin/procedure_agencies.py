"""«Áp dụng cho cơ quan» (`/quan-tri/thu-tuc/<agency>/<code>/ap-dung`): the agencies a
published procedure applies at, grouped by level; tick one or several to apply it there
(`engine.procedures.apply_procedure`), or «Ngừng áp dụng» at one (`stop_procedure`), asked
first on a page of its own (citizens there can no longer submit it). Where it applies, the
roles nobody holds there are named as the accounts page names them, with the procedure's own
label after, each linked to the officers' form with that agency and role chosen."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from admin.common import bp, staff, uow
from engine import agencies, procedures
from engine.core import Actor, ServiceError, UnitOfWork, may_open_agency_admin


@bp.get("/thu-tuc/<agency>/<code>/ap-dung")
def procedure_agencies_page(agency: str, code: str) -> str:
    """The agencies, those where it applies marked, the others as checkboxes."""
    actor = staff()
    try:
        with uow() as work:
            page = procedures.procedure_agencies(work, actor=actor, agency_code=agency,
                                                 code=code)
            _name_unstaffed(work, actor, page)
    except ServiceError as exc:
        abort(exc.status, description=exc.message)
    return render_template("admin_procedure_agencies.html", p=page)


def _name_unstaffed(work: UnitOfWork, actor: Actor, page: dict[str, Any]) -> None:
    """Each applied agency's `unstaffed_roles`: its unstaffed lanes as `agencies.LaneRole`s,
    and `staffable` — whether the actor may give officers roles there (the link is shown)."""
    managed = ({a["code"] for a in agencies.managed_agencies(work, actor=actor)
                if not a["closed"]} if may_open_agency_admin(actor) else set())
    rows = [row for group in page["groups"] for row in group["agencies"]]
    wanted = {(lane["role"], lane["label"]) for row in rows if row["state"] == "applied"
              for lane in row["unstaffed"]}
    named = {(lane.code, lane.label): lane  # the role names read once for every agency
             for lane in agencies.lane_roles(work, sorted(wanted))} if wanted else {}
    for row in rows:
        row["unstaffed_roles"] = ([named[lane["role"], lane["label"]] for lane in row["unstaffed"]]
                                  if row["state"] == "applied" else [])
        row["staffable"] = row["code"] in managed


@bp.post("/thu-tuc/<agency>/<code>/ap-dung")
def apply_procedure(agency: str, code: str) -> Response | str:
    """Apply to the ticked agencies, or stop at the one whose button was pressed once that
    is confirmed; back to the page with what was done, or why not."""
    actor = staff()
    stop = request.form.get("ngung", "")[:40]
    if stop and request.form.get("xac_nhan") != "1":
        return _ask_to_stop(actor, agency, code, stop)
    try:
        with uow() as work:
            if stop:
                name = procedures.stop_procedure(work, actor=actor, agency_code=agency,
                                                 code=code, target=stop)
                flash(f"Đã ngừng áp dụng tại {name}: hồ sơ đang xử lý ở đó vẫn tiếp tục, "
                      "không nhận hồ sơ mới.", "success")
            else:
                names = procedures.apply_procedure(
                    work, actor=actor, agency_code=agency, code=code,
                    targets=request.form.getlist("co_quan"))
                flash(f"Đã áp dụng cho {', '.join(names)}." if names
                      else "Thủ tục đã đang áp dụng tại các cơ quan đã chọn.", "success")
    except ServiceError as exc:
        if exc.status == 404:
            abort(404, description=exc.message)
        flash(exc.message, "error")
    return redirect(url_for("admin.procedure_agencies_page", agency=agency, code=code))


def _ask_to_stop(actor: Actor, agency: str, code: str, stop: str) -> str:
    """«Ngừng áp dụng … tại …?»: what stopping does, before it is done."""
    with uow() as work:
        page = procedures.procedure_agencies(work, actor=actor, agency_code=agency, code=code)
    target = next((a for g in page["groups"] for a in g["agencies"]
                   if a["code"] == stop and a["state"] == "applied"), None)
    if target is None:
        abort(404, description="Thủ tục không đang áp dụng tại cơ quan này.")
    return render_template("admin_procedure_stop.html", p=page, target=target)
