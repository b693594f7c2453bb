"""Sending files to the browser: always as downloads, with Vietnamese names kept."""

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
