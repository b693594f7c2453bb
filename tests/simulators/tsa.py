"""A local timestamp authority (TSA, dịch vụ cấp dấu thời gian) speaking RFC 3161 over HTTP
on loopback, as `integrations/timestamps.py` calls it.

`POST /` with ``Content-Type: application/timestamp-query`` and a DER ``TimeStampReq``; the
answer is ``application/timestamp-reply``, a DER ``TimeStampResp`` whose token is signed by a
TSA certificate issued by the test CA (`tests/simulators/ca.py`, extended key usage
timeStamping, critical). pyHanko's `DummyTimeStamper` builds the token (the TSA's logic);
this module is the HTTP and DER protocol around it. Tests make it misbehave while it runs:
`down` answers HTTP 500 (no reply), `refuse` answers a ``rejection`` status (without a
token, as RFC 3161 has it), `delay` answers late.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from asn1crypto import core, tsp
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from tests.simulators.ca import TsaCertificate

QUERY = "application/timestamp-query"
REPLY = "application/timestamp-reply"


REFUSED = tsp.PKIStatusInfo(
    {
        "status": "rejection",
        "status_string": ["request refused by the simulator"],
        "fail_info": tsp.PKIFailureInfo({"system_failure"}),
    }
)


class _Refusal(core.Sequence):
    """A ``TimeStampResp`` without its (OPTIONAL) token: asn1crypto's own class insists on one."""

    _fields = [("status", tsp.PKIStatusInfo)]  # noqa: RUF012 - asn1crypto's schema


@dataclass
class TsaState:
    """How the TSA behaves (tests set these while it runs) and what it answered."""

    down: bool = False  # HTTP 500, no TimeStampResp
    refuse: bool = False  # a TimeStampResp with status rejection
    delay: float = 0.0  # seconds before answering (a slow service)
    answered: list[str] = field(default_factory=list)  # "granted", "rejection", "500", "415"…
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the state."""

    def _answer(self, status: int, content_type: str, body: bytes, note: str) -> None:
        with self.server.state.lock:
            self.server.state.answered.append(note)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        """One timestamp request: a token, a refusal, or an HTTP error."""
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(state.delay)
        if state.down:
            self._answer(500, "text/plain", b"TSA unavailable", "500")
            return
        if self.headers.get("Content-Type") != QUERY:
            self._answer(415, "text/plain", b"expected application/timestamp-query", "415")
            return
        try:
            request = tsp.TimeStampReq.load(body)
            request.native  # parse it all now: a malformed request is a bad request  # noqa: B018
        except ValueError:
            self._answer(400, "text/plain", b"malformed TimeStampReq", "400")
            return
        if state.refuse:
            self._answer(200, REPLY, _Refusal({"status": REFUSED}).dump(), "rejection")
            return
        response = self.server.stamper.request_tsa_response(request)
        self._answer(200, REPLY, response.dump(), "granted")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: TsaState, tsa: TsaCertificate, port: int) -> None:
        self.state = state
        self.stamper = DummyTimeStamper(tsa_cert=tsa.certificate, tsa_key=tsa.key)
        super().__init__(("127.0.0.1", port), _Handler)


class TsaSimulator:
    """The TSA on a loopback port (0: any free one)."""

    def __init__(self, tsa: TsaCertificate, *, port: int = 0, state: TsaState | None = None) -> None:
        self.state = state or TsaState()
        self._server = _Server(self.state, tsa, port)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        """Where timestamp requests go."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def start(self) -> TsaSimulator:
        """Serve in a thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
