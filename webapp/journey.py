"""Applying online: the procedure's page, its start form, and submission through a draft.

A start form in sections (`forms.journey`: the UI schema's choice, by default a form with
two or more top-level groups) is a journey: the procedure's start page (what you need, how
long, the fee, who handles it, "Bắt đầu"), one page per section (`/thu-tuc/<code>/buoc/<n>`,
each validated and saved as the draft), the papers, the answers to check (`/kiem-tra`),
then the receipt. Every step is a plain form post: no script is needed. A form on a single
page shows under the procedure's facts, as before. Posting the whole form to
`/thu-tuc/<code>` works for both (it saves the draft and, with ``_action=submit``,
submits it). The steps are `webapp.journey_steps`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from engine import applicants, dossiers, procedures
from engine.core import Actor, FormInvalid, Invalid, RateLimited
from forms import FieldError, PaperSlot
from forms.journey import journey_mode
from forms.render import FILE_FIELD, STORED_FIELD
from webapp.context import client_address, current_actor, uow
from webapp.formpage import (
    allow_paper_uploads,
    field_errors,
    form_html,
    parse_posted,
    posted_files,
    submission_limits,
)

RECENT_KEY = "submitted_codes"
# `?mot_trang=1`: a form in sections shown whole on one page (for who prefers it, and for
# the drafts of clients that post the whole form).
ONE_PAGE = "mot_trang"
# How the result is received, chosen on the submitting page (`_result_delivery.html`):
# the choice, and the address and phone for the post.
DELIVERY_FIELDS = ("nhan_ket_qua", "dia_chi_nhan", "dien_thoai_nhan")
BY_POST = "buu_chinh"
# A page with its status (and headers) when not 200.
Page = str | tuple[str, int] | tuple[str, int, dict[str, str]]


def add_routes(bp: Blueprint) -> None:
    """The journey's pages on the citizens' blueprint (endpoints `citizen.procedure`,
    `citizen.journey_start`, `citizen.journey_step`, `citizen.journey_check`)."""
    from webapp import journey_steps
    from webapp.stale_drafts import answers_stale_drafts as guard  # a draft link gone stale

    bp.add_url_rule("/thu-tuc/<code>", "procedure", guard(procedure), methods=["GET", "POST"])
    bp.add_url_rule("/thu-tuc/<code>/bat-dau", "journey_start", start, methods=["POST"])
    bp.add_url_rule("/thu-tuc/<code>/buoc/<int:number>", "journey_step",
                    guard(journey_steps.step), methods=["GET", "POST"])
    bp.add_url_rule("/thu-tuc/<code>/kiem-tra", "journey_check", guard(journey_steps.check),
                    methods=["GET", "POST"])


def procedure(code: str) -> Page | Response:
    """The procedure's page. A form in sections: its start page (`?nhap=<key>` offers to
    go on with that draft), unless `?mot_trang=1` asks for the whole form. A form on one
    page: the facts and the form. Every post of the whole form saves the draft (data and
    papers); "Nộp hồ sơ" then submits it."""
    allow_paper_uploads()
    actor = current_actor()
    key = (request.values.get("nhap") or "").strip()[:60] or None
    detail, agency, values = _open_form(actor, code, key)
    form = detail["start_form"]
    one_page = request.values.get(ONE_PAGE) == "1"  # the whole form, on request
    if (request.method == "GET" and not one_page
            and journey_mode(form["schema"], form["ui"]) == "sections"):
        return start_page(actor, detail, agency, key)
    state = FormState(key, values)
    if request.method == "POST":
        posted = parse_posted(form["schema"])
        state = save(actor, code, agency, key, posted.data)
        if (state.saved and state.key and request.form.get("_action") == "submit"
                and not posted.is_row_action):
            submitted = submit(actor, state)
            if submitted is not None:
                return submitted
    return _form_page(actor, code, detail, agency, state)


def start(code: str) -> Page | Response:
    """"Bắt đầu": a new draft for the chosen agency, prefilled from the citizen's account,
    then the form's first page. A signed-in citizen with a draft of this procedure and
    agency goes on with it instead (a stale start page, the back button), unless the form
    says `moi=1` («Bắt đầu hồ sơ mới» next to the offer to go on)."""
    from webapp.journey_steps import resume_url

    actor = current_actor()
    agency = request.form.get("agency") or None
    with uow() as work:
        detail = procedures.procedure_detail(work, code=code, agency_code=agency)
        agency = agency or detail["agencies"][0]["code"]
        kept = [d for d in applicants.my_drafts(work, actor=actor)
                if d["procedure"] == code and d["agency"] == agency]
        if kept and request.form.get("moi") != "1":  # not asked for a new one: go on
            return redirect(resume_url(work, actor, detail, kept[0]["key"]), 303)
        values = applicants.prefill(work, actor=actor, procedure_code=code, agency_code=agency)
    state = save(actor, code, agency, None, values)
    if state.limited is not None:
        return start_page(actor, detail, agency, None, state.limited)
    return redirect(url_for("citizen.journey_step", code=code, number=1, nhap=state.key), 303)


def start_page(actor: Actor, detail: dict[str, Any], agency: str, key: str | None,
               limited: RateLimited | None = None) -> Page:
    """What the procedure needs and asks, and the button that starts a new dossier; with a
    saved draft (`key`, else the signed-in citizen's newest of this procedure) the offer to
    go on with it where it left off, saying when it was saved."""
    from webapp.journey_steps import resume_url

    with uow() as work:
        mine = [d for d in applicants.my_drafts(work, actor=actor)
                if d["procedure"] == detail["code"] and key in (None, d["key"])]
        saved = key or (mine[0]["key"] if mine else None)  # the newest, when none was named
        resume = resume_url(work, actor, detail, saved) if saved is not None else None
    page = render_template("procedure_start.html", detail=detail, agency=agency,
                           draft_key=key, resume=resume,
                           saved_at=mine[0]["updated_at"] if mine else None,
                           problem=limited.message if limited else None)
    if limited is not None:
        return page, 429, {"Retry-After": str(limited.retry_after)}
    return page


@dataclass
class FormState:
    """The start form after a request: its draft, what it shows, and what went wrong."""

    key: str | None
    values: dict[str, Any]
    errors: list[FieldError] = field(default_factory=list)
    saved: bool = False
    limited: RateLimited | None = None
    # The result's delivery as posted ({} before a post) and what is wrong with it.
    delivery: dict[str, str] = field(default_factory=dict)
    delivery_errors: dict[str, str] = field(default_factory=dict)


def delivery_form(data: dict[str, Any], posted: dict[str, str]) -> dict[str, str]:
    """The delivery fields to show: what was posted, else at the desk with the form's
    contact address and phone prefilled for the post."""
    if posted:
        return posted
    address = next((data[key] for key in dossiers.ADDRESS_FIELDS if isinstance(data.get(key), str)), "")
    phone = next((data[key] for key in ("dien_thoai", "so_dien_thoai") if isinstance(data.get(key), str)), "")
    return {"nhan_ket_qua": "truc_tiep", "dia_chi_nhan": address, "dien_thoai_nhan": phone}


def _posted_delivery(state: FormState) -> dossiers.ResultDelivery | None:
    """The delivery chosen in the submitting post (kept in `state` to show again)."""
    state.delivery = {name: request.form.get(name, "")[:600] for name in DELIVERY_FIELDS}
    if state.delivery["nhan_ket_qua"] != BY_POST:
        return None
    return dossiers.ResultDelivery(state.delivery["dia_chi_nhan"], state.delivery["dien_thoai_nhan"])


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


def save(actor: Actor, code: str, agency: str, key: str | None, data: dict[str, Any]
         ) -> FormState:
    """Save `data` and the posted papers as the draft (a new one without `key`)."""
    state = FormState(key, data)
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


def submit(actor: Actor, state: FormState) -> Response | None:
    """Submit the saved draft: the redirect to its receipt, or None with `state.errors`."""
    assert state.key is not None  # only a saved draft is submitted
    if state.errors:  # a refused file: say what else is missing too, submit nothing
        with uow() as work:
            refused = {e.field for e in state.errors}
            problems = applicants.draft_problems(work, actor=actor, key=state.key)
            state.errors += [e for e in field_errors(problems) if e.field not in refused]
        return None
    delivery = _posted_delivery(state)
    try:
        with uow() as work:
            view = applicants.submit_draft(work, actor=actor, key=state.key, client=client_address(),
                                           limits=submission_limits(), delivery=delivery)
    except FormInvalid as exc:
        state.errors = field_errors(exc.details)
    except Invalid as exc:  # the delivery's address or phone: said beside them
        details = exc.details if isinstance(exc.details, dict) else {}
        state.delivery_errors = {k.removeprefix("delivery."): str(v) for k, v in details.items()}
        state.errors = [FieldError("", exc.message)]
    except RateLimited as exc:  # the draft keeps what was typed: say so, on the form
        state.errors, state.limited = [FieldError("", exc.message)], exc
    else:
        session[RECENT_KEY] = [view["code"], *session.get(RECENT_KEY, [])][:20]
        return redirect(url_for("citizen.receipt", code=view["code"]), 303)
    return None


def _form_page(actor: Actor, code: str, detail: dict[str, Any], agency: str, state: FormState
               ) -> Page:
    """The procedure page with its whole form: 422 with errors, 429 past a rate limit."""
    with uow() as work:
        papers = [PaperSlot(**p) for p in applicants.draft_papers(
            work, actor=actor, procedure_code=code, agency_code=agency, key=state.key)]
    schema, ui = detail["start_form"]["schema"], detail["start_form"]["ui"]
    page = render_template(
        "procedure.html", detail=detail, agency=agency, draft_key=state.key, saved=state.saved,
        one_page=request.values.get(ONE_PAGE) == "1",
        form=form_html(schema, ui, state.values, state.errors, papers),
        has_errors=bool(state.errors), delivery=delivery_form(state.values, state.delivery),
        delivery_errors=state.delivery_errors)
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
            if name.startswith(STORED_FIELD) and _an_id(value)}


def _an_id(value: str) -> bool:
    """A row id as a browser posts one: ASCII digits that fit a 64-bit integer ("²" passes
    isdigit() but not int(); a 30-digit number overflows the database's integer)."""
    return value.isascii() and value.isdigit() and len(value) <= 18
