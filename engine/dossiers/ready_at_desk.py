"""«Kết quả đã sẵn sàng, mời ông/bà đến nhận tại Bộ phận Một cửa»: the applicant is told
once when the result waits at the desk to be collected — status 9 with its hand-over step
open, nothing owed (no fee, paid or exempted) and no postal delivery on its way (the post
brings that one: the carrier's reports tell the applicant).

The moments it can become true: the step that reaches status 9 (`tasks.complete_task`),
the fee paid at status 9 (`engine.applicants.payments`), the fee exempted
(`fee_exemption`). Each records the event `result_ready_at_desk` in its own transaction;
its notice replaces the «đã giải quyết xong, chờ trả kết quả» of the same transaction
(`engine.records.notices`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, exists, or_, select

from engine.core.actors import SYSTEM
from engine.core.models import Agency, Dossier, Event, PostalOrder
from engine.core.statuses import Status
from engine.core.uow import UnitOfWork
from engine.dossiers import fee_rows
from engine.dossiers.fees import unpaid_at_hand_over, unpaid_of_locked, unpaid_of_row
from engine.dossiers.postal_handover import hand_over_step
from engine.dossiers.rows import DossierRow, record
from engine.procedures.cache import loaded_version

READY = fee_rows.READY
_GONE = fee_rows.GONE  # a delivery order that brings nothing any more


def tell_if_ready(uow: UnitOfWork, dossier: Any, *, settled: bool = False) -> bool:
    """Record `READY` for the dossier (its row locked by the caller, `DossierRow` or
    `Dossier`) when its result now waits at the desk; `settled`: the caller has just made
    the fee nothing (an exemption not yet visible to queries). True when recorded."""
    if dossier.status != Status.DONE or dossier.outcome == "refused":
        return False
    if isinstance(dossier, DossierRow) and not settled:  # the step path: its row is locked
        owed, facts = unpaid_of_locked(uow, dossier)
        if owed or facts.told or facts.posted or not _hand_over_open(uow, dossier):
            return False  # most often at the decision: the fee is collected afterwards
        record(uow, dossier, READY, actor=SYSTEM, note=_agency_name(uow, dossier.agency_id))
        return True
    model = uow.session.get(Dossier, dossier.id)
    if model is None or (not settled and unpaid_at_hand_over(uow, model)):
        return False  # most often at the decision: the fee is collected afterwards
    if hand_over_step(uow, dossier) is None or _told_or_posted(uow, dossier.id):
        return False
    record(uow, dossier, READY, actor=SYSTEM, note=_agency_name(uow, dossier.agency_id))
    return True


def _agency_name(uow: UnitOfWork, agency_id: int) -> str:
    return uow.session.scalar(select(Agency.name).where(Agency.id == agency_id)) or ""


def _hand_over_open(uow: UnitOfWork, dossier: Any) -> bool:
    """Whether the dossier's hand-over step (its procedure's step at status 9) is open."""
    compiled = loaded_version(uow, dossier.version_id).compiled
    steps = sorted(bpmn_id for bpmn_id, info in compiled.tasks.items()
                   if info.status == Status.DONE)
    return fee_rows.hand_over_open(uow, dossier.id, steps)


def tell_if_ready_after_payment(uow: UnitOfWork, dossier: fee_rows.FeeDossier,
                                facts: fee_rows.FeeFacts, *, paid: int) -> bool:
    """`tell_if_ready` for the fee just paid (`paid` đồng) in this transaction, from what
    the caller read under the dossier's lock (`facts`, read before the payment), once its
    held steps are released; before `dossier.save` (the fee reckoned from the live process
    at the row version read with the lock)."""
    if dossier.status != Status.DONE or dossier.outcome == "refused":
        return False
    if facts.told or facts.posted or unpaid_of_row(uow, dossier, facts, paid=paid):
        return False
    if not _hand_over_open(uow, dossier):
        return False
    record(uow, dossier, READY, actor=SYSTEM, note=dossier.agency_name or "")
    return True


def _told_or_posted(uow: UnitOfWork, dossier_id: int) -> bool:
    """Told already, or a delivery order is on its way (or delivered)."""
    uow.session.flush()  # an order placed in this transaction counts
    return bool(uow.connection.execute(_TOLD_OR_POSTED, {"b_id": dossier_id}).scalar())


# Asked at each moment the result may become ready: one statement, built once.
_TOLD_OR_POSTED = select(or_(
    exists().where(Event.dossier_id == bindparam("b_id"), Event.kind == READY),
    exists().where(PostalOrder.dossier_id == bindparam("b_id"), PostalOrder.kind == "delivery",
                   PostalOrder.status.not_in(_GONE)),
))
