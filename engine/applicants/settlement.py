"""The daily reconciliation of online payments against the payment gateway's settlement
file (đối soát): what the gateway says it collected on a day, transaction by transaction,
set beside the payments recorded here.

Tuyên Quang art. 26, Đồng Tháp art. 28: fees collected online are reconciled every day. A
payment the gateway settled whose callback never arrived (still «requested» here) is
recorded from the settlement, with its electronic receipt, so no citizen's payment is lost;
every other difference is listed for the finance officer: paid here but not settled, settled
but unknown or paid through another transaction here, and amounts that differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from engine.applicants.payments import _awaiting, mark_paid_online
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
    low = datetime.combine(day, time(0), VN_TZ)
    high = low + timedelta(days=1)
    ours = {
        p.reference: p
        for p in uow.session.scalars(
            select(Payment).where(
                Payment.gateway == gateway,
                Payment.state == "paid",
                Payment.paid_online.is_(True),
                Payment.paid_at >= low,
                Payment.paid_at < high,
            )
        )
    }
    matched, recovered, differences = 0, [], []
    for row in rows:
        payment = ours.pop(row.reference, None)
        if payment is not None:
            if payment.amount != row.amount:
                differences.append(_item(row, payment, "Số tiền khác nhau"))
            elif payment.gateway_reference and payment.gateway_reference != row.transaction:
                differences.append(_item(row, payment, "Mã giao dịch khác nhau"))
            else:
                matched += 1
            continue
        found = uow.session.scalar(select(Payment).where(Payment.reference == row.reference))
        if found is None:
            differences.append(_item(row, None, "Cổng thanh toán có, hệ thống không có khoản này"))
        elif found.state == "requested" and found.amount == row.amount:
            _, dossier = _awaiting(uow, row.reference)
            mark_paid_online(uow, dossier, found, gateway=gateway, transaction=row.transaction)
            recovered.append(_item(row, found, "Ghi nhận từ đối soát (chưa nhận được xác nhận)"))
        elif found.state == "paid" and found.gateway_reference == row.transaction:
            matched += 1  # recorded on another day (a payment made just before midnight)
        else:
            differences.append(_item(row, found, "Trạng thái hoặc số tiền không khớp"))
    differences += [
        {
            "reference": p.reference,
            "transaction": p.gateway_reference,
            "amount": None,
            "recorded_amount": p.amount,
            "recorded_state": p.state,
            "problem": "Hệ thống ghi đã thu, cổng thanh toán không có",
            "paid_at": local_iso(p.paid_at),
        }
        for p in ours.values()
    ]
    report = {
        "day": day.isoformat(),
        "gateway": gateway,
        "settled": len(rows),
        "settled_total": sum(r.amount for r in rows),
        "matched": matched,
        "recovered": recovered,
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
            "differences": len(differences),
        },
    )
    uow.commit()
    return report
