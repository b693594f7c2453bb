"""A local simulator of the national public service portal (Cổng DVC quốc gia), speaking the
protocol of `integrations/portal.py` over HTTP on loopback.

It checks every call's HMAC signature (a forged call gets 401), keeps the first copy of each
`Idempotency-Key` and acknowledges later copies without applying them, records every call,
and can answer slowly, fail on demand (the next N calls, a share of calls at random, after
applying the message, or all calls while "down"). It serves the dossiers submitted on the
portal and its view of our dossiers, signed with the same secret (or forged, on demand).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from integrations.signing import IDEMPOTENCY_KEY, SignatureError, sign, verify

SECRET = "portal-simulator-secret-0123456789"


@dataclass
class Call:
    """One call the simulator answered."""

    path: str
    key: str
    body: dict[str, Any]
    status: int
    at: float


@dataclass
class PortalState:
    """What the simulator holds and how it misbehaves (tests set these while it runs)."""

    secret: str = SECRET
    delay: float = 0.0  # seconds before each answer
    fail_next: int = 0  # the next N message calls get 503 (nothing applied)
    fail_rate: float = 0.0  # this share of message calls gets 503 (nothing applied)
    fail_after_apply: int = 0  # the next N message calls are applied, then answered 500
    down: bool = False  # every call gets 503
    forge_answers: bool = False  # sign GET answers with another secret
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    rng: random.Random = field(default_factory=lambda: random.Random(19))
    calls: list[Call] = field(default_factory=list)
    applied: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> first copy
    applied_at: dict[str, float] = field(default_factory=dict)  # key -> when first applied
    acknowledged: Counter[str] = field(default_factory=Counter)  # key -> 2xx answers
    held: dict[str, dict[str, Any]] = field(default_factory=dict)  # our code -> latest sync
    log: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # code -> entries
    submitted: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keys_acknowledged_twice(self) -> list[str]:
        """Keys we sent again after the portal had acknowledged them (must stay empty)."""
        return [key for key, count in self.acknowledged.items() if count > 1]

    def statuses(self, code: str) -> list[int]:
        """The statuses the portal saw for a dossier, in the order its syncs arrived."""
        return [c.body["dossier"]["status"] for c in self.calls
                if c.path == "/dossier-sync" and c.status == 200
                and c.body.get("dossier", {}).get("code") == code]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `state.calls`."""

    def _answer(self, status: int, payload: Any, *, signed: bool = False) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        state = self.server.state
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if signed:
            secret = "forged-secret-forged-secret-0000" if state.forge_answers else state.secret
            for name, value in sign(secret, body, state.now()).items():
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _verified(self, body: bytes) -> bool:
        try:
            verify(self.server.state.secret, dict(self.headers.items()), body, self.server.state.now())
        except SignatureError as exc:
            self._answer(401, {"error": str(exc)})
            return False
        return True

    def do_GET(self) -> None:
        """Health, dossiers submitted on the portal, the portal's view of ours."""
        state = self.server.state
        time.sleep(state.delay)
        if state.down:
            self._answer(503, {"error": "down"})
            return
        url = urlparse(self.path)
        if not self._verified(b""):
            return
        if url.path == "/health":
            self._answer(200, {"ok": True})
        elif url.path == "/submitted":
            self._answer(200, state.submitted, signed=True)
        elif url.path == "/dossiers":
            day = parse_qs(url.query).get("date", [""])[0]
            with state.lock:
                held = [{"code": code, "status": d["status"], "due_at": d["due_at"],
                         "ended_at": d["ended_at"]} for code, d in sorted(state.held.items())
                        if not day or (d.get("changed_on") == day)]
            self._answer(200, held, signed=True)
        else:
            self._answer(404, {"error": "not found"})

    def do_POST(self) -> None:
        """A dossier-sync or progress-update message."""
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(state.delay)
        path = urlparse(self.path).path
        key = self.headers.get(IDEMPOTENCY_KEY, "")
        if path not in ("/dossier-sync", "/progress-update"):
            self._answer(404, {"error": "not found"})
            return
        if not self._verified(body):
            self._record(path, key, body, 401)
            return
        status = self._apply(path, key, body)
        self._record(path, key, body, status)
        self._answer(status, {"accepted": status == 200, "key": key})

    def _apply(self, path: str, key: str, body: bytes) -> int:
        state = self.server.state
        with state.lock:
            if state.down:
                return 503
            if state.fail_next > 0:
                state.fail_next -= 1
                return 503
            if state.fail_rate and state.rng.random() < state.fail_rate:
                return 503
            if not key:
                return 400
            if key not in state.applied:  # a duplicate is acknowledged, never applied again
                message = json.loads(body)
                state.applied[key] = message
                state.applied_at[key] = time.monotonic()
                if path == "/dossier-sync":
                    dossier = message["dossier"]
                    state.held[dossier["code"]] = {**dossier,
                                                   "changed_on": state.now().date().isoformat()}
                else:
                    state.log.setdefault(message["code"], []).append(message["entry"])
            if state.fail_after_apply > 0:
                state.fail_after_apply -= 1
                return 500
            state.acknowledged[key] += 1
            return 200

    def _record(self, path: str, key: str, body: bytes, status: int) -> None:
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = {}
        with self.server.state.lock:
            self.server.state.calls.append(Call(path, key, parsed, status, time.monotonic()))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # read by listen() in the constructor: 5 dropped concurrent connects

    def __init__(self, state: PortalState) -> None:
        self.state = state
        super().__init__(("127.0.0.1", 0), _Handler)


@contextmanager
def running_portal(state: PortalState | None = None) -> Iterator[tuple[str, PortalState]]:
    """Start the simulator on a free loopback port: yields its base URL and its state."""
    state = state or PortalState()
    server = _Server(state)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
