"""The desk's counter page (`/can-bo/tiep-nhan`) behind `webapp.officer`'s routes: the
form, the papers handed over with their scans (several images of one paper become one
PDF), the channel (at the counter or by post), the applicant's contact for notices, how
the result is returned (at the desk or by post, `_result_delivery.html` as online), the
decision; and, after it, the fee taken in cash with its receipt."""

from __future__ import annotations

import re
from typing import Any

from flask import flash, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from engine import applicants, dossiers, procedures
from engine.core import Actor, FormInvalid, ServiceError, Status
from forms import FieldError
from webapp import back_entry_form
from webapp.context import platform, uow
from webapp.formpage import allow_paper_uploads, field_errors, form_html, parse_posted, posted_files
from webapp.journey import BY_POST, DELIVERY_FIELDS, delivery_form

CHANNELS = {"desk": "Trực tiếp tại Bộ phận Một cửa", "post": "Qua dịch vụ bưu chính"}
SCAN_PREFIX = "scan-"
HELD_FIELD = "giu_ban_quet"  # the key of the scans held between tries
CASH_TYPED = "tien_mat_da_go"  # the session key of a refused cash form's typed values
# The cash forms' box: take the cash although the applicant is paying online (its refund follows).
CASH_CONFIRM = "xac_nhan_dang_thanh_toan"


def _scans(components: list[dict[str, Any]]) -> list[applicants.PaperScan]:
    """The files posted for each paper (`scan-<index>`, several allowed), by paper name."""
    found = []
    for slot, filename, content in posted_files(SCAN_PREFIX, applicants.ATTACHMENT_READ_LIMIT):
        if slot.isascii() and slot.isdigit() and len(slot) < 4 and int(slot) < len(components):
            found.append(applicants.PaperScan(str(components[int(slot)]["name"]), filename,
                                              content))
    return found


def scan_errors_of(errors: list[FieldError]) -> dict[str, str]:
    """Problems of the scans by paper index ("scan.2" → "2"), for the page to show beside
    each file input."""
    return {e.field.removeprefix("scan.").removeprefix("scan"): e.message for e in errors
            if e.field.startswith("scan")}


def _reception() -> dict[str, Any]:
    reception = {"ket_qua_kiem_tra": request.form.get("ket_qua_kiem_tra", "tiep_nhan")}
    if request.form.get("ly_do_tu_choi"):
        reception["ly_do_tu_choi"] = request.form["ly_do_tu_choi"]
    return reception


def _posted_delivery() -> tuple[dict[str, str], dossiers.ResultDelivery | None]:
    """The result's delivery as posted (to show again) and as chosen: None at the desk."""
    posted = {name: request.form.get(name, "")[:600] for name in DELIVERY_FIELDS}
    if posted["nhan_ket_qua"] != BY_POST:
        return posted, None
    return posted, dossiers.ResultDelivery(posted["dia_chi_nhan"], posted["dien_thoai_nhan"])


def desk_page(actor: Actor) -> str | Response | tuple[str, int]:
    """Choose a procedure, then enter its paper dossier; a refused form keeps what was
    typed and the scans already made (held server-side), with every problem at once."""
    province_wide = bool(request.values.get("ca_tinh"))
    with uow() as work:
        catalogue = applicants.desk_catalogue(work, actor=actor, province_wide=province_wide)
    code = request.values.get("thu_tuc") or ""
    agency = request.values.get("agency") or None
    if not code:
        return render_template("desk.html", catalogue=catalogue, detail=None,
                               procedures=_once(catalogue, "code"),
                               agencies=_once([e["agency"] for e in catalogue], "code"),
                               province_wide=province_wide)
    with uow() as work:
        detail = procedures.procedure_detail(work, code=code, agency_code=agency)
    schema, ui = detail["start_form"]["schema"], of_applicant(detail["start_form"]["ui"])
    values: dict[str, Any] = {}
    errors, scan_errors, status = [], {}, 200
    held = request.form.get(HELD_FIELD) or None
    if request.method == "POST":
        allow_paper_uploads()
        posted = parse_posted(schema)
        values = posted.data
        held, scan_problems = _hold(actor, code, agency or detail["agency"]["code"], held,
                                    detail["components"])
        if not posted.is_row_action:
            try:
                result = _receive(actor, code, agency or detail["agency"]["code"], values, held)
            except FormInvalid as exc:
                errors = field_errors(exc.details) + field_errors(scan_problems)
                scan_errors, status = scan_errors_of(errors), 422
                flash(of_applicant(exc.message), "error")
            except ServiceError as exc:
                flash(exc.message, "error")
                status = 400
            else:
                flash(_done_message(result), "success")
                return redirect(url_for("officer.desk_done", code=result["code"]), 303)
    with uow() as work:
        kept = applicants.held_papers(work, actor=actor, key=held, procedure_code=code)
    own, sections = _sections(errors)
    page = render_template("desk.html", catalogue=catalogue, detail=detail, agency=agency,
                           form=form_html(schema, ui, values, own), channels=CHANNELS,
                           handed=request.form.getlist("papers"), scan_errors=scan_errors,
                           held=held, kept=kept, outages=back_entry_form.outages(), **sections)
    return (page, status) if status != 200 else page


