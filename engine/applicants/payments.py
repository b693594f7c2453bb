"""Fees (phí, lệ phí): an officer asks for the payment, the dossier waits in status 6
(«Chờ nộp phí»; legally "Yêu cầu nghĩa vụ tài chính") with its steps held and its legal clock stopped, the
applicant pays through a payment gateway (or in cash at the desk, which gives a numbered
receipt, biên lai thu phí, lệ phí), and processing resumes where it stood, the waiting
time added back to the due time.

Gateways sit behind `PaymentGateway`: `NullPaymentGateway` (development and tests) sends
the payer to a page of ours that stands in for the bank; a real gateway (VNPay, the
national portal's payment platform) implements the same two calls.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select

from engine.applicants.fees import (
    dong,
    fee_lines,
    fee_text,
    fees_of,
    lower_first,
    method_words,
    paid_payment,
)
from engine.applicants.receipts import receipt_number as _receipt_number
from engine.applicants.refunds import keep_refund_due
from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Conflict, Forbidden, Invalid, NotFound
from engine.core.models import Agency, Dossier, Payment
from engine.core.permissions import is_officer_of, owns
from engine.core.statuses import WAITING_FOR_APPLICANT, Status
from engine.core.uow import UnitOfWork
from engine.dossiers.fee_rows import FeeDossier, PaymentRow, fee_facts, insert_payment
from engine.dossiers.held_steps import hold
from engine.dossiers.payment_request import (
    cancel_reason,
    in_flight,
    in_flight_refusal,
    nothing_to_withdraw,
    pending_payment,
    resume_after_wait,
    withdraw,
)
from engine.dossiers.ready_at_desk import tell_if_ready
from engine.dossiers.rows import record
from engine.dossiers.submit import find_visible


class PaymentGateway(Protocol):
    """A payment service: where to send the payer, and whether a callback is genuine."""

    @property
    def name(self) -> str:
        """The gateway's name, kept with each payment."""

    def checkout_url(self, payment: Payment, return_url: str) -> str:
        """The address the payer's browser goes to for paying `payment`."""

    def verify(self, reference: str, signature: str) -> bool:
        """True when the gateway really reported `reference` as paid."""


@dataclass(frozen=True)
class NullPaymentGateway:
    """Stands in for a bank in development: its checkout is a page of this application,
    and its callbacks are signed with a secret of this process."""

    secret: str
    checkout_path: str = "/thanh-toan/gia-lap"
    name: str = "null"

    def checkout_url(self, payment: Payment, return_url: str) -> str:
        return f"{self.checkout_path}/{payment.reference}"

    def sign(self, reference: str) -> str:
        """The signature the pretend bank puts on its "paid" callback."""
        return hmac.new(self.secret.encode(), reference.encode(), hashlib.sha256).hexdigest()

    def verify(self, reference: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(reference).encode(), signature.encode())


# payments.amount is a 32-bit integer on both databases (PostgreSQL refuses more than
# 2 147 483 647): an administrative fee stays far below two billion đồng.
MAX_AMOUNT = 2_000_000_000


def fee_of_code(uow: UnitOfWork, code: str) -> int:
    """`fees_of` the dossier `code` (the caller has checked who may see it)."""
    dossier = uow.session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    return fees_of(uow, dossier)


