"""What the desk's cash receipt (biên lai thu phí, lệ phí) and the stop notice (thông báo
dừng xử lý hồ sơ) print, read from the dossier's payments and events; how the receipts say
the result will be returned and the fee (or its exemption); and an amount of đồng in words,
as a receipt writes it ("Bảy mươi lăm nghìn đồng")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select

from engine.applicants import method_words
from engine.applicants.drafts import PREFILL_DEFAULTS
from engine.applicants.fees import refused
from engine.core.clock import VN_TZ
from engine.core.models import Dossier, Event, Payment
from engine.core.uow import UnitOfWork
from engine.dossiers.fee_exemption import exemption
from engine.dossiers.fees import fees_of
from engine.dossiers.postal import ADDRESS_FIELDS
from engine.dossiers.postal_choice import result_delivery
from engine.procedures.catalogue import processing_time_label

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUPS = ("", " nghìn", " triệu", " tỷ")


def _three(number: int, leading: bool) -> str:
    """One group of three digits; a group after a higher one keeps its hundreds
    ("không trăm") and its "linh"."""
    hundreds, tens, ones = number // 100, number // 10 % 10, number % 10
    words = []
    if hundreds or not leading:
        words.append(f"{DIGITS[hundreds]} trăm")
    if tens == 0 and ones and words:
        words.append("linh")
    elif tens == 1:
        words.append("mười")
    elif tens > 1:
        words.append(f"{DIGITS[tens]} mươi")
    if ones == 1 and tens > 1:
        words.append("mốt")
    elif ones == 5 and tens > 0:
        words.append("lăm")
    elif ones:
        words.append(DIGITS[ones])
    return " ".join(words)


def in_words(amount: int) -> str:
    """75000 → "Bảy mươi lăm nghìn đồng"; 1005000 → "Một triệu không trăm linh năm nghìn
    đồng" (up to the billions a fee can reach)."""
    if amount == 0:
        return "Không đồng"
    groups = []
    rest = amount
    while rest:
        groups.append(rest % 1000)
        rest //= 1000
    if len(groups) > len(GROUPS):
        raise ValueError("amount too large")
    parts = [_three(group, leading=index == len(groups) - 1) + GROUPS[index]
             for index, group in reversed(list(enumerate(groups))) if group]
    text = " ".join(parts)
    return f"{text[0].upper()}{text[1:]} đồng"


def in_digits(amount: int) -> str:
    """75000 → "75.000 đồng"."""
    return f"{amount:,} đồng".replace(",", ".")


