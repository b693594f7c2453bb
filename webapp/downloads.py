"""Sending files to the browser: as downloads, with Vietnamese names kept; PDFs and images
also inline, for the officers' task page to show them in place."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response

from engine.core import fold


def content_disposition(filename: str) -> str:
    """An attachment header carrying a Vietnamese name safely (RFC 6266 / 5987)."""
    fallback = fold(filename).encode("ascii", "ignore").decode() or "tep"
    fallback = fallback.replace('"', "").replace("\\", "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def file_response(content: bytes, media_type: str, filename: str) -> Response:
    """A stored file as a download that the browser never renders in our origin."""
    response = Response(content, mimetype=media_type)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


# What the task page may show in place: the types pdf.js and <img> render.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})


def inline_response(content: bytes, media_type: str, filename: str) -> Response:
    """A stored PDF or image for the page to show in place (pdf.js, ``<img>``): its own
    type, `inline`, never sniffed into another type, sandboxed if opened on its own, not
    kept in shared caches (it is personal data)."""
    if media_type not in INLINE_TYPES:
        raise ValueError(f"not shown inline: {media_type}")
    response = Response(content, mimetype=media_type)
    response.headers["Content-Disposition"] = content_disposition(filename).replace(
        "attachment;", "inline;", 1)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
