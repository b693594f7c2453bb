"""CSRF protection and login sessions.

HTML forms carry a per-session token. JSON API calls are protected because browsers
cannot send `application/json` across sites without a CORS preflight (which we never
grant); other API bodies from a logged-in browser must send the token in `X-CSRF-Token`.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

from engine.actors import Actor

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def csrf_token() -> str:
    """The session's CSRF token (created on first use)."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def _valid(given: str | None) -> bool:
    expected = session.get("csrf")
    return isinstance(expected, str) and isinstance(given, str) and hmac.compare_digest(
        given, expected
    )


def _check_csrf() -> None:
    if request.method not in UNSAFE:
        return
    if request.blueprint == "api":
        if request.is_json or "account_id" not in session:
            return
        if not _valid(request.headers.get("X-CSRF-Token")):
            abort(403, description="Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token).")
        return
    if not _valid(request.form.get("csrf_token")):
        abort(400, description="Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                               "Vui lòng tải lại trang và thử lại.")


def log_in(actor: Actor) -> None:
    """Start a fresh session for `actor` (a new session id defeats fixation)."""
    session.clear()
    session["account_id"] = actor.account_id
    csrf_token()


def log_out() -> None:
    """End the session."""
    session.clear()


def init_app(app: Flask) -> None:
    """Install the CSRF check and make `csrf_token()` available to templates."""
    from webapp.context import load_current_actor

    app.before_request(load_current_actor)
    app.before_request(_check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token
