"""Money to pay back (hoàn trả): a gateway reports money taken for a fee request the agency
has withdrawn («Hủy yêu cầu nộp phí», `engine.dossiers.payment_request`), or for a fee already
paid by other means (in cash at the desk, or by another transaction). Nothing is owed for it,
yet the applicant has paid: the money is never lost. It is kept as a refund due
(`PaymentRefund`: amount, gateway, its transaction number, when) in the transaction that
answers the gateway, the dossier's history says it (event `refund_due`, told to the
applicant), the officers' dossier page shows it until an officer of the agency records the
refund made (how, the voucher, a note: event `refunded`), and the daily reconciliation counts
it as known (`engine.applicants.settlement`).

Money taken without a fee owed (Luật Phí và lệ phí 97/2015/QH13: only the fees published are
collected) goes back to the payer from the agency that collected it, with a record of how.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.applicants.fees import dong, gateway_words, lower_first
from engine.core.actors import Actor
from engine.core.clock import instant_words, local_iso
from engine.core.errors import Conflict, Forbidden, Invalid, NotFound
from engine.core.models import Account, Dossier, Payment, PaymentRefund
from engine.core.permissions import is_officer_of
from engine.core.uow import UnitOfWork
from engine.dossiers.rows import record
from engine.dossiers.submit import find_visible

# Why nothing is owed for the money: the request was withdrawn, or the fee was paid already
# (in cash, or by another transaction).
REASONS = {"cancelled": "yêu cầu nộp phí đã được cơ quan hủy trước khi tiền về",
           "double": "khoản phí đã được nộp trước đó, bằng tiền mặt hoặc một giao dịch khác "
                     "(nộp hai lần)"}
# How the money went back to the payer.
METHODS = {"gateway": "Hoàn qua cổng thanh toán",
           "transfer": "Chuyển khoản vào tài khoản của người nộp",
           "cash": "Trả tiền mặt tại Bộ phận Một cửa"}
NOTE_LIMIT = 1000
VOUCHER_LIMIT = 100
NOTE_FIELD = (f"Nhập ghi chú về việc hoàn trả (3–{NOTE_LIMIT} ký tự), ví dụ «Đã hoàn qua cổng "
              "thanh toán theo đề nghị ngày 02/12/2026, người nộp đã xác nhận nhận lại tiền».")
METHOD_FIELD = "Chọn cách hoàn trả: " + "; ".join(METHODS.values()) + "."

_SYSTEM = Actor(account_id=None, kind="system", name="Cổng thanh toán")


def keep_refund_due(uow: UnitOfWork, dossier: Dossier, payment: Payment, *, reason: str,
                    gateway: str, transaction: str, amount: int) -> PaymentRefund:
    """Keep money the gateway took for `payment` that nothing is owed for (`reason`: a key of
    `REASONS`), in the caller's transaction, the dossier's row locked by the caller. The same
    transaction reported again (a retried callback, the reconciliation after the callback)
    keeps the first record and writes nothing."""
    transaction = transaction[:100]
    kept = uow.session.scalar(select(PaymentRefund).where(
        PaymentRefund.payment_id == payment.id, PaymentRefund.transaction == transaction))
    if kept is not None:
        return kept
    refund = PaymentRefund(dossier_id=dossier.id, agency_id=dossier.agency_id,
                           payment_id=payment.id, reason=reason, amount=amount,
                           gateway=gateway[:30], transaction=transaction,
                           received_at=uow.clock.now())
    uow.session.add(refund)
    uow.session.flush()
    record(uow, dossier, "refund_due", actor=_SYSTEM,
           note=f"{dong(amount)}, giao dịch {transaction or 'không có mã'} qua "
                f"{gateway_words(gateway)}: {REASONS[reason]}; cần hoàn trả cho người nộp")
    uow.audit("payments.refund_due", actor_id=None, object_type="dossier",
              object_id=dossier.code, summary={"reference": payment.reference, "amount": amount,
                                               "gateway": gateway, "transaction": transaction})
    return refund


def known_refund(uow: UnitOfWork, payment: Payment, transaction: str) -> PaymentRefund | None:
    """The refund due kept for this transaction of `payment`, if any (the reconciliation)."""
    return uow.session.scalar(select(PaymentRefund).where(
        PaymentRefund.payment_id == payment.id, PaymentRefund.transaction == transaction[:100]))


def refunds_of(uow: UnitOfWork, dossier_id: int) -> list[dict[str, Any]]:
    """The dossier's refunds, the oldest first, as plain data (the caller has checked who may
    read the dossier): amount, gateway in words, transaction, received, why, and once made,
    when, by whom, how, the voucher and the note."""
    rows = uow.session.execute(
        select(PaymentRefund, Payment.reference, Account.full_name)
        .join(Payment, Payment.id == PaymentRefund.payment_id)
        .outerjoin(Account, Account.id == PaymentRefund.refunded_by_id)
        .where(PaymentRefund.dossier_id == dossier_id).order_by(PaymentRefund.id)).all()
    return [_view(refund, reference, by) for refund, reference, by in rows]


def _view(refund: PaymentRefund, reference: str, by: str | None) -> dict[str, Any]:
    return {"id": refund.id, "reference": reference, "amount": refund.amount,
            "gateway": gateway_words(refund.gateway), "transaction": refund.transaction,
            "received_at": local_iso(refund.received_at), "reason": refund.reason,
            "reason_words": REASONS.get(refund.reason, ""),
            "refunded": refund.refunded_at is not None,
            "refunded_at": local_iso(refund.refunded_at), "refunded_by": by or "",
            "method": refund.method, "method_words": METHODS.get(refund.method, ""),
            "voucher": refund.voucher, "note": refund.note}


def dossier_refunds(uow: UnitOfWork, *, actor: Actor, code: str) -> dict[str, Any]:
    """A dossier's refunds for whoever may read it, and whether this actor may record one
    made (`may_record`: an officer of the dossier's agency)."""
    dossier = find_visible(uow, actor=actor, code=code)
    return {"dossier": dossier.code, "refunds": refunds_of(uow, dossier.id),
            "may_record": is_officer_of(actor, dossier.agency_id)}


def agency_refunds_due(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """The refunds not yet made in the actor's agencies, the oldest first, with the dossier's
    code and applicant (finance and desk officers' list)."""
    agencies = sorted(actor.agencies())
    if not agencies:
        raise Forbidden("Danh sách khoản cần hoàn trả dành cho cán bộ của cơ quan.")
    rows = uow.session.execute(
        select(PaymentRefund, Payment.reference, Dossier.code, Dossier.applicant_name)
        .join(Payment, Payment.id == PaymentRefund.payment_id)
        .join(Dossier, Dossier.id == PaymentRefund.dossier_id)
        .where(PaymentRefund.agency_id.in_(agencies), PaymentRefund.refunded_at.is_(None))
        .order_by(PaymentRefund.received_at, PaymentRefund.id).limit(500)).all()
    return [{**_view(refund, reference, None), "dossier": code, "applicant": applicant}
            for refund, reference, code, applicant in rows]


def record_refund(uow: UnitOfWork, *, actor: Actor, code: str, refund_id: int, method: str,
                  voucher: str, note: str) -> dict[str, Any]:
    """An officer of the dossier's agency records the refund made: how (`method`, a key of
    `METHODS`), the voucher's number if any, and a note (required). The refund is closed,
    the history and the audit trail say it, the applicant is told. `Forbidden` for anyone
    else; `Invalid` naming the field; `Conflict` when it was recorded already (the first
    record stands)."""
    dossier = find_visible(uow, actor=actor, code=code, lock=True)
    if not is_officer_of(actor, dossier.agency_id):
        raise Forbidden("Chỉ cán bộ của cơ quan giải quyết hồ sơ được ghi nhận hoàn trả tiền.")
    refund = uow.session.get(PaymentRefund, refund_id, with_for_update=True,
                             populate_existing=True)
    if refund is None or refund.dossier_id != dossier.id:
        raise NotFound("Hồ sơ không có khoản cần hoàn trả này.")
    if refund.refunded_at is not None:
        by = uow.session.get(Account, refund.refunded_by_id) if refund.refunded_by_id else None
        raise Conflict(f"Khoản {dong(refund.amount)} (giao dịch {refund.transaction}) đã được "
                       f"ghi nhận hoàn trả lúc {_when(refund)}"
                       f"{' bởi ' + by.full_name if by else ''}; không ghi nhận lần nữa.")
    method, voucher, note = _checked(method, voucher, note)
    refund.refunded_at, refund.refunded_by_id = uow.clock.now(), actor.account_id
    refund.method, refund.voucher, refund.note = method, voucher, note
    uow.session.flush()
    how = lower_first(METHODS[method]) + (f", chứng từ số {voucher}" if voucher else "")
    record(uow, dossier, "refunded", actor=actor,
           note=f"{dong(refund.amount)} (giao dịch {refund.transaction}) — {how}. {note}")
    uow.audit("payments.refunded", actor_id=actor.account_id, object_type="dossier",
              object_id=dossier.code, summary={"refund": refund.id, "amount": refund.amount,
                                               "method": method, "voucher": voucher})
    uow.commit()
    reference = uow.session.scalar(select(Payment.reference).where(Payment.id == refund.payment_id))
    return {**_view(refund, reference or "", actor.name), "dossier": dossier.code}


def _when(refund: PaymentRefund) -> str:
    return instant_words(local_iso(refund.refunded_at) or "")


def _checked(method: str, voucher: str, note: str) -> tuple[str, str, str]:
    """The fields as kept (spaces folded); `Invalid` naming each field that is wrong."""
    voucher, note = " ".join(voucher.split()), " ".join(note.split())
    fields = {}
    if method not in METHODS:
        fields["method"] = METHOD_FIELD
    if len(voucher) > VOUCHER_LIMIT:
        fields["voucher"] = f"Số chứng từ dài quá {VOUCHER_LIMIT} ký tự."
    if not 3 <= len(note) <= NOTE_LIMIT:
        fields["note"] = (f"Ghi chú dài quá {NOTE_LIMIT} ký tự." if len(note) > NOTE_LIMIT
                          else NOTE_FIELD)
    if fields:
        first = ("Nhập ghi chú về việc hoàn trả." if "note" in fields and len(note) < 3
                 else next(iter(fields.values())))
        raise Invalid(first, fields)
    return method, voucher, note
