"""The desk's «Nhận bổ sung» page (`/can-bo/ho-so/<code>/nhan-bo-sung`) behind
`webapp.officer`'s route: the applicant of a dossier waiting for a supplement comes back to
the counter; the desk scans the papers form 02 asked for (several images of one paper
become one PDF), may correct the form, and the dossier goes on — a dossier never received
is received at once (form 01). All or nothing: a refused answer leaves the dossier's papers
as they were."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import applicants
from engine.core import Actor, FormInvalid, ServiceError
from webapp.context import platform, uow
from webapp.desk_page import SCAN_PREFIX, of_applicant, scan_errors_of, spoken_of
from webapp.formpage import allow_paper_uploads, field_errors, form_html, parse_posted, posted_files
from webapp.text import vn_datetime


def _scans(papers: list[dict[str, Any]]) -> list[applicants.PaperScan]:
    """The files posted for each paper (`scan-<index>`), by paper name."""
    return [applicants.PaperScan(papers[int(slot)]["name"], filename, content)
            for slot, filename, content in posted_files(SCAN_PREFIX,
                                                        applicants.ATTACHMENT_READ_LIMIT)
            if slot.isascii() and slot.isdigit() and len(slot) < 4 and int(slot) < len(papers)]


def desk_supplement_page(actor: Actor, code: str) -> str | Response | tuple[str, int]:
    """The form (GET) and its answer (POST): every problem at once; a refused answer
    stores nothing (each good scan is named as not kept, to be chosen again)."""
    try:
        with uow() as work:
            page = applicants.desk_supplement_page(work, actor=actor, code=code)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("officer_dossiers.dossier_page", code=code), 303)
    values, errors, status = page["data"], [], 200
    if request.method == "POST":
        allow_paper_uploads()
        values = parse_posted(page["start_form"]).data
        try:
            done = applicants.receive_supplement_at_desk(
                platform().uow, actor=actor, code=page["code"], data=values,
                papers=request.form.getlist("papers"), scans=_scans(page["papers"]),
                confirmed_unchanged=request.form.get("unchanged") == "1")
        except FormInvalid as exc:
            errors, status = field_errors(exc.details), 422
            flash(exc.message, "error")  # nothing was stored: each good scan is named
        except ServiceError as exc:
            flash(exc.message, "error")
            status = 400
        else:
            return _answered(done)
    form_errors = [e for e in errors if not e.field.startswith("scan")
                   and e.field != applicants.UNCHANGED_FIELD]
    html = render_template(
        "desk_supplement.html", page=page, handed=request.form.getlist("papers"),
        unchanged_words=applicants.UNCHANGED_WORDS, confirmed=request.form.get("unchanged") == "1",
        unchanged_error=next((e.message for e in errors
                              if e.field == applicants.UNCHANGED_FIELD), ""),
        scan_errors=scan_errors_of(errors), form_errors=form_errors,
        form=form_html(page["start_form"], of_applicant(page["start_form_ui"]), values,
                       spoken_of(form_errors)))
    return (html, status) if status != 200 else html


def _answered(done: dict[str, Any]) -> Response:
    """Where the desk goes next: the counter's page to print form 01 when the dossier was
    received now, else the dossier's page."""
    code, due = done["code"], vn_datetime(done.get("due_at"))
    if done["received_now"]:
        flash(f"Đã nhận bổ sung và tiếp nhận hồ sơ {code}; hẹn trả kết quả {due}. In Giấy "
              "tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01) trao người nộp.", "success")
        return redirect(url_for("officer.desk_done", code=code), 303)
    if done.get("reception_task"):
        flash(f"Đã nhận bổ sung hồ sơ {code}; hoàn thành bước tiếp nhận để cấp Giấy tiếp nhận "
              "(Mẫu 01).", "success")
        return redirect(url_for("officer.task", task_id=done["reception_task"]), 303)
    flash(f"Đã nhận bổ sung hồ sơ {code}; hồ sơ tiếp tục được giải quyết"
          + (f", hẹn trả kết quả {due}." if due else "."), "success")
    return redirect(url_for("officer_dossiers.dossier_page", code=code), 303)
