"""Account pages: log in (with the second factor when on), log out here or everywhere,
forgotten password, change password, open sessions, TOTP enrolment."""

from __future__ import annotations

from typing import Any

import segno
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from engine import identity
from engine.core import (
    Actor,
    FormInvalid,
    Invalid,
    SecondFactorRequired,
    ServiceError,
    Unauthenticated,
    is_admin_account,
    is_citizen,
    is_officer,
    may_close_own_account,
    uses_second_factor,
)
from engine.identity import authenticate
from webapp.context import client_address, current_actor, uow
from webapp.security import begin_login, hold_token, log_out, safe_next, session_token

bp = Blueprint("account", __name__)
FIELD = 200  # longest username, password or code we read from a form


def _home(actor: Actor) -> str:
    """Where a login lands: a citizen on their dossiers, an administrator on the admin home,
    an officer on the inbox, anyone else on the catalogue."""
    if is_admin_account(actor):
        return url_for("admin.home")
    if is_citizen(actor):
        return url_for("mine.overview")
    return url_for("officer.inbox" if is_officer(actor) else "citizen.catalogue")


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """Log in (every kind of account)."""
    target = safe_next(request.args.get("next"), "") or None  # a hostile one is dropped
    if request.method == "GET":
        return render_template("login.html", username="", error=None, next=target)
    username = request.form.get("username", "")[:100]
    try:
        with uow() as work:
            try:
                actor = authenticate(work, username=username,
                                     password=request.form.get("password", "")[:FIELD])
            except SecondFactorRequired as exc:
                begin_login(work, account_id=exc.account_id, pending_second_factor=True)
                return redirect(url_for("account.second_factor_page", next=target), 303)
            assert actor.account_id is not None  # authenticate returns an account
            begin_login(work, account_id=actor.account_id)
    except Invalid as exc:
        # The page is drawn once the unit of work has ended: its banner reads in a
        # transaction of its own, which would wait on this one's write lock (an unknown
        # or empty login name left it open: 30 s, then a server error).
        return render_template("login.html", username=username, error=exc.message,
                               next=target), 401
    return redirect(safe_next(target, _home(actor)), 303)


@bp.route("/dang-nhap/ma-xac-thuc", methods=["GET", "POST"])
def second_factor_page() -> str | Response | tuple[str, int]:
    """The second step of a login with TOTP: the 6-digit code."""
    target = safe_next(request.args.get("next"), "") or None
    token = session_token()
    if not g.pending_second_factor or token is None:
        flash(identity.SESSION_EXPIRED if g.session_expired else "Hãy đăng nhập trước.", "error")
        return redirect(url_for("account.login"), 303)
    if request.method == "GET":
        return render_template("second_factor.html", error=None, next=target)
    try:
        with uow() as work:
            new_token, actor = identity.confirm_second_factor(
                work, token=token, code=request.form.get("code", "")[:FIELD],
                policy=current_app.config["SESSION_POLICY"])
    except Unauthenticated as exc:
        flash(exc.message, "error")
        return redirect(url_for("account.login"), 303)
    except Invalid as exc:
        return render_template("second_factor.html", error=exc.message, next=target), 401
    hold_token(new_token)
    return redirect(safe_next(target, _home(actor)), 303)


@bp.post("/dang-xuat")
def logout() -> Response:
    """Log out this browser."""
    log_out()
    return redirect(url_for("citizen.catalogue"), 303)


def _signed_in() -> Actor:
    actor = current_actor()
    if actor.account_id is None:
        abort(401)
    return actor


@bp.get("/tai-khoan")
def overview() -> str:
    """My account: open sessions, change password, second factor."""
    return _overview_page()


def _overview_page(password_errors: list[dict[str, Any]] | None = None,
                   enrolment: dict[str, str] | None = None, totp_error: str | None = None,
                   close_errors: list[dict[str, Any]] | None = None) -> str:
    actor = _signed_in()
    with uow() as work:
        open_sessions = identity.open_sessions(work, actor=actor, token=session_token(),
                                               policy=current_app.config["SESSION_POLICY"])
        totp = (identity.second_factor_status(work, actor=actor)
                if uses_second_factor(actor) else None)
    qr = None
    if enrolment:
        qr = Markup(segno.make(enrolment["uri"], error="m").svg_inline(  # noqa: S704  # segno's SVG
            scale=4, title="Mã QR đăng ký xác thực hai bước"))
    return render_template("account.html", actor=actor, sessions=open_sessions, totp=totp,
                           password_errors=password_errors or [], enrolment=enrolment, qr=qr,
                           totp_error=totp_error, policy=identity.PASSWORD_POLICY,
                           close_errors=close_errors or [],
                           may_close=may_close_own_account(actor))


@bp.post("/tai-khoan/mat-khau")
def change_password() -> str | Response | tuple[str, int]:
    """Change my password; my other sessions end."""
    actor = _signed_in()
    try:
        with uow() as work:
            done = identity.change_password(
                work, actor=actor, current=request.form.get("current", "")[:FIELD],
                new=request.form.get("new_password", "")[:FIELD + 1],
                confirm=request.form.get("confirm", "")[:FIELD + 1], keep_token=session_token())
    except FormInvalid as exc:
        return _overview_page(password_errors=exc.details), 422
    flash(f"Đã đổi mật khẩu; {done['sessions_ended']} phiên đăng nhập khác đã kết thúc.", "success")
    return redirect(url_for("account.overview"), 303)


