"""The fee taken in cash at the desk («Thu phí tiền mặt»), with a numbered receipt (biên lai
thu phí, lệ phí): the dossier resumes exactly as after an online payment
(`engine.applicants.payments`).

On prebuilt statements (`engine.dossiers.fee_rows`), as the steps are: the dossier locked
by its code, the fee awaited, the facts the hand-over's readiness needs, the receipt's
number, then the payment, the dossier and its held steps written — no ORM load or flush.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.applicants.fees import CASH, dong, lower_first, method_words
from engine.applicants.payments import resume_paid, view
from engine.applicants.receipts import receipt_number
from engine.core.actors import Actor
from engine.core.errors import Conflict, Forbidden, Invalid
from engine.core.models import Payment
from engine.core.permissions import is_desk_of
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.dossiers.fee_rows import (
    FeeDossier,
    PaymentRow,
    fee_facts,
    mark_paid,
    pending_payment_row,
)
from engine.dossiers.payment_request import CASH_CONFIRM_FIELD, cash_in_flight_refusal, in_flight
from engine.dossiers.ready_at_desk import tell_if_ready_after_payment
from engine.dossiers.rows import record


def record_cash_payment(uow: UnitOfWork, *, actor: Actor, code: str, amount: int,
                        payer: str = "", confirm_online_in_progress: bool = False
                        ) -> dict[str, Any]:
    """The desk takes the fee asked of a dossier in cash and gives a numbered receipt (biên
    lai thu phí, lệ phí): the dossier resumes exactly as after an online payment. The
    amount must be the one asked; recording the same payment again is refused (409).
    While the applicant is paying it online (`in_flight`, as for withdrawing the request)
    it is refused too (409, `cash_in_flight_refusal`, details naming `CASH_CONFIRM_FIELD`)
    unless `confirm_online_in_progress`: the desk knows, and money the gateway reports
    after the cash is kept as a refund due («nộp hai lần», `payments._kept_for_refund`)."""
    dossier = FeeDossier.lock(uow, actor, code)
    if not is_desk_of(actor, dossier.agency_id):
        raise Forbidden("Chỉ Bộ phận Một cửa của cơ quan giải quyết được thu phí, lệ phí "
                        "bằng tiền mặt.")
    payment = _payment_due(uow, dossier)
    if amount != payment.amount:
        raise Invalid(f"Số tiền thu ({dong(amount)}) không khớp khoản phí, lệ phí phải nộp "
                      f"({dong(payment.amount)}).")
    now = uow.clock.now()
    paying_online = in_flight(payment, now)
    if paying_online and not confirm_online_in_progress:
        raise Conflict(cash_in_flight_refusal(dossier.code, payment),
                       details={"reference": payment.reference, "confirm": CASH_CONFIRM_FIELD})
    facts = fee_facts(uow, dossier.id)  # before the payment is written: paid `facts.paid`
    payment.state, payment.paid_at, payment.paid_online, payment.gateway = "paid", now, False, CASH
    payment.receipt_number = receipt_number(uow, dossier.agency_code)
    payment.payer = (payer.strip() or dossier.applicant_name)[:200]
    mark_paid(uow, payment, collected_by=actor.account_id)
    if dossier.status == Status.PAYMENT:
        resume_paid(uow, dossier, payment.requested_at)
    also = ("; thu khi khoản thanh toán trực tuyến đang thực hiện: nếu cổng thanh toán báo "
            "thành công, số tiền đó được hoàn trả" if paying_online else "")
    record(uow, dossier, "paid", actor=actor,
           note=f"{dong(payment.amount)} — tiền mặt, biên lai {payment.receipt_number}{also}")
    # Paid at the hand-over: the result waits at the desk.
    tell_if_ready_after_payment(uow, dossier, facts, paid=payment.amount)
    dossier.save(uow)
    uow.commit()
    return {**view(payment), "dossier": dossier.code, "status": dossier.status}


def _payment_due(uow: UnitOfWork, dossier: FeeDossier) -> PaymentRow:
    """The fee the dossier waits on; 409 when it was paid already or none is asked."""
    payment = pending_payment_row(uow, dossier.id)
    if payment is not None:
        return payment
    paid = uow.session.scalar(select(Payment).where(
        Payment.dossier_id == dossier.id, Payment.state == "paid").order_by(Payment.id.desc()))
    if paid is not None:
        how = lower_first(method_words(paid))
        raise Conflict(f"Khoản phí, lệ phí của hồ sơ {dossier.code} đã được nộp ({how}, "
                       f"biên lai số {paid.receipt_number}); "
                       "không ghi nhận lần nữa.")
    raise Conflict(f"Hồ sơ {dossier.code} không có khoản phí, lệ phí nào đang chờ nộp.")
