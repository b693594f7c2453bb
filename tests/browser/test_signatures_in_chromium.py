"""The task page shows who signed each PDF paper and whether it holds (issue 19), in
Chromium at 390 and 1280 px: no sideways scroll, axe-core clean, screenshots kept."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF

from integrations.esign import Pkcs12Signer
from tests.browser.conftest import MOTCUA, axe_violations
from tests.functional.test_desk import PAPERS
from tests.helpers import MINH_XUAN, PERMIT, permit_data
from tests.simulators.ca import PASSPHRASE, make_ca

AGENCY = "UBND phường Minh Xuân"
WIDTHS = (390, 1280)


def _signed_pdf(keystore: bytes, text: str) -> bytes:
    document = FPDF()
    document.set_compression(False)  # the text stays findable, to tamper with it
    document.add_page()
    document.set_font("helvetica", size=14)
    document.cell(0, 12, text)
    return Pkcs12Signer(keystore, PASSPHRASE).sign_pdf(
        bytes(document.output()), agency=AGENCY, reason="Chứng thực bản sao", location="Hà Nội"
    )


@pytest.fixture
def signing_server(server_database: str, tmp_path: Path) -> Iterator[tuple[str, bytes]]:
    """`motcua serve` with the esign connector trusting a CA made here; the CA's keystore."""
    ca = make_ca(AGENCY)
    (tmp_path / "tinh.p12").write_bytes(ca.keystore)
    (tmp_path / "goc.pem").write_bytes(ca.root_pem)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    base = f"http://127.0.0.1:{port}"
    connectors = {
        "esign": {
            "implementation": "real",
            "pkcs12_path": str(tmp_path / "tinh.p12"),
            "passphrase": PASSPHRASE,
            "trust_roots": str(tmp_path / "goc.pem"),
        }
    }
    env = {
        **os.environ,
        "MOTCUA_INSTANCE": str(tmp_path / "instance"),
        "MOTCUA_PUBLIC_URL": base,
        "MOTCUA_CONNECTORS": json.dumps(connectors),
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
    yield base, ca.keystore
    process.terminate()
    process.wait(timeout=10)


def _dossier_with_signed_papers(browser: Any, base: str, keystore: bytes) -> str:
    """A paper dossier received at the desk, with a signed and a tampered PDF attached."""
    context = browser.new_context()
    api = context.request
    session = api.post(
        f"{base}/api/v1/session", data={"username": "motcua.minhxuan", "password": "motcua-demo-2026"}
    )
    assert session.status == 201
    csrf = {"X-CSRF-Token": str(session.json()["csrf_token"])}  # a multipart call carries it
    made = api.post(
        f"{base}/api/v1/desk/dossiers",
        data={
            "procedure": PERMIT,
            "agency": MINH_XUAN,
            "data": permit_data(),
            "papers": PAPERS,
            "decision": "complete",
            "reception": {"ket_qua_kiem_tra": "tiep_nhan"},
            "channel": "desk",
            "contact": {"phone": "0987654321"},
        },
    )
    assert made.status == 201, made.text()
    code = str(made.json()["code"])
    # pyHanko runs its own event loop: not inside Playwright's, so in a thread of its own.
    with ThreadPoolExecutor(1) as pool:
        signed = pool.submit(_signed_pdf, keystore, "Ban sao giay chung nhan quyen su dung dat").result()
    tampered = signed.replace(b"Ban sao", b"Ban SAO", 1)  # inside the signed bytes
    for paper, name, content in (
        (PAPERS[0], "don-da-ky.pdf", signed),
        (PAPERS[1], "ban-sao-bi-sua.pdf", tampered),
    ):
        attached = api.post(
            f"{base}/api/v1/dossiers/{code}/attachments",
            headers=csrf,
            multipart={
                "paper": paper,
                "file": {"name": name, "mimeType": "application/pdf", "buffer": content},
            },
        )
        assert attached.status == 201, attached.text()
    context.close()
    return code


def test_the_task_page_names_each_signer_and_whether_it_holds(
    browser: Any, signing_server: tuple[str, bytes], shots: Path
) -> None:
    base, keystore = signing_server
    code = _dossier_with_signed_papers(browser, base, keystore)
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{base}/dang-nhap")
        page.get_by_label("Tên đăng nhập").fill("chuyenvien.minhxuan")
        page.get_by_label("Mật khẩu").fill("motcua-demo-2026")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{base}/can-bo")
        page.locator("a", has_text=code).first.click()
        page.wait_for_selector("#papers")
        page.wait_for_load_state("load")
        papers = page.locator("#papers").inner_text()
        assert f"Đã ký số bởi {AGENCY} — hợp lệ" in papers
        assert f"Đã ký số bởi {AGENCY} — không hợp lệ (tài liệu đã bị sửa sau khi ký)" in papers
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(shots / f"signatures-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the task page at {width} px scrolls sideways by {overflow} px"
        assert axe_violations(page) == [], width
        context.close()
