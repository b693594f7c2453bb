"""Digital signatures (chữ ký số) on the PDFs the agencies issue, and the check of signed
PDFs that applicants upload. Connector name: ``esign``.

Results and legal documents (01–06) leave the platform signed as PAdES (ETSI EN 319 142,
baseline B-B: CMS with the signing certificate's hash, SHA-256; baseline B-T when a
timestamp service is configured: the signature also carries an RFC 3161 timestamp token
from it, `integrations.timestamps`) with a visible signature
block on the last page naming the signer, the agency and the time — Luật Giao dịch điện tử
2023 art. 22–23, NĐ 30/2020 art. 14. The key is the agency's: a PKCS#12 keystore named in
configuration (`Pkcs12Signer`), or any remote signing service (an HSM, the province's
signing server) behind the `Signer` Protocol. The null connector leaves PDFs unsigned.

`verify_pdf` reads every signature of a PDF with pyHanko's validator against the
configured trust roots (the national root CA in production) and says, in words an officer
reads, who signed and whether the signature holds, and, for a B-T signature, who stamped it
and when («Dấu thời gian: …, do … cấp — hợp lệ», `timestamp_words`).

Configuration (`MOTCUA_CONNECTORS` → ``esign``): ``pkcs12_path`` the province's keystore,
``keystore_dir`` optional per-agency keystores named ``<agency code>.p12``, ``passphrase``,
``trust_roots`` PEM/DER files separated by ``:`` (the timestamp services' roots too);
``tsa_url`` the timestamp service (RFC 3161 over HTTP; left out: B-B), ``tsa_username`` and
``tsa_password`` (HTTP Basic, if it asks), ``tsa_timeout`` seconds. The health check asks
the timestamp service for a timestamp. When it does not answer or refuses, signing fails
with a `SigningError` naming it: nothing is signed or stored, the officer tries again.
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

from asn1crypto import pem, x509
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from integrations.registry import ConnectorSpec, Field, Health
from integrations.timestamps import (
    NOT_SIGNED,
    TSA_FIELDS,
    TimestampCheck,
    TimestampUnavailable,
    TrustedTimeStamper,
    timestamp_of,
    timestamper,
    tsa_health,
)

__all__ = [
    "SPEC",
    "ESign",
    "NullSigner",
    "Pkcs12Signer",
    "SignatureCheck",
    "Signer",
    "SigningError",
    "load_certificates",
    "signature_line",
    "verify_pdf",
]

T = TypeVar("T")
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts/dejavu")
FIELD_NAME = "ChuKySoCoQuan"
# The visible block, in PDF points from the page's lower left corner: bottom right of an
# A4 page (portrait 595 × 842, landscape 842 × 595), clear of the 15 mm margin.
BLOCK_WIDTH, BLOCK_HEIGHT, BLOCK_MARGIN = 250, 62, 42
STAMP_TEXT = "Ký số bởi: %(signer)s\nCơ quan: %(agency)s\nThời gian: %(ts)s"


class SigningError(Exception):
    """A keystore that cannot be used, or a PDF that cannot be signed (message in Vietnamese)."""


class Signer(Protocol):
    """Signs a PDF for one agency: the local keystore or a remote signing service."""

    @property
    def signer_name(self) -> str:
        """Who signs (the certificate's common name), shown in the visible block."""
        ...

    def sign_pdf(self, pdf: bytes, *, agency: str, reason: str, location: str) -> bytes:
        """`pdf` with a PAdES signature and its visible block appended (incremental update)."""
        ...


class NullSigner:
    """Development: the PDF is issued unsigned."""

    signer_name = ""

    def sign_pdf(self, pdf: bytes, *, agency: str, reason: str, location: str) -> bytes:
        """`pdf` unchanged."""
        return pdf


def _font_file() -> str:
    for folder in (os.environ.get("MOTCUA_PDF_FONT_DIR", ""), *FONT_DIRS):
        if folder and (Path(folder) / "DejaVuSans.ttf").is_file():
            return str(Path(folder) / "DejaVuSans.ttf")
    raise SigningError(
        "Không tìm thấy phông chữ DejaVu để in khối chữ ký số; "
        "đặt MOTCUA_PDF_FONT_DIR tới thư mục chứa DejaVuSans.ttf."
    )


@lru_cache(maxsize=2)
def _font_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


@dataclass(frozen=True)
class _Font(GlyphAccumulatorFactory):
    """pyHanko's factory opens the font file and never closes it; this one reads it once."""

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_font_bytes(self.font_file)),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


