"""Procedure administration: the versions of my agency's procedures, upload with its
validation report, and publishing."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from werkzeug.wrappers import Response

from engine.core.actors import Actor
from engine.core.clock import VN_TZ
from engine.core.errors import ServiceError
from engine.core.uow import UnitOfWork
from engine.dossiers import deadlines, timers
from engine.identity import accounts, api_keys
from engine.legal_clock import calendars
from engine.procedures import catalogue as procedures
from engine.procedures import sandbox
from engine.procedures import versions as lifecycle
from engine.records import audit_search as audit_log
from engine.records.audit_search import AuditFilter
from engine.reports import dashboard, indicators
from engine.reports import exports as report_export
from engine.reports import statistics as reports
from engine.wiring import Platform

bp = Blueprint("admin", __name__, url_prefix="/quan-tri", template_folder="templates",
               static_folder="static", static_url_path="/tai-nguyen")
LIFECYCLE = {"gui-xem-xet": "submit", "xem-xet": "review", "phe-duyet": "approve",
             "tra-lai": "reject", "cong-bo": "publish", "ngung": "retire"}
DONE = {"submit": "Đã gửi xem xét", "review": "Đã ghi kết quả xem xét", "approve": "Đã phê duyệt",
        "reject": "Đã trả lại",
        "publish": "Đã công bố", "retire": "Đã ngừng áp dụng"}


def uow() -> UnitOfWork:
    """A unit of work on the platform the web app built."""
    platform: Platform = current_app.extensions["motcua"]
    return platform.uow()


def _staff() -> Actor:
    """The signed-in actor (set by the web app for every request), if staff."""
    actor: Actor = g.actor
    if actor.account_id is None:
        abort(401)
    if actor.kind not in ("officer", "admin"):
        abort(403)
    return actor


@bp.get("/thu-tuc")
def versions() -> str:
    """Versions of the procedures I configure."""
    actor = _staff()
    with uow() as work:
        rows = procedures.list_versions(work, actor=actor)
    agencies = sorted({(r["agency"], r["agency_name"]) for r in rows})
    return render_template("admin_versions.html", rows=rows, agencies=agencies, report=None)


@bp.post("/thu-tuc")
def upload() -> str | tuple[str, int]:
    """Upload a package (.zip): the report is shown; a valid package becomes a draft."""
    actor = _staff()
    package = request.files.get("package")
    separate = [f for f in request.files.getlist("files") if f.filename]
    agency = request.form.get("agency", "")
    if ((package is None or not package.filename) and not separate) or not agency:
        abort(400, description="Hãy chọn cơ quan và gói thủ tục (.zip) hoặc các tệp của gói.")
    with uow() as work:
        if package is not None and package.filename:
            report, version = procedures.import_package(
                work, actor=actor, agency_code=agency, zip_bytes=package.read(),
                filename=package.filename or "upload.zip")
        else:
            report, version = procedures.import_package(
                work, actor=actor, agency_code=agency,
                files=[(f.filename or "", f.read()) for f in separate])
    with uow() as work:
        rows = procedures.list_versions(work, actor=actor)
    agencies = sorted({(r["agency"], r["agency_name"]) for r in rows} | {(agency, agency)})
    page = render_template("admin_versions.html", rows=rows, agencies=agencies,
                           report=report.as_dict(), stored=version)
    return page if version else (page, 422)


@bp.get("/thu-tuc/<agency>/<code>/<int:number>")
def version_page(agency: str, code: str, number: int) -> str:
    """One version: its diagram with problems highlighted, each step's lane, form and
    deadline beside it, the package tests, and the actions of its life."""
    actor = _staff()
    with uow() as work:
        bench = lifecycle.workbench(work, actor=actor, agency_code=agency, code=code, number=number)
    return render_template("admin_version.html", v=bench, actor=actor,
                           bench_json=_diagram_data(bench))


def _json_for_script(data: dict[str, Any]) -> Markup:
    """Data for a page's diagram script, safe inside a JSON <script> block: every <, >, & and '
    is written as a \\u escape, so no "</script>" or "<!--" in a designer's text can end it."""
    return htmlsafe_json_dumps(data, ensure_ascii=False)


def _diagram_data(bench: dict[str, Any], **more: Any) -> Markup:
    """What diagram.js and modeler.js read: the version's diagrams, steps, roles, findings."""
    return _json_for_script({**{k: bench[k] for k in ("report", "tasks", "ends", "diagrams",
                                                      "roles")}, **more})


