"""The REST API under /api/v1 (ARCHITECTURE.md, "Contract: HTTP API").

Each view parses input, calls one engine service with the current actor, and returns
JSON; refusals become `{"error": {...}}` through `webapp.errors`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request

from engine.applicants import attachments, citizens, feedback, payments
from engine.applicants.desk import receive_paper_dossier
from engine.core.actors import Actor
from engine.core.errors import Invalid
from engine.dossiers import actions, deadlines, tasks
from engine.dossiers import submit as dossiers
from engine.dossiers.handover import hand_over
from engine.dossiers.inbox import inbox
from engine.identity import api_keys, passwords, sessions
from engine.identity.accounts import authenticate, unlock_account
from engine.legal_clock import calendars
from engine.legal_clock.calendars import parse_instant
from engine.procedures import catalogue as procedures
from engine.procedures import sandbox, versions
from engine.reports import documents, indicators
from engine.reports import exports as report_export
from engine.reports import statistics as reports
from forms import nesting_depth
from webapp.account import reset_link_base
from webapp.context import client_address, current_actor, platform, uow
from webapp.downloads import file_response
from webapp.errors import NonFiniteNumber
from webapp.filters import inbox_filter
from webapp.formpage import SUBMIT_REQUEST_LIMIT, submission_limits
from webapp.security import begin_login, csrf_token, log_out, session_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# What an API key may call: endpoint → scope. Any other endpoint refuses keys.
KEY_SCOPES = {
    "api.list_procedures": "procedures:read", "api.show_procedure": "procedures:read",
    "api.submit": "dossiers:submit", "api.show_dossier": "dossiers:read",
    "api.track": "tracking:read", "api.openapi": "procedures:read",
}


@bp.before_request
def _key_scope() -> None:
    # Deny by default: a key reaches only the routes listed above, with their scope. The
    # services check the key's scopes again (`Actor.require`); its calls are logged by
    # `webapp.context.log_key_call`.
    actor = current_actor()
    if actor.scopes is not None and not actor.may(KEY_SCOPES.get(request.endpoint or "", "")):
        abort(403, description="Khóa API không có quyền gọi chức năng này.")
OPENAPI = Path(__file__).parent.with_name("openapi.json")
MAX_JSON_DEPTH = 32


def _body() -> dict[str, Any]:
    if not request.is_json:
        abort(415, description="Nội dung phải là JSON (Content-Type: application/json).")
    try:
        body = current_app.json.loads(request.get_data(cache=False) or b"null")
    except NonFiniteNumber as exc:  # NaN and Infinity are not JSON: PostgreSQL refuses them
        raise Invalid(NonFiniteNumber.message, details={"value": str(exc)}) from None
    except (ValueError, RecursionError):
        abort(400, description="Nội dung JSON không đọc được.")
    if not isinstance(body, dict):
        abort(400, description="Nội dung JSON phải là một đối tượng.")
    if nesting_depth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        abort(400, description="Nội dung JSON lồng nhau quá sâu.")
    return body


def _signed_in() -> Actor:
    actor = current_actor()
    if actor.account_id is None and actor.kind != "integration":
        abort(401)
    return actor


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI document of this API."""
    return Response(OPENAPI.read_text(encoding="utf-8"), mimetype="application/json")


@bp.get("/schemas/procedure.json")
def procedure_schema() -> Response:
    """The published JSON Schema of procedure.json."""
    return jsonify(procedures.manifest_schema())


@bp.post("/session")
def create_session() -> tuple[Response, int]:
    """Log in with username and password (and `totp_code` when the account has a second
    factor); the session cookie authenticates later calls."""
    body = _body()
    code = body.get("totp_code")
    with uow() as work:
        actor = authenticate(work, username=str(body.get("username", ""))[:100],
                             password=str(body.get("password", ""))[:200],
                             totp_code=None if code is None else str(code)[:20])
        assert actor.account_id is not None  # authenticate returns an account
        begin_login(work, account_id=actor.account_id)
    return jsonify({"name": actor.name, "kind": actor.kind, "csrf_token": csrf_token()}), 201


