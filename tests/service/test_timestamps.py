"""Trusted timestamps (PAdES B-T, RFC 3161): with a timestamp service configured in the
``esign`` connector, every signature carries a token from it over the signature's value,
`verify_pdf` says who stamped and when and whether it holds; a service that is down or
refuses stops the signing by name; without one, signatures stay B-B. Real HTTP against the
TSA simulator (`tests/simulators/tsa.py`) on a loopback port of 5320-5329."""

from __future__ import annotations

import hashlib
import io
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import cms, tsp
from pyhanko.pdf_utils.reader import PdfFileReader

from integrations.esign import SPEC, ESign, Pkcs12Signer, SigningError, signature_line, verify_pdf
from integrations.registry import ConfigError, Registry
from integrations.timestamps import TrustedTimeStamper, timestamp_words, timestamper
from tests.service.test_signing import AGENCY, _document
from tests.simulators.ca import PASSPHRASE, AgencyCa, issue_tsa, make_ca
from tests.simulators.tsa import TsaSimulator

PORTS = range(5320, 5330)  # this suite's share of loopback ports


def free_port() -> int:
    """A port of 5320-5329 nobody listens on."""
    for port in PORTS:
        with socket.socket() as sock:
            # as the simulator binds (HTTPServer): a port left in TIME_WAIT is free to it
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5320-5329")


@pytest.fixture(scope="module")
def ca() -> AgencyCa:
    return make_ca(AGENCY)


@pytest.fixture
def tsa(ca: AgencyCa) -> Iterator[TsaSimulator]:
    simulator = TsaSimulator(issue_tsa(ca, "TSA Thử nghiệm Quốc gia"), port=free_port()).start()
    yield simulator
    simulator.stop()


def _stamper(tsa: TsaSimulator) -> TrustedTimeStamper:
    stamper = timestamper({"tsa_url": tsa.url, "tsa_timeout": 5})
    assert stamper is not None
    return stamper


def _sign(ca: AgencyCa, tsa: TsaSimulator) -> bytes:
    return Pkcs12Signer(ca.keystore, PASSPHRASE, stamper=_stamper(tsa)).sign_pdf(
        _document(), agency=AGENCY, reason="Kết quả giải quyết", location="Hà Nội"
    )


def _signer_info(pdf: bytes) -> cms.SignerInfo:
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    return signature.signer_info


def test_a_signed_result_carries_a_timestamp_over_its_signature(ca: AgencyCa, tsa: TsaSimulator) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    signed = _sign(ca, tsa)
    info = _signer_info(signed)
    attributes = info["unsigned_attrs"]
    (token,) = [a["values"][0] for a in attributes if a["type"].native == "signature_time_stamp_token"]
    tst_info = token["content"]["encap_content_info"]["content"].parsed
    imprint = tst_info["message_imprint"]
    assert imprint["hash_algorithm"]["algorithm"].native == "sha256"
    assert imprint["hashed_message"].native == hashlib.sha256(info["signature"].native).digest()
    assert "granted" in tsa.state.answered
    (check,) = verify_pdf(signed, [ca.root])
    assert check.valid and check.timestamp is not None
    assert check.timestamp.valid and check.timestamp.tsa == "TSA Thử nghiệm Quốc gia"
    assert before <= check.timestamp.at <= datetime.now(UTC)
    assert signature_line(check) == f"Đã ký số bởi {AGENCY} — hợp lệ"
    vietnam = check.timestamp.at + timedelta(hours=7)
    assert timestamp_words(check.timestamp) == (
        f"Dấu thời gian: {vietnam:%H:%M:%S %d/%m/%Y}, do TSA Thử nghiệm Quốc gia cấp — hợp lệ"
    )


def test_a_timestamp_from_an_untrusted_service_is_named(ca: AgencyCa) -> None:
    stranger = TsaSimulator(issue_tsa(make_ca("CA lạ"), "TSA Lạ"), port=free_port()).start()
    try:
        signed = _sign(ca, stranger)
    finally:
        stranger.stop()
    (check,) = verify_pdf(signed, [ca.root])  # the signer is trusted, the stamper is not
    assert not check.valid and check.timestamp is not None and not check.timestamp.valid
    assert check.problem == "dấu thời gian bị sửa, hoặc đơn vị cấp dấu thời gian không được tin cậy"
    assert timestamp_words(check.timestamp).endswith(
        "do TSA Lạ cấp — không hợp lệ (dấu thời gian bị sửa, hoặc đơn vị cấp không được tin cậy)"
    )