def _sections(errors: list[FieldError]) -> tuple[list[FieldError], dict[str, Any]]:
    """The form's own problems (said of the applicant), and the contact's and the result
    delivery's by field with the delivery's values to show (what was posted, else at the
    desk)."""
    own = [e for e in errors if not e.field.startswith(("scan", "lien_he_", "delivery."))]
    posted = _posted_delivery()[0] if request.method == "POST" else {}
    return spoken_of(own), {
        "contact_errors": {e.field: e.message for e in errors if e.field.startswith("lien_he_")},
        "delivery": delivery_form({}, posted),
        "delivery_errors": {e.field.removeprefix("delivery."): e.message for e in errors
                            if e.field.startswith("delivery.")}}


def _hold(actor: Actor, code: str, agency: str, key: str | None,
          components: list[dict[str, Any]]) -> tuple[str | None, list[dict[str, str]]]:
    """Keep this try's good scans on the officer's hold; the wrong ones' problems."""
    with uow() as work:
        kept = applicants.hold_scans(work, actor=actor, key=key, procedure_code=code,
                                     agency_code=agency, components=components,
                                     scans=_scans(components))
    return kept["key"] or key, kept["errors"]


def _receive(actor: Actor, code: str, agency: str, values: dict[str, Any],
             held: str | None) -> dict[str, Any]:
    return back_entry_form.receiver()(
        platform().uow, actor=actor, procedure_code=code, agency_code=agency, data=values,
        papers=request.form.getlist("papers"), decision=request.form.get("decision", "complete"),
        reception=_reception(), channel=request.form.get("kenh", "desk"),
        contact=applicants.DeskContact(request.form.get("lien_he_dien_thoai", ""),
                                       request.form.get("lien_he_email", "")),
        held=held, require_scans=True, delivery=_posted_delivery()[1])


def _done_message(result: dict[str, Any]) -> str:
    """What the counter's decision did, in the desk's words."""
    code = result["code"]
    if result["status"] == Status.SUPPLEMENT:
        return (f"Đã lập Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) cho hồ sơ {code}; "
                "hồ sơ chưa được tiếp nhận, đang chờ bổ sung. In phiếu trao người nộp; khi "
                "người nộp mang đủ giấy tờ đến, mở hồ sơ và chọn «Nhận bổ sung».")
    if result["status"] == Status.NOT_RECEIVED:
        return (f"Đã từ chối tiếp nhận hồ sơ {code}; in Phiếu từ chối tiếp nhận giải quyết hồ sơ "
                "(Mẫu 03) trao người nộp.")
    sent = result.get("result_delivery")
    by_post = (f" Kết quả sẽ gửi qua dịch vụ bưu chính công ích tới: {sent['address']}."
               if sent else "")
    return f"Đã tiếp nhận hồ sơ {code}.{by_post}"


