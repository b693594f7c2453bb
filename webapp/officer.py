"""Officer pages: the inbox for my roles in my agency, the task page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import agencies, applicants, dossiers
from engine.core import (
    VN_TZ,
    Conflict,
    FormInvalid,
    ServiceError,
    is_officer,
    may_open_desk,
)
from forms.formats import read_moment
from webapp import handover, reception, step_confirm
from webapp.context import current_actor, task_link, uow
from webapp.desk_page import desk_done_page, desk_page, take_cash, typed_cash
from webapp.desk_supplement import desk_supplement_page
from webapp.downloads import file_response, inline_response
from webapp.esign import signed_result
from webapp.filters import inbox_filter
from webapp.formpage import field_errors, form_html, parse_posted
from webapp.task_page import supplement_refused, task_page
from webapp.text import vn_datetime

bp = Blueprint("officer", __name__)
bp.add_app_template_global(typed_cash)  # the cash forms keep a refused amount


def _whole(text: str) -> int:
    """A whole number typed in a form (0 when it is not one: the service names the range)."""
    text = text.strip()
    return int(text) if text.isdigit() and len(text) < 6 else 0


def _officer() -> Any:
    actor = current_actor()
    if actor.account_id is None:
        abort(401)
    if not is_officer(actor):
        abort(403)
    return actor


def _dossier_of(actor: Any, task_id: int) -> str:
    """The code of the dossier a visible task belongs to."""
    with uow() as work:
        return str(dossiers.get_task(work, actor=actor, task_id=task_id)["dossier"])


@bp.route("/can-bo/phan-anh", methods=["GET", "POST"])
def feedback_page() -> str | Response | tuple[str, int]:
    """Feedback sent to my agencies; answering publishes it."""
    actor = _officer()
    if request.method == "POST":
        try:
            with uow() as work:
                applicants.answer_feedback(work, actor=actor, feedback_id=_whole(request.form.get("id", "")),
                                           text=request.form.get("answer", "")[:5000])
        except FormInvalid as exc:
            flash(exc.details[0]["message"] if exc.details else exc.message, "error")
        else:
            flash("Đã trả lời; câu trả lời được gửi cho người dân và công khai.", "success")
        return redirect(url_for("officer.feedback_page"), 303)
    with uow() as work:
        items = applicants.feedback_for_agency(work, actor=actor)
    return render_template("feedback_inbox.html", items=items)


@bp.get("/can-bo")
def inbox() -> str:
    """Open tasks for my roles in my agency, soonest due first."""
    actor = _officer()
    filters = inbox_filter(request.args)
    narrowed = dossiers.inbox_narrowed(filters)
    empty: dossiers.EmptyInbox | None = None
    roles: list[str] = []
    with uow() as work:
        page = dossiers.officer_inbox(work, actor=actor, filters=filters, notices=True)
        if not page["tasks"] and not narrowed and filters.view != "team":
            empty = dossiers.empty_inbox(work, actor=actor)
            if empty.reason == "no_step":  # the roles by their names, never their codes
                names = agencies.role_names(work)
                roles = [names.get(role, role) for role in empty.roles]
    return render_template("inbox.html", page=page, items=page["tasks"], actor=actor,
                           filters=filters, args=request.args, narrowed=narrowed,
                           empty=empty, role_labels=roles)


@bp.route("/can-bo/cong-viec/<int:task_id>", methods=["GET", "POST"])
def task(task_id: int) -> str | Response | tuple[str, int]:
    """The dossier's data and the task's form; posting completes the task."""
    actor = _officer()
    with uow() as work:
        view = dossiers.get_task(work, actor=actor, task_id=task_id)
        fee = applicants.fee_standing(work, actor=actor, code=view["dossier"])
    schema, ui = view["form"]["schema"], view["form"]["ui"]
    delivery = handover.postal_delivery(actor, view)
    values: dict[str, Any] = handover.suggested(delivery, {})
    errors = []
    status = 200
    if request.method == "POST" and view["state"] == "open":
        posted = parse_posted(schema)
        values = posted.data
        if handover.needs_confirmation(delivery, values):
            delivery = {**(delivery or {}), "confirm": True}
            status = 422
        elif not posted.is_row_action and not reception.going_back():
            try:
                if (asked := step_confirm.confirmation(actor, task_id, values, view)) is not None:
                    return asked  # the step's decision, said before it is sent
                with uow() as work:
                    done = dossiers.complete_task(work, actor=actor, task_id=task_id, data=values,
                                                  confirm_other_delivery=handover.confirmed())
            except FormInvalid as exc:
                errors, status = field_errors(exc.details), 422
            except dossiers.FeeNotCollected as exc:  # the page stays, with its cash form
                flash(exc.message, "error")
                status = 409
            except Conflict as exc:
                flash(exc.message, "error")
                return redirect(url_for("officer.inbox"), 303)
            else:
                flash(f"Đã hoàn thành «{view['name']}» cho hồ sơ {view['dossier']}."
                      + handover.cancelled_words(done), "success")
                return redirect(url_for("officer.inbox"), 303)
    page = task_page(actor, view, fee, form_html(schema, ui, values, errors), delivery=delivery)
    return (page, status) if status != 200 else page


@bp.get("/ho-so/<code>/tep/<int:attachment_id>/xem")
def preview(code: str, attachment_id: int) -> Response:
    """A PDF or image of a dossier shown in place (the task page's previews), for whoever
    may read it: its owner, its officers (a step's working documents: its officers only)."""
    actor = current_actor()
    if actor.account_id is None:
        abort(401)
    with uow() as work:
        view, content = applicants.download_attachment(work, actor=actor, code=code,
                                                       attachment_id=attachment_id, inline=True)
    return inline_response(content, view["media_type"], view["filename"])


@bp.get("/can-bo/ho-so/<code>/tep/<int:attachment_id>")
def download(code: str, attachment_id: int) -> Response:
    """A paper of a dossier, or a step's working document, as a download."""
    actor = _officer()
    with uow() as work:
        view, content = applicants.download_attachment(work, actor=actor, code=code,
                                                       attachment_id=attachment_id)
    return file_response(content, view["media_type"], view["filename"])


@bp.post("/can-bo/cong-viec/<int:task_id>/tai-lieu")
def attach_document(task_id: int) -> Response:
    """Attach a working document (draft permit, minutes) to my open step."""
    actor = _officer()
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise FormInvalid("Hãy chọn tệp tài liệu.")
        try:
            content = upload.stream.read(applicants.ATTACHMENT_READ_LIMIT)
        finally:
            upload.close()
        with uow() as work:
            stored = applicants.attach_step_document(work, actor=actor, task_id=task_id,
                                                     filename=upload.filename[:500],
                                                     content=content)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Đã đính kèm «{stored['filename']}» vào bước này.", "success")
    return redirect(url_for("officer.task", task_id=task_id, _anchor="own-documents"), 303)


@bp.route("/can-bo/tiep-nhan", methods=["GET", "POST"])
def desk() -> str | Response | tuple[str, int]:
    """The desk enters a paper dossier: the form, the papers handed over, the decision."""
    actor = _officer()
    if not may_open_desk(actor):
        abort(403, description="Trang tiếp nhận hồ sơ giấy dành cho cán bộ Bộ phận Một cửa; "
                               "tài khoản của bạn không giữ vai trò này ở cơ quan nào.")
    return desk_page(actor)


@bp.get("/can-bo/tiep-nhan/<code>")
def desk_done(code: str) -> str:
    """After the counter: the dossier's code, status, the fee to take in cash and its
    documents to print."""
    return desk_done_page(_officer(), code)


@bp.route("/can-bo/ho-so/<code>/nhan-bo-sung", methods=["GET", "POST"])
def desk_supplement(code: str) -> str | Response | tuple[str, int]:
    """The applicant brings the papers asked for (form 02) to the counter: the desk scans
    them and the dossier goes on (received at once if it never was)."""
    return desk_supplement_page(_officer(), code)


@bp.post("/can-bo/tiep-nhan/<code>/thu-phi")
def desk_cash(code: str) -> Response:
    """The desk takes the fee asked of the dossier in cash and gives a numbered receipt."""
    return take_cash(_officer(), code)


@bp.post("/can-bo/cong-viec/<int:task_id>/yeu-cau-bo-sung")
def request_supplement(task_id: int) -> Response | str | tuple[str, int]:
    """Ask for a supplement (form 02): a missing item per line (confirmed at reception)."""
    actor = _officer()
    code = _dossier_of(actor, task_id)
    missing = [line for line in request.form.get("missing", "").splitlines() if line.strip()]
    if asked := reception.action_confirmation(actor, task_id, "supplement"):
        return asked
    try:
        with uow() as work:
            result = dossiers.request_supplement(
                work, actor=actor, code=code,
                request=dossiers.SupplementRequest(missing, request.form.get("note", "")))
    except ServiceError as exc:
        return supplement_refused(actor, task_id, exc.message)
    flash(f"Đã gửi yêu cầu bổ sung hồ sơ {code}.", "success")
    if result["warning"]:
        flash(result["warning"], "error")
    return redirect(url_for("officer.inbox"), 303)


@bp.post("/can-bo/cong-viec/<int:task_id>/gia-han")
def extend(task_id: int) -> Response | tuple[str, int]:
    """Grant the one extension (form 04) with its new date and the reason for the delay."""
    actor = _officer()
    typed = {k: request.form.get(k, "")[:4000] for k in ("due_day", "due_time", "reason")}
    with uow() as work:
        view = dossiers.get_task(work, actor=actor, task_id=task_id)
        fee = applicants.fee_standing(work, actor=actor, code=view["dossier"])
    code = view["dossier"]
    try:
        new_due = read_moment(typed["due_day"], typed["due_time"], "Ngày hẹn mới")
        with uow() as work:
            result = dossiers.extend(work, actor=actor, code=code,
                                     new_due=new_due.replace(tzinfo=VN_TZ), reason=typed["reason"])
    except (ValueError, ServiceError) as exc:
        error = exc.message if isinstance(exc, ServiceError) else str(exc)
        schema, ui = view["form"]["schema"], view["form"]["ui"]
        return task_page(actor, view, fee, form_html(schema, ui, {}, []),
                          extension={**typed, "error": error}), 422
    flash(f"Đã hẹn lại ngày trả kết quả hồ sơ {code}: {vn_datetime(result['due_at'])}.",
          "success")
    return redirect(url_for("officer.task", task_id=task_id), 303)


@bp.post("/can-bo/cong-viec/<int:task_id>/yeu-cau-nop-phi")
def request_payment(task_id: int) -> Response:
    """Ask the applicant to pay a fee: the dossier waits in status 6 until it is paid."""
    actor = _officer()
    code = _dossier_of(actor, task_id)
    amount = request.form.get("amount", "").strip().replace(".", "")
    # ASCII digits only: "²" passes isdigit() but not int(), nor do 5,000 digits
    asked = int(amount) if amount.isascii() and amount.isdigit() and len(amount) < 16 else None
    try:
        with uow() as work:
            result = applicants.request_payment(
                work, actor=actor, code=code, amount=asked,
                description=request.form.get("description", "")[:500])
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("officer.task", task_id=task_id), 303)
    # The held step leaves the inbox until the fee is paid: say where the dossier is found.
    amount_words = f"{result['amount']:,}".replace(",", ".")
    flash(f"Đã yêu cầu nộp {amount_words} đồng cho hồ sơ {code}; hồ sơ chờ người dân thanh "
          "toán và tạm rời danh sách công việc. Khi người nộp đến nộp tiền mặt, tìm hồ sơ ở «Hồ "
          "sơ của cơ quan», mục «Chờ nộp phí».", "success")
    return redirect(url_for("officer.inbox"), 303)


@bp.post("/can-bo/cong-viec/<int:task_id>/ket-qua")
def attach_result(task_id: int) -> Response:
    """Attach the electronic result of a resolved dossier (it goes to the applicant's store)."""
    actor = _officer()
    code = _dossier_of(actor, task_id)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise FormInvalid("Hãy chọn tệp kết quả.")
        try:
            content = upload.stream.read(applicants.ATTACHMENT_READ_LIMIT)
        finally:
            upload.close()
        with uow() as work:
            agency = dossiers.find_visible(work, actor=actor, code=code).agency
            agency_code, agency_name = agency.code, agency.name
        content = signed_result(content, agency_code=agency_code, agency=agency_name,
                                reason=f"Kết quả giải quyết hồ sơ {code}")
        with uow() as work:
            applicants.attach(work, actor=actor, code=code, paper=applicants.RESULT_PAPER,
                              filename=upload.filename[:500], content=content)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Đã đính kèm kết quả điện tử của hồ sơ {code}.", "success")
    return redirect(url_for("officer.task", task_id=task_id), 303)


@bp.post("/can-bo/cong-viec/<int:task_id>/<action>")
def step_action(task_id: int, action: str) -> Response | str:
    """Refuse with reasons (confirmed at reception), consult, or send back a step."""
    actor = _officer()
    form = request.form
    if action == "tu-choi" and (asked := reception.action_confirmation(actor, task_id, "refuse")):
        return asked
    try:
        with uow() as work:
            if action == "tu-choi":
                message = reception.refused_message(dossiers.refuse(
                    work, actor=actor, task_id=task_id, reasons=form.get("reasons", "")))
            elif action == "xin-y-kien":
                result = dossiers.consult(
                    work, actor=actor, task_id=task_id, agency_code=form.get("agency", ""),
                    question=form.get("question", ""), days=_whole(form.get("days", "")))
                message = f"Đã gửi xin ý kiến, hạn trả lời {vn_datetime(result['due_at'])}."
            elif action == "tra-lai":
                dossiers.send_back(work, actor=actor, task_id=task_id, note=form.get("note", ""))
                message = "Đã trả hồ sơ về bước trước."
            elif action == "dung-xu-ly":
                dossiers.stop_processing(work, actor=actor, code=_dossier_of(actor, task_id),
                                         reasons=form.get("stop_reasons", ""))
                message = "Đã dừng xử lý hồ sơ; người nộp được thông báo."
            else:
                abort(404)
    except ValueError:
        flash("Số ngày không hợp lệ.", "error")
        return redirect(url_for("officer.task", task_id=task_id), 303)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("officer.task", task_id=task_id), 303)
    flash(message, "success")
    return redirect(url_for("officer.inbox"), 303)