class Pkcs12Signer:
    """The agency's own key and certificate, from a PKCS#12 (.p12/.pfx) keystore."""

    def __init__(
        self, pkcs12: bytes, passphrase: str | None, *, stamper: TrustedTimeStamper | None = None
    ) -> None:
        try:
            loaded = signers.SimpleSigner.load_pkcs12_data(
                pkcs12, other_certs=[], passphrase=passphrase.encode() if passphrase else None
            )
        except (ValueError, TypeError) as exc:
            raise SigningError("Không mở được kho khóa PKCS#12 (sai mật khẩu hoặc tệp hỏng).") from exc
        if loaded is None or loaded.signing_cert is None:
            raise SigningError("Kho khóa PKCS#12 không có chứng thư số để ký.")
        self._signer = loaded
        self._stamper = stamper  # B-T when set

    @classmethod
    def from_file(
        cls, path: str | Path, passphrase: str | None, *, stamper: TrustedTimeStamper | None = None
    ) -> Pkcs12Signer:
        """The keystore at `path` (configuration names the file, never its bytes)."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise SigningError(f"Không đọc được kho khóa PKCS#12 «{path}».") from exc
        return cls(data, passphrase, stamper=stamper)

    @property
    def certificate(self) -> x509.Certificate:
        """The signing certificate."""
        cert: x509.Certificate | None = self._signer.signing_cert
        assert cert is not None  # checked at load
        return cert

    @property
    def signer_name(self) -> str:
        """The certificate's common name (or its whole subject)."""
        return _common_name(self.certificate)

    def sign_pdf(self, pdf: bytes, *, agency: str, reason: str, location: str) -> bytes:
        """`pdf` signed (PAdES B-B, SHA-256; B-T with a timestamp service) with a visible
        block on its last page; no timestamp to be had: `SigningError`, nothing signed."""
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            page, _ = writer.find_page_for_modification(-1)  # type: ignore[no-untyped-call]
            right = _page_width(page.get_object())
        except Exception as exc:  # pyHanko raises many kinds on a malformed PDF
            raise SigningError("Tệp PDF hỏng, không ký số được.") from exc
        left = int(right) - BLOCK_MARGIN - BLOCK_WIDTH
        box = (left, BLOCK_MARGIN, left + BLOCK_WIDTH, BLOCK_MARGIN + BLOCK_HEIGHT)
        style = TextStampStyle(
            stamp_text=STAMP_TEXT,
            timestamp_format="%H:%M:%S %d/%m/%Y",
            text_box_style=TextBoxStyle(font=_Font(_font_file(), font_size=8)),
            border_width=1,
        )
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            reason=reason,
            location=location,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            name=self.signer_name,
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer=self._signer,
            timestamper=self._stamper,
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=-1, box=box),
        )
        out = io.BytesIO()
        try:
            _outside_any_loop(
                pdf_signer.sign_pdf,
                writer,
                output=out,
                appearance_text_params={"signer": self.signer_name, "agency": agency},
            )
        except TimestampUnavailable as exc:
            raise SigningError(NOT_SIGNED.format(reason=exc)) from exc
        return out.getvalue()


def _outside_any_loop(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """pyHanko's synchronous calls run an event loop of their own (`asyncio.run`): called
    where one already runs (an async server, a browser-driving test), they go to a thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _page_width(page: Any) -> float:
    """The page's width in points; the media box may be inherited from its parents."""
    node = page
    while "/MediaBox" not in node:
        node = node["/Parent"]
    return float(node["/MediaBox"][2]) - float(node["/MediaBox"][0])


def _common_name(cert: x509.Certificate) -> str:
    native = cert.subject.native
    return str(native.get("common_name") or cert.subject.human_friendly)


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a PDF as an officer needs it: who, when, and whether it holds."""

    signer: str
    signed_at: datetime | None
    valid: bool
    problem: str  # why it does not hold, in Vietnamese ("" when valid)
    timestamp: TimestampCheck | None = None  # a B-T signature's timestamp token


def load_certificates(paths: Iterable[str | Path]) -> list[x509.Certificate]:
    """Trust roots from PEM or DER files (a PEM file may hold several certificates)."""
    certificates = []
    for path in paths:
        data = Path(path).read_bytes()
        if pem.detect(data):
            certificates += [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
        else:
            certificates.append(x509.Certificate.load(data))
    return certificates


def verify_pdf(pdf: bytes, trust_roots: Sequence[x509.Certificate]) -> list[SignatureCheck]:
    """Every signature of `pdf`, checked by pyHanko against `trust_roots`: the bytes it
    covers unchanged, the cryptography sound, the certificate chained to a trusted root
    and nothing but allowed changes (e.g. later signatures) after it. An unreadable PDF
    or one without signatures gives an empty list; nothing is fetched from the network."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # a malformed upload is simply not a signed PDF
        return []
    checks = []
    for signature in embedded:
        context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False)
        try:
            status = _outside_any_loop(validate_pdf_signature, signature, signer_validation_context=context)
        except Exception:  # a broken signature dictionary or CMS blob
            checks.append(SignatureCheck("", None, False, "chữ ký số hỏng, không đọc được"))
            continue
        checks.append(
            SignatureCheck(
                signer=_common_name(status.signing_cert),
                signed_at=status.signer_reported_dt,
                valid=bool(status.bottom_line),
                problem=_problem(status),
                timestamp=timestamp_of(status),
            )
        )
    return checks


