"""The rows the desk's fee transactions read and write — a fee asked
(`engine.applicants.payments.request_payment`) and a fee taken in cash
(`engine.applicants.cash_desk.record_cash_payment`) — on statements built once at import,
as the step's hot path does (`rows`, `statements`): no ORM load or flush; prepared
(`engine.core.prepared`) but for the two with an `IN` list.

`FeeDossier.lock` reads the dossier by its code holding its row lock (the one lock order
of `rows`); `fee_facts` then reads, in one statement, what the fee's rules ask of its
other rows (a refusal or an exemption recorded, the readiness already told, a delivery by
post on its way, what was paid). It runs after the lock, never inside it: on PostgreSQL a
statement that waited for the lock sees other tables as they were before the winner's
commit. `FeeDossier.save` writes the dossier's changed columns with the row version check
and keeps the cached live instance current (the process itself is left alone).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, func, select, update

from engine.core.actors import Actor
from engine.core.errors import Conflict, NotFound
from engine.core.models import (
    Agency,
    Payment,
    PostalOrder,
    Procedure,
    ProcedureVersion,
    Province,
)
from engine.core.permissions import is_officer, may_read_dossier
from engine.core.prepared import Prepared
from engine.core.uow import UnitOfWork
from engine.dossiers.instances import InstanceCache
from engine.dossiers.rows import DOSSIERS, EVENTS, TASKS

PAYMENTS = cast(Table, Payment.__table__)
REFUSED = "refused"
EXEMPTED = "fee_exempted"  # as `fee_exemption.EXEMPTED` (which imports `payment_request`)
READY = "result_ready_at_desk"  # `ready_at_desk.READY`
GONE = ("returned", "cancelled")  # a delivery order that brings nothing any more


@dataclass
class FeeDossier:
    """The dossier columns a fee transaction reads and writes (not the large JSON ones),
    with its agency's code and name and its province's calendar version."""

    id: int
    code: str
    agency_id: int
    version_id: int
    owner_id: int | None
    applicant_name: str
    channel: str
    contact_phone: str | None
    contact_email: str | None
    status: int
    status_before_supplement: int | None
    outcome: str | None
    clock_started_at: datetime | None
    paused_seconds: int
    extended_at: datetime | None
    due_at: datetime | None
    ended_at: datetime | None
    row_version: int
    agency_code: str
    agency_name: str
    province_id: int | None
    calendar_version: int | None

    @classmethod
    def lock(cls, uow: UnitOfWork, actor: Actor, code: str) -> FeeDossier:
        """The dossier `code` if the actor may read it (as `submit.find_visible`: its owner,
        the competent agency, an agency handed one of its steps), its row locked until the
        transaction ends; `NotFound` otherwise (no leaking)."""
        row = _LOCK_BY_CODE.run(uow.connection, {"b_code": code}).one_or_none()
        if row is None:
            raise NotFound("Không tìm thấy hồ sơ.")
        found = cls(**row._asdict())
        found.calendar_version = found.calendar_version or 0
        if may_read_dossier(actor, found.agency_id, found.owner_id) or (
                is_officer(actor) and uow.connection.execute(_HANDED_A_STEP, {
                    "b_id": found.id, "b_agencies": sorted(actor.agencies())}).first()):
            return found
        raise NotFound("Không tìm thấy hồ sơ.")

    def save(self, uow: UnitOfWork) -> None:
        """Write the columns a fee changes, checking the row version read with the lock; the
        live instance cached at that version stays current at the next (after the commit)."""
        seen = self.row_version
        values: dict[str, Any] = {
            "b_id": self.id, "b_seen": seen, "row_version": seen + 1, "status": self.status,
            "status_before_supplement": self.status_before_supplement,
            "paused_seconds": self.paused_seconds, "due_at": self.due_at}
        if _SAVE.run(uow.connection, values).rowcount != 1:
            raise Conflict("Hồ sơ vừa được người khác cập nhật; hãy tải lại.")
        self.row_version = seen + 1
        cache = uow.port(InstanceCache)
        uow.after_commit(lambda: cache.carry(self.id, seen, seen + 1))

    def form_data(self, uow: UnitOfWork) -> dict[str, Any]:
        """The dossier's form data (read only when a fee is reckoned per unit)."""
        return form_data(uow, self.id)

    def procedure_name(self, uow: UnitOfWork) -> str:
        """The procedure's name (a fee request's description when nothing else says it)."""
        return str(_PROCEDURE_NAME.run(uow.connection, {"b_id": self.version_id}).scalar_one())


@dataclass
class PaymentRow:
    """A payment as the fee transactions read and write it."""

    id: int
    dossier_id: int
    amount: int
    description: str
    reference: str
    state: str
    gateway: str
    gateway_reference: str
    checkout_started_at: datetime | None
    requested_at: datetime
    paid_at: datetime | None
    paid_online: bool
    receipt_number: str | None
    payer: str


@dataclass(frozen=True)
class FeeFacts:
    """What the fee's rules ask of the dossier's other rows, read after its lock."""

    refused: bool  # a `refused` event (a refusal letter is no result a fee is collected for)
    exempted: bool  # a `fee_exempted` event
    told: bool  # `READY` recorded already
    posted: bool  # a delivery by post on its way or delivered
    paid: int  # what the dossier paid, in đồng


