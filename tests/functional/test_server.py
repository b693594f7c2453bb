"""`make run`'s path on a fresh instance folder: migrate, seed, serve — over real HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

MOTCUA = Path(sys.executable).with_name("motcua")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_fresh_instance_is_migrated_seeded_and_served(tmp_path: Path) -> None:
    env = {**os.environ, "MOTCUA_INSTANCE": str(tmp_path / "instance")}
    for command in (["db", "upgrade"], ["seed"]):
        done = subprocess.run([str(MOTCUA), *command], env=env, capture_output=True, text=True,  # noqa: S603
                              timeout=120, check=False)
        assert done.returncode == 0, done.stderr
    port = _free_port()
    server = subprocess.Popen([str(MOTCUA), "serve", "--port", str(port)], env=env,  # noqa: S603
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/v1/procedures", timeout=5) as response:  # noqa: S310
                    catalogue = json.load(response)
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert {p["code"] for p in catalogue["procedures"]} == {"1.009994", "2.000635"}
        with urllib.request.urlopen(f"{base}/", timeout=5) as response:  # noqa: S310
            assert "Thủ tục hành chính" in response.read().decode()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert "motcua.minhxuan" in output and "motcua-demo-2026" in output  # demo logins printed
    assert (tmp_path / "instance" / "motcua.db").exists()
