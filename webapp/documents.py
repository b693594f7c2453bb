"""Sending a legal document of `engine.reports.documents` (data) as a Flask response:
a PDF download, or printable HTML rendered here from `templates/document.html`."""

from __future__ import annotations

import segno
from flask import Response, render_template

from engine.reports import Document
from webapp.esign import signed_document


def qr_data_uri(value: str) -> str:
    """A QR code of `value` as an SVG `data:` URI (the CSP allows `data:` images)."""
    return str(segno.make(value, error="m").svg_data_uri(scale=3))


def document_html(document: Document) -> str:
    """The standalone, printable HTML page of `document` (A4, print stylesheet, no script)."""
    return render_template("document.html", document=document, page=document.page,
                           qr=qr_data_uri)


def document_response(document: Document, fmt: str) -> Response:
    """`document` as `fmt`: "html" shown inline, otherwise the PDF as a download."""
    if fmt == "html":
        response = Response(document_html(document), mimetype="text/html")
        disposition = "inline"
    else:
        response = Response(signed_document(document), mimetype="application/pdf")
        disposition = "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{document.filename(fmt)}"'
    return response