@bp.post("/thu-tuc/<agency>/<code>/<int:number>/<step>")
def version_step(agency: str, code: str, number: int, step: str) -> Response:
    """A step of the version's life: gửi xem xét, xem xét, phê duyệt, công bố, ngừng."""
    actor = _staff()
    action = LIFECYCLE.get(step)
    if action is None:
        abort(404)
    form = request.form
    try:
        effective = form.get("effective_from", "")
        when = datetime.fromisoformat(effective).replace(tzinfo=VN_TZ) if effective else None
        with uow() as work:
            lifecycle.act(work, actor=actor, agency_code=agency, code=code, number=number,
                          action=action, decision=form.get("decision", ""),
                          note=form.get("note", "")[:4000], effective_from=when)
    except ValueError:
        flash("Ngày hiệu lực không hợp lệ.", "error")
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"{DONE[action]} phiên bản {number} của thủ tục {code}.", "success")
    return redirect(url_for("admin.version_page", agency=agency, code=code, number=number), 303)


@bp.route("/thu-tuc/<agency>/<code>/<int:number>/chay-thu", methods=["GET", "POST"])
def sandbox_start(agency: str, code: str, number: int) -> str | Response | tuple[str, int]:
    """Start a test run: the start form's data as JSON, prefilled from the package's
    first test case."""
    actor = _staff()
    error = ""
    if request.method == "POST":
        text = request.form.get("data", "")
        try:
            data = current_app.json.loads(text)  # refuses NaN/Infinity (a ValueError)
            if not isinstance(data, dict):
                raise ValueError
            with uow() as work:
                run = sandbox.start_run(work, actor=actor, agency_code=agency, code=code,
                                        number=number, data=data)
            return redirect(url_for("admin.sandbox_page", run_id=run["id"]), 303)
        except ValueError:
            error = "Dữ liệu phải là một đối tượng JSON."
        except ServiceError as exc:
            error = _explain(exc)
    else:
        with uow() as work:
            text = json.dumps(sandbox.suggested_start(work, actor=actor, agency_code=agency,
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
    actor = _staff()
    with uow() as work:
        run = sandbox.show_run(work, actor=actor, run_id=run_id)
        bench = lifecycle.workbench(work, actor=actor, agency_code=run["agency"],
                                    code=run["code"], number=run["number"])
    return render_template("admin_sandbox.html", run=run, v=bench, error=error,
                           bench_json=_diagram_data(
                               bench, report={"problems": []}, path=run["path"],
                               ends_reached=run["ends"],
                               waiting=[t["bpmn_id"] for t in run["waiting"]]),
                           pretty=lambda value: json.dumps(value, ensure_ascii=False, indent=2))


@bp.post("/chay-thu/<int:run_id>/buoc/<task_id>")
def sandbox_step(run_id: int, task_id: str) -> str | Response | tuple[str, int]:
    """Complete a waiting task of the run with the JSON typed for it."""
    actor = _staff()
    try:
        data = current_app.json.loads(request.form.get("data", ""))
        if not isinstance(data, dict):
            raise ValueError
        with uow() as work:
            sandbox.complete_step(work, actor=actor, run_id=run_id, task_id=task_id[:64], data=data)
    except ValueError:
        return sandbox_page(run_id, error="Dữ liệu phải là một đối tượng JSON."), 422
    except ServiceError as exc:
        return sandbox_page(run_id, error=_explain(exc)), exc.status
    return redirect(url_for("admin.sandbox_page", run_id=run_id), 303)


@bp.post("/chay-thu/<int:run_id>/hen-gio/<timer_id>")
def sandbox_timer(run_id: int, timer_id: str) -> Response:
    """Let a timer of the run fire."""
    actor = _staff()
    try:
        with uow() as work:
            sandbox.fire_timer(work, actor=actor, run_id=run_id, timer_id=timer_id[:64])
    except ServiceError as exc:
        flash(exc.message, "error")
    return redirect(url_for("admin.sandbox_page", run_id=run_id), 303)


@bp.get("/thu-tuc/<agency>/<code>/<int:number>/thoi-gian")
def step_times_page(agency: str, code: str, number: int) -> str:
    """Where the version loses time: each step's volume, median and 90th-percentile
    duration and late share, on the drawing and in a table."""
    actor = _staff()
    with uow() as work:
        times = reports.step_times(work, actor=actor, agency_code=agency, code=code, number=number)
        bench = lifecycle.workbench(work, actor=actor, agency_code=agency, code=code, number=number)
    return render_template("admin_step_times.html", v=bench, times=times,
                           bench_json=_diagram_data(bench, report={"problems": []},
                                                    steps=times["steps"]))


@bp.get("/thu-tuc/<agency>/<code>/<int:number>/so-sanh")
def diff_page(agency: str, code: str, number: int) -> str:
    """What changed between another version (`voi`) and this one."""
    actor = _staff()
    other = request.args.get("voi", type=int)
    if other is None:
        abort(400, description="Chọn phiên bản để so sánh (voi).")
    before, after = sorted((other, number))
    with uow() as work:
        changes = lifecycle.diff(work, actor=actor, agency_code=agency, code=code,
                                 before=before, after=after)
    return render_template("admin_diff.html", d=changes, agency=agency, code=code, number=number)


@bp.get("/thu-tuc/<agency>/<code>/<int:number>/bieu-mau/<form>")
def form_editor(agency: str, code: str, number: int, form: str) -> str:
    """A form's JSON Schema beside a live preview of the form it generates; saving makes
    a new draft version."""
    actor = _staff()
    with uow() as work:
        bench = lifecycle.workbench(work, actor=actor, agency_code=agency, code=code, number=number)
    path = f"forms/{form}"
    if path not in bench["forms"]:
        abort(404)
    text = bench["forms"][path]
    return render_template("admin_form_editor.html", v=bench, form=form, text=text,
                           preview=lifecycle.preview_form(text))


@bp.post("/xem-truoc-bieu-mau")
def form_preview() -> Response:
    """The live preview: `{"schema": text}` → `{"html", "problems"}`."""
    _staff()
    body = request.get_json(silent=True)
    schema = body.get("schema") if isinstance(body, dict) else None
    return jsonify(lifecycle.preview_form(schema if isinstance(schema, str) else ""))


@bp.get("/thu-tuc/<agency>/<code>/<int:number>/sua")
def modeler_page(agency: str, code: str, number: int) -> str:
    """The diagram in the bpmn-js modeler, with a panel for lane role, form, step deadline
    and gateway conditions; saving makes a new draft version."""
    actor = _staff()
    with uow() as work:
        bench = lifecycle.workbench(work, actor=actor, agency_code=agency, code=code, number=number)
    return render_template("admin_modeler.html", v=bench, bench_json=_diagram_data(bench),
                           forms=sorted(name.removeprefix("forms/") for name in bench["forms"]))


@bp.post("/thu-tuc/<agency>/<code>/<int:number>/luu")
def save_draft(agency: str, code: str, number: int) -> tuple[Response, int]:
    """Save edited files (`{"files": {path: text}}`) as a new draft version (JSON answer:
    the validation report, the new version and its page)."""
    actor = _staff()
    body = request.get_json(silent=True)
    files = body.get("files") if isinstance(body, dict) else None
    if not isinstance(files, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return jsonify({"error": "Cần 'files': {đường dẫn: nội dung}."}), 400
    try:
        with uow() as work:
            report, created = lifecycle.save_as_draft(work, actor=actor, agency_code=agency,
                                                      code=code, number=number, changes=files)
    except ServiceError as exc:
        return jsonify({"error": exc.message}), exc.status
    page = (url_for("admin.version_page", agency=agency, code=code, number=created["number"])
            if created else None)
    return jsonify({"report": report, "version": created, "url": page}), 201 if created else 422


@bp.get("/lich")
def calendar_page() -> str:
    """A province's calendar overrides for a year, with forms to add and remove days."""
    _admin()
    with uow() as work:
        provinces = calendars.list_provinces(work)
        province = request.args.get("tinh") or (provinces[0] if provinces else "")
        year = request.args.get("nam", type=int) or work.clock.now().year
        year = min(max(year, 1900), 2200)
        days = calendars.list_days(work, province=province, year=year) if province else []
    return render_template("admin_calendar.html", provinces=provinces, province=province,
                           year=year, days=days)


@bp.post("/lich")
def calendar_change() -> Response:
    """Add, change or remove one day's override; due times of open dossiers follow."""
    actor = _admin()
    province = request.form.get("province", "")
    kind = request.form.get("kind") or None
    try:
        day = date.fromisoformat(request.form.get("day", ""))
        with uow() as work:
            result = deadlines.set_calendar_day(work, actor=actor, province=province, day=day,
                                                kind=kind, reason=request.form.get("reason", ""))
    except ValueError:
        flash("Ngày không hợp lệ.", "error")
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Đã cập nhật lịch ngày {day.strftime('%d/%m/%Y')}; "
              f"{result['moved_dossiers']} hồ sơ được tính lại hạn giải quyết.", "success")
    return redirect(url_for("admin.calendar_page", tinh=province), 303)


@bp.get("/bao-cao")
def report_page() -> str | tuple[str, int]:
    """The standard statistics report for a period (this month by default), printable,
    with its XLSX/CSV downloads; with one agency chosen, its QĐ 766 indicators too."""
    actor = _staff()
    args = request.args
    with uow() as work:
        today = work.clock.now().astimezone(VN_TZ).date()
        agencies = reports.reportable_agencies(work, actor=actor)
    if not agencies:
        abort(403, description="Báo cáo dành cho lãnh đạo cơ quan và quản trị hệ thống.")
    agency = args.get("co_quan", "" if actor.kind == "admin" else agencies[0]["code"])
    try:
        start = date.fromisoformat(args["tu"]) if args.get("tu") else today.replace(day=1)
        end = date.fromisoformat(args["den"]) if args.get("den") else today
        with uow() as work:
            report = reports.statistics_report(work, actor=actor, period=reports.Period(start, end),
                                               agency_code=agency or None)
            found = (indicators.indicators(work, actor=actor, agency_code=agency, start=start,
                                           end=end) if agency else None)
    except ValueError:
        flash("Ngày phải có dạng NNNN-TT-NN.", "error")
        return render_template("admin_report.html", report=None, found=None, agencies=agencies,
                               agency=agency, start=today.replace(day=1), end=today,
                               columns=report_export.COLUMNS), 400
    return render_template("admin_report.html", report=report, found=found, agencies=agencies,
                           agency=agency, start=start, end=end, columns=report_export.COLUMNS)


@bp.get("/bang-dieu-khien")
def dashboard_page() -> str:
    """The leader's dashboard: on-time rate by month, dossiers by status, the slowest
    procedures, open work per officer — bars drawn on the server, every value in words."""
    actor = _staff()
    with uow() as work:
        today = work.clock.now().astimezone(VN_TZ).date()
        agencies = reports.reportable_agencies(work, actor=actor)
        if not agencies:
            abort(403, description="Bảng điều khiển dành cho lãnh đạo cơ quan và quản trị hệ thống.")
        agency = request.args.get("co_quan", "" if actor.kind == "admin" else agencies[0]["code"])
        board = dashboard.dashboard(work, actor=actor, agency_code=agency or None, today=today)
    return render_template("admin_dashboard.html", charts=_charts(board), agencies=agencies,
                           agency=agency)


def _percent(rate: float | None) -> str:
    return "không có hồ sơ" if rate is None else f"{rate * 100:.1f}%".replace(".", ",")


def _charts(board: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, float, str]], float]]:
    """The dashboard's bar charts: (id, title, [(label, value, value in words)], full bar)."""
    charts = []
    for index, agency in enumerate(board["agencies"][:6], start=1):
        items = [(m["month"], m["agencies"][agency["code"]] or 0.0,
                  _percent(m["agencies"][agency["code"]])) for m in board["trend"]]
        charts.append((f"dung-han-{index}", f"Tỉ lệ đúng hạn theo tháng — {agency['name']}",
                       items, 1.0))
    statuses = [(s["label"], s["count"], f"{s['count']} hồ sơ") for s in board["statuses"]]
    slowest = [(s["code"], s["average_days"], f"{s['average_days']} ngày ({s['count']} hồ sơ)")
               for s in board["slowest"]]
    workload = [(w["officer"], w["open"], f"{w['open']} việc, {w['overdue']} quá hạn")
                for w in board["workload"]]
    for chart_id, title, items in (
            ("trang-thai", "Hồ sơ theo trạng thái hiện tại", statuses),
            ("cham-nhat", "Thủ tục giải quyết lâu nhất (90 ngày qua, số ngày trung bình)", slowest),
            ("khoi-luong", "Công việc đang mở theo cán bộ", workload)):
        charts.append((chart_id, title, items, max((v for _, v, _ in items), default=1) or 1))
    return charts


