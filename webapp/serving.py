"""werkzeug's threaded server (`motcua serve`, the browser tests' server), closing every
response even when the client went away in the middle of it.

werkzeug (3.1) closes the application's response at the end of a request, after reading
what is left of the client's input; when the client reset the connection, that read
raises and the response is never closed: a static file stays open until the garbage
collector finds it (a ResourceWarning). Chromium drops connections it no longer needs,
so this happened in the browser tests. Production runs gunicorn, which is not concerned.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server, run_simple

_RESPONSE = "motcua.response"  # the environ key under which the response is kept


class _ClosedOnce:
    """A response whose `close` closes the application's response once, however many
    times it is called (werkzeug's own call, then the handler's)."""

    def __init__(self, body: Iterable[bytes]) -> None:
        self._body = body
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        close = getattr(self._body, "close", None)
        if close is not None:
            close()


class _KeepsResponse:
    """The WSGI application, its response kept in the request's environ for the handler."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> _ClosedOnce:
        response = _ClosedOnce(self.app(environ, start_response))
        environ[_RESPONSE] = response
        return response


class ClosingRequestHandler(WSGIRequestHandler):
    """werkzeug's request handler, closing the response when the request ends, whatever
    happened to the connection."""

    def run_wsgi(self) -> None:
        try:
            super().run_wsgi()
        finally:
            environ = getattr(self, "environ", None) or {}
            response = environ.get(_RESPONSE)
            if response is not None:
                response.close()


def make_threaded_server(host: str, port: int, app: Any) -> BaseWSGIServer:
    """A threaded server of `app` on host:port, to be run with `serve_forever()`."""
    return make_server(host, port, _KeepsResponse(app), threaded=True,
                       request_handler=ClosingRequestHandler)


def run_threaded(host: str, port: int, app: Any) -> None:
    """Serve `app` on host:port until interrupted (what `motcua serve` runs)."""
    run_simple(host, port, _KeepsResponse(app), use_reloader=False, use_debugger=False,
               threaded=True, request_handler=ClosingRequestHandler)
