"""The tamper-evident audit trail.

Every state change of a dossier (each recorded event) and every access to personal data
or administration is an entry: actor, action, object, time, a summary. Entries are
written by the unit of work at commit, in the same transaction as the change, and each
holds the hash of the previous one: editing or deleting an entry breaks the chain from
there on, which `verify` finds. Writers take turns on the single `audit_head` row (a row
lock on PostgreSQL; SQLite has one writer at a time), so the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update

from engine.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64
AUDIT = cast(Table, AuditEntry.__table__)
HEAD = cast(Table, AuditHead.__table__)
_LOCK_HEAD = select(HEAD.c.last_id, HEAD.c.last_hash).where(HEAD.c.id == 1).with_for_update()
_INSERT = insert(AUDIT).returning(AUDIT.c.id, sort_by_parameter_order=True)
_MOVE_HEAD = update(HEAD).where(HEAD.c.id == 1).values(
    last_id=bindparam("b_id"), last_hash=bindparam("b_hash"))


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    """The hash of one entry: its fields in a canonical form, chained to the previous hash."""
    canonical = json.dumps(
        {"at": entry["at"].astimezone(UTC).isoformat(), "actor_id": entry["actor_id"],
         "action": entry["action"], "object_type": entry["object_type"],
         "object_id": entry["object_id"], "summary": entry["summary"]},
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def append(connection: Connection, entries: list[dict[str, Any]]) -> None:
    """Write queued entries at the end of the chain (called by `UnitOfWork.commit`)."""
    if not entries:
        return
    head = connection.execute(_LOCK_HEAD).one()
    last_hash = str(head.last_hash)
    rows = []
    for entry in entries:
        digest = entry_hash(last_hash, entry)
        rows.append({**entry, "prev_hash": last_hash, "hash": digest})
        last_hash = digest
    ids = connection.execute(_INSERT, rows).scalars().all()  # one batched insert, ids in order
    connection.execute(_MOVE_HEAD, {"b_id": ids[-1], "b_hash": last_hash})


def entry(
    *, at: datetime, actor_id: int | None, action: str, object_type: str, object_id: str,
    summary: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One entry to queue with `UnitOfWork.audit`."""
    plain = json.loads(json.dumps(summary or {}, ensure_ascii=False, default=str))
    return {"at": at, "actor_id": actor_id, "action": action, "object_type": object_type,
            "object_id": object_id, "summary": plain}


def verify(connection: Connection, batch: int = 5000) -> tuple[int, int | None]:
    """Walk the chain: (entries checked, id of the first broken entry or None).

    An entry is broken when its stored hash is not the hash of its content chained to the
    previous entry's hash, or when the head does not point at the last entry.
    """
    previous = GENESIS
    checked = 0
    last_id = 0
    for row in _rows(connection, batch):
        content = {"at": row.at, "actor_id": row.actor_id, "action": row.action,
                   "object_type": row.object_type, "object_id": row.object_id,
                   "summary": row.summary}
        if row.prev_hash != previous or row.hash != entry_hash(previous, content):
            return checked, int(row.id)
        previous, last_id = row.hash, int(row.id)
        checked += 1
    head = connection.execute(select(HEAD.c.last_id, HEAD.c.last_hash)).one()
    if (int(head.last_id), head.last_hash) != (last_id, previous):
        return checked, int(head.last_id) or last_id
    return checked, None


def _rows(connection: Connection, batch: int) -> Iterator[Any]:
    after = 0
    while True:
        rows = connection.execute(
            select(AUDIT).where(AUDIT.c.id > after).order_by(AUDIT.c.id).limit(batch)).all()
        if not rows:
            return
        yield from rows
        after = int(rows[-1].id)