@bp.delete("/session")
def delete_session() -> tuple[str, int]:
    """Log out this client."""
    log_out()
    return "", 204


@bp.delete("/sessions")
def delete_all_sessions() -> Response:
    """Log out everywhere: every session of the caller's account but this one ends."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(sessions.log_out_everywhere(work, actor=actor, token=session_token()))


@bp.put("/account/password")
def put_password() -> Response:
    """Change my password (`current`, `new`); my other sessions end."""
    actor = _signed_in()
    body = _body()
    with uow() as work:
        return jsonify(passwords.change_password(
            work, actor=actor, current=str(body.get("current", ""))[:200],
            new=str(body.get("new", ""))[:201], keep_token=session_token()))


@bp.post("/password-resets")
def post_password_reset() -> tuple[Response, int]:
    """Ask for a reset link (`login`: username or e-mail); the same answer either way."""
    body = _body()
    with uow() as work:
        passwords.request_reset(work, login=str(body.get("login", "")),
                                link_base=reset_link_base(), client=client_address())
    return jsonify({"state": "sent_if_known"}), 202


@bp.post("/password-resets/<token>")
def use_password_reset(token: str) -> Response:
    """Set a new password (`new`) with the token of an e-mailed reset link."""
    body = _body()
    with uow() as work:
        return jsonify(passwords.reset_password(work, token=token[:200],
                                                new=str(body.get("new", ""))[:201]))


@bp.get("/procedures")
def list_procedures() -> Response:
    """The published catalogue."""
    with uow() as work:
        return jsonify({"procedures": procedures.catalogue(work)})


@bp.get("/procedures/<code>")
def show_procedure(code: str) -> Response:
    """One published procedure with its start form schema."""
    with uow() as work:
        return jsonify(procedures.procedure_detail(work, code=code,
                                                   agency_code=request.args.get("agency")))


@bp.post("/procedures")
def upload_procedure() -> tuple[Response, int]:
    """Upload a package (.zip) as a new draft version; answers with the validation report."""
    actor = _signed_in()
    upload = request.files.get("package")
    separate = request.files.getlist("files")
    agency = request.form.get("agency", "")
    if (upload is None and not separate) or not agency:
        raise Invalid("Cần tệp 'package' (.zip) hoặc các tệp 'files' của gói, và mã cơ quan 'agency'.")
    with uow() as work:
        if upload is not None:
            report, version = procedures.import_package(
                work, actor=actor, agency_code=agency, zip_bytes=upload.read(),
                filename=upload.filename or "upload.zip")
        else:
            report, version = procedures.import_package(
                work, actor=actor, agency_code=agency,
                files=[(f.filename or "", f.read()) for f in separate])
    return jsonify({"report": report.as_dict(), "version": version}), 201 if version else 422


@bp.post("/procedures/<code>/versions/<int:number>/<action>")
def version_action(code: str, number: int, action: str) -> Response:
    """Move a version along its life: submit, review (`decision` accept|reject, `note`),
    approve, publish (`effective_from`, ISO date-time, default now), retire. `?agency=`."""
    actor = _signed_in()
    body = _body() if request.content_length else {}
    effective = body.get("effective_from")
    try:
        when = parse_instant(str(effective)) if effective else None
    except ValueError:
        raise Invalid("Trường 'effective_from' phải là thời điểm ISO-8601.") from None
    with uow() as work:
        return jsonify(versions.act(
            work, actor=actor, agency_code=request.args.get("agency", ""), code=code,
            number=number, action=action, decision=str(body.get("decision", "")),
            note=str(body.get("note", ""))[:4000], effective_from=when))


@bp.get("/procedures/<code>/versions/<int:number>")
def show_version(code: str, number: int) -> Response:
    """One version: status, who moved it along and when, its package tests. `?agency=`."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(versions.version_detail(work, actor=actor,
                                               agency_code=request.args.get("agency", ""),
                                               code=code, number=number))