@bp.get("/nhat-ky")
def audit_page() -> str:
    """The audit trail: search by action, account, object and days; check the chain."""
    actor = _admin()
    args = request.args
    try:
        filters = AuditFilter(
            action=args.get("hanh_dong", "")[:60], username=args.get("tai_khoan", "")[:100],
            object_id=args.get("doi_tuong", "")[:100], start=_day(args.get("tu_ngay")),
            end=_day(args.get("den_ngay")), offset=min(max(args.get("tu", 0, type=int), 0), 10**9))
    except ValueError:
        flash("Ngày phải có dạng NNNN-TT-NN.", "error")
        filters = AuditFilter()
    with uow() as work:
        page = audit_log.search(work, actor=actor, filters=filters)
    return render_template("admin_audit.html", page=page, args=args, labels=audit_log.LABELS,
                           chain=None)


@bp.post("/nhat-ky/kiem-tra")
def audit_check() -> str:
    """Walk the whole hash chain now and say whether it holds."""
    actor = _admin()
    with uow() as work:
        chain = audit_log.check_chain(work, actor=actor)
        page = audit_log.search(work, actor=actor)
    return render_template("admin_audit.html", page=page, args={}, labels=audit_log.LABELS,
                           chain=chain)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@bp.get("/khoa-api")
