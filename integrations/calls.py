"""JSON over HTTP for the real connectors (standard library only): signed, with a timeout,
every failure raised as `DeliveryFailed` so the outbox retries it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any

from integrations.registry import Health
from integrations.signing import IDEMPOTENCY_KEY, sign


class DeliveryFailed(Exception):
    """The outside system did not take the call (unreachable, timed out, refused, 5xx…).

    `words` says it for an administrator; `detail` keeps the technical part (address, the
    answer's first bytes) for an operator. The outbox stores both (`engine.records`)."""

    def __init__(self, words: str, detail: str = "") -> None:
        super().__init__(f"{words} ({detail})" if detail else words)
        self.words = words
        self.detail = detail


STATUS_WORDS = {
    400: "yêu cầu không hợp lệ",
    401: "không chấp nhận chữ ký của hệ thống",
    403: "không cho phép truy cập",
    404: "không có địa chỉ này",
    408: "hết thời gian chờ",
    409: "xung đột dữ liệu",
    413: "nội dung quá lớn",
    422: "không chấp nhận dữ liệu gửi đến",
    429: "đang nhận quá nhiều yêu cầu",
    500: "lỗi bên trong hệ thống đó",
    502: "máy chủ trung gian không nhận được trả lời",
    503: "tạm thời không phục vụ",
    504: "máy chủ trung gian hết thời gian chờ",
}
REASON_KEYS = ("reason", "message", "error_description", "error", "detail")


def http_failure(system: str, status: int, url: str, answer: bytes) -> DeliveryFailed:
    """`system` answered `status`: in words, with the reason its JSON answer gives if any."""
    words = f"{system} trả lỗi {status}"
    meaning = STATUS_WORDS.get(status) or ("lỗi phía hệ thống đó" if status >= 500 else "từ chối yêu cầu")
    words += f" ({meaning})"
    reason = _reason(answer)
    if reason:
        words += f": {reason}"
    shown = answer[:200].decode("utf-8", errors="replace")
    return DeliveryFailed(words, f"HTTP {status} từ {url}; trả lời: {shown}" if shown.strip() else
                          f"HTTP {status} từ {url}")


def _reason(answer: bytes) -> str:
    try:
        parsed = json.loads(answer)
    except ValueError:
        return ""
    if not isinstance(parsed, dict):
        return ""
    for key in REASON_KEYS:
        value = parsed.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return ""


def call(
    method: str,
    url: str,
    *,
    secret: str,
    now: datetime,
    body: bytes = b"",
    idempotency_key: str | None = None,
    timeout: float = 10.0,
    system: str = "Hệ thống bên ngoài",
) -> tuple[int, dict[str, str], bytes]:
    """Send one signed request; returns status, headers, body for a 2xx answer. `system`
    names the outside system in the failure's words («Cổng Dịch vụ công trả lỗi 503…»)."""
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Accept": "application/json",
        **sign(secret, body, now),
    }
    if idempotency_key:
        headers[IDEMPOTENCY_KEY] = idempotency_key
    if not url.startswith(("http://", "https://")):
        raise DeliveryFailed(f"Địa chỉ của {system} không phải http(s)", url)
    data = body if method != "GET" else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked above
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        raise http_failure(system, exc.code, url, exc.read()) from exc
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise DeliveryFailed(f"Không gọi được {system} (không kết nối được hoặc hết thời gian chờ)",
                             f"{url}: {exc}") from exc


def post_json(
    url: str,
    payload: bytes,
    *,
    secret: str,
    now: datetime,
    idempotency_key: str,
    timeout: float = 10.0,
    system: str = "Hệ thống bên ngoài",
) -> dict[str, Any]:
    """POST a JSON body with its idempotency key; the answer's JSON (or {})."""
    _, _, answer = call(
        "POST", url, secret=secret, now=now, body=payload, idempotency_key=idempotency_key, timeout=timeout,
        system=system,
    )
    return _json(answer, url, system)


def _json(answer: bytes, url: str, system: str) -> dict[str, Any]:
    if not answer.strip():
        return {}
    try:
        parsed = json.loads(answer)
    except ValueError as exc:
        raise DeliveryFailed(f"{system} trả lời không đúng dạng JSON", url) from exc
    return parsed if isinstance(parsed, dict) else {"items": parsed}


def http_health(url: str, *, secret: str, timeout: float, system: str = "Hệ thống bên ngoài") -> Health:
    """A real HTTP connector's health: ``GET <url>/health`` answers 2xx in time."""
    try:
        status, _, _ = call("GET", f"{url}/health", secret=secret, now=datetime.now().astimezone(),
                            timeout=timeout, system=system)
    except DeliveryFailed as exc:
        return Health(False, str(exc))
    return Health(True, f"HTTP {status}")
