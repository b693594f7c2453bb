"""Officers' accounts: list, invite, show; grant and revoke roles with a validity period;
lock, unlock, emergency-lock, deactivate, reactivate; transfer to another post —
administrators, and a quản trị đơn vị for the officers of its subtree."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, abort, current_app, jsonify, request

from engine import agencies
from engine.core import VN_TZ, Invalid
from webapp.api.common import bp, json_body, signed_in
from webapp.context import uow

ACTIONS = ("lock", "unlock", "emergency-lock", "deactivate", "reactivate")


def _link_base() -> str:
    return str(current_app.config["PUBLIC_URL"]).rstrip("/") + "/dat-lai-mat-khau"


def _instant(body: dict[str, Any], key: str) -> datetime | None:
    """An ISO 8601 instant from the body (Vietnam's time when it names no offset)."""
    value = body.get(key)
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value)[:40])
    except ValueError:
        raise Invalid(f"Trường '{key}' phải là thời điểm ISO 8601.") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)


def _grant(body: dict[str, Any]) -> agencies.Grant:
    return agencies.Grant(agency=str(body.get("agency") or "")[:40],
                          role=str(body.get("role") or "")[:50],
                          valid_from=_instant(body, "valid_from"),
                          valid_until=_instant(body, "valid_until"))


def _plain(value: Any) -> Any:
    """Instants as ISO text, recursively (the engine hands datetimes)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@bp.get("/officers")
def list_officers() -> Response:
    """The staff accounts the caller manages (`q` filters on username and name)."""
    actor = signed_in()
    with uow() as work:
        rows = agencies.list_officers(work, actor=actor, query=request.args.get("q", "")[:100])
    return jsonify({"officers": _plain(rows)})


@bp.post("/officers")
def invite_officer() -> tuple[Response, int]:
    """Create an officer's account with `grants` and e-mail it the link to set a password."""
    actor = signed_in()
    body = json_body()
    grants = body.get("grants")
    if not isinstance(grants, list) or not all(isinstance(g, dict) for g in grants):
        raise Invalid("Trường 'grants' phải là danh sách {agency, role, valid_from, valid_until}.")
    with uow() as work:
        made = agencies.invite_officer(
            work, actor=actor, username=str(body.get("username") or "")[:100],
            full_name=str(body.get("full_name") or "")[:200],
            email=str(body.get("email") or "")[:200], phone=str(body.get("phone") or "")[:20],
            grants=[_grant(g) for g in grants[:50]], link_base=_link_base())
    return jsonify(_plain(made)), 201


@bp.get("/officers/<username>")
def show_officer(username: str) -> Response:
    """One account: state, roles with their periods, its recent history."""
    actor = signed_in()
    with uow() as work:
        return jsonify(_plain(agencies.officer_detail(work, actor=actor, username=username)))


@bp.put("/officers/<username>/roles")
def grant_role(username: str) -> Response:
    """Give a role in an agency for a period (`agency`, `role`, `valid_from`, `valid_until`)."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        return jsonify(_plain(agencies.grant_role(work, actor=actor, username=username,
                                                  grant=_grant(body))))


@bp.delete("/officers/<username>/roles/<agency>/<role>")
def revoke_role(username: str, agency: str, role: str) -> Response:
    """Take a role away at once."""
    actor = signed_in()
    with uow() as work:
        return jsonify(_plain(agencies.revoke_role(work, actor=actor, username=username,
                                                   agency=agency, role=role)))


@bp.post("/officers/<username>/<action>")
def act_on_officer(username: str, action: str) -> Response:
    """lock, unlock, emergency-lock, deactivate (`reason` where one is needed), reactivate."""
    actor = signed_in()
    if action not in ACTIONS:
        abort(404, description="Không có thao tác này.")
    body = json_body() if request.is_json else {}
    reason = str(body.get("reason") or "")[:300]
    with uow() as work:
        if action == "lock":
            done = agencies.lock_account(work, actor=actor, username=username, reason=reason)
        elif action == "unlock":
            done = agencies.unlock(work, actor=actor, username=username)
        elif action == "emergency-lock":
            done = agencies.emergency_lock(work, actor=actor, username=username, reason=reason)
        elif action == "deactivate":
            done = agencies.deactivate(work, actor=actor, username=username, reason=reason)
        else:
            done = agencies.reactivate(work, actor=actor, username=username,
                                       link_base=_link_base())
    return jsonify(_plain(done))


@bp.post("/officers/<username>/transfer")
def transfer_officer(username: str) -> Response:
    """Move the officer: `from`, `to` (agency codes), `roles` there, `successor`, `reason`."""
    actor = signed_in()
    body = json_body()
    roles = body.get("roles")
    if not isinstance(roles, list):
        raise Invalid("Trường 'roles' phải là danh sách vai trò.")
    with uow() as work:
        return jsonify(_plain(agencies.transfer(
            work, actor=actor, username=username, from_agency=str(body.get("from") or "")[:40],
            to_agency=str(body.get("to") or "")[:40], roles=[str(r)[:50] for r in roles[:20]],
            successor=str(body.get("successor") or "")[:100],
            reason=str(body.get("reason") or "")[:300])))