def form_data(uow: UnitOfWork, dossier_id: int) -> dict[str, Any]:
    """A dossier's form data (read only when a fee is reckoned per unit)."""
    data = _DATA.run(uow.connection, {"b_id": dossier_id}).scalar_one()
    return cast(dict[str, Any], data or {})


def fee_facts(uow: UnitOfWork, dossier_id: int) -> FeeFacts:
    """`FeeFacts` of the dossier (its row locked by the caller), in one statement."""
    row = _FACTS.run(uow.connection, {"b_id": dossier_id}).one()
    return FeeFacts(bool(row.refused), bool(row.exempted), bool(row.told), bool(row.posted),
                    int(row.paid or 0))


def pending_payment_row(uow: UnitOfWork, dossier_id: int) -> PaymentRow | None:
    """The fee request the dossier waits on (state «requested», the first), if any."""
    row = _PENDING.run(uow.connection, {"b_id": dossier_id}).one_or_none()
    return None if row is None else PaymentRow(**row._asdict())


def insert_payment(uow: UnitOfWork, payment: PaymentRow, *, requested_by: int | None) -> None:
    """Write a new fee request (`payment.id` is not read back: nothing needs it)."""
    values = {f.name: getattr(payment, f.name) for f in fields(PaymentRow) if f.name != "id"}
    _INSERT_PAYMENT.run(uow.connection, {**values, "requested_by_id": requested_by})


def mark_paid(uow: UnitOfWork, payment: PaymentRow, *, collected_by: int | None) -> None:
    """Write `payment` as paid (it was «requested» when read under the dossier's lock)."""
    if _MARK_PAID.run(uow.connection, {
            "b_id": payment.id, "state": payment.state, "paid_at": payment.paid_at,
            "paid_online": payment.paid_online, "gateway": payment.gateway,
            "receipt_number": payment.receipt_number, "payer": payment.payer,
            "collected_by_id": collected_by}).rowcount != 1:
        raise Conflict("Khoản phí, lệ phí vừa được người khác cập nhật; hãy tải lại.")


def hand_over_open(uow: UnitOfWork, dossier_id: int, steps: list[str]) -> bool:
    """Whether one of the dossier's steps `steps` (the hand-over's) is open."""
    if not steps:
        return False
    return not set(steps).isdisjoint(_OPEN_STEPS.run(uow.connection, {"b_id": dossier_id})
                                     .scalars())


# Built once at import (building a statement costs more than running it).
_AGENCY = {"agency_code": Agency.code, "agency_name": Agency.name,
           "province_id": Agency.province_id, "calendar_version": Province.calendar_version}
_LOCK_BY_CODE = Prepared(
    select(*[_AGENCY[f.name].label(f.name) if f.name in _AGENCY else DOSSIERS.c[f.name]
             for f in fields(FeeDossier)])
    .select_from(DOSSIERS.join(Agency, Agency.id == DOSSIERS.c.agency_id)
                 .outerjoin(Province, Province.id == Agency.province_id))
    .where(DOSSIERS.c.code == bindparam("b_code"))
    .with_for_update(of=DOSSIERS)
)
_HANDED_A_STEP = select(TASKS.c.id).where(
    TASKS.c.dossier_id == bindparam("b_id"),
    TASKS.c.agency_id.in_(bindparam("b_agencies", expanding=True))).limit(1)
_SAVE = Prepared(update(DOSSIERS).where(DOSSIERS.c.id == bindparam("b_id"),
                                        DOSSIERS.c.row_version == bindparam("b_seen")))
_DATA = Prepared(select(DOSSIERS.c.data).where(DOSSIERS.c.id == bindparam("b_id")))
_PROCEDURE_NAME = Prepared(
    select(Procedure.name).join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
    .where(ProcedureVersion.id == bindparam("b_id")))


def _event(kind: str) -> Any:
    return exists().where(EVENTS.c.dossier_id == bindparam("b_id"), EVENTS.c.kind == kind)


_FACTS = Prepared(select(
    _event(REFUSED).label("refused"), _event(EXEMPTED).label("exempted"),
    _event(READY).label("told"),
    exists().where(PostalOrder.dossier_id == bindparam("b_id"), PostalOrder.kind == "delivery",
                   *[PostalOrder.status != gone for gone in GONE]).label("posted"),  # no IN
    select(func.coalesce(func.sum(PAYMENTS.c.amount), 0))
    .where(PAYMENTS.c.dossier_id == bindparam("b_id"), PAYMENTS.c.state == "paid")
    .scalar_subquery().label("paid"),
))
_PENDING = Prepared(
    select(*[PAYMENTS.c[f.name] for f in fields(PaymentRow)])
    .where(PAYMENTS.c.dossier_id == bindparam("b_id"), PAYMENTS.c.state == "requested")
    .order_by(PAYMENTS.c.id).limit(1))
_INSERT_PAYMENT = Prepared(PAYMENTS.insert())
_MARK_PAID = Prepared(update(PAYMENTS).where(PAYMENTS.c.id == bindparam("b_id"),
                                             PAYMENTS.c.state == "requested"))
_OPEN_STEPS = Prepared(select(TASKS.c.bpmn_id).where(  # a dossier has few open steps
    TASKS.c.dossier_id == bindparam("b_id"), TASKS.c.state == "open"))
