"""Citizen pages: catalogue, procedure detail with its generated form (saved as a draft at
every post), receipt (page and PDF), tracking, public results and answered feedback."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from engine import applicants, dossiers, procedures, reports
from engine.core import VN_TZ, Actor, FormInvalid, NotFound, RateLimited, fold
from forms import FieldError, PaperSlot
from forms.render import FILE_FIELD, STORED_FIELD
from webapp.context import client_address, current_actor, uow
from webapp.downloads import content_disposition
from webapp.esign import signed_document
from webapp.formpage import (
    allow_paper_uploads,
    field_errors,
    form_html,
    parse_posted,
    posted_files,
    submission_limits,
)

bp = Blueprint("citizen", __name__)
RECENT_KEY = "submitted_codes"
# A page with its status (and headers) when not 200.
Page = str | tuple[str, int] | tuple[str, int, dict[str, str]]


@bp.get("/")
def catalogue() -> str:
    """The published procedures, searchable without diacritics."""
    query = request.args.get("q", "").strip()[:200]
    with uow() as work:
        entries = procedures.procedure_catalogue(work)
    if query:
        needle = fold(query)
        entries = [e for e in entries if needle in fold(f"{e['name']} {e['code']} {e['field']} "
                                                          f"{e['agency']['name']}")]
    return render_template("catalogue.html", entries=entries, query=query)


@bp.route("/thu-tuc/<code>", methods=["GET", "POST"])
def procedure(code: str) -> Page | Response:
    """Procedure detail and its start form. Every post saves the draft (data and papers);
    "Nộp hồ sơ" then submits it. Opening `?nhap=<key>` resumes a saved draft."""
    allow_paper_uploads()
    actor = current_actor()
    key = (request.values.get("nhap") or "").strip()[:60] or None
    detail, agency, values = _open_form(actor, code, key)
    state = _FormState(key, values)
    if request.method == "POST":
        posted = parse_posted(detail["start_form"]["schema"])
        state = _save(actor, code, agency, key, posted.data)
        if (state.saved and state.key and request.form.get("_action") == "submit"
                and not posted.is_row_action):
            submitted = _submit(actor, state)
            if submitted is not None:
                return submitted
    return _form_page(actor, code, detail, agency, state)


@dataclass
class _FormState:
    """The start form after a request: its draft, what it shows, and what went wrong."""

    key: str | None
    values: dict[str, Any]
    errors: list[FieldError] = field(default_factory=list)
    saved: bool = False
    limited: RateLimited | None = None


def _open_form(actor: Actor, code: str, key: str | None) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """The procedure's detail, the agency the form is for, and the values to show: the
    draft's (`key`) or those prefilled from the applicant's data store."""
    agency = request.values.get("agency") or None
    with uow() as work:
        detail = procedures.procedure_detail(work, code=code, agency_code=agency)
        if agency is None:  # several agencies offer it: the first, until the form says
            agency = detail["agencies"][0]["code"]
        if key:
            draft = applicants.open_draft(work, actor=actor, key=key, procedure_code=code)
            return detail, request.values.get("agency") or draft.agency_code or agency, draft.data
        return detail, agency, applicants.prefill(work, actor=actor, procedure_code=code,
                                                  agency_code=agency)


def _save(actor: Actor, code: str, agency: str, key: str | None, data: dict[str, Any]
          ) -> _FormState:
    """Save the posted data and papers as the draft (a new one without `key`)."""
    state = _FormState(key, data)
    try:
        with uow() as work:
            result = applicants.save_draft(
                work, actor=actor, key=key, procedure_code=code, agency_code=agency,
                data=data, uploads=_uploads(), reuse=_reused(),
                client=client_address(), limits=submission_limits())
    except RateLimited as exc:  # too many new drafts from this address: nothing saved
        state.errors, state.limited = [FieldError("", exc.message)], exc
    else:
        state.key, state.errors, state.saved = result["key"], field_errors(result["errors"]), True
    return state


def _submit(actor: Actor, state: _FormState) -> Response | None:
    """Submit the saved draft: the redirect to its receipt, or None with `state.errors`."""
    assert state.key is not None  # only a saved draft is submitted
    if state.errors:  # a refused file: say what else is missing too, submit nothing
        with uow() as work:
            refused = {e.field for e in state.errors}
            problems = applicants.draft_problems(work, actor=actor, key=state.key)
            state.errors += [e for e in field_errors(problems) if e.field not in refused]
        return None
    try:
        with uow() as work:
            view = applicants.submit_draft(work, actor=actor, key=state.key, client=client_address(),
                                           limits=submission_limits())
    except FormInvalid as exc:
        state.errors = field_errors(exc.details)
    except RateLimited as exc:  # the draft keeps what was typed: say so, on the form
        state.errors, state.limited = [FieldError("", exc.message)], exc
    else:
        session[RECENT_KEY] = [view["code"], *session.get(RECENT_KEY, [])][:20]
        return redirect(url_for("citizen.receipt", code=view["code"]), 303)
    return None


def _form_page(actor: Actor, code: str, detail: dict[str, Any], agency: str, state: _FormState
               ) -> Page:
    """The procedure page with its form: 422 with errors, 429 past a rate limit."""
    with uow() as work:
        papers = [PaperSlot(**p) for p in applicants.draft_papers(
            work, actor=actor, procedure_code=code, agency_code=agency, key=state.key)]
    schema, ui = detail["start_form"]["schema"], detail["start_form"]["ui"]
    page = render_template(
        "procedure.html", detail=detail, agency=agency, draft_key=state.key, saved=state.saved,
        form=form_html(schema, ui, state.values, state.errors, papers),
        has_errors=bool(state.errors))
    if state.limited is not None:
        return page, 429, {"Retry-After": str(state.limited.retry_after)}
    return (page, 422) if state.errors else page


def _uploads() -> list[applicants.Upload]:
    """The files posted for papers (`_file.<slot>`)."""
    posted = posted_files(FILE_FIELD, applicants.ATTACHMENT_READ_LIMIT)
    return [applicants.Upload(*one) for one in posted]


def _reused() -> dict[str, int]:
    """Stored papers chosen instead of an upload (`_stored.<slot>` = stored paper id)."""
    return {name.removeprefix(STORED_FIELD): int(value)
            for name, value in request.form.items(multi=True)
            if name.startswith(STORED_FIELD) and value.isdigit()}


@bp.get("/ho-so/<code>/bien-nhan")
def receipt(code: str) -> str:
    """The receipt right after submission (in the browser that submitted it, or for the
    signed-in applicant)."""
    actor = current_actor()
    with uow() as work:
        if code not in session.get(RECENT_KEY, []):
            dossiers.find_visible(work, actor=actor, code=code)  # NotFound for strangers
        view = dossiers.track_by_code(work, code=code)
    return render_template("receipt.html", dossier=view)


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
    except NotFound as exc:
        errors = [FieldError("so_dinh_danh", exc.message)]
        page = render_template("track.html", result=None, code=code, id_number=id_number, errors=errors)
        return page, 404, headers
    except RateLimited as exc:
        errors = [FieldError("", exc.message)]
        page = render_template("track.html", result=None, code=code, id_number=id_number, errors=errors)
        return page, 429, {**headers, "Retry-After": str(exc.retry_after)}
    return render_template("track.html", result=result, code=code, errors=[]), 200, headers


TRACK_ID_PARAMETERS = ("so_dinh_danh", "so_giay_to", "id_number")


def _track_errors(code: str, id_number: str) -> list[FieldError]:
    """What is missing or malformed in the tracking form, in page order."""
    errors = []
    if not code:
        errors.append(FieldError("ma", "Vui lòng nhập mã hồ sơ."))
    if not id_number:
        errors.append(FieldError("so_dinh_danh", "Vui lòng nhập số định danh cá nhân của người nộp."))
    return errors
