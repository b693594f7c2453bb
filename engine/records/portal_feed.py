"""The national public service portal's feed (Cổng Dịch vụ công quốc gia): every status change
and every entry of the processing log, written to the connectors' outbox in the transaction
that made them (a commit hook wired by `engine.wiring`, seeing every event, also of a paper
dossier nobody is told about).

Two messages, their shapes documented in `integrations/README.md`:
- ``dossier-sync``: the dossier's national status (1–10) with its received, due, original
  due and ended times as they stand after the commit, once per status the commit went
  through (also when only its times changed);
- ``progress-update``: one entry of the processing log (what happened, its words
  `audit_search.EVENT_LABELS` as `label`, when, the step, the
  status after it; a supplement request's due time before it and the due time after it
  was answered; an extension's new due time, the dossier-sync keeping the original one).
The officers' bookkeeping and money to pay back (`NOT_LOGGED`) are neither.
Messages of one dossier carry its code as their ordering key: they arrive in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from engine.core.clock import local_iso
from engine.core.models import (
    Agency,
    Dossier,
    Event,
    OutboxMessage,
    Procedure,
    ProcedureVersion,
    Province,
)
from engine.core.prepared import Prepared
from engine.core.statuses import STATUS_LEGAL_LABELS
from engine.core.uow import UnitOfWork
from engine.records.audit_search import EVENT_LABELS
from engine.records.connector_outbox import enqueue_messages, message_row

CONNECTOR = "portal"
# Events that change what the portal shows of the dossier (status, times): a dossier-sync.
SYNC_KINDS = frozenset(
    {
        "submitted",
        "received",
        "status_changed",
        "refused",
        "returned",
        "stopped",
        "withdrawn",
        "supplement_requested",
        "supplemented",
        "payment_requested",
        "payment_request_cancelled",
        "paid",
        "extended",
        "finished",
        "sent_back",
    }
)
# The officers' own bookkeeping, not the processing log the portal publishes. (The postal
# carrier's final reports, `postal_*`, are entries of that log: the applicant follows the
# result's delivery there too; they change no status, so they are no dossier-sync.) Money to
# pay back (`refund_due`, `refunded`: `engine.applicants.refunds`) is the agency's account
# with the payer, no step of the procedure: it changes no status, no time, and the applicant
# is told on their own page and by notice; the portal gets neither message for it.
NOT_LOGGED = frozenset(
    {
        "task_claimed",
        "task_released",
        "task_assigned",
        "timer_failed",
        "timer_fired",
        "due_soon",
        "overdue",
        "refund_due",
        "refunded",
    }
)

_FACTS = (
    select(
        Dossier.id,
        Dossier.code,
        Dossier.external_code,
        Dossier.status,
        Dossier.channel,
        Dossier.submitted_at,
        Dossier.received_at,
        Dossier.due_at,
        Dossier.original_due_at,
        Dossier.extended_at,
        Dossier.ended_at,
        Dossier.returned_at,
        Dossier.applicant_name,
        Agency.code.label("agency_code"),
        Procedure.code.label("procedure_code"),
        Province.name.label("province"),
    )
    .join(Agency, Agency.id == Dossier.agency_id)
    .join(ProcedureVersion, ProcedureVersion.id == Dossier.version_id)
    .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
    .outerjoin(Province, Province.id == Agency.province_id)
)
_FACTS_OF = _FACTS.where(Dossier.id.in_(bindparam("b_ids", expanding=True)))  # built once
_FACTS_OF_ONE = Prepared(_FACTS.where(Dossier.id == bindparam("b_id")))  # most commits: one
_ASKED = (
    select(Event.dossier_id, Event.at, Event.due_at)
    .where(Event.kind == "supplement_requested")
    .order_by(Event.id.desc())
)


def write(connection: Connection, events: Sequence[dict[str, Any]], now: datetime) -> None:
    """Write the portal's messages for `events` (same transaction as the events)."""
    logged = [e for e in events if e["kind"] not in NOT_LOGGED]
    if not logged:
        return
    ids = sorted({e["dossier_id"] for e in logged})
    facts = {row.id: row for row in _facts(connection, ids)}
    rows: list[dict[str, Any]] = []
    for dossier_id in ids:
        dossier = facts.get(dossier_id)
        if dossier is None:
            continue
        mine = [e for e in logged if e["dossier_id"] == dossier_id]
        common = {
            "connector": CONNECTOR,
            "now": now,
            "province": dossier.province or "",
            "dossier_id": dossier_id,
            "ordering_key": dossier.code,
        }
        for event in mine:
            if event["kind"] == "status_changed":
                continue  # the status change itself is the dossier-sync below
            entry = _entry(connection, event, dossier_id)
            rows.append(
                message_row(
                    kind="progress-update",
                    payload={
                        "message": "progress-update",
                        "code": dossier.code,
                        "external_code": dossier.external_code,
                        "entry": entry,
                    },
                    **common,
                )
            )
        # One dossier-sync per status the commit went through (a reception moves 1 → 2 → 4
        # at once: the portal must see 2), each with the dossier's times after the commit.
        synced: int | None = None
        for event in mine:
            if event["kind"] in SYNC_KINDS and int(event["status"]) != synced:
                synced = int(event["status"])
                rows.append(
                    message_row(
                        kind="dossier-sync",
                        payload={"message": "dossier-sync", "dossier": _snapshot(dossier, synced)},
                        **common,
                    )
                )
    enqueue_messages(connection, rows)


