"""Procedures: the API's own description, the catalogue, uploading a package, moving a
version along its life, exporting and comparing versions, and sandbox test runs."""

from __future__ import annotations

from pathlib import Path

from flask import Response, jsonify, request

from engine import procedures
from engine.core import Invalid
from engine.legal_clock import parse_instant
from webapp.api.common import bp, json_body, object_field, signed_in
from webapp.context import uow

OPENAPI = Path(__file__).parent.with_name("openapi.json")


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI document of this API."""
    return Response(OPENAPI.read_text(encoding="utf-8"), mimetype="application/json")


@bp.get("/schemas/procedure.json")
def procedure_schema() -> Response:
    """The published JSON Schema of procedure.json."""
    return jsonify(procedures.manifest_schema())


@bp.get("/procedures")
def list_procedures() -> Response:
    """The published catalogue."""
    with uow() as work:
        return jsonify({"procedures": procedures.procedure_catalogue(work)})


@bp.get("/procedures/<code>")
def show_procedure(code: str) -> Response:
    """One published procedure with its start form schema."""
    with uow() as work:
        return jsonify(procedures.procedure_detail(work, code=code,
                                                   agency_code=request.args.get("agency")))


@bp.post("/procedures")
def upload_procedure() -> tuple[Response, int]:
    """Upload a package (.zip) as a new draft version; answers with the validation report."""
    actor = signed_in()
    upload = request.files.get("package")
    separate = request.files.getlist("files")
    agency = request.form.get("agency", "")
    if (upload is None and not separate) or not agency:
        raise Invalid("Cần tệp 'package' (.zip) hoặc các tệp 'files' của gói, và mã cơ quan 'agency'.")
    with uow() as work:  # a refused package whose files could be read is kept as a draft
        if upload is not None:
            report, version, kept = procedures.import_keeping(
                work, actor=actor, agency_code=agency, zip_bytes=upload.read(),
                filename=upload.filename or "upload.zip")
        else:
            report, version, kept = procedures.import_keeping(
                work, actor=actor, agency_code=agency,
                files=[(f.filename or "", f.read()) for f in separate])
    body = {"report": report.as_dict(), "version": version, "draft": kept}
    return jsonify(body), 201 if version else 422


@bp.post("/procedures/<code>/versions/<int:number>/<action>")
def version_action(code: str, number: int, action: str) -> Response:
    """Move a version along its life: submit, review (`decision` accept|reject, `note`),
    approve, publish (`effective_from`, ISO date-time, default now), retire. `?agency=`."""
    actor = signed_in()
    body = json_body() if request.content_length else {}
    effective = body.get("effective_from")
    try:
        when = parse_instant(str(effective)) if effective else None
    except ValueError:
        raise Invalid("Trường 'effective_from' phải là thời điểm ISO-8601.") from None
    with uow() as work:
        return jsonify(procedures.act_on_version(
            work, actor=actor, agency_code=request.args.get("agency", ""), code=code,
            number=number, action=action, decision=str(body.get("decision", "")),
            note=str(body.get("note", ""))[:4000], effective_from=when))


@bp.get("/procedures/<code>/versions/<int:number>")
def show_version(code: str, number: int) -> Response:
    """One version: status, who moved it along and when, its package tests. `?agency=`."""
    actor = signed_in()
    with uow() as work:
        return jsonify(procedures.version_detail(work, actor=actor,
                                                 agency_code=request.args.get("agency", ""),
                                                 code=code, number=number))


@bp.get("/procedures/<code>/versions/<int:number>/package")
def export_version(code: str, number: int) -> Response:
    """The version's package as uploaded, as a .zip. `?agency=`."""
    actor = signed_in()
    with uow() as work:
        name, content = procedures.export_version(work, actor=actor,
                                                  agency_code=request.args.get("agency", ""), code=code,
                                                  number=number)
    response = Response(content, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/procedures/<code>/diff")
def diff_versions(code: str) -> Response:
    """Changes between two versions: `?agency=&from=N&to=M`."""
    actor = signed_in()
    before, after = request.args.get("from", type=int), request.args.get("to", type=int)
    if before is None or after is None:
        raise Invalid("Cần 'from' và 'to' là số phiên bản.")
    with uow() as work:
        return jsonify(procedures.diff_versions(work, actor=actor, agency_code=request.args.get("agency", ""),
                                                code=code, before=before, after=after))


@bp.post("/procedures/<code>/versions/<int:number>/sandbox")
def start_sandbox(code: str, number: int) -> tuple[Response, int]:
    """Start a test run of a version with the start form's `data` (`?agency=`); never a
    dossier: no code, no inbox, no report."""
    actor = signed_in()
    with uow() as work:
        return jsonify(procedures.start_sandbox_run(work, actor=actor, code=code, number=number,
                                                    agency_code=request.args.get("agency", ""),
                                                    data=object_field(json_body(), "data"))), 201


@bp.get("/sandbox/<int:run_id>")
def show_sandbox(run_id: int) -> Response:
    """A test run: path so far, waiting tasks (with their forms and suggested data), timers."""
    actor = signed_in()
    with uow() as work:
        return jsonify(procedures.show_sandbox_run(work, actor=actor, run_id=run_id))


@bp.post("/sandbox/<int:run_id>/tasks/<task_id>")
def sandbox_step(run_id: int, task_id: str) -> Response:
    """Complete a waiting task of a test run with `data`."""
    actor = signed_in()
    with uow() as work:
        return jsonify(procedures.complete_sandbox_step(
            work, actor=actor, run_id=run_id, task_id=task_id[:64],
            data=object_field(json_body(), "data")))


@bp.post("/sandbox/<int:run_id>/timers/<timer_id>")
def sandbox_timer(run_id: int, timer_id: str) -> Response:
    """Let a waiting timer of a test run fire (simulated time)."""
    actor = signed_in()
    with uow() as work:
        return jsonify(procedures.fire_sandbox_timer(work, actor=actor, run_id=run_id,
                                                     timer_id=timer_id[:64]))