@bp.get("/procedures/<code>/versions/<int:number>/package")
def export_version(code: str, number: int) -> Response:
    """The version's package as uploaded, as a .zip. `?agency=`."""
    actor = _signed_in()
    with uow() as work:
        name, content = versions.export(work, actor=actor,
                                        agency_code=request.args.get("agency", ""), code=code,
                                        number=number)
    response = Response(content, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.post("/procedures/<code>/versions/<int:number>/sandbox")
def start_sandbox(code: str, number: int) -> tuple[Response, int]:
    """Start a test run of a version with the start form's `data` (`?agency=`); never a
    dossier: no code, no inbox, no report."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(sandbox.start_run(work, actor=actor, agency_code=request.args.get("agency", ""),
                                         code=code, number=number,
                                         data=_object(_body(), "data"))), 201


@bp.get("/sandbox/<int:run_id>")
def show_sandbox(run_id: int) -> Response:
    """A test run: path so far, waiting tasks (with their forms and suggested data), timers."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(sandbox.show_run(work, actor=actor, run_id=run_id))


@bp.post("/sandbox/<int:run_id>/tasks/<task_id>")
def sandbox_step(run_id: int, task_id: str) -> Response:
    """Complete a waiting task of a test run with `data`."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(sandbox.complete_step(work, actor=actor, run_id=run_id, task_id=task_id[:64],
                                             data=_object(_body(), "data")))


@bp.post("/sandbox/<int:run_id>/timers/<timer_id>")
def sandbox_timer(run_id: int, timer_id: str) -> Response:
    """Let a waiting timer of a test run fire (simulated time)."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(sandbox.fire_timer(work, actor=actor, run_id=run_id, timer_id=timer_id[:64]))


@bp.get("/reports/statistics")
def report_statistics() -> Response:
    """The standard statistics report for `from`..`to` (ISO dates), optionally one `agency`
    (its leaders; all agencies: administrators), `procedure`, `channel`; `format`
    json (default), xlsx or csv."""
    actor = _signed_in()
    period = reports.Period(_date(request.args.get("from", "")), _date(request.args.get("to", "")))
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "xlsx", "csv"):
        raise Invalid("Định dạng phải là json, xlsx hoặc csv.")
    with uow() as work:
        report = reports.statistics_report(
            work, actor=actor, period=period, agency_code=request.args.get("agency") or None,
            procedure=request.args.get("procedure") or None,
            channel=request.args.get("channel") or None)
    if fmt == "json":
        return jsonify(report)
    name = f"bao-cao-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
    content = report_export.to_xlsx(report) if fmt == "xlsx" else report_export.to_csv(report)
    mimetype = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                if fmt == "xlsx" else "text/csv")
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/reports/indicators")
def report_indicators() -> Response:
    """QĐ 766 indicators of one `agency` for `from`..`to`, each with numerator,
    denominator, value and score."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(indicators.indicators(
            work, actor=actor, agency_code=request.args.get("agency", ""),
            start=_date(request.args.get("from", "")), end=_date(request.args.get("to", ""))))


@bp.get("/procedures/<code>/diff")
def diff_versions(code: str) -> Response:
    """Changes between two versions: `?agency=&from=N&to=M`."""
    actor = _signed_in()
    before, after = request.args.get("from", type=int), request.args.get("to", type=int)
    if before is None or after is None:
        raise Invalid("Cần 'from' và 'to' là số phiên bản.")
    with uow() as work:
        return jsonify(versions.diff(work, actor=actor, agency_code=request.args.get("agency", ""),
                                     code=code, before=before, after=after))


@bp.post("/dossiers")
def submit() -> tuple[Response, int]:
    """Submit a dossier: `{procedure, agency?, data, channel?}` → 201 with code and status;
    413 for a body over `SUBMIT_REQUEST_LIMIT`, 429 past the caller's submission limit."""
    request.max_content_length = SUBMIT_REQUEST_LIMIT
    body = _body()
    data = body.get("data")
    if not isinstance(data, dict):
        raise Invalid("Trường 'data' phải là một đối tượng.")
    with uow() as work:
        view = dossiers.submit_dossier(
            work, actor=current_actor(), procedure_code=str(body.get("procedure", "")),
            agency_code=body.get("agency"), data=data, channel=str(body.get("channel", "online")),
            client=client_address(), limits=submission_limits())
    return jsonify(view), 201


