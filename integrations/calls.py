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
    """The outside system did not take the call (unreachable, timed out, refused, 5xx…)."""


def call(
    method: str,
    url: str,
    *,
    secret: str,
    now: datetime,
    body: bytes = b"",
    idempotency_key: str | None = None,
    timeout: float = 10.0,
) -> tuple[int, dict[str, str], bytes]:
    """Send one signed request; returns status, headers, body for a 2xx answer."""
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Accept": "application/json",
        **sign(secret, body, now),
    }
    if idempotency_key:
        headers[IDEMPOTENCY_KEY] = idempotency_key
    if not url.startswith(("http://", "https://")):
        raise DeliveryFailed(f"địa chỉ không phải http(s): {url}")
    data = body if method != "GET" else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked above
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"HTTP {exc.code} từ {url}: {exc.read()[:200]!r}") from exc
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise DeliveryFailed(f"không gọi được {url}: {exc}") from exc


def post_json(
    url: str,
    payload: bytes,
    *,
    secret: str,
    now: datetime,
    idempotency_key: str,
    timeout: float = 10.0,
) -> dict[str, Any]:
    """POST a JSON body with its idempotency key; the answer's JSON (or {})."""
    _, _, answer = call(
        "POST", url, secret=secret, now=now, body=payload, idempotency_key=idempotency_key, timeout=timeout
    )
    return _json(answer, url)


def _json(answer: bytes, url: str) -> dict[str, Any]:
    if not answer.strip():
        return {}
    try:
        parsed = json.loads(answer)
    except ValueError as exc:
        raise DeliveryFailed(f"{url} trả lời không phải JSON") from exc
    return parsed if isinstance(parsed, dict) else {"items": parsed}


def http_health(url: str, *, secret: str, timeout: float) -> Health:
    """A real HTTP connector's health: ``GET <url>/health`` answers 2xx in time."""
    try:
        status, _, _ = call("GET", f"{url}/health", secret=secret, now=datetime.now().astimezone(),
                            timeout=timeout)
    except DeliveryFailed as exc:
        return Health(False, str(exc))
    return Health(True, f"HTTP {status}")
