"""Citizen pages: catalogue, procedure detail with its generated form, receipt, tracking."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from engine import dashboard, dossiers, procedures
from engine.calendar import VN_TZ
from engine.errors import FormInvalid, NotFound
from engine.text import fold
from webapp.context import client_address, current_actor, uow
from webapp.formpage import field_errors, form_html, parse_posted

bp = Blueprint("citizen", __name__)
RECENT_KEY = "submitted_codes"


@bp.get("/")
def catalogue() -> str:
    """The published procedures, searchable without diacritics."""
    query = request.args.get("q", "").strip()[:200]
    with uow() as work:
        entries = procedures.catalogue(work)
    if query:
        needle = fold(query)
        entries = [e for e in entries if needle in fold(f"{e['name']} {e['code']} {e['field']} "
                                                          f"{e['agency']['name']}")]
    return render_template("catalogue.html", entries=entries, query=query)


@bp.route("/thu-tuc/<code>", methods=["GET", "POST"])
def procedure(code: str) -> str | Response:
    """Procedure detail and its start form; posting submits the dossier."""
    agency = request.values.get("agency") or None
    with uow() as work:
        detail = procedures.procedure_detail(work, code=code, agency_code=agency)
    if agency is None and len(detail["agencies"]) == 1:
        agency = detail["agencies"][0]["code"]
    schema, ui = detail["start_form"]["schema"], detail["start_form"]["ui"]
    values: dict[str, Any] = {}
    errors = []
    if request.method == "POST":
        posted = parse_posted(schema)
        values = posted.data
        if not posted.is_row_action:
            if agency is None:
                abort(400, description="Vui lòng chọn cơ quan tiếp nhận hồ sơ.")
            try:
                with uow() as work:
                    view = dossiers.submit_dossier(work, actor=current_actor(), procedure_code=code,
                                                   agency_code=agency, data=values)
            except FormInvalid as exc:
                errors = field_errors(exc.details)
            else:
                session[RECENT_KEY] = [view["code"], *session.get(RECENT_KEY, [])][:20]
                return redirect(url_for("citizen.receipt", code=view["code"]), 303)
    status = 422 if errors else 200
    page = render_template("procedure.html", detail=detail, agency=agency,
                           form=form_html(schema, ui, values, errors), has_errors=bool(errors))
    return (page, status) if status != 200 else page  # type: ignore[return-value]


@bp.get("/ho-so/<code>/bien-nhan")
def receipt(code: str) -> str:
    """The receipt right after submission (only in the browser that submitted it)."""
    if code not in session.get(RECENT_KEY, []):
        raise NotFound("Không tìm thấy biên nhận. Hãy tra cứu hồ sơ bằng mã và số định danh.")
    with uow() as work:
        view = dossiers.track_by_code(work, code=code)
    return render_template("receipt.html", dossier=view)


@bp.get("/cong-khai")
def disclosure() -> str:
    """Public results of the year so far, per agency and for the province."""
    with uow() as work:
        figures = dashboard.public_figures(work, today=work.clock.now().astimezone(VN_TZ).date())
    return render_template("disclosure.html", figures=figures)


@bp.get("/tra-cuu")
def track() -> tuple[str, int] | str:
    """Public tracking by dossier code and the applicant's ID number."""
    code = request.args.get("ma", "").strip()[:60]
    id_number = request.args.get("so_dinh_danh", "").strip()[:20]
    if not code:
        return render_template("track.html", result=None, code="", missing=False)
    try:
        with uow() as work:
            result = dossiers.track(work, code=code, id_number=id_number, client=client_address(),
                                    per_minute=current_app.config["TRACK_PER_MINUTE"])
    except NotFound:
        return render_template("track.html", result=None, code=code, missing=True), 404
    return render_template("track.html", result=result, code=code, missing=False)
