"""The transactional outbox of connectors' messages to outside systems (issue 19).

The same outbox as the notifications' (`outbox.py`), with what a receiver needs: an event id
it sees as the idempotency key, one message at a time per ordering key (a dossier's messages
arrive in the order they happened), exponential back-off with jitter, and a dead letter after
`MESSAGE_MAX_ATTEMPTS` failures, shown to administrators, who may send it again. Also the
inbound calls already seen, so a replayed call is refused.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Table,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError

from engine.core import json_text
from engine.core.actors import Actor
from engine.core.errors import Forbidden
from engine.core.ids import uuid7
from engine.core.models import InboundCall, OutboxMessage
from engine.core.permissions import is_admin_account
from engine.core.prepared import Prepared
from engine.core.uow import UnitOfWork
from engine.records.outbox import LEASE

log = logging.getLogger("motcua.connectors")

MESSAGES = cast(Table, OutboxMessage.__table__)
PER_KEY = 20  # messages of one dossier sent in one round, in order, after its earliest
MESSAGE_MAX_ATTEMPTS = 16  # 2 s doubling to a 15-minute cap: at most 1 h 47 min of trying
FIRST_DELAY = timedelta(seconds=2)  # most refusals are passing: try again soon
LONGEST_DELAY = timedelta(minutes=15)
_INSERT_MESSAGE = Prepared(insert(MESSAGES))  # at most commits: prepared


@dataclass(frozen=True)
class OutboundMessage:
    """One message as a connector sends it: `payload` is the exact JSON text to send."""

    id: int
    event_id: str
    connector: str
    kind: str
    province: str
    ordering_key: str
    payload: str
    attempts: int
    created_at: datetime


class DeliveryError(Exception):
    """Raised by a sender when the outside system did not take the message (retried)."""


Send = Callable[[OutboundMessage], None]


def new_event_id() -> str:
    """A fresh idempotency key, time-ordered (the outbox's unique index grows at its end)."""
    return uuid7()


def message_row(
    *,
    connector: str,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
    province: str = "",
    dossier_id: int | None = None,
    ordering_key: str = "",
    event_id: str | None = None,
) -> dict[str, Any]:
    """The outbox row of one message (insert it with `enqueue_messages`)."""
    return {
        "event_id": event_id or new_event_id(),
        "connector": connector,
        "kind": kind,
        "province": province,
        "dossier_id": dossier_id,
        "ordering_key": ordering_key,
        "payload": json_text.dumps_sorted(payload),
        "created_at": now,
        "next_attempt_at": now,
        "attempts": 0,
        "last_error": "",
        "delivered_at": None,
        "dead_at": None,
    }


def enqueue_messages(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Write messages to the outbox in the caller's transaction (one insert)."""
    if rows:
        _INSERT_MESSAGE.run(connection, list(rows))


_EARLIER = MESSAGES.alias("earlier")
_COLUMNS = (
    MESSAGES.c.id,
    MESSAGES.c.event_id,
    MESSAGES.c.connector,
    MESSAGES.c.kind,
    MESSAGES.c.province,
    MESSAGES.c.ordering_key,
    MESSAGES.c.payload,
    MESSAGES.c.attempts,
    MESSAGES.c.created_at,
)
_PENDING_MESSAGES = (
    select(*_COLUMNS)
    .where(
        MESSAGES.c.delivered_at.is_(None),
        MESSAGES.c.dead_at.is_(None),
        MESSAGES.c.next_attempt_at <= bindparam("b_now"),
        or_(
            MESSAGES.c.ordering_key == "",
            ~exists().where(
                _EARLIER.c.connector == MESSAGES.c.connector,
                _EARLIER.c.ordering_key == MESSAGES.c.ordering_key,
                _EARLIER.c.id < MESSAGES.c.id,
                _EARLIER.c.delivered_at.is_(None),
                _EARLIER.c.dead_at.is_(None),
            ),
        ),
    )
    .order_by(MESSAGES.c.next_attempt_at, MESSAGES.c.id)
    .limit(bindparam("b_limit"))
    .with_for_update(skip_locked=True)
)


def backoff(attempts: int, rng: random.Random) -> timedelta:
    """The wait after the `attempts`-th failure: 5 s doubling to 15 min, each wait drawn
    between half and all of it (jitter: retries of one outage do not arrive together)."""
    full: timedelta = min(FIRST_DELAY * 2 ** max(attempts - 1, 0), LONGEST_DELAY)
    return full / 2 + full / 2 * rng.random()


def deliver_messages(
    new_uow: Callable[[], UnitOfWork],
    send: Send,
    *,
    limit: int = 100,
    workers: int = 8,
    per_key: int = PER_KEY,
    max_attempts: int = MESSAGE_MAX_ATTEMPTS,
    rng: random.Random | None = None,
) -> dict[str, int]:
    """Send what is due to the connectors; returns counts of sent, failed, dead.

    Claimed first for a lease in one short transaction: the earliest undelivered message of
    up to `limit` ordering keys, locked (`SKIP LOCKED` on PostgreSQL: two workers never claim
    the same key), with up to `per_key` messages due after it. Sent outside any transaction on
    up to `workers` threads, each key's messages in order on one thread, stopping at the
    key's first failure (the rest are given back untried); then marked in one transaction.
    So a dossier's messages arrive in the order they were written. A worker that dies
    mid-send leaves its messages to the next claim once the lease ends; the receiver then sees
    the same idempotency key again and keeps the first copy. A delivered message is never
    claimed again.
    """
    rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
    with new_uow() as uow:
        now = uow.clock.now()
        rows = list(uow.connection.execute(_PENDING_MESSAGES, {"b_now": now, "b_limit": limit}).all())
        rows += _following(uow, rows, now, per_key)
        if rows:
            uow.connection.execute(
                update(MESSAGES)
                .where(MESSAGES.c.id.in_([r.id for r in rows]))
                .values(attempts=MESSAGES.c.attempts + 1, next_attempt_at=now + LEASE)
            )
        uow.commit()
    if not rows:
        return {"sent": 0, "failed": 0, "dead": 0}
    groups: dict[tuple[str, str], list[OutboundMessage]] = {}
    for row in sorted(rows, key=lambda r: r.id):
        message = OutboundMessage(**{**row._asdict(), "attempts": row.attempts + 1})
        key = (message.connector, message.ordering_key or f"#{message.id}")
        groups.setdefault(key, []).append(message)
    outcomes = _send_all(send, list(groups.values()), workers)
    return _mark(new_uow, outcomes, max_attempts=max_attempts, rng=rng)


def _following(uow: UnitOfWork, heads: list[Any], now: datetime, per_key: int) -> list[Any]:
    """The messages due after each claimed key's earliest one (its lock keeps other workers
    off the key: for them, that earliest message is undelivered and blocks the rest)."""
    first = {(h.connector, h.ordering_key): h.id for h in heads if h.ordering_key}
    if not first or per_key <= 0:
        return []
    rows = uow.connection.execute(
        select(*_COLUMNS)
        .where(
            tuple_(MESSAGES.c.connector, MESSAGES.c.ordering_key).in_(sorted(first)),
            MESSAGES.c.delivered_at.is_(None),
            MESSAGES.c.dead_at.is_(None),
            MESSAGES.c.next_attempt_at <= now,
        )
        .order_by(MESSAGES.c.id)
    ).all()
    taken: dict[tuple[str, str], int] = {}
    following = []
    for row in rows:
        key = (row.connector, row.ordering_key)
        if row.id > first[key] and taken.get(key, 0) < per_key:
            taken[key] = taken.get(key, 0) + 1
            following.append(row)
    return following


def _send_all(
    send: Send, groups: list[list[OutboundMessage]], workers: int
) -> list[tuple[OutboundMessage, str | bool | None]]:
    """Each message with its error, None when it was taken, or False when it was not tried
    (an earlier message of its key failed)."""

    def one(group: list[OutboundMessage]) -> list[tuple[OutboundMessage, str | bool | None]]:
        done: list[tuple[OutboundMessage, str | bool | None]] = []
        for message in group:
            if done and done[-1][1] is not None:  # its key's earlier message failed
                done.append((message, False))
                continue
            try:
                send(message)
            except Exception as exc:  # any failure of a connector is retried, never lost
                log.warning(
                    "outbox message %s (%s %s) failed: %s",
                    message.event_id,
                    message.connector,
                    message.kind,
                    exc,
                )
                words = getattr(exc, "words", "") or "Bộ kết nối gặp lỗi không lường trước khi gửi"  # line 1
                detail = getattr(exc, "detail", "") or f"{type(exc).__name__}: {exc}"  # then the detail
                done.append((message, f"{str(words).strip()}\n{detail}"[:500]))
            else:
                done.append((message, None))
        return done

    if workers <= 1 or len(groups) == 1:
        return [pair for group in groups for pair in one(group)]
    with ThreadPoolExecutor(max_workers=min(workers, len(groups))) as pool:
        return [pair for done in pool.map(one, groups) for pair in done]


def _mark(
    new_uow: Callable[[], UnitOfWork],
    outcomes: list[tuple[OutboundMessage, str | bool | None]],
    *,
    max_attempts: int,
    rng: random.Random,
) -> dict[str, int]:
    sent = [m.id for m, error in outcomes if error is None]
    untried = [m.id for m, error in outcomes if error is False]
    failed = [(m, error) for m, error in outcomes if isinstance(error, str)]
    dead = 0
    with new_uow() as uow:
        now = uow.clock.now()
        if sent:
            uow.connection.execute(
                update(MESSAGES).where(MESSAGES.c.id.in_(sent)).values(delivered_at=now, last_error="")
            )
        if untried:  # given back as they were: the failed message before them holds them
            uow.connection.execute(
                update(MESSAGES)
                .where(MESSAGES.c.id.in_(untried))
                .values(attempts=MESSAGES.c.attempts - 1, next_attempt_at=now)
            )
        for message, error in failed:
            gives_up = message.attempts >= max_attempts
            dead += gives_up
            uow.connection.execute(
                update(MESSAGES)
                .where(MESSAGES.c.id == message.id)
                .values(
                    last_error=error,
                    dead_at=now if gives_up else None,
                    next_attempt_at=now + backoff(message.attempts, rng),
                )
            )
        uow.commit()
    return {"sent": len(sent), "failed": len(failed), "dead": dead}


def _administrator(actor: Actor) -> None:
    if not is_admin_account(actor):
        raise Forbidden("Chỉ quản trị hệ thống được xem và gửi lại thông điệp kết nối.")


def dead_letters(uow: UnitOfWork, *, actor: Actor, limit: int = 200) -> list[dict[str, Any]]:
    """Messages given up on, newest first, with their dossier's code (administrators)."""
    _administrator(actor)
    rows = uow.connection.execute(
        select(
            MESSAGES.c.id,
            MESSAGES.c.event_id,
            MESSAGES.c.connector,
            MESSAGES.c.kind,
            MESSAGES.c.province,
            MESSAGES.c.ordering_key,
            MESSAGES.c.attempts,
            MESSAGES.c.last_error,
            MESSAGES.c.created_at,
            MESSAGES.c.dead_at,
        )
        .where(MESSAGES.c.dead_at.is_not(None), MESSAGES.c.delivered_at.is_(None))
        .order_by(MESSAGES.c.dead_at.desc(), MESSAGES.c.id.desc())
        .limit(limit)
    ).all()
    return [row._asdict() for row in rows]


def outbox_counts(uow: UnitOfWork, *, actor: Actor) -> list[dict[str, Any]]:
    """Per connector: messages waiting, delivered, dead, and the oldest waiting one's time."""
    _administrator(actor)
    waiting = MESSAGES.c.delivered_at.is_(None) & MESSAGES.c.dead_at.is_(None)
    rows = uow.connection.execute(
        select(
            MESSAGES.c.connector,
            func.count().filter(waiting).label("waiting"),
            func.count().filter(MESSAGES.c.delivered_at.is_not(None)).label("delivered"),
            func.count()
            .filter(MESSAGES.c.dead_at.is_not(None) & MESSAGES.c.delivered_at.is_(None))
            .label("dead"),
            func.min(case((waiting, MESSAGES.c.created_at))).label("oldest_waiting"),
        )
        .group_by(MESSAGES.c.connector)
        .order_by(MESSAGES.c.connector)
    ).all()
    return [row._asdict() for row in rows]


def resend_dead_letter(uow: UnitOfWork, *, actor: Actor, message_id: int) -> bool:
    """Give a dead message a fresh round of attempts, with the same event id (an
    administrator's "gửi lại"); False if it is not dead (sent meanwhile, or already resent).
    Commits, with an audit entry."""
    _administrator(actor)
    resent = uow.connection.execute(
        update(MESSAGES)
        .where(
            MESSAGES.c.id == message_id, MESSAGES.c.dead_at.is_not(None), MESSAGES.c.delivered_at.is_(None)
        )
        .values(dead_at=None, attempts=0, next_attempt_at=uow.clock.now())
    ).rowcount
    if resent:
        uow.audit(
            "outbox_message_resent",
            actor_id=actor.account_id,
            object_type="outbox_message",
            object_id=str(message_id),
        )
    uow.commit()
    return bool(resent)


INBOUND = cast(Table, InboundCall.__table__)


def remember_inbound_call(uow: UnitOfWork, *, connector: str, signature: str, keep: timedelta) -> bool:
    """Record a verified inbound call in the caller's transaction; False if the same call
    (same signature) was seen before: a replay, to be refused. Calls older than `keep` (the
    signature's time window, beyond which the timestamp check refuses them anyway) are
    forgotten."""
    now = uow.clock.now()
    uow.connection.execute(delete(INBOUND).where(INBOUND.c.received_at < now - keep))
    seen = uow.connection.execute(
        select(INBOUND.c.id).where(INBOUND.c.connector == connector, INBOUND.c.signature == signature)
    ).first()
    if seen is not None:
        return False
    try:
        with uow.connection.begin_nested():
            uow.connection.execute(
                insert(INBOUND), {"connector": connector, "signature": signature, "received_at": now}
            )
    except IntegrityError:  # the same call arriving twice at once: one wins
        return False
    return True