def _problem(status: Any) -> str:
    if not status.intact:
        return "tài liệu đã bị sửa sau khi ký"
    if not status.valid:
        return "chữ ký không khớp với chứng thư số"
    if not status.trusted:
        return "chứng thư số không do tổ chức được tin cậy cấp, hoặc đã hết hạn"
    stamp = timestamp_of(status)
    if stamp is not None and not stamp.valid:
        return "dấu thời gian bị sửa, hoặc đơn vị cấp dấu thời gian không được tin cậy"
    if not status.bottom_line:
        return "tài liệu bị thay đổi sau khi ký"
    return ""


def signature_line(check: SignatureCheck) -> str:
    """The line shown beside a paper: «Đã ký số bởi … — hợp lệ/không hợp lệ (why)»."""
    who = check.signer or "không rõ người ký"
    if check.valid:
        return f"Đã ký số bởi {who} — hợp lệ"
    return f"Đã ký số bởi {who} — không hợp lệ ({check.problem})"


class ESign:
    """The ``esign`` connector: a signer per agency and the trust roots to check with."""

    name = "esign"

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.implementation = str(settings["implementation"])
        self._passphrase: str | None = settings.get("passphrase")
        self._default = settings.get("pkcs12_path") or ""
        self._folder = settings.get("keystore_dir") or ""
        roots = [p for p in str(settings.get("trust_roots") or "").split(":") if p]
        self.trust_roots: list[x509.Certificate] = load_certificates(roots) if roots else []
        self._signers: dict[str, Signer] = {}
        self.stamper = timestamper(settings)
        if self.implementation == "real":
            self.signer_for("")  # a wrong keystore or passphrase stops the start, by name

    def signer_for(self, agency_code: str) -> Signer:
        """The agency's signer: its own keystore if configured, else the province's."""
        if self.implementation != "real":
            return NullSigner()
        own = Path(self._folder) / f"{agency_code}.p12" if self._folder and agency_code else None
        path = str(own) if own is not None and own.is_file() else self._default
        if path not in self._signers:
            self._signers[path] = Pkcs12Signer.from_file(path, self._passphrase, stamper=self.stamper)
        return self._signers[path]

    def verify(self, pdf: bytes) -> list[SignatureCheck]:
        """The signatures of an uploaded PDF, checked against the configured trust roots."""
        return verify_pdf(pdf, self.trust_roots)

    def health(self) -> Health:
        """The province's keystore opens and its certificate is within its validity; with a
        timestamp service, it grants a timestamp now."""
        if self.implementation != "real":
            return Health(True, "không ký số (null)")
        keystore = self._keystore_health()
        if self.stamper is None:
            return keystore
        stamps = tsa_health(self.stamper)
        return Health(keystore.ok and stamps.ok, f"{keystore.detail}; {stamps.detail}")

    def _keystore_health(self) -> Health:
        signer = self.signer_for("")
        if not isinstance(signer, Pkcs12Signer):
            return Health(True, "ký số từ xa")
        validity = signer.certificate["tbs_certificate"]["validity"]
        ends = validity["not_after"].native
        if ends < datetime.now(ends.tzinfo):
            return Health(False, f"chứng thư số của {signer.signer_name} đã hết hạn")
        return Health(True, f"ký bằng chứng thư của {signer.signer_name}, hạn đến {ends:%d/%m/%Y}")


SPEC = ConnectorSpec(
    name="esign",
    label="Chữ ký số (PAdES) cho kết quả và văn bản",
    fields=(
        Field("pkcs12_path", "text", required=True, help="Kho khóa PKCS#12 của tỉnh (.p12)"),
        Field(
            "keystore_dir",
            "text",
            default="",
            help="Thư mục kho khóa riêng của từng cơ quan: <mã cơ quan>.p12",
        ),
        Field("passphrase", "secret", required=True, help="Mật khẩu kho khóa"),
        Field(
            "trust_roots", "text", default="", help="Chứng thư gốc tin cậy (PEM/DER), cách nhau bởi dấu «:»"
        ),
        *TSA_FIELDS,
    ),
    null=ESign,
    real=ESign,
)
