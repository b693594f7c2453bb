"""End to end on a phone (390 × 844 px in Chromium): a citizen new to the system logs in
with VNeID at the local OpenID Connect provider, submits a building permit with its
papers, the desk officer receives it, the worker's task drains the connectors' outbox,
and the national portal's simulator has the dossier-sync messages of the code shown on
the citizen's receipt: status 1 after the submission, then 2 after the reception, each
once and in that order (issue 19). Screenshots of the login, the receipt and the
citizen's dossier page (before and after the reception) go to /tmp/shots19d/ and the
usual artefacts folder; the receipt page is axe-core clean."""

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
from celery import Celery

from tests.browser.conftest import MOTCUA, axe_violations, copy_screenshot
from tests.simulators.oidc import CITIZEN, OidcProvider
from tests.simulators.portal import SECRET, PortalState, running_portal

PHONE = {"width": 390, "height": 844}
PERMIT = "1.009994"
DESK = "motcua.minhxuan"
PASSWORD = "motcua-demo-2026"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SHOTS = Path("/tmp/shots19d")  # noqa: S108 - beside the artefacts, where the brief asks for them


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    simulator = OidcProvider().start()
    yield simulator
    simulator.stop()


@pytest.fixture
def portal() -> Iterator[tuple[str, PortalState]]:
    with running_portal() as running:
        yield running


@pytest.fixture
def connectors(provider: OidcProvider, portal: tuple[str, PortalState]) -> str:
    """`MOTCUA_CONNECTORS`: VNeID at the local provider, the portal at its simulator."""
    return json.dumps(
        {
            "vneid": provider.settings(),
            "portal": {"implementation": "real", "url": portal[0], "secret": SECRET, "timeout": 5},
        }
    )


@pytest.fixture
def app_server(
    server_database: str, tmp_path: Path, provider: OidcProvider, connectors: str
) -> Iterator[str]:
    """`motcua serve` over a copy of the seeded database, with both connectors real."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    base = f"http://127.0.0.1:{port}"
    provider.redirect_uris.append(f"{base}/dang-nhap/vneid/ve")
    env = {
        **os.environ,
        "MOTCUA_INSTANCE": str(tmp_path / "instance"),
        "MOTCUA_PUBLIC_URL": base,
        "MOTCUA_CONNECTORS": connectors,
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


@pytest.fixture
def worker(server_database: str, tmp_path: Path, connectors: str) -> Iterator[Celery]:
    """The worker's Celery app, configured as in production from its settings (the server's
    database, the same connectors), its tasks run here."""
    from worker.app import make_celery

    app = make_celery(
        {
            "INSTANCE": str(tmp_path / "worker"),
            "DATABASE_URL": server_database,
            "BROKER_URL": "memory://",
            "CONNECTORS": connectors,
            "TIMER_LOOP": "0",
        }
    )
    app.conf.task_always_eager = True
    app.set_current()
    app.loader.import_default_modules()
    yield app


def _shot(page: Any, shots: Path, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    copy_screenshot(SHOTS / f"{name}.png", shots)


def _next(page: Any, then: str) -> None:
    """«Tiếp tục», then the next section's field (an error summary instead fails, named)."""
    page.click("#next-step")
    page.wait_for_selector(f"{then}, #error-summary")
    if page.locator("#error-summary").count():
        raise AssertionError(page.inner_text("#error-summary"))


def _deliver(worker: Celery) -> dict[str, int]:
    done: dict[str, int] = worker.tasks["motcua.deliver_connectors"].apply().get()
    return done


def _receive(browser: Any, base: str, code: str) -> None:
    """The desk officer, in a browser of their own, logs in through the API and completes
    the dossier's reception task."""
    desk = browser.new_context()
    api = desk.request
    session = api.post(f"{base}/api/v1/session", data={"username": DESK, "password": PASSWORD})
    assert session.status == 201, session.text()
    headers = {"X-CSRF-Token": session.json()["csrf_token"]}
    inbox = api.get(f"{base}/api/v1/tasks")
    assert inbox.status == 200, inbox.text()
    mine = [t for t in inbox.json()["tasks"] if t["dossier"] == code]
    assert len(mine) == 1, mine
    done = api.post(
        f"{base}/api/v1/tasks/{mine[0]['id']}/complete",
        headers=headers,
        data={"data": {"ket_qua_kiem_tra": "tiep_nhan"}},
    )
    assert done.status == 200, done.text()
    desk.close()


