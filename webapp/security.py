"""CSRF protection and login sessions.

The cookie session (signed, HTTP-only, SameSite=Lax, Secure in production) holds only a
random token and the CSRF token; the login itself — its idle and absolute timeouts, its
second-factor step, logout everywhere — lives in the database (`engine.sessions`).

HTML forms carry a per-session token. JSON API calls are protected because browsers
cannot send `application/json` across sites without a CORS preflight (which we never
grant); other API bodies from a logged-in browser must send the token in `X-CSRF-Token`.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, abort, request, session

from engine.core import UnitOfWork
from engine.identity import SessionPolicy, end_session, start_session
from webapp.context import client_address, uow

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
SESSION_POLICY = SessionPolicy()


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
        if request.is_json or "sid" not in session:
            return
        if not _valid(request.headers.get("X-CSRF-Token")):
            abort(403, description="Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token).")
        return
    # Forms carry the token in a field; a page's own fetch() calls send it as a header.
    if not _valid(request.form.get("csrf_token") or request.headers.get("X-CSRF-Token")):
        abort(400, description="Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                               "Vui lòng tải lại trang và thử lại.")


def begin_login(work: UnitOfWork, *, account_id: int, pending_second_factor: bool = False) -> None:
    """Start a server-side session for an account whose password was checked, and hold
    its token in a fresh cookie session (a new session defeats fixation)."""
    token = start_session(work, account_id=account_id, address=client_address(),
                          agent=request.headers.get("User-Agent", ""),
                          pending_second_factor=pending_second_factor)
    hold_token(token)


def hold_token(token: str) -> None:
    """Put a session token in the (signed, HTTP-only) cookie session."""
    session.clear()
    session["sid"] = token
    csrf_token()


def session_token() -> str | None:
    """This browser's session token, if any."""
    token = session.get("sid")
    return token if isinstance(token, str) else None


def log_out() -> None:
    """End this browser's session, here and in the database."""
    token = session_token()
    if token:
        with uow() as work:
            end_session(work, token=token)
    session.clear()


MAX_NEXT = 2000  # longer is no page of ours


def safe_next(target: str | None, default: str) -> str:
    """A local path to go back to after logging in (never another site), else `default`.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
    `/%09/evil.example` (decoded: a tab) would leave the site as `//evil.example`: a
    target with any control or invisible character or a backslash is refused outright,
    and what remains must parse as a bare path starting with exactly one slash."""
    if not target or len(target) > MAX_NEXT:
        return default
    if "\\" in target or not target.isprintable():  # controls, separators, U+2028…
        return default
    if target.startswith("//"):  # even `///x`: another site's address, not ours to fix
        return default
    try:
        parts = urlsplit(target)
    except ValueError:
        return default
    if parts.scheme or parts.netloc or not parts.path.startswith("/") \
            or parts.path.startswith("//"):
        return default
    local = urlunsplit(("", "", parts.path, parts.query, parts.fragment))
    return local if local.startswith("/") and not local.startswith("//") else default


def init_app(app: Flask) -> None:
    """Install the CSRF check and make `csrf_token()` available to templates."""
    from webapp.context import load_current_actor, log_key_call

    app.config.setdefault("SESSION_POLICY", SESSION_POLICY)
    app.before_request(load_current_actor)
    app.after_request(log_key_call)
    app.before_request(_check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token
