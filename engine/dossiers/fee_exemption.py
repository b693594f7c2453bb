"""Fee exemption («miễn phí, lệ phí»): the one-stop desk or a leader of the dossier's
agency records that the applicant does not pay the published fees, with the reason the law
gives them (e.g. «Người có công với cách mạng»). From then on nothing is owed before the
hand-over (`fees.unpaid_at_hand_over`) and the pages say «Miễn lệ phí: <lý do>».

The exemption is a dossier event (`fee_exempted`, its note the reason, its actor the
officer): in the history, the audit chain and the portal's log, without a table of its
own. A fee request still awaited is withdrawn in the same transaction (`payment_request`:
one history line for the withdrawal, one for the exemption) unless the applicant is paying
it online at that moment. Refused for anyone else (a citizen among them), for a fee already
paid, for a dossier without published fees, refused or ended, and a second time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.errors import Conflict, Forbidden, Invalid
from engine.core.models import Account, Dossier, Event, Payment
from engine.core.permissions import is_desk_of, leads
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.dossiers.payment_request import in_flight, in_flight_refusal, pending_payment, withdraw
from engine.dossiers.rows import DossierRow, record

EXEMPTED = "fee_exempted"
REASON_LIMIT = 300
ENDED = (Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED)


def exemption(uow: UnitOfWork, dossier_id: int) -> dict[str, Any] | None:
    """The dossier's fee exemption: {reason, by, at}, or None."""
    found = uow.session.execute(
        select(Event.note, Event.at, Account.full_name).outerjoin(Account, Account.id == Event.actor_id)
        .where(Event.dossier_id == dossier_id, Event.kind == EXEMPTED)
        .order_by(Event.id.desc()).limit(1)).first()
    if found is None:
        return None
    return {"reason": found.note, "at": local_iso(found.at), "by": found.full_name or ""}


def exempt_fee(uow: UnitOfWork, *, actor: Actor, dossier: Dossier, reason: str,
               owed: int) -> DossierRow:
    """Record the exemption of `dossier` (found visible by the caller; `owed`: its
    published fees) with `reason` in the caller's transaction; the dossier's row, locked.
    `Forbidden` unless the actor is its agency's desk or leader; `Invalid` without a
    reason; `Conflict` when nothing is left to exempt or the applicant is paying online."""
    if not (is_desk_of(actor, dossier.agency_id) or leads(actor, dossier.agency_id)):
        raise Forbidden("Chỉ Bộ phận Một cửa hoặc lãnh đạo cơ quan giải quyết được ghi miễn phí, lệ phí.")
    reason = " ".join(reason.split())
    if not 3 <= len(reason) <= REASON_LIMIT:
        raise Invalid("Nhập lý do miễn phí, lệ phí (đối tượng được miễn và căn cứ).",
                      {"reason": f"Nhập lý do miễn (3–{REASON_LIMIT} ký tự), ví dụ «Người có công "
                                 "với cách mạng»."})
    row = DossierRow.lock(uow, dossier.id)
    assert row is not None  # found visible by the caller; dossiers are never deleted
    refusal = _refusal(uow, dossier, row, owed)
    if refusal:
        raise Conflict(refusal)
    _withdraw_pending(uow, actor, dossier, row, reason)
    record(uow, row, EXEMPTED, actor=actor, note=reason)
    return row


def _withdraw_pending(uow: UnitOfWork, actor: Actor, dossier: Dossier, row: DossierRow,
                      reason: str) -> None:
    """The fee request the locked dossier waits on, if any, withdrawn: the exemption makes
    it void (`Conflict` while the applicant pays it online); `row` follows the resumed status."""
    payment = pending_payment(uow, row.id)
    if payment is None:
        return
    if in_flight(payment, uow.clock.now()):
        raise Conflict(in_flight_refusal(row.code, payment))
    uow.session.refresh(dossier)  # read under the row lock: its status and times as they are
    withdraw(uow, dossier, payment, actor=actor, note=f"Được miễn phí, lệ phí: {reason}")
    row.status, row.due_at = dossier.status, dossier.due_at


def _refusal(uow: UnitOfWork, dossier: Dossier, row: DossierRow, owed: int) -> str:
    """Why the fee of the locked dossier cannot be exempted now ("" when it can)."""
    code = row.code
    if row.status in ENDED or row.outcome == "refused":
        return f"Hồ sơ {code} đã kết thúc hoặc bị từ chối: không có phí, lệ phí để miễn."
    if uow.session.scalar(select(Event.id).where(Event.dossier_id == row.id,
                                                 Event.kind == "refused").limit(1)) is not None:
        return f"Hồ sơ {code} bị từ chối giải quyết: không thu phí, lệ phí nên không cần miễn."
    if not owed:
        return f"Thủ tục của hồ sơ {code} không thu phí, lệ phí."
    if exemption(uow, row.id) is not None:
        return f"Hồ sơ {code} đã được miễn phí, lệ phí."
    states = set(uow.session.scalars(select(Payment.state).where(Payment.dossier_id == row.id)))
    if "paid" in states:
        return (f"Hồ sơ {code} đã nộp phí, lệ phí: không miễn được khoản đã thu (hoàn trả, nếu "
                "có, theo quy định về thu, nộp phí).")
    return ""