@bp.post("/desk/dossiers")
def desk_receive() -> tuple[Response, int]:
    """The desk enters a paper dossier and decides at the counter: `{procedure, agency?,
    data, papers: [names handed over], decision: complete|supplement, reception: {form},
    channel: desk|post}`."""
    actor = _signed_in()
    body = _body()
    papers = body.get("papers", [])
    if not isinstance(papers, list) or not all(isinstance(p, str) for p in papers):
        raise Invalid("Trường 'papers' phải là danh sách tên giấy tờ.")
    result = receive_paper_dossier(
        platform().uow, actor=actor, procedure_code=str(body.get("procedure", "")),
        agency_code=body.get("agency"), data=_object(body, "data"), papers=papers,
        decision=str(body.get("decision", "")), reception=_object(body, "reception"),
        channel=str(body.get("channel", "desk")))
    return jsonify(result), 201


@bp.get("/dossiers/<code>")
def show_dossier(code: str) -> Response:
    """The full dossier for its owner and the competent officers."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(dossiers.get_dossier(work, actor=actor, code=code))


@bp.post("/dossiers/<code>/<action>")
def dossier_action(code: str, action: str) -> Response:
    """Actions by dossier code: receive, return, request-supplement, supplement, extend
    (officers); withdraw, rate, pay (the applicant); request-payment (officers)."""
    actor = _signed_in()
    body = _body()
    with uow() as work:
        if action in ("receive", "return"):
            return jsonify(tasks.complete_stage(work, actor=actor, code=code, stage=action,
                                                data=_object(body, "data")))
        if action == "request-supplement":
            missing = body.get("missing")
            if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
                raise Invalid("Trường 'missing' phải là danh sách nội dung cần bổ sung.")
            request_ = deadlines.SupplementRequest(missing, str(body.get("note", "")))
            return jsonify(deadlines.request_supplement(work, actor=actor, code=code,
                                                        request=request_))
        if action == "supplement":
            return jsonify(deadlines.supplement(work, actor=actor, code=code,
                                                data=_object(body, "data")))
        if action == "extend":
            try:
                new_due = parse_instant(str(body.get("due_at", "")))
            except ValueError:
                raise Invalid("Trường 'due_at' phải là thời điểm ISO-8601.") from None
            return jsonify(deadlines.extend(work, actor=actor, code=code, new_due=new_due,
                                            reason=str(body.get("reason", ""))))
        if action == "withdraw":
            return jsonify(citizens.withdraw(work, actor=actor, code=code,
                                             reason=str(body.get("reason", ""))[:5000]))
        if action == "rate":
            level = body.get("level")
            return jsonify(citizens.rate(
                work, actor=actor, code=code, level=level if isinstance(level, int) else 0,
                reason=str(body.get("reason", ""))[:5000],
                labels=current_app.config["RATING_LABELS"]))
        if action == "request-payment":
            amount = body.get("amount")
            if amount is not None and not isinstance(amount, int):
                raise Invalid("Trường 'amount' phải là số nguyên (đồng).")
            return jsonify(payments.request_payment(
                work, actor=actor, code=code, amount=amount,
                description=str(body.get("description", ""))[:500]))
        if action == "pay":
            return jsonify({"checkout_url": payments.start_checkout(
                work, actor=actor, code=code, gateway=current_app.extensions["payment_gateway"],
                return_url=str(body.get("return_url", "")))})
    abort(404)


@bp.post("/payments/<reference>/confirm")
def confirm_payment(reference: str) -> Response:
    """The payment gateway's callback: `{signature, gateway_reference}`."""
    body = _body()
    with uow() as work:
        return jsonify(payments.confirm(
            work, gateway=current_app.extensions["payment_gateway"], reference=reference[:64],
            signature=str(body.get("signature", ""))[:200],
            gateway_reference=str(body.get("gateway_reference", ""))[:100]))


@bp.get("/me/dossiers")
def my_dossiers() -> Response:
    """The signed-in citizen's dossiers."""
    actor = _signed_in()
    with uow() as work:
        return jsonify({"dossiers": citizens.my_dossiers(work, actor=actor)})


