"""Draining the connectors' outbox: each message goes to its connector for its province."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol, cast

from engine.core import UnitOfWork
from engine.records import DeliveryError, OutboundMessage, deliver_messages
from integrations.registry import Connectors


class Outbound(Protocol):
    """A connector that sends outbox messages."""

    def send(self, message: OutboundMessage, *, now: datetime) -> None:
        """Deliver or raise."""
        ...


def sender(connectors: Connectors, now: Callable[[], datetime]) -> Callable[[OutboundMessage], None]:
    """A `Send` for the outbox: picks the message's connector for its province."""

    def send(message: OutboundMessage) -> None:
        connector = connectors.get(message.connector, message.province)
        if not hasattr(connector, "send"):
            raise DeliveryError(f"kết nối {message.connector} không gửi thông điệp")
        cast(Outbound, connector).send(message, now=now())

    return send


def deliver(
    new_uow: Callable[[], UnitOfWork],
    connectors: Connectors,
    now: Callable[[], datetime],
    *,
    limit: int = 200,
    workers: int = 32,
) -> dict[str, int]:
    """One round of delivery (the worker's task calls it until nothing is due)."""
    return deliver_messages(new_uow, sender(connectors, now), limit=limit, workers=workers)