def keys_page() -> str:
    """API keys of the integrations: issue, revoke, and each key's call log."""
    actor = _admin()
    shown = request.args.get("khoa", type=int)
    with uow() as work:
        keys = api_keys.list_keys(work, actor=actor)
        key_calls = api_keys.calls(work, actor=actor, key_id=shown) if shown else None
        agencies = procedures.list_agencies(work)
    return render_template("admin_keys.html", keys=keys, calls=key_calls, shown=shown,
                           agencies=agencies, scopes=api_keys.SCOPES, created=None)


@bp.post("/khoa-api")
def keys_create() -> str | tuple[str, int]:
    """Issue a key; its secret is on this page once and nowhere else."""
    actor = _admin()
    form = request.form
    rate = form.get("rate_per_minute", "").strip()
    try:
        with uow() as work:
            created = api_keys.create_key(
                work, actor=actor, name=form.get("name", "")[:200],
                agency_code=form.get("agency", ""), scopes=form.getlist("scopes"),
                rate_per_minute=int(rate) if rate.isdigit() and len(rate) < 7 else 0)
    except ServiceError as exc:
        flash(exc.message, "error")
        created = None
    with uow() as work:
        keys = api_keys.list_keys(work, actor=actor)
        agencies = procedures.list_agencies(work)
    page = render_template("admin_keys.html", keys=keys, calls=None, shown=None,
                           agencies=agencies, scopes=api_keys.SCOPES, created=created)
    return page if created else (page, 422)


