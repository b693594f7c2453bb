"""Turning refusals into answers: JSON `{"error": {...}}` under /api, a page elsewhere."""

from __future__ import annotations

from flask import Flask, Response, flash, g, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from engine.errors import RateLimited, ServiceError
from engine.sessions import EXPIRED

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
CODES = {400: "invalid", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large",
         415: "unsupported_media_type", 422: "form_invalid", 429: "rate_limited",
         500: "internal"}


def error_response(status: int, code: str, message: str, details: object = None) -> Response:
    """The JSON error body of ARCHITECTURE.md with its status."""
    response = jsonify({"error": {"code": code, "message": message, "details": details}})
    response.status_code = status
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(ServiceError)
    def _service(exc: ServiceError) -> Response | tuple[str, int]:
        if _wants_json():
            response = error_response(exc.status, exc.code, exc.message, exc.details)
            if isinstance(exc, RateLimited):
                response.headers["Retry-After"] = str(exc.retry_after)
            return response
        return render_template("error.html", status=exc.status, message=exc.message), exc.status

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response | tuple[str, int] | WerkzeugResponse:
        status = exc.code or 500
        message = MESSAGES.get(status, exc.name)
        if exc.description and exc.description != type(exc).description:
            message = exc.description
        if _wants_json():
            if status == 401 and g.get("session_expired"):
                message = EXPIRED
            return error_response(status, CODES.get(status, "error"), message)
        if status == 401 and request.method == "GET":
            flash(EXPIRED if g.get("session_expired") else "Vui lòng đăng nhập để tiếp tục.",
                  "error")
            return redirect(url_for("account.login", next=request.full_path.rstrip("?")), 303)
        return render_template("error.html", status=status, message=message), status
