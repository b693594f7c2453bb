"""The API's blueprint and what every resource module shares: the key-scope gate, reading
the JSON body, requiring a signed-in caller, and parsing common fields."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, request

from engine.core import Actor, Invalid, is_identified
from forms import nesting_depth
from webapp.context import current_actor
from webapp.errors import NonFiniteNumber

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# What an API key may call: endpoint → scope. Any other endpoint refuses keys.
KEY_SCOPES = {
    "api.list_procedures": "procedures:read", "api.show_procedure": "procedures:read",
    "api.submit": "dossiers:submit", "api.show_dossier": "dossiers:read",
    "api.list_dossiers": "dossiers:read",
    "api.track": "tracking:read", "api.openapi": "procedures:read",
}
MAX_JSON_DEPTH = 32


@bp.before_request
def _key_scope() -> None:
    # Deny by default: a key reaches only the routes listed above, with their scope. The
    # services check the key's scopes again (`Actor.require`); its calls are logged by
    # `webapp.context.log_key_call`.
    actor = current_actor()
    if actor.scopes is not None and not actor.may(KEY_SCOPES.get(request.endpoint or "", "")):
        abort(403, description="Khóa API không có quyền gọi chức năng này.")


def json_body() -> dict[str, Any]:
    """The request's JSON object: 415 unless JSON, 400 unless a readable, shallow object."""
    if not request.is_json:
        abort(415, description="Nội dung phải là JSON (Content-Type: application/json).")
    try:
        body = current_app.json.loads(request.get_data(cache=False) or b"null")
    except NonFiniteNumber as exc:  # NaN and Infinity are not JSON: PostgreSQL refuses them
        raise Invalid(NonFiniteNumber.message, details={"value": str(exc)}) from None
    except (ValueError, RecursionError):
        abort(400, description="Nội dung JSON không đọc được.")
    if not isinstance(body, dict):
        abort(400, description="Nội dung JSON phải là một đối tượng.")
    if nesting_depth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        abort(400, description="Nội dung JSON lồng nhau quá sâu.")
    return body


def signed_in() -> Actor:
    """The caller, who must be signed in (or an integration's key): else 401."""
    actor = current_actor()
    if not is_identified(actor):
        abort(401)
    return actor


def object_field(body: dict[str, Any], key: str) -> dict[str, Any]:
    """`body[key]`, which must be an object (default `{}`)."""
    value = body.get(key, {})
    if not isinstance(value, dict):
        raise Invalid(f"Trường '{key}' phải là một đối tượng.")
    return value


def confirmed(body: dict[str, Any]) -> bool:
    """`confirm_other_delivery` of a hand-over: true, false or absent (a wrong type is named)."""
    value = body.get("confirm_other_delivery", False)
    if not isinstance(value, bool):
        raise Invalid("Trường 'confirm_other_delivery' phải là true hoặc false.")
    return value


def text_or_none(body: dict[str, Any], key: str) -> str | None:
    """`body[key]` as text of at most 100 characters, or None when absent or empty."""
    value = body.get(key)
    return str(value)[:100] if value else None


def iso_date(text: str) -> date:
    """An ISO date (YYYY-MM-DD) from a path or query argument."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("Ngày phải có dạng NNNN-TT-NN.") from None
