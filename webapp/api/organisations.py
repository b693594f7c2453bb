"""Organisations: register the one I represent by law (its tax code becomes its login),
list those I act for, authorise people (ủy quyền) and end their authorisation, submit a
dossier and read its dossiers on its behalf."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, jsonify, request

from engine import applicants, dossiers, identity
from engine.core import VN_TZ, Invalid
from webapp.api.common import bp, json_body, signed_in
from webapp.context import client_address, uow
from webapp.formpage import SUBMIT_REQUEST_LIMIT, submission_limits


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _instant(body: dict[str, Any], key: str) -> datetime | None:
    value = body.get(key)
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value)[:40])
    except ValueError:
        raise Invalid(f"Trường '{key}' phải là thời điểm ISO 8601.") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)


@bp.post("/organisations")
def register_organisation() -> tuple[Response, int]:
    """Register the organisation I represent by law: `{tax_code, name, address, email,
    password}` (its own login: the tax code and this password)."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        made = identity.register_organisation(
            work, actor=actor, tax_code=str(body.get("tax_code") or "")[:20],
            name=str(body.get("name") or "")[:301], address=str(body.get("address") or "")[:301],
            email=str(body.get("email") or "")[:201], password=str(body.get("password") or "")[:201])
    return jsonify(_plain(made)), 201


@bp.get("/organisations")
def my_organisations() -> Response:
    """The organisations I act for now."""
    actor = signed_in()
    with uow() as work:
        return jsonify({"organisations": _plain(identity.my_organisations(work, actor=actor))})


@bp.get("/organisations/<tax_code>")
def show_organisation(tax_code: str) -> Response:
    """An organisation I act for, and the people acting for it."""
    actor = signed_in()
    with uow() as work:
        return jsonify(_plain(identity.organisation_detail(work, actor=actor,
                                                           tax_code=tax_code[:20])))


@bp.post("/organisations/<tax_code>/members")
def add_member(tax_code: str) -> tuple[Response, int]:
    """Authorise a person: `{username, authorisation, valid_from?, valid_until?}` (the legal
    representative)."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        done = identity.add_member(
            work, actor=actor, tax_code=tax_code[:20], username=str(body.get("username") or "")[:100],
            authorisation=str(body.get("authorisation") or "")[:200],
            valid_from=_instant(body, "valid_from"), valid_until=_instant(body, "valid_until"))
    return jsonify(_plain(done)), 201


@bp.delete("/organisations/<tax_code>/members/<username>")
def remove_member(tax_code: str, username: str) -> Response:
    """End a person's authorisation at once."""
    actor = signed_in()
    with uow() as work:
        return jsonify(_plain(identity.remove_member(work, actor=actor, tax_code=tax_code[:20],
                                                     username=username[:100])))


@bp.post("/organisations/<tax_code>/dossiers")
def submit_for_organisation(tax_code: str) -> tuple[Response, int]:
    """Submit `{procedure, agency?, data}` on the organisation's behalf: the dossier is the
    organisation's; the person who acted is in the audit trail."""
    request.max_content_length = SUBMIT_REQUEST_LIMIT
    actor = signed_in()
    body = json_body()
    data = body.get("data")
    if not isinstance(data, dict):
        raise Invalid("Trường 'data' phải là một đối tượng.")
    with uow() as work:
        organisation = identity.acting_for(work, actor=actor, tax_code=tax_code[:20])
        view = dossiers.submit_dossier(
            work, actor=organisation, procedure_code=str(body.get("procedure", "")),
            agency_code=body.get("agency"), data=data, client=client_address(),
            limits=submission_limits())
    return jsonify(view), 201


@bp.get("/organisations/<tax_code>/dossiers")
def organisation_dossiers(tax_code: str) -> Response:
    """The organisation's dossiers, for the people acting for it."""
    actor = signed_in()
    with uow() as work:
        organisation = identity.acting_for(work, actor=actor, tax_code=tax_code[:20])
        return jsonify({"dossiers": applicants.my_dossiers(work, actor=organisation)})
