"""Accounts: sessions, passwords and reset links, API keys, unlocking an account, handing
an officer's work over."""

from __future__ import annotations

from flask import Response, jsonify

from engine import identity
from engine.core import Invalid
from engine.dossiers import hand_over
from engine.identity import authenticate, unlock_account
from webapp.account import reset_link_base
from webapp.api.common import bp, json_body, signed_in
from webapp.context import client_address, uow
from webapp.security import begin_login, csrf_token, log_out, session_token


@bp.post("/session")
def create_session() -> tuple[Response, int]:
    """Log in with username and password (and `totp_code` when the account has a second
    factor); the session cookie authenticates later calls."""
    body = json_body()
    code = body.get("totp_code")
    with uow() as work:
        actor = authenticate(work, username=str(body.get("username", ""))[:100],
                             password=str(body.get("password", ""))[:200],
                             totp_code=None if code is None else str(code)[:20])
        assert actor.account_id is not None  # authenticate returns an account
        begin_login(work, account_id=actor.account_id)
    return jsonify({"name": actor.name, "kind": actor.kind, "csrf_token": csrf_token()}), 201


@bp.delete("/session")
def delete_session() -> tuple[str, int]:
    """Log out this client."""
    log_out()
    return "", 204


@bp.delete("/sessions")
def delete_all_sessions() -> Response:
    """Log out everywhere: every session of the caller's account but this one ends."""
    actor = signed_in()
    with uow() as work:
        return jsonify(identity.log_out_everywhere(work, actor=actor, token=session_token()))


@bp.put("/account/password")
def put_password() -> Response:
    """Change my password (`current`, `new`); my other sessions end."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        return jsonify(identity.change_password(
            work, actor=actor, current=str(body.get("current", ""))[:200],
            new=str(body.get("new", ""))[:201], keep_token=session_token()))


@bp.post("/password-resets")
def post_password_reset() -> tuple[Response, int]:
    """Ask for a reset link (`login`: username or e-mail); the same answer either way."""
    body = json_body()
    with uow() as work:
        identity.request_password_reset(work, login=str(body.get("login", "")),
                                        link_base=reset_link_base(), client=client_address())
    return jsonify({"state": "sent_if_known"}), 202


@bp.post("/password-resets/<token>")
def use_password_reset(token: str) -> Response:
    """Set a new password (`new`) with the token of an e-mailed reset link."""
    body = json_body()
    with uow() as work:
        return jsonify(identity.reset_password(work, token=token[:200],
                                               new=str(body.get("new", ""))[:201]))


@bp.post("/api-keys")
def create_api_key() -> tuple[Response, int]:
    """An administrator issues a key (`{name, agency, scopes, rate_per_minute}`), shown once."""
    actor = signed_in()
    body = json_body()
    scopes = body.get("scopes")
    if not isinstance(scopes, list) or not all(isinstance(x, str) for x in scopes):
        raise Invalid("Trường 'scopes' phải là danh sách phạm vi.")
    rate = body.get("rate_per_minute", 60)
    if not isinstance(rate, int) or isinstance(rate, bool):
        raise Invalid("Trường 'rate_per_minute' phải là số nguyên (lượt mỗi phút).")
    with uow() as work:
        return jsonify(identity.create_api_key(
            work, actor=actor, name=str(body.get("name", "")),
            agency_code=str(body.get("agency", "")), scopes=scopes, rate_per_minute=rate)), 201


@bp.post("/api-keys/<int:key_id>/revoke")
def revoke_api_key(key_id: int) -> Response:
    """Revoke a key at once."""
    actor = signed_in()
    with uow() as work:
        return jsonify(identity.revoke_api_key(work, actor=actor, key_id=key_id))


@bp.get("/api-keys/<int:key_id>/calls")
def api_key_calls(key_id: int) -> Response:
    """The newest calls made with a key (key, route, status, time, caller address)."""
    actor = signed_in()
    with uow() as work:
        return jsonify({"calls": identity.api_key_calls(work, actor=actor, key_id=key_id)})


@bp.post("/accounts/<username>/unlock")
def unlock(username: str) -> Response:
    """An administrator unlocks an account."""
    actor = signed_in()
    with uow() as work:
        return jsonify(unlock_account(work, actor=actor, username=username))


@bp.post("/agencies/<agency>/handover")
def handover(agency: str) -> Response:
    """Hand an officer's open work to a successor (`{leaving, successor, reason}`)."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        return jsonify(hand_over(work, actor=actor, agency_code=agency,
                                 leaving=str(body.get("leaving", "")),
                                 successor=str(body.get("successor", "")),
                                 reason=str(body.get("reason", ""))))
