"""Dossiers: submitting (online and at the desk), showing, the actions by dossier code,
payments, attachments, deadlines, legal documents, public tracking, the citizen's own
dossiers and notices, and feedback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, current_app, jsonify, request

from engine import applicants, dossiers, reports
from engine.applicants import receive_paper_dossier
from engine.core import Actor, Invalid, UnitOfWork
from engine.legal_clock import parse_instant
from webapp.api.common import (
    bp,
    confirmed,
    json_body,
    object_field,
    signed_in,
    text_or_none,
)
from webapp.context import client_address, current_actor, platform, uow
from webapp.documents import document_response
from webapp.downloads import file_response
from webapp.formpage import SUBMIT_REQUEST_LIMIT, submission_limits
from webapp.officer_dossiers import dossier_query

# One action by dossier code: (unit of work, caller, dossier code, JSON body) → its answer.
Action = Callable[[UnitOfWork, Actor, str, dict[str, Any]], Any]


@bp.post("/dossiers")
def submit() -> tuple[Response, int]:
    """Submit a dossier: `{procedure, agency?, data, channel?, result_delivery?: {address,
    phone}}` (the result by post to that address; absent or null: at the desk) → 201 with
    code and status; 413 for a body over `SUBMIT_REQUEST_LIMIT`, 429 past the caller's
    submission limit."""
    request.max_content_length = SUBMIT_REQUEST_LIMIT
    body = json_body()
    data = body.get("data")
    if not isinstance(data, dict):
        raise Invalid("Trường 'data' phải là một đối tượng.")
    with uow() as work:
        view = dossiers.submit_dossier(
            work, actor=current_actor(), procedure_code=str(body.get("procedure", "")),
            agency_code=body.get("agency"), data=data, channel=str(body.get("channel", "online")),
            client=client_address(), limits=submission_limits(), delivery=_delivery(body))
    return jsonify(view), 201


def _delivery(body: dict[str, Any]) -> dossiers.ResultDelivery | None:
    """The submission's `result_delivery` ({address, phone}), None for the desk."""
    if body.get("result_delivery") is None:
        return None
    chosen = object_field(body, "result_delivery")
    return dossiers.ResultDelivery(str(chosen.get("address", ""))[:600],
                                   str(chosen.get("phone", ""))[:40])


@bp.post("/desk/dossiers")
def desk_receive() -> tuple[Response, int]:
    """The desk enters a paper dossier and decides at the counter: `{procedure, agency?,
    data, papers: [names handed over], decision: complete|supplement, reception: {form},
    channel: desk|post, contact?: {phone, email}, result_delivery?: {address, phone}}` (the
    result by post, as `submit` takes it). The scanned papers are uploaded to the dossier's
    attachments afterwards (or sent at once through the desk page)."""
    actor = signed_in()
    body = json_body()
    papers = body.get("papers", [])
    if not isinstance(papers, list) or not all(isinstance(p, str) for p in papers):
        raise Invalid("Trường 'papers' phải là danh sách tên giấy tờ.")
    contact = object_field(body, "contact")
    result = receive_paper_dossier(
        platform().uow, actor=actor, procedure_code=str(body.get("procedure", "")),
        agency_code=body.get("agency"), data=object_field(body, "data"), papers=papers,
        decision=str(body.get("decision", "")), reception=object_field(body, "reception"),
        channel=str(body.get("channel", "desk")),
        contact=applicants.DeskContact(str(contact.get("phone", ""))[:40],
                                       str(contact.get("email", ""))[:254]),
        delivery=_delivery(body))
    return jsonify(result), 201


@bp.get("/dossiers")
def list_dossiers() -> Response:
    """The dossiers of the caller's agencies (every agency for administrators), newest
    submission first, 50 to a page (`limit` ≤ 100): `q` (code, ID number, part of the
    applicant's name), `procedure`, `status`, `view` (processing, done_by_me, supplement),
    `from`/`to` (received, YYYY-MM-DD or dd/mm/yyyy), `timeliness` (late, on_time), `step`,
    `officer` (account id), `scope` (agency, consulted); `after`: the previous page's
    `next` (null on the last page)."""
    actor = signed_in()
    query = dossier_query(request.args)
    with uow() as work:
        return jsonify(dossiers.search_dossiers(work, actor=actor, query=query))


@bp.get("/dossiers/<code>")
def show_dossier(code: str) -> Response:
    """The full dossier for its owner and the competent officers."""
    actor = signed_in()
    with uow() as work:
        return jsonify(dossiers.get_dossier(work, actor=actor, code=code))


@bp.post("/dossiers/<code>/<action>")
def dossier_action(code: str, action: str) -> Response:
    """Actions by dossier code: receive, return, request-supplement, supplement, extend
    (officers); withdraw, rate, pay (the applicant); request-payment (officers)."""
    actor = signed_in()
    body = json_body()
    act = _ACTIONS.get(action)
    if act is None:
        abort(404)
    with uow() as work:
        return jsonify(act(work, actor, code, body))


