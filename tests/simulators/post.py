"""A local simulator of the postal carrier's order API (VNPost-like), speaking the protocol
of `integrations/post.py` over HTTP on loopback.

It checks every call's HMAC signature (a forged call gets 401), takes each
`Idempotency-Key` once (a later copy is acknowledged, not taken again), gives each order a
tracking number, can fail the next N calls (503, nothing taken), and reports an order's
progress to the platform's status callback, signed with the shared secret (or forged).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

from integrations.signing import IDEMPOTENCY_KEY, SignatureError, sign, verify

SECRET = "post-simulator-secret-0123456789a"
FORGED = "forged-secret-forged-secret-0000"


@dataclass
class PostState:
    """What the carrier took and how it misbehaves (tests set these while it runs)."""

    secret: str = SECRET
    fail_next: int = 0
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # checks our calls
    callback_now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # signs reports
    calls: list[tuple[str, int]] = field(default_factory=list)  # (key, status answered)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)  # reference -> order
    tracking: dict[str, str] = field(default_factory=dict)  # reference -> tracking number
    keys: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the state."""

    def _answer(self, status: int, payload: Any) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        """Health."""
        self._answer(200, {"ok": True}) if self.path == "/health" else self._answer(404, {})

    def do_POST(self) -> None:
        """``/orders``: take one order (once per idempotency key)."""
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        key = self.headers.get(IDEMPOTENCY_KEY, "")
        if self.path != "/orders":
            self._answer(404, {"error": "not found"})
            return
        try:
            verify(state.secret, dict(self.headers.items()), body, state.now())
        except SignatureError as exc:
            state.calls.append((key, 401))
            self._answer(401, {"error": str(exc)})
            return
        with state.lock:
            if state.fail_next > 0:
                state.fail_next -= 1
                state.calls.append((key, 503))
                self._answer(503, {"error": "hệ thống bưu chính bận"})
                return
            order = json.loads(body)
            if not key or order.get("kind") not in ("pickup", "delivery") or not order.get("address"):
                state.calls.append((key, 400))
                self._answer(400, {"error": "đơn thiếu thông tin"})
                return
            if key not in state.keys:
                state.keys.add(key)
                state.orders[order["reference"]] = order
                state.tracking[order["reference"]] = f"EP{len(state.keys):09d}VN"
            state.calls.append((key, 200))
            self._answer(
                200, {"reference": order["reference"], "tracking_number": state.tracking[order["reference"]]}
            )


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: PostState) -> None:
        self.state = state
        super().__init__(("127.0.0.1", 0), _Handler)


class PostSimulator:
    """The carrier on a free loopback port; `report` calls the platform's status callback."""

    def __init__(self, state: PostState | None = None) -> None:
        self.state = state or PostState()
        self.callback_url = ""
        self._server = _Server(self.state)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        """The API's base URL."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def settings(self) -> dict[str, Any]:
        """The ``post`` connector's configuration for this simulator."""
        return {"implementation": "real", "url": self.url, "secret": self.state.secret, "timeout": 5}

    def start(self) -> PostSimulator:
        """Serve in a thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def signed_report(
        self, reference: str, status: str, *, note: str = "", forged: bool = False
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers of a status report (signed with a wrong secret if `forged`)."""
        body = json.dumps(
            {
                "reference": reference,
                "status": status,
                "note": note,
                "tracking_number": self.state.tracking.get(reference, ""),
            },
            ensure_ascii=False,
        ).encode()
        secret = FORGED if forged else self.state.secret
        return body, {"Content-Type": "application/json", **sign(secret, body, self.state.callback_now())}

    def send_report(self, body: bytes, headers: dict[str, str]) -> requests.Response:
        """POST a report to the platform's callback, as the carrier does."""
        return requests.post(self.callback_url, data=body, headers=headers, timeout=10)

    def report(
        self, reference: str, status: str, *, note: str = "", forged: bool = False
    ) -> requests.Response:
        """Report an order's progress to the platform."""
        return self.send_report(*self.signed_report(reference, status, note=note, forged=forged))