@bp.get("/me/notices")
def my_notices() -> Response:
    """The signed-in account's notices, newest first."""
    actor = _signed_in()
    with uow() as work:
        return jsonify({"notices": citizens.notices(work, actor=actor)})


@bp.post("/feedback")
def send_feedback() -> tuple[Response, int]:
    """File feedback (`kind`, `title`, `body`, and `dossier` or `procedure` [+ `agency`])."""
    actor = _signed_in()
    body = _body()
    with uow() as work:
        return jsonify(feedback.send(
            work, actor=actor, kind=str(body.get("kind", "")), title=str(body.get("title", ""))[:300],
            body=str(body.get("body", ""))[:5000], dossier_code=_text_or_none(body, "dossier"),
            procedure_code=_text_or_none(body, "procedure"),
            agency_code=_text_or_none(body, "agency"))), 201


@bp.get("/feedback")
def answered_feedback() -> Response:
    """Answered feedback, published without the sender."""
    with uow() as work:
        return jsonify({"feedback": feedback.public(work)})


def _text_or_none(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    return str(value)[:100] if value else None


def _object(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key, {})
    if not isinstance(value, dict):
        raise Invalid(f"Trường '{key}' phải là một đối tượng.")
    return value


@bp.post("/dossiers/<code>/attachments")
def add_attachment(code: str) -> tuple[Response, int]:
    """Attach a file (`file`) as one paper (`paper`) of the dossier (multipart form)."""
    actor = _signed_in()
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Cần tệp 'file' và tên giấy tờ 'paper' (biểu mẫu multipart).")
    try:  # one byte past the limit is enough to refuse; the rest is never read
        content = upload.stream.read(attachments.READ_LIMIT)
    finally:
        upload.close()
    with uow() as work:
        return jsonify(attachments.attach(
            work, actor=actor, code=code, paper=request.form.get("paper", "")[:500],
            filename=(upload.filename or "")[:500], content=content)), 201


@bp.get("/dossiers/<code>/attachments")
def list_attachments(code: str) -> Response:
    """The dossier's files, current and replaced."""
    actor = _signed_in()
    with uow() as work:
        return jsonify({"attachments": attachments.list_attachments(work, actor=actor, code=code)})


@bp.get("/dossiers/<code>/attachments/<int:attachment_id>")
def get_attachment(code: str, attachment_id: int) -> Response:
    """Download one file: always as a download, never rendered in the page."""
    actor = _signed_in()
    with uow() as work:
        view, content = attachments.download(work, actor=actor, code=code,
                                             attachment_id=attachment_id)
    return file_response(content, view["media_type"], view["filename"])


@bp.get("/dossiers/<code>/deadlines")
def dossier_deadlines(code: str) -> Response:
    """Every move of the dossier's due time, with its reason."""
    actor = _signed_in()
    with uow() as work:
        return jsonify({"changes": deadlines.deadline_history(work, actor=actor, code=code)})


@bp.get("/dossiers/<code>/documents/<kind>")
def dossier_document(code: str, kind: str) -> Response:
    """A legal document of the dossier (receipt, supplement, refusal, apology, control_slip)
    as PDF (default) or printable HTML (`format=html`)."""
    actor = _signed_in()
    with uow() as work:
        document = documents.render_dossier_document(
            work, actor=actor, code=code, kind=kind, fmt=request.args.get("format", "pdf"),
            tracking_base=current_app.config["PUBLIC_URL"],
            set_name=current_app.config["DOCUMENT_SET"])
    return _send(document)


@bp.get("/agencies/<agency>/tracking-book")
def tracking_book(agency: str) -> Response:
    """The agency's tracking book (Mẫu 06) for `from`..`to` (ISO dates), PDF or HTML."""
    actor = _signed_in()
    start, end = _date(request.args.get("from", "")), _date(request.args.get("to", ""))
    if end < start or (end - start).days > 366:
        raise Invalid("Khoảng thời gian không hợp lệ (tối đa một năm).")
    with uow() as work:
        document = documents.render_tracking_book(
            work, actor=actor, agency_code=agency, start=start, end=end,
            fmt=request.args.get("format", "pdf"), set_name=current_app.config["DOCUMENT_SET"])
    return _send(document)


def _send(document: documents.Document) -> Response:
    response = Response(document.content, mimetype=document.media_type.split(";")[0])
    response.headers["Content-Type"] = document.media_type
    disposition = "inline" if document.media_type.startswith("text/html") else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{document.filename}"'
    return response


@bp.post("/api-keys")
def create_api_key() -> tuple[Response, int]:
    """An administrator issues a key (`{name, agency, scopes, rate_per_minute}`), shown once."""
    actor = _signed_in()
    body = _body()
    scopes = body.get("scopes")
    if not isinstance(scopes, list) or not all(isinstance(x, str) for x in scopes):
        raise Invalid("Trường 'scopes' phải là danh sách phạm vi.")
    rate = body.get("rate_per_minute", 60)
    if not isinstance(rate, int) or isinstance(rate, bool):
        raise Invalid("Trường 'rate_per_minute' phải là số nguyên (lượt mỗi phút).")
    with uow() as work:
        return jsonify(api_keys.create_key(
            work, actor=actor, name=str(body.get("name", "")),
            agency_code=str(body.get("agency", "")), scopes=scopes, rate_per_minute=rate)), 201


@bp.post("/api-keys/<int:key_id>/revoke")
def revoke_api_key(key_id: int) -> Response:
    """Revoke a key at once."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(api_keys.revoke_key(work, actor=actor, key_id=key_id))


@bp.get("/api-keys/<int:key_id>/calls")
def api_key_calls(key_id: int) -> Response:
    """The newest calls made with a key (key, route, status, time, caller address)."""
    actor = _signed_in()
    with uow() as work:
        return jsonify({"calls": api_keys.calls(work, actor=actor, key_id=key_id)})


@bp.post("/accounts/<username>/unlock")
def unlock(username: str) -> Response:
    """An administrator unlocks an account."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(unlock_account(work, actor=actor, username=username))


@bp.post("/agencies/<agency>/handover")
def handover(agency: str) -> Response:
    """Hand an officer's open work to a successor (`{leaving, successor, reason}`)."""
    actor = _signed_in()
    body = _body()
    with uow() as work:
        return jsonify(hand_over(work, actor=actor, agency_code=agency,
                                 leaving=str(body.get("leaving", "")),
                                 successor=str(body.get("successor", "")),
                                 reason=str(body.get("reason", ""))))


@bp.get("/calendars/<province>")
def calendar_days(province: str) -> Response:
    """A province's calendar overrides for a year (`year`, default the current one)."""
    with uow() as work:
        year = request.args.get("year", type=int) or work.clock.now().year
        if not 1900 <= year <= 2200:
            raise Invalid("Tham số 'year' phải là năm từ 1900 đến 2200.")
        return jsonify({"province": province, "year": year,
                        "days": calendars.list_days(work, province=province, year=year)})


@bp.put("/calendars/<province>/days/<day>")
def set_calendar_day(province: str, day: str) -> Response:
    """Declare a day off or a working day (`{kind: off|working, reason}`); administrators."""
    actor = _signed_in()
    body = _body()
    with uow() as work:
        return jsonify(deadlines.set_calendar_day(
            work, actor=actor, province=province, day=_date(day),
            kind=str(body.get("kind", "")), reason=str(body.get("reason", ""))))


@bp.put("/calendars/<province>/hours")
def set_working_hours(province: str) -> Response:
    """Set the province's working periods (`{periods: [["07:00","11:30"], ...], reason}`)."""
    actor = _signed_in()
    body = _body()
    periods = body.get("periods")
    if not isinstance(periods, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(t, str) for t in p) for p in periods
    ):
        raise Invalid("Trường 'periods' phải là danh sách các cặp giờ [\"HH:MM\", \"HH:MM\"].")
    with uow() as work:
        return jsonify(deadlines.set_working_hours(work, actor=actor, province=province,
                                                   periods=periods,
                                                   reason=str(body.get("reason", ""))))


