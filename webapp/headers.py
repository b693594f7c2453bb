"""Security headers on every response: pages, JSON, files, errors.

The Content-Security-Policy is the second wall behind escaping: procedure forms are written
by one department's designer and shown to the whole province, so if markup ever slips
through, the browser still runs no script the server did not ship as a file. Every page's
script lives in ``webapp/static`` or ``admin/static``, data reaches it through ``data-*``
attributes or ``<script type="application/json">`` blocks, and there is no inline handler.

- ``script-src 'self'``: no inline script, no ``eval``, no script from elsewhere.
- ``style-src 'self'``: no inline ``style`` attribute or ``<style>`` in the templates or in
  the markup the renderer writes. Scripts set styles through the CSSOM (``element.style``),
  which the policy allows; bpmn-js draws with SVG presentation attributes and its stylesheets
  are files, so it needs no ``'unsafe-inline'`` either (checked in Chromium,
  tests/browser/test_csp_in_chromium.py).
- ``img-src`` and ``font-src`` allow ``data:``: bpmn-js's stylesheets embed their icons
  (``data:image/svg+xml``) and the BPMN icon font (``bpmn-embedded.css``) as data URLs.
- ``worker-src 'self'``: pdf.js draws the task page's PDF papers in a worker shipped as a
  file (``webapp/static/vendor/pdfjs``); no ``blob:`` worker, no ``eval``
  (``isEvalSupported: false``).
- ``frame-ancestors 'none'`` (and ``X-Frame-Options: DENY`` for older browsers): no page may
  be framed, so no click can be stolen from an approver.
- ``form-action 'self'``, ``base-uri 'none'``, ``object-src 'none'``: an injected form,
  ``<base>`` or plugin cannot send data elsewhere or re-point relative URLs.

A view that sets its own policy (downloads: ``sandbox``) keeps it: its directives come first,
and a browser obeys the first of a repeated directive.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def add_security_headers(response: Response) -> Response:
    """`response` with the Content-Security-Policy and the other security headers."""
    own = response.headers.get("Content-Security-Policy")
    response.headers["Content-Security-Policy"] = f"{own}; {POLICY}" if own else POLICY
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Add the security headers to every response of `app` (blueprints and errors included)."""
    app.after_request(add_security_headers)
