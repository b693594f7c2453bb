"""What a dossier owes and how it paid, in words: each published fee of the procedure as
this dossier's data decides it (a decision table's amount, a fee per unit multiplied by a
field of the form: «8.000 đồng × 2 bản = 16.000 đồng», reckoned by `engine.dossiers.fees`),
where the fee stands (not asked, awaited, paid) and the way a payment was made («Tiền
mặt», «Trực tuyến qua …»)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.clock import local_iso
from engine.core.models import Dossier, Event, Payment
from engine.core.permissions import is_desk_of, is_officer_of, leads
from engine.core.uow import UnitOfWork
from engine.dossiers.fee_exemption import exempt_fee as _exempt
from engine.dossiers.fee_exemption import exemption
from engine.dossiers.fee_rows import PaymentRow
from engine.dossiers.fees import FeeLine
from engine.dossiers.fees import dong as dong
from engine.dossiers.fees import fee_lines as fee_lines
from engine.dossiers.fees import fees_of as fees_of
from engine.dossiers.payment_request import in_flight, withdrawn
from engine.dossiers.ready_at_desk import tell_if_ready
from engine.dossiers.submit import find_visible

CASH = "tien_mat"  # the "gateway" of a payment taken at the desk
# Gateways' stored names (`Payment.gateway`) in the words a payer knows them by; another
# name (a real gateway's configured `gateway_name`) is shown as it was configured.
GATEWAY_WORDS = {
    "null": "cổng thanh toán thử nghiệm của hệ thống",
    "cong-thanh-toan": "cổng thanh toán trực tuyến",
    "payment-platform": "Nền tảng thanh toán của Cổng Dịch vụ công quốc gia",
    "paygov": "Nền tảng thanh toán của Cổng Dịch vụ công quốc gia",
    "vnpay": "VNPay",
}


def gateway_words(name: str | None) -> str:
    """A gateway's stored name as the payer reads it."""
    return GATEWAY_WORDS.get(name or "", name or "cổng thanh toán trực tuyến")


def lower_first(text: str) -> str:
    """«Trực tuyến qua VNPay» → «trực tuyến qua VNPay» (inside a sentence)."""
    return text[:1].lower() + text[1:]


def method_words(payment: Payment | PaymentRow) -> str:
    """How a paid fee was paid: «Tiền mặt» or «Trực tuyến qua <gateway>» (empty if unpaid)."""
    if payment.state != "paid":
        return ""
    if payment.gateway == CASH or not payment.paid_online:
        return "Tiền mặt"
    return f"Trực tuyến qua {gateway_words(payment.gateway)}"


def fee_text(lines: list[FeeLine]) -> str:
    """The fees in one line, each with its reckoning: what a payment asks by default."""
    return "; ".join(f"{line.name}: {line.text}" if line.name else line.text for line in lines)


def paid_payment(uow: Any, dossier_id: int) -> Payment | None:
    """The last fee the dossier paid, if any."""
    return uow.session.scalar(select(Payment).where(  # type: ignore[no-any-return]
        Payment.dossier_id == dossier_id, Payment.state == "paid").order_by(Payment.id.desc()))


def refused(uow: Any, dossier: Dossier) -> bool:
    """Whether the dossier's refusal is recorded (a `refused` event, or its refused end)."""
    return dossier.outcome == "refused" or uow.session.scalar(
        select(Event.id).where(Event.dossier_id == dossier.id, Event.kind == "refused")
        .limit(1)) is not None


def fee_standing(uow: Any, *, actor: Actor, code: str) -> dict[str, Any]:
    """Where the dossier's fee stands, for its officers' pages: the published fees with
    their reckoning, what was asked and paid, and one word: "none" (no fee), "unasked",
    "requested", "paid" (what was paid covers the published fees), "exempted" (`exemption`:
    reason, by, at) or "refused" (the dossier's refusal is recorded and nothing is owed: a
    refusal letter is no result a fee is collected for); `due` is the payment awaited
    (`in_flight`: the applicant is paying it online), `may_take_cash` whether this officer's
    desk may take it in cash, `may_cancel` whether this officer may withdraw it,
    `may_exempt` whether this officer may record an exemption now (a request awaited is
    withdrawn with it); `cancelled`: the requests withdrawn, the last first."""
    dossier = find_visible(uow, actor=actor, code=code)
    lines = fee_lines(uow, dossier)
    payments = list(uow.session.scalars(
        select(Payment).where(Payment.dossier_id == dossier.id).order_by(Payment.id)))
    published = sum(line.total for line in lines)
    paid = sum(p.amount for p in payments if p.state == "paid")
    exempted = exemption(uow, dossier.id)
    if exempted is not None:
        state = "exempted"
    elif any(p.state == "requested" for p in payments):
        state = "requested"
    elif paid and paid >= published:
        state = "paid"
    elif published and refused(uow, dossier):
        state = "refused"
    elif published:
        state = "unasked"
    else:
        state = "none"
    due = next((p for p in payments if p.state == "requested"), None)
    paying = due is not None and in_flight(due, uow.clock.now())
    return {"state": state, "published": published, "paid": paid,
            "due": None if due is None else {"amount": due.amount, "description": due.description,
                                             "reference": due.reference, "in_flight": paying,
                                             "requested_at": local_iso(due.requested_at)},
            "may_take_cash": is_desk_of(actor, dossier.agency_id),
            "may_cancel": due is not None and not paying and is_officer_of(actor, dossier.agency_id),
            "refused": state == "refused", "exemption": exempted,
            "cancelled": withdrawn(uow, dossier.id),
            "may_exempt": (state == "unasked" or (state == "requested" and not paying)) and (
                is_desk_of(actor, dossier.agency_id) or leads(actor, dossier.agency_id)),
            "lines": [{"name": line.name, "text": line.text, "total": line.total}
                      for line in lines],
            "text": fee_text(lines)}


def exempt_fee(uow: UnitOfWork, *, actor: Actor, code: str, reason: str) -> dict[str, Any]:
    """The desk or a leader records that the dossier `code` is exempted from its published
    fees, with `reason` (`engine.dossiers.fee_exemption`): {reason, by, at}."""
    dossier = find_visible(uow, actor=actor, code=code)
    row = _exempt(uow, actor=actor, dossier=dossier, reason=reason, owed=fees_of(uow, dossier))
    tell_if_ready(uow, row, settled=True)  # a result waiting only for its fee: come and take it
    uow.commit()
    found = exemption(uow, dossier.id)
    assert found is not None  # just recorded
    return found


def withdrawn_requests_of(uow: UnitOfWork, code: str) -> list[dict[str, Any]]:
    """The fee requests withdrawn from the dossier `code`, the last first ({amount,
    reference, reason, at, by}); the caller has checked who may read the dossier."""
    dossier_id = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
    return [] if dossier_id is None else withdrawn(uow, dossier_id)


def exemption_of(uow: UnitOfWork, code: str) -> dict[str, Any] | None:
    """The fee exemption of the dossier `code` ({reason, by, at}, or None); the caller has
    checked who may read the dossier (the receipt, the citizen's page)."""
    dossier_id = uow.session.scalar(select(Dossier.id).where(Dossier.code == code))
    return None if dossier_id is None else exemption(uow, dossier_id)
