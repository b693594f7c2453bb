"""Officer pages: the dossiers of my agency (`/can-bo/ho-so`) and one dossier's page
(`/can-bo/ho-so/<code>`), which stay reachable after the officer's step is done or while
the dossier waits for the applicant."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from engine import applicants, dossiers, records
from engine.core import (
    Actor,
    Invalid,
    ServiceError,
    Status,
    is_officer,
    may_list_dossiers,
    may_open_desk,
    may_open_reports,
    may_open_tracking_books,
    may_open_versions,
)
from webapp.context import current_actor, uow
from webapp.desk_page import record_cash, take_cash_at_hand_over
from webapp.filters import LARGEST
from webapp.formpage import summary_html

bp = Blueprint("officer_dossiers", __name__)

# A quick view's label in the page, in the order of its tabs (a status's own label).
VIEW_LABELS = {"processing": "Đang xử lý", "done_by_me": "Đã xử lý (tôi)",
               "supplement": Status.SUPPLEMENT.label}
TIMELINESS_LABELS = {"late": "Trễ hạn", "on_time": "Đúng hạn"}


def menu_links() -> dict[str, bool]:
    """Which of the staff menu's links the signed-in actor may open (base.html shows only
    those): the pages answer 403 with the reason to anyone else."""
    actor: Actor | None = g.get("actor")
    if actor is None or actor.account_id is None:
        return {}
    return {"inbox": is_officer(actor), "dossiers": may_list_dossiers(actor),
            "desk": may_open_desk(actor), "feedback": is_officer(actor),
            "versions": may_open_versions(actor), "reports": may_open_reports(actor),
            "tracking_books": may_open_tracking_books(actor)}


def init_app(app: Flask) -> None:
    """Register the pages and give every template the menu (`menu`)."""
    app.register_blueprint(bp)
    app.context_processor(lambda: {"menu": menu_links()})


def _lister() -> Actor:
    actor = current_actor()
    if actor.account_id is None:
        abort(401)
    if not may_list_dossiers(actor):
        abort(403, description="Danh sách hồ sơ của cơ quan dành cho cán bộ và quản trị "
                               "hệ thống; tài khoản của bạn không thuộc cơ quan nào.")
    return actor


def local_date(text: str, name: str) -> date | None:
    """A date typed as dd/mm/yyyy (also d/m/yyyy, or yyyy-mm-dd); None when empty."""
    text = text.strip()
    if not text:
        return None
    try:
        if "-" in text:
            return date.fromisoformat(text)
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    except ValueError:
        raise Invalid(f"Ngày '{text[:20]}' ({name}) không hợp lệ: hãy gõ theo dạng "
                      "ngày/tháng/năm, ví dụ 25/11/2026.") from None


def _number(args: Mapping[str, str], name: str) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > LARGEST:
        raise Invalid(f"Tham số '{name}' phải là số nguyên không âm.")
    return int(raw)


def dossier_query(args: Mapping[str, str]) -> dossiers.DossierQuery:
    """The list's filters from a query string (the page's and the API's)."""
    return dossiers.DossierQuery(
        search=(args.get("q") or "")[:100] or None,
        procedure=(args.get("procedure") or "")[:40] or None,
        status=_number(args, "status"),
        view=args.get("view") or None,
        received_from=local_date(args.get("from", "")[:20], "từ ngày"),
        received_to=local_date(args.get("to", "")[:20], "đến ngày"),
        timeliness=args.get("timeliness") or None,
        step=(args.get("step") or "")[:100] or None,
        officer=_number(args, "officer"),
        scope=args.get("scope") or "agency",
        after=(args.get("after") or "")[:40] or None,
        limit=_number(args, "limit") or 50,
    )


@bp.get("/can-bo/ho-so")
def dossier_list() -> str | tuple[str, int]:
    """The dossiers of my agency, newest first, filtered, 50 to a page."""
    actor = _lister()
    with uow() as work:
        choices = dossiers.search_choices(work, actor=actor)
        due = applicants.agency_refunds_due(work, actor=actor) if actor.agencies() else []
    args = request.args
    try:
        query = dossier_query(args)
        with uow() as work:
            page = dossiers.search_dossiers(work, actor=actor, query=query)
    except Invalid as exc:
        return render_template("officer_dossiers.html", page=None, error=exc.message,
                               choices=choices, args=args, refunds_due=due, **_labels()), 400
    return render_template("officer_dossiers.html", page=page, error=None, choices=choices,
                           args=args, refunds_due=due, **_labels())


def _labels() -> dict[str, Any]:
    kept = {k: v for k, v in request.args.items() if k != "after" and v}
    return {"view_labels": VIEW_LABELS, "timeliness_labels": TIMELINESS_LABELS, "first_args": kept}


@bp.get("/can-bo/ho-so/<code>")
def dossier_page(code: str, refund_form: dict[str, Any] | None = None) -> str:
    """Everything about one dossier: data, papers, status, legal clock, history,
    the documents to print again; money to pay back (`refund_form`: what was typed in a
    refused refund record, shown again with its errors)."""
    actor = _lister()
    with uow() as work:
        view = dossiers.dossier_file(work, actor=actor, code=code[:60])
        notices = records.dossier_notices(work, code=view["code"])  # access checked above
        postal = dossiers.postal_orders(work, actor=actor, code=view["code"])
        fee = applicants.fee_standing(work, actor=actor, code=view["code"])
        delivery = dossiers.result_delivery(work, view["code"])
        refunds = applicants.dossier_refunds(work, actor=actor, code=view["code"])
    data = summary_html(view["start_form"], view["start_form_ui"], view["data"])
    return render_template("officer_dossier.html", dossier=view, dossier_data=data,
                           notices=notices, postal=postal, fee=fee, delivery=delivery,
                           refunds=refunds, refund_form=refund_form,
                           refund_methods=applicants.REFUND_METHODS)


