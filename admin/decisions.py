"""The decision tables of a version (`/quan-tri/thu-tuc/…/bang-quyet-dinh`): each `.dmn`
table of the package in the dmn-js decision table editor (vendored, pinned), with the
findings of its static checks (`bpmn.dmn`) by row; saving makes a new draft version,
validated and tested like any upload."""

from __future__ import annotations

from flask import abort, render_template, request

from admin.common import bp, json_for_script, staff, uow
from engine import procedures


@bp.get("/thu-tuc/<agency>/<code>/<int:number>/bang-quyet-dinh")
def decisions_page(agency: str, code: str, number: int) -> str:
    """One decision table of the version (`?tep=` names the file; the first by default)."""
    actor = staff()
    with uow() as work:
        bench = procedures.workbench(work, actor=actor, agency_code=agency, code=code, number=number)
        files = procedures.decision_files(work, actor=actor, agency_code=agency, code=code,
                                          number=number)
    chosen = request.args.get("tep", "") or next(iter(files), "")
    if files and chosen not in files:
        abort(404)
    findings = [p for p in bench["report"]["problems"] if p.get("file") == chosen]
    return render_template("admin_decisions.html", v=bench, files=sorted(files), chosen=chosen,
                           findings=findings,
                           table_json=json_for_script({"xml": files.get(chosen, ""),
                                                       "path": chosen}))
