"""The notification outbox and its gateways.

Messages are written to the `notifications` table in the same transaction as the change
that causes them, and delivered afterwards by the worker, so a rolled-back change never
sends anything and a crash after commit loses nothing. Gateways sit at the edge of the
world: SMTP for e-mail, and "null" implementations (selected by configuration) that
keep messages in memory for development and tests. SMS goes through the ``sms`` connector
(`integrations.sms_http`) when one is configured; its provider reports each message's
delivery through a signed callback (`notice_delivery.py`).

The same outbox carries connectors' messages to outside systems: `connector_outbox.py`.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from typing import Protocol, cast

from sqlalchemy import Table, bindparam, insert, select, update

from engine.core.models import Notification
from engine.core.uow import UnitOfWork

log = logging.getLogger("motcua.notifications")
NOTIFICATIONS = cast(Table, Notification.__table__)
MAX_ATTEMPTS = 8
_INSERT = insert(NOTIFICATIONS)
MAIL_POLICY = policy.default.clone(max_line_length=998)  # RFC 5322's limit for a line


class Gateway(Protocol):
    """Sends one message on one channel; raises on failure."""

    def send(self, recipient: str, subject: str, body: str) -> str | None:
        """Deliver the message or raise; a provider's message id if it reports delivery."""
        ...


@dataclass
class NullGateway:
    """Keeps what it was asked to send (development, tests, and SMS until a provider exists)."""

    name: str
    sent: list[tuple[str, str, str]] = field(default_factory=list)

    def send(self, recipient: str, subject: str, body: str) -> None:
        """Record the message and log it."""
        self.sent.append((recipient, subject, body))
        log.info("null %s gateway: to=%s subject=%s", self.name, recipient, subject)


@dataclass(frozen=True)
class SmtpEmail:
    """E-mail through an SMTP server."""

    host: str
    port: int = 25
    sender: str = "motcua@localhost"
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0

    def message(self, recipient: str, subject: str, body: str) -> EmailMessage:
        """One plain-text UTF-8 message. Its header lines may be as long as RFC 5322 allows:
        Python folds a long Vietnamese subject into encoded words and loses the space at
        a fold («quá hạn ởbước»); a subject the outbox keeps (300 characters) then never
        folds. The body is encoded as before (the policy changes after `set_content`)."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = recipient
        message["Subject"] = subject
        message.set_content(body)
        message.policy = MAIL_POLICY  # read when the message is written out
        return message

    def send(self, recipient: str, subject: str, body: str) -> None:
        """Send one plain-text UTF-8 message."""
        message = self.message(recipient, subject, body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


@dataclass
class Gateways:
    """The gateway for each channel."""

    email: Gateway
    sms: Gateway

    def for_channel(self, channel: str) -> Gateway:
        """The gateway of "email" or "sms"."""
        return self.email if channel == "email" else self.sms


def enqueue(
    uow: UnitOfWork, *, channel: str, recipient: str, subject: str, body: str,
    dossier_id: int | None = None, account_id: int | None = None, delivered: bool = False,
) -> None:
    """Write one message to the outbox, in the caller's transaction. An in-system notice
    (channel "web", `delivered`) is shown on the account's notices page, never sent."""
    now = uow.clock.now()
    uow.connection.execute(_INSERT, {
        "dossier_id": dossier_id, "channel": channel, "recipient": recipient,
        "subject": subject, "body": body, "created_at": now, "next_attempt_at": now,
        "attempts": 0, "last_error": "", "account_id": account_id,
        "sent_at": now if delivered else None,
    })


_PENDING = (
    select(NOTIFICATIONS.c.id, NOTIFICATIONS.c.channel, NOTIFICATIONS.c.recipient,
           NOTIFICATIONS.c.subject, NOTIFICATIONS.c.body, NOTIFICATIONS.c.attempts)
    .where(NOTIFICATIONS.c.sent_at.is_(None),
           NOTIFICATIONS.c.next_attempt_at <= bindparam("b_now"),
           NOTIFICATIONS.c.attempts < MAX_ATTEMPTS)
    .order_by(NOTIFICATIONS.c.id)
    .limit(bindparam("b_limit"))
    .with_for_update(skip_locked=True)
)


LEASE = timedelta(minutes=5)


def deliver_pending(
    new_uow: Callable[[], UnitOfWork], gateways: Gateways, *, limit: int = 50
) -> dict[str, int]:
    """Send what is due in the outbox; failures are retried later with a growing delay.

    Messages are first claimed for a short lease in one transaction (rows locked with
    `SKIP LOCKED` on PostgreSQL, one writer at a time on SQLite), then sent outside any
    transaction, then marked. Two workers never claim the same message; a worker that dies
    mid-send leaves it to be retried when the lease ends (at-least-once delivery).
    """
    with new_uow() as uow:
        now = uow.clock.now()
        rows = uow.connection.execute(_PENDING, {"b_now": now, "b_limit": limit}).all()
        for row in rows:
            uow.connection.execute(
                update(NOTIFICATIONS).where(NOTIFICATIONS.c.id == row.id)
                .values(attempts=row.attempts + 1, next_attempt_at=now + LEASE))
        uow.commit()
    sent = failed = 0
    for row in rows:
        gateway = gateways.for_channel(row.channel)
        try:
            # A provider that reports delivery (the HTTP SMS connector) takes the notice's id
            # as its idempotency key and answers its own message id; the status follows.
            send_notice = getattr(gateway, "send_notice", None)
            provider_id = (send_notice(row.id, row.recipient, row.subject, row.body)
                           if send_notice else gateway.send(row.recipient, row.subject, row.body))
        except (OSError, smtplib.SMTPException, ValueError) as exc:
            # ValueError: the e-mail library refuses the message itself (a line break in an
            # address stored before addresses were checked); it fails alone and is retried
            # like any failure, instead of escaping the loop with the whole batch unmarked.
            failed += 1
            log.warning("notification %s to %s failed: %s", row.id, row.recipient, exc)
            with new_uow() as uow:
                delay = timedelta(minutes=2 ** min(row.attempts, 6))
                uow.connection.execute(
                    update(NOTIFICATIONS).where(NOTIFICATIONS.c.id == row.id)
                    .values(last_error=str(exc)[:500], next_attempt_at=uow.clock.now() + delay))
                uow.commit()
        else:
            sent += 1
            with new_uow() as uow:
                uow.connection.execute(
                    update(NOTIFICATIONS).where(NOTIFICATIONS.c.id == row.id)
                    .values(sent_at=uow.clock.now(), **_reported(provider_id)))
                uow.commit()
    return {"sent": sent, "failed": failed}


def _reported(provider_id: object) -> dict[str, object]:
    """The provider's message id, awaiting its status callback ("sending"), if it gave one."""
    if isinstance(provider_id, str) and provider_id:
        return {"provider_id": provider_id[:100], "delivery_status": "sending"}
    return {}
