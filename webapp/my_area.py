"""The citizen's own area (/ca-nhan): registration, my dossiers with their timeline,
answering a supplement request, withdrawing, paying, downloading the result, rating,
feedback, the personal data store and notices — and the null payment gateway's page."""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from engine import applicants, dossiers, identity, reports
from engine.applicants import RESULT_PAPER
from engine.core import FormInvalid, Status
from forms import FieldError, PaperSlot
from forms.render import FILE_FIELD
from webapp.citizen_history import citizen_history
from webapp.context import client_address, current_citizen, uow
from webapp.documents import document_response
from webapp.downloads import file_response
from webapp.filters import vn_money
from webapp.formpage import (
    allow_paper_uploads,
    field_errors,
    form_html,
    parse_posted,
    posted_files,
    summary_html,
)
from webapp.my_claims import add_routes as add_claim_routes
from webapp.my_drafts import add_routes as add_draft_routes
from webapp.my_drafts import with_links as drafts_with_links
from webapp.my_supplement import supplement_html
from webapp.security import begin_login, safe_next

bp = Blueprint("mine", __name__)
add_claim_routes(bp)  # «Thêm hồ sơ đã nộp vào tài khoản» (webapp.my_claims)
add_draft_routes(bp)  # «Xóa bản nháp», «Nộp lại hồ sơ» (webapp.my_drafts)
TEXT_LIMIT = 5000




def _gateway() -> applicants.NullPaymentGateway:
    gateway: applicants.NullPaymentGateway = current_app.extensions["payment_gateway"]
    return gateway


@bp.route("/dang-ky", methods=["GET", "POST"])
def register() -> str | Response | tuple[str, int]:
    """Create a citizen account (login name: the 12-digit personal ID number)."""
    schema, ui = applicants.REGISTRATION_SCHEMA, _registration_ui()
    target = safe_next(request.args.get("next"), "") or None  # a hostile one is dropped
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    if request.method == "POST":
        values = parse_posted(schema).data
        try:
            with uow() as work:
                account_id = applicants.register(work, data=values, client=client_address())
                begin_login(work, account_id=account_id)  # signed in, as after «Đăng nhập»
        except FormInvalid as exc:
            errors = field_errors(exc.details)
        else:
            flash("Đã tạo tài khoản và đăng nhập. Lần sau, đăng nhập bằng số định danh và "
                  "mật khẩu vừa đặt.", "success")
            return redirect(safe_next(target, url_for("mine.overview")), 303)
    values = {k: v for k, v in values.items() if k not in ("mat_khau", "nhap_lai")}
    page = render_template("register.html", form=form_html(schema, ui, values, errors),
                           next=target)
    return (page, 422) if errors else page


def _registration_ui() -> dict[str, Any]:
    """The sign-up form's layout, the password rules told with the password field."""
    policy = identity.PASSWORD_POLICY
    rules = (f"Ít nhất {policy.min_length} ký tự, có ít nhất {policy.classes} trong 4 loại (chữ "
             "thường, chữ hoa, chữ số, ký tự đặc biệt), không chứa số định danh.")
    fields = applicants.REGISTRATION_UI.get("fields", {})
    return {**applicants.REGISTRATION_UI,
            "fields": {**fields, "mat_khau": {**fields.get("mat_khau", {}), "help": rules}}}


@bp.get("/ca-nhan")
def overview() -> str:
    """My dossiers, my drafts, my data store, my feedback."""
    actor = current_citizen()
    with uow() as work:
        page = {"dossiers": applicants.my_dossiers(work, actor=actor),
                "drafts": drafts_with_links(applicants.drafts_to_resume(work, actor=actor)),
                "store": applicants.stored_papers(work, actor=actor),
                "feedback": applicants.my_feedback(work, actor=actor),
                "unread": applicants.unread_notices(work, actor=actor)}
    return render_template("my_area.html", **page)  # outside the transaction: base.html reads too