def request_payment(uow: UnitOfWork, *, actor: Actor, code: str, amount: int | None = None,
                    description: str = "") -> dict[str, Any]:
    """An officer of the agency asks the applicant to pay (default: the published fees).
    On prebuilt statements (`engine.dossiers.fee_rows`): the dossier locked, its facts, the
    payment, the dossier and its held steps written."""
    dossier = FeeDossier.lock(uow, actor, code)
    if not is_officer_of(actor, dossier.agency_id):
        raise Forbidden("Chỉ cán bộ của cơ quan giải quyết được yêu cầu nộp phí.")
    if dossier.ended_at is not None or dossier.status in WAITING_FOR_APPLICANT:
        raise Conflict("Hồ sơ đã kết thúc hoặc đang chờ người nộp (bổ sung, nộp phí).")
    facts = fee_facts(uow, dossier.id)
    if dossier.outcome == "refused" or facts.refused:
        raise Conflict(f"Hồ sơ {dossier.code} đã bị từ chối giải quyết: văn bản từ chối không "
                       "phải kết quả phải nộp phí, lệ phí; không yêu cầu nộp phí.")
    if facts.exempted:
        raise Conflict(f"Hồ sơ {dossier.code} đã được miễn phí, lệ phí: không yêu cầu nộp phí.")
    lines = fee_lines(uow, dossier)
    published = sum(line.total for line in lines)
    _not_paid_already(uow, dossier, total=facts.paid, published=published, asked=amount)
    amount = published if amount is None else amount
    if not 0 < amount <= MAX_AMOUNT:
        raise Invalid(f"Số tiền phải từ 1 đến {MAX_AMOUNT:,} đồng.".replace(",", "."))
    text = (description.strip() or fee_text(lines)
            or f"Phí, lệ phí: {dossier.procedure_name(uow)}")[:500]
    payment = PaymentRow(id=0, dossier_id=dossier.id, amount=amount, description=text,
                         reference=f"TT{secrets.token_hex(8).upper()}", state="requested",
                         gateway="", gateway_reference="", checkout_started_at=None,
                         requested_at=uow.clock.now(), paid_at=None, paid_online=False,
                         receipt_number=None, payer="")
    insert_payment(uow, payment, requested_by=actor.account_id)
    hold(uow, dossier, Status.PAYMENT)
    dossier.save(uow)
    record(uow, dossier, "payment_requested", actor=actor, note=dong(amount))
    uow.commit()
    return view(payment)


def cancel_payment_request(uow: UnitOfWork, *, actor: Actor, code: str,
                           reason: str) -> dict[str, Any]:
    """An officer of the agency withdraws the fee request the dossier waits on, with its
    `reason` (`engine.dossiers.payment_request`): the payment cancelled, the dossier resumed.
    `Forbidden` for anyone else; `Invalid` without a reason or with one too long; `Conflict`
    when no request is pending (paid, never asked) or the applicant is paying it online."""
    dossier = find_visible(uow, actor=actor, code=code, lock=True)
    if not is_officer_of(actor, dossier.agency_id):
        raise Forbidden("Chỉ cán bộ của cơ quan giải quyết được hủy yêu cầu nộp phí.")
    reason = cancel_reason(reason)
    payment = pending_payment(uow, dossier.id)
    if payment is None:
        raise nothing_to_withdraw(uow, dossier)
    if in_flight(payment, uow.clock.now()):
        raise Conflict(in_flight_refusal(dossier.code, payment))
    withdraw(uow, dossier, payment, actor=actor, note=reason)
    uow.commit()
    return {**view(payment), "dossier": dossier.code, "status": dossier.status, "reason": reason}


def _not_paid_already(uow: UnitOfWork, dossier: FeeDossier, *, total: int, published: int,
                      asked: int | None) -> None:
    """No second charge: once the published fees are paid (`total`: what the dossier paid)
    or a fee was paid and the officer asks for "the published fee" again, a new request is
    refused (409)."""
    if not total:  # a paid fee is at least 1 đồng
        return
    if asked is None or (published and total >= published):
        paid = paid_payment(uow, dossier.id)
        assert paid is not None  # `total` is what was paid
        raise Conflict(f"Hồ sơ {dossier.code} đã nộp phí, lệ phí {dong(total)} "
                       f"({lower_first(method_words(paid))}, biên lai số {paid.receipt_number}); "
                       "không yêu cầu nộp lần nữa.")


def view(payment: Payment | PaymentRow) -> dict[str, Any]:
    """A payment as plain data, with the way it was paid in words (`method`)."""
    return {"reference": payment.reference, "amount": payment.amount, "method": method_words(payment),
            "description": payment.description, "state": payment.state,
            "requested_at": local_iso(payment.requested_at), "paid_at": local_iso(payment.paid_at),
            "paid_online": payment.paid_online, "gateway": payment.gateway,
            "receipt_number": payment.receipt_number, "payer": payment.payer}


def payments_of(uow: UnitOfWork, *, actor: Actor, code: str) -> list[dict[str, Any]]:
    """A dossier's payments, for its applicant and its officers."""
    dossier = find_visible(uow, actor=actor, code=code)
    return [view(p) for p in uow.session.scalars(
        select(Payment).where(Payment.dossier_id == dossier.id).order_by(Payment.id))]


