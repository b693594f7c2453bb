"""The desk's counter page (`/can-bo/tiep-nhan`) behind `webapp.officer`'s routes: the
form, the papers handed over with their scans (several images of one paper become one
PDF), the channel (at the counter or by post), the applicant's contact for notices, the
decision; and, after it, the fee taken in cash with its receipt."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import applicants, dossiers, procedures
from engine.core import Actor, FormInvalid, ServiceError, Status
from webapp import back_entry_form
from webapp.context import platform, uow
from webapp.formpage import allow_paper_uploads, field_errors, form_html, parse_posted, posted_files

CHANNELS = {"desk": "Trực tiếp tại Bộ phận Một cửa", "post": "Qua dịch vụ bưu chính"}
SCAN_PREFIX = "scan-"


def _scans(components: list[dict[str, Any]]) -> list[applicants.PaperScan]:
    """The files posted for each paper (`scan-<index>`, several allowed), by paper name."""
    found = []
    for slot, filename, content in posted_files(SCAN_PREFIX, applicants.ATTACHMENT_READ_LIMIT):
        if slot.isascii() and slot.isdigit() and len(slot) < 4 and int(slot) < len(components):
            found.append(applicants.PaperScan(str(components[int(slot)]["name"]), filename,
                                              content))
    return found


def _scan_errors(details: object) -> dict[str, str]:
    """Problems of the scans by paper index ("scan.2" → "2"), for the page to show beside
    each file input."""
    return {e.field.removeprefix("scan."): e.message for e in field_errors(details)
            if e.field.startswith("scan")}


def _reception() -> dict[str, Any]:
    reception = {"ket_qua_kiem_tra": request.form.get("ket_qua_kiem_tra", "tiep_nhan")}
    if request.form.get("ly_do_tu_choi"):
        reception["ly_do_tu_choi"] = request.form["ly_do_tu_choi"]
    return reception


def desk_page(actor: Actor) -> str | Response | tuple[str, int]:
    """Choose a procedure, then enter its paper dossier; a refusal keeps what was typed."""
    with uow() as work:
        catalogue = procedures.procedure_catalogue(work)
    code = request.values.get("thu_tuc") or ""
    agency = request.values.get("agency") or None
    if not code:
        return render_template("desk.html", catalogue=catalogue, detail=None)
    with uow() as work:
        detail = procedures.procedure_detail(work, code=code, agency_code=agency)
    schema, ui = detail["start_form"]["schema"], detail["start_form"]["ui"]
    values: dict[str, Any] = {}
    errors, scan_errors, status = [], {}, 200
    if request.method == "POST":
        allow_paper_uploads()
        posted = parse_posted(schema)
        values = posted.data
        if not posted.is_row_action:
            try:
                result = back_entry_form.receiver()(
                    platform().uow, actor=actor, procedure_code=code,
                    agency_code=agency or detail["agency"]["code"], data=values,
                    papers=request.form.getlist("papers"),
                    decision=request.form.get("decision", "complete"), reception=_reception(),
                    channel=request.form.get("kenh", "desk"), scans=_scans(detail["components"]),
                    contact=applicants.DeskContact(request.form.get("lien_he_dien_thoai", ""),
                                                   request.form.get("lien_he_email", "")))
            except FormInvalid as exc:
                errors, scan_errors, status = field_errors(exc.details), _scan_errors(exc.details), 422
                flash(exc.message, "error")
            except ServiceError as exc:
                flash(exc.message, "error")
                status = 400
            else:
                flash(f"Đã nhận hồ sơ {result['code']}.", "success")
                return redirect(url_for("officer.desk_done", code=result["code"]), 303)
    page = render_template("desk.html", catalogue=catalogue, detail=detail, agency=agency,
                           form=form_html(schema, ui, values, errors), channels=CHANNELS,
                           handed=request.form.getlist("papers"), scan_errors=scan_errors,
                           outages=back_entry_form.outages(),
                           contact_errors={e.field: e.message for e in errors
                                           if e.field.startswith("lien_he_")})
    return (page, status) if status != 200 else page


def desk_done_page(actor: Actor, code: str) -> str:
    """After the counter: the code, the status, the fee to take in cash, the documents."""
    with uow() as work:
        view = dossiers.get_dossier(work, actor=actor, code=code)
    with uow() as work:
        payments = applicants.dossier_payments(work, actor=actor, code=code)
    due = next((p for p in payments if p["state"] == "requested"), None)
    receipt = next((p for p in reversed(payments) if p["receipt_number"]), None)
    return render_template("desk_done.html", dossier=view, due=due, receipt=receipt,
                           stopped=view["status"] == Status.STOPPED)


def take_cash(actor: Actor, code: str) -> Response:
    """The fee asked of the dossier, paid in cash at the counter: its numbered receipt."""
    amount = request.form.get("amount", "").strip().replace(".", "").replace(" ", "")
    # ASCII digits only: "²" passes isdigit() but not int(), nor do 5,000 digits
    paid_amount = int(amount) if amount.isascii() and amount.isdigit() and len(amount) < 16 else 0
    try:
        with uow() as work:
            paid = applicants.record_cash_payment(
                work, actor=actor, code=code, amount=paid_amount,
                payer=request.form.get("payer", "")[:200])
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        amount_text = f"{paid['amount']:,}".replace(",", ".")
        flash(f"Đã thu {amount_text} đồng, biên lai số {paid['receipt_number']}; hồ sơ tiếp "
              "tục được giải quyết.", "success")
    return redirect(url_for("officer.desk_done", code=code), 303)
