"""With a timestamp service in the ``esign`` connector, what the agency issues carries a
trusted timestamp (PAdES B-T); when the service refuses or is down, the officer reads why,
nothing is stored or handed out unstamped, and trying again once it is back works. Real HTTP
against the TSA simulator on a loopback port of 5320-5329."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from engine.wiring import Platform
from integrations.esign import Pkcs12Signer, verify_pdf
from integrations.timestamps import timestamper
from tests.functional.test_citizen_area import PAGE, citizen_client, flat, officer, post_form
from tests.functional.test_signed_documents import _pdf
from tests.helpers import complete, page_login, paper_files, permit_data, token
from tests.service.test_timestamps import free_port
from tests.simulators.ca import PASSPHRASE, AgencyCa, issue_tsa, make_ca
from tests.simulators.tsa import TsaSimulator

AGENCY = "UBND phường Minh Xuân"
TSA_NAME = "TSA Thử nghiệm Quốc gia"


@pytest.fixture(scope="module")
def ca() -> AgencyCa:
    return make_ca(AGENCY)


@pytest.fixture
def tsa(ca: AgencyCa) -> Iterator[TsaSimulator]:
    simulator = TsaSimulator(issue_tsa(ca, TSA_NAME), port=free_port()).start()
    yield simulator
    simulator.stop()


@pytest.fixture
def stamping_app(platform: Platform, tmp_path: Path, ca: AgencyCa, tsa: TsaSimulator) -> Flask:
    from webapp import create_app

    (tmp_path / "tinh.p12").write_bytes(ca.keystore)
    (tmp_path / "goc.pem").write_bytes(ca.root_pem)
    esign = {
        "implementation": "real",
        "pkcs12_path": str(tmp_path / "tinh.p12"),
        "passphrase": PASSPHRASE,
        "trust_roots": str(tmp_path / "goc.pem"),
        "tsa_url": tsa.url,
        "tsa_timeout": 5,
    }
    return create_app(
        {
            "TESTING": True,
            "PLATFORM": platform,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": platform.database_url,
            "CONNECTORS": {"esign": esign},
        }
    )


def _text(page: bytes) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.decode())))


def _resolved(app: Flask) -> tuple[str, str]:
    """A permit dossier granted by the leader; its code and the desk's task link."""
    citizen = citizen_client(app)
    response = post_form(citizen, PAGE, {**flat(permit_data()), **paper_files(), "_action": "submit"})
    code = str(response.headers["Location"].split("/")[-2])
    complete(officer(app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    complete(officer(app, "chuyenvien.minhxuan"), code,
             {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."})
    complete(officer(app, "lanhdao.minhxuan"), code, {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"})
    desk = app.test_client()
    page_login(desk, "motcua.minhxuan")
    link = re.search(r'href="(/can-bo/cong-viec/\d+)"', desk.get("/can-bo").data.decode())
    assert link is not None
    return code, link.group(1)


def test_a_refused_timestamp_stores_no_result_and_the_retry_is_stamped(
    stamping_app: Flask, ca: AgencyCa, tsa: TsaSimulator
) -> None:
    code, task = _resolved(stamping_app)
    desk = stamping_app.test_client()
    page_login(desk, "motcua.minhxuan")
    csrf = token(desk.get(task).data)
    tsa.state.refuse = True
    refused = desk.post(f"{task}/ket-qua", data={"csrf_token": csrf,
                                                 "file": (io.BytesIO(_pdf("Giay phep 125")), "gp.pdf")})
    assert refused.status_code == 303
    said = _text(desk.get(task).data)
    assert (f"Chưa ký số được vì máy chủ cấp dấu thời gian {tsa.url} từ chối cấp dấu thời gian: chữ "
            "ký phải có dấu thời gian. Văn bản chưa được ký và chưa được lưu; hãy thử lại sau ít "
            "phút.") in said
    mine = citizen_client(stamping_app)
    assert "Tải kết quả" not in mine.get(f"/ca-nhan/ho-so/{code}").data.decode()  # nothing stored
    tsa.state.refuse = False
    attached = desk.post(f"{task}/ket-qua", data={"csrf_token": csrf,
                                                  "file": (io.BytesIO(_pdf("Giay phep 125")), "gp.pdf")})
    assert attached.status_code == 303
    assert f"Đã đính kèm kết quả điện tử của hồ sơ {code}." in _text(desk.get(task).data)
    page = mine.get(f"/ca-nhan/ho-so/{code}").data.decode()
    href = re.search(rf'href="(/ca-nhan/ho-so/{code}/tep/\d+)"', page.split("Tải kết quả")[0][-400:])
    assert href is not None
    (check,) = verify_pdf(mine.get(href.group(1)).data, [ca.root])
    assert check.valid and check.timestamp is not None
    assert check.timestamp.valid and check.timestamp.tsa == TSA_NAME


def test_documents_wait_for_the_service_and_officers_read_a_papers_timestamp(
    stamping_app: Flask, ca: AgencyCa, tsa: TsaSimulator
) -> None:
    stamper = timestamper({"tsa_url": tsa.url})
    stamped = Pkcs12Signer(ca.keystore, PASSPHRASE, stamper=stamper).sign_pdf(
        _pdf("Ban sao chung thuc"), agency=AGENCY, reason="Chứng thực", location="Hà Nội")
    citizen = citizen_client(stamping_app)
    papers = {**paper_files(), "_file.0": (io.BytesIO(stamped), "ban-sao.pdf")}
    response = post_form(citizen, PAGE, {**flat(permit_data()), **papers, "_action": "submit"})
    assert response.status_code == 303, response.data.decode()[:2000]
    code = response.headers["Location"].split("/")[-2]
    tsa.state.down = True
    receipt = citizen.get(f"/ho-so/{code}/bien-nhan.pdf")
    assert receipt.status_code == 503
    assert f"máy chủ cấp dấu thời gian {tsa.url} trả lỗi HTTP 500" in _text(receipt.data)
    tsa.state.down = False
    receipt = citizen.get(f"/ho-so/{code}/bien-nhan.pdf")
    assert receipt.status_code == 200
    (check,) = verify_pdf(receipt.data, [ca.root])
    assert check.valid and check.timestamp is not None and check.timestamp.valid
    desk = stamping_app.test_client()
    page_login(desk, "motcua.minhxuan")
    link = re.search(r'href="(/can-bo/cong-viec/\d+)"', desk.get("/can-bo").data.decode())
    assert link is not None
    page = _text(desk.get(link.group(1)).data)
    assert f"Đã ký số bởi {AGENCY} — hợp lệ" in page
    assert re.search(rf"Dấu thời gian: \d\d:\d\d:\d\d \d\d/\d\d/\d{{4}}, do {TSA_NAME} cấp — hợp lệ", page)