@pytest.mark.parametrize(
    ("trouble", "said"),
    [
        ("refuse", "từ chối cấp dấu thời gian"),
        ("down", "trả lỗi HTTP 500"),
        ("stopped", "không kết nối được máy chủ cấp dấu thời gian"),
        ("delay", "không trả lời kịp"),
    ],
)
def test_a_timestamp_service_down_or_refusing_stops_the_signing_by_name(
    ca: AgencyCa, tsa: TsaSimulator, trouble: str, said: str
) -> None:
    stamper = timestamper({"tsa_url": tsa.url, "tsa_timeout": 1})
    assert stamper is not None
    signer = Pkcs12Signer(ca.keystore, PASSPHRASE, stamper=stamper)
    if trouble == "stopped":
        tsa.stop()
    else:
        setattr(tsa.state, trouble, 1.5 if trouble == "delay" else True)
    with pytest.raises(SigningError) as raised:
        signer.sign_pdf(_document(), agency=AGENCY, reason="r", location="l")
    assert said in str(raised.value) and "hãy thử lại" in str(raised.value)
    assert str(raised.value).startswith("Chưa ký số được vì ")
    if trouble == "stopped":
        return  # (stopping twice is harmless)
    setattr(tsa.state, trouble, 0 if trouble == "delay" else False)  # back: the same signer signs
    signed = signer.sign_pdf(_document(), agency=AGENCY, reason="r", location="l")
    (check,) = verify_pdf(signed, [ca.root])
    assert check.valid and check.timestamp is not None and check.timestamp.valid


def _esign(ca: AgencyCa, tmp_path: Path, **tsa: object) -> ESign:
    (tmp_path / "tinh.p12").write_bytes(ca.keystore)
    (tmp_path / "goc.pem").write_bytes(ca.root_pem)
    registry = Registry()
    registry.register(SPEC)
    config = {
        "implementation": "real",
        "pkcs12_path": str(tmp_path / "tinh.p12"),
        "passphrase": PASSPHRASE,
        "trust_roots": str(tmp_path / "goc.pem"),
        **tsa,
    }
    esign = registry.build({"esign": config}).get("esign")
    assert isinstance(esign, ESign)
    return esign


def test_the_connector_stamps_every_signature_and_its_health_asks_the_service(
    ca: AgencyCa, tsa: TsaSimulator, tmp_path: Path
) -> None:
    esign = _esign(ca, tmp_path, tsa_url=tsa.url, tsa_timeout=5)
    health = esign.health()
    assert health.ok and f"máy chủ cấp dấu thời gian {tsa.url} cấp dấu thời gian" in health.detail
    assert f"ký bằng chứng thư của {AGENCY}" in health.detail
    signed = esign.signer_for("MX").sign_pdf(_document(), agency=AGENCY, reason="r", location="l")
    (check,) = esign.verify(signed)
    assert check.valid and check.timestamp is not None and check.timestamp.valid
    tsa.state.refuse = True
    refused = esign.health()
    assert not refused.ok and refused.detail.endswith(f"{tsa.url} từ chối cấp dấu thời gian")


def test_without_a_timestamp_service_signatures_stay_b_b(ca: AgencyCa, tmp_path: Path) -> None:
    esign = _esign(ca, tmp_path)
    assert esign.health().detail.startswith(f"ký bằng chứng thư của {AGENCY}")
    signed = esign.signer_for("MX").sign_pdf(_document(), agency=AGENCY, reason="r", location="l")
    assert not _signer_info(signed)["unsigned_attrs"].native  # no timestamp token
    (check,) = esign.verify(signed)
    assert check.valid and check.timestamp is None


def test_a_timestamp_service_address_must_be_http() -> None:
    registry = Registry()
    registry.register(SPEC)
    with pytest.raises(ConfigError, match=r"esign\.tsa_url phải là địa chỉ http:// hoặc https://"):
        registry.build({"esign": {"implementation": "null", "tsa_url": "tsa.example.gov.vn"}})


def test_the_simulator_speaks_rfc_3161_over_http(tsa: TsaSimulator) -> None:
    import requests

    query = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": b"\x01" * 32},
            "cert_req": True,
        }
    )
    wrong = requests.post(tsa.url, query.dump(), headers={"Content-Type": "application/json"}, timeout=5)
    assert wrong.status_code == 415
    answer = requests.post(
        tsa.url, query.dump(), headers={"Content-Type": "application/timestamp-query"}, timeout=5
    )
    assert answer.headers["Content-Type"] == "application/timestamp-reply"
    response = tsp.TimeStampResp.load(answer.content)
    assert response["status"]["status"].native == "granted"
    signed_data = response["time_stamp_token"]["content"]
    (tsa_cert,) = [c.chosen for c in signed_data["certificates"]]
    extensions = tsa_cert["tbs_certificate"]["extensions"]
    usage = next(e for e in extensions if e["extn_id"].native == "extended_key_usage")
    assert usage["critical"].native and usage["extn_value"].native == ["time_stamping"]
