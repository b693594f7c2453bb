"""A real server and Debian's Chromium driven by Playwright; screenshots kept as artefacts."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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


PASSWORD = "motcua-demo-2026"
_SIGNED_IN: dict[tuple[str, str], tuple[Any, str]] = {}  # (server, username) -> state, landing


def signed_in_page(browser: Any, base: str, username: str, **options: Any) -> Any:
    """A page of a new browser context (made with `options`) signed in as `username`, on the
    page the login leads to: through the login page the first time on this server, then
    with the cookies that login left (Playwright's storage state), as a person who logged
    in and opens a new window."""
    state, landing = _SIGNED_IN.get((base, username), (None, ""))
    context = browser.new_context(storage_state=state, **options)
    page = context.new_page()
    if state is None:
        page.goto(f"{base}/dang-nhap")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(left_the_login_page)
        _SIGNED_IN[(base, username)] = (context.storage_state(), page.url)
    else:
        page.goto(landing)
    return page


# Whole-page screenshots are for people looking at the pages, never read by a test: ~470
# of them a run, each a relayout and a PNG of the whole page, were minutes of `make test`
# on two cores. They are taken when MOTCUA_SCREENSHOTS=1; an element's screenshot is always
# taken, since it first waits for the element to be visible and stable (a check).
SCREENSHOTS = os.environ.get("MOTCUA_SCREENSHOTS") == "1"


def _no_page_screenshot(page: Any, **options: Any) -> bytes:
    # A screenshot waited for the page to be drawn, stylesheet included; checks made right
    # after a click relied on it (axe-core judged unstyled links too small when they raced
    # the stylesheet's revalidation), so the stand-in keeps that wait.
    page.wait_for_load_state("load")
    return b""


def copy_screenshot(shot: Path, folder: Path) -> None:
    """Copy a screenshot into `folder` for a person to look at — when it was taken (a page's
    only with MOTCUA_SCREENSHOTS=1) and the folder is there; a copy is never a check."""
    if shot.is_file() and folder.is_dir():
        shutil.copy(shot, folder / shot.name)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing — `make test` installs Debian's chromium", pytrace=False)
        pytest.skip("!!! SKIPPING BROWSER TESTS: Debian's chromium is not installed")
    from playwright.sync_api import Page, sync_playwright

    if not SCREENSHOTS:
        Page.screenshot = _no_page_screenshot  # type: ignore[assignment, method-assign]
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


@contextmanager
def serving(instance: Path) -> Iterator[str]:
    """The application of `instance` (its motcua.db) on a free port, served as `motcua
    serve` serves it (werkzeug's threaded server) but in the test's own process: a `motcua
    serve` process spent two seconds of CPU importing the code before its first answer, for
    each of the sixty-odd browser tests. tests/functional/test_server.py runs the command."""
    from webapp.app import create_app
    from webapp.serving import make_threaded_server

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    base = f"http://127.0.0.1:{port}"
    app = create_app({"INSTANCE_PATH": str(instance), "PUBLIC_URL": base})
    served = make_threaded_server("127.0.0.1", port, app)
    thread = threading.Thread(target=served.serve_forever, name=f"motcua-{port}", daemon=True)
    thread.start()
    try:
        urllib.request.urlopen(f"{base}/api/v1/procedures", timeout=30).close()  # noqa: S310
        yield base
    finally:
        for key in [key for key in _SIGNED_IN if key[0] == base]:
            del _SIGNED_IN[key]  # a later server may get the port; the cookies are not its
        served.shutdown()
        thread.join(timeout=10)
        app.extensions["motcua"].dispose()


@pytest.fixture
def server(server_database: str, tmp_path: Path) -> Iterator[str]:
    """The application over the test's copy of the seeded database (`server_database`)."""
    with serving(tmp_path / "instance") as base:
        yield base


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    name: str = request.node.name
    folder = ARTIFACTS / name.replace("/", "_")
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