def _stage(stage: str) -> Action:
    """Complete the dossier's receiving or returning stage with `data`."""
    def act(work: UnitOfWork, actor: Actor, code: str, body: dict[str, Any]) -> Any:
        return dossiers.complete_stage(work, actor=actor, code=code, stage=stage,
                                       data=object_field(body, "data"),
                                       confirm_other_delivery=confirmed(body))
    return act


def _request_supplement(work: UnitOfWork, actor: Actor, code: str, body: dict[str, Any]) -> Any:
    missing = body.get("missing")
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        raise Invalid("Trường 'missing' phải là danh sách nội dung cần bổ sung.")
    request_ = dossiers.SupplementRequest(missing, str(body.get("note", "")))
    return dossiers.request_supplement(work, actor=actor, code=code, request=request_)


def _supplement(work: UnitOfWork, actor: Actor, code: str, body: dict[str, Any]) -> Any:
    return dossiers.submit_supplement(work, actor=actor, code=code, data=object_field(body, "data"),
                                      confirmed_unchanged=body.get("confirm_unchanged") is True)


def _extend(work: UnitOfWork, actor: Actor, code: str, body: dict[str, Any]) -> Any:
    try:
        new_due = parse_instant(str(body.get("due_at", "")))
    except ValueError:
        raise Invalid("Trường 'due_at' phải là thời điểm ISO-8601.") from None
    return dossiers.extend(work, actor=actor, code=code, new_due=new_due,
                           reason=str(body.get("reason", "")))


def _withdraw(work: UnitOfWork, actor: Actor, code: str, body: dict[str, Any]) -> Any:
    return applicants.withdraw(work, actor=actor, code=code,
                               reason=str(body.get("reason", ""))[:5000])


def _rate(work: UnitOfWork, actor: Actor, code: str, body: dict[str, Any]) -> Any:
    level = body.get("level")
    return applicants.rate(work, actor=actor, code=code, level=level if isinstance(level, int) else 0,
                           reason=str(body.get("reason", ""))[:5000],
                           labels=current_app.config["RATING_LABELS"])


def _request_payment(work: UnitOfWork, actor: Actor, code: str, body: dict[str, Any]) -> Any:
    amount = body.get("amount")
    if amount is not None and not isinstance(amount, int):
        raise Invalid("Trường 'amount' phải là số nguyên (đồng).")
    return applicants.request_payment(work, actor=actor, code=code, amount=amount,
                                      description=str(body.get("description", ""))[:500])


def _pay(work: UnitOfWork, actor: Actor, code: str, body: dict[str, Any]) -> Any:
    return {"checkout_url": applicants.start_checkout(
        work, actor=actor, code=code, gateway=current_app.extensions["payment_gateway"],
        return_url=str(body.get("return_url", "")))}


_ACTIONS: dict[str, Action] = {
    "receive": _stage("receive"), "return": _stage("return"),
    "request-supplement": _request_supplement, "supplement": _supplement, "extend": _extend,
    "withdraw": _withdraw, "rate": _rate, "request-payment": _request_payment, "pay": _pay,
}


@bp.post("/dossiers/<code>/stop")
def stop_dossier(code: str) -> Response:
    """A leader of the agency processing the dossier stops processing it (status 8) with
    `{reasons}` (one per line); after a withdrawal request (7) this confirms the stop. The
    stop notice is the document `stop_notice`."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        return jsonify(dossiers.stop_processing(work, actor=actor, code=code,
                                                reasons=str(body.get("reasons", ""))[:2000]))


@bp.post("/dossiers/<code>/cash-payment")
def cash_payment(code: str) -> Response:
    """The desk records the fee asked of the dossier as paid in cash: `{amount, payer?,
    confirm_online_in_progress?}` (the amount asked, in đồng) → the payment with its receipt
    number; the dossier resumes; the receipt is the document `fee_receipt`. Recording it
    again: 409. While the applicant is paying it online at the gateway: 409 unless
    `confirm_online_in_progress` is true (the online payment, if it succeeds, is refunded)."""
    actor = signed_in()
    body = json_body()
    amount = body.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise Invalid("Trường 'amount' phải là số nguyên (đồng).")
    confirmed_cash = body.get("confirm_online_in_progress", False)
    if not isinstance(confirmed_cash, bool):
        raise Invalid("Trường 'confirm_online_in_progress' phải là true hoặc false.")
    with uow() as work:
        return jsonify(applicants.record_cash_payment(
            work, actor=actor, code=code, amount=amount, payer=str(body.get("payer", ""))[:200],
            confirm_online_in_progress=confirmed_cash))


@bp.post("/dossiers/<code>/fee-exemption")
def fee_exemption(code: str) -> Response:
    """The desk or a leader of the dossier's agency records that its fees are exempted:
    `{reason}` (required) → `{reason, by, at}`; the hand-over no longer waits for a fee.
    Anyone else: 403; already paid, awaited or exempted, no fee, refused or ended: 409."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        return jsonify(applicants.exempt_fee(work, actor=actor, code=code,
                                             reason=str(body.get("reason", ""))[:1000]))


