"""``sms``: text messages to applicants through a provider's JSON HTTP API, with delivery
status reported back by the provider's signed callback.

Outbound (the notification outbox's SMS gateway, `engine.records.outbox`): each notice is
``POST <url>/messages`` as JSON, signed (`integrations.signing`), its ``Idempotency-Key``
``notice-<id>`` so a retry after a lost answer is not sent twice to the phone:

    {"to": "84912345678", "sender": "UBND-TQ", "text": "…", "reference": "notice-42"}

The provider answers 2xx ``{"message_id": "…", "status": "sending"}``; any other answer, a
missing id, a timeout or an unreachable server is a failure the outbox retries with its
back-off. Inbound: ``POST /api/v1/connectors/sms/status`` signed with the same secret:

    {"message_id": "…", "status": "delivered" | "failed", "at": "ISO-8601", "error": "…"}

The texts themselves are the notices' (written by `engine.notices`); this module only
carries them.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from integrations.calls import DeliveryFailed, http_health, post_json
from integrations.registry import ConnectorSpec, Field, Health, Settings
from integrations.signing import SignatureError, verify

log = logging.getLogger("motcua.sms")
STATUSES = ("delivered", "failed")
MAX_TEXT = 1600  # ten concatenated parts of a Vietnamese (UCS-2) message
_PHONE = re.compile(r"^\+?[0-9]{9,15}$")

SYSTEM = "Nhà cung cấp SMS"  # how failures name it («Nhà cung cấp SMS trả lỗi 503 …»)


class SmsFailed(ConnectionError):
    """The provider did not take the message (an `OSError`: the outbox retries it)."""


@dataclass(frozen=True)
class StatusReport:
    """A verified status callback from the provider."""

    message_id: str
    status: str
    error: str
    signature: str


def international(phone: str) -> str:
    """A Vietnamese number as the providers take it: ``0912…`` → ``84912…``."""
    digits = re.sub(r"[\s.\-()]", "", phone)
    if not _PHONE.match(digits):
        raise SmsFailed(f"số điện thoại không hợp lệ: {phone!r}")
    digits = digits.removeprefix("+")
    return "84" + digits[1:] if digits.startswith("0") else digits


@dataclass
class NullSms:
    """No provider: messages are kept in memory and logged (development)."""

    name: str = "sms"
    implementation: str = "null"
    sent: list[tuple[str, str, str]] = field(default_factory=list)

    def health(self) -> Health:
        """Always healthy."""
        return Health(True, "không kết nối (bản rỗng)")

    def send(self, recipient: str, subject: str, body: str) -> None:
        """Keep the message."""
        self.sent.append((recipient, subject, body))
        log.info("null sms: to=%s", recipient)

    def verify_status(self, headers: dict[str, str], body: bytes, now: datetime) -> StatusReport:
        """A null provider sends no callbacks: every one is refused."""
        raise SignatureError("Chưa kết nối nhà cung cấp SMS.")


@dataclass
class HttpSms:
    """A provider's JSON HTTP API (HMAC-signed both ways)."""

    url: str
    secret: str
    sender: str = ""
    timeout: float = 10.0
    name: str = "sms"
    implementation: str = "real"

    def health(self) -> Health:
        """``GET <url>/health`` answers 2xx in time."""
        return http_health(self.url, secret=self.secret, timeout=self.timeout, system=SYSTEM)

    def send(self, recipient: str, subject: str, body: str) -> str:
        """Send a message that is no notice (a fresh idempotency key); notices use `send_notice`."""
        return self._post(f"sms-{uuid.uuid4()}", recipient, body, None)

    def send_notice(
        self, notice_id: int, recipient: str, subject: str, body: str, *, now: datetime | None = None
    ) -> str:
        """POST one notice; the provider's message id, or `SmsFailed`."""
        return self._post(f"notice-{notice_id}", recipient, body, now)

    def _post(self, reference: str, recipient: str, body: str, now: datetime | None) -> str:
        payload = {
            "to": international(recipient),
            "sender": self.sender,
            "text": body[:MAX_TEXT],
            "reference": reference,
        }
        data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        try:
            answer = post_json(
                f"{self.url}/messages",
                data,
                secret=self.secret,
                now=now or datetime.now().astimezone(),
                idempotency_key=reference,
                timeout=self.timeout,
                system=SYSTEM,
            )
        except DeliveryFailed as exc:
            raise SmsFailed(str(exc)) from exc
        message_id = answer.get("message_id")
        if not isinstance(message_id, str) or not 0 < len(message_id) <= 100:
            raise SmsFailed("nhà cung cấp SMS không trả mã tin nhắn")
        return message_id

    def verify_status(self, headers: dict[str, str], body: bytes, now: datetime) -> StatusReport:
        """A status callback checked: `SignatureError` (forged, stale), `ValueError` (shape)."""
        signature = verify(self.secret, headers, body, now)
        try:
            parsed: Any = json.loads(body)
        except ValueError as exc:
            raise ValueError("Nội dung báo trạng thái không phải JSON.") from exc
        if not isinstance(parsed, dict):
            raise ValueError("Nội dung báo trạng thái phải là một đối tượng JSON.")
        message_id, status = parsed.get("message_id"), parsed.get("status")
        if not isinstance(message_id, str) or not message_id or len(message_id) > 100:
            raise ValueError("Thiếu mã tin nhắn (message_id).")
        if status not in STATUSES:
            raise ValueError("Trạng thái phải là delivered hoặc failed.")
        error = parsed.get("error") or ""
        return StatusReport(message_id, str(status), str(error)[:300], signature)


def _null(settings: Settings) -> NullSms:
    return NullSms()


def _real(settings: Settings) -> HttpSms:
    return HttpSms(
        url=str(settings["url"]).rstrip("/"),
        secret=str(settings["secret"]),
        sender=str(settings["sender"] or ""),
        timeout=float(settings["timeout"]),
    )


SPEC = ConnectorSpec(
    name="sms",
    label="Nhà cung cấp tin nhắn SMS",
    fields=(
        Field("url", "url", required=True, help="địa chỉ gốc của API gửi tin nhắn"),
        Field("secret", "secret", required=True, help="khóa bí mật dùng chung để ký HMAC-SHA256"),
        Field("sender", "text", default="", help="tên thương hiệu (brandname) hiện ở người nhận"),
        Field("timeout", "number", default=10.0, help="giây chờ mỗi lời gọi"),
    ),
    null=_null,
    real=_real,
)
