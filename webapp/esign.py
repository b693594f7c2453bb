"""The agency's digital signature on what the platform issues, and the signature line an
officer sees beside an uploaded PDF (the ``esign`` connector of `integrations.esign`), with
the line of its timestamp when it has one (PAdES B-T).

When signing fails (the keystore, or the timestamp service down or refusing), nothing is
issued or stored: an uploaded result is refused with the reason (`FormInvalid`), a
document to download answers 503 with it (`SigningUnavailable`); the officer tries again."""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any, cast

from flask import Flask, current_app

from engine import applicants
from engine.core import FormInvalid, ServiceError
from engine.reports import Document
from integrations import Connectors, read_config, registry
from integrations.esign import ESign, SignatureCheck, SigningError, signature_line
from integrations.timestamps import timestamp_words
from webapp.context import current_actor, uow

CACHE_SIZE = 512  # signature lines kept per app, by attachment id
PDF = "application/pdf"


class SigningUnavailable(ServiceError):
    """A document could not be signed now (its reason in Vietnamese); try again later."""

    status = 503
    code = "signing_unavailable"


def connectors() -> Connectors:
    """The app's connectors, built once from `CONNECTORS` (tests) or `MOTCUA_CONNECTORS`."""
    found = current_app.extensions.get("connectors")
    if found is None:
        config = current_app.config.get("CONNECTORS")
        if config is None:
            config = read_config(os.environ.get("MOTCUA_CONNECTORS"))
        found = current_app.extensions["connectors"] = registry().build(config)
    return cast(Connectors, found)


def connector() -> ESign:
    """The platform's ``esign`` connector."""
    return cast(ESign, connectors().get("esign"))


def signed_document(document: Document) -> bytes:
    """`document` as a PDF signed with its agency's key (unsigned with the null connector)."""
    page = document.page
    try:
        return (
            connector()
            .signer_for(page.agency_code)
            .sign_pdf(document.pdf(), agency=page.agency, reason=page.title, location=page.place_date)
        )
    except SigningError as exc:
        raise SigningUnavailable(str(exc)) from exc


def signed_result(content: bytes, *, agency_code: str, agency: str, reason: str) -> bytes:
    """An electronic result (PDF) signed with the agency's key before it is stored; any
    other file is left as it is (the attachment check then judges it)."""
    if not content.startswith(b"%PDF-"):
        return content
    try:
        return (
            connector()
            .signer_for(agency_code)
            .sign_pdf(content, agency=agency, reason=reason, location=agency)
        )
    except SigningError as exc:
        raise FormInvalid(str(exc), [{"field": "file", "message": str(exc)}]) from exc


def paper_signatures(code: str, file: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The signatures of a dossier's PDF paper, each `{"text": "Đã ký số bởi … — hợp lệ",
    "valid": bool}` followed by its timestamp's `{"text": "Dấu thời gian: …, do … cấp —
    hợp lệ", "valid": bool}` when it has one, read once per stored file and kept; none for
    other files."""
    if not file or file.get("media_type") != PDF:
        return []
    cache: OrderedDict[str, list[dict[str, Any]]] = current_app.extensions.setdefault(
        "esign_lines", OrderedDict()
    )
    key = str(file["id"])  # a stored file never changes: a new upload is a new attachment
    if key not in cache:
        with uow() as work:
            _, content = applicants.download_attachment(
                work, actor=current_actor(), code=code, attachment_id=int(file["id"]), inline=True
            )
        cache[key] = [line for check in connector().verify(content) for line in _lines(check)]
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return cache[key]


def _lines(check: SignatureCheck) -> list[dict[str, Any]]:
    lines = [{"text": signature_line(check), "valid": check.valid}]
    if check.timestamp is not None:
        lines.append({"text": timestamp_words(check.timestamp), "valid": check.timestamp.valid})
    return lines


def install(app: Flask) -> None:
    """Offer `paper_signatures` to the templates (the task page's papers)."""
    app.jinja_env.globals["paper_signatures"] = paper_signatures
