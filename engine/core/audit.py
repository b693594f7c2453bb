"""The tamper-evident audit trail, and the access log of personal data.

Every change of a dossier (its recorded events) and every administrative act is in the
trail: actor, action, object, time, a summary. The unit of work writes it at commit, in
the same transaction as the change: one entry per dossier a transaction changed, whose
summary holds the SHA-256 of that transaction's events of the dossier (each event names
its entry in `events.audit_id`), and one entry per other act. Each entry holds the hash
of the previous one: editing or deleting an entry — or an event it covers — breaks the
chain there, which `verify` finds. Writers take turns on the single `audit_head` row (a
row lock on PostgreSQL; SQLite has one writer at a time), so the chain never forks; the
holder of that lock numbers the entries (the head's last id + 1, …).

Reads of personal data (`PERSONAL_DATA_READS`, NĐ 13/2023) are not in the chain: they go
to the append-only `access_log` (the database refuses updates and deletes there), so a
read never waits for the chain's lock nor writes to it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from itertools import groupby
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update

from engine.core.models import AccessEntry, AuditEntry, AuditHead, Event
from engine.core.prepared import Prepared

GENESIS = "0" * 64
AUDIT = cast(Table, AuditEntry.__table__)
HEAD = cast(Table, AuditHead.__table__)
ACCESS = cast(Table, AccessEntry.__table__)
EVENTS = cast(Table, Event.__table__)
# Actions that only read personal data: logged in the access log, outside the chain.
PERSONAL_DATA_READS = frozenset(
    {"dossier.read", "dossier.track", "dossier.attachment_read", "dossier.document"})
# What of an event its entry's hash covers (every column but its id and its entry's id).
EVENT_FIELDS = ("dossier_id", "kind", "at", "actor_id", "status", "channel", "task_id", "step",
                "step_due_at", "due_at", "note", "details")

# Run at every commit that changes something: prepared (`engine.core.prepared`).
_LOCK_HEAD = Prepared(
    select(HEAD.c.last_id, HEAD.c.last_hash).where(HEAD.c.id == 1).with_for_update())
_INSERT = Prepared(insert(AUDIT))
_INSERT_EVENTS = Prepared(insert(EVENTS))
_INSERT_ACCESS = insert(ACCESS)
_MOVE_HEAD = Prepared(update(HEAD).where(HEAD.c.id == 1).values(
    last_id=bindparam("b_id"), last_hash=bindparam("b_hash")))
_COVERED = (select(*[EVENTS.c[name] for name in ("audit_id", *EVENT_FIELDS)])
            .where(EVENTS.c.audit_id.between(bindparam("b_first"), bindparam("b_last")))
            .order_by(EVENTS.c.audit_id, EVENTS.c.id))


def _instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """The hash of one entry: its fields in a canonical form, chained to the previous hash."""
    canonical = _canonical(
        {"at": _instant(entry["at"]), "actor_id": entry["actor_id"],
         "action": entry["action"], "object_type": entry["object_type"],
         "object_id": entry["object_id"], "summary": entry["summary"]})
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def events_hash(events: Sequence[Mapping[str, Any]]) -> str:
    """The SHA-256 of events in a canonical form (in the order they were written)."""
    rows = []
    for event in events:
        row = [event.get(name) for name in EVENT_FIELDS]
        row[2], row[8], row[9] = _instant(row[2]), _instant(row[8]), _instant(row[9])
        row[4] = None if row[4] is None else int(row[4])  # a Status member is its code
        rows.append(row)
    return hashlib.sha256(_canonical(rows).encode()).hexdigest()


def entry(
    *, at: datetime, actor_id: int | None, action: str, object_type: str, object_id: str,
    summary: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One entry to queue with `UnitOfWork.audit`."""
    plain = json.loads(json.dumps(summary or {}, ensure_ascii=False, default=str))
    return {"at": at, "actor_id": actor_id, "action": action, "object_type": object_type,
            "object_id": object_id, "summary": plain}


