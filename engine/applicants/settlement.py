"""The daily reconciliation of online payments against the payment gateway's settlement
file (đối soát): what the gateway says it collected on a day, transaction by transaction,
set beside the payments recorded here.

Tuyên Quang art. 26, Đồng Tháp art. 28: fees collected online are reconciled every day. A
payment the gateway settled whose callback never arrived (still «requested» here) is
recorded from the settlement, with its electronic receipt, so no citizen's payment is lost;
money for a fee request withdrawn, or for a fee paid already (in cash, or by another
transaction), is a refund due (kept from the callback, or now when the callback was lost)
and listed as such, not as a difference; every other difference is listed for the finance
officer: paid here but not settled, settled but unknown, and amounts or states that differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from engine.applicants.payments import _awaiting, _owed_nothing, mark_paid_online
from engine.applicants.refunds import keep_refund_due, known_refund
from engine.core.clock import VN_TZ, local_iso
from engine.core.models import Payment
from engine.core.uow import UnitOfWork

__all__ = ["SettlementRow", "reconcile_settlement"]


@dataclass(frozen=True)
class SettlementRow:
    """One transaction of the gateway's settlement file."""

    reference: str  # our payment reference
    transaction: str  # the gateway's transaction number
    amount: int
    paid_at: datetime | None


def _item(row: SettlementRow, payment: Payment | None, problem: str) -> dict[str, Any]:
    return {
        "reference": row.reference,
        "transaction": row.transaction,
        "amount": row.amount,
        "recorded_amount": payment.amount if payment else None,
        "recorded_state": payment.state if payment else None,
        "problem": problem,
    }


def reconcile_settlement(
    uow: UnitOfWork, *, gateway: str, day: date, rows: Sequence[SettlementRow]
) -> dict[str, Any]:
    """Reconcile `day` (Vietnam time) for `gateway`: counts and totals on both sides, the
    payments recorded from the settlement (callback lost), and every difference. Commits
    (the recorded payments and an audit entry with the figures)."""
    ours = _paid_on(uow, gateway, day)
    matched, recovered, refunds, differences = 0, [], [], []
    for row in rows:
        outcome = _refund(uow, gateway, row)
        if outcome is None:
            payment = ours.pop(row.reference, None)
            outcome = _known(row, payment) if payment is not None else _unknown(uow, gateway, row)
        if outcome is None:
            matched += 1
        elif outcome["problem"] == RECOVERED:
            recovered.append(outcome)
        elif outcome["problem"] == REFUND_DUE:
            refunds.append(outcome)
        else:
            differences.append(outcome)
    differences += [_unsettled(p) for p in ours.values()]
    report = {
        "day": day.isoformat(),
        "gateway": gateway,
        "settled": len(rows),
        "settled_total": sum(r.amount for r in rows),
        "matched": matched,
        "recovered": recovered,
        "refunds": refunds,
        "differences": differences,
    }
    uow.audit(
        "payments.reconcile",
        actor_id=None,
        object_type="gateway",
        object_id=gateway,
        summary={
            "day": report["day"],
            "settled": len(rows),
            "matched": matched,
            "recovered": len(recovered),
            "refunds": len(refunds),
            "differences": len(differences),
        },
    )
    uow.commit()
    return report


RECOVERED = "Ghi nhận từ đối soát (chưa nhận được xác nhận)"
REFUND_DUE = "Tiền về sau khi hủy yêu cầu hoặc nộp hai lần: đã ghi nhận cần hoàn trả"


def _refund(uow: UnitOfWork, gateway: str, row: SettlementRow) -> dict[str, Any] | None:
    """A settled transaction that is money to pay back (`engine.applicants.refunds`): known
    when its refund due was kept from the callback; kept now, as the callback would have, when
    the callback was lost and it paid a request the agency had withdrawn or a fee paid already
    (in cash at the desk, or by another transaction: a double payment). None for every other
    transaction."""
    payment = uow.session.scalar(select(Payment).where(Payment.reference == row.reference))
    if payment is None:
        return None
    if known_refund(uow, payment, row.transaction) is None:
        if not _owed_nothing(payment, row.transaction):
            return None
        _, dossier = _awaiting(uow, row.reference)  # the payment read again under the lock
        if not _owed_nothing(payment, row.transaction):
            return None
        keep_refund_due(uow, dossier, payment,
                        reason="cancelled" if payment.state == "cancelled" else "double",
                        gateway=gateway, transaction=row.transaction, amount=row.amount)
    return _item(row, payment, REFUND_DUE)


def _paid_on(uow: UnitOfWork, gateway: str, day: date) -> dict[str, Payment]:
    """The payments recorded as paid through `gateway` on `day`, by reference."""
    low = datetime.combine(day, time(0), VN_TZ)
    found = uow.session.scalars(
        select(Payment).where(
            Payment.gateway == gateway,
            Payment.state == "paid",
            Payment.paid_online.is_(True),
            Payment.paid_at >= low,
            Payment.paid_at < low + timedelta(days=1),
        )
    )
    return {p.reference: p for p in found}


def _known(row: SettlementRow, payment: Payment) -> dict[str, Any] | None:
    """A settled transaction recorded here the same day (its own transaction: another one is
    a refund due, `_refund`): None when it matches."""
    if payment.amount != row.amount:
        return _item(row, payment, "Số tiền khác nhau")
    return None


def _unknown(uow: UnitOfWork, gateway: str, row: SettlementRow) -> dict[str, Any] | None:
    """A settled transaction not recorded here that day: recorded now if its payment still
    waits with that amount (the callback was lost); None when recorded on another day."""
    found = uow.session.scalar(select(Payment).where(Payment.reference == row.reference))
    if found is None:
        return _item(row, None, "Cổng thanh toán có, hệ thống không có khoản này")
    if found.state == "requested" and found.amount == row.amount:
        _, dossier = _awaiting(uow, row.reference)  # the payment read again under the lock
        if found.state == "requested":  # not paid by a callback meanwhile
            mark_paid_online(uow, dossier, found, gateway=gateway, transaction=row.transaction)
            return _item(row, found, RECOVERED)
    if found.state == "paid" and found.gateway_reference == row.transaction:
        return None  # a payment made just before midnight, recorded the other day
    return _item(row, found, "Trạng thái hoặc số tiền không khớp")


def _unsettled(payment: Payment) -> dict[str, Any]:
    return {
        "reference": payment.reference,
        "transaction": payment.gateway_reference,
        "amount": None,
        "recorded_amount": payment.amount,
        "recorded_state": payment.state,
        "problem": "Hệ thống ghi đã thu, cổng thanh toán không có",
        "paid_at": local_iso(payment.paid_at),
    }