@bp.post("/dossiers/<code>/payment-request/cancel")
def cancel_payment_request(code: str) -> Response:
    """An officer of the dossier's agency withdraws the fee request it waits on: `{reason}`
    (required, 3–500 characters) → the cancelled payment and the dossier's status (resumed
    as after a payment). Anyone else: 403; no or too long a reason: 400, nothing changed;
    nothing pending, or the applicant paying it online at the gateway: 409."""
    actor = signed_in()
    reason = json_body().get("reason", "")
    if not isinstance(reason, str):
        raise Invalid("Trường 'reason' phải là chuỗi ký tự (lý do hủy).",
                      {"reason": "Nhập lý do hủy bằng chữ."})
    with uow() as work:
        return jsonify(applicants.cancel_payment_request(work, actor=actor, code=code,
                                                         reason=reason[:2000]))


@bp.post("/payments/<reference>/confirm")
def confirm_payment(reference: str) -> Response:
    """The payment gateway's callback: `{signature, gateway_reference}`."""
    body = json_body()
    with uow() as work:
        return jsonify(applicants.confirm_payment(
            work, gateway=current_app.extensions["payment_gateway"], reference=reference[:64],
            signature=str(body.get("signature", ""))[:200],
            gateway_reference=str(body.get("gateway_reference", ""))[:100]))


@bp.post("/dossiers/<code>/attachments")
def add_attachment(code: str) -> tuple[Response, int]:
    """Attach a file (`file`) as one paper (`paper`) of the dossier (multipart form)."""
    actor = signed_in()
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Cần tệp 'file' và tên giấy tờ 'paper' (biểu mẫu multipart).")
    try:  # one byte past the limit is enough to refuse; the rest is never read
        content = upload.stream.read(applicants.ATTACHMENT_READ_LIMIT)
    finally:
        upload.close()
    with uow() as work:
        return jsonify(applicants.attach(
            work, actor=actor, code=code, paper=request.form.get("paper", "")[:500],
            filename=(upload.filename or "")[:500], content=content)), 201


@bp.get("/dossiers/<code>/attachments")
def list_attachments(code: str) -> Response:
    """The dossier's files, current and replaced."""
    actor = signed_in()
    with uow() as work:
        return jsonify({"attachments": applicants.list_attachments(work, actor=actor, code=code)})


@bp.get("/dossiers/<code>/attachments/<int:attachment_id>")
def get_attachment(code: str, attachment_id: int) -> Response:
    """Download one file: always as a download, never rendered in the page."""
    actor = signed_in()
    with uow() as work:
        view, content = applicants.download_attachment(work, actor=actor, code=code,
                                                       attachment_id=attachment_id)
    return file_response(content, view["media_type"], view["filename"])


@bp.get("/dossiers/<code>/deadlines")
def dossier_deadlines(code: str) -> Response:
    """Every move of the dossier's due time, with its reason."""
    actor = signed_in()
    with uow() as work:
        return jsonify({"changes": dossiers.deadline_history(work, actor=actor, code=code)})


@bp.get("/dossiers/<code>/documents/<kind>")
def dossier_document(code: str, kind: str) -> Response:
    """A legal document of the dossier (receipt, supplement, refusal, apology, control_slip)
    as PDF (default) or printable HTML (`format=html`)."""
    actor = signed_in()
    fmt = request.args.get("format", "pdf")
    with uow() as work:
        document = reports.render_dossier_document(
            work, actor=actor, code=code, kind=kind, fmt=fmt,
            tracking_base=current_app.config["PUBLIC_URL"],
            set_name=current_app.config["DOCUMENT_SET"])
    return document_response(document, fmt)


@bp.post("/track")
def track() -> Response:
    """Public minimal status: `{code, id_number}` in the body (the applicant's ID number is
    never put in a URL, where logs and histories keep it)."""
    body = json_body()
    with uow() as work:
        return jsonify(dossiers.track(work, code=str(body.get("code", ""))[:60],
                                      id_number=str(body.get("id_number", ""))[:20],
                                      client=client_address(),
                                      per_minute=current_app.config["TRACK_PER_MINUTE"]))


@bp.get("/me/dossiers")
def my_dossiers() -> Response:
    """The signed-in citizen's dossiers."""
    actor = signed_in()
    with uow() as work:
        return jsonify({"dossiers": applicants.my_dossiers(work, actor=actor)})


@bp.get("/me/notices")
def my_notices() -> Response:
    """The signed-in account's notices, newest first."""
    actor = signed_in()
    with uow() as work:
        return jsonify({"notices": applicants.my_notices(work, actor=actor)})


@bp.post("/feedback")
def send_feedback() -> tuple[Response, int]:
    """File feedback (`kind`, `title`, `body`, and `dossier` or `procedure` [+ `agency`])."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        return jsonify(applicants.send_feedback(
            work, actor=actor, kind=str(body.get("kind", "")), title=str(body.get("title", ""))[:300],
            body=str(body.get("body", ""))[:5000], dossier_code=text_or_none(body, "dossier"),
            procedure_code=text_or_none(body, "procedure"),
            agency_code=text_or_none(body, "agency"))), 201


@bp.get("/feedback")
def answered_feedback() -> Response:
    """Answered feedback, published without the sender."""
    with uow() as work:
        return jsonify({"feedback": applicants.public_feedback(work)})
