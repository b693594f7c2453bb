"""Trusted timestamps (dấu thời gian, RFC 3161) on the platform's signatures: PAdES B-T.

A B-B signature carries only the signer's own claim of when it signed. With ``tsa_url`` set
in the ``esign`` connector, every signature also carries a signature timestamp token from a
licensed timestamp service (dịch vụ cấp dấu thời gian): the TSA signs the hash of our
signature value and the time, so the signature proves when it was made, by a third party,
and stays verifiable after the signer's certificate expires (Luật Giao dịch điện tử 2023,
NĐ 23/2025 on timestamp services).

The request is pyHanko's HTTP client (`RequestsHTTPTimeStamper`: POST of a DER
``TimeStampReq`` as ``application/timestamp-query``, a DER ``TimeStampResp`` back as
``application/timestamp-reply``), with HTTP Basic credentials when configured. Every way it
can fail (no answer, an HTTP error, a refusal, a malformed reply) becomes one
`TimestampUnavailable` whose message an officer reads; `esign` turns it into its
`SigningError`, so nothing is signed half-way and the officer may try again.

Settings (`TSA_FIELDS`): ``tsa_url`` (left out: no timestamp, B-B), ``tsa_username``,
``tsa_password``, ``tsa_timeout`` (seconds).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from asn1crypto import cms, tsp
from pyhanko.sign.timestamps.common_utils import dummy_digest
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

from engine.core import VN_TZ
from integrations.registry import Field, Health

__all__ = [
    "NOT_SIGNED",
    "TSA_FIELDS",
    "TimestampCheck",
    "TimestampUnavailable",
    "TrustedTimeStamper",
    "timestamp_of",
    "timestamp_words",
    "timestamper",
    "tsa_health",
]

TSA_FIELDS = (
    Field(
        "tsa_url",
        "url",
        default="",
        help="Địa chỉ dịch vụ cấp dấu thời gian (RFC 3161); không khai báo: chữ ký không có dấu thời gian",
    ),
    Field("tsa_username", "text", default="", help="Tên đăng nhập dịch vụ cấp dấu thời gian (nếu có)"),
    Field("tsa_password", "text", default="", help="Mật khẩu dịch vụ cấp dấu thời gian (nếu có)"),
    Field("tsa_timeout", "int", default=10, help="Thời gian chờ dịch vụ cấp dấu thời gian (giây)"),
)
TSA = "máy chủ cấp dấu thời gian"
NOT_SIGNED = (  # what the officer reads when signing stops for want of a timestamp
    "Chưa ký số được vì {reason}: chữ ký phải có dấu thời gian. Văn bản chưa được ký và chưa "
    "được lưu; hãy thử lại sau ít phút."
)


class TimestampUnavailable(Exception):
    """No timestamp could be had; the message says why, in Vietnamese."""


class _HttpError(Exception):
    """The TSA answered something else than a timestamp reply (its HTTP status)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Refused(Exception):
    """The TSA answered with a status that grants nothing (rejection, waiting…)."""


class _Response(tsp.TimeStampResp):  # type: ignore[misc]
    _fields = [("status", tsp.PKIStatusInfo), ("time_stamp_token", cms.ContentInfo, {"optional": True})]  # noqa: RUF012


class TrustedTimeStamper(RequestsHTTPTimeStamper):
    """pyHanko's RFC 3161 HTTP client, whose failures all say in words what went wrong."""

    def __init__(self, url: str, *, timeout: int, auth: tuple[str, str] | None) -> None:
        super().__init__(url, timeout=timeout, auth=auth)  # type: ignore[no-untyped-call]

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        """pyHanko's POST, read with the token OPTIONAL as RFC 3161 has it: asn1crypto's
        `TimeStampResp` requires one, so a TSA's plain refusal could not be read as such."""

        def post() -> tsp.TimeStampResp:
            answer = requests.post(
                self.url, req.dump(), headers=self.request_headers(), auth=self.auth, timeout=self.timeout
            )
            if answer.headers.get("Content-Type") != "application/timestamp-reply":
                raise _HttpError(answer.status_code)
            response = _Response.load(answer.content)
            if response["status"]["status"].native not in ("granted", "granted_with_mods"):
                raise _Refused(response["status"]["status"].native)
            return response

        return await asyncio.to_thread(post)

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        """A timestamp token over `message_digest`, or `TimestampUnavailable`."""
        try:
            return await super().async_timestamp(message_digest, md_algorithm)
        except Exception as exc:  # the network, the TSA, its DER: each told apart below
            raise TimestampUnavailable(_failure(self.url, exc)) from exc