# The refund form's fields: the service's field names → the page's (`_fee_refunds.html`).
_REFUND_FIELDS = {"method": "cach_hoan", "voucher": "so_chung_tu", "note": "ghi_chu"}
_REFUND_IDS = {"method": "method", "voucher": "voucher", "note": "note"}


@bp.post("/can-bo/ho-so/<code>/hoan-tra/<int:refund_id>")
def record_refund(code: str, refund_id: int) -> Response | tuple[str, int]:
    """An officer of the agency records money paid back to the applicant (how, the voucher,
    a required note), from the dossier's page. A refusal shows the page again (400, 409)
    with the message at the form and what was typed kept."""
    code, actor = code[:60], _lister()
    values = {name: request.form.get(name, "")[:2000] for name in _REFUND_FIELDS.values()}
    try:
        with uow() as work:
            made = applicants.record_refund(
                work, actor=actor, code=code, refund_id=refund_id, method=values["cach_hoan"],
                voucher=values["so_chung_tu"], note=values["ghi_chu"])
    except Invalid as exc:
        fields = exc.details if isinstance(exc.details, dict) else {}
        errors = [{"field": f"{_REFUND_IDS[name]}-{refund_id}", "message": message}
                  for name, message in fields.items() if name in _REFUND_IDS] or [
                      {"field": None, "message": exc.message}]
        form = {"id": refund_id, "typed": values, "errors": errors}
        return dossier_page(code, refund_form=form), exc.status
    except ServiceError as exc:
        if exc.status not in (409, 400):
            raise
        form = {"id": refund_id, "typed": values, "errors": [{"field": None, "message": exc.message}]}
        return dossier_page(code, refund_form=form), exc.status
    amount = f"{made['amount']:,}".replace(",", ".")
    flash(f"Đã ghi nhận hoàn trả {amount} đồng cho người nộp hồ sơ {code}; người nộp được báo.",
          "success")
    return redirect(url_for("officer_dossiers.dossier_page", code=code, _anchor="da-hoan-tra"), 303)


@bp.post("/can-bo/ho-so/<code>/thu-phi")
def take_cash(code: str) -> Response:
    """The desk takes the fee a dossier waits for (status 6) in cash, from the dossier's page
    whichever way the dossier came in: the numbered receipt, and the dossier moves on. From
    the hand-over step's page (`buoc`, its task), a fee never asked is asked and taken at
    once, and the desk goes back to the step (to this page's cash form if it failed)."""
    step = request.form.get("buoc", "")
    if step.isascii() and step.isdigit() and len(step) < 12:
        if take_cash_at_hand_over(_lister(), code[:60]):
            return redirect(url_for("officer_dossiers.dossier_page", code=code[:60],
                                    _anchor="thu-phi"), 303)
        return redirect(url_for("officer.task", task_id=int(step)), 303)
    record_cash(_lister(), code[:60])
    return redirect(url_for("officer_dossiers.dossier_page", code=code[:60]), 303)


@bp.post("/can-bo/ho-so/<code>/huy-yeu-cau-phi")
def cancel_fee_request(code: str) -> Response:
    """An officer of the agency withdraws the fee request the dossier waits on, with the
    reason typed («Lý do hủy»), from the dossier's page; what went wrong is said there."""
    code = code[:60]
    try:
        with uow() as work:
            made = applicants.cancel_payment_request(
                work, actor=_lister(), code=code, reason=request.form.get("ly_do_huy", "")[:2000])
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("officer_dossiers.dossier_page", code=code, _anchor="yeu-cau-phi"), 303)
    amount = f"{made['amount']:,}".replace(",", ".")
    flash(f"Đã hủy yêu cầu nộp {amount} đồng của hồ sơ {code}; người nộp được báo và hồ sơ "
          "tiếp tục được giải quyết.", "success")
    return redirect(url_for("officer_dossiers.dossier_page", code=code), 303)


@bp.post("/can-bo/ho-so/<code>/mien-phi")
def exempt_fee(code: str) -> Response:
    """The desk or a leader records the dossier's fee exemption with its reason, from the
    hand-over step's page (`buoc`: back to it) or the dossier's page; what went wrong is
    said there."""
    code, step = code[:60], request.form.get("buoc", "")
    reason = request.form.get("ly_do_mien", "")[:1000]
    try:
        with uow() as work:
            made = applicants.exempt_fee(work, actor=_lister(), code=code, reason=reason)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Đã ghi miễn phí, lệ phí cho hồ sơ {code}. Lý do: {made['reason']}. Bước trả kết "
              "quả không còn chờ thu phí.", "success")
    if step.isascii() and step.isdigit() and len(step) < 12:
        return redirect(url_for("officer.task", task_id=int(step), _anchor="mien-phi"), 303)
    return redirect(url_for("officer_dossiers.dossier_page", code=code, _anchor="mien-phi"), 303)
