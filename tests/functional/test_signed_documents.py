"""What an agency issues leaves signed with its key, and an officer sees who signed an
uploaded PDF and whether the signature holds (issue 19, digital signatures)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from fpdf import FPDF

from engine.wiring import Platform
from integrations.esign import Pkcs12Signer, verify_pdf
from tests.functional.test_citizen_area import PAGE, citizen_client, flat, officer, post_form
from tests.helpers import complete, page_login, paper_files, permit_data, token
from tests.simulators.ca import PASSPHRASE, AgencyCa, make_ca

AGENCY = "UBND phường Minh Xuân"


@pytest.fixture(scope="module")
def ca() -> AgencyCa:
    return make_ca(AGENCY)


@pytest.fixture
def signing_app(platform: Platform, tmp_path: Path, ca: AgencyCa) -> Flask:
    from webapp import create_app

    (tmp_path / "tinh.p12").write_bytes(ca.keystore)
    (tmp_path / "goc.pem").write_bytes(ca.root_pem)
    return create_app(
        {
            "TESTING": True,
            "PLATFORM": platform,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": platform.database_url,
            "CONNECTORS": {
                "esign": {
                    "implementation": "real",
                    "pkcs12_path": str(tmp_path / "tinh.p12"),
                    "passphrase": PASSPHRASE,
                    "trust_roots": str(tmp_path / "goc.pem"),
                }
            },
        }
    )


def _pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.set_compression(False)  # the text stays findable, to tamper with it
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(100, 10, text)
    return bytes(pdf.output())


def _submit(app: Flask, papers: dict[str, tuple[io.BytesIO, str]] | None = None) -> str:
    citizen = citizen_client(app)
    response = post_form(
        citizen, PAGE, {**flat(permit_data()), **(papers or paper_files()), "_action": "submit"}
    )
    assert response.status_code == 303, response.data.decode()[:2000]
    return str(response.headers["Location"].split("/")[-2])


def test_the_legal_documents_and_the_receipt_are_signed_by_the_agency(
    signing_app: Flask, ca: AgencyCa
) -> None:
    citizen = citizen_client(signing_app)
    response = post_form(citizen, PAGE, {**flat(permit_data()), **paper_files(), "_action": "submit"})
    code = response.headers["Location"].split("/")[-2]
    receipt = citizen.get(f"/ho-so/{code}/bien-nhan.pdf")
    assert receipt.status_code == 200
    assert [(c.signer, c.valid) for c in verify_pdf(receipt.data, [ca.root])] == [(AGENCY, True)]
    complete(officer(signing_app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    for kind in ("receipt", "control_slip"):
        document = citizen.get(f"/api/v1/dossiers/{code}/documents/{kind}")
        assert document.status_code == 200 and document.mimetype == "application/pdf"
        (check,) = verify_pdf(document.data, [ca.root])
        assert check.valid and check.signer == AGENCY
    html = citizen.get(f"/api/v1/dossiers/{code}/documents/receipt?format=html")
    assert html.status_code == 200 and html.mimetype == "text/html"  # the printable page stays


def test_the_citizen_downloads_the_result_signed_and_a_broken_pdf_is_refused(
    signing_app: Flask, ca: AgencyCa
) -> None:
    citizen = citizen_client(signing_app)
    code = _submit(signing_app)
    complete(officer(signing_app, "motcua.minhxuan"), code, {"ket_qua_kiem_tra": "tiep_nhan"})
    complete(
        officer(signing_app, "chuyenvien.minhxuan"),
        code,
        {"de_xuat": "cap_phep", "y_kien_tham_dinh": "Đủ điều kiện cấp phép."},
    )
    complete(
        officer(signing_app, "lanhdao.minhxuan"), code, {"quyet_dinh": "cap_phep", "so_giay_phep": "125/GPXD"}
    )
    desk = signing_app.test_client()
    page_login(desk, "motcua.minhxuan")
    link = re.search(r'href="(/can-bo/cong-viec/\d+)"', desk.get("/can-bo").data.decode())
    assert link is not None
    page = desk.get(link.group(1)).data
    broken = desk.post(
        f"{link.group(1)}/ket-qua",
        data={"csrf_token": token(page), "file": (io.BytesIO(b"%PDF-1.7 broken"), "giay-phep.pdf")},
    )
    assert broken.status_code == 303
    assert "Tệp PDF hỏng, không ký số được." in desk.get(link.group(1)).data.decode()
    assert "Tải kết quả" not in citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    attached = desk.post(
        f"{link.group(1)}/ket-qua",
        data={"csrf_token": token(page), "file": (io.BytesIO(_pdf("Giay phep 125/GPXD")), "gp-125.pdf")},
    )
    assert attached.status_code == 303
    mine = citizen.get(f"/ca-nhan/ho-so/{code}").data.decode()
    href = re.search(r'href="(/ca-nhan/ho-so/[^"]+/tep/\d+)"[^>]*>[^<]*Tải kết quả', mine) or re.search(
        rf'href="(/ca-nhan/ho-so/{code}/tep/\d+)"', mine.split("Tải kết quả")[0][-400:]
    )
    assert href is not None
    result = citizen.get(href.group(1))
    assert result.status_code == 200
    (check,) = verify_pdf(result.data, [ca.root])
    assert check.valid and check.signer == AGENCY


def test_officers_see_who_signed_an_uploaded_pdf_and_whether_it_holds(
    signing_app: Flask, ca: AgencyCa
) -> None:
    other = make_ca("Văn phòng công chứng Số 1")  # its root is not among the trusted
    signed = Pkcs12Signer(ca.keystore, PASSPHRASE).sign_pdf(
        _pdf("Ban sao chung thuc"), agency=AGENCY, reason="Chứng thực", location="Hà Nội"
    )
    at = signed.index(b"Ban sao")
    tampered = signed[:at] + b"Ban SAO" + signed[at + 7 :]
    foreign = Pkcs12Signer(other.keystore, PASSPHRASE).sign_pdf(
        _pdf("Hop dong"), agency="VPCC", reason="Công chứng", location="Hà Nội"
    )
    papers = {
        "_file.0": (io.BytesIO(signed), "ban-sao.pdf"),
        "_file.1": (io.BytesIO(tampered), "ban-sao-sua.pdf"),
        "_file.2": (io.BytesIO(foreign), "hop-dong.pdf"),
    }
    _submit(signing_app, papers)
    desk = signing_app.test_client()
    page_login(desk, "motcua.minhxuan")
    link = re.search(r'href="(/can-bo/cong-viec/\d+)"', desk.get("/can-bo").data.decode())
    assert link is not None
    page = desk.get(link.group(1)).data.decode()
    assert f"Đã ký số bởi {AGENCY} — hợp lệ" in page
    assert f"Đã ký số bởi {AGENCY} — không hợp lệ (tài liệu đã bị sửa sau khi ký)" in page
    assert (
        "Đã ký số bởi Văn phòng công chứng Số 1 — không hợp lệ (chứng thư số không do tổ "
        "chức được tin cậy cấp, hoặc đã hết hạn)"
    ) in page
    assert page.count("Đã ký số bởi") == 3
