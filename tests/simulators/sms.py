"""A local simulator of an SMS provider's JSON HTTP API, speaking the protocol of
`integrations/sms_http.py` over HTTP on loopback.

It checks every call's HMAC signature (a forged call gets 401), gives each new
`Idempotency-Key` a message id and answers the same id for a later copy (the phone gets the
message once), records what it took, can fail the next N calls (503, nothing taken), and
reports a message's fate to the platform's status callback, signed with the shared secret
(or with another one, to forge).
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

SECRET = "sms-simulator-secret-0123456789ab"
FORGED = "forged-secret-forged-secret-0000"


@dataclass
class SmsState:
    """What the simulator took and how it misbehaves (tests set these while it runs)."""

    secret: str = SECRET
    fail_next: int = 0  # the next N message calls get 503 (nothing taken)
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # checks our calls
    callback_now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # signs reports
    calls: list[tuple[str, int]] = field(default_factory=list)  # (key, status answered)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)  # message id -> message
    ids: dict[str, str] = field(default_factory=dict)  # idempotency key -> message id
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
        """``/messages``: take one message (once per idempotency key)."""
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        key = self.headers.get(IDEMPOTENCY_KEY, "")
        if self.path != "/messages":
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
                self._answer(503, {"error": "tạm thời không gửi được"})
                return
            message = json.loads(body)
            if not key or not str(message.get("to", "")).isdigit() or not message.get("text"):
                state.calls.append((key, 400))
                self._answer(400, {"error": "thiếu số máy hoặc nội dung"})
                return
            if key not in state.ids:
                state.ids[key] = f"SIM{len(state.ids) + 1:06d}"
                state.messages[state.ids[key]] = message
            state.calls.append((key, 200))
            self._answer(200, {"message_id": state.ids[key], "status": "sending"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: SmsState) -> None:
        self.state = state
        super().__init__(("127.0.0.1", 0), _Handler)


class SmsSimulator:
    """The provider on a free loopback port; `report` calls the platform's status callback."""

    def __init__(self, state: SmsState | None = None) -> None:
        self.state = state or SmsState()
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
        """The ``sms`` connector's configuration for this simulator."""
        return {
            "implementation": "real",
            "url": self.url,
            "secret": self.state.secret,
            "sender": "UBND-TQ",
            "timeout": 5,
        }

    def start(self) -> SmsSimulator:
        """Serve in a thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def signed_report(
        self, message_id: str, status: str, *, error: str = "", forged: bool = False
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers of a status report (signed with a wrong secret if `forged`)."""
        body = json.dumps(
            {
                "message_id": message_id,
                "status": status,
                "at": self.state.callback_now().isoformat(),
                "error": error,
            },
            ensure_ascii=False,
        ).encode()
        headers = {
            "Content-Type": "application/json",
            **sign(FORGED if forged else self.state.secret, body, self.state.callback_now()),
        }
        return body, headers

    def send_report(self, body: bytes, headers: dict[str, str]) -> requests.Response:
        """POST a report to the platform's callback, as the provider does."""
        return requests.post(self.callback_url, data=body, headers=headers, timeout=10)

    def report(
        self, message_id: str, status: str, *, error: str = "", forged: bool = False
    ) -> requests.Response:
        """Report a message's fate to the platform."""
        return self.send_report(*self.signed_report(message_id, status, error=error, forged=forged))
