"""Agencies: the public directory, and creating, editing (moving), closing and reopening an
agency — administrators, and a quản trị đơn vị within its subtree."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from engine import agencies
from webapp.api.common import bp, json_body, signed_in
from webapp.context import uow

FIELDS = ("code", "name", "kind", "parent", "address", "phone", "email", "hotline", "province")


def _fields(body: dict[str, Any], code: str | None = None) -> agencies.AgencyFields:
    values = {k: str(body.get(k) or "")[:400] for k in FIELDS}
    if code is not None:
        values["code"] = code
    return agencies.AgencyFields(**values)


@bp.get("/agencies")
def list_agencies() -> Response:
    """The public directory: open agencies in tree order with their contact details
    (`q` searches names and addresses without diacritics)."""
    with uow() as work:
        rows = agencies.directory(work, query=request.args.get("q", "")[:100])
    keep = ("code", "name", "kind", "parent", "province", "address", "phone", "email", "hotline")
    return jsonify({"agencies": [{k: row[k] for k in keep} for row in rows]})


@bp.post("/agencies")
def create_agency() -> tuple[Response, int]:
    """Add an agency under `parent` (its code; none: the top of the tree)."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        made = agencies.create_agency(work, actor=actor, fields=_fields(body))
    return jsonify(_plain(made)), 201


@bp.put("/agencies/<agency>")
def put_agency(agency: str) -> Response:
    """Replace an agency's details; a new `parent` moves it (never under itself)."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        return jsonify(_plain(agencies.edit_agency(work, actor=actor, code=agency,
                                                   fields=_fields(body, agency))))


@bp.post("/agencies/<agency>/close")
def close_agency(agency: str) -> Response:
    """Close an agency (`reason` required): no new dossier, its history kept."""
    actor = signed_in()
    body = json_body()
    with uow() as work:
        return jsonify(_plain(agencies.close_agency(work, actor=actor, code=agency,
                                                    reason=str(body.get("reason") or "")[:300])))


@bp.post("/agencies/<agency>/reopen")
def reopen_agency(agency: str) -> Response:
    """Open a closed agency again."""
    actor = signed_in()
    with uow() as work:
        return jsonify(_plain(agencies.reopen_agency(work, actor=actor, code=agency)))


def _plain(agency: dict[str, Any]) -> dict[str, Any]:
    return {**agency, "closed_at": agency["closed_at"].isoformat() if agency["closed_at"] else None}