@bp.post("/can-bo/phan-cong")
def assign() -> Response:
    """A leader gives one or several tasks to an officer holding their step's role."""
    actor = _officer()
    ids = [_whole(value) for value in request.form.getlist("task")[:200]]
    back = (url_for("officer.task", task_id=ids[0]) if request.form.get("back") == "task"
            and len(ids) == 1 else url_for("officer.inbox", view="team"))
    try:
        with uow() as work:
            given = dossiers.assign_tasks(work, actor=actor, task_ids=ids,
                                          assignee_id=_whole(request.form.get("assignee", "")),
                                          task_link=task_link())
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Đã giao {len(given)} việc cho {given[0]['assignee_name']}.", "success")
    return redirect(back, 303)


@bp.post("/can-bo/cong-viec/<int:task_id>/tra-viec")
def release(task_id: int) -> Response:
    """The holder gives the task back, or a leader takes it back from its holder: it
    returns to the shared inbox of the step's role, unassigned."""
    actor = _officer()
    try:
        with uow() as work:
            dossiers.release_task(work, actor=actor, task_id=task_id)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("officer.task", task_id=task_id), 303)
    flash("Đã trả việc về danh sách chưa phân công của đơn vị.", "success")
    return redirect(url_for("officer.task", task_id=task_id), 303)


@bp.post("/can-bo/cong-viec/<int:task_id>/nhan")
def claim(task_id: int) -> Response:
    """Take a task for oneself."""
    actor = _officer()
    try:
        with uow() as work:
            dossiers.claim_task(work, actor=actor, task_id=task_id)
    except Conflict as exc:
        flash(exc.message, "error")
    return redirect(url_for("officer.task", task_id=task_id), 303)
