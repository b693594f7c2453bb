"""Procedure administration (`/quan-tri/thu-tuc`): the versions of my agency's procedures,
upload with its validation report, each version's page and its lifecycle, the modeler and
the form editor (saving a new draft), diffs and each step's times; the review queues
(`/quan-tri/hang-cho`) with their counts in the menu (`_review_queue_nav.html`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from admin.common import bp, diagram_data, staff, uow
from engine import procedures, reports
from engine.core import VN_TZ, Actor, ServiceError, is_staff
from forms.formats import DAY_HINT, read_moment

LIFECYCLE = {"gui-xem-xet": "submit", "xem-xet": "review", "phe-duyet": "approve",
             "tra-lai": "reject", "cong-bo": "publish", "ngung": "retire"}
DONE = {"submit": "Đã gửi xem xét", "review": "Đã ghi kết quả xem xét", "approve": "Đã phê duyệt",
        "reject": "Đã trả lại",
        "publish": "Đã công bố", "retire": "Đã ngừng áp dụng"}


def _versions_page(actor: Actor, **more: Any) -> str:
    with uow() as work:
        rows = procedures.list_versions(work, actor=actor)
        drafts = procedures.list_drafts(work, actor=actor)
        agencies = procedures.design_agencies(work, actor=actor)
    in_force = {(row["agency"], row["code"]): row["number"] for row in rows if row["in_force"]}
    return render_template("admin_versions.html", rows=rows, drafts=drafts, agencies=agencies,
                           in_force=in_force, designs={code for code, _ in agencies},
                           **{"report": None, "stored": None, "kept": None, **more})


@bp.get("/thu-tuc")
def versions() -> str:
    """Versions of the procedures I configure, and my drafts kept invalid."""
    return _versions_page(staff())


@bp.post("/thu-tuc")
def upload() -> str | tuple[str, int]:
    """Upload a package (.zip): the report is shown; a valid package becomes a draft
    version, an invalid one is kept as a draft marked invalid, to open in the modeler."""
    actor = staff()
    package = request.files.get("package")
    separate = [f for f in request.files.getlist("files") if f.filename]
    agency = request.form.get("agency", "")
    if ((package is None or not package.filename) and not separate) or not agency:
        abort(400, description="Hãy chọn cơ quan và gói thủ tục (.zip) hoặc các tệp của gói.")
    with uow() as work:
        if package is not None and package.filename:
            report, version, kept = procedures.import_keeping(
                work, actor=actor, agency_code=agency, zip_bytes=package.read(),
                filename=package.filename or "upload.zip")
        else:
            report, version, kept = procedures.import_keeping(
                work, actor=actor, agency_code=agency,
                files=[(f.filename or "", f.read()) for f in separate])
        told = procedures.report_for_designer(work, actor=actor, report=report.as_dict(),
                                              kept=kept, version=version)
    page = _versions_page(actor, report=told, stored=version, kept=kept)
    return page if version else (page, 422)


@bp.get("/thu-tuc/<agency>/<code>/<int:number>")
def version_page(agency: str, code: str, number: int) -> str:
    """One version: its diagram with problems highlighted, each step's lane, form and
    deadline beside it, the package tests, and the actions of its life."""
    return _version_html(staff(), agency, code, number)


def _version_html(actor: Actor, agency: str, code: str, number: int,
                  publish: dict[str, str] | None = None,
                  review: dict[str, str] | None = None) -> str:
    """The version's page; `publish` and `review` are those forms as typed, with their error."""
    with uow() as work:
        bench = procedures.workbench(work, actor=actor, agency_code=agency, code=code, number=number)
        summary = procedures.version_essentials(work, actor=actor, agency_code=agency, code=code,
                                                number=number)
        words = procedures.version_words(work, actor=actor, agency_code=agency, code=code,
                                         number=number)
    return render_template("admin_version.html", v=bench, s=summary, w=words, actor=actor,
                           publish=publish or {}, review=review or {}, day_hint=DAY_HINT,
                           bench_json=diagram_data(bench))


