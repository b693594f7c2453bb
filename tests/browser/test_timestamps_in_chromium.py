"""The task page reads a PDF paper's trusted timestamp (PAdES B-T) beside its signature:
«Dấu thời gian: …, do … cấp — hợp lệ», in Chromium at 390 and 1280 px: no sideways scroll,
axe-core clean at every impact level, screenshots kept. The server and the TSA simulator
listen on loopback ports of 5320-5329."""

from __future__ import annotations

import json
import os
import re
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
from integrations.timestamps import timestamper
from tests.browser.conftest import AXE, MOTCUA
from tests.functional.test_desk import PAPERS
from tests.helpers import MINH_XUAN, PERMIT, permit_data
from tests.service.test_timestamps import free_port
from tests.simulators.ca import PASSPHRASE, AgencyCa, issue_tsa, make_ca
from tests.simulators.tsa import TsaSimulator

AGENCY = "UBND phường Minh Xuân"
TSA_NAME = "TSA Thử nghiệm Quốc gia"
WIDTHS = (390, 1280)


def _stamped_pdf(ca: AgencyCa, tsa_url: str, text: str) -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=14)
    document.cell(0, 12, text)
    return Pkcs12Signer(ca.keystore, PASSPHRASE, stamper=timestamper({"tsa_url": tsa_url})).sign_pdf(
        bytes(document.output()), agency=AGENCY, reason="Chứng thực bản sao", location="Hà Nội"
    )


@pytest.fixture
def stamping_server(server_database: str, tmp_path: Path) -> Iterator[tuple[str, AgencyCa, TsaSimulator]]:
    """`motcua serve` whose esign connector stamps with the TSA simulator; the CA; the TSA."""
    ca = make_ca(AGENCY)
    tsa = TsaSimulator(issue_tsa(ca, TSA_NAME), port=free_port()).start()
    (tmp_path / "tinh.p12").write_bytes(ca.keystore)
    (tmp_path / "goc.pem").write_bytes(ca.root_pem)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    esign = {"implementation": "real", "pkcs12_path": str(tmp_path / "tinh.p12"), "passphrase": PASSPHRASE,
             "trust_roots": str(tmp_path / "goc.pem"), "tsa_url": tsa.url}
    env = {**os.environ, "MOTCUA_INSTANCE": str(tmp_path / "instance"), "MOTCUA_PUBLIC_URL": base,
           "MOTCUA_CONNECTORS": json.dumps({"esign": esign})}
    with (tmp_path / "server.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [str(MOTCUA), "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/v1/procedures", timeout=2).close()  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base, ca, tsa
    finally:
        process.terminate()
        process.wait(timeout=10)
        tsa.stop()


def _dossier_with_a_stamped_paper(browser: Any, base: str, ca: AgencyCa, tsa: TsaSimulator) -> str:
    """A paper dossier received at the desk, with a signed and timestamped PDF attached."""
    context = browser.new_context()
    api = context.request
    session = api.post(
        f"{base}/api/v1/session", data={"username": "motcua.minhxuan", "password": "motcua-demo-2026"}
    )
    assert session.status == 201
    made = api.post(f"{base}/api/v1/desk/dossiers", data={
        "procedure": PERMIT, "agency": MINH_XUAN, "data": permit_data(), "papers": PAPERS,
        "decision": "complete", "reception": {"ket_qua_kiem_tra": "tiep_nhan"}, "channel": "desk",
        "contact": {"phone": "0987654321"}})
    assert made.status == 201, made.text()
    code = str(made.json()["code"])
    with ThreadPoolExecutor(1) as pool:  # pyHanko's own event loop, not inside Playwright's
        stamped = pool.submit(_stamped_pdf, ca, tsa.url, "Ban sao giay chung nhan").result()
    attached = api.post(
        f"{base}/api/v1/dossiers/{code}/attachments",
        headers={"X-CSRF-Token": str(session.json()["csrf_token"])},
        multipart={"paper": PAPERS[0],
                   "file": {"name": "ban-sao.pdf", "mimeType": "application/pdf", "buffer": stamped}},
    )
    assert attached.status == 201, attached.text()
    context.close()
    return code


def test_the_task_page_reads_a_papers_timestamp(
    browser: Any, stamping_server: tuple[str, AgencyCa, TsaSimulator], shots: Path
) -> None:
    base, ca, tsa = stamping_server
    code = _dossier_with_a_stamped_paper(browser, base, ca, tsa)
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
        when = r"\d\d:\d\d:\d\d \d\d/\d\d/\d{4}"
        assert re.search(f"Dấu thời gian: {when}, do {TSA_NAME} cấp — hợp lệ", papers)
        stamp = page.get_by_text("Dấu thời gian:").first
        stamp.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"timestamp-{width}.png"))
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the task page at {width} px scrolls sideways by {overflow} px"
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
        assert [(v["id"], v["impact"]) for v in found] == [], width  # every impact level
        context.close()