@bp.delete("/calendars/<province>/days/<day>")
def delete_calendar_day(province: str, day: str) -> Response:
    """Remove a day's override (`?reason=`); administrators."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(deadlines.set_calendar_day(
            work, actor=actor, province=province, day=_date(day), kind=None,
            reason=request.args.get("reason", "")))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("Ngày phải có dạng NNNN-TT-NN.") from None


@bp.get("/track/<code>")
def track(code: str) -> Response:
    """Public minimal status; needs the applicant's ID number (`id_number`)."""
    with uow() as work:
        return jsonify(dossiers.track(work, code=code[:60],
                                      id_number=request.args.get("id_number", "")[:20],
                                      client=client_address(),
                                      per_minute=current_app.config["TRACK_PER_MINUTE"]))


@bp.get("/tasks")
def list_tasks() -> Response:
    """The caller's inbox: filters `role`, `procedure`, `step`, `status`, `urgency`
    (overdue|due_soon), `channel`, `assigned` (me|unassigned), `q` (code or applicant),
    `limit`, `offset`; with the total and the quick-filter counts."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(inbox(work, actor=actor, filters=inbox_filter(request.args)))


@bp.post("/tasks/assign")
def assign() -> Response:
    """A leader assigns tasks (`{task_ids: [...], assignee_id}`) to an officer."""
    actor = _signed_in()
    body = _body()
    ids, assignee = body.get("task_ids"), body.get("assignee_id")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids) or not isinstance(
        assignee, int
    ):
        raise Invalid("Cần 'task_ids' (danh sách số) và 'assignee_id' (số).")
    with uow() as work:
        return jsonify({"tasks": tasks.assign_tasks(work, actor=actor, task_ids=ids,
                                                    assignee_id=assignee)})


@bp.get("/tasks/<int:task_id>")
def show_task(task_id: int) -> Response:
    """One task with its form and the dossier's data."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(tasks.get_task(work, actor=actor, task_id=task_id))


