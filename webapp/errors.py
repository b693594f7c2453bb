"""Turning refusals into answers: JSON `{"error": {...}}` under /api, a page elsewhere.

Error pages never depend on the request being routable: a request whose Host header
cannot even be parsed (a label over 63 characters…) has no URL adapter, so `url_for`
cannot work; such answers use a plain page with plain paths.
"""

from __future__ import annotations

import logging
import math
from html import escape
from typing import Any

from flask import (
    Flask,
    Response,
    flash,
    g,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.globals import request_ctx
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadHost, HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from engine.core import DraftSubmitted, RateLimited, ServiceError, is_citizen
from engine.identity import SESSION_EXPIRED as EXPIRED

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    401: "Bạn cần đăng nhập.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy.",
    405: "Phương thức không được hỗ trợ.",
    409: "Xung đột dữ liệu.",
    413: "Dữ liệu gửi lên quá lớn.",
    415: "Kiểu nội dung không được hỗ trợ.",
    422: "Dữ liệu chưa hợp lệ.",
    429: "Quá nhiều yêu cầu, vui lòng thử lại sau.",
    500: "Lỗi hệ thống.",
}
BAD_HOST = "Tên máy chủ (Host) trong yêu cầu không hợp lệ."
# Why a page refused, by where it is, when the refusal gave no reason of its own.
FORBIDDEN_AREAS = (
    ("/can-bo", "Trang này dành cho cán bộ của cơ quan giải quyết hồ sơ; tài khoản của bạn "
                "không phải tài khoản cán bộ."),
    ("/quan-tri", "Trang quản trị dành cho cán bộ được giao vai trò và quản trị hệ thống; "
                  "tài khoản của bạn không có vai trò đó."),
)


def forbidden_reason(path: str) -> str:
    """The sentence a 403 without its own reason says, by the area of the site refused."""
    for prefix, reason in FORBIDDEN_AREAS:
        if path == prefix or path.startswith(prefix + "/"):
            return reason
    return MESSAGES[403]
CODES = {400: "invalid", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large",
         415: "unsupported_media_type", 422: "form_invalid", 429: "rate_limited",
         500: "internal"}


def error_response(status: int, code: str, message: str, details: object = None) -> Response:
    """The JSON error body of ARCHITECTURE.md with its status."""
    response = jsonify({"error": {"code": code, "message": message, "details": details}})
    response.status_code = status
    return response


class NonFiniteNumber(ValueError):
    """`NaN`, `Infinity`, `-Infinity` (or a number too large for a float) in a JSON body."""

    message = ("Nội dung JSON chứa giá trị số không hợp lệ (NaN hoặc Infinity); "
               "JSON chỉ chấp nhận số hữu hạn.")


def _refuse_constant(name: str) -> Any:
    raise NonFiniteNumber(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 reads as inf
        raise NonFiniteNumber(text[:40])
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing what is not JSON both ways: a body with NaN or Infinity
    fails to parse (`NonFiniteNumber`), and the app never emits one (a bug: 500)."""

    ensure_ascii = False  # Vietnamese stays readable

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON; `NonFiniteNumber` (a `ValueError`) for NaN and infinities."""
        kwargs.setdefault("parse_constant", _refuse_constant)
        kwargs.setdefault("parse_float", _finite_float)
        return super().loads(s, **kwargs)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialise to JSON; `ValueError` rather than emit NaN or Infinity."""
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)


PLAIN_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Lỗi {status} — motcua</title></head>
<body><main><h1>{message}</h1><p>Mã lỗi: {status}. <a href="/">Về trang chủ</a></p></main>
</body></html>
"""


def _routable() -> bool:
    """True when `url_for` can work: a request whose URL adapter was built."""
    return has_request_context() and request_ctx.url_adapter is not None


def error_page(status: int, message: str) -> tuple[str, int]:
    """The error page: the site's template when it can render, else a plain one."""
    if _routable():
        try:
            return render_template("error.html", http_code=status, message=message), status
        except Exception:  # an error page must not fail in its turn
            logging.getLogger(__name__).exception("error page %s failed to render", status)
    return PLAIN_PAGE.format(status=status, message=escape(message)), status


def _to_dossier(exc: DraftSubmitted) -> WerkzeugResponse:
    """A submitted draft's page (the browser's Back after «Nộp hồ sơ»): on to the dossier it
    became — the applicant's own page when signed in, else the public lookup with its code."""
    flash(f"{exc.message} Đây là trang theo dõi hồ sơ.", "info")
    actor = getattr(g, "actor", None)
    target = (url_for("mine.dossier", code=exc.dossier_code)
              if actor is not None and is_citizen(actor)
              else url_for("citizen.track", ma=exc.dossier_code))
    return redirect(target, 303)


def _wants_json() -> bool:
    return has_request_context() and request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(ServiceError)
    def _service(exc: ServiceError) -> Response | WerkzeugResponse | tuple[str, int]:
        if _wants_json():
            response = error_response(exc.status, exc.code, exc.message, exc.details)
            if isinstance(exc, RateLimited):
                response.headers["Retry-After"] = str(exc.retry_after)
            return response
        if isinstance(exc, DraftSubmitted):
            return _to_dossier(exc)
        return error_page(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response | tuple[str, int] | WerkzeugResponse:
        status = exc.code or 500
        message = MESSAGES.get(status, exc.name)
        if exc.description and exc.description != type(exc).description:
            message = exc.description
        elif status == 403 and has_request_context():
            message = forbidden_reason(request.path)
        if isinstance(exc, BadHost):
            message = BAD_HOST
        if _wants_json():
            if status == 401 and g.get("session_expired"):
                message = EXPIRED
            return error_response(status, CODES.get(status, "error"), message)
        if status == 401 and request.method == "GET" and _routable():
            flash(EXPIRED if g.get("session_expired") else "Vui lòng đăng nhập để tiếp tục.",
                  "error")
            return redirect(url_for("account.login", next=request.full_path.rstrip("?")), 303)
        return error_page(status, message)
