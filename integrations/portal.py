"""The national public service portal (Cổng Dịch vụ công quốc gia) connector.

Outbound: `dossier-sync` and `progress-update` messages from the outbox, POSTed as JSON to
``<url>/dossier-sync`` and ``<url>/progress-update``, signed, with the message's event id as
``Idempotency-Key``. Inbound: the dossiers citizens submitted on the portal
(``GET <url>/submitted``) and the portal's view of our dossiers for the daily reconciliation
(``GET <url>/dossiers?date=YYYY-MM-DD``); the portal signs its answers with the same secret
and an answer whose signature fails is refused. Shapes: `integrations/README.md`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from engine.records import OutboundMessage
from integrations.calls import DeliveryFailed, call, http_health
from integrations.registry import ConnectorSpec, Field, Health, Settings
from integrations.signing import SignatureError, verify

KINDS = ("dossier-sync", "progress-update")

SYSTEM = "Cổng Dịch vụ công"  # how failures name it («Cổng Dịch vụ công trả lỗi 503 …»)


@dataclass
class NullPortal:
    """No portal: messages are kept in memory and logged as delivered (development)."""

    name: str = "portal"
    implementation: str = "null"
    sent: list[OutboundMessage] = field(default_factory=list)

    def health(self) -> Health:
        """Always healthy."""
        return Health(True, "không kết nối (bản rỗng)")

    def send(self, message: OutboundMessage, *, now: datetime) -> None:
        """Keep the message."""
        self.sent.append(message)

    def submitted(self, *, now: datetime) -> list[dict[str, Any]]:
        """No dossier is ever submitted on a null portal."""
        return []

    def dossiers(self, *, day: date, now: datetime) -> list[dict[str, Any]]:
        """A null portal holds nothing to reconcile."""
        return []


@dataclass
class HttpPortal:
    """The portal over HTTPS (JSON, HMAC-signed both ways)."""

    url: str
    secret: str
    timeout: float = 10.0
    name: str = "portal"
    implementation: str = "real"

    def health(self) -> Health:
        """``GET <url>/health`` answers 2xx in time."""
        return http_health(self.url, secret=self.secret, timeout=self.timeout, system=SYSTEM)

    def send(self, message: OutboundMessage, *, now: datetime) -> None:
        """POST one message; raises `DeliveryFailed` unless the portal took it (2xx)."""
        if message.kind not in KINDS:
            raise DeliveryFailed(f"cổng không nhận loại thông điệp {message.kind}")
        call(
            "POST",
            f"{self.url}/{message.kind}",
            secret=self.secret,
            now=now,
            body=message.payload.encode(),
            idempotency_key=message.event_id,
            timeout=self.timeout,
            system=SYSTEM,
        )

    def submitted(self, *, now: datetime) -> list[dict[str, Any]]:
        """The dossiers submitted on the portal and not yet taken (signed answer)."""
        return self._signed_list(f"{self.url}/submitted", now)

    def dossiers(self, *, day: date, now: datetime) -> list[dict[str, Any]]:
        """What the portal holds of our dossiers changed on `day` (signed answer)."""
        return self._signed_list(f"{self.url}/dossiers?date={day.isoformat()}", now)

    def _signed_list(self, url: str, now: datetime) -> list[dict[str, Any]]:
        _, headers, body = call("GET", url, secret=self.secret, now=now, timeout=self.timeout, system=SYSTEM)
        try:
            verify(self.secret, headers, body, now)
        except SignatureError as exc:
            raise DeliveryFailed(f"câu trả lời của cổng bị từ chối: {exc}") from exc
        items = json.loads(body or b"[]")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise DeliveryFailed("câu trả lời của cổng không phải danh sách hồ sơ")
        return items


def _null(settings: Settings) -> NullPortal:
    return NullPortal()


def _real(settings: Settings) -> HttpPortal:
    return HttpPortal(
        url=str(settings["url"]).rstrip("/"),
        secret=str(settings["secret"]),
        timeout=float(settings["timeout"]),
    )


SPEC = ConnectorSpec(
    name="portal",
    label="Cổng Dịch vụ công quốc gia",
    fields=(
        Field("url", "url", required=True, help="địa chỉ gốc của API đồng bộ hồ sơ"),
        Field("secret", "secret", required=True, help="khóa bí mật dùng chung để ký HMAC-SHA256"),
        Field("timeout", "number", default=10.0, help="giây chờ mỗi lời gọi"),
    ),
    null=_null,
    real=_real,
)
