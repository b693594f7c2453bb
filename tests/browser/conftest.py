"""A real server and Debian's Chromium driven by Playwright; screenshots kept as artefacts."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
MOTCUA = Path(sys.executable).with_name("motcua")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


def left_the_login_page(url: str) -> bool:
    """For `page.wait_for_url` after the login form's button: the page the login leads to
    has come (a read or a `goto` straight after the click can still meet the login page,
    or cut the login's request short)."""
    return urlsplit(url).path != "/dang-nhap"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing — `make test` installs Debian's chromium", pytrace=False)
        pytest.skip("!!! SKIPPING BROWSER TESTS: Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def server_database(seeded_sqlite: Path, tmp_path: Path) -> str:
    """The database the test's server runs on (a copy of the seeded one), for tests that
    write data the pages then show."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(seeded_sqlite, instance / "motcua.db")
    return f"sqlite:///{instance / 'motcua.db'}"


@pytest.fixture
def server(server_database: str, tmp_path: Path) -> Iterator[str]:
    """`motcua serve` on a free port over a copy of the seeded database."""
    instance = tmp_path / "instance"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = {**os.environ, "MOTCUA_INSTANCE": str(instance),
           "MOTCUA_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    with (tmp_path / "server.log").open("wb") as log:
        process = subprocess.Popen([str(MOTCUA), "serve", "--port", str(port)], env=env,  # noqa: S603
                                   stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/v1/procedures", timeout=2).close()  # noqa: S310
            break
        except OSError:
            if time.monotonic() > deadline:
                process.terminate()
                raise
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    folder = ARTIFACTS / request.node.name.replace("/", "_")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# axe-core, vendored and pinned (tests/browser/vendor/axe-core: VERSION, LICENSE MPL-2.0).
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it stands: rule id, impact
    and the elements. The page's context must be made with `bypass_csp=True`: our CSP
    refuses the injected script, as it refuses any inline one."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"] if v["impact"] in SERIOUS]