def review_error(form: Mapping[str, str]) -> str:
    """Why the review form as sent cannot be recorded ("" when it can): nothing is chosen
    for the reviewer, and asking for changes says what to change."""
    decision = form.get("decision", "")
    if decision not in ("accept", "reject"):
        return "Chọn «Đồng ý» hoặc «Yêu cầu sửa»."
    if decision == "reject" and not form.get("note", "").strip():
        return "Yêu cầu sửa cần ghi ý kiến: người thiết kế cần sửa gì."
    return ""


def read_effective(form: Mapping[str, str]) -> datetime | None:
    """«Hiệu lực từ» typed as a day (15/01/2027) and a time (07:30, blank: 00:00), Vietnam
    time; None when both are blank (now); ValueError with what to type when it is wrong."""
    day, clock = form.get("effective_day", "")[:40], form.get("effective_time", "")[:40]
    if not day.strip() and not clock.strip():
        return None
    return read_moment(day, clock if clock.strip() else "00:00", "Hiệu lực từ").replace(tzinfo=VN_TZ)


@bp.post("/thu-tuc/<agency>/<code>/<int:number>/<step>")
def version_step(agency: str, code: str, number: int, step: str) -> Response | tuple[str, int]:
    """A step of the version's life: gửi xem xét, xem xét, phê duyệt, công bố (from the
    moment typed as «Hiệu lực từ», refused in words with what was typed), ngừng."""
    actor = staff()
    action = LIFECYCLE.get(step)
    if action is None:
        abort(404)
    form = request.form
    try:
        when = read_effective(form) if action == "publish" else None
    except ValueError as exc:  # the page again, with what was typed and why it is refused
        typed = {k: form.get(k, "")[:40] for k in ("effective_day", "effective_time")}
        flash(str(exc), "error")
        return _version_html(actor, agency, code, number, {**typed, "error": str(exc)}), 422
    problem = review_error(form) if action == "review" else ""
    if problem:  # the page again, the choice and the comment kept
        typed = {"decision": form.get("decision", "")[:10], "note": form.get("note", "")[:4000]}
        flash(problem, "error")
        return _version_html(actor, agency, code, number, review={**typed, "error": problem}), 422
    try:
        with uow() as work:
            procedures.act_on_version(work, actor=actor, agency_code=agency, code=code, number=number,
                                      action=action, decision=form.get("decision", ""),
                                      note=form.get("note", "")[:4000], effective_from=when)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"{DONE[action]} phiên bản {number} của thủ tục {code}.", "success")
    return redirect(url_for("admin.version_page", agency=agency, code=code, number=number), 303)


@bp.post("/thu-tuc/<agency>/<code>/<int:number>/bo")
def discard_version(agency: str, code: str, number: int) -> Response:
    """Drop a draft, once its designer confirmed (the box ticked); audited."""
    actor = staff()
    if request.form.get("confirm") != "yes":
        flash("Hãy đánh dấu ô xác nhận trước khi bỏ bản nháp.", "error")
        return redirect(url_for("admin.version_page", agency=agency, code=code, number=number), 303)
    try:
        with uow() as work:
            procedures.discard_version(work, actor=actor, agency_code=agency, code=code,
                                       number=number)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("admin.version_page", agency=agency, code=code, number=number), 303)
    flash(f"Đã bỏ bản nháp số {number} của thủ tục {code}.", "success")
    return redirect(url_for("admin.versions"), 303)


@bp.get("/thu-tuc/<agency>/<code>/<int:number>/thoi-gian")
def step_times_page(agency: str, code: str, number: int) -> str:
    """Where the version loses time: each step's volume, median and 90th-percentile
    duration and late share, on the drawing and in a table."""
    actor = staff()
    with uow() as work:
        times = reports.step_times(work, actor=actor, agency_code=agency, code=code, number=number)
        bench = procedures.workbench(work, actor=actor, agency_code=agency, code=code, number=number)
    return render_template("admin_step_times.html", v=bench, times=times,
                           bench_json=diagram_data(bench, report={"problems": []},
                                                    steps=times["steps"]))