def _awaiting(uow: UnitOfWork, reference: str) -> tuple[Payment, Dossier]:
    """The payment of `reference` and its dossier, locked first (`engine.dossiers.rows`):
    two callbacks at once queue, the second seeing what the first committed."""
    dossier_id = uow.session.scalar(select(Payment.dossier_id).where(Payment.reference == reference))
    if dossier_id is None:
        raise NotFound("Không có khoản thanh toán này.")
    dossier = uow.session.get(Dossier, dossier_id, with_for_update=True)
    assert dossier is not None  # foreign key
    payment = uow.session.scalars(select(Payment).where(Payment.reference == reference)
                                  .execution_options(populate_existing=True)).one()
    return payment, dossier


def start_checkout(uow: UnitOfWork, *, actor: Actor, code: str, gateway: PaymentGateway,
                   return_url: str) -> str:
    """The applicant starts paying the dossier's requested fee: the gateway's address."""
    dossier = find_visible(uow, actor=actor, code=code)
    if not owns(actor, dossier.owner_id):
        raise Forbidden("Chỉ người nộp hồ sơ thanh toán trực tuyến được.")
    payment = uow.session.scalar(select(Payment).where(
        Payment.dossier_id == dossier.id, Payment.state == "requested"))
    if payment is None:
        raise Conflict("Hồ sơ không có khoản phí nào đang chờ thanh toán.")
    payment.gateway, payment.checkout_started_at = gateway.name, uow.clock.now()
    uow.commit()
    return gateway.checkout_url(payment, return_url)


def pending_checkout(uow: UnitOfWork, *, reference: str) -> dict[str, Any]:
    """What the pretend bank's page shows for a reference."""
    payment, dossier = _awaiting(uow, reference)
    return {**view(payment), "dossier": dossier.code}


def confirm(uow: UnitOfWork, *, gateway: PaymentGateway, reference: str, signature: str,
            gateway_reference: str = "") -> dict[str, Any]:
    """The gateway reports the payment made: the dossier resumes where it stood, the time
    it waited added back to its due time. Reporting the same payment twice changes nothing.
    Money for a withdrawn request, or for a fee paid already (in cash, or by another
    transaction), is kept as a refund due (committed) and the gateway is answered 409
    (`_kept_for_refund`)."""
    if not gateway.verify(reference, signature):
        raise Forbidden("Xác nhận thanh toán không hợp lệ.")
    payment, dossier = _awaiting(uow, reference)
    if _owed_nothing(payment, gateway_reference):
        raise _kept_for_refund(uow, dossier, payment, gateway=gateway.name,
                               transaction=gateway_reference, amount=payment.amount)
    if payment.state != "paid":
        mark_paid_online(uow, dossier, payment, gateway=gateway.name,
                         transaction=gateway_reference)
        uow.commit()
    return {**view(payment), "dossier": dossier.code}


def refused_by_gateway(uow: UnitOfWork, *, reference: str, result: str) -> dict[str, Any]:
    """The gateway reports that a payment did not go through: the payment stays asked (the
    applicant may try again), no longer in flight (an officer may withdraw the request), and
    the call is kept as received (a replay is refused). Read after the dossier's lock
    (`_awaiting`), so a racing success's paid fee is left as it is."""
    if uow.session.scalar(select(Payment.id).where(Payment.reference == reference)) is not None:
        payment, _ = _awaiting(uow, reference)
        if payment.state == "requested":
            payment.gateway = ""
    uow.commit()
    return {"reference": reference, "recorded": False, "result": result}


def confirm_settled(uow: UnitOfWork, *, gateway: str, reference: str, amount: int,
                    transaction: str) -> dict[str, Any]:
    """A real gateway's server-to-server callback (IPN), its signature and freshness checked
    by the caller: the amount must be the one asked (else nothing changes, 400); the payment
    is marked paid with an electronic receipt and the dossier resumes. The same transaction
    reported again changes nothing. Money for a withdrawn request, or for a fee paid already
    (in cash at the desk, or by another transaction: a double payment), is kept as a refund due
    with the amount reported, committed, and the gateway is answered 409 (`_kept_for_refund`)."""
    payment, dossier = _awaiting(uow, reference)
    if _owed_nothing(payment, transaction):
        raise _kept_for_refund(uow, dossier, payment, gateway=gateway, transaction=transaction,
                               amount=amount)
    if amount != payment.amount:
        raise Invalid(f"Số tiền báo về ({dong(amount)}) không khớp khoản phí, lệ phí phải nộp "
                      f"({dong(payment.amount)}); chưa ghi nhận thanh toán.")
    if payment.state == "paid":
        return {**view(payment), "dossier": dossier.code}
    if payment.state != "requested":
        raise Conflict(f"Khoản {reference} không còn chờ thanh toán.")
    mark_paid_online(uow, dossier, payment, gateway=gateway, transaction=transaction)
    uow.commit()
    return {**view(payment), "dossier": dossier.code}


