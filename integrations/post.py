"""``post``: the public postal service (VNPost-like) picks up an applicant's papers or
delivers the result (Tuyên Quang art. 32.4).

Outbound: each order from the connectors' outbox (`engine.dossiers.request_postal_order`)
is ``POST <url>/orders``, signed, ``Idempotency-Key`` the message's event id:

    {"reference": "BC…", "dossier_code": "…", "kind": "pickup" | "delivery",
     "name": "…", "address": "…", "phone": "0912345678", "requested_at": "…+07:00"}

Any 2xx is the carrier's acknowledgement; anything else is retried by the outbox. Inbound:
the carrier reports each order at ``POST /api/v1/connectors/post/status``, signed with the
same secret:

    {"reference": "BC…", "status": "accepted" | "in_transit" | "delivered" | "returned",
     "tracking_number": "EP123456789VN", "note": "…"}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.records import OutboundMessage
from integrations.calls import DeliveryFailed, call, http_health
from integrations.registry import ConnectorSpec, Field, Health, Settings
from integrations.signing import verify

STATUSES = ("accepted", "in_transit", "delivered", "returned")

SYSTEM = "Bưu điện"  # how failures name it («Bưu điện trả lỗi 503 …»)


@dataclass(frozen=True)
class PostalReport:
    """A verified status callback from the carrier."""

    reference: str
    status: str
    tracking_number: str
    note: str
    signature: str


@dataclass
class NullPost:
    """No carrier: orders are kept in memory (development); no report ever comes."""

    name: str = "post"
    implementation: str = "null"
    sent: list[OutboundMessage] = field(default_factory=list)

    def health(self) -> Health:
        """Always healthy."""
        return Health(True, "không kết nối (bản rỗng)")

    def send(self, message: OutboundMessage, *, now: datetime) -> None:
        """Keep the order."""
        self.sent.append(message)


@dataclass
class HttpPost:
    """The carrier's JSON HTTP API (HMAC-signed both ways)."""

    url: str
    secret: str
    timeout: float = 10.0
    name: str = "post"
    implementation: str = "real"

    def health(self) -> Health:
        """``GET <url>/health`` answers 2xx in time."""
        return http_health(self.url, secret=self.secret, timeout=self.timeout, system=SYSTEM)

    def send(self, message: OutboundMessage, *, now: datetime) -> None:
        """POST one order; raises `DeliveryFailed` unless the carrier took it (2xx)."""
        if message.kind != "order":
            raise DeliveryFailed(f"bưu điện không nhận loại thông điệp {message.kind}")
        call(
            "POST",
            f"{self.url}/orders",
            secret=self.secret,
            now=now,
            body=message.payload.encode(),
            idempotency_key=message.event_id,
            timeout=self.timeout,
            system=SYSTEM,
        )

    def verify_status(self, headers: dict[str, str], body: bytes, now: datetime) -> PostalReport:
        """A status callback checked: `SignatureError` (forged, stale), `ValueError` (shape)."""
        signature = verify(self.secret, headers, body, now)
        try:
            parsed: Any = json.loads(body)
        except ValueError as exc:
            raise ValueError("Nội dung báo trạng thái không phải JSON.") from exc
        if not isinstance(parsed, dict):
            raise ValueError("Nội dung báo trạng thái phải là một đối tượng JSON.")
        reference, status = parsed.get("reference"), parsed.get("status")
        if not isinstance(reference, str) or not 0 < len(reference) <= 40:
            raise ValueError("Thiếu mã đơn (reference).")
        if status not in STATUSES:
            raise ValueError("Trạng thái phải là một trong " + ", ".join(STATUSES) + ".")
        tracking = parsed.get("tracking_number") or ""
        if not isinstance(tracking, str) or len(tracking) > 60:
            raise ValueError("Số hiệu bưu gửi (tracking_number) không hợp lệ.")
        return PostalReport(reference, str(status), tracking, str(parsed.get("note") or "")[:300], signature)


def _null(settings: Settings) -> NullPost:
    return NullPost()


def _real(settings: Settings) -> HttpPost:
    return HttpPost(
        url=str(settings["url"]).rstrip("/"),
        secret=str(settings["secret"]),
        timeout=float(settings["timeout"]),
    )


SPEC = ConnectorSpec(
    name="post",
    label="Bưu chính công ích (thu gom hồ sơ, chuyển phát kết quả)",
    fields=(
        Field("url", "url", required=True, help="địa chỉ gốc của API đặt đơn bưu chính"),
        Field("secret", "secret", required=True, help="khóa bí mật dùng chung để ký HMAC-SHA256"),
        Field("timeout", "number", default=10.0, help="giây chờ mỗi lời gọi"),
    ),
    null=_null,
    real=_real,
)