def _facts(connection: Connection, ids: list[int]) -> Iterable[Any]:
    if len(ids) == 1:
        return _FACTS_OF_ONE.run(connection, {"b_id": ids[0]})
    return connection.execute(_FACTS_OF, {"b_ids": ids})


def _snapshot(dossier: Any, status: int) -> dict[str, Any]:
    return {
        "code": dossier.code,
        "external_code": dossier.external_code,
        "procedure_code": dossier.procedure_code,
        "agency_code": dossier.agency_code,
        "channel": dossier.channel,
        "status": status,
        "status_label": STATUS_LEGAL_LABELS.get(status, ""),
        "applicant_name": dossier.applicant_name,
        "submitted_at": local_iso(dossier.submitted_at),
        "received_at": local_iso(dossier.received_at),
        "due_at": local_iso(dossier.due_at),
        "original_due_at": local_iso(dossier.original_due_at),
        "extended_at": local_iso(dossier.extended_at),
        "ended_at": local_iso(dossier.ended_at),
        "returned_at": local_iso(dossier.returned_at),
    }


def _entry(connection: Connection, event: dict[str, Any], dossier_id: int) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "kind": event["kind"],
        "label": EVENT_LABELS.get(event["kind"], ""),
        "at": local_iso(event["at"]),
        "status": int(event["status"]),
        "status_label": STATUS_LEGAL_LABELS.get(int(event["status"]), ""),
        "step": event.get("step"),
        "step_due_at": local_iso(event.get("step_due_at")),
        "due_at": local_iso(event.get("due_at")),
        "note": event.get("note") or "",
    }
    details = event.get("details") or {}
    if event["kind"] == "supplement_requested":
        entry["supplement"] = {
            "requested_at": entry["at"],
            "due_before": entry["due_at"],
            "missing": details.get("missing", []),
        }
    elif event["kind"] == "payment_request_cancelled":
        entry["payment"] = {"reference": details.get("reference"), "amount": details.get("amount")}
    elif event["kind"] == "supplemented":
        asked = connection.execute(_ASKED.where(Event.dossier_id == dossier_id).limit(1)).first()
        entry["supplement"] = {
            "requested_at": local_iso(asked.at) if asked else None,
            "due_before": local_iso(asked.due_at) if asked else None,
            "answered_at": entry["at"],
            "due_after": entry["due_at"],
        }
    return entry


def dossier_with_external_code(uow: UnitOfWork, external_code: str) -> str | None:
    """Our code of the dossier taken from the portal under `external_code`, if any."""
    return uow.connection.execute(
        select(Dossier.code).where(Dossier.external_code == external_code)
    ).scalar_one_or_none()


def link_external_code(uow: UnitOfWork, *, dossier_id: int, external_code: str) -> None:
    """Keep the portal's code on a dossier taken from it, in the creating transaction (its
    first dossier-sync already carries it; the unique index refuses a second dossier)."""
    uow.connection.execute(
        update(Dossier).where(Dossier.id == dossier_id).values(external_code=external_code)
    )


def expected_on_portal(uow: UnitOfWork, codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """What the portal should hold of these dossiers: their status and times, as we send them."""
    wanted = sorted(set(codes))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        for row in uow.connection.execute(_FACTS.where(Dossier.code.in_(wanted[start : start + 500]))):
            found[row.code] = _snapshot(row, int(row.status))
    return found


def changed_between(uow: UnitOfWork, start: datetime, end: datetime) -> list[str]:
    """Codes of the dossiers whose history has an entry the portal is told of in [start, end)."""
    rows = uow.connection.execute(
        select(Dossier.code)
        .join(Event, Event.dossier_id == Dossier.id)
        .where(Event.at >= start, Event.at < end, Event.kind.not_in(sorted(NOT_LOGGED)))
        .distinct()
    )
    return sorted(row.code for row in rows)


def waiting_codes(uow: UnitOfWork) -> set[str]:
    """Dossiers with portal messages not yet delivered (a difference they may explain)."""
    rows = uow.connection.execute(
        select(OutboxMessage.ordering_key)
        .where(OutboxMessage.connector == CONNECTOR, OutboxMessage.delivered_at.is_(None))
        .distinct()
    )
    return {row.ordering_key for row in rows}