def _owed_nothing(payment: Payment, transaction: str) -> bool:
    """Money reported for `payment` that no fee is owed for: the request was withdrawn, or
    the fee was paid by other means, in cash at the desk or by another transaction (the same
    one reported again is no new money; an online payment kept without its transaction's
    number cannot be told from it and stands)."""
    if payment.state == "cancelled":
        return True
    if payment.state != "paid":
        return False
    if not payment.paid_online:
        return True
    return (bool(payment.gateway_reference) and bool(transaction)
            and transaction != payment.gateway_reference)


def _kept_for_refund(uow: UnitOfWork, dossier: Dossier, payment: Payment, *, gateway: str,
                     transaction: str, amount: int) -> Conflict:
    """Keep the money as a refund due (`engine.applicants.refunds`) and commit, then the
    refusal the gateway has always been answered (409: the payment is not taken as the fee)."""
    cancelled = payment.state == "cancelled"
    reason = "cancelled" if cancelled else "double"
    keep_refund_due(uow, dossier, payment, reason=reason, gateway=gateway,
                    transaction=transaction, amount=amount)
    uow.commit()
    # For the payer's page (`webapp.payments`): why nothing was owed, and how it was paid.
    details = {"refund": reason, "paid_by": "" if cancelled else (
        "online" if payment.paid_online else "cash"), "receipt_number": payment.receipt_number}
    kept = (f"số tiền {dong(amount)} của giao dịch {transaction or '(không có mã)'} đã được ghi "
            "nhận để cơ quan hoàn trả cho người nộp.")
    if cancelled:
        return Conflict(f"Khoản {payment.reference} đã được cơ quan hủy, không còn chờ thanh "
                        f"toán; {kept}", details=details)
    paid_by = (f"được thanh toán bởi giao dịch {payment.gateway_reference}" if payment.paid_online
               else f"được nộp bằng tiền mặt (biên lai số {payment.receipt_number})")
    return Conflict(f"Khoản {payment.reference} đã {paid_by}; giao dịch "
                    f"{transaction or '(không có mã)'} cần hoàn tiền: {kept}", details=details)


def mark_paid_online(uow: UnitOfWork, dossier: Dossier, payment: Payment, *, gateway: str,
                     transaction: str) -> None:
    """Record an online payment with its electronic receipt (biên lai điện tử: the agency's
    receipt series, NĐ 123/2020 art. 30) and resume the dossier (caller's transaction)."""
    agency = uow.session.get(Agency, dossier.agency_id)
    assert agency is not None  # foreign key
    payment.state, payment.paid_at, payment.paid_online = "paid", uow.clock.now(), True
    payment.gateway, payment.gateway_reference = gateway[:30], transaction[:100]
    payment.receipt_number = _receipt_number(uow, agency.code)
    payment.payer = dossier.applicant_name[:200]
    if dossier.status == Status.PAYMENT:  # not withdrawn or stopped meanwhile
        resume_paid(uow, dossier, payment.requested_at)
    uow.session.flush()
    record(uow, dossier, "paid", actor=_PAYER,
           note=f"{dong(payment.amount)}, thanh toán {lower_first(method_words(payment))}")
    tell_if_ready(uow, dossier)


_PAYER = Actor(account_id=None, kind="system", name="Cổng thanh toán")


def resume_paid(uow: UnitOfWork, dossier: Dossier | FeeDossier, requested_at: datetime) -> None:
    """Back to the status before the request asked at `requested_at`; the waiting time does
    not count (online or in cash: `cash_desk`)."""
    resume_after_wait(uow, dossier, requested_at, kind="paid", actor=_PAYER,
                      reason="Đã nộp phí: cộng lại thời gian chờ nộp phí")
