"""What became of each notice sent by SMS or e-mail (issue 19): the SMS provider's signed
status callback recorded against the provider's message id, and each dossier's notices with
their status in words for the officer's dossier page.

Statuses: a notice not yet taken by its gateway, or taken by an SMS provider that has not
reported yet, is «Đang gửi»; one the provider reports delivered (or an e-mail the mail
server accepted) «Đã gửi đến»; one the provider reports failed, or that failed
`MAX_ATTEMPTS` times, «Không gửi được».
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, select, update

from engine.core.models import Dossier
from engine.core.uow import UnitOfWork
from engine.records.outbox import MAX_ATTEMPTS, NOTIFICATIONS

DOSSIERS = cast(Table, Dossier.__table__)
SENDING, DELIVERED, FAILED = "sending", "delivered", "failed"
LABELS = {SENDING: "Đang gửi", DELIVERED: "Đã gửi đến", FAILED: "Không gửi được"}
CHANNELS = {"sms": "SMS", "email": "Thư điện tử"}


def record_delivery_status(
    uow: UnitOfWork, *, provider_id: str, status: str, error: str = "", commit: bool = False
) -> bool | None:
    """The provider's report on its message `provider_id`, in the caller's transaction
    (committed with `commit=True` unless the message is unknown).

    None: no notice has that id (unknown). False: nothing changed (the same report again,
    or a report after a final one — the first final word stands). True: recorded.
    """
    if status not in (DELIVERED, FAILED):
        raise ValueError(f"unknown delivery status {status!r}")
    row = uow.connection.execute(
        select(NOTIFICATIONS.c.id, NOTIFICATIONS.c.delivery_status).where(
            NOTIFICATIONS.c.provider_id == provider_id
        )
    ).first()
    if row is None:
        return None
    if row.delivery_status != SENDING:
        if commit:  # the report itself was received: a replay of it is refused later
            uow.commit()
        return False
    uow.connection.execute(
        update(NOTIFICATIONS)
        .where(NOTIFICATIONS.c.id == row.id)
        .values(
            delivery_status=status,
            status_at=uow.clock.now(),
            last_error=error[:500] if status == FAILED else "",
        )
    )
    if commit:
        uow.commit()
    return True


def status_of(row: Any) -> str:
    """The status of one notice row (sent_at, attempts, delivery_status)."""
    if row.delivery_status in LABELS:
        return str(row.delivery_status)
    if row.sent_at is not None:
        return DELIVERED
    return FAILED if row.attempts >= MAX_ATTEMPTS else SENDING


def dossier_notices(uow: UnitOfWork, *, code: str) -> list[dict[str, Any]]:
    """The SMS and e-mail notices about a dossier, oldest first, with their status.

    The caller has already checked that the reader may see the dossier."""
    rows = uow.connection.execute(
        select(
            NOTIFICATIONS.c.id,
            NOTIFICATIONS.c.channel,
            NOTIFICATIONS.c.recipient,
            NOTIFICATIONS.c.subject,
            NOTIFICATIONS.c.created_at,
            NOTIFICATIONS.c.sent_at,
            NOTIFICATIONS.c.attempts,
            NOTIFICATIONS.c.last_error,
            NOTIFICATIONS.c.delivery_status,
            NOTIFICATIONS.c.status_at,
        )
        .join(DOSSIERS, DOSSIERS.c.id == NOTIFICATIONS.c.dossier_id)
        .where(DOSSIERS.c.code == code, NOTIFICATIONS.c.channel.in_(tuple(CHANNELS)))
        .order_by(NOTIFICATIONS.c.id)
    ).all()
    found = []
    for row in rows:
        status = status_of(row)
        found.append(
            {
                "id": row.id,
                "channel": CHANNELS[row.channel],
                "recipient": row.recipient,
                "subject": row.subject,
                "created_at": row.created_at,
                "status": status,
                "status_label": LABELS[status],
                "at": row.status_at or row.sent_at,
                # The provider's reason; a send that kept failing says so, not our call's details.
                "error": (
                    row.last_error
                    if row.delivery_status == FAILED
                    else "đã thử nhiều lần không được"
                    if status == FAILED
                    else ""
                ),
            }
        )
    return found