def _day(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(VN_TZ)
    return f"ngày {local.day:02d} tháng {local.month:02d} năm {local.year}"


def receipt_context(session: Any, dossier: Dossier, name: Callable[[int | None], str]
                    ) -> dict[str, Any]:
    """The dossier's last paid fee (cash at the desk or online), as its receipt prints it,
    with the way it was paid (empty if none)."""
    payment = session.scalar(select(Payment).where(
        Payment.dossier_id == dossier.id, Payment.state == "paid",
        Payment.receipt_number.is_not(None)).order_by(Payment.id.desc()))
    if payment is None:
        return {}
    method = method_words(payment)
    online = method.startswith("Trực tuyến qua ")
    return {"receipt_number": payment.receipt_number, "receipt_amount": in_digits(payment.amount),
            "receipt_words": in_words(payment.amount), "receipt_payer": payment.payer,
            "receipt_description": payment.description, "receipt_date": _day(payment.paid_at),
            "receipt_method": method, "receipt_collector": "" if online else name(payment.collected_by_id),
            # paid at the desk: both sign; online nobody hands or takes the money, no one signs
            "receipt_payer_role": "" if online else "NGƯỜI NỘP TIỀN",
            "receipt_collector_role": "" if online else "NGƯỜI THU TIỀN",
            "receipt_online": _online_words(payment, method.removeprefix("Trực tuyến qua "))
            if online else ""}


def _online_words(payment: Payment, gateway: str) -> str:
    """«Thu qua cổng thanh toán VNPay, mã giao dịch …» and why the receipt bears no hand signature."""
    where = gateway if gateway.lower().startswith(("cổng", "nền tảng")) else f"cổng thanh toán {gateway}"
    theirs = f" (mã của cổng: {payment.gateway_reference})" if payment.gateway_reference else ""
    return (f"Thu qua {where}, mã giao dịch {payment.reference}{theirs}. Biên lai điện tử lập khi cổng "
            "thanh toán xác nhận đã nhận tiền; không có chữ ký tay của người nộp tiền và người thu tiền.")


def stop_context(session: Any, dossier: Dossier, name: Callable[[int | None], str]
                 ) -> dict[str, Any]:
    """Why and by whom the dossier's processing stopped, and the withdrawal it followed."""
    stopped = session.scalar(select(Event).where(
        Event.dossier_id == dossier.id, Event.kind == "stopped").order_by(Event.id.desc()))
    if stopped is None:
        return {}
    context = {"stop_reasons": [line.strip() for line in stopped.note.splitlines() if line.strip()],
               "stopped_at": _day(stopped.at), "stopped_by": name(stopped.actor_id),
               "withdrawal": ""}
    withdrawn = session.scalar(select(Event).where(
        Event.dossier_id == dossier.id, Event.kind == "withdrawn").order_by(Event.id.desc()))
    if withdrawn is not None:
        context["withdrawal"] = (f"Tổ chức, cá nhân đã đề nghị rút hồ sơ {_day(withdrawn.at)}"
                                 f" với lý do: {withdrawn.note}.")
    return context



def delivery_context(uow: UnitOfWork, dossier: Dossier) -> dict[str, Any]:
    """How the result will be returned and the fee, as the receipts print them:
    `result_delivery` («Nhận trực tiếp tại Bộ phận Một cửa», or «Nhận qua dịch vụ bưu chính
    công ích, đến địa chỉ: …» while a delivery order stands), `result_place` (the same as
    TT 01/2018 Mẫu 01 item 6 «Đăng ký nhận kết quả tại» reads it) and `fee_words`."""
    chosen = result_delivery(uow, dossier.code)
    if chosen["by_post"]:
        words = f"{chosen['label']}, đến địa chỉ: {chosen['address']}"
        place = f"{chosen['address']} (qua dịch vụ bưu chính công ích)"
    else:
        words, place = chosen["label"], f"Bộ phận Một cửa, {dossier.agency.name} (nhận trực tiếp)"
    return {"result_delivery": words, "result_place": place, "fee_words": _fee_words(uow, dossier)}


def _fee_words(uow: UnitOfWork, dossier: Dossier) -> str:
    """«Miễn lệ phí: <lý do>» for an exempted fee (instead of an amount), else the published
    fees and whether they are paid; blank without fees or for a refused dossier (a refusal
    is no result a fee is collected for)."""
    exempted = exemption(uow, dossier.id)
    if exempted is not None:
        return f"Miễn lệ phí: {exempted['reason']}"
    owed = fees_of(uow, dossier)
    if not owed or refused(uow, dossier):
        return ""
    paid = sum(uow.session.scalars(select(Payment.amount).where(
        Payment.dossier_id == dossier.id, Payment.state == "paid")))
    return in_digits(owed) + (" (đã nộp)" if paid >= owed else " (nộp khi Bộ phận Một cửa yêu cầu)")


def applicant_context(dossier: Dossier, manifest: dict[str, Any]) -> dict[str, Any]:
    """What Mẫu 01 writes of the applicant and the procedure beside the name: the address, phone
    and e-mail given (the desk's contact first, else the form's own fields; blank rows are
    left out) and the processing time the law sets («15 ngày làm việc»)."""
    data = dossier.data or {}

    def given(*names: str) -> str:
        found = next((data.get(n) for n in names if isinstance(data.get(n), str) and data.get(n)),
                     "")
        return " ".join(str(found).split())

    return {"applicant_address": given(*ADDRESS_FIELDS),
            "applicant_phone": dossier.contact_phone or given(PREFILL_DEFAULTS["phone"]),
            "applicant_email": dossier.contact_email or given(PREFILL_DEFAULTS["email"]),
            "processing_time": processing_time_label(manifest)}


def book_entry(session: Any, dossier: Dossier) -> dict[str, str]:
    """Where Mẫu 01's «Vào Sổ theo dõi hồ sơ» points: the agency's tracking book (Mẫu 06) of
    the month the dossier was submitted (Vietnam time), «Quyển số» MM/YYYY, and the dossier's
    row in it, «Số thứ tự» — the book lists a month's dossiers in the order they came
    (`TRACKING_ORDER`), so that month's book shows it on that row."""
    local = dossier.submitted_at.astimezone(VN_TZ)
    month = datetime(local.year, local.month, 1, tzinfo=VN_TZ)
    row = session.scalar(select(func.count()).where(
        Dossier.agency_id == dossier.agency_id, Dossier.submitted_at >= month,
        or_(Dossier.submitted_at < dossier.submitted_at,
            and_(Dossier.submitted_at == dossier.submitted_at, Dossier.id <= dossier.id))))
    return {"book": f"{local.month:02d}/{local.year}", "book_row": str(row)}


# The tracking book's order, which `book_entry` counts in: submitted first, then created first.
TRACKING_ORDER = (Dossier.submitted_at, Dossier.id)
