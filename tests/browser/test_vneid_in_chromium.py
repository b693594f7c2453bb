"""A citizen logs in with VNeID in Chromium: the login page's button, the local OpenID
Connect provider's consent page, and back in «Hồ sơ của tôi» — on a phone (390 px) and a
desk (1280 px); the login page with its VNeID section does not scroll sideways and axe-core
finds nothing serious or critical (issue 19)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import MOTCUA, axe_violations
from tests.simulators.oidc import CITIZEN, OidcProvider

WIDTHS = (390, 1280)


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    simulator = OidcProvider().start()
    yield simulator
    simulator.stop()


@pytest.fixture
def vneid_server(server_database: str, tmp_path: Path, provider: OidcProvider) -> Iterator[str]:
    """`motcua serve` configured with the local provider as its VNeID."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    base = f"http://127.0.0.1:{port}"
    provider.redirect_uris.append(f"{base}/dang-nhap/vneid/ve")
    env = {
        **os.environ,
        "MOTCUA_INSTANCE": str(tmp_path / "instance"),
        "MOTCUA_PUBLIC_URL": base,
        "MOTCUA_CONNECTORS": json.dumps({"vneid": provider.settings()}),
    }
    with (tmp_path / "server.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [str(MOTCUA), "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
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


def _fits(page: Any, shots: Path, name: str, width: int) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    assert overflow <= 0, f"{name} at {width} px scrolls sideways by {overflow} px"
    assert axe_violations(page) == [], (name, width)


def test_a_citizen_logs_in_with_vneid_and_lands_in_my_dossiers(
    browser: Any, vneid_server: str, shots: Path
) -> None:
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{vneid_server}/dang-nhap")
        button = page.get_by_role("link", name="Đăng nhập bằng VNeID")
        assert button.is_visible()
        _fits(page, shots, "vneid-login", width)
        button.click()
        page.wait_for_url("**/authorize?**")
        assert "VNeID — xác nhận đăng nhập" in page.content()
        page.get_by_role("button", name="Đồng ý").click()
        page.wait_for_url(f"{vneid_server}/ca-nhan")
        assert page.locator("h1").inner_text() == "Hồ sơ của tôi"
        assert "Đã đăng nhập bằng VNeID." in page.content()
        assert CITIZEN["name"] in page.content()
        _fits(page, shots, "vneid-my-dossiers", width)
        context.close()