@bp.get("/ca-nhan/thong-bao")
def notices() -> str:
    """My notices, newest first (opening the page marks them read)."""
    actor = current_citizen()
    with uow() as work:
        items = applicants.my_notices(work, actor=actor, mark_read=True)
    return render_template("notices.html", items=items)


@bp.get("/ca-nhan/ho-so/<code>")
def dossier(code: str) -> str:
    """One of my dossiers: status, due time, timeline, papers, and what I may do now."""
    actor = current_citizen()
    with uow() as work:
        page = applicants.my_dossier(work, actor=actor, code=code)
        delivery = dossiers.result_delivery(work, page["dossier"]["code"])
        exempted = applicants.exemption_of(work, page["dossier"]["code"])
        withdrawn = applicants.withdrawn_requests_of(work, page["dossier"]["code"])
        refunds = applicants.dossier_refunds(work, actor=actor, code=page["dossier"]["code"])
    view = page["dossier"]
    return render_template(
        "my_dossier.html", **page, delivery=delivery, exempted=exempted, withdrawn=withdrawn,
        refunds=refunds["refunds"],
        labels=current_app.config["RATING_LABELS"],
        summary=summary_html(view["start_form"], view["start_form_ui"], view["data"]),
        result_files=[f for f in page["files"]
                      if f["paper"] == RESULT_PAPER and not f["replaced_at"]],
        timeline=citizen_history(view["events"], _event_note),
        refusal=_refusal(view),
        documents=_documents(view, page["payments"]))


def _refusal(view: dict[str, Any]) -> dict[str, Any] | None:
    """Why the dossier was refused, when, and whether at reception (the desk's form 03)
    or after appraisal (the agency's notice) — from the last refusal recorded."""
    refused = [e for e in view["events"] if e["kind"] == "refused"]
    if not refused:
        return None
    return {"reason": refused[-1]["note"] or "", "at": refused[-1]["at"],
            "at_reception": not view.get("received_at")}


# What the engine writes on a payment event: "75.000 đồng" or "75.000 đồng — <how>" (cash);
# notes recorded before dong() read "75000 đồng".
_PAYMENT_NOTE = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+) đồng(?: — (.*))?$")


def _event_note(event: dict[str, Any]) -> str:
    """The note a citizen reads: money as "75.000 đồng", how it was paid in words (never a
    gateway's internal name); none for the result (its words are the officers')."""
    note = str(event.get("note") or "")
    if event["kind"] == "finished":
        return ""
    found = _PAYMENT_NOTE.match(note) if event["kind"] in ("payment_requested", "paid") else None
    if found is None:
        return note
    amount = vn_money(int(found.group(1).replace(".", "")))
    how = found.group(2) or ""
    if event["kind"] == "payment_requested":
        return amount
    if how.startswith("tiền mặt"):
        return f"{amount}, nộp {how}"
    return f"{amount}, thanh toán trực tuyến"


# The legal documents a citizen may download, with the event that makes each exist.
CITIZEN_DOCUMENTS = {
    "receipt": ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "received"),
    "supplement": ("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "supplement_requested"),
    "refusal": ("Phiếu từ chối tiếp nhận giải quyết hồ sơ", "refused"),
    "apology": ("Phiếu xin lỗi và hẹn lại ngày trả kết quả", "extended"),
    "stop_notice": ("Thông báo dừng xử lý hồ sơ", "stopped"),
    "fee_receipt": ("Biên lai thu phí, lệ phí", ""),
}

# A refusal after reception: the competent agency's notice (NĐ 61/2018 art. 16).
REFUSAL_DECISION = "Thông báo từ chối giải quyết hồ sơ"


