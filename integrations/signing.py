"""Signed calls between the platform and outside systems: HMAC-SHA256 over the timestamp and
the body with a shared secret, checked within a time window; a call seen once is refused
the second time (replay).

Headers: ``X-Motcua-Timestamp`` (Unix seconds), ``X-Motcua-Signature`` (``sha256=<hex>``)
and, on outbound messages, ``Idempotency-Key`` (the outbox message's event id).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime

TIMESTAMP = "X-Motcua-Timestamp"
SIGNATURE = "X-Motcua-Signature"
IDEMPOTENCY_KEY = "Idempotency-Key"
WINDOW_SECONDS = 300


class SignatureError(ValueError):
    """A signed call that must be refused; the message says why, in Vietnamese."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``<timestamp>.<body>`` under `secret`."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, now: datetime) -> dict[str, str]:
    """The headers that sign `body` at `now`."""
    timestamp = str(int(now.timestamp()))
    return {TIMESTAMP: timestamp, SIGNATURE: "sha256=" + signature(secret, timestamp, body)}


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    *,
    window: int = WINDOW_SECONDS,
) -> str:
    """Check a signed call; returns its signature (the caller refuses it if seen before).

    Refused: no or malformed headers, a timestamp further than `window` seconds from `now`
    either way (an old call replayed after its record was forgotten, or a clock far off), a
    signature that does not match (compared in constant time).
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    stamp, given = lowered.get(TIMESTAMP.lower(), ""), lowered.get(SIGNATURE.lower(), "")
    if not stamp or not given:
        raise SignatureError("Thiếu chữ ký của lời gọi (X-Motcua-Timestamp, X-Motcua-Signature).")
    # ASCII digits only, and no more than a Unix time needs: "²" passes isdigit() but not
    # int(), and a 400-digit number overflows the float the window is checked in.
    if not (stamp.isascii() and stamp.isdigit()) or len(stamp) > 12 or not given.startswith("sha256="):
        raise SignatureError("Chữ ký của lời gọi sai định dạng.")
    if abs(now.timestamp() - int(stamp)) > window:
        raise SignatureError("Lời gọi đã quá hạn hoặc đồng hồ lệch quá mức cho phép.")
    expected = signature(secret, stamp, body)
    if not hmac.compare_digest(expected, given.removeprefix("sha256=")):
        raise SignatureError("Chữ ký của lời gọi không đúng.")
    return expected