@bp.post("/tai-khoan/tu-khoa")
def lock_mine() -> str | Response | tuple[str, int]:
    """Lock my account at once (Trà Vinh seed, art. 6.4): every session ends; a reset link
    opens it again."""
    actor = _signed_in()
    try:
        with uow() as work:
            identity.lock_own_account(work, actor=actor,
                                      password=request.form.get("lock_password", "")[:FIELD])
    except FormInvalid as exc:
        return _overview_page(close_errors=exc.details), 422
    log_out()
    flash("Đã khóa tài khoản; mọi phiên đăng nhập đã kết thúc. Để mở lại, dùng «Quên mật "
          "khẩu» để đặt mật khẩu mới.", "success")
    return redirect(url_for("account.login"), 303)


@bp.post("/tai-khoan/dong")
def close_mine() -> str | Response | tuple[str, int]:
    """Close my account for good; my dossiers and their history stay with the agencies."""
    actor = _signed_in()
    try:
        with uow() as work:
            identity.close_own_account(
                work, actor=actor, password=request.form.get("close_password", "")[:FIELD],
                confirmed=request.form.get("close_confirm") == "1")
    except FormInvalid as exc:
        return _overview_page(close_errors=exc.details), 422
    log_out()
    flash("Đã đóng tài khoản. Hồ sơ đã nộp vẫn được cơ quan lưu giữ theo quy định.", "success")
    return redirect(url_for("citizen.catalogue"), 303)


@bp.post("/tai-khoan/dang-xuat-moi-noi")
def logout_everywhere() -> Response:
    """End my sessions on every other browser."""
    actor = _signed_in()
    with uow() as work:
        done = identity.log_out_everywhere(work, actor=actor, token=session_token())
    flash(f"Đã đăng xuất khỏi {done['ended']} phiên đăng nhập khác.", "success")
    return redirect(url_for("account.overview"), 303)


@bp.post("/tai-khoan/xac-thuc-hai-buoc/<step>")
def totp_step(step: str) -> str | Response | tuple[str, int]:
    """Second factor: `bat-dau` (new secret and QR), `xac-nhan` (turn on), `tat` (off)."""
    actor = _signed_in()
    code = request.form.get("code", "")[:FIELD]
    try:
        with uow() as work:
            if step == "bat-dau":
                return _overview_page(enrolment=identity.begin_enrolment(work, actor=actor))
            if step == "xac-nhan":
                identity.confirm_enrolment(work, actor=actor, code=code)
                flash("Đã bật xác thực hai bước.", "success")
            elif step == "tat":
                identity.disable_second_factor(work, actor=actor, code=code)
                flash("Đã tắt xác thực hai bước.", "success")
            else:
                abort(404)
    except Invalid as exc:
        return _overview_page(totp_error=exc.message), 422
    return redirect(url_for("account.overview"), 303)


@bp.route("/quen-mat-khau", methods=["GET", "POST"])
def forgot() -> str | tuple[str, int]:
    """Ask for a reset link by username or e-mail (same answer whether or not it exists)."""
    if request.method == "GET":
        return render_template("forgot.html", sent=False)
    with uow() as work:
        identity.request_password_reset(work, login=request.form.get("login", ""),
                                        link_base=reset_link_base(), client=client_address())
    return render_template("forgot.html", sent=True)


def reset_link_base() -> str:
    """Where reset links point (the public address of this installation)."""
    return str(current_app.config["PUBLIC_URL"]).rstrip("/") + "/dat-lai-mat-khau"


@bp.route("/dat-lai-mat-khau/<token>", methods=["GET", "POST"])
def reset(token: str) -> str | Response | tuple[str, int]:
    """Choose a new password through the e-mailed link."""
    token = token[:FIELD]
    try:
        with uow() as work:
            username = identity.check_password_reset(work, token=token)
            first = identity.is_invitation(work, token=token)  # «Kích hoạt tài khoản»
    except Invalid as exc:
        return render_template("reset.html", invalid=exc.message, errors=[]), 410
    if request.method == "GET":
        return render_template("reset.html", invalid=None, username=username, errors=[],
                               policy=identity.PASSWORD_POLICY, first=first)
    try:
        with uow() as work:
            identity.reset_password(work, token=token,
                                    new=request.form.get("new_password", "")[:FIELD + 1],
                                    confirm=request.form.get("confirm", "")[:FIELD + 1])
    except FormInvalid as exc:
        return render_template("reset.html", invalid=None, username=username, first=first,
                               errors=exc.details, policy=identity.PASSWORD_POLICY), 422
    except ServiceError as exc:
        return render_template("reset.html", invalid=exc.message, errors=[]), 410
    flash("Đã kích hoạt tài khoản. Hãy đăng nhập bằng mật khẩu vừa tạo." if first
          else "Đã đặt mật khẩu mới. Hãy đăng nhập.", "success")
    return redirect(url_for("account.login"), 303)