@bp.get("/thu-tuc/<agency>/<code>/<int:number>/so-sanh")
def diff_page(agency: str, code: str, number: int) -> str:
    """What changed between another version (`voi`) and this one."""
    actor = staff()
    other = request.args.get("voi", type=int)
    if other is None:
        abort(400, description="Chọn phiên bản để so sánh (voi).")
    before, after = sorted((other, number))
    with uow() as work:
        changes = procedures.diff_versions(work, actor=actor, agency_code=agency, code=code,
                                           before=before, after=after)
    return render_template("admin_diff.html", d=changes, agency=agency, code=code, number=number)


@bp.get("/thu-tuc/<agency>/<code>/<int:number>/bieu-mau/<form>")
def form_editor(agency: str, code: str, number: int, form: str) -> str:
    """A form's JSON Schema beside a live preview of the form it generates; saving makes
    a new draft version."""
    actor = staff()
    with uow() as work:
        bench = procedures.workbench(work, actor=actor, agency_code=agency, code=code, number=number)
    path = f"forms/{form}"
    if path not in bench["forms"]:
        abort(404)
    text = bench["forms"][path]
    return render_template("admin_form_editor.html", v=bench, form=form, text=text,
                           title=_form_title(text) or form, preview=procedures.preview_form(text))


def _form_title(text: str) -> str:
    """A form's title as its schema states it ("" when it has none or does not parse)."""
    try:
        schema = json.loads(text)
    except ValueError:
        return ""
    return str(schema.get("title") or "").strip() if isinstance(schema, dict) else ""


@bp.post("/xem-truoc-bieu-mau")
def form_preview() -> Response:
    """The live preview: `{"schema": text}` → `{"html", "problems"}`."""
    staff()
    body = request.get_json(silent=True)
    schema = body.get("schema") if isinstance(body, dict) else None
    return jsonify(procedures.preview_form(schema if isinstance(schema, str) else ""))


def _modeler_data(bench: dict[str, Any], tables_url: str | None) -> Markup:
    """What modeler.js reads besides the diagrams: duration units, the package's decision
    tables (id and name) and where they are edited (None for a kept draft)."""
    return diagram_data(bench, units=procedures.DURATION_UNITS,
                        decisions=bench.get("decisions", []), decisions_url=tables_url)


@bp.get("/thu-tuc/<agency>/<code>/<int:number>/sua")
def modeler_page(agency: str, code: str, number: int) -> str:
    """The diagram in the bpmn-js modeler, with a panel for lane role, form, step deadline
    and gateway conditions; saving makes a new draft version."""
    actor = staff()
    with uow() as work:
        bench = procedures.workbench(work, actor=actor, agency_code=agency, code=code, number=number)
    tables = url_for("admin.decisions_page", agency=agency, code=code, number=number)
    return render_template("admin_modeler.html", v=bench, draft=None,
                           bench_json=_modeler_data(bench, tables),
                           forms=sorted(name.removeprefix("forms/") for name in bench["forms"]),
                           save_url=url_for("admin.save_draft", agency=agency, code=code,
                                            number=number))


def _saved(report: dict[str, Any], created: dict[str, Any] | None,
           kept: dict[str, Any] | None) -> tuple[Response, int]:
    """The JSON answer of a save: the new (or identical) version and its page, or the
    problems and the kept draft to reopen."""
    if created:
        page = url_for("admin.version_page", agency=created["agency"], code=created["code"],
                       number=created["number"])
        return jsonify({"report": report, "version": created, "url": page}), (
            200 if created.get("unchanged") else 201)
    if kept:
        kept = {**kept, "url": url_for("admin.draft_page", draft_id=kept["id"])}
    return jsonify({"report": report, "version": None, "draft": kept}), 422