@bp.post("/tasks/<int:task_id>/claim")
def claim(task_id: int) -> Response:
    """Take a task for oneself."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(tasks.claim_task(work, actor=actor, task_id=task_id))


@bp.post("/tasks/<int:task_id>/release")
def release(task_id: int) -> Response:
    """Give a claimed task back to the shared inbox."""
    actor = _signed_in()
    with uow() as work:
        return jsonify(tasks.release_task(work, actor=actor, task_id=task_id))


@bp.post("/tasks/<int:task_id>/refuse")
def refuse(task_id: int) -> Response:
    """Refuse the dossier at this step with reasons (`{reasons}`; form 03)."""
    actor = _signed_in()
    body = _body()
    with uow() as work:
        return jsonify(actions.refuse(work, actor=actor, task_id=task_id,
                                      reasons=str(body.get("reasons", ""))))


@bp.post("/tasks/<int:task_id>/consult")
def consult(task_id: int) -> tuple[Response, int]:
    """Ask another unit for its opinion (`{agency, question, days, role?}`)."""
    actor = _signed_in()
    body = _body()
    days = body.get("days")
    if not isinstance(days, int) or isinstance(days, bool):
        raise Invalid("Trường 'days' phải là số ngày làm việc.")
    with uow() as work:
        return jsonify(actions.consult(
            work, actor=actor, task_id=task_id, agency_code=str(body.get("agency", "")),
            question=str(body.get("question", "")), days=days,
            role=str(body.get("role") or "chuyen_vien"))), 201


@bp.post("/tasks/<int:task_id>/send-back")
def send_back(task_id: int) -> Response:
    """Return the dossier to the previous step with a note (`{note}`)."""
    actor = _signed_in()
    body = _body()
    with uow() as work:
        return jsonify(actions.send_back(work, actor=actor, task_id=task_id,
                                         note=str(body.get("note", ""))))


@bp.post("/tasks/<int:task_id>/complete")
def complete(task_id: int) -> Response:
    """Complete a task with `{data}`; 409 when someone else completed it first."""
    actor = _signed_in()
    data = _body().get("data")
    if not isinstance(data, dict):
        raise Invalid("Trường 'data' phải là một đối tượng.")
    with uow() as work:
        return jsonify(tasks.complete_task(work, actor=actor, task_id=task_id, data=data))
