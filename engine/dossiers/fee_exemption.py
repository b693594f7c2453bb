"""Fee exemption («miễn phí, lệ phí»): the one-stop desk or a leader of the dossier's
agency records that the applicant does not pay the published fees, with the reason the law
gives them (e.g. «Người có công với cách mạng»). From then on nothing is owed before the
hand-over (`fees.unpaid_at_hand_over`) and the pages say «Miễn lệ phí: <lý do>».

The exemption is a dossier event (`fee_exempted`, its note the reason, its actor the
officer): in the history, the audit chain and the portal's log, without a table of its
own. Refused for anyone else (a citizen among them), for a fee already paid or awaited,
for a dossier without published fees, refused or ended, and a second time.
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
    reason; `Conflict` when nothing is left to exempt."""
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
    record(uow, row, EXEMPTED, actor=actor, note=reason)
    return row


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
    if "requested" in states:
        return (f"Hồ sơ {code} đang chờ người nộp nộp phí, lệ phí: thu tiền hoặc chờ người nộp "
                "thanh toán; yêu cầu đã gửi không hủy được tại đây.")
    return ""