def _edited_files() -> dict[str, str] | None:
    body = request.get_json(silent=True)
    files = body.get("files") if isinstance(body, dict) else None
    if not isinstance(files, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return None
    return files


@bp.post("/thu-tuc/<agency>/<code>/<int:number>/luu")
def save_draft(agency: str, code: str, number: int) -> tuple[Response, int]:
    """Save edited files (`{"files": {path: text}}`) as a new draft version (JSON answer:
    the validation report, the new version and its page; when invalid, the draft kept)."""
    actor = staff()
    files = _edited_files()
    if files is None:
        return jsonify({"error": "Cần 'files': {đường dẫn: nội dung}."}), 400
    try:
        with uow() as work:
            report, created, kept = procedures.save_as_draft(
                work, actor=actor, agency_code=agency, code=code, number=number, changes=files)
            report = procedures.report_for_designer(work, actor=actor, report=report, kept=kept,
                                                    version=created)
    except ServiceError as exc:
        return jsonify({"error": exc.message}), exc.status
    return _saved(report, created, kept)


@bp.get("/ban-nhap/<int:draft_id>")
def draft_page(draft_id: int) -> str:
    """A draft kept invalid, in the modeler, its problems listed on top and marked on the
    drawing; saving re-checks it in place."""
    actor = staff()
    with uow() as work:
        bench = procedures.draft_bench(work, actor=actor, draft_id=draft_id)
    return render_template("admin_modeler.html", v=bench, draft=bench,
                           bench_json=_modeler_data(bench, None),
                           forms=sorted(name.removeprefix("forms/") for name in bench["forms"]),
                           save_url=url_for("admin.save_kept_draft", draft_id=draft_id))


@bp.post("/ban-nhap/<int:draft_id>/luu")
def save_kept_draft(draft_id: int) -> tuple[Response, int]:
    """Save a kept draft's edited files: valid, it becomes a draft version."""
    actor = staff()
    files = _edited_files()
    if files is None:
        return jsonify({"error": "Cần 'files': {đường dẫn: nội dung}."}), 400
    try:
        with uow() as work:
            report, created, kept = procedures.save_kept_draft(work, actor=actor,
                                                               draft_id=draft_id, changes=files)
            report = procedures.report_for_designer(work, actor=actor, report=report, kept=kept,
                                                    version=created)
    except ServiceError as exc:
        return jsonify({"error": exc.message}), exc.status
    return _saved(report, created, kept)


@bp.post("/ban-nhap/<int:draft_id>/bo")
def discard_kept_draft(draft_id: int) -> Response:
    """Drop a kept draft, once its designer ticked the confirmation; audited."""
    actor = staff()
    if request.form.get("confirm") != "yes":
        flash("Hãy đánh dấu ô xác nhận trước khi bỏ bản nháp.", "error")
        return redirect(url_for("admin.draft_page", draft_id=draft_id), 303)
    try:
        with uow() as work:
            procedures.discard_draft(work, actor=actor, draft_id=draft_id)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("admin.versions"), 303)
    flash("Đã bỏ bản nháp chưa hợp lệ.", "success")
    return redirect(url_for("admin.versions"), 303)


def _counts() -> dict[str, int]:
    """How many versions wait for the signed-in actor, computed once per request."""
    if "review_queue_counts" not in g:
        actor: Actor | None = g.get("actor")
        if actor is None or actor.account_id is None or not is_staff(actor):
            g.review_queue_counts = {"review": 0, "approve": 0}
        else:
            with uow() as work:
                g.review_queue_counts = procedures.queue_counts(work, actor=actor)
    counts: dict[str, int] = g.review_queue_counts
    return counts


@bp.app_context_processor
def review_queue_menu() -> dict[str, Any]:
    """Every template may show the actor's queue counts (the menu does, lazily)."""
    return {"review_queues": _counts}


@bp.get("/hang-cho")
def queues_page() -> str:
    """The versions waiting for me, oldest first."""
    actor = staff()
    with uow() as work:
        queues = procedures.review_queues(work, actor=actor)
    return render_template("admin_queues.html", queues=queues)
