"""Digital signatures (issue 19): what an agency issues is signed as PAdES with its PKCS#12
keystore, pyHanko's validator accepts it against the test CA, and any tampering, an
untrusted issuer or a wrong keystore is named."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature as _validate_in_this_thread
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from engine.reports.documents.layout import Page, build
from integrations.esign import (
    SPEC,
    ESign,
    NullSigner,
    Pkcs12Signer,
    SigningError,
    signature_line,
    verify_pdf,
)
from integrations.registry import ConfigError, Registry
from tests.simulators.ca import PASSPHRASE, AgencyCa, make_ca

AGENCY = "UBND phường Minh Xuân"


def validate_pdf_signature(*args: Any, **kwargs: Any) -> Any:
    """pyHanko's validator runs `asyncio.run`: in a thread of its own, it works even where
    an earlier test in this process left an event loop running (Playwright's sync API)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_validate_in_this_thread, *args, **kwargs).result()


@pytest.fixture(scope="module")
def ca() -> AgencyCa:
    return make_ca(AGENCY)


def _document(landscape: bool = False) -> bytes:
    page = Page(
        agency=AGENCY,
        agency_code="MX",
        form="Mẫu số 01",
        title="GIẤY TIẾP NHẬN HỒ SƠ",
        place_date="Hà Nội, ngày 25 tháng 11 năm 2026",
        landscape=landscape,
    )
    blocks = [{"type": "paragraph", "text": "Tiếp nhận hồ sơ của bà {applicant_name}."}]
    return build(
        page, blocks, {"applicant_name": "Nguyễn Thị Hoà", "code": "MX-261125-0001"}, "MX-261125-0001-receipt"
    ).pdf()


def _sign(ca: AgencyCa, pdf: bytes) -> bytes:
    return Pkcs12Signer(ca.keystore, PASSPHRASE).sign_pdf(
        pdf, agency=AGENCY, reason="Giấy tiếp nhận hồ sơ", location="Hà Nội"
    )


def test_a_signed_legal_document_is_accepted_by_pyhankos_validator(ca: AgencyCa) -> None:
    signed = _sign(ca, _document())
    reader = PdfFileReader(io.BytesIO(signed))
    (signature,) = reader.embedded_signatures
    status = validate_pdf_signature(
        signature, signer_validation_context=ValidationContext(trust_roots=[ca.root])
    )
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert status.signing_cert.subject.native["common_name"] == AGENCY
    assert signature_line(verify_pdf(signed, [ca.root])[0]) == f"Đã ký số bởi {AGENCY} — hợp lệ"


def test_a_tampered_copy_fails_and_says_it_was_changed(ca: AgencyCa) -> None:
    signed = _sign(ca, _document())
    at = signed.index(b"/Title")  # inside the signed byte range
    tampered = signed[:at] + b"/Titlf" + signed[at + 6 :]
    (check,) = verify_pdf(tampered, [ca.root])
    assert not check.valid
    assert signature_line(check) == (f"Đã ký số bởi {AGENCY} — không hợp lệ (tài liệu đã bị sửa sau khi ký)")
    reader = PdfFileReader(io.BytesIO(tampered), strict=False)
    status = validate_pdf_signature(
        reader.embedded_signatures[0], signer_validation_context=ValidationContext(trust_roots=[ca.root])
    )
    assert not status.bottom_line


def test_a_certificate_from_an_unknown_authority_is_not_trusted(ca: AgencyCa) -> None:
    stranger = make_ca("Công ty Giả mạo")
    (check,) = verify_pdf(_sign(stranger, _document()), [ca.root])
    assert not check.valid and check.signer == "Công ty Giả mạo"
    assert "không do tổ chức được tin cậy cấp" in check.problem


def test_the_visible_block_sits_on_the_last_page_inside_it(ca: AgencyCa) -> None:
    for landscape in (False, True):
        reader = PdfReader(io.BytesIO(_sign(ca, _document(landscape))))
        last = reader.pages[-1]
        widgets = [a.get_object() for a in last.get("/Annots", []) if a.get_object().get("/FT") == "/Sig"]
        assert len(widgets) == 1
        x1, y1, x2, y2 = (float(v) for v in widgets[0]["/Rect"])
        assert 0 < x1 < x2 <= float(last.mediabox.width) and 0 < y1 < y2 < 200
        assert x2 - x1 == 250 and "/AP" in widgets[0]  # drawn, not an empty field


def test_an_unsigned_or_broken_pdf_has_no_signature(ca: AgencyCa) -> None:
    assert verify_pdf(_document(), [ca.root]) == []
    assert verify_pdf(b"%PDF-1.7 not really", [ca.root]) == []


def test_a_wrong_passphrase_or_a_broken_pdf_is_named(ca: AgencyCa) -> None:
    with pytest.raises(SigningError, match="sai mật khẩu"):
        Pkcs12Signer(ca.keystore, "sai")
    with pytest.raises(SigningError, match="Tệp PDF hỏng"):
        Pkcs12Signer(ca.keystore, PASSPHRASE).sign_pdf(
            b"%PDF-1.7 broken", agency=AGENCY, reason="x", location="y"
        )


def test_the_connector_picks_the_agencys_own_keystore_and_checks_its_health(
    ca: AgencyCa, tmp_path: Path
) -> None:
    own = make_ca("Sở Xây dựng")
    (tmp_path / "province.p12").write_bytes(ca.keystore)
    (tmp_path / "agencies").mkdir()
    (tmp_path / "agencies" / "SXD.p12").write_bytes(own.keystore)
    (tmp_path / "roots.pem").write_bytes(ca.root_pem + own.root_pem)
    registry = Registry()
    registry.register(SPEC)
    esign = registry.build(
        {
            "esign": {
                "implementation": "real",
                "pkcs12_path": str(tmp_path / "province.p12"),
                "keystore_dir": str(tmp_path / "agencies"),
                "passphrase": PASSPHRASE,
                "trust_roots": str(tmp_path / "roots.pem"),
            }
        }
    ).get("esign")
    assert isinstance(esign, ESign)
    assert esign.signer_for("SXD").signer_name == "Sở Xây dựng"
    assert esign.signer_for("MX").signer_name == AGENCY
    assert esign.health().ok and AGENCY in esign.health().detail
    signed = esign.signer_for("SXD").sign_pdf(_document(), agency="Sở Xây dựng", reason="r", location="l")
    assert [c.valid for c in esign.verify(signed)] == [True]


def test_a_real_esign_without_its_keystore_stops_the_start_by_name() -> None:
    registry = Registry()
    registry.register(SPEC)
    with pytest.raises(ConfigError, match=r"esign\.pkcs12_path là bắt buộc"):
        registry.build({"esign": {"implementation": "real", "passphrase": PASSPHRASE}})
    with pytest.raises(SigningError, match="Không đọc được kho khóa"):
        registry.build(
            {"esign": {"implementation": "real", "pkcs12_path": "/khong/co.p12", "passphrase": PASSPHRASE}}
        )


def test_the_null_connector_issues_pdfs_unsigned() -> None:
    esign = ESign({"implementation": "null"})
    pdf = _document()
    assert esign.signer_for("MX").sign_pdf(pdf, agency=AGENCY, reason="r", location="l") == pdf
    assert isinstance(esign.signer_for("MX"), NullSigner) and esign.health().ok
