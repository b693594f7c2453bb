"""Test runs of a version (`/quan-tri/…/chay-thu`, `/quan-tri/chay-thu/<run>`): start with the
start form, complete each waiting task with its form — the forms citizens and officers get,
generated from the package and prefilled from its test cases — let timers fire (named, with
their wait in words), the path drawn on the diagram, what each step was given listed by the
forms' field titles (`run["answers"]`). The raw JSON of each form stays available, folded
away («Nhập JSON (nâng cao)»)."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from admin.common import bp, diagram_data, staff, uow
from engine import procedures
from engine.core import ServiceError
from forms import FieldError, parse_submission, render_form

FORM_MODE = "form"  # the generated form was posted (else `data` holds JSON)


def _posted(schema: dict[str, Any] | None) -> tuple[dict[str, Any], bool]:
    """The data posted (generated form or JSON) and whether it only added/removed a row;
    raises ValueError for JSON that is not an object."""
    if _by_form():
        if schema is None:  # a step without a form: nothing to give
            return {}, False
        submission = parse_submission(schema, request.form.items(multi=True))
        return submission.data, submission.is_row_action
    data = current_app.json.loads(request.form.get("data", ""))  # refuses NaN/Infinity
    if not isinstance(data, dict):
        raise ValueError
    return data, False


def _by_form() -> bool:
    return request.form.get("_mode") == FORM_MODE


def _form(schema: dict[str, Any] | None, ui: dict[str, Any] | None, values: Any,
          errors: list[FieldError]) -> Markup:
    if schema is None:
        return Markup("")
    return Markup(render_form(schema, ui, values if isinstance(values, dict) else {}, errors))  # noqa: S704


def _field_errors(exc: ServiceError) -> list[FieldError]:
    details = exc.details if isinstance(exc.details, list) else []
    return [FieldError(str(d.get("field") or ""), str(d.get("message") or "")) for d in details
            if isinstance(d, dict)]


@bp.route("/thu-tuc/<agency>/<code>/<int:number>/chay-thu", methods=["GET", "POST"])
def sandbox_start(agency: str, code: str, number: int) -> str | Response | tuple[str, int]:
    """Start a test run with the start form, prefilled from the package's first test case."""
    actor = staff()
    with uow() as work:
        start = procedures.suggested_start(work, actor=actor, agency_code=agency, code=code,
                                           number=number)
    values: Any = start["data"]
    error, errors = "", []
    if request.method == "POST":
        try:
            values, row_action = _posted(start["schema"])
            if not row_action:
                with uow() as work:
                    run = procedures.start_sandbox_run(work, actor=actor, agency_code=agency,
                                                       code=code, number=number, data=values)
                return redirect(url_for("admin.sandbox_page", run_id=run["id"]), 303)
        except ValueError:
            error = "Dữ liệu phải là một đối tượng JSON."
        except ServiceError as exc:
            error, errors = _explain(exc), _field_errors(exc)
    page = render_template("admin_sandbox_start.html", agency=agency, code=code, number=number,
                           text=json.dumps(values, ensure_ascii=False, indent=2), error=error,
                           form_html=_form(start["schema"], start["ui"], values, errors),
                           form_name=start["form"], procedure_name=start["name"],
                           form_title=str((start["schema"] or {}).get("title") or ""))
    return (page, 422) if error else page


def _explain(exc: ServiceError) -> str:
    """A refusal with its field problems, for a page that shows JSON being edited; after a
    generated form, only the refusal: each problem is beside its field, by its title."""
    if _by_form():
        return exc.message
    details = exc.details if isinstance(exc.details, list) else []
    fields = "; ".join(f"{d.get('field') or '(gốc)'}: {d.get('message')}" for d in details
                       if isinstance(d, dict))
    return f"{exc.message} {fields}".strip()


@bp.get("/chay-thu/<int:run_id>")
def sandbox_page(run_id: int, error: str = "", task_id: str = "", values: Any = None,
                 errors: list[FieldError] | None = None) -> str:
    """A test run: the path so far on the diagram, each waiting task with its form, timers.
    After a refused step, that task's form shows what was typed and its errors."""
    actor = staff()
    with uow() as work:
        run = procedures.show_sandbox_run(work, actor=actor, run_id=run_id)
        bench = procedures.workbench(work, actor=actor, agency_code=run["agency"],
                                     code=run["code"], number=run["number"])
        save_case = procedures.sandbox_case_choices(work, actor=actor, run_id=run_id)
    for task in run["waiting"]:
        mine = task["id"] == task_id and values is not None
        task["prefill"] = values if mine else task["suggested"]
        task["form_html"] = _form(task["schema"], task["ui"], task["prefill"],
                                  (errors or []) if mine else [])
    return render_template("admin_sandbox.html", run=run, v=bench, error=error,
                           save_case=save_case,
                           bench_json=diagram_data(
                               bench, report={"problems": []}, path=run["path"],
                               ends_reached=run["ends"],
                               waiting=[t["bpmn_id"] for t in run["waiting"]]),
                           pretty=lambda value: json.dumps(value, ensure_ascii=False, indent=2))


@bp.post("/chay-thu/<int:run_id>/buoc/<task_id>")
def sandbox_step(run_id: int, task_id: str) -> str | Response | tuple[str, int]:
    """Complete a waiting task of the run with its form (or the JSON typed for it)."""
    actor = staff()
    task_id = task_id[:64]
    with uow() as work:
        run = procedures.show_sandbox_run(work, actor=actor, run_id=run_id)
    task = next((t for t in run["waiting"] if t["id"] == task_id), None)
    values: Any = None
    try:
        values, row_action = _posted(task["schema"] if task else None)
        if row_action:
            return sandbox_page(run_id, task_id=task_id, values=values)
        with uow() as work:
            procedures.complete_sandbox_step(work, actor=actor, run_id=run_id, task_id=task_id,
                                             data=values)
    except ValueError:
        return sandbox_page(run_id, error="Dữ liệu phải là một đối tượng JSON."), 422
    except ServiceError as exc:
        return sandbox_page(run_id, error=_explain(exc), task_id=task_id, values=values,
                            errors=_field_errors(exc)), exc.status
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