def _covering(at: datetime, events: list[dict[str, Any]]) -> dict[str, Any]:
    """The entry covering one dossier's events of a transaction: named after the first
    (what the transaction did: submitted, task_completed, refused …), listing them all."""
    first, last = events[0], events[-1]
    steps = [e["step"] for e in events if e.get("step")]
    summary: dict[str, Any] = {
        "events": [e["kind"] for e in events], "status": last.get("status"),
        "events_sha256": events_hash(events)}
    if steps:
        summary["step"] = steps[0]
    return entry(at=at, actor_id=first.get("actor_id"), action=f"dossier.{first['kind']}",
                 object_type="dossier", object_id=str(first["dossier_id"]), summary=summary)


def append(
    connection: Connection, entries: list[dict[str, Any]], events: list[dict[str, Any]],
    at: datetime,
) -> None:
    """Write a transaction's events and audit entries at the end of the chain (called by
    `UnitOfWork.commit`): an entry per dossier covering its events, then the other entries."""
    if not entries and not events:
        return
    head = _LOCK_HEAD.run(connection).one()
    last_id, last_hash = int(head.last_id), str(head.last_hash)
    rows = []
    by_dossier: dict[Any, list[dict[str, Any]]] = {}
    for event in events:
        by_dossier.setdefault(event["dossier_id"], []).append(event)
    for covered in by_dossier.values():
        last_id += 1
        for event in covered:
            event["audit_id"] = last_id
        rows.append({"id": last_id, **_covering(at, covered)})
    for queued in entries:
        last_id += 1
        rows.append({"id": last_id, **queued})
    for row in rows:
        row["prev_hash"] = last_hash
        row["hash"] = last_hash = entry_hash(last_hash, row)
    if events:  # one INSERT for all: each row with every column any of them sets
        columns = set().union(*events)
        _INSERT_EVENTS.run(connection, events if all(len(e) == len(columns) for e in events)
                           else [{c: e.get(c) for c in columns} for e in events])
    _INSERT.run(connection, rows)
    _MOVE_HEAD.run(connection, {"b_id": last_id, "b_hash": last_hash})


def log_access(connection: Connection, entries: list[dict[str, Any]]) -> None:
    """Append reads of personal data to the access log (no chain, no lock)."""
    if entries:
        connection.execute(_INSERT_ACCESS, entries)


def verify(connection: Connection, batch: int = 5000) -> tuple[int, int | None]:
    """Walk the chain: (entries checked, id of the first broken entry or None).

    An entry is broken when its stored hash is not the hash of its content chained to the
    previous entry's hash, when the events it covers no longer hash to what it holds (one
    was edited, deleted or added), or when the head does not point at the last entry.
    """
    previous = GENESIS
    checked = 0
    last_id = 0
    for row, covered in _rows(connection, batch):
        content = {"at": row.at, "actor_id": row.actor_id, "action": row.action,
                   "object_type": row.object_type, "object_id": row.object_id,
                   "summary": row.summary}
        if row.prev_hash != previous or row.hash != entry_hash(previous, content):
            return checked, int(row.id)
        expected = row.summary.get("events_sha256") if isinstance(row.summary, dict) else None
        if (expected or covered) and expected != events_hash(covered):
            return checked, int(row.id)
        previous, last_id = row.hash, int(row.id)
        checked += 1
    head = connection.execute(select(HEAD.c.last_id, HEAD.c.last_hash)).one()
    if (int(head.last_id), head.last_hash) != (last_id, previous):
        return checked, int(head.last_id) or last_id
    return checked, None


def _rows(connection: Connection, batch: int) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    """Entries in id order, each with the events it covers."""
    after = 0
    while True:
        rows = connection.execute(
            select(AUDIT).where(AUDIT.c.id > after).order_by(AUDIT.c.id).limit(batch)).all()
        if not rows:
            return
        events = connection.execute(
            _COVERED, {"b_first": int(rows[0].id), "b_last": int(rows[-1].id)}).all()
        covered = {audit_id: [e._asdict() for e in group]
                   for audit_id, group in groupby(events, key=lambda e: e.audit_id)}
        for row in rows:
            yield row, covered.get(row.id, [])
        after = int(rows[-1].id)
