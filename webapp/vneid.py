"""Citizens' login with VNeID (OpenID Connect, `integrations.vneid`): the login page's
«Đăng nhập bằng VNeID» sends the browser to the provider with a fresh state, nonce and PKCE
challenge kept in its session; the provider sends it back with a code, exchanged here for
an ID token whose ID number opens (or creates) the citizen's account. Officers log in with
their password only."""

from __future__ import annotations

import hmac
from typing import cast

from flask import Blueprint, Flask, current_app, flash, redirect, request, session, url_for
from werkzeug.wrappers import Response

from engine import applicants
from engine.core import ServiceError
from integrations.vneid import LoginRefused, VneidConnector
from webapp.context import uow
from webapp.esign import connectors
from webapp.security import begin_login, safe_next

bp = Blueprint("vneid", __name__)
PENDING = "vneid_login"  # session key: state, nonce, PKCE verifier, where to go after
PROVIDER_ERRORS = {"access_denied": "Bạn đã không đồng ý đăng nhập bằng VNeID."}


def connector() -> VneidConnector:
    """The platform's ``vneid`` connector."""
    return cast(VneidConnector, connectors().get("vneid"))


def enabled() -> bool:
    """Whether the login page offers VNeID (a real connector is configured)."""
    return connector().enabled


def _callback_url() -> str:
    return str(current_app.config["PUBLIC_URL"]).rstrip("/") + url_for("vneid.callback")


def _back_to_login(message: str) -> Response:
    flash(message, "error")
    return redirect(url_for("account.login"), 303)


@bp.get("/dang-nhap/vneid")
def start() -> Response:
    """Send the browser to VNeID with a fresh state, nonce and PKCE challenge."""
    try:
        begun = connector().start(_callback_url())
    except LoginRefused as exc:
        return _back_to_login(str(exc))
    session[PENDING] = {
        "state": begun.state,
        "nonce": begun.nonce,
        "verifier": begun.code_verifier,
        "next": safe_next(request.args.get("next"), "") or "",
    }
    return redirect(begun.url, 303)


@bp.get("/dang-nhap/vneid/ve")
def callback() -> Response:
    """Back from VNeID: the state must be this browser's, the code is exchanged with the
    PKCE verifier, the ID token checked; then the citizen is logged in here."""
    pending = session.pop(PENDING, None)
    error = request.args.get("error", "")[:100]
    if error:
        return _back_to_login(
            PROVIDER_ERRORS.get(error, "VNeID không cho đăng nhập lần này; vui lòng thử lại.")
        )
    state, code = request.args.get("state", "")[:200], request.args.get("code", "")[:2000]
    if (
        not isinstance(pending, dict)
        or not state
        or not code
        or not hmac.compare_digest(str(pending.get("state", "")), state)
    ):
        return _back_to_login(
            "Phiên đăng nhập bằng VNeID không hợp lệ hoặc đã hết hạn; "
            "vui lòng bấm «Đăng nhập bằng VNeID» lại."
        )
    taken: list[str] = []  # dossiers submitted without an account, now the citizen's
    retired: list[str] = []  # an account registered here, taken over by its proven holder
    try:
        found = connector().finish(
            code=code,
            redirect_uri=_callback_url(),
            nonce=str(pending["nonce"]),
            code_verifier=str(pending["verifier"]),
        )
        with uow() as work:
            actor = applicants.vneid_login(
                work,
                id_number=found.id_number,
                full_name=found.full_name,
                phone=found.phone,
                email=found.email,
                subject=found.subject,
                taken=taken,
                retired=retired,
            )
            assert actor.account_id is not None  # an account was found or made
            begin_login(work, account_id=actor.account_id)
    except LoginRefused as exc:
        return _back_to_login(str(exc))
    except ServiceError as exc:
        return _back_to_login(exc.message)
    _tell_logged_in(taken, retired)
    return redirect(safe_next(str(pending.get("next") or ""), url_for("mine.overview")), 303)


def _tell_logged_in(taken: list[str], retired: list[str]) -> None:
    """What the VNeID login did beside logging in: an account taken over, dossiers joined."""
    flash("Đã đăng nhập bằng VNeID.", "success")
    if retired:
        flash("Tài khoản đã được xác thực bằng VNeID: mật khẩu cũ không còn dùng được và các "
              "phiên đăng nhập khác đã kết thúc. Muốn đăng nhập bằng mật khẩu, hãy đặt mật "
              "khẩu mới ở «Quên mật khẩu».", "success")
    if taken:
        flash(f"Đã thêm {len(taken)} hồ sơ bạn nộp không cần tài khoản vào «Hồ sơ của tôi».",
              "success")


def init_app(app: Flask) -> None:
    """Register the routes and offer `vneid_enabled()` to the login page."""
    app.register_blueprint(bp)
    app.jinja_env.globals["vneid_enabled"] = enabled