def _failure(url: str, exc: Exception) -> str:
    """Why no timestamp came from `url`, in words."""
    if isinstance(exc, requests.Timeout):
        return f"{TSA} {url} không trả lời kịp"
    if isinstance(exc, requests.RequestException):
        return f"không kết nối được {TSA} {url}"
    if isinstance(exc, _HttpError) and exc.status >= 400:
        return f"{TSA} {url} trả lỗi HTTP {exc.status}"
    if isinstance(exc, _Refused):
        return f"{TSA} {url} từ chối cấp dấu thời gian"
    return f"{TSA} {url} trả lời không đúng giao thức RFC 3161"


def timestamper(settings: Mapping[str, Any]) -> TrustedTimeStamper | None:
    """The configured TSA's client, or None when ``tsa_url`` is empty (B-B signatures)."""
    url = str(settings.get("tsa_url") or "")
    if not url:
        return None
    username, password = settings.get("tsa_username") or "", settings.get("tsa_password") or ""
    return TrustedTimeStamper(
        url,
        timeout=int(settings.get("tsa_timeout") or 10),
        auth=(username, password) if username else None,
    )


def tsa_health(stamper: TrustedTimeStamper) -> Health:
    """Whether the TSA grants a timestamp now (a real request, over an empty digest)."""

    def ask() -> cms.ContentInfo:
        return asyncio.run(stamper.async_timestamp(dummy_digest("sha256"), "sha256"))

    try:
        with ThreadPoolExecutor(1) as pool:  # its own event loop, wherever we are called
            token = pool.submit(ask).result()
    except TimestampUnavailable as exc:
        return Health(False, str(exc))
    info = token["content"]["encap_content_info"]["content"].parsed
    return Health(True, f"{TSA} {stamper.url} cấp dấu thời gian ({_tsa_name(info)})")


def _tsa_name(info: Any) -> str:
    """The TSA's name in a TSTInfo (its `tsa` field), or "" when it gives none."""
    name = info["tsa"]
    if name.native is None or name.name != "directory_name":
        return ""
    return str(name.chosen.native.get("common_name") or name.chosen.human_friendly)


@dataclass(frozen=True)
class TimestampCheck:
    """A signature's timestamp token as the officer and the citizen read it."""

    tsa: str  # who stamped: the TSA certificate's common name
    at: datetime  # when, as the TSA attests
    valid: bool  # the token is intact and its TSA chains to a trusted root


def timestamp_of(status: Any) -> TimestampCheck | None:
    """The signature timestamp of a pyHanko `PdfSignatureStatus`, None for a B-B signature."""
    found = getattr(status, "timestamp_validity", None)
    if found is None:
        return None
    cert = found.signing_cert
    tsa = str(cert.subject.native.get("common_name") or cert.subject.human_friendly) if cert else ""
    valid = bool(found.intact and found.valid and found.trusted)
    return TimestampCheck(tsa=tsa, at=found.timestamp, valid=valid)


def timestamp_words(check: TimestampCheck) -> str:
    """«Dấu thời gian: 10:09:45 01/12/2026, do … cấp — hợp lệ» (Vietnam time)."""
    at = check.at.astimezone(VN_TZ)
    said = f"Dấu thời gian: {at:%H:%M:%S %d/%m/%Y}, do {check.tsa or 'không rõ đơn vị'} cấp"
    if check.valid:
        return f"{said} — hợp lệ"
    return f"{said} — không hợp lệ (dấu thời gian bị sửa, hoặc đơn vị cấp không được tin cậy)"