def _once(entries: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Each entry once by `key`, in the order first met."""
    return list({str(e[key]): e for e in reversed(entries)}.values())[::-1]


_YOU = re.compile(r"\b([Bb])ạn\b")


def of_applicant(text: Any) -> Any:
    """A form's words to the applicant («bạn») said of them at the desk («người nộp»),
    through nested UI hints; «người nộp nộp hồ sơ» reads «người nộp hồ sơ»."""
    if isinstance(text, str):
        said = _YOU.sub(lambda m: "Người nộp" if m.group(1) == "B" else "người nộp", text)
        return said.replace("người nộp nộp ", "người nộp ").replace("Người nộp nộp ", "Người nộp ")
    if isinstance(text, dict):
        return {k: of_applicant(v) for k, v in text.items()}
    if isinstance(text, list):
        return [of_applicant(v) for v in text]
    return text


def spoken_of(errors: list[FieldError]) -> list[FieldError]:
    """The form's messages said of the applicant (`of_applicant`)."""
    return [FieldError(e.field, of_applicant(e.message)) for e in errors]


def desk_done_page(actor: Actor, code: str) -> str:
    """After the counter: the code, the status, the fee to take in cash, the documents."""
    with uow() as work:
        view = dossiers.get_dossier(work, actor=actor, code=code)
    with uow() as work:
        payments = applicants.dossier_payments(work, actor=actor, code=code)
        fee = applicants.fee_standing(work, actor=actor, code=code)
    due = next((p for p in payments if p["state"] == "requested"), None)
    receipt = next((p for p in reversed(payments) if p["receipt_number"]), None)
    paying = fee["due"] if due and fee["due"] and fee["due"]["in_flight"] else None
    return render_template("desk_done.html", dossier=view, due=due, receipt=receipt,
                           paying=paying, stopped=view["status"] == Status.STOPPED)


def take_cash(actor: Actor, code: str) -> Response:
    """The fee asked of the dossier, paid in cash at the counter: its numbered receipt."""
    record_cash(actor, code)
    return redirect(url_for("officer.desk_done", code=code), 303)


def record_cash(actor: Actor, code: str) -> None:
    """Record the posted cash payment of the dossier's fee and say how it went (a flash):
    the amount typed with or without its thousands dots, the payer's name, the box
    `CASH_CONFIRM` ticked to take it while the applicant is paying online (the page shows
    the box then: `fee_standing`'s `due.in_flight`)."""
    amount = request.form.get("amount", "").strip().replace(".", "").replace(" ", "")
    # ASCII digits only: "²" passes isdigit() but not int(), nor do 5,000 digits
    paid_amount = int(amount) if amount.isascii() and amount.isdigit() and len(amount) < 16 else 0
    try:
        with uow() as work:
            paid = applicants.record_cash_payment(
                work, actor=actor, code=code, amount=paid_amount,
                payer=request.form.get("payer", "")[:200],
                confirm_online_in_progress=request.form.get(CASH_CONFIRM) == "1")
    except ServiceError as exc:
        flash(exc.message, "error")
        session[CASH_TYPED] = {"code": code, "amount": request.form.get("amount", "")[:40],
                               "payer": request.form.get("payer", "")[:200]}
    else:
        amount_text = f"{paid['amount']:,}".replace(",", ".")
        flash(f"Đã thu {amount_text} đồng, biên lai số {paid['receipt_number']}; hồ sơ tiếp "
              "tục được giải quyết.", "success")


def take_cash_at_hand_over(actor: Actor, code: str) -> bool:
    """At the hand-over step the fee is taken in cash before the result is returned: a fee
    never asked is asked first (what the published fees still lack), then recorded as
    paid with its receipt (`record_cash`, which says how it went). True when the fee was
    asked but is still awaited (the cash was refused): the dossier's page takes it."""
    try:
        with uow() as work:
            fee = applicants.fee_standing(work, actor=actor, code=code)
            if fee["state"] == "unasked":
                owed = fee["published"] - fee["paid"]
                applicants.request_payment(work, actor=actor, code=code,
                                           amount=owed if fee["paid"] else None)
    except ServiceError as exc:
        flash(exc.message, "error")
        return False
    record_cash(actor, code)
    with uow() as work:
        return bool(applicants.fee_standing(work, actor=actor, code=code)["state"] == "requested")


def typed_cash(code: str) -> dict[str, str]:
    """What was typed in the dossier's cash form that was refused (a wrong amount), for
    the page that shows the form again to keep it; empty otherwise. Read once: the
    session's copy goes with the first page shown after the refusal."""
    if "typed_cash" not in g:
        g.typed_cash = session.pop(CASH_TYPED, None) or {}
    kept: dict[str, str] = g.typed_cash
    return kept if kept.get("code") == code else {}
