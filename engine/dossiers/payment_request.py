"""A fee request withdrawn («Hủy yêu cầu nộp phí»): an officer who asked the applicant for
the fee and then finds them exempt, or asked the wrong amount, takes the request back with
a reason. The payment row is marked «cancelled» (never deleted), the dossier leaves status 6
and its held steps open again exactly as after a payment (`resume_after_wait`: the time it
waited is added back to its due time), and the event `payment_request_cancelled` (its note
the reason) goes to the history, the audit chain, the applicant's notices and the portal.

An online payment the applicant has started at the gateway (`in_flight`: the checkout
opened and the gateway has not reported a failure) is not withdrawn under their feet: the
officer waits for the gateway's word. The fee exemption withdraws a pending request in its
own transaction (`engine.dossiers.fee_exemption`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.clock import VN_TZ, local_iso
from engine.core.errors import Conflict, Invalid
from engine.core.models import Account, Dossier, Event, Payment
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.dossiers.deadlines import compute_due, move_due
from engine.dossiers.fee_rows import FeeDossier, PaymentRow
from engine.dossiers.held_steps import release
from engine.legal_clock.calendars import calendar_for, calendar_of_province
from engine.procedures.cache import loaded_version

CANCELLED = "payment_request_cancelled"
# The gateway's checkout takes payment for this long after it opens (the `expires` the
# connectors send); its report of a payment made at the last minute may come this much later.
CHECKOUT_MINUTES = 15
LATE_REPORT = timedelta(minutes=15)
_MINUTE = timedelta(minutes=1)
REASON_LIMIT = 500
# The cash payment's confirmation that the desk takes the fee while the applicant is paying it
# online (`cash_in_flight_refusal`): the API's field.
CASH_CONFIRM_FIELD = "confirm_online_in_progress"
REASON_FIELD = (f"Nhập lý do hủy (3–{REASON_LIMIT} ký tự), ví dụ «Người nộp thuộc đối tượng "
                "được miễn lệ phí» hoặc «Yêu cầu sai số tiền, sẽ yêu cầu lại».")


def pending_payment(uow: UnitOfWork, dossier_id: int) -> Payment | None:
    """The fee request the dossier waits on (state «requested»), if any."""
    return uow.session.scalar(select(Payment).where(
        Payment.dossier_id == dossier_id, Payment.state == "requested").order_by(Payment.id))


def in_flight(payment: Payment | PaymentRow, now: datetime) -> bool:
    """The applicant has opened the gateway's checkout for this request, the gateway has not
    reported it failed (`engine.applicants.payments.refused_by_gateway` forgets the gateway)
    and the checkout may still be paid or reported (`CHECKOUT_MINUTES` and
    `LATE_REPORT` after it opened): money may be on its way. A checkout abandoned without a
    word from the gateway stops counting then."""
    return (payment.state == "requested" and bool(payment.gateway)
            and payment.checkout_started_at is not None
            and now < payment.checkout_started_at + CHECKOUT_MINUTES * _MINUTE + LATE_REPORT)


def in_flight_refusal(code: str, payment: Payment) -> str:
    """What the officer reads when the request cannot be withdrawn: paying online now, and
    until when at the latest."""
    amount = f"{payment.amount:,} đồng".replace(",", ".")  # as `fees.dong` (which imports us)
    return (f"Người nộp đang thanh toán trực tuyến khoản {amount} của hồ sơ {code} "
            f"(mã {payment.reference}) qua cổng thanh toán: chưa hủy được yêu cầu nộp phí. Chờ "
            "cổng thanh toán báo kết quả (nếu đã thu tiền, hồ sơ tự tiếp tục; nếu không thành "
            f"công, hủy lại){_until(payment)} hoặc liên hệ người nộp.")


def cash_in_flight_refusal(code: str, payment: Payment | PaymentRow) -> str:
    """What the desk reads when it would take in cash a fee the applicant is paying online:
    what is happening, and the two ways on (wait for the gateway, or take the cash knowing
    that money the gateway takes after it is refunded: `payments._kept_for_refund`)."""
    amount = f"{payment.amount:,} đồng".replace(",", ".")  # as `fees.dong` (which imports us)
    return (f"Người nộp đang thanh toán trực tuyến khoản {amount} của hồ sơ {code} "
            f"(mã {payment.reference}) qua cổng thanh toán: chưa ghi nhận thu tiền mặt, để người "
            "nộp không phải nộp hai lần. Chờ cổng thanh toán báo kết quả (nếu đã thu tiền, hồ sơ "
            f"tự tiếp tục; nếu không thành công, thu tiền mặt){_until(payment)} hoặc hỏi người "
            "nộp. Nếu người nộp vẫn nộp tiền mặt, xác nhận thu tiền mặt: khoản thanh toán trực "
            "tuyến, nếu thành công, được ghi nhận để cơ quan hoàn trả cho người nộp.")


def _until(payment: Payment | PaymentRow) -> str:
    """«, chậm nhất đến 15:40 ngày 01/12/2026,»: when the checkout stops counting."""
    if payment.checkout_started_at is None:
        return ""
    end = payment.checkout_started_at + CHECKOUT_MINUTES * _MINUTE + LATE_REPORT
    return f", chậm nhất đến {end.astimezone(VN_TZ).strftime('%H:%M ngày %d/%m/%Y')},"


def cancel_reason(reason: str) -> str:
    """The reason as kept (spaces folded); `Invalid` naming the field when missing or too long."""
    reason = " ".join(reason.split())
    if not 3 <= len(reason) <= REASON_LIMIT:
        too_long = len(reason) > REASON_LIMIT
        raise Invalid(f"Lý do hủy dài quá {REASON_LIMIT} ký tự." if too_long else
                      "Nhập lý do hủy yêu cầu nộp phí.", {"reason": REASON_FIELD})
    return reason


def withdraw(uow: UnitOfWork, dossier: Dossier, payment: Payment, *, actor: Actor,
             note: str) -> None:
    """Withdraw `payment` (pending, not in flight) of `dossier` (its row locked and read
    afresh by the caller) in the caller's transaction: cancelled, the dossier resumed where
    it stood, one `CANCELLED` event whose note is `note` (the payment's reference and amount
    in its details: `withdrawn`)."""
    assert payment.state == "requested" and not in_flight(payment, uow.clock.now())
    payment.state = "cancelled"
    if dossier.status == Status.PAYMENT:
        resume_after_wait(uow, dossier, payment.requested_at, kind=CANCELLED, actor=actor,
                          reason="Hủy yêu cầu nộp phí: cộng lại thời gian chờ nộp phí")
    uow.session.flush()
    if dossier.owner_id is None and not (dossier.contact_phone or dossier.contact_email):
        uow.without_notices(dossier.id)  # as `rows.record`: nobody to tell
    uow.add_event({
        "dossier_id": dossier.id, "kind": CANCELLED, "at": uow.clock.now(),
        "actor_id": actor.account_id, "status": dossier.status, "channel": dossier.channel,
        "due_at": dossier.due_at, "note": note,
        "details": {"reference": payment.reference, "amount": payment.amount},
    })


def withdrawn(uow: UnitOfWork, dossier_id: int) -> list[dict[str, Any]]:
    """The dossier's withdrawn fee requests, the last first: {amount, reference, reason, at,
    by} (the caller has checked who may read the dossier)."""
    rows = uow.session.execute(
        select(Event.note, Event.at, Event.details, Account.full_name)
        .outerjoin(Account, Account.id == Event.actor_id)
        .where(Event.dossier_id == dossier_id, Event.kind == CANCELLED)
        .order_by(Event.id.desc())).all()
    return [{"amount": int((row.details or {}).get("amount") or 0),
             "reference": str((row.details or {}).get("reference") or ""),
             "reason": row.note, "at": local_iso(row.at), "by": row.full_name or ""}
            for row in rows]


def resume_after_wait(uow: UnitOfWork, dossier: Dossier | FeeDossier, since: datetime, *,
                      kind: str, actor: Actor, reason: str) -> None:
    """Back to the status before the fee request (`release`: the held steps open); the
    working time waited since `since` does not count against the legal clock (a due time
    moved is kept with `kind` and `reason`, a due time left where it was leaves no line).
    An ORM `Dossier` is written by the flush, a `FeeDossier` by its caller (`save`)."""
    release(uow, dossier)
    if dossier.clock_started_at is None or dossier.due_at is None:
        return
    calendar = (calendar_for(uow, dossier.agency_id) if isinstance(dossier, Dossier) else
                calendar_of_province(uow, dossier.province_id, dossier.calendar_version or 0))
    waited = calendar.measure(since, uow.clock.now())
    dossier.paused_seconds += int(waited.total_seconds())
    if dossier.extended_at is not None:
        return
    time = loaded_version(uow, dossier.version_id).compiled.manifest["processing_time"]
    new_due = compute_due(calendar, started=dossier.clock_started_at,
                          paused=timedelta(seconds=dossier.paused_seconds), time=time)
    if new_due != dossier.due_at:
        move_due(uow, dossier, new_due, kind=kind, actor=actor, reason=reason)


def nothing_to_withdraw(uow: UnitOfWork, dossier: Dossier) -> Conflict:
    """The refusal when the dossier waits on no fee request: paid already, or never asked."""
    paid = uow.session.scalar(select(Payment.id).where(
        Payment.dossier_id == dossier.id, Payment.state == "paid").limit(1))
    if paid is not None:
        return Conflict(f"Hồ sơ {dossier.code} đã nộp phí, lệ phí: không còn yêu cầu nộp phí "
                        "nào để hủy (hoàn trả, nếu có, theo quy định về thu, nộp phí).")
    return Conflict(f"Hồ sơ {dossier.code} không có yêu cầu nộp phí nào đang chờ nộp.")
