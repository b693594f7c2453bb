"""Test runs of a version (`/quan-tri/…/chay-thu`, `/quan-tri/chay-thu/<run>`): start with the
start form's data, complete waiting tasks, let timers fire, the path drawn on the diagram."""

from __future__ import annotations

import json

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from admin.common import bp, diagram_data, staff, uow
from engine import procedures
from engine.core import ServiceError


@bp.route("/thu-tuc/<agency>/<code>/<int:number>/chay-thu", methods=["GET", "POST"])
def sandbox_start(agency: str, code: str, number: int) -> str | Response | tuple[str, int]:
    """Start a test run: the start form's data as JSON, prefilled from the package's
    first test case."""
    actor = staff()
    error = ""
    if request.method == "POST":
        text = request.form.get("data", "")
        try:
            data = current_app.json.loads(text)  # refuses NaN/Infinity (a ValueError)
            if not isinstance(data, dict):
                raise ValueError
            with uow() as work:
                run = procedures.start_sandbox_run(work, actor=actor, agency_code=agency, code=code,
                                                   number=number, data=data)
            return redirect(url_for("admin.sandbox_page", run_id=run["id"]), 303)
        except ValueError:
            error = "Dữ liệu phải là một đối tượng JSON."
        except ServiceError as exc:
            error = _explain(exc)
    else:
        with uow() as work:
            text = json.dumps(procedures.suggested_start(work, actor=actor, agency_code=agency,
                                                         code=code, number=number),
                              ensure_ascii=False, indent=2)
    page = render_template("admin_sandbox_start.html", agency=agency, code=code, number=number,
                           text=text, error=error)
    return (page, 422) if error else page


def _explain(exc: ServiceError) -> str:
    """A refusal with its field problems, for a page that shows JSON being edited."""
    details = exc.details if isinstance(exc.details, list) else []
    fields = "; ".join(f"{d.get('field') or '(gốc)'}: {d.get('message')}" for d in details
                       if isinstance(d, dict))
    return f"{exc.message} {fields}".strip()


@bp.get("/chay-thu/<int:run_id>")
def sandbox_page(run_id: int, error: str = "") -> str:
    """A test run: the path so far on the diagram, each waiting task with its data, timers."""
    actor = staff()
    with uow() as work:
        run = procedures.show_sandbox_run(work, actor=actor, run_id=run_id)
        bench = procedures.workbench(work, actor=actor, agency_code=run["agency"],
                                     code=run["code"], number=run["number"])
    return render_template("admin_sandbox.html", run=run, v=bench, error=error,
                           bench_json=diagram_data(
                               bench, report={"problems": []}, path=run["path"],
                               ends_reached=run["ends"],
                               waiting=[t["bpmn_id"] for t in run["waiting"]]),
                           pretty=lambda value: json.dumps(value, ensure_ascii=False, indent=2))


@bp.post("/chay-thu/<int:run_id>/buoc/<task_id>")
def sandbox_step(run_id: int, task_id: str) -> str | Response | tuple[str, int]:
    """Complete a waiting task of the run with the JSON typed for it."""
    actor = staff()
    try:
        data = current_app.json.loads(request.form.get("data", ""))
        if not isinstance(data, dict):
            raise ValueError
        with uow() as work:
            procedures.complete_sandbox_step(work, actor=actor, run_id=run_id,
                                             task_id=task_id[:64], data=data)
    except ValueError:
        return sandbox_page(run_id, error="Dữ liệu phải là một đối tượng JSON."), 422
    except ServiceError as exc:
        return sandbox_page(run_id, error=_explain(exc)), exc.status
    return redirect(url_for("admin.sandbox_page", run_id=run_id), 303)


@bp.post("/chay-thu/<int:run_id>/hen-gio/<timer_id>")
def sandbox_timer(run_id: int, timer_id: str) -> Response:
    """Let a timer of the run fire."""
    actor = staff()
    try:
        with uow() as work:
            procedures.fire_sandbox_timer(work, actor=actor, run_id=run_id, timer_id=timer_id[:64])
    except ServiceError as exc:
        flash(exc.message, "error")
    return redirect(url_for("admin.sandbox_page", run_id=run_id), 303)
