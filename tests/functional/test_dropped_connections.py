"""A browser that goes away in the middle of a response (Chromium drops connections it no
longer needs) leaves no file of the application open on the server: the test server (the
browser tests' `serving`, werkzeug's threaded server as `motcua serve` runs it) closes the
response when the client went away. An unclosed static file was a ResourceWarning that,
with warnings as errors, failed whichever test happened to collect it."""

from __future__ import annotations

import gc
import shutil
import socket
import struct
import threading
import warnings
from pathlib import Path
from urllib.parse import urlsplit

from tests.browser.conftest import serving


def _arrived_unread(sock: socket.socket) -> None:
    """Wait until the whole response has arrived in `sock`'s buffer, without reading it."""
    while True:
        data = sock.recv(1 << 20, socket.MSG_PEEK)
        head, blank, body = data.partition(b"\r\n\r\n")
        if not blank:
            continue
        lengths = [line.split(b":", 1)[1] for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")]
        assert lengths, head.decode("latin-1")
        if len(body) >= int(lengths[0]):
            return


def _drop_mid_response(base: str, path: str) -> None:
    """Ask for `path` and go away with the body unread: a reset, as a browser's tab closes."""
    address = urlsplit(base)
    with socket.create_connection((str(address.hostname), int(address.port or 80))) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {address.netloc}\r\n\r\n".encode())
        _arrived_unread(sock)


def _requests_finished() -> None:
    """Wait for the server's request threads (socketserver's) to end."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and "process_request" in thread.name:
            thread.join(timeout=30)


def test_a_static_file_is_closed_when_the_browser_drops_the_connection(
    seeded_sqlite: Path, tmp_path: Path
) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(seeded_sqlite, instance / "motcua.db")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gc.collect()  # what earlier tests left for the collector is not this test's subject
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with serving(instance) as base:
            for _ in range(5):
                _drop_mid_response(base, "/static/style.css")
            _requests_finished()
        gc.collect()
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)
                and "style.css" in str(w.message)]
    assert unclosed == []
