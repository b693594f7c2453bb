"""Citizen pages: catalogue, receipt (page and PDF), tracking, public results and answered
feedback. The procedure's page and the journey through its form are `webapp.journey`."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, current_app, render_template, request, session
from werkzeug.wrappers import Response

from engine import applicants, dossiers, procedures, reports
from engine.core import VN_TZ, NotFound, RateLimited, rank_by_words
from forms import FieldError
from webapp.context import client_address, current_actor, uow
from webapp.downloads import content_disposition
from webapp.esign import signed_document
from webapp.journey import RECENT_KEY, Page, add_routes

bp = Blueprint("citizen", __name__)
add_routes(bp)  # the procedure's page and the journey through its form (webapp.journey)


@bp.get("/")
def catalogue() -> str:
    """The published procedures: searched by words (accents ignored), filtered by field
    (`linh_vuc`) and agency (`co_quan`) with GET parameters, each choice with its count."""
    query = request.args.get("q", "").strip()[:200]
    with uow() as work:
        entries = procedures.procedure_catalogue(work) + procedures.awaiting_process(work)
    if query:
        entries = rank_by_words(query, entries, name=lambda e: str(e["name"]),
                                rest=lambda e: f"{e['code']} {e['field']} {e['agency']['name']}")
    field = request.args.get("linh_vuc", "").strip()[:200]
    agency = request.args.get("co_quan", "").strip()[:100]
    # Each filter's counts are of the procedures the other filter (and the words) keep.
    of_agency = [e for e in entries if not agency or e["agency"]["code"] == agency]
    of_field = [e for e in entries if not field or e["field"] == field]
    fields = Counter(str(e["field"]) for e in of_agency if e["field"])
    agencies = Counter((str(e["agency"]["code"]), str(e["agency"]["name"])) for e in of_field)
    entries = [e for e in of_agency if not field or e["field"] == field]
    return render_template("catalogue.html", entries=entries, query=query, field=field,
                           agency=agency, fields=sorted(fields.items()),
                           agencies=sorted(agencies.items(), key=lambda a: a[0][1]))


@bp.get("/ho-so/<code>/bien-nhan")
def receipt(code: str) -> str:
    """The receipt right after submission (in the browser that submitted it, or for the
    signed-in applicant)."""
    actor = current_actor()
    with uow() as work:
        if code not in session.get(RECENT_KEY, []):
            dossiers.find_visible(work, actor=actor, code=code)  # NotFound for strangers
        view = dossiers.track_by_code(work, code=code)
        fee = applicants.dossier_fee(work, code)  # as the procedure's tables decided
        delivery = dossiers.result_delivery(work, view["code"])
        exempted = applicants.exemption_of(work, view["code"])
    return render_template("receipt.html", dossier=view, fee=fee, delivery=delivery,
                           exempted=exempted)


@bp.get("/ho-so/<code>/bien-nhan.pdf")
def receipt_pdf(code: str) -> Response:
    """The submission receipt as a PDF, with the dossier code and a QR code to track it."""
    actor = current_actor()
    with uow() as work:
        if code not in session.get(RECENT_KEY, []):
            dossiers.find_visible(work, actor=actor, code=code)
        document = reports.render_submission_receipt(
            work, code=code, tracking_base=current_app.config["PUBLIC_URL"],
            set_name=current_app.config["DOCUMENT_SET"])
    response = Response(signed_document(document), mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(document.filename("pdf"))
    return response


@bp.get("/phan-anh-kien-nghi")
def public_feedback() -> str:
    """Answered feedback, published without the sender."""
    with uow() as work:
        items = applicants.public_feedback(work)
    return render_template("feedback_public.html", items=items)


@bp.get("/cong-khai")
def disclosure() -> str:
    """Public results of the year so far, per agency and for the province."""
    with uow() as work:
        figures = reports.public_figures(work, today=work.clock.now().astimezone(VN_TZ).date())
    return render_template("disclosure.html", figures=figures)


@bp.route("/tra-cuu", methods=["GET", "POST"])
def track() -> Page:
    """Public tracking by dossier code and the applicant's ID number. The form posts: the
    ID number never travels in a URL (history, logs, Referer); a GET only shows the form,
    with the code filled in from `?ma=` (the QR code on the receipt links here)."""
    if request.method == "GET":
        code = request.args.get("ma", "").strip()[:60]
        ignored = any(request.args.get(name) for name in TRACK_ID_PARAMETERS)
        return render_template("track.html", result=None, code=code, errors=[], ignored=ignored)
    code = request.form.get("ma", "").strip()[:60]
    id_number = "".join(request.form.get("so_dinh_danh", "").split())[:20]
    errors = _track_errors(code, id_number)
    headers = {"Cache-Control": "no-store"}  # the page holds the ID number
    if errors:
        page = render_template("track.html", result=None, code=code, id_number=id_number, errors=errors)
        return page, 422, headers
    try:
        with uow() as work:
            result = dossiers.track(work, code=code, id_number=id_number, client=client_address(),
                                    per_minute=current_app.config["TRACK_PER_MINUTE"])
            claimable = applicants.claimable(work, code=result["code"])  # without an owner
    except NotFound as exc:
        errors = [FieldError("so_dinh_danh", exc.message)]
        page = render_template("track.html", result=None, code=code, id_number=id_number, errors=errors)
        return page, 404, headers
    except RateLimited as exc:
        errors = [FieldError("", exc.message)]
        page = render_template("track.html", result=None, code=code, id_number=id_number, errors=errors)
        return page, 429, {**headers, "Retry-After": str(exc.retry_after)}
    page = render_template("track.html", result=result, code=code, errors=[], claimable=claimable)
    return page, 200, headers


TRACK_ID_PARAMETERS = ("so_dinh_danh", "so_giay_to", "id_number")


def _track_errors(code: str, id_number: str) -> list[FieldError]:
    """What is missing or malformed in the tracking form, in page order."""
    errors = []
    if not code:
        errors.append(FieldError("ma", "Vui lòng nhập mã hồ sơ."))
    if not id_number:
        errors.append(FieldError("so_dinh_danh", "Vui lòng nhập số định danh cá nhân của người nộp."))
    return errors