@bp.post("/khoa-api/<int:key_id>/thu-hoi")
def keys_revoke(key_id: int) -> Response:
    """Revoke a key at once."""
    actor = _admin()
    try:
        with uow() as work:
            api_keys.revoke_key(work, actor=actor, key_id=key_id)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Đã thu hồi khóa số {key_id}.", "success")
    return redirect(url_for("admin.keys_page"), 303)


@bp.get("/tai-khoan-bi-khoa")
def locked_page() -> str:
    """Accounts locked now, with an unlock button each."""
    actor = _admin()
    with uow() as work:
        locked = accounts.locked_accounts(work, actor=actor)
    return render_template("admin_locked.html", locked=locked)


@bp.post("/tai-khoan-bi-khoa/<username>/mo-khoa")
def unlock(username: str) -> Response:
    """Unlock an account (and clear its count of wrong passwords)."""
    actor = _admin()
    try:
        with uow() as work:
            accounts.unlock_account(work, actor=actor, username=username[:100])
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Đã mở khóa tài khoản {username}.", "success")
    return redirect(url_for("admin.locked_page"), 303)


@bp.get("/hen-gio-loi")
def timers_page() -> str:
    """Timers whose firing failed: waiting for their next try or given up, each with its
    last error and a button to try again now."""
    actor = _admin()
    with uow() as work:
        failing = timers.failing_timers(work, actor=actor)
    return render_template("admin_timers.html", failing=failing, attempts=timers.MAX_ATTEMPTS)


@bp.post("/hen-gio-loi/<int:timer_id>/chay-lai")
def timer_retry(timer_id: int) -> Response:
    """Have a failing timer tried again at the next sweep."""
    actor = _admin()
    try:
        with uow() as work:
            done = timers.retry_timer(work, actor=actor, timer_id=timer_id)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Hẹn giờ số {timer_id} của hồ sơ {done['dossier']} sẽ được chạy lại ở lượt quét "
              "tiếp theo.", "success")
    return redirect(url_for("admin.timers_page"), 303)


def _admin() -> Actor:
    actor: Actor = g.actor
    if actor.account_id is None:
        abort(401)
    if actor.kind != "admin":
        abort(403)
    return actor