def test_a_new_citizen_logs_in_with_vneid_submits_and_the_portal_sees_1_then_2(
    browser: Any,
    app_server: str,
    worker: Celery,
    portal: tuple[str, PortalState],
    shots: Path,
    tmp_path: Path,
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    state = portal[1]
    context = browser.new_context(locale="vi-VN", viewport=PHONE, bypass_csp=True)
    page = context.new_page()

    page.goto(f"{app_server}/dang-nhap")
    _shot(page, shots, "01-login")
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    page.wait_for_url("**/authorize?**")
    assert "VNeID — xác nhận đăng nhập" in page.content()
    _shot(page, shots, "02-vneid-consent")
    page.get_by_role("button", name="Đồng ý").click()
    page.wait_for_url(f"{app_server}/ca-nhan")
    assert page.locator("h1").inner_text() == "Hồ sơ của tôi"
    assert "Đã đăng nhập bằng VNeID." in page.content()
    assert CITIZEN["name"] in page.content()
    assert "Bạn chưa nộp hồ sơ nào." in page.inner_text("main")  # a new account
    _shot(page, shots, "03-logged-in")

    page.goto(f"{app_server}/thu-tuc/{PERMIT}")
    page.click("#start-journey")
    page.wait_for_selector("#f-dia_chi_lien_he")
    # The account was made from the ID token's claims: they fill the form.
    assert page.input_value("#f-so_dinh_danh") == CITIZEN["id_number"]
    assert page.input_value("#f-ho_ten") == CITIZEN["name"]
    assert page.input_value("#f-dien_thoai") == CITIZEN["phone_number"]
    page.fill("#f-dia_chi_lien_he", "Tổ 7, phường Minh Xuân")
    _next(page, "#f-lo_dat-dia_chi")
    page.fill("#f-lo_dat-dia_chi", "Số 12 đường Bình Thuận")
    page.fill("#f-lo_dat-dien_tich", "120,5")
    _next(page, "#f-cong_trinh-so_tang")
    page.check("#f-cong_trinh-loai_cong_trinh-0")
    page.fill("#f-cong_trinh-dien_tich_xay_dung", "80")
    page.fill("#f-cong_trinh-so_tang", "3")
    page.fill("#f-cong_trinh-chieu_cao", "12,5")
    _next(page, "#f-don_vi_thiet_ke-0-ten")
    page.fill("#f-don_vi_thiet_ke-0-ten", "Công ty TNHH Thiết kế Sông Lô")
    _next(page, "#f-ngay_khoi_cong")
    page.fill("#f-ngay_khoi_cong", "15/01/2027")
    page.check("#f-cam_ket")
    _next(page, "#paper-0-file")
    for slot, name in enumerate(("don-de-nghi.pdf", "giay-chung-nhan-dat.pdf", "ban-ve.pdf")):
        paper = tmp_path / name
        paper.write_bytes(PDF + name.encode())
        page.set_input_files(f"#paper-{slot}-file", str(paper))
    _next(page, "#submit-dossier")
    assert "ban-ve.pdf" in page.inner_text("main")
    page.click("#submit-dossier")
    page.wait_for_selector("#dossier-code")

    code = page.inner_text("#dossier-code").strip()
    assert code.startswith("000.00.12.H64-")
    _shot(page, shots, "04-receipt")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Hồ sơ của tôi").last.click()
    page.wait_for_url(f"**/ca-nhan/ho-so/{code}")
    mine = page.inner_text("main")
    assert code in mine and "Mới đăng ký" in mine
    assert all(name in mine for name in ("don-de-nghi.pdf", "giay-chung-nhan-dat.pdf", "ban-ve.pdf"))
    _shot(page, shots, "05-my-dossier")

    submitted = _deliver(worker)
    assert submitted["failed"] == 0 and submitted["sent"] >= 1
    assert state.statuses(code) == [1]  # the submission alone: status 1

    _receive(browser, app_server, code)
    received = _deliver(worker)
    assert received["failed"] == 0 and received["sent"] >= 2
    statuses = state.statuses(code)
    assert statuses[:2] == [1, 2], statuses  # 1 then 2, in that order…
    assert statuses.count(1) == 1 and statuses.count(2) == 1, statuses  # …each once
    assert state.keys_acknowledged_twice() == []
    assert _deliver(worker)["sent"] == 0  # nothing left, nothing sent twice
    syncs = [c.body["dossier"] for c in state.calls if c.path == "/dossier-sync"]
    assert {d["code"] for d in syncs} == {code}  # the receipt's code, the portal's code
    assert {d["applicant_name"] for d in syncs} == {CITIZEN["name"]}
    assert {d["procedure_code"] for d in syncs} == {PERMIT}
    assert [d["status_label"] for d in syncs[:2]] == ["Mới đăng ký", "Được tiếp nhận"]
    page.reload()  # the citizen sees the reception too
    assert "Mới đăng ký" not in page.inner_text("main")
    assert "Đang xử lý" in page.inner_text("main")
    _shot(page, shots, "06-my-dossier-received")
    context.close()