def _documents(view: dict[str, Any], payments: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The documents this dossier has now, in the order they come about."""
    happened = {e["kind"] for e in view["events"]}
    found = [{"kind": kind, "title": REFUSAL_DECISION if kind == "refusal" and view.get(
        "received_at") else title} for kind, (title, event) in CITIZEN_DOCUMENTS.items()
             if event and event in happened]
    if any(p["state"] == "paid" and p["receipt_number"] for p in payments):
        found.append({"kind": "fee_receipt", "title": CITIZEN_DOCUMENTS["fee_receipt"][0]})
    return found


@bp.get("/ca-nhan/ho-so/<code>/van-ban/<kind>.pdf")
def document(code: str, kind: str) -> Response:
    """A legal document of my dossier as a PDF (the ones a citizen receives)."""
    actor = current_citizen()
    if kind not in CITIZEN_DOCUMENTS:
        abort(404)
    with uow() as work:
        found = reports.render_dossier_document(
            work, actor=actor, code=code, kind=kind, fmt="pdf",
            tracking_base=current_app.config["PUBLIC_URL"],
            set_name=current_app.config["DOCUMENT_SET"])
    return document_response(found, "pdf")


@bp.route("/ca-nhan/ho-so/<code>/bo-sung", methods=["GET", "POST"])
def supplement(code: str) -> str | Response | tuple[str, int]:
    """Answer a supplement request: upload each paper asked for, correct the form, add or
    replace other papers (`webapp.my_supplement` lays the page out). The code stays; the
    earlier data and files stay in the history. The files are stored with the answer or
    not at all (`applicants.send_supplement`): an answer with a refused file, lacking a
    paper asked for, or changing nothing without saying so, is refused with everything
    typed kept and the dossier's papers as they were."""
    allow_paper_uploads()
    actor = current_citizen()
    with uow() as work:
        page = applicants.supplement_page(work, actor=actor, code=code)
    view = page["dossier"]
    if view["status"] != Status.SUPPLEMENT:
        flash("Hồ sơ không ở trạng thái chờ bổ sung.", "error")
        return redirect(url_for("mine.dossier", code=code), 303)
    values: dict[str, Any] = view["data"]
    errors: list[FieldError] = []
    confirmed, editing = request.form.get("unchanged") == "1", False
    if request.method == "POST":
        posted = parse_posted(view["start_form"])
        values, editing = posted.data, posted.is_row_action
        slots = {p["key"] for p in page["papers"]}
        uploads = [applicants.Upload(*one) for one in posted_files(
            FILE_FIELD, applicants.ATTACHMENT_READ_LIMIT) if one[0] in slots]
        if editing:  # nothing is sent, so nothing is stored: the files are chosen again
            errors = [FieldError(f"_paper.{u.slot}", applicants.SUPPLEMENT_FILE_NOT_KEPT.format(
                file=u.filename)) for u in uploads]
        else:
            try:
                with uow() as work:
                    applicants.send_supplement(work, actor=actor, code=code, data=values,
                                               uploads=uploads, confirmed_unchanged=confirmed)
            except FormInvalid as exc:  # nothing stored: the papers are as they were
                errors = field_errors(exc.details)
            else:
                flash("Đã gửi bổ sung. Hồ sơ tiếp tục được giải quyết, mã hồ sơ không đổi.",
                      "success")
                return redirect(url_for("mine.dossier", code=code), 303)
    html = supplement_html(view, page["missing"], [PaperSlot(**p) for p in page["papers"]],
                           values, errors, confirmed=confirmed, editing=editing)
    return (html, 422) if errors and not editing else html


@bp.route("/ca-nhan/ho-so/<code>/rut", methods=["GET", "POST"])
def withdraw(code: str) -> str | Response | tuple[str, int]:
    """Withdraw my dossier (only before a result exists): the page says what happens and
    asks for the reason; posting it withdraws."""
    actor = current_citizen()
    with uow() as work:
        page = applicants.my_dossier(work, actor=actor, code=code)
    if not page["may_withdraw"]:
        flash("Hồ sơ này không thể rút nữa.", "error")
        return redirect(url_for("mine.dossier", code=code), 303)
    reason = request.form.get("reason", "")[:TEXT_LIMIT]
    errors: list[FieldError] = []
    if request.method == "POST":
        try:
            with uow() as work:
                applicants.withdraw(work, actor=actor, code=code, reason=reason)
        except FormInvalid as exc:
            errors = [FieldError("reason", str(d["message"])) for d in exc.details or []] or [
                FieldError("reason", exc.message)]
        else:
            flash(f"Đã rút hồ sơ {code}. Cơ quan giải quyết dừng xử lý hồ sơ.", "success")
            return redirect(url_for("mine.dossier", code=code), 303)
    html = render_template("withdraw.html", dossier=page["dossier"], reason=reason, errors=errors)
    return (html, 422) if errors else html


def _flash_problems(exc: FormInvalid) -> None:
    """Each problem of a refused small form, shown on the page it came from."""
    for item in exc.details or [{"message": exc.message}]:
        flash(str(item["message"]), "error")


@bp.post("/ca-nhan/ho-so/<code>/danh-gia")
def rate(code: str) -> Response:
    """Rate the service on three levels (a reason for the lowest)."""
    actor = current_citizen()
    level = request.form.get("level", "")
    # ASCII digits only: "²" passes isdigit() but not int()
    chosen = int(level) if level.isascii() and level.isdigit() and len(level) < 3 else 0
    try:
        with uow() as work:
            result = applicants.rate(work, actor=actor, code=code,
                                     level=chosen,
                                     reason=request.form.get("reason", "")[:TEXT_LIMIT],
                                     labels=current_app.config["RATING_LABELS"])
    except FormInvalid as exc:
        _flash_problems(exc)
    else:
        flash(f"Cảm ơn bạn đã đánh giá: {result['label']}.", "success")
    return redirect(url_for("mine.dossier", code=code), 303)


@bp.post("/ca-nhan/ho-so/<code>/thanh-toan")
def pay(code: str) -> Response:
    """Go to the payment gateway for the fee the dossier waits for."""
    actor = current_citizen()
    with uow() as work:
        target = applicants.start_checkout(
            work, actor=actor, code=code, gateway=_gateway(),
            return_url=url_for("mine.dossier", code=code, _external=True))
    return redirect(target, 303)


@bp.get("/ca-nhan/ho-so/<code>/tep/<int:attachment_id>")
def download(code: str, attachment_id: int) -> Response:
    """A file of my dossier (its papers, its result)."""
    actor = current_citizen()
    with uow() as work:
        view, content = applicants.download_attachment(work, actor=actor, code=code,
                                                       attachment_id=attachment_id)
    return file_response(content, view["media_type"], view["filename"])


@bp.get("/ca-nhan/kho-du-lieu/<int:paper_id>")
def stored(paper_id: int) -> Response:
    """A paper of my data store."""
    actor = current_citizen()
    with uow() as work:
        paper, content = applicants.download_stored_paper(work, actor=actor, paper_id=paper_id)
    return file_response(content, paper["media_type"], paper["filename"])


@bp.post("/ca-nhan/phan-anh")
def send_feedback() -> Response:
    """Send feedback about one of my dossiers or a procedure."""
    actor = current_citizen()
    code = request.form.get("dossier") or None
    try:
        with uow() as work:
            applicants.send_feedback(work, actor=actor, kind=request.form.get("kind", ""),
                                     title=request.form.get("title", "")[:300],
                                     body=request.form.get("body", "")[:TEXT_LIMIT], dossier_code=code,
                                     procedure_code=request.form.get("procedure") or None,
                                     agency_code=request.form.get("agency") or None)
    except FormInvalid as exc:
        _flash_problems(exc)
    else:
        flash("Đã gửi phản ánh, kiến nghị. Câu trả lời sẽ được gửi cho bạn và công khai.",
              "success")
    procedure = request.form.get("procedure")
    if code:
        target = url_for("mine.dossier", code=code)
    elif procedure:
        target = url_for("citizen.procedure", code=procedure[:40])
    else:
        target = url_for("mine.overview")
    return redirect(target, 303)
